"""Tier 3: alternatives, phases, the reviewer matrix, section rules and embargo in real Sphinx builds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOTS, Build, build_in_process, fill, write_project

from sphinxcontrib_dep.core import analysis
from sphinxcontrib_dep.core.config import DepConfig
from sphinxcontrib_dep.core.model import Template
from sphinxcontrib_dep.core.sections import template_text

#: What the embargoed proposal of test-structure holds; none of it may reach a public build.
SECRETS = (
    "Frobnicator",
    "DEP-0003",
    "EMBARGOED-PAYLOAD-TEXT",
    "EMBARGOED-ALTERNATIVE-TEXT",
    "0003-frobnicator",
)


def needs_of(outdir: Path) -> dict[str, dict]:
    return json.loads((outdir / "needs.json").read_text())["versions"][""]["needs"]


pytestmark = pytest.mark.sphinx("html", testroot="structure")


@pytest.fixture
def structure(html_and_needs: tuple[Path, Build, Build]) -> tuple[Path, Build, Build]:
    """``tests/roots/test-structure`` built as HTML and needs.json (by ``sphinx.testing``)."""
    return html_and_needs


@pytest.mark.sphinx("html", testroot="structure", freshenv=True)
def test_builds_without_warnings(structure) -> None:
    _, html, needs = structure
    assert html.warnings == [] and needs.warnings == []


def test_needs_json_holds_alternatives_and_phases(structure) -> None:
    needs = needs_of(structure[2].outdir)
    assert sorted(needs) == [
        "DEP-0001",
        "DEP-0001-ALT-1",
        "DEP-0001-ALT-2",
        "DEP-0001-PHASE-0",
        "DEP-0001-PHASE-1",
        "DEP-0002",
        "DEP-0003",
        "DEP-0003-ALT-1",
        "IMPL-0001-PHASE-0-1",
        "IMPL-0001-PHASE-0-2",
    ]
    alt = needs["DEP-0001-ALT-1"]
    assert {
        k: alt[k]
        for k in ("type", "title", "status", "pros", "cons", "reason_rejected", "notes", "alternative_of")
    } == {
        "type": "alt",
        "title": "Keep proposals in Google Docs",
        "status": "Rejected",
        "pros": [
            "Real-time collaboration, see [the docs](https://docs.google.com)",
            "Comments <script>alert(1)</script>",
        ],
        "cons": ["Hard to share outside the company"],
        "reason_rejected": ["The team should **own** its template"],
        "notes": ["Free text, optional."],
        "alternative_of": ["DEP-0001"],
    }
    assert needs["DEP-0001-ALT-2"]["reason_rejected"] == ["Verbose and a little intimidating"]
    phase = needs["DEP-0001-PHASE-0"]
    keys = (
        "type",
        "title",
        "number",
        "release_target",
        "effort",
        "supported",
        "not_supported",
        "work_items",
        "phase_of",
        "implements_back",
    )
    assert {k: phase[k] for k in keys} == {
        "type": "phase",
        "title": "Phase 0: Folder structure and templates",
        "number": 0,
        "release_target": "0.4.0",
        "effort": "1 engineer, 2 weeks",
        "supported": ["The `deps/` folder and *both* templates", "Numbering by file name"],
        "not_supported": ["Automatic indexing"],
        "work_items": [
            "https://github.com/ai-dynamo/enhancements/issues/3",
            "https://github.com/ai-dynamo/enhancements/pull/7",
        ],
        "phase_of": ["DEP-0001"],
        "implements_back": ["IMPL-0001-PHASE-0-1", "IMPL-0001-PHASE-0-2"],
    }
    impl = needs["IMPL-0001-PHASE-0-2"]
    assert (impl["type"], impl["title"], impl["impl_kind"], sorted(impl["implements"])) == (
        "impl",
        "ai-dynamo/enhancements#7",
        "pr",
        ["DEP-0001", "DEP-0001-PHASE-0"],
    )
    dep = needs["DEP-0001"]
    assert dep["alternative_of_back"] == ["DEP-0001-ALT-1", "DEP-0001-ALT-2"]
    assert dep["phase_of_back"] == ["DEP-0001-PHASE-0", "DEP-0001-PHASE-1"]
    assert sorted(dep["implements_back"]) == ["IMPL-0001-PHASE-0-1", "IMPL-0001-PHASE-0-2"]


def test_cards_render_items_with_markup_and_escape_html(structure) -> None:
    page = (structure[1].outdir / "deps" / "0001-folder-structure.html").read_text()
    assert '<div class="dep-alternative docutils container" id="DEP-0001-ALT-1">' in page
    assert '<strong class="dep-part-title">Keep proposals in Google Docs</strong>' in page
    assert (
        '<li><p>Real-time collaboration, see <a class="reference external" href="https://docs.google.com">the docs</a></p></li>'
        in page
    )
    assert "<li><p>Comments &lt;script&gt;alert(1)&lt;/script&gt;</p></li>" in page
    assert "<script>alert(1)" not in page
    assert "<li><p>The team should <strong>own</strong> its template</p></li>" in page
    assert '<div class="dep-phase docutils container" id="DEP-0001-PHASE-0">' in page
    assert '<span class="dep-badge dep-phase-badge">Phase 0</span>' in page
    assert (
        '<a class="reference external" href="https://github.com/ai-dynamo/enhancements/pull/7">'
        "ai-dynamo/enhancements#7</a>"
    ) in page


def test_reviewer_matrix_says_whether_approval_is_met(structure) -> None:
    approved = (structure[1].outdir / "deps" / "0001-folder-structure.html").read_text()
    assert '<table class="dep-reviewers docutils align-default">' in approved
    rows = re.findall(r'<tr class="row-(?:odd|even)"><td><p>(.*?)</p></td>\n<td><p>(.*?)</p></td>', approved)
    assert [(re.sub("<[^>]+>", "", who), re.sub("<[^>]+>", "", status)) for who, status in rows] == [
        ("&#64;grahamking", "Approved"),
        ("&#64;kthui", "Changes Requested"),
    ]
    assert (
        '<p class="dep-approval dep-approval-met">Approval rule met by decision: The category PIC approved '
        "on 2025-07-10; the requested changes move to phase 1.</p>"
    ) in approved
    review = (structure[1].outdir / "deps" / "0002-under-review.html").read_text()
    assert (
        '<p class="dep-approval dep-approval-unmet">Approval rule not met: 0 of 2 required reviewers approved '
        "or deferred; waiting on &#64;grahamking (Reviewing), Maksim K (Not Started).</p>"
    ) in review


# --------------------------------------------------------------------------------------
# Templates: untouched they report their placeholders (as dep lint does); filled, they build clean
# --------------------------------------------------------------------------------------


def test_templates_in_sphinx(tmp_path: Path) -> None:
    files = {
        "deps/0000-limited.md": template_text(Template.LIMITED),
        "deps/0000-complete.md": template_text(Template.COMPLETE),
        "deps/0001-limited-filled.md": fill(template_text(Template.LIMITED)),
        "deps/0002-complete-filled.md": fill(template_text(Template.COMPLETE)),
    }
    src = write_project(tmp_path / "src", files)
    build = build_in_process(src, tmp_path / "out")
    expected = []
    for name, text in files.items():
        expected += [d.format() for d in analysis.lint_text(text, name, DepConfig())[1]]
    assert not any("filled" in line for line in expected)
    assert len(expected) > 60 and all(line.endswith("[dep.placeholder]") for line in expected)
    assert sorted(build.warnings) == sorted(expected)
    needs = needs_of(build_in_process(src, tmp_path / "needs", builder="needs").outdir)
    assert needs["DEP-0002-PHASE-0"]["work_items"] == ["https://github.com/ai-dynamo/dynamo/issues/1"]


def test_sections_are_checked_in_sphinx_at_the_same_lines(tmp_path: Path) -> None:
    text = (
        "# Title\n\n```{dep-meta}\n:status: Approved\n:required-reviewers: @a (approved)\n```\n\n## Proposal\n\nText.\n\n"
        "```markdown\n## Summary\n```\n\n## Summary\n\n**[Required]**\n"
    )
    src = write_project(tmp_path / "src", {"deps/0001-x.md": text})
    build = build_in_process(src, tmp_path / "out")
    found = analysis.lint_text(text, "deps/0001-x.md", DepConfig())[1]
    expected = [d.format() for d in sorted(found, key=analysis.sort_key)]
    assert (
        build.warnings
        == expected
        == [
            "deps/0001-x.md:8: missing section 'Motivation', which the limited template requires (before 'Proposal') "
            "[dep.section_missing]",
            "deps/0001-x.md:16: missing section 'Alternate Solutions', which the limited template requires; "
            "write N/A if there are none [dep.section_missing]",
            "deps/0001-x.md:16: section 'Summary' is out of the template's order: it belongs before 'Proposal' "
            "[dep.section_order]",
            "deps/0001-x.md:18: template marker '**[Required]**' left in section 'Summary' [dep.placeholder]",
        ]
    )


def test_part_outside_a_proposal_warns(tmp_path: Path) -> None:
    src = write_project(
        tmp_path / "src",
        {"notes.md": "# Notes\n\n```{dep-phase} 0 Loose\n```\n"},
        index="# Index\n\n```{toctree}\nnotes\n```\n",
    )
    build = build_in_process(src, tmp_path / "out")
    assert build.warnings == [
        "notes.md:3: dep-phase outside the proposals folder (deps/) is not read as a proposal; move the file "
        "there [dep.misplaced]",
    ]


def test_part_in_a_file_without_header_warns(tmp_path: Path) -> None:
    text = "# Notes\n\n```{dep-phase} 0 Loose\n```\n"
    src = write_project(tmp_path / "src", {"deps/0001-notes.md": text})
    build = build_in_process(src, tmp_path / "out")
    expected = [
        "deps/0001-notes.md:1: no dep-meta block in this proposal [dep.missing_meta]",
        "deps/0001-notes.md:3: dep-phase outside a proposal: put it below the page's dep-meta [dep.phase]",
    ]
    assert build.warnings == expected
    assert [
        d.format()
        for d in sorted(analysis.lint_text(text, "deps/0001-notes.md", DepConfig())[1], key=analysis.sort_key)
    ] == expected


# --------------------------------------------------------------------------------------
# Embargo
# --------------------------------------------------------------------------------------


def files_mentioning(root: Path, needles: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = [n for n in needles if n.encode() in data]
            if hits:
                found[path.relative_to(root).as_posix()] = hits
    return found


def run_sphinx(src: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-D", "needs_build_json=1", *args, str(src), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )


def test_public_build_leaves_embargoed_proposals_out_entirely(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-structure", src)
    # The project build shows it (so the check below can fail) ...
    private = run_sphinx(src, tmp_path / "private")
    assert set(files_mentioning(tmp_path / "private", SECRETS)) >= {
        "deps/0003-frobnicator-mitigation.html",
        "needs.json",
        "searchindex.js",
        "index.html",
    }
    assert "embargoed" not in private.stdout
    # ... the public build has no trace of it anywhere in its output tree, doctrees included.
    public = run_sphinx(src, tmp_path / "public", "-D", "dep_public_build=1")
    assert files_mentioning(tmp_path / "public", SECRETS) == {}
    assert "sphinxcontrib-dep: public build: 1 embargoed proposal left out [dep.embargo]" in public.stdout
    assert not any(secret in public.stdout + public.stderr for secret in SECRETS)
    assert "DEP-0001-ALT-1" in needs_of(tmp_path / "public")
    # A second public build into the same tree stays clean too.
    run_sphinx(src, tmp_path / "public", "-D", "dep_public_build=1")
    assert files_mentioning(tmp_path / "public", SECRETS) == {}


def test_embargoed_page_is_marked_in_a_project_build(structure) -> None:
    page = (structure[1].outdir / "deps" / "0003-frobnicator-mitigation.html").read_text()
    assert '<span class="dep-badge dep-embargoed">Embargoed</span>' in page


def test_parallel_and_incremental_builds_give_the_same_parts(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-structure", src)
    # Sphinx reads in parallel only beyond five documents: add enough to split the work.
    for number in range(4, 14):
        (src / "deps" / f"{number:04d}-extra.md").write_text(
            f"# Extra {number}\n\n```{{dep-meta}}\n:status: In Progress\n:authors: @a{number}\n```\n\n"
            f"## Implementation Phases\n\n```{{dep-phase}} 0 First\n:work-items: https://github.com/o/r/issues/{number}\n"
            f"```\n\n## Alternate Solutions\n\n```{{dep-alternative}} Other {number}\n**Reason rejected:**\n- No\n```\n"
        )

    def strip(needs: dict[str, dict]) -> dict[str, dict]:
        return {k: {f: v for f, v in n.items() if f not in {"created", "creator"}} for k, n in needs.items()}

    def needs_build(out: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "sphinx", "-b", "needs", "-q", *args, str(src), str(tmp_path / out)]
        return subprocess.run(command, capture_output=True, text=True, check=True)

    serial = needs_build("serial")
    parallel = needs_build("parallel", "-j", "4")
    assert serial.stderr == parallel.stderr == ""
    expected = strip(needs_of(tmp_path / "serial"))
    assert len([k for k in expected if "-ALT-" in k]) == 13 and "IMPL-0013-PHASE-0-1" in expected
    assert strip(needs_of(tmp_path / "parallel")) == expected
    # Touch one proposal and rebuild in place: its parts are read again, nothing doubles.
    page = src / "deps" / "0001-folder-structure.md"
    page.write_text(page.read_text() + "\n")
    again = needs_build("parallel", "-j", "4")
    assert again.stderr == ""
    assert strip(needs_of(tmp_path / "parallel")) == expected
