"""Dependency signals from manifest diffs shaped like sglang's and vllm's, with their near-misses."""

from __future__ import annotations

from types import SimpleNamespace

from changeradar.model import FileStatus, Signal, SignalAction, SignalKind
from changeradar.signals import BlobSource, SignalContext
from changeradar.signals.dependencies import extract
from diffs import make_commit, make_file

ADDED, REMOVED, CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED


def dependency_signals(*files, blobs: BlobSource | None = None) -> list[tuple]:
    commit = make_commit("Bump dependencies", files)
    return [_summary(signal) for signal in extract(commit, SignalContext(blobs=blobs))]


def _summary(signal: Signal) -> tuple:
    assert signal.kind is SignalKind.DEPENDENCY
    return signal.name, signal.action, signal.detail, signal.path, signal.line


PYPROJECT_BUMP = """\
@@ -40,9 +40,10 @@ runtime_common = [
     "tiktoken",
     "torchao==0.9.0",
-    "transformers==4.57.1",
+    "transformers==4.58.0",
     "uvicorn",
     "uvloop",
-    "xgrammar==0.1.23",
+    "xgrammar>=0.1.25",
+    "flashinfer_python==0.6.2",
     # "decord==0.6.0",
 ]
"""


def test_pyproject_pins_changed_and_added_are_reported_at_their_new_lines():
    signals = dependency_signals(make_file("python/pyproject.toml", PYPROJECT_BUMP))
    assert signals == [
        ("transformers", CHANGED, "4.57.1 → 4.58.0", "python/pyproject.toml", 42),
        ("xgrammar", CHANGED, "==0.1.23 → >=0.1.25", "python/pyproject.toml", 45),
        ("flashinfer-python", ADDED, "==0.6.2", "python/pyproject.toml", 46),
    ]


def test_pyproject_lists_that_are_not_dependencies_and_project_version_are_ignored():
    patch = """\
    @@ -5,7 +5,7 @@ build-backend = "setuptools.build_meta"
     [project]
     name = "sglang"
    -version = "0.5.7"
    +version = "0.5.8"
     description = "SGLang is a fast serving framework for large language models and vision language models."
     readme = "README.md"
     requires-python = ">=3.10"
    @@ -120,4 +120,4 @@ exclude = [
     [tool.ruff]
    -select = ["E", "F"]
    +select = ["E", "F", "I"]
     line-length = 88
    """
    assert dependency_signals(make_file("python/pyproject.toml", patch)) == []


def test_pyproject_one_line_list_reports_only_the_entry_that_changed():
    patch = """\
    @@ -14,3 +14,3 @@ classifiers = [
     ]
    -dependencies = ["aiohttp", "requests", "tqdm", "numpy"]
    +dependencies = ["aiohttp", "requests", "tqdm", "numpy", "IPython"]

    """
    assert dependency_signals(make_file("python/pyproject.toml", patch)) == [
        ("ipython", ADDED, "", "python/pyproject.toml", 15)
    ]


def test_pyproject_extras_of_the_same_package_are_distinct_dependencies():
    patch = """\
    @@ -16,4 +16,4 @@ dependencies = ["aiohttp", "requests", "tqdm", "numpy", "IPython"]

     [project.optional-dependencies]
    -all = ["sglang[srt]", "sglang[openai]"]
    +all = ["sglang[srt]", "sglang[openai]", "sglang[anthropic]"]
     all_hip = ["sglang[srt_hip]", "sglang[openai]"]
    """
    assert dependency_signals(make_file("python/pyproject.toml", patch)) == [
        ("sglang", ADDED, "[anthropic]", "python/pyproject.toml", 18)
    ]


def test_a_dependency_moved_within_its_list_with_the_same_spec_is_no_change():
    patch = """\
    @@ -20,6 +20,6 @@ runtime_common = [
    -    "torchao==0.9.0",
         "transformers==4.57.1",
         "uvicorn",
    +    "torchao==0.9.0",
         "uvloop",
    """
    assert dependency_signals(make_file("python/pyproject.toml", patch)) == []


UNPINNED_OLD = '[project]\nname = "sglang"\n\n[project.optional-dependencies]\nsrt = [\n' + "".join(
    f'    "package-{index}",\n' for index in range(10)
)
UNPINNED_PATCH = """\
@@ -14,3 +14,4 @@ srt = [
     "package-8",
     "package-9",
+    "mori",
 ]
"""


def test_unpinned_entry_deep_in_a_list_needs_the_file_to_be_trusted():
    file = make_file("python/pyproject.toml", UNPINNED_PATCH, old_blob="old", new_blob="new")
    new = UNPINNED_OLD + '    "mori",\n]\n'
    blobs = SimpleNamespace(read_blob={"old": (UNPINNED_OLD + "]\n").encode(), "new": new.encode()}.get)

    assert dependency_signals(file, blobs=blobs) == [("mori", ADDED, "", "python/pyproject.toml", 16)]
    # Without the content, a name alone in an unknown list could be anything (`select = [ "E", …`).
    assert dependency_signals(file) == []


def test_poetry_table_entries_and_the_python_range_as_the_floor():
    patch = """\
    @@ -8,4 +8,5 @@ packages = [{ include = "app" }]
     [tool.poetry.dependencies]
    -python = "^3.10"
    +python = "^3.11"
    -httpx = "^0.27"
    +httpx = { version = "^0.28", extras = ["http2"] }
    +rich = "^13.7"
    """
    assert dependency_signals(make_file("pyproject.toml", patch)) == [
        ("requires-python", CHANGED, "^3.10 → ^3.11", "pyproject.toml", 9),
        ("httpx", CHANGED, "^0.27 → ^0.28", "pyproject.toml", 10),
        ("rich", ADDED, "^13.7", "pyproject.toml", 11),
    ]


def test_requirements_file_with_markers_comments_and_options():
    patch = """\
    @@ -1,7 +1,7 @@
     # Common dependencies for all platforms
    --r common.txt
    +-r base.txt
    -numba == 0.60.0 ; python_version == '3.9'
    +numba == 0.61.2 ; python_version == '3.9'
    -torch==2.8.0
    +torch==2.9.0  # pinned for the CUDA 12.8 wheels
    -xformers==0.0.32.post1; platform_system == 'Linux' and platform_machine == 'x86_64'
    +flashinfer-python==0.5.2
    -einops==0.6.1; python_version >= "3.9"
    +einops==0.8.0
     --extra-index-url https://download.pytorch.org/whl/cu128
    """
    assert dependency_signals(make_file("requirements/cuda.txt", patch)) == [
        ("numba", CHANGED, "0.60.0 → 0.61.2", "requirements/cuda.txt", 3),
        ("torch", CHANGED, "2.8.0 → 2.9.0", "requirements/cuda.txt", 4),
        ("flashinfer-python", ADDED, "==0.5.2", "requirements/cuda.txt", 5),
        ("einops", CHANGED, '==0.6.1; python_version >= "3.9" → ==0.8.0', "requirements/cuda.txt", 6),
        ("xformers", REMOVED, "==0.0.32.post1", "requirements/cuda.txt", 5),  # named without its marker
    ]


def test_cargo_dependencies_but_not_the_package_version_nor_a_crate_of_its_own_found_by_path():
    patch = """\
    @@ -1,6 +1,6 @@
     [package]
     name = "sgl-model-gateway"
    -version = "0.2.3"
    +version = "0.2.4"
     edition = "2021"

    @@ -18,4 +18,7 @@ license = "Apache-2.0"
     [dependencies]
     axum = { version = "0.8.4", features = ["macros", "ws", "tracing"] }
    -tokio = { version = "1.42.0", features = ["full"] }
    +tokio = { version = "1.44.0", features = ["full"] }
     serde = { version = "1.0", features = ["derive"] }
    +smg-mesh = { path = "../mesh" }
    +anyhow.workspace = true
    """
    assert dependency_signals(make_file("sgl-model-gateway/Cargo.toml", patch)) == [
        ("tokio", CHANGED, "1.42.0 → 1.44.0", "sgl-model-gateway/Cargo.toml", 20),
        ("anyhow", ADDED, "workspace", "sgl-model-gateway/Cargo.toml", 23),
    ]


def test_a_workspace_dependency_added_with_its_crate_reference_is_told_once_with_its_version():
    workspace = """\
    @@ -10,3 +10,4 @@ members = ["git-cliff", "git-cliff-core"]
     [workspace.dependencies]
     regex = "1.11.1"
    +tracing = "0.1.44"
     serde = { version = "1.0", features = ["derive"] }
    """
    crate = """\
    @@ -20,3 +20,5 @@ edition = "2021"
     [dependencies]
     regex.workspace = true
    +tracing = { workspace = true }
    +indicatif.workspace = true
    """
    assert dependency_signals(
        make_file("Cargo.toml", workspace), make_file("git-cliff-core/Cargo.toml", crate)
    ) == [
        ("tracing", ADDED, "0.1.44", "Cargo.toml", 12),
        ("indicatif", ADDED, "workspace", "git-cliff-core/Cargo.toml", 23),  # the workspace had it already
    ]


def test_cargo_hunk_in_an_unknown_table_trusts_only_versioned_inline_tables():
    patch = """\
    @@ -30,1 +30,4 @@ tracing = "0.1"
     rand = "0.8"
    +edition = "2024"
    +version.workspace = true
    +prost = { version = "0.13", default-features = false }
    """
    assert dependency_signals(make_file("Cargo.toml", patch)) == [("prost", ADDED, "0.13", "Cargo.toml", 33)]


def test_go_mod_block_and_single_line_requires_and_the_go_version_as_its_own_floor():
    patch = """\
    @@ -1,10 +1,11 @@
     module github.com/sgl-project/sglang/sgl-model-gateway/bindings/golang

    -go 1.22
    +go 1.23

     require (
    -\tgithub.com/prometheus/client_golang v1.19.0
    +\tgithub.com/prometheus/client_golang v1.20.5
     \tgoogle.golang.org/grpc v1.64.0
    +\tgolang.org/x/sync v0.8.0 // indirect
     )
    +require github.com/stretchr/testify v1.9.0
    """
    assert dependency_signals(make_file("bindings/golang/go.mod", patch)) == [
        ("go", CHANGED, "1.22 → 1.23", "bindings/golang/go.mod", 3),
        ("github.com/prometheus/client_golang", CHANGED, "v1.19.0 → v1.20.5", "bindings/golang/go.mod", 6),
        ("golang.org/x/sync", ADDED, "v0.8.0", "bindings/golang/go.mod", 8),
        ("github.com/stretchr/testify", ADDED, "v1.9.0", "bindings/golang/go.mod", 10),
    ]


def test_go_module_path_renamed_is_its_own_fact_and_a_new_go_mod_brings_its_path_along():
    renamed = """\
    @@ -1,4 +1,4 @@
    -module github.com/llm-d/llm-d-inference-scheduler
    +module github.com/llm-d/llm-d-router

     go 1.25.7

    """
    created = """\
    @@ -0,0 +1,3 @@
    +module github.com/acme/widget
    +
    +go 1.24
    """
    commit = make_commit("Rename the module", [make_file("go.mod", renamed)])
    (signal,) = extract(commit, SignalContext())

    assert _summary(signal) == (
        "module",
        CHANGED,
        "github.com/llm-d/llm-d-inference-scheduler → github.com/llm-d/llm-d-router",
        "go.mod",
        1,
    )
    assert signal.traits == ("module",)
    assert dependency_signals(make_file("tools/go.mod", created, status=FileStatus.ADDED)) == []


def test_package_json_dependency_sections_but_not_version_or_scripts():
    patch = """\
    @@ -1,14 +1,15 @@
     {
       "name": "sglang-docs",
    -  "version": "1.0.0",
    +  "version": "1.1.0",
       "scripts": {
    -    "build": "vite build"
    +    "build": "vite build --mode production"
       },
       "dependencies": {
    -    "react": "^18.2.0",
    +    "react": "^19.0.0",
         "react-dom": "^18.2.0"
       },
       "devDependencies": {
    +    "typescript": "~5.6.0",
         "vite": "^5.0.0"
       }
     }
    """
    assert dependency_signals(make_file("package.json", patch)) == [
        ("react", CHANGED, "^18.2.0 → ^19.0.0", "package.json", 8),
        ("typescript", ADDED, "~5.6.0", "package.json", 12),
    ]


def test_packages_a_release_moves_in_step_with_its_own_version_are_the_projects_own():
    """`git-cliff-linux-x64` `2.10.0-rc.0 → 2.10.0` beside the package's own `2.10.0-rc.0 → 2.10.0` is a
    release of the project's own platform packages; a third-party bump in the same commit still counts."""
    old = (
        '{\n  "name": "git-cliff",\n  "version": "2.10.0-rc.0",\n  "optionalDependencies": {\n'
        '    "git-cliff-linux-x64": "2.10.0-rc.0",\n    "execa": "^8.0.1"\n  }\n}\n'
    )
    new = old.replace("2.10.0-rc.0", "2.10.0").replace("^8.0.1", "^9.6.0")
    patch = (
        '@@ -1,8 +1,8 @@\n {\n   "name": "git-cliff",\n-  "version": "2.10.0-rc.0",\n'
        '+  "version": "2.10.0",\n   "optionalDependencies": {\n'
        '-    "git-cliff-linux-x64": "2.10.0-rc.0",\n-    "execa": "^8.0.1"\n'
        '+    "git-cliff-linux-x64": "2.10.0",\n+    "execa": "^9.6.0"\n   }\n }\n'
    )
    file = make_file("npm/git-cliff/package.json", patch, old_blob="old", new_blob="new")
    blobs = SimpleNamespace(read_blob={"old": old.encode(), "new": new.encode()}.get)
    assert dependency_signals(file, blobs=blobs) == [
        ("execa", CHANGED, "^8.0.1 → ^9.6.0", "npm/git-cliff/package.json", 6)
    ]
    # Without the whole files the own version cannot be read: both stay facts.
    assert [name for name, *_ in dependency_signals(file)] == ["git-cliff-linux-x64", "execa"]


def test_package_json_packages_of_the_projects_own_monorepo_are_no_dependencies():
    patch = """\
    @@ -5,3 +5,6 @@
       "dependencies": {
    +    "@acme/ui": "workspace:*",
    +    "@acme/icons": "file:../icons",
    +    "react": "^19.0.0",
         "react-dom": "^19.0.0"
    """
    assert dependency_signals(make_file("web/package.json", patch)) == [
        ("react", ADDED, "^19.0.0", "web/package.json", 8)
    ]


def test_package_json_hunk_in_an_unknown_object_trusts_only_ranges_and_not_engines():
    patch = """\
    @@ -30,4 +30,6 @@
         "vite": "^5.0.0",
    +    "vitest": "^2.1.0",
    +    "node": ">=20",
    +    "description": "the dashboard",
       }
    """
    assert dependency_signals(make_file("sgl-router/ui/package.json", patch)) == [
        ("vitest", ADDED, "^2.1.0", "sgl-router/ui/package.json", 31)
    ]


def test_setup_py_extras_keys_are_not_packages():
    patch = """\
    @@ -20,3 +20,4 @@ setup(
         extras_require={
    -        "test": ["pytest"],
    +        "test": ["pytest", "pytest-xdist>=3"],
    +        "dev": ["ruff"],
         },
    """
    assert dependency_signals(make_file("setup.py", patch)) == [
        ("pytest-xdist", ADDED, ">=3", "setup.py", 21),
        ("ruff", ADDED, "", "setup.py", 22),
    ]


def test_setup_py_install_requires_and_setup_cfg_options():
    setup_py = """\
    @@ -10,6 +10,7 @@ setup(
         packages=find_packages(),
         install_requires=[
             "numpy",
    +        "einops",
         ],
         classifiers=["Programming Language :: Python :: 3"],
    """
    setup_cfg = """\
    @@ -1,6 +1,6 @@
     [options]
     install_requires =
    -    requests>=2.30
    +    requests>=2.32
     [flake8]
    -max-line-length = 100
    +max-line-length = 110
    """
    assert dependency_signals(make_file("setup.py", setup_py), make_file("setup.cfg", setup_cfg)) == [
        ("einops", ADDED, "", "setup.py", 13),
        ("requests", CHANGED, ">=2.30 → >=2.32", "setup.cfg", 3),
    ]


def test_removed_dependencies_point_at_the_old_file_and_line():
    patch = """\
    @@ -3,3 +3,2 @@
     numpy
    -sentencepiece>=0.1.99
     tqdm
    """
    file = make_file(
        "requirements-dev.txt", patch, status=FileStatus.RENAMED, old_path="requirements_dev.txt"
    )
    assert dependency_signals(file) == [("sentencepiece", REMOVED, ">=0.1.99", "requirements_dev.txt", 4)]


def test_lock_vendored_and_unknown_files_are_not_read():
    patch = """\
    @@ -1,1 +1,1 @@
    -torch==2.8.0
    +torch==2.9.0
    """
    files = [
        make_file("third_party/flashinfer/requirements.txt", patch),
        make_file("uv.lock", patch),
        make_file("docs/torch_versions.txt", patch),
    ]
    assert dependency_signals(*files) == []


def test_added_manifest_is_read_from_its_first_line_without_blobs():
    patch = """\
    @@ -0,0 +1,7 @@
    +[project]
    +name = "sgl-kernel"
    +version = "0.3.21"
    +dependencies = [
    +    "torch",
    +]
    +requires-python = ">=3.10"
    """
    file = make_file("sgl-kernel/pyproject.toml", patch, status=FileStatus.ADDED)
    assert dependency_signals(file) == [("torch", ADDED, "", "sgl-kernel/pyproject.toml", 5)]


def test_a_requirements_file_a_resolver_wrote_is_a_lock_file_but_a_hand_written_one_is_read():
    header = "# This file was autogenerated by uv via the following command:\n#    uv pip compile\n"
    body_old, body_new = "torch==2.6.0\nuvicorn==0.34.0\n", "torch==2.7.0\nuvicorn==0.34.0\n"
    bump = "@@ -{0},2 +{0},2 @@\n-torch==2.6.0\n+torch==2.7.0\n uvicorn==0.34.0\n"

    def signals(prefix: str) -> list[tuple]:
        # The header lies above the hunk: only the whole file shows it.
        patch = bump.format(prefix.count("\n") + 1)
        file = make_file("server/requirements_cuda.txt", patch, old_blob="old", new_blob="new")
        blobs = {"old": (prefix + body_old).encode(), "new": (prefix + body_new).encode()}
        return dependency_signals(file, blobs=SimpleNamespace(read_blob=blobs.get))

    assert signals(header) == []
    assert signals("# runtime pins\n") == [
        ("torch", CHANGED, "2.6.0 → 2.7.0", "server/requirements_cuda.txt", 2)
    ]
