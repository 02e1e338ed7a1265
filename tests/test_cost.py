"""Class 9 of issue 12: huge values cost linear time; one bad proposal takes no view down.

The case table (``tests/fixtures/bad/cases.toml``, "cost and blast radius") holds the
huge values both ``dep lint`` and ``sphinx-build`` read alike. Here is what only the build
has: the needs (values handed to sphinx-needs whole and typed; at most
``MAX_NEEDS_PER_DOCUMENT`` needs a page), the graph (bounded labels and links; a part
``dot`` cannot draw is listed instead, and the others drawn), the whole-corpus views
(bounded cells; a row that cannot be built), ``deps.json``, and characters no file can
hold. Timings are in ``bench/run.py``; no test here measures time.
"""

from __future__ import annotations

import json
import re
import stat
from html import escape as html_escape
from pathlib import Path
from typing import Any

import pytest
from helpers import CONF, build_in_process, sphinx_build, write_project

from sphinxcontrib_dep.core import report
from sphinxcontrib_dep.sphinx import card, needs, tables

VIEWS = "# Proposals\n\n```{toctree}\n:glob:\n\ndeps/*\n```\n\n```{dep-graph}\n```\n\n```{dep-index}\n```\n\n```{dep-traceability}\n```\n"


def proposal(title: str, *options: str, body: str = "") -> str:
    meta = "\n".join([":status: In Progress", ":authors: Jane Doe", ":category: Process", *options])
    return f"# {title}\n\n```{{dep-meta}}\n{meta}\n```\n\n## Summary\n\nText.\n{body}"


def needs_of(outdir: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((outdir / "needs.json").read_text(encoding="utf-8"))
    return data["versions"][""]["needs"]  # type: ignore[no-any-return]


def svg_of(outdir: Path, page: str = "index") -> str:
    html = (outdir / f"{page}.html").read_text(encoding="utf-8")
    start = html.index('<div class="dep-graph-svg">')
    return html[start : html.index("</svg>", start)]


def graph_nodes(svg: str) -> list[str]:
    """The graphviz ids of the drawn nodes (``dep1``, ``impl1_2``), from their titles."""
    return re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]+)</title>', svg)


# --------------------------------------------------------------------------------------
# Needs
# --------------------------------------------------------------------------------------

HUGE = 200_000


def test_values_reach_sphinx_needs_whole_and_unsplit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of field, huge, arrives whole; sphinx-needs' splitter never reads it.

    sphinx-needs splits a string it coerces one character at a time (time growing with
    the square of its length: 230 s for 2 MB); the bridge hands values over typed, so the
    splitter is never given one. Text that looks like a dynamic function stays text.
    """
    import sphinx_needs.needs_schema as schema

    read: list[int] = []
    split = schema._split_list

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        read.append(len(text))
        return split(text, *args, **kwargs)

    monkeypatch.setattr(schema, "_split_list", counting)
    words = ("[[copy('id')]] <<x, y>> lorem; ipsum, dolor | sit " * (HUGE // 40))[:HUGE].strip()
    title = "T" * HUGE
    sponsor = "Sam " + "s" * HUGE
    link = "https://github.com/ai-dynamo/dynamo/pull/1?q=" + "a" * HUGE
    alternative = (
        f"```{{dep-alternative}} Other\n**Pros:**\n\n- {words}\n\n**Reason rejected:**\n\n- r\n```\n"
    )
    phase = f"```{{dep-phase}} 0 First\n:release-target: {words}\n:work-items: {link}\n```\n"
    src = write_project(
        tmp_path / "src",
        {
            "deps/0001-huge.md": proposal(
                title,
                f":decision: {words}",
                f":pull-request: {link}",
                f":sponsor: {sponsor}",
                body=f"\n## Implementation Phases\n\n{phase}\n## Alternate Solutions\n\n{alternative}",
            )
        },
    )
    build = build_in_process(src, tmp_path / "out")
    assert build.warnings == []
    found = needs_of(build.outdir)
    assert found["DEP-0001"]["title"] == title
    assert found["DEP-0001"]["decision"] == words
    assert found["DEP-0001"]["pull_request"] == link
    assert found["DEP-0001"]["sponsors"] == [sponsor]
    assert found["DEP-0001-ALT-1"]["pros"] == [words]
    assert found["DEP-0001-PHASE-0"]["release_target"] == words
    assert found["DEP-0001-PHASE-0"]["work_items"] == [link]
    assert found["IMPL-0001-PHASE-0-1"]["url"] == link
    assert max(read, default=0) < 100, "sphinx-needs split a value of the proposal"


def test_a_page_makes_at_most_its_share_of_needs(tmp_path: Path) -> None:
    """600 implementation links and 600 alternatives: 500 needs, and the page says why."""
    links = ", ".join(f"https://github.com/ai-dynamo/dynamo/pull/{i}" for i in range(1, 601))
    alternatives = "".join(
        f"```{{dep-alternative}} Option {i}\n**Reason rejected:**\n\n- r\n```\n\n" for i in range(1, 601)
    )
    src = write_project(
        tmp_path / "src",
        {
            "deps/0001-many.md": proposal(
                "Many", f":implementation: {links}", body=f"\n## Alternate Solutions\n\n{alternatives}"
            )
        },
    )
    build = build_in_process(src, tmp_path / "out")
    assert build.warnings == [
        "deps/0001-many.md:16: DEP-0001-ALT-1: this page already makes 500 needs, so this "
        "dep-alternative and every later part are shown on the page but are not needs (not in needs.json) [dep.alternative]"
    ]
    found = needs_of(build.outdir)
    assert len(found) == needs.MAX_NEEDS_PER_DOCUMENT
    assert sorted(k for k in found if k.startswith("IMPL-"))[-1] == "IMPL-0001-99"
    assert len([k for k in found if k.startswith("IMPL-")]) == 499
    assert found["DEP-0001"]["shortened"] == (
        "implementation: 499 of 600 links are impl needs (a page makes at most 500 needs); "
        "every link is on the proposal's page and in deps.json"
    )
    # Nothing is lost where readers look: the card and deps.json hold all 600 links.
    page = (build.outdir / "deps" / "0001-many.html").read_text(encoding="utf-8")
    assert page.count('href="https://github.com/ai-dynamo/dynamo/pull/') == 600
    assert page.count('class="dep-alternative docutils container"') == 600
    record = json.loads((build.outdir / "deps.json").read_text())["deps"][0]
    assert len(record["implementation"]) == 600


# --------------------------------------------------------------------------------------
# The graph
# --------------------------------------------------------------------------------------


def graph_project(tmp_path: Path, conf: str = CONF) -> Path:
    long_url = "https://github.com/ai-dynamo/dynamo/pull/4?q=" + "u" * 17_000
    links = ", ".join(f"https://github.com/ai-dynamo/dynamo/pull/{i}" for i in range(1, 26))
    return write_project(
        tmp_path / "src",
        {
            "deps/0001-long-title.md": proposal("Long " + "title " * 3400 + "x" * 20_000),
            "deps/0002-poison.md": proposal("POISON in the title", ":replaces: DEP-0003"),
            "deps/0003-replaced.md": proposal("Replaced", ":replaced-by: DEP-0002"),
            "deps/0004-long-url.md": proposal("Long URL", f":implementation: {long_url}"),
            "deps/0005-poison-alone.md": proposal("POISON alone"),
            "deps/0006-many-links.md": proposal("Many links", f":implementation: {links}"),
            "deps/0007-plain.md": proposal("Plain"),
        },
        conf,
        VIEWS,
    )


def test_the_graph_survives_a_20000_character_title_and_a_17000_character_url(tmp_path: Path) -> None:
    src = graph_project(tmp_path)
    build = sphinx_build(src, tmp_path / "out")
    assert (build.returncode, build.warnings) == (0, [])
    svg = svg_of(build.outdir)
    nodes = graph_nodes(svg)
    assert [n for n in nodes if n.startswith("dep")] == [f"dep{n}" for n in range(1, 8)]
    # A long title: four lines of label, an ellipsis, a bounded tooltip.
    title = re.search(r'xlink:title="(DEP&#45;0001: [^"]*)"', svg)
    assert title is not None and len(title.group(1)) < 400 and title.group(1).endswith("…")
    assert ">Long title title title title</text>" in svg
    # A 17,000-character link is not handed to dot: its node is drawn, without the link.
    assert "impl4_1" in nodes and "u" * 3000 not in svg
    # Ten implementation nodes, then one for the rest, opening the proposal.
    assert [n for n in nodes if n.startswith("impl6_")] == [
        *(f"impl6_{i}" for i in range(1, 11)),
        "impl6_more",
    ]
    assert ">and 15 more</text>" in svg
    # The full values are where readers look: the proposal's page and deps.json.
    data = json.loads((build.outdir / "deps.json").read_text())
    assert data["deps"][0]["title"].endswith("x" * 20_000)
    assert data["deps"][3]["implementation"] == [
        "https://github.com/ai-dynamo/dynamo/pull/4?q=" + "u" * 17_000
    ]


POISON_ENGINE = """#!/bin/sh
# dot, but it fails on a graph that mentions POISON (as dot fails on input it cannot take)
input=$(cat)
case "$input" in *POISON*) echo "Error: <stdin>: syntax error in line 7" >&2; exit 3;; esac
printf '%s' "$input" | exec dot "$@"
"""


def executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_a_part_dot_cannot_draw_is_listed_and_the_rest_drawn(tmp_path: Path) -> None:
    engine = executable(tmp_path / "poison-dot", POISON_ENGINE)
    src = graph_project(tmp_path, CONF + f"dep_graph_engine = {str(engine)!r}\n")
    build = sphinx_build(src, tmp_path / "out")
    problem = f"graphviz {str(engine)!r} failed (exit 3): Error: <stdin>: syntax error in line 7"
    assert build.returncode == 0
    assert build.warnings == [
        f"deps/0002-poison.md:3: DEP-0002 could not be drawn in the proposal graph of 'index': "
        f"{problem}; it is listed below the graph instead [dep.graph]",
        f"deps/0005-poison-alone.md:3: DEP-0005 could not be drawn in the proposal graph of 'index': "
        f"{problem}; it is listed below the graph instead [dep.graph]",
    ]
    # Every other proposal is drawn; the two parts that failed are lists, with links.
    nodes = graph_nodes(svg_of(build.outdir))
    assert [n for n in nodes if n.startswith("dep")] == ["dep1", "dep4", "dep6", "dep7"]
    html = (build.outdir / "index.html").read_text(encoding="utf-8")
    fallbacks = re.findall(r'<div class="dep-graph-fallback docutils container">(.*?)</div>', html, re.S)
    assert len(fallbacks) == 2
    assert f"Not drawn ({html_escape(problem, quote=False)}): DEP-0002, DEP-0003." in fallbacks[0]
    assert 'href="deps/0003-replaced.html#DEP-0003">DEP-0003 Replaced</a>' in fallbacks[0]
    assert "DEP-0002 replaces DEP-0003" in fallbacks[0]
    assert 'href="deps/0005-poison-alone.html#DEP-0005">DEP-0005 POISON alone</a>' in fallbacks[1]


def test_an_engine_that_fails_on_everything_is_one_warning(tmp_path: Path) -> None:
    engine = executable(tmp_path / "broken-dot", "#!/bin/sh\necho 'Error: no layout plugins' >&2\nexit 1\n")
    src = graph_project(tmp_path, CONF + f"dep_graph_engine = {str(engine)!r}\n")
    build = sphinx_build(src, tmp_path / "out")
    assert build.warnings == [
        f"index.md:9: graphviz {str(engine)!r} failed (exit 1): Error: no layout plugins [dep.graph]"
    ]
    html = (build.outdir / "index.html").read_text(encoding="utf-8")
    assert "The proposal graph could not be drawn" in html and "dep-graph-fallback" not in html


@pytest.mark.parametrize(
    "title",
    [
        "nul \x00 in the title",
        "controls \x01\x02\x1b[31m\x7f",
        "\\" * 9000,  # every character escaped: twice as long in DOT
        '"' * 9000,
        "é" * 20_000,  # four bytes of UTF-8 each in a label
        "<<>> {} [] ; -> -- " * 2000,
    ],
)
def test_graph_labels_are_text_dot_can_always_read(title: str) -> None:
    """What ``dot`` refuses (NUL, strings over 16384 bytes) never reaches it."""
    import subprocess

    from sphinxcontrib_dep.core.config import DepConfig
    from sphinxcontrib_dep.core.model import Dep, Link, Status

    dep = Dep(
        title=title,
        number=7,
        status=Status.APPROVED,
        path="deps/0007-x.md",
        implementation=[Link("https://example.org/" + title)],
    )
    source = report.graph_dot([dep], DepConfig(), href=lambda d: "x.html#DEP-0007")
    assert max(len(s.encode()) for s in re.findall(r'"(?:[^"\\]|\\.)*"', source)) < 16384
    result = subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True, check=False)
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------------------
# Views, deps.json, characters no file can hold
# --------------------------------------------------------------------------------------


def test_views_show_a_bounded_share_of_each_proposal(tmp_path: Path) -> None:
    authors = ", ".join(f"@author-{i}" for i in range(30))
    title = "Word " * 100
    src = write_project(
        tmp_path / "src",
        {"deps/0001-big.md": proposal(title, f":sponsor: {authors}").replace("Jane Doe", authors)},
        CONF,
        VIEWS,
    )
    build = sphinx_build(src, tmp_path / "out")
    assert (build.returncode, build.warnings) == (0, [])
    index = (build.outdir / "index.html").read_text(encoding="utf-8")
    part = index[index.index('class="dep-index') :]
    # Each of the index's three tables: ten authors, then "and 20 more" opening the proposal.
    assert part.count('href="https://github.com/author-9"') == 3
    assert 'href="https://github.com/author-10"' not in part
    assert (
        part.count(
            '<a class="dep-more reference internal" href="deps/0001-big.html#DEP-0001">and 20 more</a>'
        )
        == 3
    )
    assert part.count(">" + report.clip(title.strip(), tables.VIEW_TEXT) + "</a>") == 4  # with traceability
    page = (build.outdir / "deps" / "0001-big.html").read_text(encoding="utf-8")
    assert page.count('href="https://github.com/author-29"') == 2  # authors and sponsor, in full
    data = json.loads((build.outdir / "deps.json").read_text())
    assert len(data["deps"][0]["authors"]) == 30


def test_a_row_that_cannot_be_built_leaves_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure inside one proposal's row (any cause) is that row's, reported at the proposal."""
    person_node = card.person_node

    def fragile(person: Any) -> Any:
        if person.display == "Mallory":
            raise ValueError("cannot draw Mallory")
        return person_node(person)

    monkeypatch.setattr(tables, "person_node", fragile)
    record = report.dep_record

    def fragile_record(dep: Any, *args: Any) -> Any:
        if dep.number == 2:
            raise ValueError("cannot write DEP-0002")
        return record(dep, *args)

    monkeypatch.setattr(report, "dep_record", fragile_record)
    src = write_project(
        tmp_path / "src",
        {
            "deps/0001-fine.md": proposal("Fine"),
            "deps/0002-mallory.md": proposal("Mallory's").replace("Jane Doe", "Mallory"),
            "deps/0003-also-fine.md": proposal("Also fine"),
        },
        CONF,
        VIEWS,
    )
    build = build_in_process(src, tmp_path / "out")
    assert build.warnings == [
        "deps/0002-mallory.md:3: DEP-0002 cannot be shown in the index of 'index' "
        "(ValueError: cannot draw Mallory); its row says so [dep.value]",
        "deps/0002-mallory.md:3: left out of deps.json: ValueError: cannot write DEP-0002 [dep.value]",
    ]
    index = (build.outdir / "index.html").read_text(encoding="utf-8")
    assert index.count('<tr class="dep-row dep-row-error') == 3
    assert index.count('href="deps/0001-fine.html#DEP-0001">Fine</a>') == 4
    assert index.count('href="deps/0003-also-fine.html#DEP-0003">Also fine</a>') == 4
    data = json.loads((build.outdir / "deps.json").read_text())
    assert [d["id"] for d in data["deps"]] == ["DEP-0001", "DEP-0003"]


def test_a_character_no_file_can_hold_is_replaced(tmp_path: Path) -> None:
    """A lone surrogate from the ``unicode`` directive stopped the build at objects.inv."""
    text = (
        "Title |s| here\n==============\n\n.. |s| unicode:: U+D800\n\n.. dep-meta::\n"
        "   :status: In Progress\n   :authors: Jane Doe\n   :category: Process\n\n"
        "Summary\n-------\n\nText |s|.\n"
    )
    src = write_project(
        tmp_path / "src",
        {"deps/0001-surrogate.rst": text, "deps/0002-plain.md": proposal("Plain")},
        CONF,
        VIEWS,
    )
    build = sphinx_build(src, tmp_path / "out")
    assert build.returncode == 0, build.output[-2000:]
    assert build.warnings == [
        "deps/0001-surrogate.rst:2: U+D800 (a lone surrogate) cannot be written as UTF-8; shown as U+FFFD [dep.encoding]"
    ]
    assert "Title \ufffd here" in (build.outdir / "deps" / "0001-surrogate.html").read_text(encoding="utf-8")
    assert (build.outdir / "objects.inv").exists() and (build.outdir / "searchindex.js").exists()
    assert graph_nodes(svg_of(build.outdir)) == ["dep1", "dep2"]


def test_a_role_naming_a_number_of_thousands_of_digits_is_a_warning(tmp_path: Path) -> None:
    digits = "9" * 5000
    src = write_project(
        tmp_path / "src", {"deps/0001-role.md": proposal("Role", body=f"\nSee {{dep}}`{digits}`.\n")}
    )
    build = sphinx_build(src, tmp_path / "out")
    assert build.returncode == 0
    assert len(build.warnings) == 1 and build.warnings[0].startswith("deps/0001-role.md:")
    assert build.warnings[0].endswith("' in this project [dep.unknown_ref]") and " ... (" in build.warnings[0]


def test_each_reference_to_resolve_has_a_parent_of_its_own(tmp_path: Path) -> None:
    """Sphinx replaces a resolved reference by looking it up among its siblings: with
    thousands side by side (``{dep}`` roles in a paragraph, ``:replaces:`` on a card) that
    cost grew with their square (32,000 roles: 142 s). So each has a parent of its own."""
    import pickle

    from sphinx.addnodes import pending_xref

    roles = " ".join(f"{{dep}}`{n}`" for n in (2, 3, 2, 3))
    src = write_project(
        tmp_path / "src",
        {
            "deps/0001-refs.md": proposal(
                "Refs", ":replaces: DEP-0002, DEP-0003 (partial)", body=f"\n{roles}\n"
            ),
            "deps/0002-two.md": proposal("Two", ":replaced-by: DEP-0001"),
            "deps/0003-three.md": proposal("Three", ":replaced-by: DEP-0001 (partial)"),
        },
    )
    build = sphinx_build(src, tmp_path / "out")
    assert (build.returncode, build.warnings) == (0, [])
    doctree = pickle.loads((build.outdir / ".doctrees" / "deps" / "0001-refs.doctree").read_bytes())
    xrefs = list(doctree.findall(pending_xref))
    assert len(xrefs) == 6  # four roles, two references on the card
    assert all(xref.parent is not None and xref.parent.children[0] is xref for xref in xrefs)
    assert all(len([c for c in xref.parent.children if isinstance(c, pending_xref)]) == 1 for xref in xrefs)
    html = (build.outdir / "deps" / "0001-refs.html").read_text(encoding="utf-8")
    assert (
        html.count('href="0002-two.html#DEP-0002"') == 3
        and html.count('href="0003-three.html#DEP-0003"') == 3
    )
