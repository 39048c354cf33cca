"""Environment variables and command-line options on commits of scripted repositories: what the product
reads and accepts, and the near-misses that only look like it."""

from __future__ import annotations

from changeradar.collect import collect_commits
from changeradar.config import ImportanceSettings
from changeradar.git import GitBlobReader
from changeradar.model import SignalAction, SignalKind
from changeradar.score import score_commit
from changeradar.signals import SignalContext, cli_options, env_vars, extract_signals
from changeradar.window import day_window
from gitrepo import GitRepo
from signal_repo import commit_files, last_commit_signals

ADDED, REMOVED = SignalAction.ADDED, SignalAction.REMOVED


def env_signals(repo: GitRepo) -> list[tuple]:
    return last_commit_signals(repo, env_vars.extract, SignalKind.ENV_VAR)


def option_signals(repo: GitRepo) -> list[tuple]:
    return last_commit_signals(repo, cli_options.extract, SignalKind.CLI_OPTION)


ENTRYPOINT = """\
    #!/bin/bash
    PASS_COUNT=0
    WORK_DIR=$(mktemp -d)
    run() {
        echo "$1"
    }
    """


def test_a_script_s_own_variables_set_above_the_hunk_are_not_environment_variables(git_repo: GitRepo):
    commit_files(git_repo, "Entrypoint", {"docker/entrypoint.sh": ENTRYPOINT})
    commit_files(
        git_repo,
        "Count passes",
        {
            "docker/entrypoint.sh": ENTRYPOINT
            + 'PASS_COUNT=$((PASS_COUNT + 1))\necho "${PASS_COUNT} in ${WORK_DIR} for ${LLMD_MODEL_NAME}"\n'
        },
    )
    assert env_signals(git_repo) == [("LLMD_MODEL_NAME", ADDED, "", "docker/entrypoint.sh", 8)]


def test_go_reads_but_not_a_constant_that_only_looks_like_a_variable(git_repo: GitRepo):
    before = 'package config\n\nconst EnvPoolName = "POOL_NAME"\n\nfunc Load() {}\n'
    after = (
        'package config\n\nimport "os"\n\nconst EnvPoolName = "POOL_NAME"\n'
        'const KvCacheEnv = "KV_CACHE_SIZE"\n\n'
        'func Load() string {\n\tif v, ok := os.LookupEnv("LLMD_POOL_NAMESPACE"); ok {\n\t\treturn v\n\t}\n'
        '\treturn os.Getenv("HOME") + os.Getenv("LLMD_ZMQ_ENDPOINT")\n}\n'
    )
    commit_files(git_repo, "Config", {"pkg/config/config.go": before})
    commit_files(git_repo, "Read the namespace", {"pkg/config/config.go": after})
    assert env_signals(git_repo) == [
        ("LLMD_POOL_NAMESPACE", ADDED, "", "pkg/config/config.go", 9),
        ("LLMD_ZMQ_ENDPOINT", ADDED, "", "pkg/config/config.go", 12),
    ]


CLI_RS = """\
    use clap::Parser;

    #[derive(Parser)]
    pub struct Opt {
        #[arg(short, long)]
        pub verbose: bool,
    }
    """


def test_clap_env_and_long_options_but_not_a_child_process_s_environment(git_repo: GitRepo):
    commit_files(git_repo, "Cli", {"git-cliff/src/args.rs": CLI_RS})
    after = CLI_RS.replace(
        "        pub verbose: bool,\n",
        "        pub verbose: bool,\n"
        '        #[arg(long, env = "GITHUB_TOKEN_FILE", value_name = "PATH")]\n'
        "        pub github_token_file: Option<PathBuf>,\n"
        '        #[arg(long = "body-file", env = "GIT_CLIFF_BODY_FILE")]\n'
        "        pub body: Option<PathBuf>,\n",
    ).replace(
        "use clap::Parser;\n",
        "use clap::Parser;\n\nfn run() {\n"
        '    Command::new("git").env("GIT_DIR", dir).arg(Arg::new("x").env("CLIFF_X"));\n}\n',
    )
    commit_files(git_repo, "Body file", {"git-cliff/src/args.rs": after})
    path = "git-cliff/src/args.rs"
    assert env_signals(git_repo) == [
        ("CLIFF_X", ADDED, "", path, 4),
        ("GITHUB_TOKEN_FILE", ADDED, "", path, 11),
        ("GIT_CLIFF_BODY_FILE", ADDED, "", path, 13),
    ]
    assert option_signals(git_repo) == [
        ("--github-token-file", ADDED, "", path, 12),
        ("--body-file", ADDED, "", path, 13),
    ]


GO_MAIN = """\
    package main

    import "flag"

    func main() {
        flag.Parse()
    }
    """


def test_benchmark_and_ci_flags_are_listed_as_such_and_not_scored_as_the_product_s(git_repo: GitRepo):
    flag_line = '        flag.Int("max-batch-size", 64, "largest batch")\n'
    with_flag = GO_MAIN.replace("        flag.Parse()\n", flag_line + "        flag.Parse()\n")
    paths = ("cmd/epp/main.go", "benchmarks/latency/main.go", ".github/tools/main.go", "hack/gen/main.go")
    commit_files(git_repo, "Mains", dict.fromkeys(paths, GO_MAIN))
    commit_files(git_repo, "Batch flag", dict.fromkeys(paths, with_flag))
    assert option_signals(git_repo) == [
        ("--max-batch-size", ADDED, "ci", ".github/tools/main.go", 6),
        ("--max-batch-size", ADDED, "benchmark", "benchmarks/latency/main.go", 6),
        ("--max-batch-size", ADDED, "", "cmd/epp/main.go", 6),
        ("--max-batch-size", ADDED, "script", "hack/gen/main.go", 6),
    ]


def test_a_commit_adding_only_a_benchmark_flag_does_not_score_a_new_option(git_repo: GitRepo):
    from changeradar.collect import collect_commits
    from changeradar.window import day_window

    commit_files(git_repo, "Bench", {"benchmarks/serve/main.go": GO_MAIN})
    with_flag = GO_MAIN.replace(
        "        flag.Parse()\n", '        flag.Int("qps", 8, "rate")\n        flag.Parse()\n'
    )
    commit_files(git_repo, "QPS flag", {"benchmarks/serve/main.go": with_flag})
    commit = collect_commits(git_repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))[0]
    signals = extract_signals(commit)
    assert ("--qps", "benchmark") in [(s.name, s.detail) for s in signals if s.kind is SignalKind.CLI_OPTION]
    rules = [reason.rule for reason in score_commit(commit, signals, ImportanceSettings()).reasons]
    assert "cli_option_added" not in rules


def test_a_clap_option_s_variable_is_offered_to_users_wherever_it_is_declared(git_repo: GitRepo):
    """Named in the option's help, it is no internal knob, even in a module deep in the crate; a variable
    the same module reads with `env::var` is."""
    path = "router/src/server/limits.rs"
    commit_files(git_repo, "Limits", {path: CLI_RS})
    after = CLI_RS.replace(
        "        pub verbose: bool,\n",
        "        pub verbose: bool,\n"
        '        #[arg(long, env = "MAX_BATCH_TOKENS")]\n'
        "        pub tokens: usize,\n",
    ).replace("use clap::Parser;\n", 'use clap::Parser;\n\nfn cap() {\n    std::env::var("ROUTER_CAP");\n}\n')
    commit_files(git_repo, "Token limit", {path: after})
    commit = collect_commits(git_repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))[0]
    with GitBlobReader(git_repo.path) as blobs:
        traits = {
            signal.name: signal.traits for signal in env_vars.extract(commit, SignalContext(blobs=blobs))
        }
    assert traits == {
        "ROUTER_CAP": (env_vars.EnvTrait.INTERNAL,),
        "MAX_BATCH_TOKENS": (env_vars.EnvTrait.OPTION,),
    }


def test_a_read_rewrapped_by_a_formatter_is_neither_added_nor_removed(git_repo: GitRepo):
    before = (
        "import os\n\n\ndef context_len():\n    allowed = os.environ.get(\n"
        '        "SGLANG_ALLOW_LONGER_CONTEXT", "0"\n    )\n    return allowed\n'
    )
    after = (
        "import os\n\n\ndef context_len():\n"
        '    allowed = os.environ.get("SGLANG_ALLOW_LONGER_CONTEXT", "0")\n'
        '    return allowed or os.environ.get("SGLANG_CONTEXT_CAP")\n'
    )
    commit_files(git_repo, "Model config", {"python/sgl/model_config.py": before})
    commit_files(git_repo, "Run ruff format", {"python/sgl/model_config.py": after})
    assert env_signals(git_repo) == [("SGLANG_CONTEXT_CAP", ADDED, "", "python/sgl/model_config.py", 6)]


MINISGL_ENV = """\
    import os

    MINISGL_ENV_PREFIX = "MINISGL_"


    def _parse_mem(text):
        return int(text)


    class EnvClassSingleton:
        SHELL_MAX_TOKENS = EnvInt(2048)

        def __init__(self):
            for attr_name in dir(self):
                getattr(self, attr_name)._init(MINISGL_ENV_PREFIX + attr_name)


    ENV = EnvClassSingleton()
    """


def test_a_registry_prefix_declared_far_above_the_hunk_is_read_from_the_file(git_repo: GitRepo):
    commit_files(git_repo, "Env registry", {"python/minisgl/env.py": MINISGL_ENV})
    added = MINISGL_ENV.replace(
        "    SHELL_MAX_TOKENS = EnvInt(2048)\n",
        "    SHELL_MAX_TOKENS = EnvInt(2048)\n    SHELL_TOP_K = EnvInt(-1)\n",
    )
    commit_files(git_repo, "Add top-k", {"python/minisgl/env.py": added})

    assert env_signals(git_repo) == [("MINISGL_SHELL_TOP_K", ADDED, "", "python/minisgl/env.py", 12)]


def test_flags_and_variables_that_move_into_a_package_are_neither_removed_nor_added(git_repo: GitRepo):
    """A sidecar's flags and variables move out of `main.go` into its options package (llm-d's 2078503):
    users pass and set them as before. One that leaves a benchmark for the launcher is new to them."""
    main_with_flags = GO_MAIN.replace(
        "        flag.Parse()\n",
        '        flag.Int("vllm-port", 8001, "vLLM port")\n'
        '        _ = os.Getenv("INFERENCE_POOL")\n'
        "        flag.Parse()\n",
    ).replace('import "flag"', 'import (\n    "flag"\n    "os"\n)')
    bench = GO_MAIN.replace(
        "        flag.Parse()\n", '        flag.Int("qps", 8, "rate")\n        flag.Parse()\n'
    )
    commit_files(
        git_repo, "Sidecar", {"cmd/sidecar/main.go": main_with_flags, "benchmarks/serve/main.go": bench}
    )
    options = """\
        package proxy

        import (
            "flag"
            "os"
        )

        func AddFlags() {
            flag.Int("vllm-port", 8001, "vLLM port")
            flag.Int("qps", 8, "rate")
            _ = os.Getenv("INFERENCE_POOL")
        }
        """
    commit_files(
        git_repo,
        "Move the sidecar's options into a package",
        {
            "cmd/sidecar/main.go": GO_MAIN,
            "pkg/sidecar/proxy/options.go": options,
            "benchmarks/serve/main.go": GO_MAIN,
        },
    )
    commit = collect_commits(git_repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))[0]
    with GitBlobReader(git_repo.path) as blobs:
        signals = extract_signals(commit, blobs)
    settings = [
        (s.name, s.action, s.path) for s in signals if s.kind in (SignalKind.CLI_OPTION, SignalKind.ENV_VAR)
    ]
    assert settings == [
        ("--qps", REMOVED, "benchmarks/serve/main.go"),
        ("--qps", ADDED, "pkg/sidecar/proxy/options.go"),
    ]
    # Each file alone still tells its side: the move is the commit's, not an extractor's.
    alone = [(name, action, path) for name, action, _, path, _ in option_signals(git_repo)]
    assert ("--vllm-port", REMOVED, "cmd/sidecar/main.go") in alone
    assert ("--vllm-port", ADDED, "pkg/sidecar/proxy/options.go") in alone


CLICK_CLI = """\
    import click


    @click.command()
    @click.option("--since", help="Start.")
    @click.option("--config", help="Config file.")
    def report(since, config):
        pass
    """


def test_an_option_declared_through_a_helper_instead_is_not_removed(git_repo: GitRepo):
    """changeradar's own 99cff95 wrapped its options (`_text_option("--since", …)`): the command takes
    them as before. An option the file no longer names is removed."""
    commit_files(git_repo, "CLI", {"src/tool/cli.py": CLICK_CLI})
    wrapped = CLICK_CLI.replace(
        "    import click\n",
        "    import click\n\n\n    def _text_option(*names, **kwargs):\n"
        "        return click.option(*names, type=str, **kwargs)\n",
    ).replace(
        '    @click.option("--since", help="Start.")\n    @click.option("--config", help="Config file.")\n',
        '    @_text_option("--since", help="Start.")\n',
    )
    commit_files(git_repo, "Refuse empty values", {"src/tool/cli.py": wrapped})
    assert [(name, action) for name, action, *_ in option_signals(git_repo)] == [("--config", REMOVED)]
