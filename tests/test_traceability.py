"""Tier 3: the whole-corpus views, deps.json, the graph and the {dep} role in real builds.

The project is ``tests/roots/test-traceability``, built by ``sphinx.testing``: every status,
a draft, a partial and a full replacement, a review due and one overdue, an approved
proposal without implementation, a stale one, a hostile title, and roles in MyST and
reStructuredText. Rendered tables are compared, as readable text, with syrupy snapshots in
``tests/__snapshots__/test_traceability/``; ``pytest --snapshot-update`` rewrites them after
an intended change.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from helpers import Build, build_in_process, from_app, make_case, region_text, sphinx_build

from sphinxcontrib_dep.core import report

pytestmark = pytest.mark.sphinx("html", testroot="traceability")

#: The build's "today": 2026-01-15 (reproducible builds read SOURCE_DATE_EPOCH).
TODAY_EPOCH = "1768478400"
#: The pages holding a whole-corpus view, and the class of the view's element.
VIEWS = {
    "all": "dep-index",
    "filtered": "dep-index",
    "traceability": "dep-traceability",
    "report": "dep-review-report",
}


def _epoch(day: str) -> float:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC).timestamp()


def stamp(srcdir: Path) -> None:
    """Fixed modification times: all proposals old but DEP-0002, touched lately."""
    for path in (srcdir / "deps").iterdir():
        moment = _epoch("2026-01-10" if path.name.startswith("0002-") else "2025-11-01")
        os.utime(path, (moment, moment))


@pytest.fixture
def built(app_params: Any, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Build:
    """The test root (as the ``sphinx`` mark names it) built on 2026-01-15.

    ``sphinx.testing`` copies the root to one folder per ``srcdir`` for the whole session,
    so the first test builds it and the next ones find nothing changed.
    """
    args, kwargs = app_params
    stamp(Path(kwargs["srcdir"]))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    app = make_app(*args, **kwargs)
    app.build()
    return from_app(app)


def page(build: Build, name: str) -> str:
    return (build.outdir / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="traceability", freshenv=True)
def test_builds_without_warnings(built: Build) -> None:
    assert built.warnings == []


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_rendered_tables_match_snapshot(built: Build, name: str, text_snapshot: Any) -> None:
    assert region_text(page(built, name), VIEWS[name]) == text_snapshot


def test_deps_json_matches_snapshot(built: Build, json_snapshot: Any) -> None:
    assert (built.outdir / "deps.json").read_text(encoding="utf-8") == json_snapshot


def test_deps_json_keys_and_order(built: Build) -> None:
    data = json.loads((built.outdir / "deps.json").read_text())
    # No site (dep_base_url) and no sources: the two optional keys are left out.
    assert list(data) == ["schema_version", "deps"]
    assert data["schema_version"] == 2
    assert list(data["deps"][0]) == [
        "id",
        "number",
        "title",
        "status",
        "category",
        "authors",
        "sponsors",
        "reviewers",
        "review_date",
        "replaces",
        "replaced_by",
        "pull_request",
        "implementation",
        "path",
        # schema version 2
        "review_requested",
        "review_extensions",
        "decision",
        "decider",
        "template",
        "tracking",
        "target_completion",
        "amendments",
        "phases",
        "alternatives",
        "extends",
        "related",
        "retroactive",
        "page",
    ]
    assert data["deps"][0]["page"] == "deps/0001-error-propagation.html"
    # Sorted by number, the unnumbered draft last.
    assert [d["id"] for d in data["deps"]] == [
        "DEP-0001",
        "DEP-0002",
        "DEP-0003",
        "DEP-0004",
        "DEP-0005",
        "DEP-0006",
        None,
    ]


def test_deps_json_validates_against_the_shipped_schema(built: Build) -> None:
    schema = json.loads(report.SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads((built.outdir / "deps.json").read_text())
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    # The schema is not a rubber stamp: a wrong status or a missing key is refused.
    broken = json.loads(json.dumps(data))
    broken["deps"][0]["status"] = "Accepted"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)
    del data["deps"][1]["path"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_graph_is_inline_svg_with_links_and_escaped_labels(built: Build) -> None:
    html = page(built, "graph")
    svg = html[html.index('<div class="dep-graph-svg">') :]
    svg = svg[: svg.index("</svg>")]
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    assert '<a xlink:href="deps/0001-error-propagation.html#DEP-0001"' in svg
    assert '<a xlink:href="https://github.com/ai-dynamo/dynamo/pull/7001"' in svg
    # The hostile title reaches the picture as text, escaped, never as markup.
    assert "Escape &quot;quotes&quot;, back\\slash" in svg
    assert "&amp; a &lt; b &gt; c; {braces} [x]" in svg
    assert ">replaces (partial)</text>" in svg
    # A link with characters that need care in markup reaches the picture as written
    # (the header refuses URLs holding quotes or angle brackets: dep.url).
    assert "<script>alert" not in html
    assert "<a xlink:href=\"https://example.org/?a=1&b='quoted'&c=%3Cscript%3E\"" in svg


def test_graph_dot_escapes_labels() -> None:
    from sphinxcontrib_dep.core.config import DepConfig
    from sphinxcontrib_dep.core.model import Dep, Status

    dep = Dep(title='a "b" \\N c\nd', number=7, status=Status.APPROVED, path="deps/0007-x.md")
    dot = report.graph_dot([dep], DepConfig(), href=lambda d: 'x.html#"q"')
    line = next(line for line in dot.splitlines() if line.startswith("  dep7 "))
    assert 'label="DEP-0007\\na \\"b\\" \\\\N c d\\n[Approved]"' in line
    assert 'URL="x.html#%22q%22"' in line


@pytest.mark.sphinx(
    "html",
    testroot="traceability",
    srcdir="traceability-no-graphviz",
    confoverrides={"dep_graph_engine": "dot-missing-xyz"},
)
def test_missing_graph_engine_warns_and_says_so_on_the_page(built: Build) -> None:
    build = built
    assert build.warnings == [
        "graph.md:3: graphviz 'dot-missing-xyz' (dep_graph_engine) was not found; "
        "install graphviz to draw dep-graph [dep.graph]"
    ]
    html = page(build, "graph")
    assert (
        "<p class=\"dep-graph-error\">The proposal graph could not be drawn: graphviz 'dot-missing-xyz' "
        "(dep_graph_engine) was not found; install graphviz to draw dep-graph.</p>"
    ) in html


def test_role_in_myst_links_title_and_status(built: Build) -> None:
    html = page(built, "index")
    assert (
        '<a class="reference internal" href="deps/0001-error-propagation.html#DEP-0001" '
        'title="DEP-0001: Error Propagation during Response Streaming"><span class="dep-ref">'
        "<span>DEP-0001: Error Propagation during Response Streaming</span> "
        '<span class="dep-badge dep-status-superseded">Superseded</span></span></a>'
    ) in html
    assert '<span class="xref dep">the streaming one</span>' in html


def test_role_in_rst_links_across_documents(built: Build) -> None:
    html = page(built, "reference")
    assert (
        '<a class="reference internal" href="deps/0003-error-standardization.html#DEP-0003" '
        'title="DEP-0003: Standardized Error System">'
    ) in html
    assert '<span class="dep-badge dep-status-implemented">Implemented</span>' in html
    assert re.search(
        r'href="deps/0004-escape-test.html#DEP-0004"[^>]*><span class="xref dep">the escape test', html
    )


def test_filter_box_and_script_are_on_the_traceability_page(built: Build) -> None:
    html = page(built, "traceability")
    # Hidden until the script shows it: without JavaScript nothing on the page is dead.
    assert (
        '<form class="dep-filters" role="search" aria-label="Filter and sort the proposals" hidden>' in html
    )
    assert '<input type="search" name="q" class="dep-filter"' in html
    assert '<script src="_static/dep.js' in html
    assert (built.outdir / "_static" / "dep.js").exists()


def test_unknown_filter_values_are_reported(project, tmp_path: Path) -> None:
    src = project(
        {
            "deps/0001-a.md": "# A\n\n```{dep-meta}\n:status: In Progress\n:authors: @a\n```\n",
            "views.md": "# Views\n\n```{dep-index}\n:status: Accepted\n:category: Nope\n```\n",
        },
        index="# P\n\n```{toctree}\n:glob:\n\ndeps/*\nviews\n```\n",
    )
    expected = [
        "views.md:3: dep-index :category: unknown category 'Nope' (allowed: Architecture, Process, "
        "Build/Infrastructure, Guidelines) [dep.category]",
        "views.md:3: dep-index :status: unknown status 'Accepted' (allowed: Not Started, In Progress, "
        "Under Review, Approved, Implemented, Rejected, Deferred, Superseded; 'Draft' means In Progress, "
        "'Replaced' means Superseded) [dep.status]",
    ]
    assert build_in_process(src, tmp_path / "out").warnings == expected
    # Still reported by a build that reads nothing again.
    assert build_in_process(src, tmp_path / "out", fresh=False).warnings == expected
    # A view takes the team's label for a status as a header does (red team R1).
    (src / "conf.py").write_text(
        (src / "conf.py").read_text() + 'dep_status_labels = {"Approved": "Accepted"}\n'
    )
    assert build_in_process(src, tmp_path / "out2").warnings == expected[:1]


def test_card_shows_back_links_written_only_on_the_other_side(tmp_path: Path) -> None:
    src = make_case("replaces-mismatch", tmp_path / "src")
    build = build_in_process(src, tmp_path / "out")
    html = (build.outdir / "deps" / "0001-old.html").read_text()
    card = html[html.index('<div class="dep-card') :]
    card = card[: card.index("</dl>")]
    assert '<dt class="dep-field-replaced-by dep-field-derived field-even">Replaced by' in card or (
        'class="dep-field-replaced-by dep-field-derived' in card
    )
    assert 'href="0002-new.html#DEP-0002"' in card


def test_parallel_build_renders_the_same_views(
    built: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sphinx-build -j 4`` (the real command, in 4 processes) renders what the serial build does."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    build = sphinx_build(built.srcdir, tmp_path / "out", "-j", "4", check=True)
    for name, region in VIEWS.items():
        assert region_text(page(build, name), region) == region_text(page(built, name), region)
    assert (build.outdir / "deps.json").read_text() == (built.outdir / "deps.json").read_text()


@pytest.mark.sphinx("text", testroot="traceability", srcdir="traceability-text")
def test_text_builder_renders_the_views_as_text(built: Build) -> None:
    build = built
    assert build.warnings == []
    graph = (build.outdir / "graph.txt").read_text()
    assert "* DEP-0003 replaces DEP-0001" in graph
    assert "* DEP-0005 replaces (partial) DEP-0003" in graph
    index = (build.outdir / "all.txt").read_text()
    assert "Numerical index" in index and "Release Cadence" in index
    assert not (build.outdir / "deps.json").exists()  # deps.json comes with the HTML pages


def test_role_to_an_unknown_proposal_is_reported(project, tmp_path: Path) -> None:
    src = project(
        {
            "deps/0001-a.md": "# A\n\n```{dep-meta}\n:status: In Progress\n:authors: @a\n```\n\nSee {dep}`99`.\n",
        }
    )
    build = build_in_process(src, tmp_path / "out")
    assert build.warnings == [
        "deps/0001-a.md:8: {dep} role: no proposal '99' in this project [dep.unknown_ref]"
    ]


def test_the_card_shows_tracking_target_amendments_and_extensions(built: Build) -> None:
    def htmltext(html: str) -> str:
        return " ".join(region_text(html, "dep-card").split())

    codes = htmltext(page(built, "deps/0005-error-codes"))
    assert (
        "Tracking: [DYN-812](https://jira.example.org/browse/DYN-812), "
        "[ai-dynamo/dynamo#7000](https://github.com/ai-dynamo/dynamo/issues/7000) Target completion: 2026-01-31"
    ) in codes
    assert (
        "Amendments: • 2026-01-12 [https://github.com/ai-dynamo/dynamo/pull/7044]"
        "(https://github.com/ai-dynamo/dynamo/pull/7044): codes 5xx split by retryability"
    ) in codes
    migration = htmltext(page(built, "deps/0002-request-migration"))
    assert "Review extended: to 2026-01-20 by @kthui on 2026-01-14: Maksim is out until the 19th" in migration
    # A Deferred proposal decided by its author shows how it was decided, not "approval rule met".
    cadence = htmltext(page(built, "deps/0006-release-cadence"))
    assert "Deferred by decision: @ryanolson: wait for the next planning round." in cadence
    assert 'dep-approval-none"' in page(built, "deps/0006-release-cadence")


def test_a_version_1_deps_json_is_read_as_version_2(built: Build) -> None:
    data = json.loads((built.outdir / "deps.json").read_text())
    version_1 = {
        "schema_version": 1,
        "deps": [{key: value for key, value in entry.items() if key in V1_KEYS} for entry in data["deps"]],
    }
    schema_1 = json.loads((report.SCHEMA_PATH.parent / "deps.schema.v1.json").read_text())
    jsonschema.validate(version_1, schema_1, cls=jsonschema.Draft202012Validator)
    read = report.read_deps_json(version_1)
    jsonschema.validate(read, json.loads(report.SCHEMA_PATH.read_text()), cls=jsonschema.Draft202012Validator)
    assert read["deps"][0]["tracking"] == [] and read["deps"][0]["title"] == data["deps"][0]["title"]
    # A version-1 reader (which ignores keys it does not know) reads version 2: its keys are all there.
    assert all(set(V1_KEYS) - {"history"} <= set(entry) for entry in data["deps"])
    with pytest.raises(ValueError, match="schema_version 3"):
        report.read_deps_json({"schema_version": 3, "deps": []})


V1_KEYS = [
    "id",
    "number",
    "title",
    "status",
    "category",
    "authors",
    "sponsors",
    "reviewers",
    "review_date",
    "replaces",
    "replaced_by",
    "pull_request",
    "implementation",
    "path",
    "history",
]
