"""Child processes that end with their parent, even when the parent is killed with SIGKILL.

On Linux a child can ask the kernel for a signal when its parent dies (`prctl(PR_SET_PDEATHSIG)`); git
readers and extraction workers ask for SIGKILL, so `kill -9` of a report leaves nothing running. Elsewhere
the children still end when their pipes close, only later.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


# Looked up once, here: a `preexec_fn` must do as little as possible between fork and exec.
_prctl = _load_prctl()


def dies_with_parent_supported() -> bool:
    return _prctl is not None


def die_with_parent() -> None:
    """Ask for SIGKILL when the parent process (precisely: the thread that started us) ends.

    Meant for a `preexec_fn` or a worker's initializer; does nothing where the kernel offers no such thing.
    """
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def die_with(parent_pid: int) -> None:
    """`die_with_parent`, and exit at once if `parent_pid` already died before we asked."""
    die_with_parent()
    if os.getppid() != parent_pid:
        os._exit(1)
