"""``dep-status-chart``: the status bar chart of the index page."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import build_in_process, write_project

from sphinxcontrib_dep.core.model import Dep, Status
from sphinxcontrib_dep.sphinx.chart import chart_html, status_counts

#: The proposals here are stubs: the process rules (sections, reviewers) are not what these
#: tests are about, so their warnings are off; any other warning still fails a test.
CONF = 'project = "t"\nextensions = ["sphinxcontrib_dep"]\nsuppress_warnings = ["dep"]\n'
INDEX = "# Proposals\n\n```{dep-status-chart}\n```\n\n```{toctree}\n:glob:\n\ndeps/*\nchart\n```\n"
#: A chart on a page whose toctree does not hold the proposals: only our
#: env-get-outdated handler makes Sphinx write it again when a proposal changes.
CHART = "# Chart\n\n```{dep-status-chart}\n```\n"


def proposal(title: str, status: str) -> str:
    return f"# {title}\n\n```{{dep-meta}}\n:status: {status}\n:authors: A\n```\n"


def bars(html: str) -> dict[str, int]:
    return {
        m.group(1): int(m.group(2)) for m in re.finditer(r'data-status="([a-z-]+)" data-count="(\d+)"', html)
    }


def test_counts_in_lifecycle_order_with_unknown_only_when_present() -> None:
    deps = [Dep(status=Status.APPROVED), Dep(status=Status.APPROVED), Dep(status=Status.REJECTED)]
    rows = status_counts(deps)
    assert [label for label, _, _ in rows] == [s.value for s in Status]
    assert dict((slug, n) for _, slug, n in rows)["approved"] == 2
    assert status_counts([Dep(status=None)])[-1] == ("Unknown", "unknown", 1)


def test_bar_width_is_share_of_largest_and_labels_are_escaped() -> None:
    html = chart_html([("A<b>", "approved", 4), ("B", "rejected", 1), ("C", "deferred", 0)], 5)
    assert "A&lt;b&gt;" in html and "A<b>" not in html
    assert re.findall(r"width: ([\d.]+)%", html) == ["100.0", "25.0", "0.0"]
    assert 'aria-label="5 proposals. A&lt;b&gt;: 4, B: 1"' in html


def test_chart_counts_the_project_and_follows_an_edit(tmp_path: Path) -> None:
    src = write_project(
        tmp_path / "src",
        {
            "deps/0001-a.md": proposal("A", "Approved"),
            "deps/0002-b.md": proposal("B", "Approved"),
            "deps/0003-c.md": proposal("C", "Rejected"),
            "chart.md": CHART,
        },
        conf=CONF,
        index=INDEX,
    )
    out = tmp_path / "out"
    build = build_in_process(src, out)
    assert build.warnings == []
    counts = bars((build.outdir / "chart.html").read_text())
    assert counts == {s.slug: 0 for s in Status} | {"approved": 2, "rejected": 1}
    assert bars((build.outdir / "index.html").read_text()) == counts

    # Only deps/0003-c.md changes, yet both charts are written again.
    (src / "deps" / "0003-c.md").write_text(proposal("C", "Approved"))
    build = build_in_process(src, out, fresh=False)
    assert build.warnings == []
    assert bars((build.outdir / "chart.html").read_text())["approved"] == 3
    assert bars((build.outdir / "index.html").read_text())["approved"] == 3


def test_text_builder_gets_a_table(tmp_path: Path) -> None:
    files = {"deps/0001-a.md": proposal("A", "Deferred"), "chart.md": CHART}
    src = write_project(tmp_path / "src", files, conf=CONF, index=INDEX)
    build = build_in_process(src, tmp_path / "out", builder="text")
    assert build.warnings == []
    text = (build.outdir / "index.txt").read_text()
    assert re.search(r"Deferred\s+\|\s+1", text), text
