"""A Python module's import path, read from the commit's tree rather than guessed from its folders.

The outermost folder holding an `__init__.py` starts a file's import path wherever a project keeps its
code: `server/text_generation_server/layers/marlin.py` is imported as `text_generation_server.layers.marlin`,
which no rule about folder names (`src/`, `python/`) can know. A file in no package (a folder of scripts)
or whose tree cannot be read keeps the name its path gives. Asked only of files whose API changed: a
handful of tree reads a day.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache

from changeradar.signals.context import FolderLister


def import_path(path: str, commits: Sequence[str], blobs: object, roots: Collection[str]) -> str | None:
    """The module's import path in the first of `commits` whose tree has a package around the file; None
    when none has, or the blobs cannot list folders. Below a folder the project keeps its packages in
    (`roots`: `python/`, `src/`), the folders above the outermost package are namespace packages, part of
    the path: `python/minisgl/server/api_server.py` is `minisgl.server.api_server`."""
    folders, _, filename = path.rpartition("/")
    if not folders or not isinstance(blobs, FolderLister):
        return None
    parts = folders.split("/")
    below_root = max((index + 1 for index, part in enumerate(parts) if part in roots), default=len(parts))
    for commit in commits:
        top = _top_package(blobs, commit, tuple(parts))
        if top is not None:
            stem = filename.rpartition(".")[0]
            return ".".join(parts[min(top, below_root) :] + ([] if stem == "__init__" else [stem]))
    return None


def _top_package(blobs: FolderLister, commit: str, parts: tuple[str, ...]) -> int | None:
    """The index of the outermost folder holding an `__init__.py` among the file's folders; None when
    none does. A folder without one further in is a namespace package, which imports all the same
    (`sgl_jax/srt/kernels/fused_moe/`)."""
    return next(
        (end - 1 for end in range(1, len(parts) + 1) if _is_package(blobs, commit, "/".join(parts[:end]))),
        None,
    )


@lru_cache(maxsize=1024)
def _is_package(blobs: FolderLister, commit: str, folder: str) -> bool:
    names = blobs.folder_names(commit, folder)
    return names is not None and "__init__.py" in names
