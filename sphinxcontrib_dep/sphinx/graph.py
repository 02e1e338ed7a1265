"""``dep-graph``: supersession and implementation drawn by graphviz, inline SVG in HTML.

We run ``dot`` ourselves (``dep_graph_engine``) rather than go through sphinx-needs'
needflow, whose default PlantUML engine fails silently without Java. The SVG is embedded
inline so its links (each proposal's page, each pull request) work. A missing or failing
engine gives a ``dep.graph`` warning and a visible message in place of the graph.
"""

from __future__ import annotations

import re
import shlex
import subprocess

from docutils import nodes

from .. import report
from ..diagnostics import Code
from .logging import warn
from .tables import RENDERERS, CorpusDirective, Renderer

#: Seconds ``dot`` may take before the graph is given up.
TIMEOUT = 60


class DepGraphDirective(CorpusDirective):
    kind = "graph"


def run_engine(command: str, source: str) -> tuple[str | None, str]:
    """(SVG text, "") or (None, why it failed)."""
    argv = [*shlex.split(command), "-Tsvg"]
    try:
        result = subprocess.run(
            argv, input=source.encode(), capture_output=True, timeout=TIMEOUT, check=False
        )
    except FileNotFoundError:
        return (
            None,
            f"graphviz {argv[0]!r} (dep_graph_engine) was not found; install graphviz to draw dep-graph",
        )
    except (OSError, subprocess.SubprocessError) as err:
        return None, f"graphviz {argv[0]!r} (dep_graph_engine) could not be run: {err}"
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        return (
            None,
            f"graphviz {argv[0]!r} failed (exit {result.returncode}): {detail[0] if detail else 'no message'}",
        )
    return result.stdout.decode("utf-8", errors="replace"), ""


def inline_svg(svg: str) -> str:
    """The ``<svg>`` element alone: no XML prolog, DOCTYPE or comments (they are invalid inline)."""
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    return re.sub(r"<!--.*?-->", "", svg, flags=re.S).strip()


def render_graph(renderer: Renderer) -> nodes.Node:
    settings = renderer.settings
    container = nodes.container(classes=["dep-graph"])
    if not renderer.html:
        # Other builders get the same facts as text.
        items = nodes.bullet_list()
        for edge in report.corpus.replacements(renderer.deps):
            kind = "replaces (partial)" if edge.partial else "replaces"
            text = f"{settings.format_id(edge.successor)} {kind} {settings.format_id(edge.predecessor)}"
            item = nodes.list_item()
            item += nodes.paragraph(text, text)
            items += item
        container += items
        return container
    source = report.graph_dot(renderer.deps, settings, href=renderer.uri)
    svg, problem = run_engine(settings.graph_engine, source)
    if svg is None:
        warn(Code.GRAPH, problem, renderer.node)
        message = f"The proposal graph could not be drawn: {problem}."
        container["classes"].append("dep-graph-missing")
        container += nodes.paragraph(message, message, classes=["dep-graph-error"])
        return container
    container += nodes.raw("", f'<div class="dep-graph-svg">{inline_svg(svg)}</div>', format="html")
    return container


RENDERERS["graph"] = render_graph
