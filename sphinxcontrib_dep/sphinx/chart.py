"""``dep-status-chart``: how many proposals stand in each status, as a bar chart.

The bars are HTML (no image, no JavaScript, no plotting library): each is an element as
wide as its share, coloured by the same ``dep-status-*`` classes as the status badges, so
the chart follows the theme and reads in a browser, a screen reader and a text diff alike.
Other builders get a two-column table.

The counts are taken when the page is written (``doctree-resolved``), from every proposal
in the project. The page is noted in the dep domain like every whole-corpus view, so it is
re-written, not re-read, whenever a proposal is added, changed or removed.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..core.config import DepConfig
from ..core.model import Dep, Status, status_slug
from . import config as sphinx_config
from .domain import get_domain


class dep_status_chart(nodes.General, nodes.Element):
    """Placeholder, replaced by the chart when the page is written."""


def status_counts(deps: Iterable[Dep], settings: DepConfig | None = None) -> list[tuple[str, str, int]]:
    """``(label, slug, count)`` for each of the eight statuses in lifecycle order, then
    proposals whose status is unknown (only when there are some)."""
    settings = settings or DepConfig()
    counts = Counter(dep.status for dep in deps)
    rows = [(settings.status_text(status), status.slug, counts.get(status, 0)) for status in Status]
    if counts.get(None):
        rows.append((settings.status_text(None), status_slug(None), counts[None]))
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
        get_domain(self.env).note_page(self.env.docname, "chart")
        node = dep_status_chart()
        self.set_source_info(node)
        return [node]


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(dep_status_chart))
    if not placeholders:
        return
    from .portfolio import foreign_deps

    deps = list(get_domain(app.env).deps.values()) + foreign_deps(app)
    rows = status_counts(deps, sphinx_config.get(app.config))
    for placeholder in placeholders:
        if app.builder.format == "html":
            placeholder.replace_self(nodes.raw("", chart_html(rows, len(deps)), format="html"))
        else:
            placeholder.replace_self(chart_table(rows))


def register(app: Sphinx) -> None:
    """Register the chart; called by the extension's ``setup``."""
    app.add_node(dep_status_chart)
    app.add_directive("dep-status-chart", DepStatusChartDirective)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.add_css_file("dep-chart.css")
