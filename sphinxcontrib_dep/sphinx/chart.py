"""``dep-status-chart``: how many proposals stand in each status, as a bar chart.

The bars are HTML (no image, no JavaScript, no plotting library): each is an element as
wide as its share, coloured by the same ``dep-status-*`` classes as the status badges, so
the chart follows the theme and reads in a browser, a screen reader and a text diff alike.
Other builders get a two-column table.

The counts are taken when the page is written (``doctree-resolved``), from every proposal
in the project; a page with a chart is re-written whenever a proposal is added, changed or
removed (``env-get-outdated``).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from ..model import Dep, Status
from .domain import get_domain


class dep_status_chart(nodes.General, nodes.Element):
    """Placeholder, replaced by the chart when the page is written."""


def status_counts(deps: Iterable[Dep]) -> list[tuple[str, str, int]]:
    """``(label, slug, count)`` for each of the eight statuses in lifecycle order, then
    proposals whose status is unknown (only when there are some)."""
    counts = Counter(dep.status for dep in deps)
    rows = [(status.value, status.slug, counts.get(status, 0)) for status in Status]
    if counts.get(None):
        rows.append(("Unknown", "unknown", counts[None]))
    return rows


def chart_html(rows: list[tuple[str, str, int]], total: int) -> str:
    """The chart as HTML; bar widths are shares of the largest count."""
    largest = max((count for _, _, count in rows), default=0) or 1
    summary = ", ".join(f"{label}: {count}" for label, _, count in rows if count)
    parts = [
        f'<figure class="dep-chart" role="img" aria-label="{html.escape(f"{total} proposals. {summary}")}">',
        '<div class="dep-chart-rows">',
    ]
    for label, slug, count in rows:
        width = 100 * count / largest
        parts.append(
            f'<div class="dep-chart-row" data-status="{slug}" data-count="{count}">'
            f'<span class="dep-chart-label">{html.escape(label)}</span>'
            f'<span class="dep-chart-track"><span class="dep-chart-bar dep-status-{slug}" '
            f'style="width: {width:.1f}%"></span></span>'
            f'<span class="dep-chart-count">{count}</span></div>'
        )
    parts.append("</div>")
    parts.append(f'<figcaption class="dep-chart-caption">{total} proposals by status</figcaption>')
    parts.append("</figure>")
    return "".join(parts)


def chart_table(rows: list[tuple[str, str, int]]) -> nodes.table:
    table = nodes.table(classes=["dep-chart-table"])
    group = nodes.tgroup(cols=2)
    table += group
    group += nodes.colspec(colwidth=14)
    group += nodes.colspec(colwidth=5)
    body = nodes.tbody()
    for label, _, count in rows:
        row = nodes.row()
        for text in (label, str(count)):
            entry = nodes.entry()
            entry += nodes.paragraph(text, text)
            row += entry
        body += row
    group += body
    return table


class DepStatusChartDirective(SphinxDirective):
    """A bar chart of the project's proposals by status: one bar per status, in lifecycle order."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        pages: set[str] = _chart_pages(self.env)
        pages.add(self.env.docname)
        node = dep_status_chart()
        self.set_source_info(node)
        return [node]


def _chart_pages(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "dep_chart_pages"):
        env.dep_chart_pages = set()  # type: ignore[attr-defined]
    return env.dep_chart_pages  # type: ignore[attr-defined,no-any-return]


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(dep_status_chart))
    if not placeholders:
        return
    deps = list(get_domain(app.env).deps.values())
    rows = status_counts(deps)
    for placeholder in placeholders:
        if app.builder.format == "html":
            placeholder.replace_self(nodes.raw("", chart_html(rows, len(deps)), format="html"))
        else:
            placeholder.replace_self(chart_table(rows))


def on_env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Charts count every proposal: re-write their pages when any document comes or goes."""
    if not (added or changed or removed):
        return []
    return sorted(_chart_pages(env) - removed)


def on_env_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _chart_pages(env).discard(docname)


def on_env_merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    _chart_pages(env).update(_chart_pages(other))


def register(app: Sphinx) -> None:
    """Register the chart; called by the extension's ``setup``. Idempotent, so a conf.py
    that also lists ``sphinxcontrib_dep.sphinx.chart`` gets no duplicate registrations."""
    if getattr(app, "_dep_status_chart", False):
        return
    app._dep_status_chart = True  # type: ignore[attr-defined]
    app.add_node(dep_status_chart)
    app.add_directive("dep-status-chart", DepStatusChartDirective)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    app.add_css_file("dep-chart.css")


def setup(app: Sphinx) -> dict[str, Any]:
    """The chart as an extension of its own, for a ``sphinxcontrib_dep`` that does not
    register it yet."""
    app.setup_extension("sphinxcontrib_dep")
    register(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
