"""Protobuf schema facts: what breaks peers on the wire and what does not, in real repositories."""

from __future__ import annotations

from changeradar.collect import collect_commits
from changeradar.git import GitBlobReader
from changeradar.model import SignalAction
from changeradar.signals import SignalContext
from changeradar.signals.protobuf import extract
from changeradar.window import day_window
from gitrepo import GitRepo

ADDED, REMOVED, CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED
PATH = "proto/v3/generate.proto"

BEFORE = """\
syntax = "proto3";

package generate.v3;

// Text Generation Inference gRPC API
service TextGenerationService {
    /// Model Info
    rpc Info (InfoRequest) returns (InfoResponse) {}
    rpc Prefill (PrefillRequest) returns (PrefillResponse);
}

message InfoRequest {}

message InfoResponse {
    bool requires_padding = 1;
    string dtype = 2;
    string device_type = 3;
    optional uint32 window_size = 4;
}

/* A request. { braces in a comment } */
message Request {
    uint64 id = 1;
    oneof input {
        string text = 2;
        bytes image = 3;
    }
    map<string, string> headers = 4 [deprecated = true];
    message Chunk {
        repeated uint32 ids = 1;
    }
    enum Kind {
        KIND_UNSPECIFIED = 0;
        KIND_TEXT = 1;
    }
    reserved 9, 10;
    option (custom.note) = { a: 1 };
}
"""


def proto_facts(repo: GitRepo, after: str, before: str = BEFORE) -> list[tuple]:
    repo.commit("Before", {PATH: before})
    repo.commit("After", {PATH: after})
    commit = collect_commits(repo.path, "main", day_window("2026-01-29", "Asia/Shanghai"))[0]
    with GitBlobReader(repo.path) as blobs:
        return [(s.action, s.name, s.detail, s.line) for s in extract(commit, SignalContext(blobs=blobs))]


def test_messages_fields_enum_values_and_rpcs_added_and_removed(git_repo: GitRepo) -> None:
    after = (
        BEFORE.replace("    rpc Prefill (PrefillRequest) returns (PrefillResponse);\n", "")
        .replace(
            "    optional uint32 window_size = 4;\n",
            "    optional uint32 window_size = 4;\n    uint32 speculate = 5;\n",
        )
        .replace("        KIND_TEXT = 1;\n", "        KIND_TEXT = 1;\n        KIND_IMAGE = 2;\n")
        .replace("        bytes image = 3;\n", "")
        + "\nmessage HealthRequest {}\n"
    )
    assert proto_facts(git_repo, after) == [
        (ADDED, "HealthRequest", "proto message", 40),
        (REMOVED, "TextGenerationService.Prefill", "rpc", 9),
        (ADDED, "InfoResponse.speculate", "proto field: uint32 = 5", 18),
        (REMOVED, "Request.image", "proto field: bytes = 3", 26),
        (ADDED, "Request.Kind.KIND_IMAGE", "proto enum value: = 2", 34),
    ]


def test_a_renamed_field_is_compatible_but_a_renumbered_retyped_or_reused_one_breaks(
    git_repo: GitRepo,
) -> None:
    after = (
        BEFORE.replace("string dtype = 2;", "string data_type = 2;")
        .replace("string device_type = 3;", "string device_type = 6;")
        .replace("bool requires_padding = 1;", "uint32 requires_padding = 1;")
        .replace("optional uint32 window_size = 4;", "string window = 4;")
        .replace(
            "rpc Info (InfoRequest) returns (InfoResponse) {}",
            "rpc Info (InfoRequest) returns (stream InfoResponse) {}",
        )
    )
    assert proto_facts(git_repo, after) == [
        (
            CHANGED,
            "TextGenerationService.Info",
            "rpc: breaking, (InfoRequest) returns (InfoResponse)"
            " → (InfoRequest) returns (stream InfoResponse)",
            8,
        ),
        (CHANGED, "InfoResponse.requires_padding", "proto field: breaking, type bool → uint32", 15),
        (CHANGED, "InfoResponse.data_type", "proto field: renamed from dtype", 16),
        (CHANGED, "InfoResponse.device_type", "proto field: breaking, number 3 → 6", 17),
        (
            CHANGED,
            "InfoResponse.window",
            "proto field: breaking, number 4 reused (was window_size uint32)",
            18,
        ),
    ]


def test_comments_options_and_reformatting_are_no_facts(git_repo: GitRepo) -> None:
    after = BEFORE.replace("// Text Generation Inference gRPC API", "// The gRPC API\n// of TGI").replace(
        "    uint64 id = 1;", '    uint64 id = 1 [json_name = "id"];  // message Fake { int32 x = 1; }'
    )
    assert proto_facts(git_repo, after) == []
