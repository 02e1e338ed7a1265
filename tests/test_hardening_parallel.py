"""Parallel builds: ``-j 4`` and serial builds of one corpus give the same data, and so does
an incremental ``-j 4`` rebuild after edits compared with a fresh build.

The corpus has 36 proposals (Sphinx only reads in parallel beyond a handful of documents)
linked by replacements, roles and implementation links, so every cross-document path of
the extension (the domain merge, sphinx-needs' merge, role resolution) is exercised.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import CONF, INDEX, normalize_warnings, sphinx_build, write_project

pytestmark = pytest.mark.slow

COUNT = 36
STATUSES = ["In Progress", "Under Review", "Approved", "Implemented", "Rejected", "Deferred", "Superseded"]

#: Build products that must not depend on how the build was run.
DATA_FILES = ("needs.json", "deps.json")


def proposal(number: int, status: str | None = None, title: str | None = None) -> str:
    status = status or STATUSES[number % len(STATUSES)]
    lines = [
        f"# {title or f'Proposal {number}'}",
        "",
        "```{dep-meta}",
        f":status: {status}",
        f":authors: @author{number % 5}, Person {number}",
        ":category: " + ["Architecture", "Process", "Build/Infrastructure", "Guidelines"][number % 4],
        f":required-reviewers: @rev{number % 3} (approved), @rev{(number + 1) % 3} (reviewing)",
        ":review-date: 2025-07-15",
    ]
    if number > 1 and number % 6 == 0:
        lines.append(f":replaces: DEP-{number - 1:04d}")
    if number % 6 == 5 and number < COUNT:
        lines.append(f":replaced-by: DEP-{number + 1:04d}")
    if status in {"Implemented", "Approved"}:
        lines.append(f":implementation: https://github.com/ai-dynamo/dynamo/pull/{1000 + number}")
    if status in {"Rejected", "Deferred"}:
        lines.append(":decision: Decided by the steering group.")
    lines += ["```", "", "## Summary", "", f"Builds on {{dep}}`{max(1, number - 1)}`.", ""]
    return "\n".join(lines)


def corpus() -> dict[str, str]:
    files = {f"deps/{n:04d}-proposal-{n}.md": proposal(n) for n in range(1, COUNT + 1)}
    # Broken ones too, so warnings (per file and corpus-wide) are compared as well.
    # A duplicate far from its twin in name order, so parallel readers see them apart.
    files["deps/0050-duplicate.md"] = proposal(50).replace(":status:", ":number: 7\n:status:")
    files["deps/0012-twin.md"] = proposal(12, title="Twin of 12")  # yields to 0012-proposal-12
    files["deps/0099-broken.md"] = proposal(99).replace(
        ":review-date: 2025-07-15", ":review-date: 07/15/2025"
    )
    files["deps/0098-unknown.md"] = proposal(98, status="Accepted")
    return files


#: conf.py records which process reads each document, to show the reading was parallel.
CONF_PIDS = (
    CONF
    + """needs_build_json = True

import os

def _record_reader(app, docname, source):
    if os.environ.get("DEP_TEST_PIDS"):
        with open(os.environ["DEP_TEST_PIDS"], "a") as pids:
            pids.write(f"{os.getpid()}\\n")

def setup(app):
    app.connect("source-read", _record_reader)
"""
)


def build(srcdir: Path, outdir: Path, *args: str) -> set[str]:
    """``sphinx-build``; returns the ids of the processes that read documents.

    Warnings go to ``<outdir>-warnings.txt`` (see :func:`warnings`).
    """
    pids = outdir.parent / f"{outdir.name}.pids"
    pids.unlink(missing_ok=True)
    result = sphinx_build(srcdir, outdir, *args, env={"DEP_TEST_PIDS": str(pids)})
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output
    assert "doing serial" not in result.output, result.output  # no fallback to serial reading
    return set(pids.read_text().split()) if pids.exists() else set()


def warnings(outdir: Path, srcdir: Path) -> list[str]:
    """The build's warnings, sorted: parallel reading changes their order, never their text."""
    text = (outdir.parent / f"{outdir.name}-warnings.txt").read_text()
    return sorted(normalize_warnings(text, srcdir))


def data(outdir: Path) -> dict[str, object]:
    """The JSON products, minus what records when rather than what (timestamps, versions)."""
    found: dict[str, object] = {}
    for name in DATA_FILES:
        path = outdir / name
        if path.exists():
            found[name] = _strip_volatile(json.loads(path.read_text(encoding="utf-8")))
    assert set(found) == set(DATA_FILES)
    return found


_VOLATILE = {"created", "generated", "generated_at", "build_time", "sphinx_version", "project_version"}


def _strip_volatile(value: object) -> object:
    if isinstance(value, dict):
        return {k: _strip_volatile(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_strip_volatile(v) for v in value]
    return value


def pages(outdir: Path) -> dict[str, str]:
    """The main content of the proposal pages and the index.

    Only the content: Sphinx itself does not re-render the navigation sidebar of pages
    that did not change, so that part of an incremental build is stale by design.
    """
    found = {}
    for path in sorted([*(outdir / "deps").glob("*.html"), outdir / "index.html"]):
        text = path.read_text(encoding="utf-8")
        match = re.search(r'role="main">(.*?)<div class="sphinxsidebar"', text, re.S)
        found[path.relative_to(outdir).as_posix()] = match.group(1) if match else text
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, set[str]]:
    root = tmp_path_factory.mktemp("parallel")
    srcdir = write_project(root / "src", corpus(), conf=CONF_PIDS, index=INDEX)
    build(srcdir, root / "serial")
    readers = build(srcdir, root / "parallel", "-j", "4")
    return srcdir, root / "serial", root / "parallel", readers


def test_reading_really_ran_in_parallel(built) -> None:
    *_, readers = built
    assert len(readers) >= 2


def test_parallel_and_serial_give_the_same_data(built) -> None:
    _, serial, parallel, _ = built
    serial_data = data(serial)
    assert serial_data == data(parallel)
    needs = next(iter(serial_data["needs.json"]["versions"].values()))["needs"]  # type: ignore[index]
    assert (
        len([n for n in needs.values() if n["type"] == "dep"]) == COUNT + 2
    )  # 0098, 0099; 0050 yields DEP-0007 to 0007


def test_parallel_and_serial_give_the_same_warnings(built) -> None:
    srcdir, serial, parallel, _ = built
    found = warnings(serial, srcdir)
    assert found == warnings(parallel, srcdir)
    assert any("[dep.duplicate_number]" in w for w in found)
    assert any("[dep.date]" in w for w in found) and any("[dep.status]" in w for w in found)


def test_parallel_and_serial_give_the_same_pages(built) -> None:
    _, serial, parallel, _ = built
    assert pages(serial) == pages(parallel)


def test_incremental_parallel_rebuild_equals_a_fresh_build(built, tmp_path: Path) -> None:
    srcdir, _, parallel, _ = built
    work = tmp_path / "src"
    shutil.copytree(srcdir, work)
    out = tmp_path / "incremental"
    shutil.copytree(parallel, out)
    # The copied environment records the old source folder; a build there is what users do,
    # so build once in place first (nothing changed: nothing but the paths is re-read).
    build(work, out, "-j", "4")

    # Edits: a status changes, a title changes (roles elsewhere show it), a proposal goes,
    # a new one arrives that replaces an existing one.
    (work / "deps/0003-proposal-3.md").write_text(proposal(3, status="Approved"))
    (work / "deps/0010-proposal-10.md").write_text(proposal(10, title="Renamed proposal"))
    (work / "deps/0020-proposal-20.md").unlink()
    new = proposal(COUNT + 1).replace("```\n\n## Summary", f":replaces: DEP-{COUNT:04d}\n```\n\n## Summary")
    (work / f"deps/{COUNT + 1:04d}-proposal-{COUNT + 1}.md").write_text(new)
    # A new file that sorts before an unchanged one with its number: it now holds DEP-0008.
    (work / "deps/0008-aaa-early-twin.md").write_text(proposal(8, title="Early twin"))

    build(work, out, "-j", "4")
    fresh = tmp_path / "fresh"
    build(work, fresh, "-j", "4")
    assert data(out) == data(fresh)
    current = pages(fresh)
    # Sphinx leaves the page of a deleted source behind; every current page must match.
    assert {name: text for name, text in pages(out).items() if name in current} == current
    needs = next(iter(data(out)["needs.json"]["versions"].values()))["needs"]  # type: ignore[index]
    assert needs["DEP-0003"]["status"] == "Approved"
    assert needs["DEP-0010"]["title"] == "Renamed proposal"
    assert "DEP-0020" not in needs and f"DEP-{COUNT + 1:04d}" in needs
    assert needs["DEP-0008"]["title"] == "Early twin"
