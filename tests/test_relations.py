"""Issue 20, relations: :extends: and :related:, ``dep related``, the graph, tables, card, needs and deps.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import build_in_process, sphinx_build, write_project

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core import analysis, relations, report
from sphinxcontrib_dep.core.config import DepConfig


def proposal(title: str, **options: str) -> str:
    lines = [
        f"# {title}",
        "",
        "```{dep-meta}",
        ":status: In Progress",
        ":authors: @alice",
        ":category: Process",
    ]
    lines += [f":{name.replace('_', '-')}: {value}" for name, value in options.items()]
    return "\n".join([*lines, "```", ""])


#: The drafts' own shape: process improvements extend the process; issues-as-DEPs extend
#: the improvements; the area taxonomy is related; a new process replaces part of the old.
FILES = {
    "deps/0001-process.md": proposal("DEP Process", replaced_by="DEP-0005 (partial)"),
    "deps/0002-process-improvements.md": proposal(
        "DEP Process Improvements", extends="DEP-0001", related="DEP-0004"
    ),
    "deps/0003-issues-as-deps.md": proposal("Issues as DEPs", extends="DEP-0002"),
    "deps/0004-area-taxonomy.md": proposal("DEP Area Taxonomy"),
    "deps/0005-new-process.md": proposal("New Process", replaces="DEP-0001 (partial)"),
}

INDEX = "# Proposals\n\n```{dep-traceability}\n```\n\n```{dep-graph}\n```\n\n```{toctree}\n:glob:\n\ndeps/*\n```\n"


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_project(tmp_path / "proj", FILES, index=INDEX)
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def deps_of(root: Path) -> list:  # type: ignore[type-arg]
    result = analysis.lint_paths([], root, DepConfig(early_numbering=True))
    assert result.diagnostics == []
    return result.deps


def test_deps_json_holds_extends_and_related_from_both_sides(proj: Path) -> None:
    document = report.deps_json(deps_of(proj), DepConfig())
    got = {r["id"]: (r["extends"], r["related"], r["retroactive"]) for r in document["deps"]}
    assert got == {
        "DEP-0001": ([], [], False),
        "DEP-0002": (["DEP-0001"], ["DEP-0004"], False),
        "DEP-0003": (["DEP-0002"], [], False),
        "DEP-0004": ([], ["DEP-0002"], False),  # written on DEP-0002's side only
        "DEP-0005": ([], [], False),
    }


def test_graph_draws_extends_dotted_and_related_undirected(proj: Path) -> None:
    deps = deps_of(proj)
    dot = report.graph_dot(deps, DepConfig())
    assert '  dep2 -> dep1 [color="#8250df", style="dotted", label="extends"];' in dot
    assert '  dep3 -> dep2 [color="#8250df", style="dotted", label="extends"];' in dot
    assert '  dep2 -> dep4 [color="#bf8700", style="dashed", dir="none", label="related to"];' in dot
    assert report.graph_edge_texts(deps, DepConfig()) == [
        "DEP-0005 replaces (partial) DEP-0001",
        "DEP-0002 extends DEP-0001",
        "DEP-0003 extends DEP-0002",
        "DEP-0002 related to DEP-0004",
    ]
    # One connected part: relations join proposals as replacements do.
    assert len(report.graph_parts(deps, DepConfig())) == 1


def test_traceability_table_has_extends_and_related_columns(proj: Path) -> None:
    table = report.traceability_table(deps_of(proj), DepConfig())
    assert table.headers[-4:] == ["Replaces", "Replaced by", "Extends", "Related"]
    rows = {row[0]: row[-2:] for row in table.rows}
    assert rows["DEP-0002"] == ["DEP-0001", "DEP-0004"]
    assert rows["DEP-0004"] == ["", "DEP-0002"]


def test_dep_related_prints_lineage_both_ways(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "related", "1")
    assert (code, err) == (0, "")
    assert out == (
        "DEP-0001 DEP Process [In Progress]\n"
        "  extended by:\n"
        "    DEP-0002 DEP Process Improvements [In Progress]\n"
        "    DEP-0003 Issues as DEPs [In Progress] (through DEP-0002)\n"
        "  replaced by:\n"
        "    DEP-0005 New Process [In Progress]\n"
    )
    code, out, _ = run(capsys, "related", "DEP-0003")
    assert code == 0
    assert out == (
        "DEP-0003 Issues as DEPs [In Progress]\n"
        "  extends:\n"
        "    DEP-0002 DEP Process Improvements [In Progress]\n"
        "    DEP-0001 DEP Process [In Progress] (through DEP-0002)\n"
    )
    code, out, _ = run(capsys, "related", "taxonomy")
    assert (
        out
        == "DEP-0004 DEP Area Taxonomy [In Progress]\n  related:\n    DEP-0002 DEP Process Improvements [In Progress]\n"
    )


def test_dep_related_by_words_as_json(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "related", "dep PROCESS", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [p["id"] for p in data["proposals"]] == ["DEP-0001", "DEP-0002"]
    improvements = data["proposals"][1]
    assert improvements["extends"] == [
        {"id": "DEP-0001", "number": 1, "title": "DEP Process", "status": "In Progress", "via": None}
    ]
    assert [e["id"] for e in improvements["extended_by"]] == ["DEP-0003"]
    assert [e["id"] for e in improvements["related"]] == ["DEP-0004"]
    assert improvements["replaces"] == improvements["replaced_by"] == []


def test_dep_related_finds_nothing(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "related", "9") == (1, "", "dep related: no proposal is '9' or has it in its title\n")
    assert run(capsys, "related", "router")[0] == 1


def test_dep_related_shows_other_projects_and_unknown_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(
        tmp_path / "p", {"deps/0001-x.md": proposal("X", extends="DEP-0007, runtime:DEP-0003")}
    )
    monkeypatch.chdir(root)
    code, out, _ = run(capsys, "related", "1")
    assert code == 0
    assert out == (
        "DEP-0001 X [In Progress]\n"
        "  extends:\n"
        "    DEP-0007 (not a proposal of this project)\n"
        "    runtime:DEP-0003\n"
    )


def test_lineage_walks_a_cycle_once() -> None:
    from sphinxcontrib_dep.core.model import Dep, DepRef

    deps = [
        Dep(title="A", number=1, path="a", extends=[DepRef(2)]),
        Dep(title="B", number=2, path="b", extends=[DepRef(1)]),
    ]
    found = relations.lineage(deps, deps[0])
    assert found.extends == [(2, None)]
    assert found.extended_by == [(2, None)]


def test_sphinx_card_needs_and_graph(proj: Path, tmp_path: Path) -> None:
    build = build_in_process(proj, tmp_path / "out")
    assert build.warnings == []
    improvements = (build.outdir / "deps" / "0002-process-improvements.html").read_text()
    assert re.search(r"dep-field-extends[^>]*>Extends.*?DEP-0001", improvements, re.S)
    process = (build.outdir / "deps" / "0001-process.html").read_text()
    # Derived from the other side: DEP-0001 itself names no extension.
    assert re.search(r"dep-field-extended-by dep-field-derived[^>]*>Extended by.*?DEP-0002", process, re.S)
    taxonomy = (build.outdir / "deps" / "0004-area-taxonomy.html").read_text()
    assert re.search(r"dep-field-related dep-field-derived[^>]*>Related.*?DEP-0002", taxonomy, re.S)
    index = (build.outdir / "index.html").read_text()
    assert 'border-top:2px dotted #8250df"></span>extends</li>' in index
    assert 'border-top:2px dashed #bf8700"></span>related to</li>' in index
    assert '<th class="head"><p>Extends</p></th>' in index

    needs = build_in_process(proj, tmp_path / "needs", builder="needs")
    assert needs.warnings == []
    data = json.loads((needs.outdir / "needs.json").read_text())["versions"][""]["needs"]
    assert data["DEP-0002"]["extends"] == ["DEP-0001"]
    assert data["DEP-0001"]["extends_back"] == ["DEP-0002"]
    assert data["DEP-0002"]["related"] == ["DEP-0004"]
    assert data["DEP-0004"]["related_back"] == ["DEP-0002"]


def test_relations_rules_match_between_lint_and_build(tmp_path: Path) -> None:
    """The rows of cases.toml hold both sides to the same lines; here the exit code of -W."""
    root = write_project(
        tmp_path / "src",
        {"deps/0001-a.md": proposal("A", extends="2"), "deps/0002-b.md": proposal("B", extends="1")},
    )
    build = sphinx_build(root, tmp_path / "out", "-W")
    assert build.returncode == 1
    assert build.warnings == [
        "deps/0001-a.md:7: extension cycle: DEP-0001 extends DEP-0002 extends DEP-0001; a proposal cannot "
        "build on itself, directly or through others [dep.extends_cycle]"
    ]


def test_renumber_moves_extends_and_related() -> None:
    from sphinxcontrib_dep.core.renumber import rewrite_references

    text = proposal("X", extends="DEP-0002, runtime:DEP-0002", related="2, DEP-0004")
    moved = rewrite_references(text, "deps/0001-x.md", 2, 9, DepConfig())
    assert moved.moved == [":extends:", ":related:"]
    assert ":extends: DEP-0009, runtime:DEP-0002\n" in moved.text
    assert ":related: DEP-0009, DEP-0004\n" in moved.text


def test_incremental_build_redraws_the_other_side(proj: Path, tmp_path: Path) -> None:
    """Removing DEP-0003's :extends: rewrites DEP-0002's card (its "Extended by") on the next build."""
    out = tmp_path / "inc"
    first = build_in_process(proj, out)
    assert first.warnings == []
    improvements = first.outdir / "deps" / "0002-process-improvements.html"
    assert "dep-field-extended-by" in improvements.read_text()
    (proj / "deps/0003-issues-as-deps.md").write_text(proposal("Issues as DEPs"))
    second = build_in_process(proj, out, fresh=False)
    assert second.warnings == []
    assert "dep-field-extended-by" not in improvements.read_text()


def test_the_docs_show_what_dep_related_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from helpers import REPO

    page = (REPO / "docs" / "relations.md").read_text(encoding="utf-8")
    block = page.split("<!-- output: dep related 2", 1)[1].split("```text\n", 1)[1].split("```\n", 1)[0]
    command, shown = block.split("\n", 1)
    assert command == "$ dep related 2"
    root = tmp_path / "example"
    shutil.copytree(REPO / "docs" / "examples" / "relations", root)
    (root / "conf.py").write_text(
        'project = "t"\nextensions = ["sphinxcontrib_dep"]\ndep_early_numbering = True\n'
    )
    monkeypatch.chdir(root)
    assert run(capsys, "related", "2") == (0, shown, "")
