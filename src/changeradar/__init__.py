"""changeradar: what changed yesterday in the upstream repositories you depend on, ranked and explained."""

__version__ = "0.1.0"
