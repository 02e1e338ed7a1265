"""Tier 1: the Sphinx-free core: values, people, dates, dep-meta options, scanning."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from sphinxcontrib_dep.core.config import ConfigError, DepConfig, load
from sphinxcontrib_dep.core.diagnostics import Code
from sphinxcontrib_dep.core.model import (
    Person,
    ReviewStatus,
    Status,
    lookup_category,
    number_from_filename,
    slugify,
)
from sphinxcontrib_dep.core.parsing import guess_date, parse_file, parse_meta, parse_person, scan


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Under Review", Status.UNDER_REVIEW),
        ("under-review", Status.UNDER_REVIEW),
        ("UNDER_REVIEW", Status.UNDER_REVIEW),
        ("draft", Status.IN_PROGRESS),
        ("In progress", Status.IN_PROGRESS),
        ("superseded", Status.SUPERSEDED),
        ("Accepted", None),
        ("", None),
    ],
)
def test_status_lookup(text: str, status: Status | None) -> None:
    assert Status.lookup(text) is status


def test_there_are_eight_statuses_and_six_reviewer_statuses() -> None:
    assert len(Status) == 8
    assert [s.value for s in ReviewStatus] == [
        "Not Started",
        "Reviewing",
        "Approved",
        "Rejected",
        "Deferred",
        "Changes Requested",
    ]
    assert ReviewStatus.lookup("changes_requested") is ReviewStatus.CHANGES_REQUESTED


def test_category_lookup_is_configurable() -> None:
    assert (
        lookup_category("build / infrastructure", ("Architecture", "Build/Infrastructure"))
        == "Build/Infrastructure"
    )
    assert lookup_category("CI/CD", ("Architecture",)) is None
    assert lookup_category("ci-cd", ("Architecture", "CI/CD")) == "CI/CD"


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("@nnshah1", Person(handle="nnshah1")),
        ("Jane Doe", Person(name="Jane Doe")),
        ("[nnshah1](https://github.com/nnshah1)", Person(handle="nnshah1")),
        ("[@kthui](https://github.com/kthui)", Person(handle="kthui")),
        ("Jane <https://example.org/jane>", Person(name="Jane", url="https://example.org/jane")),
        ("@ai-dynamo/DevOps", Person(handle="ai-dynamo/DevOps")),
    ],
)
def test_people(text: str, person: Person) -> None:
    assert parse_person(text) == person


def test_team_handles_link_to_the_team_page() -> None:
    assert Person(handle="ai-dynamo/DevOps").profile_url == "https://github.com/orgs/ai-dynamo/teams/DevOps"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-16", date(2025, 4, 16)),
        ("Jul 09 2025", date(2025, 7, 9)),
        ("07/15/2025", date(2025, 7, 15)),
        ("July 21 2025", date(2025, 7, 21)),
        ("March 31, 2026", date(2026, 3, 31)),
        ("Feb 11 2026", date(2026, 2, 11)),
        ("25/12/2025", date(2025, 12, 25)),
        ("TBD", None),
        ("soon", None),
    ],
)
def test_guess_date_reads_the_corpus_forms(text: str, expected: date | None) -> None:
    assert guess_date(text) == expected


def test_file_numbers_and_slugs() -> None:
    assert number_from_filename("deps/0012-foo.md") == 12
    assert number_from_filename("0000-draft.md") is None
    assert number_from_filename("readme.md") is None
    assert slugify("Éclair: ../../etc/passwd & Co") == "eclair-etc-passwd-co"
    assert slugify("///") == "proposal"


def test_parse_meta_full_header() -> None:
    dep, diagnostics = parse_meta(
        {
            "status": "Under Review",
            "authors": "@nnshah1, Jane Doe",
            "category": "architecture",
            "sponsor": "@ryanolson",
            "required-reviewers": "@ryanolson (approved), @grahamking (changes requested), Maksim K",
            "review-date": "2025-07-09",
            "replaces": "DEP-0003 (partial), 4",
            "replaced-by": "",
            "pull-request": "https://github.com/ai-dynamo/enhancements/pull/15",
            "implementation": "https://github.com/ai-dynamo/dynamo/pull/1671, https://github.com/ai-dynamo/dynamo/issues/12",
            "template": "complete",
        },
        path="deps/0001-stream.md",
        line=3,
        title="Error Propagation",
    )
    assert diagnostics == []
    assert dep.number == 1  # from the file name
    assert dep.status is Status.UNDER_REVIEW
    assert dep.category == "Architecture"
    assert [r.status for r in dep.reviewers] == [
        ReviewStatus.APPROVED,
        ReviewStatus.CHANGES_REQUESTED,
        ReviewStatus.NOT_STARTED,
    ]
    assert [(r.number, r.partial) for r in dep.replaces] == [(3, True), (4, False)]
    assert [link.label for link in dep.implementation] == ["ai-dynamo/dynamo#1671", "ai-dynamo/dynamo#12"]
    assert [link.kind for link in dep.implementation] == ["pr", "issue"]
    assert dep.review_date == date(2025, 7, 9)


@pytest.mark.parametrize("scheme", ["javascript:alert(1)", "data:text/html", "vbscript:x", "JaVaScRiPt:x"])
def test_unsafe_links_are_refused(scheme: str) -> None:
    dep, diagnostics = parse_meta(
        {"status": "Approved", "implementation": scheme, "pull-request": scheme},
        path="deps/0001-x.md",
        line=1,
        option_lines={"implementation": 5, "pull-request": 4},
    )
    assert dep.implementation == [] and dep.pull_request is None
    assert [(d.code, d.line) for d in diagnostics] == [(Code.URL, 4), (Code.URL, 5)]


def test_unknown_values_are_located_at_their_option() -> None:
    _, diagnostics = parse_meta(
        {"status": "Accepted", "category": "CI/CD", "review-date": "soon", "colour": "red"},
        path="deps/0002-x.md",
        line=3,
        option_lines={"status": 4, "category": 5, "review-date": 6, "colour": 7},
    )
    assert [(d.code, d.line) for d in diagnostics] == [
        (Code.OPTION, 7),
        (Code.STATUS, 4),
        (Code.CATEGORY, 5),
        (Code.DATE, 6),
    ]


def test_scan_ignores_headings_in_code_and_finds_blocks() -> None:
    text = (
        "# Title\n\n```{dep-meta}\n:status: Draft\n:authors: @a,\n  @b\n```\n\n"
        "```python\n# not a heading\n```\n\n## Summary\n\n:::{dep-alternative} Other\nbody\n:::\n"
    )
    from sphinxcontrib_dep.core.reader import myst_config

    # MyST reads ``:::`` fences as directives only with its colon_fence extension; so does scan.
    assert [b.name for b in scan(text, "deps/0001-x.md").blocks] == ["dep-meta"]
    scanned = scan(text, "deps/0001-x.md", myst_config({"enable_extensions": ["colon_fence"]}))
    assert [(h.level, h.text, h.line) for h in scanned.headings] == [(1, "Title", 1), (2, "Summary", 13)]
    meta, alternative = scanned.blocks
    # As in sphinx-build (MyST's own option reader): the block ends at the first line not
    # starting with ':', so the indented "@b" is body text, not a continuation.
    assert meta.options == {"status": "Draft", "authors": "@a,"}
    assert meta.option_lines == {"status": 4, "authors": 5}
    assert (meta.body, meta.body_line) == (["  @b"], 6)
    assert (alternative.name, alternative.argument, alternative.body, alternative.body_line) == (
        "dep-alternative",
        "Other",
        ["body"],
        16,
    )


def test_scan_rst() -> None:
    text = "Title\n=====\n\n.. dep-meta::\n   :status: Approved\n   :number: 3\n\nSummary\n-------\n"
    scanned = scan(text, "deps/0003-x.rst")
    assert [(h.level, h.text, h.line) for h in scanned.headings] == [(1, "Title", 1), (2, "Summary", 8)]
    assert scanned.blocks[0].options == {"status": "Approved", "number": "3"}
    assert scanned.blocks[0].option_lines == {"status": 5, "number": 6}


def test_parse_file_without_meta() -> None:
    dep, _, diagnostics = parse_file("# Title\n\nText.\n", "deps/0001-x.md")
    assert dep is None
    assert [d.format() for d in diagnostics] == [
        "deps/0001-x.md:1: no dep-meta block in this proposal [dep.missing_meta]"
    ]


def test_config_validates_and_reads_pyproject(tmp_path) -> None:
    with pytest.raises(ConfigError, match="dep_id_width must be int"):
        DepConfig(id_width="4")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="dep_categories must be a non-empty list"):
        DepConfig(categories=[])
    (tmp_path / "pyproject.toml").write_text('[tool.dep]\nid-prefix = "KEP-"\ncategories = ["A", "B"]\n')
    settings = load(tmp_path, {"id_width": 3})
    assert (settings.id_prefix, settings.categories, settings.format_id(7)) == ("KEP-", ["A", "B"], "KEP-007")
    (tmp_path / "pyproject.toml").write_text("[tool.dep]\ncolour = 1\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        load(tmp_path)


def test_tracker_patterns_that_backtrack_exponentially_are_refused() -> None:
    """F24: a repetition inside a repetition may take exponential time on a proposal's key."""
    url = "https://jira.example.org/browse/{key}"
    for pattern in ["([A-Z]+-?)+[0-9]+", "(a+)+", "((ab)*c)*", "(?=(a+)+)x"]:
        with pytest.raises(ConfigError) as caught:
            DepConfig(trackers={pattern: url})
        assert str(caught.value) == (
            f"dep_trackers must map key patterns without a repetition inside a repetition: {pattern!r} may take "
            "exponential time on a proposal's key (write ([A-Z]+-)?[0-9]+, not ([A-Z]+-?)+[0-9]+)"
        )
    for pattern in ["DYN-[0-9]+", "([A-Z]+-)?[0-9]+", "(?:[A-Z]{2,10}-)?[0-9]+", "(ENG|OPS)-[0-9]+"]:
        assert DepConfig(trackers={pattern: url}).trackers == {pattern: url}


def test_core_imports_no_sphinx() -> None:
    code = (
        "import sys, sphinxcontrib_dep.core.model, sphinxcontrib_dep.core.parsing, sphinxcontrib_dep.core.config, "
        "sphinxcontrib_dep.core.diagnostics; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'sphinx', 'docutils', 'sphinx_needs'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
