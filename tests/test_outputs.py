"""Outputs: `[[outputs]]` and its short form, `--out`/`--format` mapped onto it, outputs and analysers from
other packages through entry points, and deliveries recorded so that a re-run delivers once."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from changeradar.cli import main
from changeradar.config import FilesOutputSettings, StdoutOutputSettings, parse_settings
from changeradar.errors import BadInput
from changeradar.outputs import (
    OutputContext,
    content_hash,
    create_outputs,
    deliver_report,
    formats,
    window_key,
)
from changeradar.outputs.formats import render_format, render_formats
from changeradar.render.view import build_view
from changeradar.store import Store
from day_reports import sample_report
from gitrepo import GitRepo
from plugin_dist import install_distribution
from test_publish import empty_report

DAY = "2026-01-29"
DAY_FOLDER = Path("2026/acme/widget")

LEDGER_MODULE = """
    from pathlib import Path
    from typing import Literal

    from changeradar.checks import Check
    from changeradar.config import OutputSettings


    class LedgerSettings(OutputSettings):
        type: Literal["{name}"] = "{name}"
        ledger: Path


    class LedgerOutput:
        '''A stand-in for a chat output: each delivery is a line appended to a file.'''

        name = "{name}"
        settings_model = LedgerSettings
        redelivers = False

        def __init__(self, settings, context):
            self.settings = settings

        def checks(self):
            return [Check(f"output {{self.settings.key}}", True, f"appends to {{self.settings.ledger}}")]

        def render(self, day, view):
            return {{"line": f"{{day.repo.name}} {{view.title}}: {{len(day.commits)}} commits"}}

        def deliver(self, day, rendered, store):
            with self.settings.ledger.open("a", encoding="utf-8") as ledger:
                ledger.write(rendered["line"] + "\\n")
            return (f"{{self.settings.ledger}}#{{len(self.settings.ledger.read_text().splitlines())}}",)
"""


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.fixture
def widget(git_repo: GitRepo) -> GitRepo:
    git_repo.git("remote", "add", "origin", "https://github.com/acme/widget.git")
    git_repo.commit("Add the parser", {"src/parser.py": "def parse():\n    return 1\n"})
    return git_repo


def report(repo: GitRepo, tmp_path: Path, config: str, capsys, *extra: str) -> tuple[int, str, str]:
    config_path = tmp_path / "changeradar.toml"
    config_path.write_text(f'cache_dir = "cache"\nlanguage = "en"\n{config}', encoding="utf-8")
    args = ["report", str(repo.path), "--date", DAY, "--config", str(config_path), *extra]
    return run_cli(args, capsys)


def install_ledger(tmp_path: Path, monkeypatch, name: str) -> None:
    install_distribution(
        tmp_path,
        f"changeradar-{name}",
        {f"{name}_output": LEDGER_MODULE.format(name=name)},
        {"changeradar.outputs": {name: f"{name}_output:LedgerOutput"}},
        monkeypatch,
    )


# The config: [[outputs]] and the short form it replaces


def test_a_config_without_outputs_has_one_files_output_from_its_short_form() -> None:
    assert parse_settings({}).outputs == [FilesOutputSettings(folder=Path("reports"), formats=["md", "json"])]
    assert parse_settings({"output": "out", "formats": ["json"]}).outputs == [
        FilesOutputSettings(folder=Path("out"), formats=["json"])
    ]


def test_outputs_tables_are_told_apart_by_type() -> None:
    settings = parse_settings(
        {
            "outputs": [
                {"type": "files", "folder": "site", "formats": ["json"]},
                {"type": "stdout", "format": "md", "name": "terminal"},
            ]
        }
    )

    assert settings.outputs == [
        FilesOutputSettings(folder=Path("site"), formats=["json"]),
        StdoutOutputSettings(format="md", name="terminal"),
    ]
    assert [table.key for table in settings.outputs] == ["files", "terminal"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"outputs": [{"type": "files", "colour": "red"}]}, "unknown key 'outputs.0.colour'"),
        (
            {"outputs": [{"type": "stdout"}, {"type": "files", "formats": ["pdf"]}]},
            "bad value for 'outputs.1.formats.0': Input should be 'md' or 'json' (got 'pdf')",
        ),
        (
            {"outputs": [{"type": "stdout", "format": ""}]},
            "bad value for 'outputs.0.format': must not be empty (got '')",
        ),
        ({"outputs": [{"folder": "x"}]}, "bad value for 'outputs.0.type': Field required"),
        ({"outputs": [{"type": "files"}], "output": "x"}, "use [[outputs]] or output, not both"),
        ({"outputs": [{"type": "files"}], "formats": ["md"]}, "use [[outputs]] or formats, not both"),
    ],
)
def test_a_bad_outputs_table_is_one_line_naming_the_key(raw: dict, message: str) -> None:
    with pytest.raises(BadInput) as error:
        parse_settings(raw)

    assert str(error.value) == f"config: {message}"


# The command line: --out and --format mapped onto the outputs


def test_the_short_form_writes_its_formats_where_it_says(widget: GitRepo, tmp_path: Path, capsys) -> None:
    code, out, _ = report(widget, tmp_path, 'output = "old"\nformats = ["json"]\n', capsys)

    written = tmp_path / "old" / DAY_FOLDER / f"{DAY}.json"
    assert code == 0
    assert out == f"wrote {written}\n"
    assert json.loads(written.read_text(encoding="utf-8"))["repo"]["name"] == "acme/widget"


def test_every_configured_output_delivers(widget: GitRepo, tmp_path: Path, capsys) -> None:
    config = '[[outputs]]\ntype = "files"\nfolder = "site"\nformats = ["md"]\n[[outputs]]\ntype = "stdout"\n'

    code, out, _ = report(widget, tmp_path, config, capsys)

    written = tmp_path / "site" / DAY_FOLDER / f"{DAY}.md"
    assert code == 0
    assert out == written.read_text(encoding="utf-8") + f"wrote {written}\n"
    assert not (tmp_path / "reports").exists()


def test_out_dash_prints_one_format_instead_of_the_configured_outputs(
    widget: GitRepo, tmp_path: Path, capsys
) -> None:
    config = '[[outputs]]\ntype = "files"\nfolder = "site"\n'

    code, out, _ = report(widget, tmp_path, config, capsys, "--out", "-", "--format", "json")

    assert code == 0
    assert json.loads(out)["repo"]["name"] == "acme/widget"
    assert not (tmp_path / "site").exists()


def test_out_folder_writes_the_configured_files_formats_there(
    widget: GitRepo, tmp_path: Path, capsys
) -> None:
    config = (
        '[[outputs]]\ntype = "stdout"\n[[outputs]]\ntype = "files"\nfolder = "site"\nformats = ["json"]\n'
    )

    code, out, _ = report(widget, tmp_path, config, capsys, "--out", str(tmp_path / "elsewhere"))

    assert code == 0
    assert out == f"wrote {tmp_path / 'elsewhere' / DAY_FOLDER / f'{DAY}.json'}\n"
    assert not (tmp_path / "site").exists()


def test_format_alone_sets_the_formats_of_files_and_standard_output(
    widget: GitRepo, tmp_path: Path, capsys
) -> None:
    config = '[[outputs]]\ntype = "stdout"\n[[outputs]]\ntype = "files"\nfolder = "site"\n'

    code, out, _ = report(widget, tmp_path, config, capsys, "--format", "json")

    written = tmp_path / "site" / DAY_FOLDER / f"{DAY}.json"
    assert code == 0
    printed, wrote = out.rsplit("\n", 2)[0], out.rsplit("\n", 2)[1]
    assert json.loads(printed) == json.loads(written.read_text(encoding="utf-8"))
    assert wrote == f"wrote {written}"
    assert sorted(path.name for path in written.parent.iterdir()) == [f"{DAY}.json"]


def test_standard_output_refuses_two_formats(widget: GitRepo, tmp_path: Path, capsys) -> None:
    code, out, err = report(widget, tmp_path, '[[outputs]]\ntype = "stdout"\n', capsys, "--format", "md,json")

    assert (code, out) == (2, "")
    assert err == (
        "changeradar: error: standard output prints one format, not --format 'md,json' (choose md or json)\n"
    )


def test_two_outputs_known_by_one_name_are_refused(widget: GitRepo, tmp_path: Path, capsys) -> None:
    config = '[[outputs]]\ntype = "stdout"\n[[outputs]]\ntype = "stdout"\nformat = "json"\n'

    code, _, err = report(widget, tmp_path, config, capsys)

    assert code == 2
    assert err == "changeradar: error: two [[outputs]] are known as 'stdout' (give each a distinct `name`)\n"


# Plugins: outputs and analysers from other packages


def test_an_output_from_another_package_delivers_once_per_content(
    widget: GitRepo, tmp_path: Path, capsys, monkeypatch
) -> None:
    install_ledger(tmp_path, monkeypatch, "ledger")
    ledger = tmp_path / "ledger.txt"
    config = f'[[outputs]]\ntype = "ledger"\nledger = "{ledger}"\n'

    first = report(widget, tmp_path, config, capsys)
    second = report(widget, tmp_path, config, capsys)
    widget.commit(
        "Fix the parser", {"src/parser.py": "def parse():\n    return 2\n"}, date=f"{DAY}T11:00:00+08:00"
    )
    third = report(widget, tmp_path, config, capsys)

    assert [code for code, _, _ in (first, second, third)] == [0, 0, 0]
    assert first[1] == f"wrote {ledger}#1\n"
    assert second[1] == ""
    assert f"ledger has this report already ({ledger}#1)" in second[2]
    assert third[1] == f"wrote {ledger}#2\n"
    lines = ledger.read_text(encoding="utf-8").splitlines()
    assert [line.rsplit(": ", 1)[1] for line in lines] == ["1 commits", "2 commits"]
    assert all(line.startswith("acme/widget ") and DAY in line for line in lines)  # the view's title


def test_an_output_from_another_package_is_checked_by_its_own_settings_model(
    widget: GitRepo, tmp_path: Path, capsys, monkeypatch
) -> None:
    install_ledger(tmp_path, monkeypatch, "tally")
    config = f'[[outputs]]\ntype = "tally"\nledger = "{tmp_path / "t.txt"}"\ncolour = "red"\n'

    code, out, err = report(widget, tmp_path, config, capsys)

    assert (code, out) == (2, "")
    assert err == "changeradar: error: config: unknown key 'outputs.0.colour'\n"


def test_doctor_lists_the_checks_of_each_configured_output(tmp_path: Path, capsys, monkeypatch) -> None:
    install_ledger(tmp_path, monkeypatch, "journal")
    config = tmp_path / "changeradar.toml"
    config.write_text(
        f'cache_dir = "cache"\n[[outputs]]\ntype = "files"\n'
        f'[[outputs]]\ntype = "journal"\nname = "team"\nledger = "{tmp_path / "j.txt"}"\n',
        encoding="utf-8",
    )

    code, out, _ = run_cli(["doctor", "--config", str(config)], capsys)

    assert code == 0
    assert out.splitlines()[-2:] == [
        f"✓ output files: {tmp_path / 'reports'} (md, json)",
        f"✓ output team: appends to {tmp_path / 'j.txt'}",
    ]


def test_a_plugin_that_fails_to_import_is_one_line_naming_it(
    widget: GitRepo, tmp_path: Path, capsys, monkeypatch
) -> None:
    install_distribution(
        tmp_path,
        "changeradar-broken",
        {"broken_output": "import changeradar_missing_sdk\n"},
        {"changeradar.outputs": {"broken": "broken_output:Output"}},
        monkeypatch,
    )

    code, out, err = report(widget, tmp_path, '[[outputs]]\ntype = "broken"\n', capsys)

    assert (code, out) == (2, "")
    assert err == (
        "changeradar: error: cannot load plugin 'broken' of changeradar.outputs (broken_output:Output): "
        "ModuleNotFoundError: No module named 'changeradar_missing_sdk'\n"
    )


def test_an_output_type_no_package_offers_is_named(widget: GitRepo, tmp_path: Path, capsys) -> None:
    code, _, err = report(widget, tmp_path, '[[outputs]]\ntype = "carrier-pigeon"\n', capsys)

    assert code == 2
    assert err.startswith(
        "changeradar: error: unknown output type 'carrier-pigeon' (choose from: files, stdout"
    )


def test_an_analyser_from_another_package_is_found_by_name(
    widget: GitRepo, tmp_path: Path, capsys, monkeypatch
) -> None:
    plain = (
        "from changeradar.analyse.offline import OfflineAnalyzer\n\nclass Plain(OfflineAnalyzer):\n    pass\n"
    )
    install_distribution(
        tmp_path,
        "changeradar-plain",
        {"plain_analyzer": plain},
        {"changeradar.analyzers": {"plain": "plain_analyzer:Plain"}},
        monkeypatch,
    )

    code, _, err = report(widget, tmp_path, "", capsys, "--analyzer", "plain", "--out", "-")

    assert code == 0
    assert err.endswith("; analysed plain\n")


def test_an_analyser_plugin_that_fails_to_import_is_one_line_naming_it(
    widget: GitRepo, tmp_path: Path, capsys, monkeypatch
) -> None:
    install_distribution(
        tmp_path,
        "changeradar-faulty",
        {"faulty_analyzer": "raise RuntimeError('needs a GPU')\n"},
        {"changeradar.analyzers": {"faulty": "faulty_analyzer:Faulty"}},
        monkeypatch,
    )

    code, _, err = report(widget, tmp_path, "", capsys, "--analyzer", "faulty", "--out", "-")

    assert code == 2
    assert err == (
        "changeradar: error: cannot load plugin 'faulty' of changeradar.analyzers (faulty_analyzer:Faulty): "
        "RuntimeError: needs a GPU\n"
    )


# The dispatcher and the deliveries record


class CountingOutput:
    """An output registered by hand: counts its deliveries; `redelivers` as the test says."""

    name = "counting"
    settings_model = StdoutOutputSettings
    redelivers = False

    def __init__(self, settings: StdoutOutputSettings, context: OutputContext) -> None:
        self.settings = settings
        self.sent: list[str] = []

    def checks(self) -> list:
        return []

    def render(self, day, view) -> dict[str, str]:
        return {"message": f"{view.title} / {day.language}"}

    def deliver(self, day, rendered, store) -> tuple[str, ...]:
        self.sent.append(rendered["message"])
        return (f"message-{len(self.sent)}",)


def test_the_dispatcher_skips_content_already_delivered_and_records_every_delivery(tmp_path: Path) -> None:
    output = CountingOutput(StdoutOutputSettings(name="chat"), OutputContext())
    english = empty_report()
    chinese = replace(english, language="zh")

    with Store.open(tmp_path) as store:
        first = deliver_report([output], english, build_view(english), store)
        again = deliver_report([output], english, build_view(english), store)
        changed = deliver_report([output], chinese, build_view(chinese), store)
        recorded = store.delivered(
            "acme/widget",
            window_key(english.window),
            "chat",
            content_hash(output.render(english, build_view(english))),
        )

    assert [(d.references, d.skipped) for d in (*first, *again, *changed)] == [
        (("message-1",), False),
        (("message-1",), True),
        (("message-2",), False),
    ]
    assert len(output.sent) == 2
    assert recorded == ("message-1",)


def test_an_output_that_redelivers_delivers_every_time_and_is_still_recorded(tmp_path: Path) -> None:
    output = CountingOutput(StdoutOutputSettings(name="chat"), OutputContext())
    output.redelivers = True
    day = empty_report()

    with Store.open(tmp_path) as store:
        for _ in range(2):
            deliver_report([output], day, build_view(day), store)
        recorded = store.delivered(
            "acme/widget", window_key(day.window), "chat", content_hash(output.render(day, build_view(day)))
        )

    assert len(output.sent) == 2
    assert recorded == ("message-1",)


def test_the_content_hash_changes_with_any_part_but_not_with_their_order() -> None:
    assert content_hash({"md": "a", "json": "b"}) == content_hash({"json": "b", "md": "a"})
    assert content_hash({"md": "a"}) != content_hash({"md": "b"})
    assert content_hash({"md": "a"}).startswith("sha256:")
    assert content_hash({"a": "bc"}) != content_hash({"ab": "c"})  # a part's text never runs into the next
    assert content_hash({"md": "a", "json": "b"}) != content_hash({"md": "b", "json": "a"})
    assert content_hash({"md": "\udcff"}) != content_hash({"md": "\udcfe"})  # a lone surrogate, undecoded
    # Hashed a piece at a time, a long text hashes as its whole encoding, whatever falls on a boundary.
    long_text = "报告\udcff" * 700_000
    whole = hashlib.sha256(long_text.encode("utf-8", "surrogatepass")).hexdigest()
    assert (
        content_hash({"md": long_text}) == "sha256:" + hashlib.sha256(f"md\0{whole}\n".encode()).hexdigest()
    )


def test_outputs_are_created_from_their_tables(tmp_path: Path) -> None:
    outputs = create_outputs([FilesOutputSettings(folder=tmp_path), StdoutOutputSettings()], OutputContext())

    assert [(type(output).name, output.settings.key) for output in outputs] == [
        ("files", "files"),
        ("stdout", "stdout"),
    ]


def test_a_long_reports_formats_are_rendered_side_by_side_and_read_the_same(
    tmp_path: Path, monkeypatch
) -> None:
    """Past SIDE_BY_SIDE_FROM commits, every format but the first is rendered in a forked process."""
    day = sample_report("en")
    alone = {file_format: render_format(day, file_format) for file_format in ("md", "json")}
    rendered_by = tmp_path / "json rendered by"
    render_json = formats.render_json

    def recording_render_json(report, view):
        rendered_by.write_text(str(os.getpid()))
        return render_json(report, view)

    monkeypatch.setattr(formats, "render_json", recording_render_json)
    monkeypatch.setattr(formats, "SIDE_BY_SIDE_FROM", len(day.commits))

    assert render_formats(day, ["md", "json"]) == alone
    assert int(rendered_by.read_text()) != os.getpid()

    monkeypatch.setattr(formats, "SIDE_BY_SIDE_FROM", len(day.commits) + 1)
    assert render_formats(day, ["json", "md"]) == alone
    assert int(rendered_by.read_text()) == os.getpid()
