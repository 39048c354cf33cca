"""Errors that carry their exit code, so one handler in the CLI can print a line and exit.

Library code raises these and never prints or exits; the command line turns them into exit codes.
"""


class ChangeradarError(Exception):
    """A failure the user should read as one line; `exit_code` is what the process returns."""

    exit_code = 1


class BadInput(ChangeradarError):
    """Bad usage, config or input (exit 2). The message names the bad value."""

    exit_code = 2
