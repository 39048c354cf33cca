"""The command line: a thin layer that parses options, calls the library and maps errors to exit codes.

Exit codes: 0 done; 1 done with some failures (each named on standard error); 2 bad usage, config or
input, as one line naming the bad value. No traceback reaches the user for any of these.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from changeradar import __version__
from changeradar.config import (
    DEFAULT_TIMEZONE,
    RepositorySettings,
    Settings,
    check_timezone,
    load_config,
)
from changeradar.errors import BadInput, ChangeradarError
from changeradar.model import DayReport, Window
from changeradar.pipeline import ProgressFactory, ReportRequest, build_report, no_progress
from changeradar.publish import render, write_report
from changeradar.scaffold import write_starter_files
from changeradar.store import Store, default_cache_dir
from changeradar.window import day_window, days_between, last_window, range_window, yesterday

CONFIG_NAME = "changeradar.toml"
FORMATS = ("md", "json")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the command, turn every expected failure into one line and an exit code."""
    try:
        code = cli.main(args=argv, prog_name="changeradar", standalone_mode=False)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.UsageError as error:
        _error(error.format_message())
        code = 2
    except click.Abort:
        _error("interrupted")
        code = 130
    except ChangeradarError as error:
        _error(str(error))
        code = error.exit_code
    sys.exit(code or 0)


def _error(message: str) -> None:
    click.echo(f"changeradar: error: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="changeradar")
@click.option("--verbose", "-v", is_flag=True, help="Log what happens (endpoint calls, retries) on stderr.")
def cli(verbose: bool) -> None:
    """Every morning: what changed yesterday in the repositories you depend on, ranked and explained."""
    logging.basicConfig(format="changeradar: %(message)s", level=logging.INFO if verbose else logging.WARNING)


def _window_options(command: Callable) -> Callable:
    for option in reversed(
        [
            click.option("--date", help="Day to report, YYYY-MM-DD in --tz (default: yesterday)."),
            click.option("--since", help="Start (ISO date or datetime, inclusive)."),
            click.option("--until", help="End (ISO date or datetime, exclusive)."),
            click.option("--last", help="A window ending now, e.g. 24h, 7d, 2w."),
        ]
    ):
        command = option(command)
    return command


def _presentation_options(command: Callable) -> Callable:
    for option in reversed(
        [
            click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file."),
            click.option("--tz", help="IANA time zone of the window and the times shown."),
            click.option("--lang", type=click.Choice(["zh", "en"]), help="Report language."),
            click.option("--format", "formats", help="Comma-separated: md,json."),
            click.option("--out", help="Output folder, or - for Markdown on standard output."),
            click.option("--analyzer", help="offline or llm."),
            click.option("--model", help="LLM model name (with --analyzer llm)."),
            click.option("--include-merges", is_flag=True, default=None, help="Report merge commits too."),
            click.option("--refresh", is_flag=True, help="Analyse again instead of using the cache."),
            click.option("--cache-dir", type=click.Path(path_type=Path), help="Cache folder (SQLite store)."),
            click.option(
                "--no-lazy-fetch", is_flag=True, help="Never fetch a partial clone's missing objects."
            ),
        ]
    ):
        command = option(command)
    return command


@cli.command()
@click.argument("repo")
@click.option("--branch", help="Branch to report (default: the repository's HEAD branch).")
@click.option("--name", help="owner/name shown in the report (default: from the URL or the origin remote).")
@click.option("--web-url", help="Web address for commit and PR links, e.g. https://github.com/owner/name.")
@_window_options
@_presentation_options
def report(
    repo: str,
    branch: str | None,
    name: str | None,
    web_url: str | None,
    date,
    since,
    until,
    last,
    **presentation,
) -> int:
    """Report on one repository (a local path or a git URL).

    \b
    Examples:
      changeradar report ~/src/sglang --date 2026-01-29
      changeradar report https://github.com/sgl-project/sglang --last 7d --lang en
      changeradar report . --out - --format md
    """
    settings = _settings(presentation)
    configured = _configured_repository(settings, repo)
    timezone = _timezone(presentation["tz"], configured, settings)
    window = _window(date, since, until, last, timezone)
    configured = configured or RepositorySettings(source=repo)
    overrides = {key: value for key, value in (("name", name), ("web_url", web_url)) if value}
    request = _request(configured.model_copy(update=overrides), settings, presentation, window, branch)
    return _report_and_publish([request], settings, presentation)


@cli.command()
@click.option("--date", help="Day to report, YYYY-MM-DD (default: yesterday in each repository's zone).")
@_presentation_options
def run(date: str | None, **presentation) -> int:
    """Report on every repository of the config file.

    \b
    Example:
      changeradar run --config changeradar.toml
    """
    settings = _settings(presentation)
    requests = []
    for configured in _configured_repositories(settings):
        timezone = _timezone(presentation["tz"], configured, settings)
        window = day_window(date or yesterday(timezone, datetime.now(ZoneInfo(timezone))), timezone)
        requests.append(_request(configured, settings, presentation, window, None))
    return _report_and_publish(requests, settings, presentation)


@cli.command()
@click.option("--from", "first", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "last_day", required=True, help="Last day, YYYY-MM-DD (inclusive).")
@_presentation_options
def backfill(first: str, last_day: str, **presentation) -> int:
    """Report on every configured repository for every day from --from to --to.

    \b
    Example:
      changeradar backfill --from 2026-01-01 --to 2026-01-31
    """
    settings = _settings(presentation)
    requests = []
    for configured in _configured_repositories(settings):
        timezone = _timezone(presentation["tz"], configured, settings)
        for day in days_between(first, last_day):
            requests.append(_request(configured, settings, presentation, day_window(day, timezone), None))
    return _report_and_publish(requests, settings, presentation)


@cli.command()
@click.option("--path", "config_path", type=click.Path(path_type=Path), default=Path(CONFIG_NAME))
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init(config_path: Path, force: bool) -> int:
    """Write a commented changeradar.toml and a scheduled CI workflow beside it."""
    for path in write_starter_files(config_path, force=force):
        click.echo(f"wrote {path}")
    return 0


@cli.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Config file.")
def doctor(config_path: Path | None) -> int:
    """Check git, the config, the cache folder and (with the llm analyser) the endpoint and its key."""
    from changeradar.doctor import run_checks

    failed = 0
    for check in run_checks(config_path or _default_config_path()):
        click.echo(f"{'✓' if check.ok else '✗'} {check.name}: {check.detail}")
        failed += not check.ok
    return 1 if failed else 0


def _default_config_path() -> Path | None:
    path = Path(CONFIG_NAME)
    return path if path.is_file() else None


def _settings(presentation: dict) -> Settings:
    """The config file (given, or ./changeradar.toml when present), with command-line overrides."""
    path = presentation["config_path"] or _default_config_path()
    settings = load_config(path) if path else Settings()
    analyzer_updates = {
        key: presentation[option]
        for key, option in (("name", "analyzer"), ("model", "model"))
        if presentation[option]
    }
    updates: dict = {"analyzer": settings.analyzer.model_copy(update=analyzer_updates)}
    if presentation["formats"]:
        updates["formats"] = _formats(presentation["formats"])
    if presentation["lang"]:
        updates["language"] = presentation["lang"]
    if presentation["include_merges"] is not None:
        updates["include_merges"] = presentation["include_merges"]
    if presentation["out"] and presentation["out"] != "-":
        updates["output"] = Path(presentation["out"])
    if presentation["cache_dir"]:
        updates["cache_dir"] = presentation["cache_dir"]
    return settings.model_copy(update=updates)


def _formats(value: str) -> list[str]:
    formats = [part.strip() for part in value.split(",") if part.strip()]
    for file_format in formats:
        if file_format not in FORMATS:
            raise BadInput(f"bad --format value {file_format!r} (choose from: {', '.join(FORMATS)})")
    if not formats:
        raise BadInput(f"bad --format value {value!r} (choose from: {', '.join(FORMATS)})")
    return list(dict.fromkeys(formats))


def _configured_repository(settings: Settings, repo: str) -> RepositorySettings | None:
    """The config's entry for `repo` (by name or source), so its branch, zone and areas apply."""
    return next((r for r in settings.repositories if repo in (r.name, r.source)), None)


def _configured_repositories(settings: Settings) -> list[RepositorySettings]:
    if not settings.repositories:
        raise BadInput(
            "the config lists no repositories (add a [[repositories]] table, or use `report REPO`)"
        )
    return settings.repositories


def _timezone(option: str | None, configured: RepositorySettings | None, settings: Settings) -> str:
    return check_timezone(
        option or (configured and configured.timezone) or settings.timezone or DEFAULT_TIMEZONE
    )


def _window(
    date: str | None, since: str | None, until: str | None, last: str | None, timezone: str
) -> Window:
    chosen = [name for name, value in (("--date", date), ("--since", since), ("--last", last)) if value]
    if len(chosen) > 1:
        raise BadInput(f"choose one of --date, --since/--until, --last (got {' and '.join(chosen)})")
    if until and not since:
        raise BadInput(f"--until {until!r} needs --since")
    now = datetime.now(ZoneInfo(timezone))
    if since:
        return range_window(since, until or now.isoformat(timespec="seconds"), timezone)
    if last:
        return last_window(last, timezone, now)
    return day_window(date or yesterday(timezone, now), timezone)


def _request(
    configured: RepositorySettings,
    settings: Settings,
    presentation: dict,
    window: Window,
    branch: str | None,
) -> ReportRequest:
    return ReportRequest(
        source=configured.source,
        window=window,
        timezone=window.timezone,
        language=presentation["lang"] or configured.language or settings.language,
        branch=branch or configured.branch,
        name=configured.name,
        web_url=configured.web_url,
        area_rules=tuple(configured.areas),
        refresh=presentation["refresh"],
        lazy_fetch=not presentation["no_lazy_fetch"],
    )


def _report_and_publish(requests: list[ReportRequest], settings: Settings, presentation: dict) -> int:
    cache_dir = settings.cache_dir or default_cache_dir()
    to_stdout = presentation["out"] == "-"
    failures = 0
    with Store.open(cache_dir) as store, _progress_bars() as progress:
        for request in requests:
            day = build_report(request, settings, store, cache_dir, progress)
            failures += _publish(day, settings, to_stdout)
    return 1 if failures else 0


def _publish(day: DayReport, settings: Settings, to_stdout: bool) -> int:
    if to_stdout:
        click.echo(render(day, "md", settings.templates_dir), nl=False)
    else:
        for path in write_report(day, settings.output, settings.formats, settings.templates_dir):
            click.echo(f"wrote {path}")
    for failure in day.failures:
        click.echo(f"changeradar: {day.repo.name} {day.window.label}: {failure}", err=True)
    click.echo(f"changeradar: {run_summary(day)}", err=True)
    return len(day.failures)


def run_summary(day: DayReport) -> str:
    """One line for the log of a scheduled run: what was reported, how it was analysed, what it cost."""
    levels = Counter(report.importance.level.value for report in day.commits)
    line = (
        f"{day.repo.name} {day.window.label}: {len(day.commits)} commits "
        f"(high {levels['high']}, medium {levels['medium']}, low {levels['low']})"
    )
    if day.incomplete_commits:
        line += f"; {day.incomplete_commits} not read fully"
    stats = day.stats
    if day.model is None:
        return f"{line}; analysed {day.analyzer}"
    line += (
        f"; {day.analyzer}:{day.model} {stats.by_model}, from cache {stats.from_cache}, "
        f"fallback {stats.fallback}; tokens {stats.prompt_tokens:,} in, {stats.completion_tokens:,} out"
    )
    return line + (f"; ${stats.cost_usd:.4f}" if stats.cost_usd is not None else "")


@contextmanager
def _progress_bars() -> Iterator[ProgressFactory]:
    """Progress bars on standard error when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield no_progress
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(stderr=True)) as bars:

        def start(description: str, total: int | None) -> Callable[[int], None]:
            task = bars.add_task(description, total=total)
            return lambda done: bars.advance(task, done)

        yield start
