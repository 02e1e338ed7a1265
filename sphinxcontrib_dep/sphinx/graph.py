"""``dep-graph``: supersession and implementation drawn by graphviz, inline SVG in HTML.

We run ``dot`` ourselves (``dep_graph_engine``) rather than go through sphinx-needs'
needflow, whose default PlantUML engine fails silently without Java. The SVG is embedded
inline so its links (each proposal's page, each pull request) work.

One proposal cannot take the picture of all of them down. What each proposal gives
graphviz is bounded (:mod:`sphinxcontrib_dep.core.report`), and should ``dot`` still fail on
the whole graph, the graph is split into its connected parts and halved until the parts
that fail are found: the others are drawn, each failing part is shown as a list, and a
``dep.graph`` warning at each proposal that could not be drawn names it. A missing or
failing engine (one that fails on every input) gives one ``dep.graph`` warning and a
visible message in place of the graph.
"""

from __future__ import annotations

import html
import re
import shlex
import subprocess
from dataclasses import dataclass

from docutils import nodes

from ..core import report
from ..core.config import DepConfig
from ..core.diagnostics import Code
from ..core.model import Dep
from .logging import warn
from .tables import CorpusDirective, Renderer, note_view_problem

#: Seconds ``dot`` may take before the graph is given up.
TIMEOUT = 60


class DepGraphDirective(CorpusDirective):
    """The proposals as a graph drawn by graphviz: which replace which, and the pull requests
    and issues that implement them; each node links to its proposal or to its URL. A graph
    of more than 300 proposals is drawn as several pictures, each of whole connected parts."""

    kind = "graph"


@dataclass(frozen=True)
class Drawn:
    """What one run of the engine gave: the SVG, or why there is none.

    ``broken`` says the engine itself cannot run (not found, cannot start, timed out):
    no part of the graph would fare better, so nothing is retried.
    """

    svg: str | None
    problem: str = ""
    broken: bool = False


def run_engine(command: str, source: str) -> Drawn:
    """Draw ``source`` with the engine: the SVG, or why it failed."""
    argv = [*shlex.split(command), "-Tsvg"]
    name = argv[0] if argv else command
    try:
        result = subprocess.run(
            argv, input=source.encode(), capture_output=True, timeout=TIMEOUT, check=False
        )
    except FileNotFoundError:
        return Drawn(
            None,
            f"graphviz {name!r} (dep_graph_engine) was not found; install graphviz to draw dep-graph",
            broken=True,
        )
    except subprocess.TimeoutExpired:
        return Drawn(None, f"graphviz {name!r} (dep_graph_engine) took more than {TIMEOUT} s", broken=True)
    except (OSError, subprocess.SubprocessError, IndexError) as err:
        return Drawn(None, f"graphviz {name!r} (dep_graph_engine) could not be run: {err}", broken=True)
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        first = report.clip(detail[0], 200) if detail else "no message"
        return Drawn(None, f"graphviz {name!r} failed (exit {result.returncode}): {first}")
    return Drawn(result.stdout.decode("utf-8", errors="replace"))


def inline_svg(svg: str) -> str:
    """The ``<svg>`` element alone: no XML prolog, DOCTYPE or comments (they are invalid inline)."""
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    return re.sub(r"<!--.*?-->", "", svg, flags=re.S).strip()


def _draw(command: str, parts: list[report.GraphPart]) -> Drawn:
    return run_engine(command, report.graph_source(line for part in parts for line in part.statements()))


def failing_parts(
    command: str, parts: list[report.GraphPart], first: Drawn
) -> tuple[list[tuple[report.GraphPart, str]], Drawn | None]:
    """The parts the engine cannot draw (each with why), by halving; and the rest drawn.

    ``first`` is the failed run of all ``parts``. Each failing part costs about two runs
    per halving, so a graph of a thousand parts with one bad one takes some twenty runs.
    """
    failed: list[tuple[report.GraphPart, str]] = []

    def search(group: list[report.GraphPart], drawn: Drawn) -> None:
        if drawn.svg is not None:
            return
        if len(group) == 1:
            failed.append((group[0], drawn.problem))
            return
        middle = len(group) // 2
        for half in (group[:middle], group[middle:]):
            search(half, _draw(command, half))

    search(parts, first)
    bad = {id(part) for part, _ in failed}
    rest = [part for part in parts if id(part) not in bad]
    return failed, (_draw(command, rest) if rest else None)


def culprits(command: str, part: report.GraphPart) -> list[Dep]:
    """The proposals of a failing part that fail drawn alone; all of them if none does."""
    if len(part.deps) == 1:
        return list(part.deps)
    alone = [
        dep
        for dep in part.deps
        if run_engine(command, report.graph_source(part.nodes[report.graph_key(dep)])).svg is None
    ]
    return alone or list(part.deps)


def text_list(renderer: Renderer, deps: list[Dep]) -> nodes.bullet_list:
    """Proposals and their replacements as a list: the graph in words."""
    settings = renderer.settings
    numbers = {dep.number for dep in deps}
    items = nodes.bullet_list()
    for dep in deps:
        assert dep.number is not None
        item = nodes.list_item()
        paragraph = nodes.paragraph()
        text = report.clip(f"{renderer.id_text(dep)} {dep.title}", report.GRAPH_TOOLTIP)
        paragraph += renderer.link(dep, text) if renderer.html else nodes.Text(text)
        item += paragraph
        items += item
    for text in report.graph_edge_texts([dep for dep in deps if dep.number in numbers], settings):
        item = nodes.list_item()
        item += nodes.paragraph(text, text)
        items += item
    return items


def render_graph(renderer: Renderer) -> nodes.Node:
    settings = renderer.settings
    container = nodes.container(classes=["dep-graph"])
    if not renderer.html:
        # Other builders get the same facts as text.
        items = nodes.bullet_list()
        for text in report.graph_edge_texts(renderer.deps, settings):
            item = nodes.list_item()
            item += nodes.paragraph(text, text)
            items += item
        container += items
        return container
    engine = settings.graph_engine
    parts = report.graph_parts(renderer.deps, settings, href=renderer.uri, id_text=renderer.id_text)
    pictures = 0
    for group in chunks(parts):
        drawn: Drawn | None = _draw(engine, group)
        failed: list[tuple[report.GraphPart, str]] = []
        if drawn is not None and drawn.svg is None and not drawn.broken and group:
            # An engine that cannot draw an empty graph is broken; else some part is to blame.
            empty = run_engine(engine, report.graph_source([]))
            if empty.svg is None:
                drawn = Drawn(None, empty.problem, broken=True)
            else:
                failed, drawn = failing_parts(engine, group, drawn)
        if drawn is not None and drawn.svg is None:
            note_view_problem(renderer.app, renderer.docname)
            warn(Code.GRAPH, drawn.problem, renderer.node)
            message = f"The proposal graph could not be drawn: {drawn.problem}."
            container["classes"].append("dep-graph-missing")
            container += nodes.paragraph(message, message, classes=["dep-graph-error"])
            if drawn.broken:
                break  # no other picture would fare better
        elif drawn is not None and drawn.svg is not None:
            pictures += 1
            svg = f'<div class="dep-graph-svg">{inline_svg(drawn.svg)}</div>'
            container += nodes.raw("", svg, format="html")
        for part, problem in failed:
            container += _fallback(renderer, part, problem)
    if pictures:
        container += nodes.raw("", legend(renderer.deps, settings), format="html")
    return container


#: Proposals one run of the engine draws at most. dot's layout grows faster than the graph
#: (2,000 proposals: 21 s; 10,000: more than five minutes), so a larger graph is drawn as
#: several pictures, each of whole connected parts (a part larger than this is a picture
#: of its own): the cost grows with the number of proposals, not its square.
CHUNK = 300


def chunks(parts: list[report.GraphPart]) -> list[list[report.GraphPart]]:
    """``parts`` in order, grouped into pictures of at most :data:`CHUNK` proposals (one, empty, for none)."""
    groups: list[list[report.GraphPart]] = [[]]
    size = 0
    for part in parts:
        if groups[-1] and size + len(part.deps) > CHUNK:
            groups.append([])
            size = 0
        groups[-1].append(part)
        size += len(part.deps)
    return groups


def legend(deps: list[Dep], settings: DepConfig) -> str:
    """What the colours and arrows of the graph mean (the statuses its proposals are in)."""
    present = {dep.status for dep in deps if dep.number is not None and dep.status is not None}
    items = [
        f'<li><span class="dep-graph-swatch" style="background:{colour}"></span>{html.escape(settings.status_text(status))}</li>'
        for status, colour in report.STATUS_COLOURS.items()
        if status in present
    ]
    items += [
        f'<li><span class="dep-graph-arrow" style="border-top:2px {style} {colour}"></span>{html.escape(label)}</li>'
        for label, colour, style in report.GRAPH_EDGES
    ]
    return f'<ul class="dep-graph-legend" aria-label="Legend">{"".join(items)}</ul>'


def _fallback(renderer: Renderer, part: report.GraphPart, problem: str) -> nodes.Node:
    """A part the engine could not draw: a list in its place, and a warning at each culprit."""
    settings = renderer.settings
    page = renderer.docname
    note_view_problem(renderer.app, page)
    for dep in culprits(settings.graph_engine, part):
        assert dep.number is not None
        warn(
            Code.GRAPH,
            f"{renderer.id_text(dep)} could not be drawn in the proposal graph of "
            f"{page!r}: {problem}; it is listed below the graph instead",
            (dep.docname, dep.line) if dep.docname else renderer.node,
        )
    box = nodes.container(classes=["dep-graph-fallback"])
    ids = ", ".join(renderer.id_text(dep) for dep in part.deps if dep.number is not None)
    message = f"Not drawn ({report.clip(problem, 200)}): {report.clip(ids, 200)}."
    box += nodes.paragraph(message, message, classes=["dep-graph-error"])
    box += text_list(renderer, part.deps)
    return box
