"""Python interface facts from real repositories: signatures changed, renamed modules, re-exports."""

from __future__ import annotations

from changeradar.collect import collect_commits
from changeradar.git import GitBlobReader
from changeradar.model import SignalAction
from changeradar.signals import SignalContext
from changeradar.signals.api import extract
from changeradar.signals.signatures import signature_detail
from changeradar.window import day_window
from gitrepo import GitRepo

ADDED, REMOVED, CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED

KERNEL_UTILS = '''\
"""Helpers shared by the CuTe DSL kernels."""

import cutlass


def make_ptr(dtype, value, mem_space=None, assumed_align=16):
    return cutlass.make_ptr(dtype, value, mem_space, assumed_align)


def get_num_sm(device):
    return device.multi_processor_count


def convert_sf_layout(sf, m, k):
    return sf.view(m, k)
'''
MOVED_TO_COMMON = '''\
"""Helpers shared by the CuTe DSL kernels."""

# These helpers moved to flashinfer.cute_dsl.common.kernel_utils; re-exported so that existing
# imports continue to work.
from ..common.kernel_utils import get_num_sm, make_ptr

__all__ = ["make_ptr", "get_num_sm"]
'''


def api_facts(repo: GitRepo) -> list[tuple]:
    """The API facts of the repository's newest commit."""
    commits = collect_commits(repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))
    with GitBlobReader(repo.path) as blobs:
        signals = extract(commits[0], SignalContext(blobs=blobs))
        return [(signal.name, signal.action, signal.detail, signal.path, signal.line) for signal in signals]


def test_functions_moved_away_and_re_exported_are_not_removed(git_repo: GitRepo) -> None:
    path = "flashinfer/cute_dsl/gemm/kernel_utils.py"
    git_repo.commit("Add kernel utils", {path: KERNEL_UTILS}, date="2026-01-28T10:00:00+08:00")
    git_repo.commit("Move kernel utils to common", {path: MOVED_TO_COMMON})
    # `convert_sf_layout` is neither defined nor imported any more: that one is gone.
    assert api_facts(git_repo) == [
        ("flashinfer.cute_dsl.gemm.kernel_utils.convert_sf_layout", REMOVED, "function", path, 14)
    ]


def test_a_signature_changed_by_a_parameter_added_removed_renamed_or_given_another_default(
    git_repo: GitRepo,
) -> None:
    path = "flashinfer/norm.py"
    before = (
        "def rmsnorm(input, weight, eps=1e-6):\n    pass\n\n\n"
        "def fused_add_rmsnorm(input, residual, weight, eps=1e-6):\n    pass\n\n\n"
        "def gemma_rmsnorm(input, weight, eps=1e-6, out=None):\n    pass\n\n\n"
        "def layernorm(input, gamma, beta, eps=1e-6):\n    pass\n\n\n"
        "def unchanged(input):\n    pass\n"
    )
    after = (
        before.replace("def rmsnorm(input, weight, eps=1e-6)", "def rmsnorm(input, weight, eps=1e-5)")
        .replace("residual, weight, eps=1e-6)", "residual, weight, eps=1e-6, enable_pdl=None)")
        .replace("eps=1e-6, out=None)", "eps=1e-6)")
        .replace("def layernorm(input, gamma, beta", "def layernorm(x, gamma, beta")
    )
    git_repo.commit("Add norm", {path: before}, date="2026-01-28T10:00:00+08:00")
    git_repo.commit("Tune norm", {path: after})
    assert api_facts(git_repo) == [
        (
            "flashinfer.norm.rmsnorm",
            CHANGED,
            signature_detail("(input, weight, eps=1e-06)", "(input, weight, eps=1e-05)"),
            path,
            1,
        ),
        (
            "flashinfer.norm.fused_add_rmsnorm",
            CHANGED,
            signature_detail(
                "(input, residual, weight, eps=1e-06)",
                "(input, residual, weight, eps=1e-06, enable_pdl=None)",
            ),
            path,
            5,
        ),
        (
            "flashinfer.norm.gemma_rmsnorm",
            CHANGED,
            signature_detail("(input, weight, eps=1e-06, out=None)", "(input, weight, eps=1e-06)"),
            path,
            9,
        ),
        (
            "flashinfer.norm.layernorm",
            CHANGED,
            signature_detail("(input, gamma, beta, eps=1e-06)", "(x, gamma, beta, eps=1e-06)"),
            path,
            13,
        ),
    ]


def test_a_renamed_module_with_unchanged_items_is_no_fact(git_repo: GitRepo) -> None:
    old_path, new_path = (
        "flashinfer/cute_dsl/sparse/bsa_attn.py",
        "flashinfer/cute_dsl/sparse/bsa_attn_sm100.py",
    )
    git_repo.commit("Add sparse attention", {old_path: KERNEL_UTILS}, date="2026-01-28T10:00:00+08:00")
    git_repo.commit("Name the sparse attention by its architecture", renames={old_path: new_path})
    assert api_facts(git_repo) == []


def test_a_module_is_named_by_its_import_path_wherever_the_project_keeps_its_packages(
    git_repo: GitRepo,
) -> None:
    """The outermost `__init__.py` folder in the commit's tree starts the name, not a folder-name rule:
    `server/` holds the package but is none, `layers/` is a namespace package inside it, and a folder
    in no package keeps its path's name."""
    files = {
        "server/text_generation_server/__init__.py": "",
        "server/text_generation_server/layers/marlin.py": "def pack(weight):\n    return weight\n",
        "server/scripts/convert.py": "def convert(path):\n    return path\n",
    }
    git_repo.commit("Add the server", files, date="2026-01-28T10:00:00+08:00")
    git_repo.commit(
        "Add pack_24 and unpack",
        {
            "server/text_generation_server/layers/marlin.py": files[
                "server/text_generation_server/layers/marlin.py"
            ]
            + "\n\ndef pack_24(weight, meta):\n    return weight\n",
            "server/scripts/convert.py": files["server/scripts/convert.py"]
            + "\n\ndef unpack(path):\n    return path\n",
        },
    )
    assert sorted(name for name, *_ in api_facts(git_repo)) == [
        "server.scripts.convert.unpack",  # `server/scripts` is no package
        "text_generation_server.layers.marlin.pack_24",
    ]


def test_namespace_packages_below_a_packages_folder_are_part_of_the_name(git_repo: GitRepo) -> None:
    """`python/minisgl/` has no `__init__.py` but `python/` is where the project keeps its packages;
    a `src/` deep inside a package (`flashinfer/…/src/`) is no root."""
    files = {
        "python/minisgl/server/__init__.py": "",
        "python/minisgl/server/api_server.py": "def serve():\n    return 1\n",
        "flashinfer/__init__.py": "",
        "flashinfer/moe/src/bootstrap.py": "def boot():\n    return 1\n",
    }
    git_repo.commit("Add both", files, date="2026-01-28T10:00:00+08:00")
    git_repo.commit(
        "Add more",
        {
            "python/minisgl/server/api_server.py": files["python/minisgl/server/api_server.py"]
            + "\n\ndef stop():\n    return 0\n",
            "flashinfer/moe/src/bootstrap.py": files["flashinfer/moe/src/bootstrap.py"]
            + "\n\ndef halt():\n    return 0\n",
        },
    )
    assert sorted(name for name, *_ in api_facts(git_repo)) == [
        "flashinfer.moe.src.bootstrap.halt",
        "minisgl.server.api_server.stop",
    ]


def test_a_module_deleted_with_its_package_is_named_from_the_parent_commit(git_repo: GitRepo) -> None:
    files = {"server/tgi/__init__.py": "", "server/tgi/old.py": "def legacy():\n    return 1\n"}
    git_repo.commit("Add tgi", files, date="2026-01-28T10:00:00+08:00")
    git_repo.commit("Drop the old package", {path: None for path in files})
    assert [name for name, *_ in api_facts(git_repo)] == ["tgi.old.legacy"]


RUNNERS = """\
class MoERunner:
    def run(self, x):
        return x


class CuteDslRunner(MoERunner):
    def run(self, x):
        return x

    def get_cache_key_extras(self):
        return ("cute",)


class TrtllmRunner(MoERunner):
    def warmup(self):
        pass

    def stop(self):
        pass
"""
PULLED_UP = """\
class MoERunner:
    def run(self, x):
        return x

    def get_cache_key_extras(self):
        return ()


class CuteDslRunner(MoERunner):
    def run(self, x):
        return x


class TrtllmRunner(MoERunner):
    def stop(self):
        pass
"""


def test_a_method_a_class_still_gets_from_its_base_is_neither_removed_nor_added(git_repo: GitRepo):
    """flashinfer's 27b8a80 pulled `get_cache_key_extras` up into the base class: every runner still has
    it. A method the class loses for good (`warmup`) is removed."""
    path = "flashinfer/fused_moe/runners.py"
    git_repo.commit("Runners", {path: RUNNERS}, date="2026-01-28T10:00:00+08:00")
    git_repo.commit("Pull the cache key up", {path: PULLED_UP})
    assert [(name, action) for name, action, *_ in api_facts(git_repo)] == [
        ("flashinfer.fused_moe.runners.MoERunner.get_cache_key_extras", ADDED),
        ("flashinfer.fused_moe.runners.TrtllmRunner.warmup", REMOVED),
    ]


EXCHANGER = """\
from abc import ABC, abstractmethod


class HandleExchanger(ABC):
    def __init__(self, comm, rank):
        self.comm = comm

    @property
    @abstractmethod
    def handle_type(self):
        ...

    @property
    def group(self):
        return self.comm

    @abstractmethod
    def allgather(self, local_handle):
        ...
"""

EXCHANGER_DATACLASS = """\
from dataclasses import dataclass


@dataclass(frozen=True)
class HandleExchanger:
    comm: object
    rank: int
    handle_type: int


def handle_allgather(exchanger, local_handle):
    return [local_handle]
"""


def test_a_property_the_class_now_holds_as_an_attribute_still_resolves(git_repo: GitRepo):
    """flashinfer's 6104afe turned the `HandleExchanger` ABC into a dataclass: `exchanger.handle_type`
    still reads, as a field; `group` and the `allgather` method are gone."""
    path = "flashinfer/comm/mnnvl.py"
    git_repo.commit("Exchanger", {path: EXCHANGER}, date="2026-01-28T10:00:00+08:00")
    git_repo.commit("Make the exchanger a dataclass", {path: EXCHANGER_DATACLASS})
    assert sorted((name, action, detail) for name, action, detail, *_ in api_facts(git_repo)) == [
        ("flashinfer.comm.mnnvl.HandleExchanger.allgather", REMOVED, "method"),
        ("flashinfer.comm.mnnvl.HandleExchanger.group", REMOVED, "property"),
        ("flashinfer.comm.mnnvl.handle_allgather", ADDED, "function"),
    ]
