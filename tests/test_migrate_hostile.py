"""``dep migrate`` over headers written to trip it (issue 12, class 10): URLs with
parentheses, bold field names holding a colon, header lines left below the header, nested
lists under a field. Each value is read whole or reported ``[needs a human]``; nothing is
read silently into something else, nothing is left behind in silence, and the body after
the header stays byte for byte.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core.parsing import parse_file
from sphinxcontrib_dep.migrate import Kind, Migration, migrate_text

PATH = "deps/0001-x.md"
BODY = "\n## Summary\n\nThe body. **Status**: not a header field.\n"


def migrated(header: str) -> Migration:
    """Migrate ``# T`` + ``header`` + the body; check the body and the block on the way."""
    text = f"# T\n\n{header}{BODY}"
    result = migrate_text(text, PATH)
    assert result.outcome == "migrated", [d.format() for d in result.decisions]
    assert result.header is not None
    tail = "".join(text.splitlines(keepends=True)[result.header[1] :])
    assert result.new_text.endswith(tail), "the body after the header changed"
    dep, _, _ = parse_file(result.new_text, PATH)
    assert dep is not None
    return result


def human(result: Migration) -> list[str]:
    return [d.format() for d in result.decisions if d.kind is Kind.HUMAN]


# --------------------------------------------------------------------------------------
# URLs with parentheses
# --------------------------------------------------------------------------------------

WIKI = "https://en.wikipedia.org/wiki/Foo_(bar)"


@pytest.mark.parametrize(
    "line, options",
    [
        # The example: a bare URL, and as a Markdown link.
        (f"**Implementation**: {WIKI}", {"implementation": WIKI}),
        (f"**Pull Request**: [wiki]({WIKI})", {"pull-request": WIKI}),
        # Variants: nested parentheses, inside a sentence's parentheses, trailing punctuation,
        # in angle brackets, a comma in the query, a reference, a person's link.
        (
            "**Implementation**: https://example.com/a_(b_(c)), [x](https://example.com/d_(e_(f)))",
            {"implementation": "https://example.com/a_(b_(c)), https://example.com/d_(e_(f))"},
        ),
        (
            f"**Implementation**: https://github.com/o/r/pull/1 (see {WIKI}).",
            {"implementation": f"https://github.com/o/r/pull/1, {WIKI}", "legacy-implementation": "(see )."},
        ),
        (f"**Pull Request**: {WIKI}.", {"pull-request": WIKI}),
        ("**Pull Request**: <https://example.com/a)b>", {"pull-request": "https://example.com/a)b"}),
        (
            "**Implementation**: https://example.com/?a=1,2, https://example.com/b;",
            {"implementation": "https://example.com/?a=1%2C2, https://example.com/b"},
        ),
        (
            "**Replaces**: https://example.com/wiki/Old_(design)",
            {"replaces": "https://example.com/wiki/Old_(design)"},
        ),
        (
            "**Authors**: Jane Doe <https://example.com/~jane_(x)>, @b",
            {"authors": "Jane Doe <https://example.com/~jane_(x)>, @b"},
        ),
    ],
)
def test_urls_keep_their_parentheses(line: str, options: dict[str, str]) -> None:
    result = migrated(f"**Status**: Draft\n{line}\n")
    assert result.options == {"status": "In Progress", **options}


# --------------------------------------------------------------------------------------
# Bold field names holding a colon
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, options, report",
    [
        # The example (a blank line around it ended the header before it).
        ("**Target: Release**: 1.2", {"legacy-target-release": "1.2"}, "unknown field 'Target: Release'"),
        ("**Decision: Date**: 2025-01-02", {"review-date": "2025-01-02"}, None),
        (
            "- **Links: PR**: https://github.com/o/r/pull/3",
            {"legacy-links-pr": "https://github.com/o/r/pull/3"},
            "unknown field 'Links: PR'",
        ),
        (
            "**Reviewers (team: infra)**: @a",
            {"legacy-reviewers-team-infra": "@a"},
            "unknown field 'Reviewers (team: infra)'",
        ),
        ("**Note: not final**: yes", {"legacy-note-not-final": "yes"}, "unknown field 'Note: not final'"),
        ("**Category:**: Process", {"category": "Process"}, None),
        ("**Sponsor: Name**: @s", {"legacy-sponsor-name": "@s"}, "unknown field 'Sponsor: Name'"),
    ],
)
@pytest.mark.parametrize("gap", ["", "\n"], ids=["no blank line", "blank lines"])
def test_a_colon_in_a_bold_name_does_not_end_the_header(
    line: str, options: dict[str, str], report: str | None, gap: str
) -> None:
    result = migrated(f"**Status**: Draft\n{gap}{line}\n{gap}**Authors**: @a\n")
    assert result.options == {"status": "In Progress", "authors": "@a", **options}
    messages = human(result)
    assert len(messages) == (1 if report else 0), messages
    if report:
        assert report in messages[0]


def test_a_field_written_all_in_bold() -> None:
    result = migrated("**Status: Draft**\n**Authors: @a**\n")
    assert result.options == {"status": "In Progress", "authors": "@a"}


# --------------------------------------------------------------------------------------
# Header lines left below the header are reported
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "below, line, name",
    [
        ("Some prose.\n\n**Reviewers**: @b\n", 8, "reviewers"),  # the case: after prose
        ("*Sponsor*: @c\n", 6, "sponsor"),  # italic, right under the header
        ("Intro.\n\n<b>Category</b>: Process\n", 8, "category"),
        ("Intro.\n\n**Review Date** - 2025-01-01\n", 8, "review-date"),
        ("Intro.\n\nStatus = Approved\n", 8, "status"),
        ("Intro.\n\n| Authors | @x |\n", 8, "authors"),
        ("Intro.\n\n`Implementation`: https://github.com/o/r/pull/1\n", 8, "implementation"),
        ("Intro.\n\n**Team**: Runtime\n", 8, "team"),
    ],
)
def test_header_lines_left_below_the_header_are_reported(below: str, line: int, name: str) -> None:
    result = migrated(f"**Status**: Draft\n**Authors**: @a\n\n{below}")
    messages = human(result)
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"{PATH}:{line}: {name}: ")
    assert messages[0].endswith(
        "looks like a header field but lies below the header; left in the body "
        "(move it into dep-meta by hand) [needs a human]"
    )


@pytest.mark.parametrize(
    "below",
    [
        "```yaml\nStatus: Approved\nAuthors: @x\n```\n",  # inside a code fence
        "**Important:** this proposal depends on the new runtime, which is still being designed and reviewed.\n",
        "Intro.\n\n- Goal: faster builds\n",  # a list of the introduction, not a known field
    ],
)
def test_the_body_and_prose_are_not_reported(below: str) -> None:
    result = migrated(f"**Status**: Draft\n**Authors**: @a\n\n{below}")
    assert human(result) == []


def test_a_list_after_an_empty_last_field_is_reported() -> None:
    result = migrated("**Status**: Draft\n**Reviewers**:\n\n- @a\n- @b\n")
    assert "required-reviewers" not in result.options
    assert human(result) == [
        f"{PATH}:4: required-reviewers: empty; the list at line 6, after a blank line, may be its value: "
        "left in the body (move it into dep-meta by hand) [needs a human]"
    ]


# --------------------------------------------------------------------------------------
# Nested lists are not read as values
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, options, report",
    [
        # The case: a reviewer with notes under it.
        (
            "**Reviewers**:\n- @a\n  - approved on 2025-01-01\n  - Jane Doe\n- @b\n",
            {"required-reviewers": "@b", "legacy-required-reviewers": "@a; approved on 2025-01-01; Jane Doe"},
            "4: required-reviewers: a nested list (lines 5-7) is not read as names",
        ),
        (
            "**Reviewers**:\n- Infra team\n  - @a\n  - @b\n- @c\n",
            {"required-reviewers": "@c", "legacy-required-reviewers": "Infra team; @a; @b"},
            "4: required-reviewers: a nested list (lines 5-7) is not read as names",
        ),
        (
            "**Authors**:\n* @a\n    + @x\n* @b\n",
            {"authors": "@b", "legacy-authors": "@a; @x"},
            "4: authors: a nested list (lines 5-6) is not read as names",
        ),
        (
            "**Replaces**:\n1. DEP-0003\n   1. DEP-0004\n2. DEP-0005\n",
            {"replaces": "DEP-0005", "legacy-replaces": "DEP-0003; DEP-0004"},
            "4: replaces: a nested list (lines 5-6) is not read as values",
        ),
        (
            "**Implementation**:\n- https://github.com/o/r/pull/1\n  - https://github.com/o/r/pull/2\n",
            {"legacy-implementation": "https://github.com/o/r/pull/1; https://github.com/o/r/pull/2"},
            "4: implementation: a nested list (lines 5-6) is not read as values",
        ),
        (
            "**Sponsor**:\n- @s\n\t- backup: @t\n",
            {"legacy-sponsor": "@s; backup: @t"},
            "4: sponsor: a nested list (lines 5-6) is not read as names",
        ),
        # A field that is an item of a list, with its own list under it: labelled entries
        # are not names either (and not fields of their own).
        (
            "- **Reviewers**:\n  - Docs: @b\n  - Infra: @c\n",
            {"legacy-required-reviewers": "Docs: @b, Infra: @c"},
            "4: required-reviewers: cannot read 'Docs: @b', 'Infra: @c' as people",
        ),
    ],
)
def test_a_nested_list_is_not_read_as_values(header: str, options: dict[str, str], report: str) -> None:
    result = migrated(f"**Status**: Draft\n{header}")
    assert result.options == {"status": "In Progress", **options}
    assert [m for m in human(result) if report in m], human(result)


def test_a_field_of_a_list_reads_its_own_list() -> None:
    result = migrated("- **Status**: Draft\n- **Reviewers**:\n  - @a (approved)\n  - @b\n- **Authors**: @c\n")
    assert result.options == {
        "status": "In Progress",
        "authors": "@c",
        "required-reviewers": "@a (approved), @b",
    }
    assert human(result) == []


# --------------------------------------------------------------------------------------
# The command says so
# --------------------------------------------------------------------------------------


def test_the_command_counts_what_needs_a_human(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / "0001-x.md").write_text(
        f"# T\n\n**Status**: Draft\n\n**Target: Release**: 1.2\n\n**Implementation**: {WIKI}\n"
        "**Reviewers**:\n- @a\n  - approved\n\nIntro.\n\n**Sponsor**: @s\n" + BODY
    )
    monkeypatch.chdir(tmp_path)
    assert cli.main(["migrate", "--in-place", "deps"]) == 0
    out = capsys.readouterr().out
    lines = [line.strip() for line in io.StringIO(out) if "[needs a human]" in line]
    assert lines == [
        "deps/0001-x.md:5: target-release: unknown field 'Target: Release'; kept as :legacy-target-release: "
        "[needs a human]",
        "deps/0001-x.md:8: required-reviewers: a nested list (lines 9-10) is not read as names; kept as "
        ":legacy-required-reviewers: [needs a human]",
        "deps/0001-x.md:14: sponsor: '**Sponsor**: @s' looks like a header field but lies below the header; "
        "left in the body (move it into dep-meta by hand) [needs a human]",
    ]
    assert "values needing a human: 3" in out
    text = (tmp_path / "deps" / "0001-x.md").read_text()
    assert f":implementation: {WIKI}\n" in text
    assert text.endswith("Intro.\n\n**Sponsor**: @s\n" + BODY)
