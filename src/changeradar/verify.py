"""Ground check: every file path and code identifier an analysis names must be found in its commit.

An analyser (the LLM above all) may name files, functions, flags or variables the diff never shows, and
a reader cannot tell. `find_unverified` lists those names so the report can flag them; `strip_unverified`
removes the sentences that rely on them. Both read English and Chinese text alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from changeradar.file_kinds import PROSE_FILE_SUFFIXES
from changeradar.i18n import LANGUAGES, message
from changeradar.model import Analysis, Commit, Insights, Signal, SignalKind

# Code-looking words that name no code: products, formats and abbreviations an analysis mentions freely.
# Plain acronyms (CUDA, GPU) need a place here only for when they appear between backticks.
COMMON_TECHNICAL_WORDS = frozenset(
    {
        "API", "CI", "CPU", "CUDA", "FP4", "FP8", "FP16", "BF16", "GPU", "HTTP", "INT4", "INT8", "JSON",
        "LLM", "NPU", "RDMA", "TPU", "YAML",
        "cuBLAS", "cuDNN", "DeepEP", "DeepGEMM", "DeepSeek", "FlashInfer", "GitHub", "GitLab", "GPUDirect",
        "HuggingFace", "InfiniBand", "JavaScript", "LoRA", "macOS", "MoE", "NVLink", "OpenAI", "PCIe", "PyPI",
        "PyTorch", "RoCE", "ROCm", "RoPE", "SGLang", "TensorRT", "TypeScript", "vLLM", "Node.js", "x86_64",
        "e.g", "i.e", "a.k.a",
    }
)  # fmt: skip
# A dotted word ending in one of these outside backticks is a web domain ("github.com"), not code.
DOMAIN_SUFFIXES = frozenset({"ai", "cn", "co", "com", "dev", "io", "net", "org"})

# What stands in for a removed name, by language; the sentence's own script tells which (Han: "zh").
NEUTRAL_PHRASE = {language: message(language, "verify.neutral_phrase") for language in LANGUAGES}

_URL = r"[A-Za-z][A-Za-z0-9+.-]*://[^\s`<>()\[\]\"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*"
_SCAN = re.compile(rf"`(?P<code>[^`\n]+)`|(?P<url>{_URL})|(?P<token>[A-Za-z0-9_./-]+)")
_WORD = re.compile(r"\w+", re.ASCII)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*", re.ASCII)
_IDENTIFIER_CHAIN = re.compile(r"[A-Za-z_]\w*(?:(?:\.|::)[A-Za-z_]\w*)*", re.ASCII)
_OPTION = re.compile(r"--[A-Za-z0-9][\w-]*", re.ASCII)
_VERSION = re.compile(r"v?\d+(?:\.\d+)*[A-Za-z0-9.+-]*")
_COMMIT_ID = re.compile(r"(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}")
_PLURAL_ACRONYM = re.compile(r"[A-Z][A-Z0-9]*s")
_FILE_NAME = re.compile(r"[^./][^/]*\.[A-Za-z][A-Za-z0-9]*")
_LINE_SUFFIX = re.compile(r"(?::\d+(?:[:-]\d+)?|#L\d+(?:-L?\d+)?)$")
_CODE_TAIL = re.compile(r"[(\[=<>!~,;]")  # "f(x)" → "f", "name=value" → "name", "pkg>=1.2" → "pkg"
_WORD_PART = re.compile(r"[^/-]+")
_GLOB_TOKEN = re.compile(r"(\*\*|\*|\?)")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LETTER = re.compile(r"[^\W\d_]")


class _Claim(StrEnum):
    """How a named thing is looked up in the commit."""

    PATH = "path"  # a file or folder: a run of whole path segments
    PATH_GLOB = "path_glob"  # "sglang/srt/layers/quantization/*"
    OPTION = "option"  # "--flag"
    IDENTIFIER = "identifier"  # key: the last part of a dotted name, looked up as a whole word
    IDENTIFIER_GLOB = "identifier_glob"  # "SGLANG_MORI_*"
    SHORTHAND = "shorthand"  # "try/except", "MoriKVManager/Sender/Receiver": a folder, or alternatives
    LITERAL = "literal"  # anything else between backticks ("x-smg-routing-key"), matched verbatim


@dataclass(frozen=True, slots=True)
class _Mention:
    """One named thing in a text: `name` as written, what to look up, and where it sits (with backticks)."""

    name: str
    claim: _Claim
    key: str
    start: int
    end: int


def find_unverified(analysis: Analysis, commit: Commit, signals: Sequence[Signal] = ()) -> tuple[str, ...]:
    """The names the analysis uses that the commit does not contain, as written, in order, once each."""
    evidence = _Evidence.of(commit, signals)
    verdicts: dict[tuple[_Claim, str], bool] = {}
    unverified: dict[str, None] = {}
    for text in _texts(analysis):
        for mention in _find_mentions(text):
            lookup = (mention.claim, mention.key)
            if lookup not in verdicts:
                verdicts[lookup] = evidence.confirms(mention.claim, mention.key)
            if not verdicts[lookup]:
                unverified[mention.name] = None
    return tuple(unverified)


def strip_unverified(analysis: Analysis, unverified: Sequence[str]) -> Analysis:
    """A copy without what relies on `unverified` names (as `find_unverified` reports them).

    List fields lose the sentences naming them, and items left empty; insight strings lose the names
    themselves. The summary keeps at least its first item, with the names replaced by a neutral phrase.
    """
    names = frozenset(unverified)
    summary = _drop_naming_sentences(analysis.summary, names) or [
        _replace_mentions(analysis.summary[0], names, _neutral_phrase(analysis.summary[0]))
    ]
    insights = analysis.insights
    if insights is not None:
        insights = insights.model_copy(
            update={
                field: _remove_mentions(getattr(insights, field), names) for field in Insights.model_fields
            }
        )
    return analysis.model_copy(
        update={
            "summary": summary,
            "impact": _drop_naming_sentences(analysis.impact, names),
            "insights": insights,
            "risks": _drop_naming_sentences(analysis.risks, names),
            "recommendations": _drop_naming_sentences(analysis.recommendations, names),
            "suggested_level_reason": _remove_mentions(analysis.suggested_level_reason, names),
        },
        deep=True,
    )


def _find_mentions(text: str) -> Iterator[_Mention]:
    """Every path, option and identifier `text` names: each backticked span, and code-like prose words."""
    for match in _SCAN.finditer(text):
        if match["code"] is not None:
            yield from _code_mentions(match["code"], match.start(), match.end())
        elif match["token"] is not None:
            yield from _prose_mentions(match["token"], match.start())


def _texts(analysis: Analysis) -> Iterator[str]:
    """The analysis' free text in reading order: the order in which unverified names are reported."""
    yield from analysis.summary
    yield from analysis.impact
    if analysis.insights is not None:
        yield from (getattr(analysis.insights, field) for field in Insights.model_fields)
    yield from analysis.risks
    yield from analysis.recommendations
    yield analysis.suggested_level_reason


# --- what a text names -------------------------------------------------------------------------------


def _code_mentions(code: str, start: int, end: int) -> Iterator[_Mention]:
    written = code.strip()
    if not written.isascii() or any(character.isspace() for character in written):
        # A command or a phrase between backticks: only its code-like words are names.
        offset = start + 1 + code.index(written)
        for inner in _find_mentions(written):
            yield replace(inner, start=inner.start + offset, end=inner.end + offset)
        return
    claim = _code_claim(written)
    if claim is not None:
        yield _Mention(written, *claim, start, end)


def _code_claim(written: str) -> tuple[_Claim, str] | None:
    """How to look up one backticked word, or None when it names nothing (a number, a version, a URL)."""
    text = written.strip("'\"").lstrip("@$").strip("{}")
    if text.startswith("--"):
        option = _OPTION.match(text)
        return (_Claim.OPTION, option[0]) if option else None
    if text.startswith(".") and text[1:] in PROSE_FILE_SUFFIXES:
        return _Claim.PATH_GLOB, f"*{text}"  # ".proto": a kind of file
    text = _LINE_SUFFIX.sub("", text)
    if not _has_source_extension(text):  # a file name may hold "=" or ","
        text = _CODE_TAIL.split(text, maxsplit=1)[0]
    if not _LETTER.search(text) or "://" in text or _is_common_word(text) or _is_version_or_commit(text):
        return None
    if "/" in text or _has_source_extension(text):
        return _path_claim(text)
    text = text.strip(".:")  # ".contiguous()", "crate::mesh::..."
    if "*" in text or "?" in text:
        return _Claim.IDENTIFIER_GLOB, text
    if _IDENTIFIER_CHAIN.fullmatch(text):
        return _Claim.IDENTIFIER, _last_part(text)
    return _Claim.LITERAL, text


def _path_claim(text: str) -> tuple[_Claim, str]:
    path = text.removeprefix("./").strip("/")
    if any(character in path for character in "*?"):
        return _Claim.PATH_GLOB, path
    if _FILE_NAME.fullmatch(path.rsplit("/", 1)[-1]) or text.endswith("/"):
        return _Claim.PATH, path
    return _Claim.SHORTHAND, path


def _prose_mentions(token: str, start: int) -> Iterator[_Mention]:
    """Outside backticks only code-like words are names: paths, options, dotted, snake and Camel names."""
    word, start = _trim(token, start)
    if not word or _is_common_word(word):
        return
    if word.startswith("--"):
        if _OPTION.fullmatch(word):
            yield _Mention(word, _Claim.OPTION, word, start, start + len(word))
        return
    if _looks_like_path(word):
        yield _Mention(word, _Claim.PATH, word.removeprefix("./"), start, start + len(word))
        return
    # "MoriKVManager/Sender", "DeepSeek-V3": the parts are the candidates.
    for part in _WORD_PART.finditer(word):
        key = _prose_identifier(part[0])
        if key is not None:
            yield _Mention(part[0], _Claim.IDENTIFIER, key, start + part.start(), start + part.end())


def _trim(token: str, start: int) -> tuple[str, int]:
    """`token` and its start without the sentence punctuation around it."""
    word = token.rstrip(".-/")
    if word.startswith("--") or (word.startswith(".") and word[1:2].isalpha() and "/" in word):
        return word, start  # an option, or a path from a hidden folder (".github/workflows/ci.yml")
    bare = word.lstrip(".-")
    return bare, start + len(word) - len(bare)


def _looks_like_path(word: str) -> bool:
    if "/" in word:
        return _FILE_NAME.fullmatch(word.rsplit("/", 1)[-1]) is not None
    return _has_source_extension(word)


def _prose_identifier(part: str) -> str | None:
    """The key of a prose word that reads as code, or None for plain words, numbers and domains."""
    if _is_common_word(part):
        return None
    if "." in part:
        chain = _IDENTIFIER_CHAIN.fullmatch(part)
        return _last_part(part) if chain and part.rsplit(".", 1)[-1] not in DOMAIN_SUFFIXES else None
    if not _IDENTIFIER.fullmatch(part):
        return None
    snake = "_" in part and _LETTER.search(part) is not None
    camel = any(c.islower() for c in part) and any(c.isupper() for c in part[1:])
    return part if snake or camel else None


def _is_common_word(word: str) -> bool:
    return (
        word in COMMON_TECHNICAL_WORDS
        or _PLURAL_ACRONYM.fullmatch(word) is not None
        or (word.endswith("s") and word[:-1] in COMMON_TECHNICAL_WORDS)
    )


def _is_version_or_commit(word: str) -> bool:
    return _VERSION.fullmatch(word) is not None or _COMMIT_ID.fullmatch(word) is not None


def _has_source_extension(word: str) -> bool:
    stem, dot, extension = word.rpartition(".")
    return bool(dot and stem) and extension in PROSE_FILE_SUFFIXES


def _last_part(dotted: str) -> str:
    # A whole-word occurrence of "a.b.c" implies one of "c", so looking up the last part covers both.
    return re.split(r"\.|::", dotted)[-1]


# --- what the commit contains ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Evidence:
    """Everything a name may be found in, indexed once per commit so that each lookup is cheap."""

    text: str  # message, paths, patches and signals, for verbatim lookups
    words: frozenset[str]
    word_lines: str  # the words one per line, for globs
    path_runs: str  # each path as "/a/b/c.py/" on its own line: a run of whole segments is "/run/" in it
    cli_options: frozenset[str]

    @classmethod
    def of(cls, commit: Commit, signals: Iterable[Signal]) -> _Evidence:
        paths = dict.fromkeys(path for file in commit.files for path in (file.path, file.old_path) if path)
        signals = tuple(signals)
        text = "\n".join(
            (
                commit.subject,
                commit.body,
                *paths,
                *(file.patch for file in commit.files),
                *(f"{signal.name} {signal.detail}" for signal in signals),
            )
        )
        words = frozenset(_WORD.findall(text))
        return cls(
            text=text,
            words=words,
            word_lines="\n".join(words),
            path_runs="".join(f"/{path}/\n" for path in paths),
            cli_options=frozenset(signal.name for signal in signals if signal.kind == SignalKind.CLI_OPTION),
        )

    def confirms(self, claim: _Claim, key: str) -> bool:
        match claim:
            case _Claim.PATH:
                return self._has_path(key)
            case _Claim.PATH_GLOB:
                pattern = "/" + _glob_pattern(key, one_character=r"[^/\n]") + "/"
                return re.search(pattern, self.path_runs) is not None
            case _Claim.OPTION:
                return key in self.cli_options or key.removeprefix("--") in self.cli_options or self._has(key)
            case _Claim.IDENTIFIER:
                return key in self.words
            case _Claim.IDENTIFIER_GLOB:
                pattern = "^" + _glob_pattern(_last_part(key), one_character=r"\w") + "$"
                return re.search(pattern, self.word_lines, re.MULTILINE) is not None
            case _Claim.SHORTHAND:
                first, *others = key.split("/")
                # Alternatives often abbreviate ("MoriKVManager/Sender" for MoriKVSender): later parts
                # need only occur somewhere, the first must be a whole word.
                return self._has_path(key) or (
                    first in self.words and all(other in self.text for other in others)
                )
            case _Claim.LITERAL:
                return self._has(key)

    def _has_path(self, path: str) -> bool:
        return f"/{path}/" in self.path_runs

    def _has(self, literal: str) -> bool:
        """Whether `literal` occurs with no word character or dash glued to either side."""
        # str.find, not a regular expression: a look-behind would defeat the fast substring scan.
        index = self.text.find(literal)
        while index != -1:
            end = index + len(literal)
            if not (_glued(self.text[index - 1 : index]) or _glued(self.text[end : end + 1])):
                return True
            index = self.text.find(literal, index + 1)
        return False


def _glued(character: str) -> bool:
    return character == "-" or (character.isascii() and (character.isalnum() or character == "_"))


def _glob_pattern(glob: str, one_character: str) -> str:
    """A regular expression for a glob: `*` within one segment (or word), `**` across segments."""
    wildcards = {"**": ".*", "*": f"{one_character}*", "?": one_character}
    return "".join(wildcards.get(piece) or re.escape(piece) for piece in _GLOB_TOKEN.split(glob))


# --- taking unverified names out ---------------------------------------------------------------------

# Sentence ends: CJK stops; "!", "?" or a period after a word (not "e.g.", not the "1." of a numbered
# list) before a space; a line break; an HTML break. Each sentence keeps its terminator, so joining the
# sentences restores the text.
_SENTENCE_BOUNDARY = re.compile(
    r"(?<=[。！？；])|(?<=[!?])(?=\s)|(?<=[A-Za-z)\]`*'\"]\.)(?<!e\.g\.)(?<!i\.e\.)(?<!vs\.)(?=\s)"
    r"|(?<=\n)|(?<=<br>)"
)
_TIDY_RULES = (
    (re.compile(r"(?:^|(?<=[（(]))\s*[、，,]\s*"), ""),  # a separator left at the start or inside a bracket
    (re.compile(r"\s*[、，,]\s*(?=[）)]|$)"), ""),  # … or just before a closing bracket or the end
    (re.compile(r"([、，,])\s*[、，,]"), r"\1"),  # two separators where a name stood between them
    (re.compile(r"(?<![\w)\]])[（(]\s*[）)]"), ""),  # brackets left empty (not a call's "()")
    (re.compile(r"(?<=\S)[ \t]+(?=[,.;:!?，。；：！？、）)])"), ""),  # a space left before punctuation
    (re.compile(r"(?<=\S)[ \t]{2,}"), " "),  # two spaces where a name stood (indentation stays)
)


def _drop_naming_sentences(items: Sequence[str], names: frozenset[str]) -> list[str]:
    """`items` without the sentences that use one of `names`; items with nothing left go too."""
    kept = []
    for item in items:
        sentences = _sentences(item)
        remaining = [sentence for sentence in sentences if not _uses_any(sentence, names)]
        if len(remaining) == len(sentences):
            kept.append(item)
        elif _LETTER.search(text := "".join(remaining).strip()):
            kept.append(text)
    return kept


def _sentences(text: str) -> list[str]:
    """`text` cut into sentences, each with the white space after it, so that dropping one leaves no gap."""
    sentences: list[str] = []
    for piece in _SENTENCE_BOUNDARY.split(text):
        if sentences and not piece.strip():
            sentences[-1] += piece
        elif piece:
            sentences.append(piece)
    return sentences


def _remove_mentions(text: str, names: frozenset[str]) -> str:
    """`text` without the names; the neutral phrase in their place if nothing else would be left."""
    removed = _replace_mentions(text, names, "")
    if removed == text or _LETTER.search(removed):
        return removed
    return _replace_mentions(text, names, _neutral_phrase(text))


def _replace_mentions(text: str, names: frozenset[str], replacement: str) -> str:
    mentions = [mention for mention in _find_mentions(text) if mention.name in names]
    if not mentions:
        return text
    pieces, cursor = [], 0
    for mention in mentions:
        start, end = mention.start, mention.end
        if text[max(start - 2, cursor) : start] == "**" and text[end : end + 2] == "**":
            start, end = start - 2, end + 2  # the bold markers around the name go with it
        pieces += [text[cursor:start], replacement]
        cursor = end
    pieces.append(text[cursor:])
    tidied = "".join(pieces)
    for pattern, substitute in _TIDY_RULES:
        tidied = pattern.sub(substitute, tidied)
    return tidied.strip()


def _uses_any(text: str, names: frozenset[str]) -> bool:
    return any(mention.name in names for mention in _find_mentions(text))


def _neutral_phrase(text: str) -> str:
    return NEUTRAL_PHRASE["zh" if _HAN.search(text) else "en"]
