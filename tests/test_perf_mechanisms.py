"""Issue 16's mechanisms change how pages are made, never what they say.

* The views' tables are written to HTML by the builder's own translator, each distinct row
  once (:class:`~sphinxcontrib_dep.sphinx.tables.HtmlTables`): the page is byte for byte
  the page the docutils nodes gave.
* ``needs.json`` is written with the C encoder (:func:`~sphinxcontrib_dep.sphinx.needs.fast_needs_json`):
  the same text, and only while sphinx-needs' method is the one it replaces.
* ``-j 4`` gives what a serial build gives, on the benchmark's realistic project: every
  view (status chart, index, traceability, review report, graph), alternatives and phases.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

pytestmark = pytest.mark.slow

#: Proposals in the project: enough for Sphinx to read and write in parallel, and for every
#: status, category, replacement chain, alternative and phase the generator draws.
COUNT = 60

#: A build run in a child process, with code run first (to switch a mechanism off or spy on it).
DRIVER = """
import sys
{prelude}
from sphinx.cmd.build import main
code = main(sys.argv[1:])
{epilogue}
sys.exit(code)
"""


def build(src: Path, out: Path, *args: str, prelude: str = "", epilogue: str = "") -> str:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONHASHSEED": "0"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    driver = DRIVER.format(prelude=prelude, epilogue=epilogue)
    proc = subprocess.run(
        [sys.executable, "-c", driver, "-b", "html", "-q", *args, str(src), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("perf") / "src"
    generate.write_site(
        src, COUNT, variant="dep", alternatives=True, phases=True, reports=generate.REPORT_DIRECTIVES
    )
    return src


@pytest.fixture(scope="module")
def serial(project: Path) -> tuple[Path, str]:
    out = project.parent / "serial"
    spy = (
        "from sphinxcontrib_dep.sphinx import tables\n"
        "written = []\n"
        "original = tables.HtmlTables.table\n"
        "def table(self, *args, **kwargs):\n"
        "    result = original(self, *args, **kwargs)\n"
        "    written.append(result is not None)\n"
        "    return result\n"
        "tables.HtmlTables.table = table\n"
    )
    log = build(project, out, prelude=spy, epilogue="print('TABLES', written.count(True), len(written))")
    return out, log


def test_the_views_page_holds_every_view(serial: tuple[Path, str]) -> None:
    out, log = serial
    html = (out / "proposals.html").read_text(encoding="utf-8")
    for needle in ('class="dep-chart"', "dep-index-table", "dep-traceability-table", "dep-review-table"):
        assert needle in html, needle
    assert '<div class="dep-graph-svg">' in html
    # Every table of the page was written by the HTML path: 3 status-less index groups at least.
    match = re.search(r"TABLES (\d+) (\d+)", log)
    assert match is not None, log
    assert int(match.group(1)) == int(match.group(2)) >= 5


def test_html_tables_are_the_pages_the_nodes_gave(project: Path, serial: tuple[Path, str]) -> None:
    """The same project with the HTML path switched off (tables as nodes, as before)."""
    out, _ = serial
    nodes_out = project.parent / "nodes"
    build(
        project,
        nodes_out,
        prelude=(
            "from sphinxcontrib_dep.sphinx import tables\n"
            "tables.HtmlTables.for_page = classmethod(lambda cls, builder, document: None)\n"
        ),
    )
    pages = sorted(p.relative_to(out) for p in out.rglob("*.html"))
    assert len(pages) > COUNT
    for page in pages:
        assert (out / page).read_bytes() == (nodes_out / page).read_bytes(), page
    # The search index still holds the views' words (Sphinx indexes raw HTML's text).
    assert (out / "searchindex.js").read_bytes() == (nodes_out / "searchindex.js").read_bytes()


def _needs(out: Path) -> dict[str, object]:
    data = json.loads((out / "needs.json").read_text(encoding="utf-8"))
    for version in data["versions"].values():
        version.pop("created", None)
    data.pop("created", None)
    return data


def test_needs_json_is_the_text_json_dump_writes(serial: tuple[Path, str]) -> None:
    out, _ = serial
    text = (out / "needs.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), sort_keys=True)


def test_fast_needs_json_leaves_another_write_json_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from sphinx_needs.needsfile import NeedsList

    from sphinxcontrib_dep.sphinx import needs

    def write_json(self: object, needs_file: str = "needs.json", needs_path: str = "") -> None:
        """A later sphinx-needs that writes the file some other way."""

    monkeypatch.setattr(NeedsList, "write_json", write_json)
    needs.fast_needs_json()
    assert NeedsList.write_json is write_json


def test_parallel_build_equals_serial(project: Path, serial: tuple[Path, str]) -> None:
    out, _ = serial
    parallel = project.parent / "parallel"
    build(project, parallel, "-j", "4")
    pages = sorted(p.relative_to(out) for p in out.rglob("*.html"))
    assert pages == sorted(p.relative_to(parallel) for p in parallel.rglob("*.html"))
    for page in pages:
        assert (out / page).read_text(encoding="utf-8") == (parallel / page).read_text(encoding="utf-8"), page
    assert _needs(out) == _needs(parallel)
    assert json.loads((out / "deps.json").read_text()) == json.loads((parallel / "deps.json").read_text())
