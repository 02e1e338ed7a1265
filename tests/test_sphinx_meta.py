"""Tier 3: dep-meta in real Sphinx builds: needs.json, the card, roles, parallel builds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import ROOTS, Build, sphinx_build

#: needs.json keys that change from run to run or carry sphinx-needs' own bookkeeping.
VOLATILE = {"created", "creator"}


def needs_of(outdir: Path) -> dict[str, dict]:
    data = json.loads((outdir / "needs.json").read_text())
    return data["versions"][""]["needs"]


pytestmark = pytest.mark.sphinx("html", testroot="basic")


@pytest.fixture
def basic(html_and_needs: tuple[Path, Build, Build]) -> tuple[Path, Build, Build]:
    """``tests/roots/test-basic`` built as HTML and needs.json (by ``sphinx.testing``)."""
    return html_and_needs


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_builds_without_warnings(basic) -> None:
    _, html, needs = basic
    assert html.warnings == [] and needs.warnings == []


def test_needs_json_holds_every_field(basic) -> None:
    _, _, build = basic
    needs = needs_of(build.outdir)
    assert sorted(needs) == ["DEP-0001", "DEP-0002", "DEP-0003", "IMPL-0001-1", "IMPL-0001-2", "IMPL-0003-1"]
    fields = [
        "type",
        "title",
        "status",
        "number",
        "authors",
        "category",
        "sponsors",
        "reviewers",
        "review_date",
        "replaces",
        "replaced_by",
        "replaces_back",
        "pull_request",
        "dep_template",
        "implements_back",
        "docname",
        "lineno",
    ]
    assert {key: needs["DEP-0001"][key] for key in fields} == {
        "type": "dep",
        "title": "Error Propagation during Response Streaming",
        "status": "Superseded",
        "number": 1,
        "authors": ["@nnshah1", "Jane Doe"],
        "category": "Architecture",
        "sponsors": ["@ryanolson"],
        "reviewers": ["@ryanolson (Approved)", "@grahamking (Deferred)"],
        "review_date": "2025-07-09",
        "replaces": [],
        "replaced_by": ["DEP-0003"],
        "replaces_back": ["DEP-0003"],
        "pull_request": "https://github.com/ai-dynamo/enhancements/pull/15",
        "dep_template": "complete",
        "implements_back": ["IMPL-0001-1", "IMPL-0001-2"],
        "docname": "deps/0001-error-propagation",
        "lineno": 3,
    }
    assert needs["DEP-0002"]["number"] == 2  # taken from the file name
    assert needs["DEP-0003"]["replaces"] == ["DEP-0001"]  # written in reStructuredText
    impl = needs["IMPL-0001-2"]
    assert (impl["type"], impl["title"], impl["url"], impl["impl_kind"], impl["implements"]) == (
        "impl",
        "ai-dynamo/dynamo#12",
        "https://github.com/ai-dynamo/dynamo/issues/12",
        "issue",
        ["DEP-0001"],
    )
    assert impl["parent_need"] is None


def test_each_proposal_page_shows_its_card(basic) -> None:
    _, build, _ = basic
    page = (build.outdir / "deps" / "0001-error-propagation.html").read_text()
    assert '<div class="dep-card docutils container" id="DEP-0001">' in page
    assert '<span class="dep-badge dep-status-superseded">Superseded</span>' in page
    assert (
        '<a class="dep-person reference external" href="https://github.com/nnshah1">&#64;nnshah1</a>' in page
    )
    assert '<span class="dep-badge dep-review-deferred">Deferred</span>' in page
    assert 'href="0003-error-standardization.html#DEP-0003"' in page
    rst_page = (build.outdir / "deps" / "0003-error-standardization.html").read_text()
    assert '<div class="dep-card docutils container" id="DEP-0003">' in rst_page


def test_role_links_with_title_and_status(basic) -> None:
    _, build, _ = basic
    index = (build.outdir / "index.html").read_text()
    assert (
        '<a class="reference internal" href="deps/0001-error-propagation.html#DEP-0001" '
        'title="DEP-0001: Error Propagation during Response Streaming"><span class="dep-ref">'
        "<span>DEP-0001: Error Propagation during Response Streaming</span> "
        '<span class="dep-badge dep-status-superseded">Superseded</span></span></a>'
    ) in index
    assert '<span class="xref dep">the streaming one</span>' in index


def test_parallel_build_gives_the_same_needs_json(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    # Sphinx reads in parallel only beyond five documents: add enough to split the work.
    for number in range(4, 16):
        # A chain of replacements, written on both sides (a one-sided one is a warning).
        replaces = f":replaces: {number - 1}\n" if number > 4 else ""
        replaced_by = f":replaced-by: {number + 1}\n" if number < 15 else ""
        (src / "deps" / f"{number:04d}-extra.md").write_text(
            f"# Extra {number}\n\n```{{dep-meta}}\n:status: Approved\n:authors: @a{number}\n"
            f"{replaces}{replaced_by}:implementation: https://github.com/o/r/pull/{number}\n```\n"
        )
    for extra in (src / "deps").glob("*-extra.md"):  # an Approved proposal holds its sections
        sections = ("Summary", "Motivation", "Proposal", "Alternate Solutions")
        text = extra.read_text().replace(
            ":status: Approved\n", ":status: Approved\n:required-reviewers: @r (approved)\n"
        )
        extra.write_text(text + "".join(f"\n## {name}\n\nText.\n" for name in sections))
    serial = sphinx_build(src, tmp_path / "serial", builder="needs", check=True)
    parallel = sphinx_build(src, tmp_path / "parallel", "-j", "4", builder="needs", check=True)

    def strip(needs: dict[str, dict]) -> dict[str, dict]:
        return {k: {f: v for f, v in need.items() if f not in VOLATILE} for k, need in needs.items()}

    assert strip(needs_of(parallel.outdir)) == strip(needs_of(serial.outdir))


def test_unknown_reference_is_one_warning_even_when_nitpicky(project) -> None:
    src = project(
        {
            "deps/0001-a.md": "# A\n\n```{dep-meta}\n:status: In Progress\n:authors: @a\n```\n\nSee {dep}`99`.\n",
        }
    )
    build = sphinx_build(src, src.parent / "out", "-n")
    assert build.warnings == [
        "deps/0001-a.md:8: {dep} role: no proposal '99' in this project [dep.unknown_ref]"
    ]
    assert (
        '<span class="dep-ref-missing"><span class="xref dep">99</span></span>'
        in (src.parent / "out" / "deps" / "0001-a.html").read_text()
    )
