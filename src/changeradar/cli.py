"""The command line: a thin layer that parses options, calls the library and maps errors to exit codes.

Exit codes: 0 done; 1 done with some failures (each named on standard error); 2 bad usage, config or
input, as one line naming the bad value. No traceback reaches the user for any of these.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, cast
from zoneinfo import ZoneInfo

import click

from changeradar import __version__
from changeradar.config import (
    DEFAULT_FORMATS,
    DEFAULT_TIMEZONE,
    FilesOutputSettings,
    Format,
    OutputSettings,
    RepositorySettings,
    Settings,
    StdoutOutputSettings,
    check_report_name,
    check_timezone,
    check_web_url,
    load_config,
)
from changeradar.errors import BadInput, ChangeradarError
from changeradar.i18n import LANGUAGES
from changeradar.model import DayReport, Window
from changeradar.outputs import Output, OutputContext, create_outputs, deliver_report
from changeradar.pipeline import ReportRequest, build_report, no_progress
from changeradar.render.view import ReportView, build_view
from changeradar.repository import find_name_collisions
from changeradar.scaffold import write_starter_files
from changeradar.store import Store, default_cache_dir
from changeradar.window import day_window, days_between, last_window, range_window, yesterday

if TYPE_CHECKING:  # rich is imported only when bars are drawn: it costs start-up time
    from rich.console import Console
    from rich.progress import Progress

CONFIG_NAME = "changeradar.toml"
STDOUT = "-"


# A run makes millions of small objects and frees nearly all of them by reference counting: it builds few
# cycles. At the default threshold (700 new objects) the collector would walk the growing heap thousands
# of times, about a twentieth of a year's report; workers inherit the setting.
_COLLECT_AFTER = (50_000, 20, 100)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point: run the command, turn every expected failure into one line and an exit code.

    Run as the program itself (no `argv`: the installed script, `python -m changeradar`), the process ends
    as soon as its output is flushed, without freeing its heap object by object: after a long window that
    teardown alone takes a tenth of a second or more, which the user would wait for and nothing needs.
    """
    code = _run(argv)
    if argv is None:
        _end_process(code)
    sys.exit(code)


def _run(argv: Sequence[str] | None) -> int:
    gc.set_threshold(*_COLLECT_AFTER)
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
    return code or 0


def _end_process(code: int) -> NoReturn:
    """Exit now, skipping only the interpreter's teardown of the heap. Every file the command wrote is
    closed by then (each is written in a `with`); exit handlers still run (logging's flush, a coverage
    tool's save), and the standard streams are flushed last."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`) or a closed stream: nothing left to say
            code = code or 1
    os._exit(code)


def _error(message: str) -> None:
    click.echo(f"changeradar: error: {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="changeradar")
@click.option("--verbose", "-v", is_flag=True, help="Log what happens (endpoint calls, retries) on stderr.")
def cli(verbose: bool) -> None:
    """Every morning: what changed yesterday in the repositories you depend on, ranked and explained."""
    logging.basicConfig(format="changeradar: %(message)s", level=logging.INFO if verbose else logging.WARNING)


def _not_empty(_context: click.Context, parameter: click.Parameter, value: str | None) -> str | None:
    """An empty value is a mistake to name, never a request for the default."""
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty", param=parameter)
    return value


def _path(context: click.Context, parameter: click.Parameter, value: str | None) -> Path | None:
    value = _not_empty(context, parameter, value)
    return Path(value) if value is not None else None


def _text_option(*declarations: str, **attributes) -> Callable:
    """An option taking a non-empty string (click would take `--tz ''` as given, and empty)."""
    return click.option(*declarations, callback=_not_empty, **attributes)


def _path_option(*declarations: str, **attributes) -> Callable:
    """An option taking a path; click's own path type would read '' as the current folder."""
    return click.option(*declarations, callback=_path, **attributes)


def _window_options(command: Callable) -> Callable:
    for option in reversed(
        [
            _text_option("--date", help="Day to report, YYYY-MM-DD in --tz (default: yesterday)."),
            _text_option("--since", help="Start (ISO date or datetime, inclusive)."),
            _text_option("--until", help="End (ISO date or datetime, exclusive)."),
            _text_option("--last", help="A window ending now, e.g. 24h, 7d, 2w."),
        ]
    ):
        command = option(command)
    return command


def _presentation_options(command: Callable) -> Callable:
    for option in reversed(
        [
            _path_option("--config", "config_path", help="Config file."),
            _text_option("--tz", help="IANA time zone of the window and the times shown."),
            click.option("--lang", type=click.Choice(LANGUAGES), help="Report language."),
            _text_option("--format", "formats", help="Comma-separated: md,json."),
            _text_option("--out", help="Output folder, or - for one format (default md) on standard output."),
            _text_option("--analyzer", help="offline or llm."),
            _text_option("--model", help="LLM model name (with --analyzer llm)."),
            click.option("--include-merges", is_flag=True, default=None, help="Report merge commits too."),
            click.option("--refresh", is_flag=True, help="Analyse again instead of using the cache."),
            _path_option("--cache-dir", help="Cache folder (SQLite store)."),
            click.option(
                "--no-lazy-fetch", is_flag=True, help="Never fetch a partial clone's missing objects."
            ),
        ]
    ):
        command = option(command)
    return command


@cli.command()
@click.argument("repo")
@_text_option("--branch", help="Branch to report (default: the repository's HEAD branch).")
@_text_option("--name", help="owner/name shown in the report (default: from the URL or the origin remote).")
@_text_option("--web-url", help="Web address for commit and PR links, e.g. https://github.com/owner/name.")
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
    overrides = {}
    if name is not None:
        overrides["name"] = check_report_name(name, "--name")
    if web_url is not None:
        overrides["web_url"] = check_web_url(web_url, "--web-url")
    request = _request(configured.model_copy(update=overrides), settings, presentation, window, branch)
    return _report_and_publish([request], settings, keep_going=False)


@cli.command()
@_text_option("--date", help="Day to report, YYYY-MM-DD (default: yesterday in each repository's zone).")
@_presentation_options
def run(date: str | None, **presentation) -> int:
    """Report on every repository of the config file; one that fails is named and the others still run.

    \b
    Example:
      changeradar run --config changeradar.toml
    """
    settings = _settings(presentation)
    _check_distinct_names(_configured_repositories(settings))
    requests = []
    for configured in _configured_repositories(settings):
        timezone = _timezone(presentation["tz"], configured, settings)
        window = day_window(date or yesterday(timezone, datetime.now(ZoneInfo(timezone))), timezone)
        requests.append(_request(configured, settings, presentation, window, None))
    return _report_and_publish(requests, settings, keep_going=True)


@cli.command()
@_text_option("--from", "first", required=True, help="First day, YYYY-MM-DD.")
@_text_option("--to", "last_day", required=True, help="Last day, YYYY-MM-DD (inclusive).")
@_presentation_options
def backfill(first: str, last_day: str, **presentation) -> int:
    """Report on every configured repository for every day from --from to --to; a failed day is named and
    the others still run.

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
    return _report_and_publish(requests, settings, keep_going=True)


@cli.command()
@_path_option("--path", "config_path", default=CONFIG_NAME, help="Where to write the config.")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init(config_path: Path, force: bool) -> int:
    """Write a commented changeradar.toml and a scheduled CI workflow beside it."""
    for path in write_starter_files(config_path, force=force):
        click.echo(f"wrote {path}")
    return 0


@cli.command()
@_path_option("--config", "config_path", help="Config file.")
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
        if presentation[option] is not None
    }
    updates: dict = {
        "analyzer": settings.analyzer.model_copy(update=analyzer_updates),
        "outputs": _outputs(settings.outputs, presentation["out"], presentation["formats"]),
    }
    if presentation["lang"] is not None:
        updates["language"] = presentation["lang"]
    if presentation["include_merges"] is not None:
        updates["include_merges"] = presentation["include_merges"]
    if presentation["cache_dir"] is not None:
        updates["cache_dir"] = presentation["cache_dir"]
    return settings.model_copy(update=updates)


def _outputs(
    configured: Sequence[OutputSettings], out: str | None, formats: str | None
) -> list[OutputSettings]:
    """The run's outputs: `--out -` prints one format (Markdown unless --format says) and `--out DIR` writes
    files there, each instead of the configured outputs; `--format` alone sets the configured files' and
    standard output's formats."""
    chosen = _formats(formats) if formats is not None else None
    if out == STDOUT:
        return [StdoutOutputSettings(format=_one_format(chosen, "--out -", formats))]
    if out is not None:
        first_files = next((table for table in configured if isinstance(table, FilesOutputSettings)), None)
        return [FilesOutputSettings(folder=Path(out), formats=chosen or _formats_of(first_files))]
    if chosen is None:
        return list(configured)
    return [_with_formats(table, chosen, formats) for table in configured]


def _with_formats(table: OutputSettings, chosen: list[Format], option: str | None) -> OutputSettings:
    if isinstance(table, FilesOutputSettings):
        return table.model_copy(update={"formats": chosen})
    if isinstance(table, StdoutOutputSettings):
        return table.model_copy(update={"format": _one_format(chosen, "standard output", option)})
    return table  # another package's output has its own settings


def _one_format(chosen: list[Format] | None, what: str, option: str | None) -> Format:
    if chosen is None:
        return "md"
    if len(chosen) > 1:
        raise BadInput(f"{what} prints one format, not --format {option!r} (choose md or json)")
    return chosen[0]


def _formats_of(table: FilesOutputSettings | None) -> list[Format]:
    return list((table or FilesOutputSettings()).formats)


def _formats(value: str) -> list[Format]:
    formats = [part.strip() for part in value.split(",") if part.strip()]
    for file_format in formats:
        if file_format not in DEFAULT_FORMATS:
            raise BadInput(f"bad --format value {file_format!r} (choose from: {', '.join(DEFAULT_FORMATS)})")
    if not formats:
        raise BadInput(f"bad --format value {value!r} (choose from: {', '.join(DEFAULT_FORMATS)})")
    return [cast(Format, file_format) for file_format in dict.fromkeys(formats)]


def _configured_repository(settings: Settings, repo: str) -> RepositorySettings | None:
    """The config's entry for `repo` (by name or source), so its branch, zone and areas apply."""
    return next((r for r in settings.repositories if repo in (r.name, r.source)), None)


def _configured_repositories(settings: Settings) -> list[RepositorySettings]:
    if not settings.repositories:
        raise BadInput(
            "the config lists no repositories (add a [[repositories]] table, or use `report REPO`)"
        )
    return settings.repositories


def _check_distinct_names(repositories: Sequence[RepositorySettings]) -> None:
    """Two repositories reported under one name would overwrite each other's files: refuse, naming both."""
    collisions = find_name_collisions(repositories)
    if collisions:
        raise BadInput(str(collisions[0]))


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


def _report_and_publish(requests: list[ReportRequest], settings: Settings, keep_going: bool) -> int:
    """Build and publish each report; with `keep_going`, a report that fails is named and the rest still run.

    Exit code 1 when any report failed or any commit in one could not be fully analysed.
    """
    cache_dir = settings.cache_dir or default_cache_dir()
    failed_reports: list[str] = []
    failures = 0
    summary = ""
    with Store.open(cache_dir) as store, _feedback() as feedback:
        outputs = create_outputs(settings.outputs, OutputContext(feedback.echo, settings.templates_dir))
        for request in requests:
            try:
                day = build_report(request, settings, store, cache_dir, feedback.progress)
                view = build_view(day)  # once: every output and the summary line read it
                written = _publish(day, view, outputs, store, feedback)
            except ChangeradarError as error:
                if not keep_going:
                    raise
                failed_reports.append(f"{request.source} {request.window.label}")
                feedback.say(f"changeradar: error: {request.source} {request.window.label}: {error}")
                continue
            finally:
                feedback.clear_bars()
            for path in written:
                feedback.echo(f"wrote {path}\n")
            for failure in day.failures:
                feedback.say(f"changeradar: {day.repo.name} {day.window.label}: {failure}")
            failures += len(day.failures)
            summary = view.run_summary
            if keep_going:
                feedback.say(f"changeradar: {summary}")
    if keep_going:
        summary = batch_summary(len(requests), failed_reports)
    feedback.say(f"changeradar: {summary}")  # after the bars are gone, so it is the last line
    return 1 if failures or failed_reports else 0


def _publish(
    day: DayReport, view: ReportView, outputs: list[Output], store: Store, feedback: _Feedback
) -> list[str]:
    """Deliver the report to every output; where it went. An output that had this content already says so."""
    written: list[str] = []
    for delivery in deliver_report(outputs, day, view, store):
        if delivery.skipped:
            feedback.say(
                f"changeradar: {day.repo.name} {day.window.label}: {delivery.output} has this report already"
                f" ({', '.join(delivery.references) or 'delivered before'})"
            )
        else:
            written += delivery.references
    return written


def batch_summary(reports: int, failed: Sequence[str]) -> str:
    """The last line of `run` and `backfill`: how many reports were made and which could not be."""
    line = f"{reports - len(failed)} of {reports} reports done"
    return f"{line}; {len(failed)} failed: {', '.join(failed)}" if failed else line


class _Feedback:
    """Where progress and messages go while reports are built: plain lines on a pipe, bars on a terminal.

    On a terminal, lines are printed through the bars' console, above the bars, so none is overwritten;
    each report's bars are removed when it is done, and all of them before the last line.
    """

    def __init__(self, bars: Progress | None = None) -> None:
        self._bars = bars

    def progress(self, description: str, total: int | None) -> Callable[[int], None]:
        bars = self._bars
        if bars is None:
            return no_progress(description, total)
        task = bars.add_task(description, total=total)
        return lambda done: bars.advance(task, done)

    def clear_bars(self) -> None:
        if self._bars is not None:
            for task in list(self._bars.task_ids):
                self._bars.remove_task(task)

    def say(self, line: str) -> None:
        """A line on standard error."""
        if self._bars is None:
            click.echo(line, err=True)
        else:
            self._bars.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def echo(self, text: str) -> None:
        """`text` on standard output; when that is the bars' terminal too, through their console, so the
        bars never draw over it."""
        if self._bars is not None and sys.stdout.isatty():
            self._bars.console.print(text, markup=False, highlight=False, soft_wrap=True, end="")
        else:
            click.echo(text, nl=False)


def _terminal_console() -> Console | None:
    """A console on standard error when it is a terminal: there, and only there, bars are drawn."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def _feedback() -> Iterator[_Feedback]:
    console = _terminal_console()
    if console is None:
        yield _Feedback()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # A running count (commits done / total, or "?" while the total is unknown) instead of a percentage.
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    # No redirection of sys.stdout: it would send a report printed to a pipe to the terminal instead.
    with Progress(*columns, transient=True, console=console, redirect_stdout=False) as bars:
        yield _Feedback(bars)
