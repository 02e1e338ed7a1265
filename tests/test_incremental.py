"""Tier 3: after one proposal changes, an incremental build rewrites every page showing it.

Real ``sphinx-build`` runs, twice in one output folder. Only the edited proposal may be
re-read; the index, traceability, report and graph pages, the pages linking to it with
``{dep}`` and the cards of proposals it replaces or is replaced by are rewritten from the
stored doctrees; deps.json is written again.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import ROOTS, region_text

_PROGRESS_RE = re.compile(r"^(reading sources|writing output)\.\.\. \[\s*\d+%\] (\S+)$")
VIEWS = {"all", "filtered", "traceability", "report", "graph"}


def build(src: Path, out: Path) -> tuple[set[str], set[str]]:
    """(documents read, documents written) of one build, from sphinx-build's progress lines."""
    # dep_stale_days=0 lists every open proposal in the review report, with its status.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "--no-color",
            "-b",
            "html",
            "-D",
            "dep_stale_days=0",
            str(src),
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    read, written = set(), set()
    # Progress may come as one line rewritten with escape codes (a terminal, or CI=true).
    for line in re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", result.stdout).splitlines():
        match = _PROGRESS_RE.match(line.strip())
        if match:
            (read if match.group(1) == "reading sources" else written).add(match.group(2))
    return read, written


def set_status(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert f":status: {old}\n" in text
    path.write_text(text.replace(f":status: {old}\n", f":status: {new}\n"))


def row_of(text: str, dep_id: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(f"| [{dep_id}]")]


def test_editing_one_status_updates_every_view_without_rereading_the_rest(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(ROOTS / "test-traceability", src)
    read, _ = build(src, out)
    assert "deps/0002-request-migration" in read and len(read) == 14

    set_status(src / "deps" / "0002-request-migration.md", "Under Review", "Deferred")
    # Deferred needs every verdict (dep.verdict): the reviewer still reviewing defers too.
    path = src / "deps" / "0002-request-migration.md"
    path.write_text(path.read_text().replace("Maksim K (reviewing)", "Maksim K (deferred)"))
    read, written = build(src, out)
    assert read == {"deps/0002-request-migration"}
    # The views, and index.md whose {dep} role links to DEP-0002; nothing else.
    assert written == {"deps/0002-request-migration", "index", *VIEWS}

    index = region_text((out / "all.html").read_text(), "dep-index")
    assert all("{Deferred}" in row for row in row_of(index, "DEP-0002"))
    assert "## Under Review\n| DEP | Title | Status | Authors | Category |\n| [DEP-0004]" in index
    trace = region_text((out / "traceability.html").read_text(), "dep-traceability")
    assert "{Deferred}" in row_of(trace, "DEP-0002")[0]
    review = region_text((out / "report.html").read_text(), "dep-review-report")
    under_review, _, stale = review.partition("## Not touched in 0 days")
    assert row_of(under_review, "DEP-0002") == []
    assert "{Deferred}" in row_of(stale, "DEP-0002")[0]
    filtered = region_text((out / "filtered.html").read_text(), "dep-index")
    assert row_of(filtered, "DEP-0002") == []
    deps = {d["id"]: d for d in json.loads((out / "deps.json").read_text())["deps"]}
    assert deps["DEP-0002"]["status"] == "Deferred"


def test_editing_a_replaced_proposal_updates_roles_and_cards_that_show_it(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(ROOTS / "test-traceability", src)
    build(src, out)

    set_status(src / "deps" / "0001-error-propagation.md", "Superseded", "Deferred")
    read, written = build(src, out)
    assert read == {"deps/0001-error-propagation"}
    # index.md links to DEP-0001 with {dep}; DEP-0003's card shows "Replaces DEP-0001".
    assert written == {"deps/0001-error-propagation", "index", "deps/0003-error-standardization", *VIEWS}
    badge = '<span class="dep-badge dep-status-deferred">Deferred</span>'
    role = (out / "index.html").read_text()
    assert f"<span>DEP-0001: Error Propagation during Response Streaming</span> {badge}" in role
    card = (out / "deps" / "0003-error-standardization.html").read_text()
    assert 'href="0001-error-propagation.html#DEP-0001"' in card and badge in card
