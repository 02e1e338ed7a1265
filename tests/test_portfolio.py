"""Many repositories, one portfolio (issue 18): three projects built on their own, served
over HTTP, a fourth naming all three, and a portfolio over them; then a status changes,
and then the server goes away.

Every build is a real ``sphinx-build`` in a subprocess, as each project's CI would run it.
The steps depend on each other (each project's site is fetched by the next), so they run
in order in one test, each step's assertions right after it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from pathlib import Path

import pytest
from helpers import INDEX, REPO, region_text, rows_of, serve, sphinx_build, write_project

from sphinxcontrib_dep.cli import main

DEP = """# {title}

```{{dep-meta}}
:status: {status}
:authors: @ada
:sponsor: @bob
:required-reviewers: @carol (approved)
:review-date: 2026-01-10
{extra}
```

## Summary

{title}.

## Motivation

Why.

## Proposal

What.

## Alternate Solutions

N/A
"""


def proposal(title: str, status: str, **options: str) -> str:
    extra = "\n".join(f":{name.replace('_', '-')}: {value}" for name, value in options.items())
    return DEP.format(title=title, status=status, extra=extra)


def conf(name: str, url: str, sources: dict[str, str], **more: object) -> str:
    table = {key: {"deps": f"{url}{key}/deps.json"} for key in sources}
    lines = [
        f"project = {name!r}",
        'extensions = ["sphinxcontrib_dep"]',
        "dep_history = False",
        f"dep_base_url = {url + name + '/'!r}",
        f"dep_sources = {table!r}",
        "dep_sources_timeout = 5",
        # These projects number proposals while they are drafts.
        "dep_early_numbering = True",
        *(f"dep_{key} = {value!r}" for key, value in more.items()),
    ]
    return "\n".join(lines) + "\n"


def html(build_out: Path, page: str = "index.html") -> str:
    return (build_out / page).read_text(encoding="utf-8")


def links(text: str) -> dict[str, str]:
    """``text of the link -> href`` for every link of a page (tags inside dropped)."""
    found = {}
    for href, inner in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', text, re.S):
        found[re.sub(r"<[^>]+>", "", inner).strip()] = href
    return found


def test_three_projects_a_consumer_and_a_portfolio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    server = serve(sites)
    url = next(server)
    try:
        _scenario(tmp_path, sites, url, server, capsys)
    finally:
        server.close()


def _scenario(
    tmp_path: Path, sites: Path, url: str, server: Generator[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # --- serving: its DEP-0001 is replaced by runtime's DEP-0002 (both sides say so) ---------
    serving = write_project(
        tmp_path / "serving",
        {
            "deps/0001-batching.md": proposal("Batching", "Superseded", replaced_by="runtime:DEP-0002"),
            "deps/0002-streaming.md": proposal("Streaming", "Approved"),
            "deps/0003-autoscale.md": proposal("Autoscale", "Approved"),
        },
        conf=conf("serving", url, {"runtime": ""}),
    )
    first = sphinx_build(serving, sites / "serving")
    # runtime is not published yet: one warning naming it, and the build goes on.
    assert first.returncode == 0, first.output
    assert first.warnings == [
        f"conf.py:5: source 'runtime' ({url}runtime/deps.json) HTTP 404 File not found; "
        "no copy is kept, so its proposals are unknown to this build [dep.source]"
    ]
    published = json.loads((sites / "serving" / "deps.json").read_text())
    assert published["schema_version"] == 2
    assert published["site"] == f"{url}serving/"
    assert published["sources"] == {"runtime": f"{url}runtime/"}
    assert [d["page"] for d in published["deps"]] == [
        "deps/0001-batching.html",
        "deps/0002-streaming.html",
        "deps/0003-autoscale.html",
    ]
    assert published["deps"][0]["replaced_by"] == ["runtime:DEP-0002"]

    # --- runtime: DEP-0002 replaces serving's DEP-0001; DEP-0003 replaces serving's DEP-0002,
    # which does not say so: reported here, where both sides are known ---------------------
    runtime = write_project(
        tmp_path / "runtime",
        {
            "deps/0001-scheduler.md": proposal("Scheduler", "Approved"),
            "deps/0002-batching-v2.md": proposal("Batching v2", "Approved", replaces="serving:DEP-0001"),
            "deps/0003-streams.md": proposal("Streams", "In Progress", replaces="serving:DEP-0002"),
        },
        conf=conf("runtime", url, {"serving": ""}),
    )
    build = sphinx_build(runtime, sites / "runtime")
    assert build.warnings == [
        "deps/0003-streams.md:9: DEP-0003 replaces serving:DEP-0002, but serving:DEP-0002 does not say so: "
        "its :replaced-by: should name this project's DEP-0003 [dep.replaces_mismatch]"
    ]
    page = html(sites / "runtime", "deps/0002-batching-v2.html")
    card = region_text(page, "dep-card")
    assert (
        f"Replaces: [serving:DEP-0001: Batching {{Superseded}}]({url}serving/deps/0001-batching.html#DEP-0001)"
        in card
    )

    # --- operator: its implementation is serving's DEP-0003 -------------------------------
    operator = write_project(
        tmp_path / "operator",
        {
            "deps/0001-operator-autoscale.md": proposal(
                "Operator autoscale", "Implemented", implementation="serving:DEP-0003"
            )
        },
        conf=conf("operator", url, {"serving": ""}),
    )
    build = sphinx_build(operator, sites / "operator")
    assert build.warnings == []
    page = html(sites / "operator", "deps/0001-operator-autoscale.html")
    card = region_text(page, "dep-card")
    assert (
        f"Implementation: [serving:DEP-0003: Autoscale {{Approved}}]({url}serving/deps/0003-autoscale.html#DEP-0003)"
        in card
    )
    assert json.loads((sites / "operator" / "deps.json").read_text())["deps"][0]["implementation"] == [
        "serving:DEP-0003"
    ]

    # --- platform: names all three; its own DEP-0001 replaces runtime's DEP-0001 one-sidedly
    platform = write_project(
        tmp_path / "platform",
        {
            "deps/0001-platform.md": proposal(
                "Platform", "Approved", replaces="runtime:DEP-0001", implementation="operator:DEP-0001"
            ),
            "refs.md": (
                "# References\n\n"
                "{dep}`serving:DEP-0001`, {dep}`runtime:DEP-0002`, {dep}`the operator <operator:DEP-0001>`,\n"
                "{dep}`runtime:DEP-0099`, {dep}`nowhere:DEP-0001`.\n\n"
                "```{needtable}\n:filter: is_external\n:columns: id;title;status\n:style: table\n```\n"
            ),
        },
        conf=conf("platform", url, {"serving": "", "runtime": "", "operator": ""}),
        index=INDEX + "\n```{toctree}\nrefs\n```\n",
    )
    build = sphinx_build(platform, sites / "platform")
    assert build.warnings == [
        "deps/0001-platform.md:9: DEP-0001 replaces runtime:DEP-0001, but runtime:DEP-0001 does not say so: "
        "its :replaced-by: should name this project's DEP-0001 [dep.replaces_mismatch]",
        "refs.md:3: {dep} role: no source 'nowhere' in dep_sources (known: operator, runtime, serving) "
        "[dep.unknown_ref]",
        "refs.md:3: {dep} role: runtime:DEP-0099 is not a proposal of runtime "
        "(per its deps.json) [dep.unknown_ref]",
    ]
    page = html(sites / "platform", "refs.html")
    found = links(page)
    assert found["serving:DEP-0001: Batching Superseded"] == f"{url}serving/deps/0001-batching.html#DEP-0001"
    assert (
        found["runtime:DEP-0002: Batching v2 Approved"] == f"{url}runtime/deps/0002-batching-v2.html#DEP-0002"
    )
    assert found["the operator"] == f"{url}operator/deps/0001-operator-autoscale.html#DEP-0001"
    assert 'class="dep-ref-missing dep-ref-external">runtime:DEP-0099' in page
    # sphinx-needs' own table of external needs: every source's proposals, prefixed, linking out.
    rows = rows_of(page, "NEEDS_TABLE")
    assert ["SERVING-DEP-0001", "Batching", "Superseded"] in rows
    assert ["OPERATOR-DEP-0001", "Operator autoscale", "Implemented"] in rows
    assert len(rows) == 3 + 3 + 1  # the external ones only
    assert f'href="{url}runtime/deps/0003-streams.html#DEP-0003"' in page

    # --- the portfolio: no proposals of its own, every view over every source ------------
    portfolio = write_project(
        tmp_path / "portfolio",
        {},
        conf=conf("portfolio", url, {"serving": "", "runtime": "", "operator": ""}, portfolio=True),
        # The page the docs show ("Many repositories"): every view over every source.
        index=(REPO / "docs" / "examples" / "portfolio" / "index.md").read_text(),
    )
    build = sphinx_build(portfolio, sites / "portfolio")
    mismatch = (
        "conf.py:5: runtime:DEP-0003 replaces serving:DEP-0002, but serving:DEP-0002 does not say so: "
        "its :replaced-by: should name runtime:DEP-0003 [dep.replaces_mismatch]"
    )
    assert build.warnings == [mismatch]
    page = html(sites / "portfolio")
    index = rows_of(page, "dep-index-table")
    assert [row[:3] for row in index] == [
        ["operator:DEP-0001", "Operator autoscale", "Implemented"],
        ["runtime:DEP-0001", "Scheduler", "Approved"],
        ["runtime:DEP-0002", "Batching v2", "Approved"],
        ["runtime:DEP-0003", "Streams", "In Progress"],
        ["serving:DEP-0001", "Batching", "Superseded"],
        ["serving:DEP-0002", "Streaming", "Approved"],
        ["serving:DEP-0003", "Autoscale", "Approved"],
    ]
    found = links(page)
    assert found["serving:DEP-0002"] == f"{url}serving/deps/0002-streaming.html#DEP-0002"
    trace = {row[0]: row for row in rows_of(page, "dep-traceability-table")}
    assert trace["operator:DEP-0001"][3] == "serving:DEP-0003"
    assert trace["runtime:DEP-0002"][8] == "serving:DEP-0001"  # Replaces
    assert trace["serving:DEP-0001"][9] == "runtime:DEP-0002"  # Replaced by
    assert "7 proposals by status" in page
    assert re.search(r'data-status="approved" data-count="4"', page)
    # Approved without implementation: every Approved one (none has a link).
    unimplemented = [row[0] for row in rows_of(page, "dep-unimplemented-table")]
    assert unimplemented == ["runtime:DEP-0001", "runtime:DEP-0002", "serving:DEP-0002", "serving:DEP-0003"]
    svg = page[page.index('<div class="dep-graph-svg">') :]
    assert f'xlink:href="{url}runtime/deps/0002-batching-v2.html#DEP-0002"' in svg
    assert svg.count("<title>runtime.dep2&#45;&gt;serving.dep1</title>") == 1

    # --- a status changes in serving: its rebuild and the portfolio's show it ------------
    streaming = serving / "deps" / "0002-streaming.md"
    streaming.write_text(streaming.read_text().replace(":status: Approved", ":status: Deferred"))
    build = sphinx_build(serving, sites / "serving")
    # runtime is published now, so serving sees the replacement its DEP-0002 does not list.
    assert build.warnings == [
        "deps/0002-streaming.md:3: runtime:DEP-0003 replaces DEP-0002, but DEP-0002 does not say so: "
        "its :replaced-by: should name runtime:DEP-0003 [dep.replaces_mismatch]"
    ]
    build = sphinx_build(portfolio, sites / "portfolio")
    assert build.warnings == [mismatch]
    index = {row[0]: row for row in rows_of(html(sites / "portfolio"), "dep-index-table")}
    assert index["serving:DEP-0002"][2] == "Deferred"

    # --- the server goes away: the portfolio builds from its cache, one warning per source
    server.close()
    build = sphinx_build(portfolio, sites / "portfolio")
    assert build.returncode == 0, build.output
    cached = [line for line in build.warnings if "[dep.source]" in line]
    assert [line.split(" (", 1)[0] for line in cached] == [
        "conf.py:5: source 'operator'",
        "conf.py:5: source 'runtime'",
        "conf.py:5: source 'serving'",
    ]
    assert all("cannot be reached" in line and "; using the copy fetched 20" in line for line in cached)
    assert build.warnings == [*cached, mismatch]
    index = {row[0]: row for row in rows_of(html(sites / "portfolio"), "dep-index-table")}
    assert index["serving:DEP-0002"][2] == "Deferred"
    assert len(index) == 7

    # --- dep lint and dep gate read the same sources; --offline the cache alone ---------
    capsys.readouterr()
    assert main(["lint", "--root", str(platform), "--offline"]) == 1
    assert capsys.readouterr().out.splitlines() == [build_warning_of(platform)]
    assert main(["lint", "--root", str(portfolio), "--offline"]) == 1
    assert capsys.readouterr().out.splitlines() == [mismatch]
    assert main(["lint", "--root", str(portfolio)]) == 1  # online: the server is gone
    assert [line.split(" (", 1)[0] for line in capsys.readouterr().out.splitlines()] == [
        mismatch,  # lint sorts by file, line, then rule
        "conf.py:5: source 'operator'",
        "conf.py:5: source 'runtime'",
        "conf.py:5: source 'serving'",
    ]
    text = "Builds on runtime:DEP-0002 and serving:DEP-0002, for nowhere:DEP-1"
    assert main(["gate", "--root", str(portfolio), "--offline", "--text", text]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "ok   runtime:DEP-0002 (Batching v2): Approved",
        "FAIL serving:DEP-0002 (Streaming): Deferred; it must be Approved or Implemented before this merges",
        "FAIL nowhere:DEP-1: no source 'nowhere' in dep_sources (known: operator, runtime, serving)",
    ]


def build_warning_of(platform: Path) -> str:
    return (
        "deps/0001-platform.md:9: DEP-0001 replaces runtime:DEP-0001, but runtime:DEP-0001 does not say so: "
        "its :replaced-by: should name this project's DEP-0001 [dep.replaces_mismatch]"
    )


def test_a_large_graph_is_drawn_in_pictures_of_whole_parts() -> None:
    """dot's cost grows faster than the graph: a portfolio's is drawn a few hundred proposals at a time."""
    from sphinxcontrib_dep.core.model import Dep
    from sphinxcontrib_dep.core.report import GraphPart
    from sphinxcontrib_dep.sphinx.graph import CHUNK, chunks

    def part(size: int) -> GraphPart:
        return GraphPart(deps=[Dep(number=n) for n in range(1, size + 1)])

    assert chunks([]) == [[]]
    sizes = [CHUNK - 1, 1, 1, CHUNK + 5, 2]
    grouped = chunks([part(size) for size in sizes])
    assert [[len(p.deps) for p in group] for group in grouped] == [[CHUNK - 1, 1], [1], [CHUNK + 5], [2]]
