"""Names listed with the names they own: a removed class once, "with 3 members", not once per method.

A name is a member of another listed name when it continues it past a separator of qualified names
(`Kernel.wrapper`, `Runner::run`, a chart value `server.port` under `server`). The facts block and the JSON
list every name; the sentences that name a few (a reason, an attention item) name the owners.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from changeradar.i18n import line
from changeradar.inline import Line

_SEPARATORS = ("::", ".")


def with_member_counts(names: Iterable[str]) -> list[tuple[str, int]]:
    """Each of `names` that is no member of another, in order, with how many of the others are its members
    (its own and its members' members)."""
    listed = list(dict.fromkeys(names))
    if len(listed) < 2:  # most sentences name one thing or a count
        return [(name, 0) for name in listed]
    known = set(listed)
    counts = dict.fromkeys(listed, 0)
    tops = []
    for name in listed:
        owners = _owners(name, known)
        if owners:
            counts[min(owners, key=len)] += 1  # the outermost, which is listed
        else:
            tops.append(name)
    return [(name, counts[name]) for name in tops]


def _owners(name: str, known: set[str]) -> Sequence[str]:
    """The listed names that `name` is a member of."""
    found = []
    for separator in _SEPARATORS:
        owner, cut, _ = name.rpartition(separator)
        while cut:
            if owner in known:
                found.append(owner)
            owner, cut, _ = owner.rpartition(separator)
    return found


def with_members(named: Line, members: int, language: str) -> Line:
    """ "`Kernel` with 3 members", or the name alone when it has none listed."""
    return line(language, "list.members", name=named, n=members) if members else named
