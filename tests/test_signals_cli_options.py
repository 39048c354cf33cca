"""Command-line option signals from argparse, click, typer, Go flag/cobra and clap diffs."""

from __future__ import annotations

from changeradar.model import FileStatus, SignalAction, SignalKind
from changeradar.signals import SignalContext
from changeradar.signals.cli_options import extract
from diffs import make_commit, make_file

ADDED, REMOVED, CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED


def option_signals(*files) -> list[tuple]:
    signals = list(extract(make_commit("Add options", files), SignalContext()))
    assert all(signal.kind is SignalKind.CLI_OPTION for signal in signals)
    return [(signal.name, signal.action, signal.detail, signal.path, signal.line) for signal in signals]


SERVER_ARGS = "python/sglang/srt/server_args.py"


def test_argparse_option_whose_string_is_on_the_line_after_the_call():
    patch = """\
    @@ -3100,6 +3100,13 @@ class ServerArgs:
                 default=ServerArgs.moe_runner_backend,
                 help="Choose the runner backend for MoE.",
             )
    +        parser.add_argument(
    +            "--moe-a2a-backend",
    +            type=str,
    +            choices=MOE_A2A_BACKEND_CHOICES,
    +            default=ServerArgs.moe_a2a_backend,
    +            help="Choose the backend for MoE A2A.",
    +        )
             parser.add_argument(
                 "--flashinfer-mxfp4-moe-precision",
    """
    assert option_signals(make_file(SERVER_ARGS, patch)) == [
        ("--moe-a2a-backend", ADDED, "", SERVER_ARGS, 3104)
    ]


def test_choices_added_to_a_multi_line_choices_constant_and_removed_from_a_one_line_one():
    patch = """\
    @@ -170,10 +170,11 @@ MOE_RUNNER_BACKEND_CHOICES = [
     MOE_A2A_BACKEND_CHOICES = [
         "none",
         "deepep",
         "mooncake",
    +    "mori",
         "ascend_fuseep",
     ]

    -DISAGG_TRANSFER_BACKEND_CHOICES = ["mooncake", "nixl", "ascend", "fake"]
    +DISAGG_TRANSFER_BACKEND_CHOICES = ["nixl", "mooncake", "ascend"]
     GRAMMAR_BACKEND_CHOICES = ["xgrammar", "outlines", "llguidance", "none"]
    """
    assert option_signals(make_file(SERVER_ARGS, patch)) == [
        ("MOE_A2A_BACKEND_CHOICES", CHANGED, "choice `mori` added", SERVER_ARGS, 174),
        ("DISAGG_TRANSFER_BACKEND_CHOICES", CHANGED, "choice `fake` removed", SERVER_ARGS, 177),
    ]


def test_alias_added_to_an_existing_option_is_the_only_new_option():
    patch = """\
    @@ -2890,6 +2890,7 @@ class ServerArgs:
             parser.add_argument(
                 "--speculative-draft-model-path",
    +            "--speculative-draft-model",
                 type=str,
                 help="The path of the draft model weights.",
             )
    """
    assert option_signals(make_file(SERVER_ARGS, patch)) == [
        ("--speculative-draft-model", ADDED, "", SERVER_ARGS, 2892)
    ]


def test_help_and_default_edits_are_no_option_change_but_a_rename_is():
    patch = """\
    @@ -2500,12 +2500,12 @@ class ServerArgs:
             parser.add_argument(
                 "--enable-request-time-stats-logging",
                 action="store_true",
    -            help="Enable per request time stats logging",
    +            help="Enable per-request time stats logging.",
             )
             parser.add_argument(
    -            "--log-requests-headers",
    +            "--log-request-headers",
                 type=str,
                 nargs="*",
    -            default=None,
    +            default=[],
    """
    assert option_signals(make_file(SERVER_ARGS, patch)) == [
        ("--log-request-headers", ADDED, "", SERVER_ARGS, 2506),
        ("--log-requests-headers", REMOVED, "", SERVER_ARGS, 2506),
    ]


def test_click_and_typer_options_long_preferred_short_when_alone():
    patch = """\
    @@ -10,3 +10,8 @@ import typer
     @click.command()
    +@click.option("-v", "--verbose", count=True)
    +@click.option("-q", is_flag=True)
    +def main(verbose, q,
    +         model: str = typer.Option(..., "--model", "-m", help="Model path"),
    +         port: int = typer.Option(30000, help="no option string here")):
    """
    assert option_signals(make_file("python/sglang/cli/serve.py", patch)) == [
        ("--verbose", ADDED, "", "python/sglang/cli/serve.py", 11),
        ("-q", ADDED, "", "python/sglang/cli/serve.py", 12),
        ("--model", ADDED, "", "python/sglang/cli/serve.py", 14),
    ]


def test_go_flag_and_cobra_flags_but_not_logging_fields():
    patch = """\
    @@ -30,4 +30,8 @@ func init() {
     \trootCmd.Flags().StringVarP(&cfg.Host, "host", "H", "0.0.0.0", "host to bind")
    +\trootCmd.Flags().IntVarP(&cfg.Port, "port", "p", 30000, "port to bind")
    +\tmaxBatch := flag.Int("max-batch-size", 64, "largest batch")
    +\tflag.BoolVar(&verbose, "verbose", false, "log more")
    +\tlogger.Info("starting", zap.String("host", cfg.Host), zap.Int("port", cfg.Port))
    """
    assert [name for name, *_ in option_signals(make_file("router/cmd/main.go", patch))] == [
        "--port",
        "--max-batch-size",
        "--verbose",
    ]


def test_clap_long_options_explicit_and_derived_from_the_field():
    patch = """\
    @@ -40,6 +40,12 @@ pub struct CliArgs {
         #[arg(long, default_value_t = 30000)]
         pub port: u16,
    +
    +    /// Policy used to pick a worker
    +    #[arg(long = "policy-name", default_value = "cache_aware")]
    +    pub policy: String,
    +    #[arg(long, env = "SMG_MAX_PAYLOAD")]
    +    #[serde(default)]
    +    pub max_payload_size: usize,
    -    #[arg(short = 'v')]
    +    #[arg(short = 'v', long_help = "Verbose output")]
         verbose: bool,
    """
    assert option_signals(make_file("sgl-model-gateway/src/main.rs", patch)) == [
        ("--policy-name", ADDED, "", "sgl-model-gateway/src/main.rs", 44),
        ("--max-payload-size", ADDED, "", "sgl-model-gateway/src/main.rs", 48),
    ]


def test_options_in_tests_and_docs_are_not_the_tool_s_options():
    patch = """\
    @@ -1,1 +1,2 @@
     import argparse
    +parser.add_argument("--only-in-a-test")
    """
    files = [
        make_file("test/srt/test_server_args.py", patch),
        make_file("docs/advanced/server_arguments.md", patch),
    ]
    assert option_signals(*files) == []


def test_a_call_quoted_in_a_comment_or_a_docstring_declares_no_option():
    patch = """\
@@ -1,2 +1,7 @@
 import click
+# Declared as `click.option("--legacy")` before.
+def helper():
+    \"\"\"Wraps `click.option("--since", …)` so that empty values are refused.\"\"\"
+
+@click.option("--until", help="End.")
 def report(): pass
"""
    assert option_signals(make_file("src/tool/cli.py", patch)) == [
        ("--until", ADDED, "", "src/tool/cli.py", 6)
    ]


def test_options_a_package_module_parses_under_its_main_guard_are_its_own_harness_s():
    """flashinfer's kernels (`cute_dsl/attention/gqa_decode_paged.py`) end in an argparse block to be run
    by hand; the package's command line is its `__main__.py`, the functions entry points name, or a tool
    that shows its `-m` command."""
    kernel = """\
@@ -0,0 +1,11 @@
+import argparse
+def run(batch):
+    return batch
+
+if __name__ == "__main__":
+    parser = argparse.ArgumentParser()
+    parser.add_argument(
+        "--batch-size",
+    )
+    run(parser.parse_args().batch_size)
+    # parser.add_argument("--quoted") stays a comment
"""
    tool = """\
@@ -0,0 +1,7 @@
+import argparse
+def parse(argv):
+    parser = argparse.ArgumentParser(prog="python -m flashinfer.moe_ep.tune")
+    parser.add_argument("--hidden", type=int)
+    return parser.parse_args(argv)
+if __name__ == "__main__":
+    parse(None)
"""
    documented = """\
@@ -0,0 +1,5 @@
+\"\"\"Usage: python3 -m sgl_jax.profiler --url http://localhost:30000\"\"\"
+from argparse import ArgumentParser
+if __name__ == "__main__":
+    parser = ArgumentParser()
+    parser.add_argument("--url")
"""
    files = [
        make_file("flashinfer/cute_dsl/attention/gqa_decode_paged.py", kernel, FileStatus.ADDED),
        make_file("flashinfer/moe_ep/tune.py", tool, FileStatus.ADDED),
        make_file("flashinfer/__main__.py", kernel, FileStatus.ADDED),
        make_file("python/sgl_jax/profiler.py", documented, FileStatus.ADDED),
    ]
    assert option_signals(*files) == [
        ("--batch-size", ADDED, "script", "flashinfer/cute_dsl/attention/gqa_decode_paged.py", 8),
        ("--hidden", ADDED, "", "flashinfer/moe_ep/tune.py", 4),
        ("--batch-size", ADDED, "", "flashinfer/__main__.py", 8),
        ("--url", ADDED, "", "python/sgl_jax/profiler.py", 5),
    ]
