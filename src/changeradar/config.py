"""`changeradar.toml`: which repositories to watch and how to report on them.

Every section is a pydantic model that forbids unknown keys and empty values, so a typo or a blank is an
error that names the key instead of a setting silently ignored or replaced by its default. `load_config`
turns every problem into `BadInput` (exit 2).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from changeradar.errors import BadInput
from changeradar.i18n import check_language

DEFAULT_TIMEZONE = "Asia/Shanghai"


def _report_language(language: str) -> str:
    """A language with a message catalogue: adding one is adding its catalogue, nothing here."""
    return check_language(language)


Language = Annotated[str, AfterValidator(_report_language)]
Format = Literal["md", "json"]
DEFAULT_FORMATS: tuple[Format, ...] = ("md", "json")
# One folder level per part of `owner/name`: reports are written under `{output}/{year}/{owner}/{name}/`.
_NAME_PART = re.compile(r"[\w.-]+")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)

    @field_validator("*", mode="before")
    @classmethod
    def _not_blank(cls, value: Any) -> Any:
        """A blank value is a mistake to name, not a request for the default."""
        if isinstance(value, str) and not value.strip():
            raise ValueError("must not be empty")
        return value


class AreaRule(_Section):
    """Files matching `pattern` (gitignore-style glob, `**` allowed) belong to `area`."""

    pattern: str = Field(min_length=1)
    area: str = Field(min_length=1)


class AnalyzerSettings(_Section):
    """Which analyser explains commits, and how the LLM one reaches its endpoint."""

    name: str = "offline"
    model: str | None = None
    base_url: str | None = None  # default: OPENAI_BASE_URL
    api_key_env: str = "OPENAI_API_KEY"  # the variable holding the key; the key itself never lives here
    structured_output: Literal["json_schema", "json_object"] = "json_schema"
    max_concurrency: int = Field(default=8, ge=1, le=256)
    timeout_seconds: float = Field(default=120.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=10)
    token_budget: int = Field(default=12_000, ge=500)
    max_output_tokens: int = Field(default=4_000, ge=200)
    low_importance: Literal["llm", "offline"] = "llm"
    importance: Literal["rules", "llm", "max"] = "rules"
    verify: Literal["flag", "strip", "off"] = "flag"
    prompt_dir: Path | None = None
    budget_usd: float | None = Field(default=None, ge=0)
    prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="model → (USD per 1M prompt tokens, USD per 1M completion tokens)"
    )

    @field_validator("api_key_env")
    @classmethod
    def _names_a_variable(cls, value: str) -> str:
        return check_key_variable_name(value)


class ImportanceSettings(_Section):
    """Score thresholds and rule weights; unset weights keep their calibrated defaults."""

    high: float = 6.0
    medium: float = 2.5
    weights: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _high_not_below_medium(self) -> ImportanceSettings:
        if self.high < self.medium:
            raise ValueError(f"high ({self.high}) must not be below medium ({self.medium})")
        return self


class RepositorySettings(_Section):
    source: str = Field(min_length=1, description="a local path or a git URL")
    name: str | None = None  # "owner/name"; default: from the URL or the origin remote
    branch: str | None = None  # default: the repository's HEAD branch
    timezone: str | None = None
    language: Language | None = None
    web_url: str | None = None  # for links; default: derived from a GitHub/GitLab URL
    areas: list[AreaRule] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return check_timezone(value) if value is not None else None

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str | None) -> str | None:
        problem = value and report_name_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("web_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        problem = value and web_url_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class OutputSettings(_Section):
    """One `[[outputs]]` table. `name` tells two outputs of one type apart in the record of deliveries.

    An output from another package subclasses this with its own keys and a `type` of its own.
    """

    type: str = Field(min_length=1)
    name: str | None = None

    @property
    def key(self) -> str:
        """The output as the deliveries record knows it."""
        return self.name or self.type


class FilesOutputSettings(OutputSettings):
    """Files under `{folder}/{year}/{owner}/{name}/`, one per format."""

    type: Literal["files"] = "files"
    folder: Path = Path("reports")
    formats: list[Format] = Field(default_factory=lambda: list(DEFAULT_FORMATS), min_length=1)


class StdoutOutputSettings(OutputSettings):
    """The report in one format on standard output."""

    type: Literal["stdout"] = "stdout"
    format: Format = "md"


class PluginOutputSettings(OutputSettings):
    """A table for an output from another package: its keys are checked by that output's own settings model
    once the package is loaded, never here (loading it is left until a run or `doctor` needs it)."""

    model_config = ConfigDict(extra="allow")


_BUILTIN_OUTPUT_TYPES = ("files", "stdout")


def _output_tag(table: Any) -> str:
    kind = table.get("type") if isinstance(table, dict) else getattr(table, "type", None)
    return kind if kind in _BUILTIN_OUTPUT_TYPES else "plugin"


OutputTable = Annotated[
    Annotated[FilesOutputSettings, Tag("files")]
    | Annotated[StdoutOutputSettings, Tag("stdout")]
    | Annotated[PluginOutputSettings, Tag("plugin")],
    Discriminator(_output_tag),
]
"""An `[[outputs]]` table, told apart by its `type`."""


class Settings(_Section):
    # The short form of one `files` output, as configs written before `[[outputs]]` say it.
    output: Path = Path("reports")
    formats: list[Format] = Field(default_factory=lambda: list(DEFAULT_FORMATS), min_length=1)
    outputs: list[OutputTable] = Field(default_factory=list)
    timezone: str = DEFAULT_TIMEZONE
    language: Language = "zh"
    cache_dir: Path | None = None  # default: the user cache folder
    templates_dir: Path | None = None  # user templates overriding the built-in ones
    include_merges: bool = False
    areas: list[AreaRule] = Field(default_factory=list)
    analyzer: AnalyzerSettings = Field(default_factory=AnalyzerSettings)
    importance: ImportanceSettings = Field(default_factory=ImportanceSettings)
    repositories: list[RepositorySettings] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_timezone(value)

    @model_validator(mode="after")
    def _outputs_from_the_short_form(self) -> Settings:
        """No `[[outputs]]`: one `files` output from `output` and `formats` (or their defaults)."""
        short_form = sorted({"output", "formats"} & self.model_fields_set)
        if self.outputs and short_form:
            raise ValueError(f"use [[outputs]] or {' and '.join(short_form)}, not both")
        if not self.outputs:
            self.outputs = [FilesOutputSettings(folder=self.output, formats=self.formats)]
        return self


def check_timezone(name: str) -> str:
    """`name` if it is an IANA zone this machine knows, else BadInput naming it."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(
            f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai or UTC)"
        ) from None
    return name


def report_name_problem(name: str) -> str | None:
    """Why `name` cannot name a repository's reports (it would leave its folder), or None if it can."""
    parts = name.split("/")
    if len(parts) > 2:
        return "expected owner/name, with one slash at most"
    for part in parts:
        if part in ("", ".", "..") or not _NAME_PART.fullmatch(part):
            return "expected owner/name made of letters, digits, '.', '-' and '_'"
    return None


def web_url_problem(url: str) -> str | None:
    """Why `url` cannot prefix commit links in a report (only http and https can), or None if it can."""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return "expected an http:// or https:// address"
    return None


def check_report_name(name: str, what: str) -> str:
    """`name` if it can name a repository's reports, else BadInput naming it and `what` gave it."""
    problem = report_name_problem(name)
    if problem:
        raise BadInput(f"bad {what} {name!r} ({problem})")
    return name


def check_web_url(url: str, what: str) -> str:
    """`url` if it is an http(s) address, else BadInput naming it and `what` gave it."""
    problem = web_url_problem(url)
    if problem:
        raise BadInput(f"bad {what} {url!r} ({problem})")
    return url


_ENV_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEY_LIKE_WORD = re.compile(r"(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{16,}")


def check_key_variable_name(name: str) -> str:
    """`name` if it can name an environment variable, else BadInput that never shows it: a value that is
    no variable name (`sk-…`) or holds a long run of mixed letters and digits is most likely a pasted key."""
    if not _ENV_VAR_NAME.fullmatch(name) or any(_KEY_LIKE_WORD.fullmatch(w) for w in name.split("_")):
        raise BadInput(
            "analyzer.api_key_env is not the name of an environment variable (letters, digits, _); "
            "if it is the key itself, it is not shown: put the key in the environment, its name here"
        )
    return name


def load_config(path: Path) -> Settings:
    """Read and validate a config file; relative paths in it are taken from the file's folder."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read config file {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise BadInput(f"config file {path} is not valid TOML: {error}") from None
    settings = _resolve_paths(parse_settings(raw, origin=str(path)), path.parent)
    _check_folders(settings, origin=str(path))
    return settings


def parse_settings(raw: dict, origin: str = "config") -> Settings:
    try:
        return Settings.model_validate(raw)
    except ValidationError as error:
        raise BadInput(f"{origin}: {describe_validation_error(error)}") from None


def describe_validation_error(error: ValidationError, within: str = "") -> str:
    """The first problem as `key.path: what is wrong`, naming the key as the user wrote it (below `within`,
    the path of the table that was validated)."""
    first = error.errors()[0]
    parts = [within] if within else []
    parts += [str(part) for part in _user_path(first["loc"])]
    key = ".".join(parts)
    if first["type"] == "extra_forbidden":
        return f"unknown key {key!r}"
    # Our own validators' words, without pydantic's "Value error, " in front.
    message = str(first["ctx"]["error"]) if first["type"] == "value_error" else first["msg"]
    if not key:  # a check across keys: its words name them
        return message
    bad = first.get("input")
    shown = f" (got {bad!r})" if bad is not None and not isinstance(bad, dict | list) else ""
    return f"bad value for {key!r}: {message}{shown}"


def _user_path(location: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """pydantic's location without the tag it adds below a tagged union: `outputs.0.files.folder` is the
    user's `outputs.0.folder`."""
    if location[:1] == ("outputs",) and len(location) > 2:
        return (*location[:2], *location[3:])
    return location


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    def resolve(path: Path | None) -> Path | None:
        return path if path is None or path.is_absolute() else base / path

    updates: dict[str, Any] = {"output": resolve(settings.output)}
    updates["outputs"] = [
        table.model_copy(update={"folder": resolve(table.folder)})
        if isinstance(table, FilesOutputSettings)
        else table
        for table in settings.outputs
    ]
    for key in ("cache_dir", "templates_dir"):
        updates[key] = resolve(getattr(settings, key))
    analyzer = settings.analyzer.model_copy(update={"prompt_dir": resolve(settings.analyzer.prompt_dir)})
    repositories = [
        repo.model_copy(update={"source": _resolve_source(repo.source, base)})
        for repo in settings.repositories
    ]
    return settings.model_copy(update={**updates, "analyzer": analyzer, "repositories": repositories})


def _check_folders(settings: Settings, origin: str) -> None:
    """Folders the config says to read from must exist: a typo would silently mean the built-in ones."""
    for key, folder in (
        ("templates_dir", settings.templates_dir),
        ("analyzer.prompt_dir", settings.analyzer.prompt_dir),
    ):
        if folder is not None and not folder.is_dir():
            raise BadInput(f"{origin}: {key} {str(folder)!r} is not a folder")


def _resolve_source(source: str, base: Path) -> str:
    if "://" in source or source.startswith("git@") or Path(source).is_absolute():
        return source
    return str(base / source)
