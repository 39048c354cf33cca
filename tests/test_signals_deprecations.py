"""Interfaces a commit deprecates, in Go, Rust and Python, and what users are told of them."""

from __future__ import annotations

from dataclasses import replace

from changeradar.config import ImportanceSettings
from changeradar.inline import commonmark
from changeradar.model import FileStatus, Importance, Level, SignalAction, SignalKind
from changeradar.render.view import build_view
from changeradar.score import score_commit
from changeradar.signals import SignalContext
from changeradar.signals.deprecations import extract
from day_reports import _commit, _file, commit_report, empty_report
from diffs import make_commit, make_file


def deprecations(*files) -> list[tuple[str, str, int | None]]:
    signals = list(extract(make_commit("Deprecate things", files), SignalContext()))
    assert all(s.kind is SignalKind.DEPRECATION and s.action is SignalAction.ADDED for s in signals)
    return [(s.name, s.path, s.line) for s in signals]


GO_SCORER = (
    "@@ -40,6 +40,9 @@ type Parameters struct {\n"
    " \t// BlockSize is the number of tokens per block.\n"
    ' \tBlockSize int `json:"blockSize"`\n'
    "+\t// RequestTimeout bounds a request's tracking.\n"
    "+\t//\n"
    "+\t// Deprecated: RequestTimeout is ignored; the inflight-load producer tracks requests.\n"
    ' \tRequestTimeout string `json:"requestTimeout"`\n'
    " }\n"
    "@@ -80,4 +83,6 @@ func (s *Scorer) Score(ctx context.Context) float64 {\n"
    "+// Deprecated: use Score.\n"
    "+func (s *Scorer) LegacyScore() float64 { return 0 }\n"
    " // Deprecated: use NewScorer.\n"
    " func New() *Scorer { return nil }\n"
)


def test_go_deprecated_paragraphs_name_the_declaration_below_them():
    """llm-d's df9da71 deprecated the scorer's `requestTimeout` parameter; a notice already there (`New`)
    and one in a test file are no news."""
    files = (
        make_file("pkg/scorer/activerequest/scorer.go", GO_SCORER),
        make_file("pkg/scorer/activerequest/scorer_test.go", GO_SCORER),
    )
    assert deprecations(*files) == [
        ("pkg.scorer.activerequest.RequestTimeout", "pkg/scorer/activerequest/scorer.go", 44),
        ("pkg.scorer.activerequest.Scorer.LegacyScore", "pkg/scorer/activerequest/scorer.go", 83),
    ]


def test_rust_deprecated_attributes_name_public_items_and_not_crate_private_ones():
    patch = """\
@@ -10,2 +10,10 @@ impl Changelog {
+    #[deprecated(since = "2.9.0", note = "use generate")]
+    #[doc(hidden)]
+    pub fn render(&self) -> String {
+        String::new()
+    }
+    #[deprecated]
+    pub(crate) fn internal(&self) {}
     pub fn generate(&self) {}
 }
"""
    assert deprecations(make_file("git-cliff-core/src/changelog.rs", patch)) == [
        ("git_cliff_core::changelog::render", "git-cliff-core/src/changelog.rs", 10)
    ]


def test_python_decorators_and_deprecation_warnings_name_their_function():
    patch = """\
@@ -1,3 +1,16 @@
 import warnings
+from typing_extensions import deprecated
+
+@deprecated("Use load_checkpoint instead.")
+def load_model(path):
+    return load_checkpoint(path)
+
 class Engine:
     def step(self, batch):
+        warnings.warn(
+            "step() is deprecated; call run().",
+            DeprecationWarning,
+        )
         return self.run(batch)
+    def _helper(self):
+        warnings.warn("internal", FutureWarning)
"""
    removed_import = """\
@@ -1,2 +1,1 @@
-from typing_extensions import deprecated
 import os
"""
    assert deprecations(
        make_file("python/widget/engine.py", patch),
        make_file("python/widget/other.py", removed_import),
        make_file("docs/engine.py", patch),
    ) == [
        ("widget.engine.load_model", "python/widget/engine.py", 4),
        ("widget.engine.Engine.step", "python/widget/engine.py", 12),
    ]


def test_a_notice_moved_with_its_declaration_or_brought_by_a_new_file_is_no_news():
    moved = """\
@@ -1,4 +1,1 @@
-// Deprecated: use NewScorer.
-func New() *Scorer { return nil }
-
 package scorer
"""
    taken_up = """\
@@ -1,1 +1,3 @@
 package scorer
+// Deprecated: use NewScorer.
+func New() *Scorer { return nil }
"""
    copied = """\
@@ -0,0 +1,2 @@
+// Deprecated: use Run.
+func Start() {}
"""
    files = (
        make_file("pkg/scorer/old.go", moved),
        make_file("pkg/scorer/new.go", taken_up),
        make_file("pkg/vendored/start.go", copied, FileStatus.ADDED),
    )
    assert deprecations(*files) == []
    assert deprecations(files[1]) == [("pkg.scorer.New", "pkg/scorer/new.go", 2)]  # the new side alone: news


class Blobs:
    """A blob source holding some contents by id."""

    def __init__(self, contents: dict[str, str]) -> None:
        self.contents = contents

    def read_blob(self, object_id: str) -> bytes | None:
        text = self.contents.get(object_id)
        return text.encode() if text is not None else None


def test_a_generator_s_output_deprecates_nothing_though_its_banner_is_far_above_the_hunk():
    """lws's client-go `clientset_generated.go`: client-gen writes the notice, and the banner under the
    license block says so."""
    patch = """\
@@ -36,2 +36,4 @@ import (
 )
+// Deprecated: NewClientset replaces this.
+func NewSimpleClientset() *Clientset { return nil }
 func NewClientset() *Clientset { return nil }
"""
    path = "client-go/clientset/versioned/fake/clientset_generated.go"
    license = "/*\nCopyright 2023.\n\nLicensed under the Apache License, Version 2.0.\n*/\n"
    banner = license + "// Code generated by client-gen. DO NOT EDIT.\n\npackage fake\n"
    file = make_file(path, patch, old_blob="a" * 40, new_blob="b" * 40)
    commit = make_commit("Regenerate the client", [file])
    assert list(extract(commit, SignalContext(blobs=Blobs({"b" * 40: banner})))) == []
    assert [s.name for s in extract(commit, SignalContext(blobs=Blobs({"b" * 40: "package fake\n"})))] == [
        "client-go.clientset.versioned.fake.NewSimpleClientset"
    ]


def test_a_deprecation_is_scored_and_told_in_needs_attention():
    commit = make_commit("Migrate the scorer", [make_file("pkg/scorer/activerequest/scorer.go", GO_SCORER)])
    signals = tuple(extract(commit, SignalContext()))
    reasons = score_commit(commit, signals, ImportanceSettings()).reasons
    assert [(reason.rule, reason.subject) for reason in reasons if reason.rule.startswith("deprecation")] == [
        (
            "deprecation_added",
            "pkg.scorer.activerequest.RequestTimeout, pkg.scorer.activerequest.Scorer.LegacyScore",
        )
    ]
    day_commit = _commit(
        "d" * 40, "Migrate the scorer", "Ann Lee", "2026-01-29T10:00:00+08:00", [_file("a.go", 3, 0)]
    )
    texts = {}
    for language in ("en", "zh"):
        report = commit_report((day_commit, signals, Importance(Level.MEDIUM, 4.0)), language)
        view = build_view(replace(empty_report(language), commits=[report]))
        texts[language] = [commonmark(item.line) for item in view.attention]
    timeout, legacy = (
        "`pkg.scorer.activerequest.RequestTimeout`",
        "`pkg.scorer.activerequest.Scorer.LegacyScore`",
    )
    assert texts["en"] == [f"Deprecated: {timeout}, {legacy} ([`ddddddd`](#c-ddddddd))"]
    assert texts["zh"] == [f"弃用：{timeout}、{legacy}（[`ddddddd`](#c-ddddddd)）"]
