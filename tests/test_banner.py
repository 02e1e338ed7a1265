"""Banners: a proposal a reader must not take for a standing decision says so above its card."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gitrepo import proposal
from helpers import build_in_process, write_project

from sphinxcontrib_dep.core.banner import banner_for, first_sentence
from sphinxcontrib_dep.core.model import Dep, Status

FILES = {
    "deps/0001-old.md": proposal(
        "Old Way", "Superseded", ":number: 1", ":replaced-by: DEP-0002, DEP-0003 (partial)"
    ),
    "deps/0002-new.md": proposal("New Way", "Approved", ":number: 2", ":replaces: DEP-0001"),
    "deps/0003-part.md": proposal("Part Way", "Approved", ":number: 3", ":replaces: DEP-0001 (partial)"),
    "deps/0004-no.md": proposal(
        "Refused <b>Idea</b>",
        "Rejected",
        ":number: 4",
        ":decision: @dave: too costly <script>x</script>. More reasons.",
    ),
    "deps/0005-later.md": proposal("Later", "Deferred", ":number: 5"),
    "deps/0000-draft.md": proposal("A Draft", "In Progress"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_project(tmp_path_factory.mktemp("banner") / "src", FILES)
    build = build_in_process(root, root.parent / "out")
    assert build.warnings == []
    return build.outdir


def banner_html(site: Path, name: str) -> str | None:
    page = (site / "deps" / f"{name}.html").read_text(encoding="utf-8")
    match = re.search(r'<div class="dep-banner .*?</div>', page, re.S)
    return match.group(0) if match else None


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def test_superseded_banner_links_every_successor(site: Path) -> None:
    found = banner_html(site, "0001-old")
    assert found is not None
    assert found.startswith(
        '<div class="dep-banner dep-banner-superseded" role="region" aria-label="Superseded proposal">'
    )
    assert text(found) == (
        "↪ Superseded This proposal is replaced by DEP-0002: New Way and DEP-0003: Part Way (in part) ."
    )
    links = re.findall(r'href="([^"]+)"', found)
    assert links == ["0002-new.html#DEP-0002", "0003-part.html#DEP-0003"]
    # Above the card, right below the title.
    page = (site / "deps" / "0001-old.html").read_text(encoding="utf-8")
    assert page.index("</h1>") < page.index("dep-banner") < page.index('class="dep-card')


def test_rejected_banner_says_the_decision_escaped(site: Path) -> None:
    found = banner_html(site, "0004-no")
    assert found is not None and 'aria-label="Rejected proposal"' in found
    assert "<script>" not in found
    assert text(found) == "✕ Rejected Decision: &#64;dave: too costly &lt;script&gt;x&lt;/script&gt;."


def test_deferred_and_undecided_banners(site: Path) -> None:
    deferred = banner_html(site, "0005-later")
    assert deferred is not None and text(deferred) == (
        "⏸ Deferred The decision is postponed; the proposal may be taken up again."
    )
    draft = banner_html(site, "0000-draft")
    assert draft is not None and "dep-banner-undecided" in draft
    assert text(draft) == (
        "✎ Not yet decided This is a proposal, not a decision (In Progress): "
        "what it describes may still change or be rejected."
    )


def test_a_standing_decision_has_no_banner(site: Path) -> None:
    assert banner_html(site, "0002-new") is None


def test_text_builder_shows_the_banner(tmp_path: Path) -> None:
    root = write_project(tmp_path / "src", FILES)
    build = build_in_process(root, tmp_path / "out", builder="text")
    assert build.warnings == []
    page = " ".join((build.outdir / "deps" / "0001-old.txt").read_text(encoding="utf-8").split())
    assert (
        "Old Way ******* **Superseded** This proposal is replaced by DEP-0002: New Way and DEP-0003: Part Way (in part)."
        in page
    )


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        ("@dave: the gateway retries. Migration doubles traffic.", "@dave: the gateway retries."),
        ("One sentence only", "One sentence only"),
        ('Ends with a quote." Next one.', 'Ends with a quote."'),
        ("v1.2 is out. Next.", "v1.2 is out."),
        ("  folded\n  lines!  More", "folded lines!"),
    ],
)
def test_first_sentence(decision: str, expected: str) -> None:
    assert first_sentence(decision) == expected


def test_first_sentence_is_bounded() -> None:
    assert len(first_sentence("word " * 1000)) == 300


def test_banner_by_status() -> None:
    kinds = {status: (b.kind if (b := banner_for(Dep(status=status))) else None) for status in Status}
    assert kinds == {
        Status.NOT_STARTED: "undecided",
        Status.IN_PROGRESS: "undecided",
        Status.UNDER_REVIEW: "undecided",
        Status.APPROVED: None,
        Status.IMPLEMENTED: None,
        Status.REJECTED: "rejected",
        Status.DEFERRED: "deferred",
        Status.SUPERSEDED: "superseded",
    }
