"""The page "Using sphinx-needs' views on proposals": its examples, built, with their tables.

``docs/examples/needs/`` is the project the page shows (``views.md`` is included in the
page itself, over this site's own proposals); here it is built and every table is
compared with what its filter string must select from the four example proposals.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import REPO, build_in_process, rows_of

EXAMPLE = REPO / "docs" / "examples" / "needs"


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("needs") / "src"
    shutil.copytree(EXAMPLE, src)
    build = build_in_process(src, src.parent / "out")
    assert build.warnings == []
    return build.outdir


@pytest.fixture(scope="module")
def views(outdir: Path) -> str:
    return (outdir / "views.html").read_text(encoding="utf-8")


def tables(html: str) -> list[list[list[str]]]:
    return [rows_of("<table" + part, "NEEDS_TABLE") for part in html.split("<table")[1:]]


def test_needtables_select_what_their_filters_say(views: str) -> None:
    found = tables(views)
    assert found == [
        # status in ["Not Started", "In Progress", "Under Review"], by number
        [
            ["DEP-DRAFT-RATE-LIMITS", "Rate Limits per Receiver", "In Progress", "Architecture", "@ada"],
            ["DEP-0002", "An Audit Log of Deliveries", "Under Review", "Process", "@bob"],
        ],
        # every impl need: implementation links and a phase's work item
        [
            ["IMPL-0001-1", "https://github.com/example/hooks/pull/12", "pr", "DEP-0001"],
            ["IMPL-0003-1", "https://github.com/example/hooks/pull/40", "pr", "DEP-0003"],
            ["IMPL-0003-2", "https://github.com/example/hooks/issues/41", "issue", "DEP-0003"],
            [
                "IMPL-0003-PHASE-1-1",
                "https://github.com/example/hooks/pull/42",
                "pr",
                "DEP-0003; DEP-0003-PHASE-1",
            ],
        ],
        # type in ["alt", "phase"]
        [
            ["DEP-0001-ALT-1", "alt", "Retry forever", "DEP-0001", "", ""],
            ["DEP-0003-PHASE-1", "phase", "Phase 1: The queue", "", "DEP-0003", "2.0"],
        ],
        # category == "Architecture" and "@ada" in authors
        [
            ["DEP-0001", "Retry Failed Webhook Deliveries", "@ada", "@carol"],
            ["DEP-0003", "A Delivery Queue with Backoff", "@ada; @bob", "@carol"],
            ["DEP-DRAFT-RATE-LIMITS", "Rate Limits per Receiver", "@ada", ""],
        ],
    ]


def test_needpie_needflow_and_need_count(views: str, outdir: Path) -> None:
    assert re.search(
        r'<img alt="Proposals by status" id="needpie-[^"]*" src="_images/need_pie_[0-9a-f]+\.svg"', views
    )
    (pie_file,) = (outdir / "_images").glob("need_pie_*.svg")
    pie = pie_file.read_text(encoding="utf-8")
    # Two open, one decided, one replaced, of four.
    for label in ("Open", "Decided", "Replaced", "50.0%", "25.0%"):
        assert label in pie, label
    assert re.search(r'<img src="_images/needflow-[0-9a-f]+\.png" alt="needflow graphviz diagram"', views)
    areas = re.findall(r'<area [^>]*href="([^"]+)"', views)
    assert any("0001-retry-webhooks.html#DEP-0001" in a for a in areas)
    assert any("0003-delivery-queue.html#DEP-0003" in a for a in areas)
    assert "Implemented proposals: 1." in views


def test_the_docs_page_shows_and_includes_the_examples() -> None:
    page = (REPO / "docs" / "needs.md").read_text(encoding="utf-8")
    assert page.startswith("# Using sphinx-needs' views on proposals\n")
    assert "```{literalinclude} examples/needs/views.md" in page
    assert "```{include} examples/needs/views.md" in page
