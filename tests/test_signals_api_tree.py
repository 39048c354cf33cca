"""Public API of Go, Rust and TypeScript/JavaScript read with tree-sitter, on commits of scripted
repositories."""

from __future__ import annotations

import textwrap

from changeradar.collect import collect_commits
from changeradar.config import ImportanceSettings
from changeradar.git import GitBlobReader
from changeradar.model import SignalAction, SignalKind
from changeradar.score import score_commit
from changeradar.signals import SignalContext, extract_signals, native_api
from changeradar.signals.api import extract
from changeradar.signals.signatures import signature_detail
from changeradar.window import day_window
from gitrepo import GitRepo
from signal_repo import NoBlobs, commit_files, last_commit_signals

ADDED, REMOVED, CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED


def api_signals(repo: GitRepo, **kwargs) -> list[tuple]:
    return last_commit_signals(repo, extract, SignalKind.API, **kwargs)


def commit_api_facts(repo: GitRepo) -> list[tuple]:
    """The API facts of the newest commit as the pipeline keeps them: moves between files left out."""
    commit = collect_commits(repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))[0]
    with GitBlobReader(repo.path) as blobs:
        signals = extract_signals(commit, blobs)
    return [(s.name, s.action, s.detail, s.path, s.line) for s in signals if s.kind is SignalKind.API]


SCHEDULER_GO = """\
    package scheduler

    import "context"

    // Scheduler picks an endpoint.
    type Scheduler struct {
        name string
    }

    type Picker interface {
        Pick(ctx context.Context, pods []string) (string, error)
    }

    func NewScheduler(name string) *Scheduler {
        return &Scheduler{name: name}
    }

    func (s *Scheduler) Schedule(ctx context.Context, request string) (string, error) {
        return s.name, nil
    }

    func (s *Scheduler) reset() {}

    func helper() int { return 1 }
    """


def test_go_exported_funcs_methods_and_interface_methods_but_not_unexported_ones(git_repo: GitRepo):
    commit_files(git_repo, "Scheduler", {"pkg/scheduler/scheduler.go": SCHEDULER_GO})
    after = (
        SCHEDULER_GO.replace(
            "func NewScheduler(name string)", "func NewScheduler(name string, opts ...Option)"
        )
        .replace(
            "        Pick(ctx context.Context, pods []string) (string, error)\n",
            "        Pick(ctx context.Context, pods []string) (string, error)\n"
            "        Score(pod string) float64\n",
        )
        .replace("func helper() int { return 1 }", "func helper() int { return 2 }\n\nfunc Reset() {}\n")
        .replace("    func (s *Scheduler) reset() {}\n", "    func (s *Scheduler) reset(all bool) {}\n")
        .replace("        return s.name, nil", "        return request, nil")
    )
    commit_files(git_repo, "Options for the scheduler", {"pkg/scheduler/scheduler.go": after})
    path = "pkg/scheduler/scheduler.go"
    assert api_signals(git_repo) == [
        ("pkg.scheduler.Picker.Score", ADDED, "interface method", path, 12),
        (
            "pkg.scheduler.NewScheduler",
            CHANGED,
            signature_detail("(name string) *Scheduler", "(name string, opts ...Option) *Scheduler"),
            path,
            15,
        ),
        ("pkg.scheduler.Reset", ADDED, "function", path, 27),
    ]


def test_go_test_files_generated_deepcopy_and_a_removed_func(git_repo: GitRepo):
    commit_files(git_repo, "Scheduler", {"pkg/scheduler/scheduler.go": SCHEDULER_GO})
    commit_files(
        git_repo,
        "Drop the constructor",
        {
            "pkg/scheduler/scheduler.go": SCHEDULER_GO.replace(
                "func NewScheduler(name string) *Scheduler {\n        return &Scheduler{name: name}\n    }\n",
                "",
            ),
            "pkg/scheduler/scheduler_test.go": "package scheduler\n\nfunc TestSchedule(t *testing.T) {}\n",
            "api/v1/zz_generated.deepcopy.go": "package v1\n\nfunc (in *Pool) DeepCopy() *Pool {}\n",
        },
    )
    assert api_signals(git_repo) == [
        ("pkg.scheduler.NewScheduler", REMOVED, "function", "pkg/scheduler/scheduler.go", 14)
    ]


POOL_TYPES_GO = """\
    package v1alpha2

    // InferencePoolSpec defines the desired state of InferencePool.
    type InferencePoolSpec struct {
        // Selector picks the pods.
        Selector map[string]string `json:"selector"`
        TargetPortNumber int32 `json:"targetPortNumber"`
        internalNote string
    }
    """


def test_go_api_types_fields_with_json_names_added_removed_and_retagged(git_repo: GitRepo):
    commit_files(git_repo, "Types", {"api/v1alpha2/inferencepool_types.go": POOL_TYPES_GO})
    after = POOL_TYPES_GO.replace(
        '        TargetPortNumber int32 `json:"targetPortNumber"`\n',
        '        TargetPorts []int32 `json:"targetPorts,omitempty"`\n        Extra string `json:"-"`\n',
    ).replace('`json:"selector"`', '`json:"podSelector"`')
    after = after.replace("internalNote string", "internalNote string\n        otherNote string")
    commit_files(git_repo, "Ports", {"api/v1alpha2/inferencepool_types.go": after})
    path = "api/v1alpha2/inferencepool_types.go"
    assert api_signals(git_repo) == [
        (
            "api.v1alpha2.InferencePoolSpec.Selector",
            CHANGED,
            signature_detail('map[string]string `json:"selector"`', 'map[string]string `json:"podSelector"`'),
            path,
            6,
        ),
        ("api.v1alpha2.InferencePoolSpec.TargetPorts", ADDED, "field (json: targetPorts)", path, 7),
        (
            "api.v1alpha2.InferencePoolSpec.TargetPortNumber",
            REMOVED,
            "field (json: targetPortNumber)",
            path,
            7,
        ),
    ]


def test_go_type_moved_to_another_package_and_aliased_is_not_removed(git_repo: GitRepo):
    types = "package plugins\n\ntype Handle struct {\n    Name string\n}\n\nfunc Other() {}\n"
    commit_files(git_repo, "Handle", {"pkg/plugins/handle.go": types})
    commit_files(
        git_repo,
        "Move Handle to framework",
        {
            "pkg/plugins/handle.go": "package plugins\n\ntype Handle = fw.Handle\n",
            "pkg/framework/handle.go": "package framework\n\ntype Handle struct {\n    Name string\n}\n",
        },
    )
    assert api_signals(git_repo) == [
        ("pkg.framework.Handle", ADDED, "struct", "pkg/framework/handle.go", 3),
        ("pkg.plugins.Other", REMOVED, "function", "pkg/plugins/handle.go", 7),
    ]


def test_renamed_go_file_with_unchanged_funcs_adds_and_removes_nothing(git_repo: GitRepo):
    commit_files(git_repo, "Scheduler", {"pkg/scheduler/scheduler.go": SCHEDULER_GO})
    git_repo.commit("Rename", renames={"pkg/scheduler/scheduler.go": "pkg/scheduler/core.go"})
    assert api_signals(git_repo) == []


LIB_RS = """\
    pub mod config;

    pub struct Changelog {
        pub releases: Vec<Release>,
        config: Config,
    }

    pub enum Format {
        Markdown,
        Json,
    }

    impl Changelog {
        pub fn new(releases: Vec<Release>) -> Self {
            Self { releases, config: Config::default() }
        }

        fn render(&self) -> String {
            String::new()
        }
    }

    pub(crate) fn internal_helper() {}

    #[cfg(test)]
    mod tests {
        pub fn fixture() {}
    }
    """


def test_rust_pub_items_fields_variants_and_signature_changes(git_repo: GitRepo):
    library = {"git-cliff-core/src/lib.rs": "pub mod changelog;\n"}
    commit_files(git_repo, "Core", {**library, "git-cliff-core/src/changelog.rs": LIB_RS})
    after = (
        LIB_RS.replace("        Json,\n", "        Json,\n        Html,\n")
        .replace(
            "pub fn new(releases: Vec<Release>) -> Self",
            "pub fn new(releases: Vec<Release>, config: &Config) -> Self",
        )
        .replace(
            "pub(crate) fn internal_helper() {}",
            "pub(crate) fn internal_helper() {}\n\npub(crate) fn other() {}",
        )
        .replace(
            "        pub fn fixture() {}\n", "        pub fn fixture() {}\n        pub fn another() {}\n"
        )
        .replace(
            "        config: Config,\n", "        config: Config,\n        pub footer: Option<String>,\n"
        )
        .replace("fn render(&self) -> String", "fn render(&self, width: usize) -> String")
    )
    commit_files(git_repo, "Html", {"git-cliff-core/src/changelog.rs": after})
    path = "git-cliff-core/src/changelog.rs"
    assert api_signals(git_repo) == [
        ("git_cliff_core::changelog::Changelog::footer", ADDED, "field", path, 6),
        ("git_cliff_core::changelog::Format::Html", ADDED, "variant", path, 12),
        (
            "git_cliff_core::changelog::Changelog::new",
            CHANGED,
            signature_detail(
                "(releases: Vec<Release>) Self", "(releases: Vec<Release>, config: &Config) Self"
            ),
            path,
            16,
        ),
    ]


def test_rust_pub_fn_moved_and_re_exported_with_pub_use_still_resolves(git_repo: GitRepo):
    before = "pub fn parse(input: &str) -> u32 {\n    0\n}\n\npub fn gone() {}\n"
    library = {"cliff/src/lib.rs": "pub mod inner;\npub mod parse;\n"}
    commit_files(git_repo, "Parser", {**library, "cliff/src/parse.rs": before})
    commit_files(
        git_repo,
        "Move parse",
        {
            "cliff/src/parse.rs": "pub use crate::inner::{parse, other as renamed};\n",
            "cliff/src/inner.rs": "pub fn parse(input: &str) -> u32 {\n    0\n}\n",
            "cliff/src/main.rs": "pub fn main_only() {}\n",
        },
    )
    assert api_signals(git_repo) == [
        ("cliff::inner::parse", ADDED, "function", "cliff/src/inner.rs", 1),
        ("cliff::parse::renamed", ADDED, "re-export", "cliff/src/parse.rs", 1),
        ("cliff::parse::gone", REMOVED, "function", "cliff/src/parse.rs", 5),
    ]


TS_MODULE = """\
    export interface Model {
      id: string;
    }

    export async function fetchModels(baseUrl: string): Promise<Model[]> {
      return [];
    }

    export const DEFAULT_PORT = 30000;

    function localOnly() {}
    """


def test_typescript_exports_added_removed_re_exported_and_re_signed(git_repo: GitRepo):
    commit_files(git_repo, "Models", {"ui/src/api/models.ts": TS_MODULE})
    after = (
        TS_MODULE.replace("baseUrl: string)", "baseUrl: string, timeout = 30)")
        .replace("export const DEFAULT_PORT = 30000;\n", "export { DEFAULT_PORT } from './ports';\n")
        .replace("function localOnly() {}", "function localOnly(x) {}\n\nexport type ModelId = string;\n")
        .replace("export interface Model {", "export interface ModelInfo {")
    )
    commit_files(git_repo, "Timeout", {"ui/src/api/models.ts": after})
    path = "ui/src/api/models.ts"
    assert api_signals(git_repo) == [
        ("api.models.ModelInfo", ADDED, "interface", path, 1),
        (
            "api.models.fetchModels",
            CHANGED,
            signature_detail(
                "(baseUrl: string) : Promise<Model[]>", "(baseUrl: string, timeout = 30) : Promise<Model[]>"
            ),
            path,
            5,
        ),
        ("api.models.ModelId", ADDED, "type", path, 13),
        ("api.models.Model", REMOVED, "interface", path, 1),
    ]


def test_javascript_default_and_const_arrow_exports(git_repo: GitRepo):
    commit_files(git_repo, "Client", {"web/client.mjs": "export const get = (url) => fetch(url);\n"})
    commit_files(
        git_repo,
        "Options",
        {
            "web/client.mjs": "export const get = (url, opts) => fetch(url, opts);\n\nexport default get;\n",
        },
    )
    assert api_signals(git_repo) == [
        ("web.client.get", CHANGED, signature_detail("(url)", "(url, opts)"), "web/client.mjs", 1),
        ("web.client.default", ADDED, "default export", "web/client.mjs", 3),
    ]


def test_without_blobs_each_hunk_is_parsed_alone(git_repo: GitRepo):
    commit_files(git_repo, "Scheduler", {"pkg/scheduler/scheduler.go": SCHEDULER_GO})
    commit_files(
        git_repo,
        "Reset",
        {"pkg/scheduler/scheduler.go": SCHEDULER_GO + "\nfunc Reset(all bool) {\n    helper()\n}\n"},
    )
    path = "pkg/scheduler/scheduler.go"
    assert api_signals(git_repo, blobs=NoBlobs()) == [("pkg.scheduler.Reset", ADDED, "function", path, 26)]


def test_go_files_that_say_they_are_generated_declare_no_api(git_repo: GitRepo):
    header = "// Code generated by client-gen. DO NOT EDIT.\n\npackage versioned\n\n"
    commit_files(
        git_repo,
        "Client",
        {"client-go/clientset/versioned/clientset.go": header + "type Clientset struct{}\n"},
    )
    commit_files(
        git_repo,
        "Regenerate",
        {
            "client-go/clientset/versioned/clientset.go": header
            + "type Clientset struct{}\n\nfunc NewForConfig() {}\n"
        },
    )
    assert api_signals(git_repo) == []


def test_go_names_moved_or_aliased_to_another_file_of_the_package_still_resolve(git_repo: GitRepo):
    commit_files(
        git_repo,
        "Plugins",
        {
            "pkg/plugins/handle.go": (
                "package plugins\n\ntype Handle struct{}\n\nfunc Register() {}\n\nfunc Drop() {}\n"
            ),
            "pkg/plugins/registry.go": "package plugins\n",
            "pkg/other/other.go": "package other\n",
        },
    )
    commit_files(
        git_repo,
        "Split the plugins file",
        {
            "pkg/plugins/handle.go": "package plugins\n",
            "pkg/plugins/registry.go": (
                "package plugins\n\nfunc Register() {}\n\ntype Handle = framework.Handle\n"
            ),
            "pkg/other/other.go": "package other\n\nfunc Drop() {}\n",  # another package: not the same name
        },
    )
    assert commit_api_facts(git_repo) == [
        ("pkg.other.Drop", ADDED, "function", "pkg/other/other.go", 3),
        ("pkg.plugins.Drop", REMOVED, "function", "pkg/plugins/handle.go", 7),
    ]


def test_go_members_of_a_renamed_interface_are_not_listed_again(git_repo: GitRepo):
    store = "package datalayer\n\ntype BackendStore interface {\n    Upsert(name string) error\n}\n"
    commit_files(git_repo, "Store", {"pkg/datalayer/store.go": store})
    renamed = store.replace("BackendStore", "EndpointStore").replace(
        "    Upsert", "    Delete(name string)\n    Upsert"
    )
    commit_files(git_repo, "Endpoints", {"pkg/datalayer/store.go": renamed})
    path = "pkg/datalayer/store.go"
    assert api_signals(git_repo) == [
        ("pkg.datalayer.EndpointStore", ADDED, "interface", path, 3),
        ("pkg.datalayer.BackendStore", REMOVED, "interface", path, 3),
    ]


def test_parameters_wrapped_one_a_line_with_a_trailing_comma_are_the_same_signature(git_repo: GitRepo):
    """gofmt's and rustfmt's wrapped parameter lists (llm-d's faa0ec2, git-cliff's 0027300) change no
    call; a parameter added while wrapping does."""
    commit_files(git_repo, "Scheduler", {"pkg/scheduler/scheduler.go": SCHEDULER_GO})
    wrapped = SCHEDULER_GO.replace(
        "func (s *Scheduler) Schedule(ctx context.Context, request string) (string, error) {",
        "func (s *Scheduler) Schedule(\n\tctx context.Context,\n\trequest string,\n) (string, error) {",
    ).replace(
        "func NewScheduler(name string) *Scheduler {",
        "func NewScheduler(\n\tname string,\n\tsize int,\n) *Scheduler {",
    )
    commit_files(git_repo, "Wrap the parameters", {"pkg/scheduler/scheduler.go": wrapped})
    assert api_signals(git_repo) == [
        (
            "pkg.scheduler.NewScheduler",
            CHANGED,
            signature_detail("(name string) *Scheduler", "(name string, size int) *Scheduler"),
            "pkg/scheduler/scheduler.go",
            14,
        )
    ]


def test_a_declaration_moved_to_another_file_of_its_package_is_neither_removed_nor_added(
    git_repo: GitRepo,
) -> None:
    """flashinfer's 15f11e95 moved a function's declaration from one public header to another, and a Go
    function moved between files of its package keeps its name: importers see no change. Each file alone
    still tells its side; the move is the commit's, so neither reaches "Needs attention" nor the score."""
    commit_files(
        git_repo,
        "Scheduler",
        {
            "pkg/scheduler/scheduler.go": SCHEDULER_GO,
            "include/lib/mamba.h": "namespace lib {\nvoid invokeUpdate(int batch);\n}\n",
            "include/lib/ssu.h": "namespace lib {\nvoid launch(int batch);\n}\n",
        },
    )
    moved = "func NewScheduler(name string) *Scheduler {\n    return &Scheduler{name: name}\n}\n"
    commit_files(
        git_repo,
        "Move the constructor and the update next to their callers",
        {
            "pkg/scheduler/scheduler.go": textwrap.dedent(SCHEDULER_GO).replace(moved, ""),
            "pkg/scheduler/new.go": "package scheduler\n\n" + moved,
            "include/lib/mamba.h": "namespace lib {\n}\n",
            "include/lib/ssu.h": "namespace lib {\nvoid launch(int);\nvoid invokeUpdate(int batch);\n}\n",
        },
    )
    assert commit_api_facts(git_repo) == []
    commit = collect_commits(git_repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))[0]
    with GitBlobReader(git_repo.path) as blobs:
        context = SignalContext(blobs=blobs)
        alone = [*extract(commit, context), *native_api.extract(commit, context)]
        signals = extract_signals(commit, blobs)
    assert {(s.name, s.action) for s in alone} == {
        ("pkg.scheduler.NewScheduler", REMOVED),
        ("pkg.scheduler.NewScheduler", ADDED),
        ("lib::invokeUpdate", REMOVED),
        ("lib::invokeUpdate", ADDED),
    }
    rules = {reason.rule for reason in score_commit(commit, signals, ImportanceSettings()).reasons}
    assert rules.isdisjoint({"api_added", "api_removed", "api_changed"}), rules


def test_a_clap_field_of_a_library_crate_is_its_option_not_also_an_api(git_repo: GitRepo) -> None:
    """git-cliff's 7437023 added `--body-file` as a field of `git_cliff::args::Opt`, which its library
    crate exports: users meet the option; the field is no second interface beside it."""
    library = {"cliff/src/lib.rs": "pub mod args;\n"}
    args = "#[derive(Parser)]\npub struct Opt {\n    #[arg(long)]\n    pub tag: Option<String>,\n}\n"
    commit_files(git_repo, "Arguments", {**library, "cliff/src/args.rs": args})
    field = '    #[arg(long, env = "CLIFF_BODY_FILE")]\n    pub body_file: Option<String>,\n'
    added = args.replace("}\n", field + "}\n\npub fn read() {}\n")
    commit_files(git_repo, "Add --body-file", {"cliff/src/args.rs": added})
    commit = collect_commits(git_repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))[0]
    with GitBlobReader(git_repo.path) as blobs:
        signals = extract_signals(commit, blobs)
    kinds = (SignalKind.API, SignalKind.CLI_OPTION)
    assert [(s.kind, s.name, s.line) for s in signals if s.kind in kinds] == [
        (SignalKind.CLI_OPTION, "--body-file", 6),
        (SignalKind.API, "cliff::args::read", 9),
    ]
    assert [(name, line) for name, action, _, _, line in api_signals(git_repo)] == [
        ("cliff::args::Opt::body_file", 6),
        ("cliff::args::read", 9),
    ]
