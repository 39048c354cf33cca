"""Environment variables and command-line options of Go and Rust read from tree-sitter trees: names
resolved through constants, clap's bare `env` and `long`, attributes over several lines, and near-misses."""

from __future__ import annotations

from changeradar.model import SignalAction, SignalKind
from changeradar.signals import api, cli_options, env_vars
from gitrepo import GitRepo
from signal_repo import NoBlobs, commit_files, last_commit_signals

ADDED, REMOVED = SignalAction.ADDED, SignalAction.REMOVED

CONFIG_GO = """\
    package config

    import (
        "os"

        "github.com/spf13/cobra"
        "example.com/other"
    )

    const (
        EnvModelName = "MODEL_NAME"
        flagPort = "port"
    )

    func Load(cmd *cobra.Command) string {
        cmd.Flags().IntVar(&port, flagPort, 8000, "port to serve on")
        return os.Getenv(EnvModelName)
    }
    """


def _env(repo: GitRepo, **kwargs) -> list[tuple]:
    return last_commit_signals(repo, env_vars.extract, SignalKind.ENV_VAR, **kwargs)


def _options(repo: GitRepo, **kwargs) -> list[tuple]:
    return last_commit_signals(repo, cli_options.extract, SignalKind.CLI_OPTION, **kwargs)


def test_go_env_and_flags_through_constants_of_the_file(git_repo: GitRepo):
    commit_files(git_repo, "Config", {"pkg/config/config.go": CONFIG_GO})
    after = CONFIG_GO.replace(
        "        return os.Getenv(EnvModelName)\n",
        "        const envCache = `CACHE_DIR`\n"
        '        cmd.PersistentFlags().StringP(flagLogLevel, "l", "info", "log level")\n'
        "        _, _ = os.LookupEnv(envCache)\n"
        "        _ = os.Getenv(other.EnvToken)\n"  # another package's constant: not known here
        '        _ = myos.Getenv("NOT_OS")\n'  # not the os package
        "        return os.Getenv(EnvModelName)\n",
    ).replace(
        '        flagPort = "port"\n', '        flagPort = "port"\n        flagLogLevel = "log-level"\n'
    )
    commit_files(git_repo, "Cache and log level", {"pkg/config/config.go": after})
    path = "pkg/config/config.go"
    assert _env(git_repo) == [("CACHE_DIR", ADDED, "", path, 20)]
    assert _options(git_repo) == [("--log-level", ADDED, "", path, 19)]


def test_go_a_renamed_constant_renames_the_variable_and_the_flag_its_calls_read(git_repo: GitRepo):
    commit_files(git_repo, "Config", {"pkg/config/config.go": CONFIG_GO})
    after = CONFIG_GO.replace('"MODEL_NAME"', '"SERVED_MODEL_NAME"').replace('"port"', '"listen-port"')
    commit_files(git_repo, "Rename", {"pkg/config/config.go": after})
    path = "pkg/config/config.go"
    assert _env(git_repo) == [
        ("SERVED_MODEL_NAME", ADDED, "", path, 17),
        ("MODEL_NAME", REMOVED, "", path, 17),
    ]
    assert _options(git_repo) == [("--listen-port", ADDED, "", path, 16), ("--port", REMOVED, "", path, 16)]


def test_go_a_second_read_of_a_variable_already_read_is_not_a_new_variable(git_repo: GitRepo):
    commit_files(git_repo, "Config", {"pkg/config/config.go": CONFIG_GO})
    after = CONFIG_GO.replace(
        "        return os.Getenv(EnvModelName)\n",
        '        if os.Getenv("MODEL_NAME") == "" {\n            return "default"\n        }\n'
        "        return os.Getenv(EnvModelName)\n",
    )
    commit_files(git_repo, "Default model", {"pkg/config/config.go": after})
    assert _env(git_repo) == []


LAUNCHER_RS = """\
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Args {
        /// The model to serve.
        #[clap(default_value = "bigscience/bloom-560m", long, env)]
        model_id: String,

        #[clap(long, env, value_enum)]
        quantize: Option<Quantization>,
    }
    """


def test_rust_clap_bare_env_is_the_field_in_upper_case_and_attributes_may_span_lines(git_repo: GitRepo):
    commit_files(git_repo, "Launcher", {"launcher/src/main.rs": LAUNCHER_RS})
    after = LAUNCHER_RS.replace(
        "        quantize: Option<Quantization>,\n",
        "        quantize: Option<Quantization>,\n\n"
        "        /// Tokens per batch.\n"
        "        #[clap(\n"
        '            default_value = "4096",\n'
        "            long,\n"
        "            env,\n"
        "        )]\n"
        "        max_batch_prefill_tokens: u32,\n\n"
        "        #[clap(long, env = ENV_NAME)]\n"  # a constant: its value is not known here
        "        hidden: bool,\n\n"
        '        #[clap(long_help = "x", short)]\n'  # neither long nor env
        "        verbose: bool,\n",
    )
    commit_files(git_repo, "Prefill tokens", {"launcher/src/main.rs": after})
    path = "launcher/src/main.rs"
    assert _env(git_repo) == [("MAX_BATCH_PREFILL_TOKENS", ADDED, "", path, 18)]
    assert _options(git_repo) == [
        ("--max-batch-prefill-tokens", ADDED, "", path, 18),
        ("--hidden", ADDED, "", path, 21),
    ]


def test_rust_a_renamed_field_renames_its_bare_env_and_option(git_repo: GitRepo):
    commit_files(git_repo, "Launcher", {"launcher/src/main.rs": LAUNCHER_RS})
    commit_files(
        git_repo, "Rename", {"launcher/src/main.rs": LAUNCHER_RS.replace("quantize:", "quantization:")}
    )
    path = "launcher/src/main.rs"
    assert _env(git_repo) == [("QUANTIZATION", ADDED, "", path, 10), ("QUANTIZE", REMOVED, "", path, 10)]
    assert _options(git_repo) == [
        ("--quantization", ADDED, "", path, 10),
        ("--quantize", REMOVED, "", path, 10),
    ]


def test_rust_clap_fields_are_read_from_the_hunk_when_the_file_cannot_be_read(git_repo: GitRepo):
    commit_files(git_repo, "Launcher", {"launcher/src/main.rs": LAUNCHER_RS})
    after = LAUNCHER_RS.replace("    }\n", "\n        #[clap(long, env)]\n        sharded: bool,\n    }\n")
    commit_files(git_repo, "Sharded", {"launcher/src/main.rs": after})
    path = "launcher/src/main.rs"
    assert _env(git_repo, blobs=NoBlobs()) == [("SHARDED", ADDED, "", path, 13)]
    assert _options(git_repo, blobs=NoBlobs()) == [("--sharded", ADDED, "", path, 13)]


def test_rust_pub_items_of_a_binary_only_crate_are_not_api(git_repo: GitRepo):
    """A crate with `src/main.rs` and no `src/lib.rs` is a program: its modules' `pub fn`s reach no
    other crate. The library next to it still has an API."""
    files = {
        "launcher/src/main.rs": "mod config;\n\nfn main() {}\n",
        "launcher/src/config.rs": "pub fn load() {}\n",
        "core/src/lib.rs": "pub mod util;\n",
        "core/src/util.rs": "pub fn shard() {}\n",
    }
    commit_files(git_repo, "Crates", files)
    commit_files(
        git_repo,
        "More",
        {
            "launcher/src/config.rs": "pub fn load() {}\n\npub fn save() {}\n",
            "core/src/util.rs": "pub fn shard() {}\n\npub fn merge() {}\n",
        },
    )
    signals = last_commit_signals(git_repo, api.extract, SignalKind.API)
    assert [(name, action, path) for name, action, _detail, path, _line in signals] == [
        ("core::util::merge", ADDED, "core/src/util.rs")
    ]
