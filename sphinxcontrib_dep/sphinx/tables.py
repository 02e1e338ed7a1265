r"""``dep-index``, ``dep-traceability`` and ``dep-review-report``: tables of every proposal.

Each directive leaves a :class:`dep_report` placeholder at read time and records its page in
the domain; :func:`fill` replaces the placeholder at ``doctree-resolved`` with tables built
from the domain's proposals by :mod:`sphinxcontrib_dep.core.report`. So the tables always show
the proposals as they are now, also on pages that were not re-read.

HTML classes (stable, for styling and browser tests):

* ``div.dep-index.dep-filterable``: ``p.rubric.dep-index-part`` (By status / By category /
  Numerical index), ``p.rubric.dep-index-group`` (one status or category), ``table.dep-index-table``.
* ``div.dep-traceability.dep-filterable``: ``table.dep-traceability-table``.
* In both, ``form.dep-filters`` (:mod:`.filters`, shown by ``static/dep.js``): ``select``\ s
  named ``status``, ``category``, ``person``, ``input.dep-filter`` named ``q`` (every word
  must occur in a row), ``span.dep-filter-count`` ("3 of 7 shown"); headers become
  ``button.dep-sort``; a row filtered out gets ``hidden`` and ``dep-filtered-out``.
* ``div.dep-review-report``: ``table.dep-review-table`` (``span.dep-due``, ``.dep-overdue``,
  ``.dep-approval-met`` / ``.dep-approval-not-met``), ``table.dep-unimplemented-table``,
  ``table.dep-stale-table``; ``p.dep-empty`` where a part has no rows.
* Every body row is ``tr.dep-row.dep-row-<status-slug>`` (index and traceability), with
  ``dep-category-<slug>`` and ``dep-person-<slug>`` classes (:func:`.filters.row_classes`).
* ``a.dep-more`` ("and 12 more") ends a cell that shows only the first
  :data:`VIEW_ITEMS` people, links, phases or references; it opens the proposal.

A view shows every proposal, so no proposal may make it fail or grow without bound: each
cell shows at most :data:`VIEW_TEXT` characters and :data:`VIEW_ITEMS` items (the
proposal's own page shows all of them), and a row that cannot be built is replaced by
a row saying so, with a located warning at the proposal, while the others are shown.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

from docutils import nodes
from docutils.utils import new_document
from sphinx.application import Sphinx
from sphinx.builders import Builder

from ..core import git, report
from ..core.config import DepConfig
from ..core.diagnostics import Code
from ..core.model import Dep, DepRef, Status, lookup_category, parse_id, split_project_ref
from . import config as sphinx_config
from . import filters
from .card import person_node, review_badge, status_badge
from .directives import DepDirective
from .domain import get_domain
from .logging import warn
from .needs import dep_need_id

#: Characters of a title or other text one proposal shows in a view of all of them.
VIEW_TEXT = 200
#: People, links, phases or references one proposal shows per cell of such a view.
VIEW_ITEMS = 10

T = TypeVar("T")

#: A table row: its cells (nodes or text) and its classes.
Row = tuple[list[nodes.Node | str], list[str]]
#: A row of any part of the review report.
AnyReviewRow = report.UnderReviewRow | report.UnimplementedRow | report.StaleRow
ReviewRowT = TypeVar("ReviewRowT", report.UnderReviewRow, report.UnimplementedRow, report.StaleRow)


class dep_report(nodes.General, nodes.Element):
    """Placeholder for a whole-corpus view; ``kind`` says which, filled at doctree-resolved."""


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


#: The visitor of every writer, should a placeholder ever survive to writing: it is skipped.
SKIP_VISITORS: tuple[Callable[[Any, nodes.Node], None], None] = (_skip, None)


def today() -> date:
    """The build's date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


class CorpusDirective(DepDirective):
    """Base of the directives that show the whole corpus: a placeholder plus a note in the domain."""

    kind = ""
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {
        "status": lambda text: text or "",
        "category": lambda text: text or "",
    }

    def run(self) -> list[nodes.Node]:
        node = dep_report(kind=self.kind, statuses=self._statuses(), categories=self._categories())
        self.set_source_info(node)
        get_domain(self.env).note_page(self.env.docname, self.kind)
        return [node]

    def _items(self, option: str) -> list[str] | None:
        if option not in self.options:
            return None
        return [item.strip() for item in str(self.options[option]).split(",") if item.strip()]

    def _statuses(self) -> list[str] | None:
        items = self._items("status")
        if items is None:
            return None
        found = []
        settings = self.settings()
        for item in items:
            status = settings.lookup_status(item)  # a label (dep_status_labels) as headers accept it
            if status is None:
                self.note(
                    Code.STATUS,
                    f"{self.name} :status: unknown status {item!r} (allowed: {settings.status_allowed()})",
                )
            else:
                found.append(status.value)
        return found

    def _categories(self) -> list[str] | None:
        items = self._items("category")
        if items is None:
            return None
        settings = sphinx_config.get(self.config)
        found = []
        for item in items:
            category = lookup_category(item, tuple(settings.categories))
            if category is None and item.casefold() != report.UNCATEGORIZED.casefold():
                self.note(
                    Code.CATEGORY,
                    f"{self.name} :category: unknown category {item!r} (allowed: {', '.join(settings.categories)})",
                )
            else:
                found.append(category or report.UNCATEGORIZED)
        return found


#: The tables ``dep-index`` can show, in the order it shows them (``:by:``).
INDEX_PARTS = ("status", "category", "number")


class DepIndexDirective(CorpusDirective):
    """Every proposal: grouped by status, by category, and the numerical list.

    ``:by:`` picks the tables (``number``: the numerical list only, one row per proposal);
    ``:status:`` and ``:category:`` keep only some proposals.
    """

    kind = "index"
    option_spec: dict[str, Any] = {  # type: ignore[misc]  # noqa: RUF012
        **CorpusDirective.option_spec,
        "by": lambda text: text or "",
    }

    def run(self) -> list[nodes.Node]:
        result = super().run()
        parts = self._items("by")
        if parts is not None:
            unknown = [part for part in parts if part not in INDEX_PARTS]
            for part in unknown:
                self.note(
                    Code.VALUE, f"{self.name} :by: unknown table {part!r} (allowed: {', '.join(INDEX_PARTS)})"
                )
            node = result[0]
            assert isinstance(node, dep_report)
            node["by"] = [part for part in parts if part in INDEX_PARTS] or list(INDEX_PARTS)
        return result


class DepTraceabilityDirective(CorpusDirective):
    """Each proposal with its pull request, its implementation links and what replaced it,
    with a box that filters the rows as one types."""

    kind = "traceability"


class DepReviewReportDirective(CorpusDirective):
    """What is under review (and overdue), what each reviewer owes, what is approved but not
    implemented, and what has gone stale."""

    kind = "review"
    option_spec: ClassVar[dict[str, Any]] = {}


# --------------------------------------------------------------------------------------
# Rendering at doctree-resolved
# --------------------------------------------------------------------------------------


#: Where the pages whose views warned while being written are remembered for the next build.
VIEW_PROBLEMS = ".dep-views-with-problems.json"


def note_view_problem(app: Sphinx, docname: str) -> None:
    """A view on ``docname`` warned while it was written (a graph not drawn, a row not shown).

    Views are drawn when a page is written, so their warnings come only from pages written
    in this build; the page is remembered (``build-finished`` saves the list in the output
    folder) and written again by the next build, whose warning then comes again, until
    the cause is fixed.
    """
    found: set[str] = app.env.__dict__.setdefault("_dep_view_problems", set())
    found.add(docname)


def views_with_problems(app: Sphinx) -> list[str]:
    """The pages whose views warned in the last build (to write again)."""
    path = Path(app.outdir, VIEW_PROBLEMS)
    try:
        return [str(name) for name in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return []


def save_views_with_problems(app: Sphinx) -> None:
    path = Path(app.outdir, VIEW_PROBLEMS)
    found = sorted(app.env.__dict__.get("_dep_view_problems", set()))
    if found:
        path.write_text(json.dumps(found), encoding="utf-8")
    elif path.exists():
        path.unlink()


@dataclass(frozen=True)
class CorpusTables:
    """Every proposal a view shows, and the lookups over them: the same for every page."""

    #: This project's proposals.
    local: list[Dep]
    #: This project's, then (in a portfolio) every source's.
    deps: list[Dep]
    by_path: Mapping[str, Dep]
    by_number: Mapping[int, Dep]


def corpus_tables(app: Sphinx) -> CorpusTables:
    """The tables of :class:`CorpusTables`, built once per set of proposals.

    Each page's views, banner and back-links used to build them anew (sorting every
    proposal by number for every page written: quadratic in the number of proposals).
    The domain drops them whenever a proposal comes, changes or goes.
    """
    from . import portfolio

    domain = get_domain(app.env)
    found = domain.view_tables
    if not isinstance(found, CorpusTables):
        local = list(domain.deps.values())
        deps = local + portfolio.foreign_deps(app)
        found = CorpusTables(
            local, deps, MappingProxyType({dep.path: dep for dep in deps}), domain.number_index()
        )
        domain.view_tables = found
    return found


class Renderer:
    """Builds the docutils nodes of one view for one page: links are relative to ``docname``."""

    def __init__(self, app: Sphinx, docname: str, node: dep_report | None = None) -> None:
        self.app = app
        self.node = node
        self.builder: Builder = app.builder
        self.docname = docname
        self.settings: DepConfig = sphinx_config.get(app.config)
        from . import portfolio

        self.sources = portfolio.registry(app.config)
        tables = corpus_tables(app)
        statuses = node.get("statuses") if node is not None else None
        categories = node.get("categories") if node is not None else None
        if statuses is None and categories is None:
            self.deps = tables.deps
        else:
            self.deps = report.filter_deps(
                tables.deps,
                [Status(s) for s in statuses] if statuses is not None else None,
                categories,
            )
        self.all_deps = tables.deps
        self.local_deps = tables.local
        self.by_path = tables.by_path
        self.by_number = tables.by_number
        self.html = app.builder.format == "html"
        #: Proposals whose row could not be built (each warned about once).
        self.failed: set[str] = set()
        #: Writes this view's tables as HTML, each distinct row once (``None``: as nodes).
        self.writer = (
            HtmlTables.for_page(app.builder, node.document) if node is not None and self.html else None
        )

    def uri(self, dep: Dep) -> str:
        if dep.project is not None:  # another project's: its page on its site, judged when read
            return dep.url or ""
        return f"{self.builder.get_relative_uri(self.docname, dep.docname)}#{dep_need_id(dep, self.settings)}"

    def link(self, dep: Dep, text: str, classes: list[str] | None = None) -> nodes.Element:
        if dep.project is not None:
            if not dep.url:
                return nodes.inline(text, text, classes=[*(classes or []), "dep-external"])
            classes = [*(classes or []), "dep-external", f"dep-project-{dep.project}"]
            return nodes.reference(text, text, internal=False, refuri=dep.url, classes=classes)
        return nodes.reference(text, text, internal=True, refuri=self.uri(dep), classes=classes or [])

    def id_text(self, dep: Dep) -> str:
        """``DEP-0012``, or ``runtime:DEP-0012`` for another project's (``draft`` without a number)."""
        if dep.number is None:
            return "draft"
        source = self.sources.sources.get(dep.project) if dep.project is not None else None
        return source.ref_text(dep.number) if source is not None else self.settings.format_id(dep.number)

    def id_cell(self, row: report.IndexRow | report.TraceabilityRow | AnyReviewRow) -> nodes.Node:
        dep = self.by_path[row["path"]]
        return self.link(
            dep, self.id_text(dep) if dep.number is not None else row["id"] or "draft", ["dep-id"]
        )

    def title_cell(self, row: report.IndexRow | report.TraceabilityRow | AnyReviewRow) -> nodes.Node:
        text = report.clip(row["title"] or row["path"], VIEW_TEXT)
        return self.link(self.by_path[row["path"]], text, ["dep-title"])

    def some(
        self, dep: Dep, items: Sequence[T], node: Callable[[T], nodes.Node], separator: str = ", "
    ) -> nodes.inline:
        """Nodes of the first :data:`VIEW_ITEMS` items, then "and N more" linking to the proposal."""
        shown = [node(item) for item in items[:VIEW_ITEMS]]
        if len(items) > VIEW_ITEMS:
            shown.append(self.link(dep, f"and {len(items) - VIEW_ITEMS} more", ["dep-more"]))
        return joined(shown, separator)

    def guarded(self, dep: Dep, view: str, width: int, build: Callable[..., Row], *args: Any) -> Row:
        """``build(*args)``, or a row saying the proposal cannot be shown here (and a warning).

        One proposal whose values break a row must not take the view of all the others
        with it: the error is reported at the proposal, and its row says so.
        """
        try:
            return build(*args)
        except Exception as err:  # any failure of one row stays in that row
            name = dep_need_id(dep, self.settings)
            if dep.path not in self.failed:  # once per view, though the index shows it thrice
                self.failed.add(dep.path)
                note_view_problem(self.app, self.docname)
                warn(
                    Code.VALUE,
                    f"{name} cannot be shown in the {view} of {self.docname!r} "
                    f"({type(err).__name__}: {report.clip(str(err), 200)}); its row says so",
                    (dep.docname, dep.line) if dep.docname else self.node,
                )
            note = "cannot be shown here; see the build log"
            cells: list[nodes.Node | str] = [name, nodes.inline(note, note, classes=["dep-row-error"])]
            return cells + [""] * (width - 2), ["dep-row", "dep-row-error"]

    def status_cell(self, row: report.IndexRow | report.TraceabilityRow | report.StaleRow) -> nodes.Node:
        return status_badge(self.by_path[row["path"]].status, self.settings)

    def ref_cell(
        self, refs: list[report.RefRow], dep: Dep | None = None, holder: Dep | None = None
    ) -> nodes.Node:
        """References to proposals; in a view (``dep`` given), the first few of them."""
        holder = holder or dep
        if dep is not None:
            return self.some(dep, refs, lambda ref: self.ref_node(ref, holder))
        return joined([self.ref_node(ref, holder) for ref in refs])

    def target(self, ref: report.RefRow, holder: Dep | None) -> Dep | None:
        """The proposal a reference held by ``holder`` names, in whichever project it is."""
        home = holder.project if holder is not None else None
        if ref["project"] is not None:
            project, number = ref["project"], ref["project_number"]
            if project == "" or number is None:
                return self.by_number.get(number) if number is not None else None
            found = self.sources.find(project, number)
            return found[1] if found else None
        if ref["number"] is None:
            return None
        if home is not None:
            source = self.sources.sources.get(home)
            return source.by_number.get(ref["number"]) if source else None
        return self.by_number.get(ref["number"])

    def ref_node(self, ref: report.RefRow, holder: Dep | None = None) -> nodes.Node:
        target = self.target(ref, holder)
        if target is not None:
            node: nodes.Node = self.link(target, self.id_text(target), ["dep-ref-id"])
        elif ref["url"]:
            text = report.clip(ref["url"], VIEW_TEXT)
            node = nodes.reference(text, text, refuri=ref["url"])
        else:
            text = report.clip(ref["text"], VIEW_TEXT)
            node = nodes.inline(text, text, classes=["dep-unknown-ref"])
        if ref["partial"]:
            wrapper = nodes.inline()
            wrapper += [node, nodes.Text(" (partial)")]
            node = wrapper
        return node

    def table(
        self, headers: list[str], rows: list[tuple[list[nodes.Node | str], list[str]]], classes: list[str]
    ) -> nodes.Node:
        if not rows:
            return nodes.paragraph("None.", "None.", classes=["dep-empty"])
        # In a box of its own that scrolls sideways when the table is wider than the column
        # (a phone's width): the page itself never does.
        written = self.writer.table(headers, rows, classes) if self.writer is not None else None
        table = written if written is not None else make_table(headers, rows, classes)
        return nodes.container("", table, classes=["dep-table-scroll"])

    def shared_rows(self) -> dict[str, Row] | None:
        """Rows to reuse, by proposal, where a view shows a proposal in several tables.

        With :attr:`writer`, a row is built and written to HTML once and each copy is a
        string; without it (other builders), every copy needs nodes of its own (``None``).
        """
        return {} if self.writer is not None else None


class HtmlTables:
    """The views' tables of one page as HTML, each distinct row translated once.

    A view of a thousand proposals is a table of a thousand rows, and the index shows
    every proposal three times (by status, by category, by number). As docutils nodes,
    each copy is built, walked by every post-transform and the search indexer, and
    translated on its own. Here each row is built once, translated once by the builder's
    own HTML translator (so the markup is exactly what the nodes would give), and every
    copy is a string in one ``raw`` node per table. Only the ``row-odd`` / ``row-even``
    class Sphinx gives each row by its position is set per copy.

    The tables' text is therefore not in the search index (the proposals' own pages are).
    Should the translator not be as expected (a later Sphinx), :meth:`table` returns
    ``None`` and the table is built as nodes, as before.
    """

    def __init__(self, translator: Any) -> None:
        self.translator = translator
        #: id(row) -> (row, its ``<tr>`` as the first row of a table). The row is kept so
        #: its id is not reused while the page is rendered.
        self.rows: dict[int, tuple[Row, str]] = {}

    @classmethod
    def for_page(cls, builder: Builder, document: nodes.document | None) -> HtmlTables | None:
        # The writer's settings, as the page will be written with them (the doctree still
        # carries the reader's); a builder without them writes the tables as nodes.
        settings = getattr(builder, "docsettings", None)
        if document is None or builder.format != "html" or settings is None:
            return None
        try:
            translator = builder.create_translator(new_document("<dep views>", settings), builder)
        except Exception:  # a translator that cannot be made here: nodes, as before
            return None
        if not isinstance(getattr(translator, "_table_row_indices", None), list):
            return None
        return cls(translator)

    def _translate(self, node: nodes.Node) -> str:
        translator = self.translator
        translator.body = []
        translator.context = []
        translator._table_row_indices = [0]
        node.walkabout(translator)
        return "".join(translator.body)

    def table(self, headers: list[str], rows: list[Row], classes: list[str]) -> nodes.raw | None:
        try:
            skeleton = make_table(headers, [], classes, widths=_widths(headers, rows))
            head, marker, tail = self._translate(skeleton).partition("<tbody>\n")
            if not marker:
                return None
            group = skeleton[0]
            assert isinstance(group, nodes.tgroup)
            written = [head, marker]
            for position, row in enumerate(rows):
                html = self._row(group, row)
                if html is None:
                    return None
                if position % 2 == 0:  # Sphinx counts the header row: the first body row is even
                    end = html.index(">")
                    html = html[: end - 8] + 'row-even">' + html[end + 1 :]
                written.append(html)
            written.append(tail)
        except Exception:  # any surprise of the translator: nodes, as before
            return None
        return nodes.raw("", "".join(written), format="html")

    def _row(self, group: nodes.tgroup, row: Row) -> str | None:
        """The ``<tr>`` of ``row`` as a table's first row (class ``row-odd``), translated once."""
        found = self.rows.get(id(row))
        if found is not None:
            return found[1]
        cells, row_classes = row
        node = _row_node(cells, row_classes)
        # The translator reads the row's table: the tgroup's stub columns, the tbody.
        body = nodes.tbody()
        body.parent = group
        node.parent = body
        html = self._translate(node)
        end = html.find(">")
        if not html.startswith("<tr") or html[end - 8 : end + 1] != 'row-odd">':
            return None
        self.rows[id(row)] = (row, html)
        return html


def joined(items: list[nodes.Node], separator: str = ", ") -> nodes.inline:
    container = nodes.inline()
    for index, item in enumerate(items):
        if index:
            container += nodes.Text(separator)
        container += item
    return container


def _widths(headers: list[str], rows: list[Row]) -> list[int]:
    """Column widths in characters (the text builder lays out by them; HTML sizes columns itself)."""
    return [
        max(4, min(max([len(header), *(len(_text(cells[index])) for cells, _ in rows)]), 40))
        for index, header in enumerate(headers)
    ]


def _row_node(cells: list[nodes.Node | str], row_classes: list[str]) -> nodes.row:
    row = nodes.row(classes=list(row_classes))
    for cell in cells:
        paragraph = nodes.paragraph()
        paragraph += nodes.Text(cell) if isinstance(cell, str) else cell
        row += nodes.entry("", paragraph)
    return row


def make_table(
    headers: list[str],
    rows: list[tuple[list[nodes.Node | str], list[str]]],
    classes: list[str],
    *,
    widths: list[int] | None = None,
) -> nodes.table:
    """A docutils table: ``rows`` are (cells, row classes); a cell is a node or text."""
    table = nodes.table(classes=["dep-table", *classes])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths or _widths(headers, rows):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head_row = nodes.row()
    head += head_row
    for header in headers:
        entry = nodes.entry()
        entry += nodes.paragraph(header, header)
        head_row += entry
    body = nodes.tbody()
    group += body
    for cells, row_classes in rows:
        body += _row_node(cells, row_classes)
    return table


def _text(cell: nodes.Node | str) -> str:
    return cell if isinstance(cell, str) else cell.astext()


def _row_classes(dep: Dep) -> list[str]:
    return filters.row_classes(dep)


def render_index(renderer: Renderer) -> nodes.Node:
    """Grouped by status, by category, then the numerical list (like PEP 0)."""
    settings = renderer.settings
    headers = ["DEP", "Title", "Status", "Authors", "Category"]

    def cells(row: report.IndexRow, dep: Dep) -> Row:
        return (
            [
                renderer.id_cell(row),
                renderer.title_cell(row),
                renderer.status_cell(row),
                renderer.some(dep, dep.authors, person_node),
                report.clip(row["category"] or "", VIEW_TEXT),
            ],
            _row_classes(dep),
        )

    # Each proposal is in three tables; as HTML its row is built and written once.
    shared = renderer.shared_rows()

    def rows(group: list[report.IndexRow]) -> list[Row]:
        result: list[Row] = []
        for row in group:
            dep = renderer.by_path[row["path"]]
            built = shared.get(dep.path) if shared is not None else None
            if built is None:
                built = renderer.guarded(dep, "index", len(headers), cells, row, dep)
                if shared is not None:
                    shared[dep.path] = built
            result.append(built)
        return result

    container = nodes.container(classes=["dep-index", "dep-filterable"])
    if renderer.html and renderer.deps:
        container += nodes.raw(
            "", filters.form(report.visible(renderer.deps, settings), settings), format="html"
        )
    shown = renderer.node.get("by") if renderer.node is not None else None
    shown = shown or list(INDEX_PARTS)
    for part, grouping, slug in (
        ("By status", report.group_by_status, "status"),
        ("By category", report.group_by_category, "category"),
    ):
        if slug not in shown:
            continue
        groups = grouping(renderer.deps, settings)
        container += nodes.rubric(part, part, classes=["dep-index-part", f"dep-index-by-{slug}"])
        if not groups:
            container += nodes.paragraph("None.", "None.", classes=["dep-empty"])
        for name, group in groups:
            container += nodes.rubric(name, name, classes=["dep-index-group"])
            container += renderer.table(headers, rows(group), ["dep-index-table"])
    if "number" not in shown:
        return container
    if len(shown) > 1:
        part = "Numerical index"
        container += nodes.rubric(part, part, classes=["dep-index-part", "dep-index-numerical"])
    container += renderer.table(
        headers, rows(report.index_rows(renderer.deps, settings)), ["dep-index-table"]
    )
    return container


def render_traceability(renderer: Renderer) -> nodes.Node:
    """One row per proposal, DEP -> implementation -> replacement, with a filter box in HTML."""
    headers = ["DEP", *report.TRACEABILITY_COLUMNS]
    # Replacements are joined over every proposal, so a filter never hides a back-link.
    rows_by_path = {
        row["path"]: row for row in report.traceability_rows(renderer.all_deps, renderer.settings)
    }

    def cells(row: report.TraceabilityRow, dep: Dep) -> Row:
        implementation = renderer.some(
            dep, row["implementation"], lambda link: impl_node(renderer, link, dep)
        )
        tracking = renderer.some(
            dep,
            row["tracking"],
            lambda issue: nodes.reference(
                key := report.clip(issue["key"], VIEW_TEXT),
                key,
                refuri=issue["url"],
                classes=["dep-tracking"],
            ),
        )
        amendments = renderer.some(
            dep,
            row["amendments"],
            lambda a: nodes.reference(
                a["date"], a["date"], refuri=a["pull_request"], classes=["dep-amendment"]
            ),
        )
        target = row["target_completion"] or ""
        phases = renderer.some(
            dep,
            row["phases"],
            lambda p: nodes.Text(
                report.clip(
                    f"{p['number']}. {p['title']}".strip(". ")
                    + (f" ({p['release_target']})" if p["release_target"] else ""),
                    VIEW_TEXT,
                )
            ),
            "; ",
        )
        return (
            [
                renderer.id_cell(row),
                renderer.title_cell(row),
                renderer.status_cell(row),
                implementation,
                tracking,
                nodes.inline(target, target),
                amendments,
                phases,
                renderer.ref_cell(row["replaces"], dep),
                renderer.ref_cell(row["replaced_by"], dep),
                renderer.ref_cell(row["extends"], dep),
                renderer.ref_cell(row["related"], dep),
            ],
            _row_classes(dep),
        )

    rows: list[Row] = []
    for dep in report.visible(renderer.deps, renderer.settings):
        row = rows_by_path[dep.path]
        rows.append(renderer.guarded(dep, "traceability", len(headers), cells, row, dep))
    container = nodes.container(classes=["dep-traceability", "dep-filterable"])
    if renderer.html and rows:
        shown = report.visible(renderer.deps, renderer.settings)
        container += nodes.raw("", filters.form(shown, renderer.settings), format="html")
    container += renderer.table(headers, rows, ["dep-traceability-table"])
    return container


def last_changed(app: Sphinx, deps: list[Dep]) -> dict[str, date]:
    """path -> the day each proposal last changed: from the build's history (no git call of
    its own); a file git does not know (not committed, no git) by its modification time."""
    from . import history

    if history.get(app.env) is None or not sphinx_config.get(app.config).history:
        return git.last_touched([dep.path for dep in deps], Path(app.srcdir))
    known = {path: entry.last_changed.date.date() for path, entry in history.by_path(app, deps).items()}
    unknown = [dep.path for dep in deps if dep.path not in known]
    return {**known, **report.modified_dates(unknown, Path(app.srcdir))}


def render_review(renderer: Renderer) -> nodes.Node:
    """Under review with days left, approved without implementation, and stale proposals."""
    settings = renderer.settings
    deps = renderer.deps
    # When each proposal last changed is known of this project's own (git) only.
    touched = last_changed(renderer.app, [dep for dep in deps if dep.project is None])
    data = report.review_report(deps, settings, today(), touched)
    container = nodes.container(classes=["dep-review-report"])

    def under_review(row: report.UnderReviewRow, dep: Dep) -> Row:
        reviewers = nodes.bullet_list(classes=["dep-reviewers"])
        for reviewer in dep.reviewers[:VIEW_ITEMS]:
            item = nodes.list_item()
            paragraph = nodes.paragraph()
            paragraph += [person_node(reviewer.person), nodes.Text(" "), review_badge(reviewer.status)]
            item += paragraph
            reviewers += item
        if len(dep.reviewers) > VIEW_ITEMS:
            item = nodes.list_item()
            more = f"and {len(dep.reviewers) - VIEW_ITEMS} more"
            item += nodes.paragraph("", "", renderer.link(dep, more, ["dep-more"]))
            reviewers += item
        due_classes = ["dep-due"]
        if row["days_left"] is not None and row["days_left"] < 0:
            due_classes.append("dep-overdue")
        met = "met" if row["approval_met"] else "not met"
        cells: list[nodes.Node | str] = [
            renderer.id_cell(row),
            renderer.title_cell(row),
            row["review_date"] or "",
            nodes.inline(row["due"], row["due"], classes=due_classes),
            reviewers,
            nodes.inline(met, met, classes=[f"dep-approval-{met.replace(' ', '-')}"]),
        ]
        return cells, ["dep-row"]

    def unimplemented(row: report.UnimplementedRow, dep: Dep) -> Row:
        return [renderer.id_cell(row), renderer.title_cell(row), row["review_date"] or ""], ["dep-row"]

    def stale(row: report.StaleRow, dep: Dep) -> Row:
        return (
            [
                renderer.id_cell(row),
                renderer.title_cell(row),
                renderer.status_cell(row),
                row["last_touched"],
                str(row["days"]),
            ],
            ["dep-row"],
        )

    def part(
        title: str,
        found: Sequence[ReviewRowT],
        headers: list[str],
        build: Callable[[ReviewRowT, Dep], Row],
        classes: str,
    ) -> None:
        nonlocal container
        container += nodes.rubric(title, title, classes=["dep-review-part"])
        rows = [
            renderer.guarded(
                renderer.by_path[row["path"]],
                "review report",
                len(headers),
                build,
                row,
                renderer.by_path[row["path"]],
            )
            for row in found
        ]
        container += renderer.table(headers, rows, [classes])

    part(
        "Under review",
        data["under_review"],
        ["DEP", "Title", "Review date", "Due", "Required reviewers", "Approval rule"],
        under_review,
        "dep-review-table",
    )
    part(
        "Approved, no implementation",
        data["approved_unimplemented"],
        ["DEP", "Title", "Review date"],
        unimplemented,
        "dep-unimplemented-table",
    )
    part(
        f"Not touched in {settings.stale_days} days",
        data["stale"],
        ["DEP", "Title", "Status", "Last touched", "Days"],
        stale,
        "dep-stale-table",
    )
    return container


#: kind -> renderer of the tables here; :mod:`.events` adds the graph's (:mod:`.graph`).
RENDERERS: Mapping[str, Callable[[Renderer], nodes.Node]] = MappingProxyType(
    {
        "index": render_index,
        "traceability": render_traceability,
        "review": render_review,
    }
)


def fill(
    app: Sphinx,
    doctree: nodes.document,
    docname: str,
    renderers: Mapping[str, Callable[[Renderer], nodes.Node]],
) -> None:
    """Replace every placeholder of the page with its view (doctree-resolved)."""
    for node in list(doctree.findall(dep_report)):
        render = renderers.get(node["kind"])
        if render is None:
            node.replace_self([])
            continue
        node.replace_self(render(Renderer(app, docname, node)))


def ref_nodes(renderer: Renderer, refs: list[DepRef]) -> nodes.Node:
    """Links to proposals, ``(partial)`` marked, for the back-links on a proposal's card."""
    return renderer.ref_cell(report.ref_rows(refs, renderer.settings))


def impl_node(renderer: Renderer, link: report.LinkRow, holder: Dep) -> nodes.Node:
    """An implementation link in a view: its URL, or the page of another project's proposal."""
    label = report.clip(link["label"], VIEW_TEXT)
    if link["kind"] != "dep":
        return nodes.reference(label, label, refuri=link["url"], classes=[f"dep-impl-{link['kind']}"])
    parts = split_project_ref(link["url"])
    found = None
    if parts is not None:
        found = renderer.sources.find(parts[0], parts[2])
    elif holder.project is not None:  # written in a source, naming this project ("DEP-0002")
        number = parse_id(link["url"], None)
        local = renderer.by_number.get(number) if number is not None else None
        if local is not None:
            return renderer.link(local, renderer.id_text(local), ["dep-impl-dep"])
    if found is None:
        return nodes.inline(label, label, classes=["dep-impl-dep", "dep-unknown-ref"])
    return renderer.link(found[1], renderer.id_text(found[1]), ["dep-impl-dep"])
