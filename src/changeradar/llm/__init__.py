"""Talking to an OpenAI-compatible endpoint: client, prompts, token budget, answer schema, checks.

`changeradar.analyse.llm` is the analyser built from these parts; nothing here knows about the pipeline.
"""
