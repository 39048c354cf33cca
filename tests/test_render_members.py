"""Names told with the names they own."""

from __future__ import annotations

from changeradar.render.members import with_member_counts


def test_members_are_counted_on_the_outermost_listed_owner_in_every_separator() -> None:
    names = [
        "pkg.Kernel",
        "pkg.Kernel.Inner",
        "pkg.Kernel.Inner.run",
        "pkg.helper",
        "ns::Runner",
        "ns::Runner::run",
        "crate::Opt::Builder.build",
        "values.server",
        "values.server.port",
    ]
    assert with_member_counts(names) == [
        ("pkg.Kernel", 2),
        ("pkg.helper", 0),
        ("ns::Runner", 1),
        ("crate::Opt::Builder.build", 0),
        ("values.server", 1),
    ]


def test_a_name_that_only_starts_like_another_is_no_member_of_it() -> None:
    assert with_member_counts(["pkg.run", "pkg.run_all", "pkg.runner.go"]) == [
        ("pkg.run", 0),
        ("pkg.run_all", 0),
        ("pkg.runner.go", 0),
    ]
