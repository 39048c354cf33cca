"""Every word a reader sees, from one message catalogue per language: `catalogues/<language>.toml`.

The languages are the catalogue files; adding one is adding a file with every key (a test checks that
every catalogue has the same keys, and that every key the code asks for exists). TOML rather than gettext:
Python reads it with no dependency and no compile step, keys name messages rather than English source
strings (so an English wording can change without touching the other languages), and one flat file per
language is easy to review side by side.

`text(language, key, **values)` formats one message as a string; `line(...)` formats it as a typed
`inline.Line`, keeping each value's type (code, plain text, prose) for the renderer to escape. A message
may write `{s}`: it becomes "s" unless the value `n` is 1, so a count reads "1 file" / "3 files".
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path

from changeradar.errors import BadInput
from changeradar.inline import Inline, Line, Text, Words
from changeradar.model import ChangeType

CATALOGUES = Path(str(files("changeradar") / "catalogues"))
DEFAULT_LANGUAGE = "zh"
"""Listed first wherever the languages are listed; the other languages follow in alphabetical order."""
SOURCE_LANGUAGE = "en"
"""The language extractors write evidence in ("prefix `fix:`"), which `evidence_in` translates from."""
_SENTENCE_ENDINGS = ("。", "！", "？", "；", ".", "!", "?", ";")
_FORMATTER = string.Formatter()


def catalogue(language: str) -> dict[str, str]:
    """Every message of `language`, by key."""
    return _load(CATALOGUES, language)


@cache
def _load(folder: Path, language: str) -> dict[str, str]:
    with (folder / f"{language}.toml").open("rb") as file:
        return tomllib.load(file)


@cache
def _parsed(folder: Path, language: str, key: str) -> tuple[tuple[str, str | None, str], ...]:
    """The message `key` cut into (literal words, field name, format spec): reports format the same few
    hundred messages thousands of times."""
    return tuple(
        (literal, field, spec or "")
        for literal, field, spec, _ in _FORMATTER.parse(_load(folder, language)[key])
    )


def languages(folder: Path = CATALOGUES) -> tuple[str, ...]:
    """The languages there is a catalogue for, the default first."""
    found = sorted(path.stem for path in folder.glob("*.toml"))
    return tuple(sorted(found, key=lambda language: language != DEFAULT_LANGUAGE))


LANGUAGES = languages()


def check_language(language: str) -> str:
    """`language` if reports can be written in it, else BadInput naming it."""
    if language not in LANGUAGES:
        raise BadInput(f"unsupported report language {language!r} (choose from: {', '.join(LANGUAGES)})")
    return language


def message(language: str, key: str) -> str:
    """The unformatted message `key` in `language`."""
    return catalogue(check_language(language))[key]


def has_message(key: str) -> bool:
    return key in catalogue(SOURCE_LANGUAGE)


def text(language: str, key: str, **values: object) -> str:
    """The message `key` in `language`, formatted with `values`."""
    return message(language, key).format(s=_plural(values), **values)


def line(language: str, key: str, **values: object) -> Line:
    """The message `key` in `language` as a typed line: its own words as `Words`, each value as itself.

    A value may be an `Inline` piece, a `Line` (spliced in), a number (shown as `Words`) or a `str`
    (plain text from outside, shown literally: `Text`).
    """
    values = {"s": Words(_plural(values)), **values}
    pieces: list[Inline] = []
    words = ""  # our words since the last other piece: adjacent `Words` make one, as `_merged` does
    for literal, field, spec in _parsed(CATALOGUES, check_language(language), key):
        words += literal
        if field is None:
            continue
        for piece in _as_line(values[field], spec):
            if isinstance(piece, Words):
                words += piece.text
                continue
            if words:
                pieces.append(Words(words))
                words = ""
            pieces.append(piece)
    if words:
        pieces.append(Words(words))
    return tuple(pieces)


def change_type_label(change_type: ChangeType, language: str) -> str:
    """The change type as readers see it: "功能增强" / "Feature"."""
    return text(language, f"type.{change_type.value}")


def area_label(area: str, language: str) -> str:
    """An area as readers see it: "docs" → "文档"; an area of the user's own rules, as they named it."""
    key = f"area.{area}"
    return text(language, key) if has_message(key) else area


def join_items(items: Iterable[Line], language: str, limit: int | None = None) -> Line:
    """Items joined as the language lists them; past `limit`, "… and N more", N counting the hidden ones."""
    items = list(items)
    shown = items if limit is None else items[:limit]
    joined = join_lines(shown, text(language, "list.separator"))
    if len(shown) == len(items):
        return joined
    return line(language, "list.more", items=joined, more=len(items) - len(shown))


def join_clauses(clauses: Iterable[Line], language: str) -> Line:
    """Clauses of one sentence: "a；b" / "a; b"."""
    return join_lines(clauses, text(language, "clause.separator"))


def join_sentences(sentences: Iterable[str], language: str) -> str:
    """Sentences run on in one line; one left without an ending gets a clause separator instead."""
    joined = ""
    for sentence in sentences:
        if joined:
            ended = joined.endswith(_SENTENCE_ENDINGS)
            joined += text(language, "sentence.separator" if ended else "clause.separator")
        joined += sentence
    return joined


def evidence_in(language: str, evidence: str) -> str:
    """Evidence as an extractor wrote it ("prefix `fix:`") with its leading words in `language`."""
    for key, words in _evidence_words(CATALOGUES):
        if evidence.startswith(words):
            return message(language, key) + evidence.removeprefix(words)
    return evidence


@cache
def _evidence_words(folder: Path) -> tuple[tuple[str, str], ...]:
    """The `evidence.*` messages of the source language, (key, words), in catalogue order."""
    source = _load(folder, SOURCE_LANGUAGE)
    return tuple((key, words) for key, words in source.items() if key.startswith("evidence."))


def _plural(values: dict[str, object]) -> str:
    return "" if values.get("n") == 1 else "s"


def _as_line(value: object, spec: str) -> Line:
    if isinstance(value, tuple):
        return value
    if isinstance(value, str):
        return (Text(format(value, spec)),) if value else ()
    if isinstance(value, int | float):
        return (Words(format(value, spec)),)
    return (value,)  # type: ignore[return-value]  # an Inline piece


def join_lines(lines: Iterable[Line], separator: str) -> Line:
    """`lines` as one, `separator` (our words) between them."""
    pieces: list[Inline] = []
    for index, item in enumerate(lines):
        if index:
            pieces.append(Words(separator))
        pieces.extend(item)
    return _merged(pieces)


def _merged(pieces: Sequence[Inline]) -> Line:
    """Adjacent `Words` as one, so that a line is as short as it reads."""
    merged: list[Inline] = []
    for piece in pieces:
        if merged and isinstance(piece, Words) and isinstance(merged[-1], Words):
            merged[-1] = Words(merged[-1].text + piece.text)
        elif not (isinstance(piece, Words) and not piece.text):
            merged.append(piece)
    return tuple(merged)
