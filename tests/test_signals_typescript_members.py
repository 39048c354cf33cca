"""Members of exported TypeScript classes and interfaces are part of a module's API; private ones and
those of classes the module does not export are not."""

from __future__ import annotations

from changeradar.model import SignalAction, SignalKind
from changeradar.signals import api
from changeradar.signals.signatures import signature_detail
from gitrepo import GitRepo
from signal_repo import commit_files, last_commit_signals

ADDED, REMOVED, CHANGED = SignalAction.ADDED, SignalAction.REMOVED, SignalAction.CHANGED

CLIENT_TS = """\
export class Client {
  #token = "";
  private retries = 3;
  public name: string;

  constructor(host: string) {
    this.name = host;
  }

  async fetch(id: string): Promise<string> {
    return id;
  }

  private reset(): void {}
}

class Internal {
  run(): void {}
}

export interface Options {
  timeout?: number;
  retry(count: number): boolean;
}
"""


def test_public_members_of_exported_classes_and_interfaces(git_repo: GitRepo):
    commit_files(git_repo, "Client", {"src/client.ts": CLIENT_TS})
    after = (
        CLIENT_TS.replace("fetch(id: string)", "fetch(id: string, signal?: AbortSignal)")
        .replace(
            "  private reset(): void {}\n", "  private reset(all: boolean): void {}\n\n  close(): void {}\n"
        )
        .replace("  run(): void {}\n", "  run(): void {}\n  stop(): void {}\n")
        .replace("  timeout?: number;\n", "  timeout?: string;\n  baseUrl: string;\n")
        .replace("  retry(count: number): boolean;\n", "")
        .replace('  #token = "";\n', '  #token = "";\n  #secret(): string { return ""; }\n')
    )
    commit_files(git_repo, "Abort, close and base URL", {"src/client.ts": after})
    path = "src/client.ts"
    assert last_commit_signals(git_repo, api.extract, SignalKind.API) == [
        (
            "client.Client.fetch",
            CHANGED,
            signature_detail(
                "(id: string) : Promise<string>", "(id: string, signal?: AbortSignal) : Promise<string>"
            ),
            path,
            11,
        ),
        ("client.Client.close", ADDED, "method", path, 17),
        ("client.Options.timeout", CHANGED, signature_detail(": number", ": string"), path, 26),
        ("client.Options.baseUrl", ADDED, "field", path, 27),
        ("client.Options.retry", REMOVED, "method", path, 23),
    ]
