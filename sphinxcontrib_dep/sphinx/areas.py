"""``dep-area`` (one area's page) and ``dep-areas`` (every area with its counts).

Thin views over :mod:`sphinxcontrib_dep.core.areaview`, filled at ``doctree-resolved`` like
the other whole-corpus views (:mod:`.tables`), so they show the proposals as they are now.

HTML classes (stable, for styling and browser tests):

* ``div.dep-area.dep-area-<key>``: ``p.dep-area-facts`` (team, label, code paths);
  ``p.rubric.dep-area-part`` (Proposals / People in charge / What waits);
  ``p.rubric.dep-area-group`` (one status) and ``table.dep-area-table``;
  ``table.dep-area-pics`` (``tr.dep-pic-not-owner`` for a PIC who owns none of the area);
  ``table.dep-area-waiting``; ``p.dep-empty`` where a part has no rows.
* ``div.dep-areas``: ``table.dep-areas-table``, one ``tr.dep-row`` per area, the area's
  name linking to the page holding its ``dep-area``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes

from ..core import areaview, ownership, report
from ..core.diagnostics import Code
from ..core.model import Dep
from .card import person_node, status_badge
from .domain import get_domain
from .tables import VIEW_ITEMS, VIEW_TEXT, CorpusDirective, Renderer, Row, dep_report, today

#: How a page holding ``dep-area KEY`` is noted in the domain (the overview links to it).
PAGE_PREFIX = "area:"


class DepAreaDirective(CorpusDirective):
    """One area's page: its proposals by status, its people in charge (each owner and the
    proposals they are PIC of) and what waits (Under Review without a PIC, a review date
    passed, no priority). The argument is the area's key (or its name or label)."""

    kind = "area"
    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        key, problem = ownership.resolve_area(self.arguments[0], self.settings())
        if key is None:
            if not self.settings().areas:
                problem = f"{self.arguments[0]!r} names no area: no areas are declared (dep_areas)"
            self.note(Code.AREA, f"{self.name}: {problem}")
            return []
        node = dep_report(kind=self.kind, area=key, statuses=None, categories=None)
        self.set_source_info(node)
        domain = get_domain(self.env)
        domain.note_page(self.env.docname, self.kind)
        domain.note_page(self.env.docname, f"{PAGE_PREFIX}{key}")
        return [node]


class DepAreasDirective(CorpusDirective):
    """Every declared area: its team, owners, and how many proposals it has, open, under
    review and waiting; then the proposals of no area."""

    kind = "areas"
    option_spec: ClassVar[dict[str, Any]] = {}


def area_pages(renderer: Renderer) -> dict[str, str]:
    """area key -> the page holding its ``dep-area`` (the first, by name)."""
    found: dict[str, str] = {}
    for docname, kinds in sorted(get_domain(renderer.app.env).pages.items()):
        for kind in kinds:
            if kind.startswith(PAGE_PREFIX):
                found.setdefault(kind[len(PAGE_PREFIX) :], docname)
    return found


def _people(handles: list[str] | tuple[str, ...]) -> nodes.Node:
    from ..core.parsing import parse_person

    container = nodes.inline()
    for index, handle in enumerate(handles[:VIEW_ITEMS]):
        if index:
            container += nodes.Text(", ")
        person = parse_person(handle)
        container += person_node(person) if person is not None else nodes.Text(handle)
    if len(handles) > VIEW_ITEMS:
        container += nodes.Text(f" and {len(handles) - VIEW_ITEMS} more")
    return container


def render_area(renderer: Renderer) -> nodes.Node:
    assert renderer.node is not None
    key = renderer.node["area"]
    settings = renderer.settings
    local = [dep for dep in renderer.deps if dep.project is None]
    view = areaview.area_view(local, settings, key, today())
    container = nodes.container(classes=["dep-area", f"dep-area-{key}"])
    facts = nodes.paragraph(classes=["dep-area-facts"])
    facts += nodes.strong(view.name, view.name)
    facts += nodes.Text(" · label ")
    facts += nodes.literal(view.label, view.label)
    if view.team:
        facts += nodes.Text(" · team ")
        facts += _people([view.team])
    if view.paths:
        facts += nodes.Text(" · code ")
        for index, path in enumerate(view.paths[:VIEW_ITEMS]):
            if index:
                facts += nodes.Text(", ")
            facts += nodes.literal(path, path)
    container += facts
    headers = ["DEP", "Title", "Status", "PIC", "Priority"]

    def proposal(row: report.IndexRow, dep: Dep) -> Row:
        pic: nodes.Node | str = person_node(dep.pic) if dep.pic is not None else ""
        return (
            [
                renderer.id_cell(row),
                renderer.title_cell(row),
                renderer.status_cell(row),
                pic,
                dep.priority or "",
            ],
            ["dep-row"],
        )

    part = "Proposals"
    container += nodes.rubric(part, part, classes=["dep-area-part"])
    if not view.by_status:
        container += nodes.paragraph("None.", "None.", classes=["dep-empty"])
    for status, rows in view.by_status:
        container += nodes.rubric(status, status, classes=["dep-area-group"])
        built = [
            renderer.guarded(
                renderer.by_path[row["path"]],
                "area page",
                len(headers),
                proposal,
                row,
                renderer.by_path[row["path"]],
            )
            for row in rows
        ]
        container += renderer.table(headers, built, ["dep-area-table"])

    part = "People in charge"
    container += nodes.rubric(part, part, classes=["dep-area-part"])
    pic_rows: list[Row] = []
    for pic in view.pics:
        deps = [renderer.by_path[row["path"]] for row in pic.rows]
        links = (
            renderer.some(deps[0], deps, lambda dep: renderer.link(dep, renderer.id_text(dep)))
            if deps
            else ""
        )
        who: nodes.Node = _people([pic.handle])
        role = "owner" if pic.owner else "not an owner of this area"
        pic_rows.append(([who, role, links], ["dep-row"] if pic.owner else ["dep-row", "dep-pic-not-owner"]))
    container += renderer.table(["Person", "Role", "PIC of"], pic_rows, ["dep-area-pics"])

    part = "What waits"
    container += nodes.rubric(part, part, classes=["dep-area-part"])

    def waiting(item: areaview.WaitingRow, dep: Dep) -> Row:
        reasons = "; ".join(item.reasons)
        return (
            [
                renderer.id_cell(item.row),
                renderer.title_cell(item.row),
                status_badge(dep.status, settings),
                nodes.inline(reasons, reasons, classes=["dep-waiting"]),
            ],
            ["dep-row"],
        )

    waiting_rows = [
        renderer.guarded(
            renderer.by_path[item.row["path"]],
            "area page",
            4,
            waiting,
            item,
            renderer.by_path[item.row["path"]],
        )
        for item in view.waiting
    ]
    container += renderer.table(["DEP", "Title", "Status", "Waiting on"], waiting_rows, ["dep-area-waiting"])
    return container


def render_areas(renderer: Renderer) -> nodes.Node:
    settings = renderer.settings
    local = [dep for dep in renderer.deps if dep.project is None]
    pages = area_pages(renderer)
    container = nodes.container(classes=["dep-areas"])
    rows: list[Row] = []
    for summary in areaview.overview(local, settings, today()):
        name = report.clip(summary.name, VIEW_TEXT)
        page = pages.get(summary.key) if summary.key is not None else None
        title: nodes.Node
        if page is not None:
            uri = renderer.builder.get_relative_uri(renderer.docname, page)
            title = nodes.reference(name, name, internal=True, refuri=uri, classes=["dep-area-link"])
        else:
            title = nodes.inline(name, name)
        cells: list[nodes.Node | str] = [
            title,
            nodes.literal(summary.key, summary.key) if summary.key else "",
            _people([summary.team]) if summary.team else "",
            _people(summary.owners),
            str(summary.total),
            str(summary.open),
            str(summary.under_review),
            str(summary.waiting),
        ]
        rows.append((cells, ["dep-row"]))
    headers = ["Area", "Key", "Team", "Owners", "Proposals", "Open", "Under review", "Waiting"]
    container += renderer.table(headers, rows, ["dep-areas-table"])
    return container
