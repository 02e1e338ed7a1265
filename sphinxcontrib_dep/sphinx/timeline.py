"""``dep-timeline``: every proposal's creation and status changes, newest first, from git.

One table (``table.dep-timeline-table``), one row per event: its date, the proposal, the
change (``created as In Progress``, ``In Progress → Under Review``), the commit and its
author. Rows are ``tr.dep-row.dep-timeline-created`` or ``.dep-timeline-status``. Where the
history is incomplete, ``p.dep-history-note`` above the table says why (a shallow clone,
no git). Takes ``:status:`` and ``:category:`` like the other views.
"""

from __future__ import annotations

from docutils import nodes

from ..core import report
from ..core.config import DepConfig
from ..core.history import Event
from ..core.model import Dep, Status
from . import history
from .tables import CorpusDirective, Renderer, Row


class DepTimelineDirective(CorpusDirective):
    """Every proposal's creation and status changes from git, newest first: date, proposal,
    change, commit and author. ``:status:`` and ``:category:`` keep only those proposals."""

    kind = "timeline"


def change_text(kind: str, old: str | None, new: str | None, settings: DepConfig | None = None) -> str:
    if kind == "created":
        new = settings.label(new) if settings is not None else new
        return f"created as {new}" if new else "created"
    return history.status_move(old, new, settings)


def render_timeline(renderer: Renderer) -> nodes.Node:
    container = nodes.container(classes=["dep-timeline"])
    found = history.get(renderer.app.env)
    if found is not None and found.note:
        container += nodes.paragraph(found.note, found.note, classes=["dep-history-note"])
    if found is None or not found.files:
        if found is None or not found.note:
            text = "No proposal has a history in git yet."
            container += nodes.paragraph(text, text, classes=["dep-empty"])
        return container
    shown = report.visible(renderer.deps, renderer.settings)
    by_rel = {rel: dep for dep in shown if (rel := history.relative_path(renderer.app, dep)) is not None}
    headers = ["Date", "DEP", "Title", "Change", "Commit", "Author"]

    def cells(event: Event, dep: Dep) -> Row:
        row = report.index_row(dep, renderer.settings)
        status = Status.lookup(event.new or "")
        return (
            [
                history.day(event.commit),
                renderer.id_cell(row),
                renderer.title_cell(row),
                change_text(event.kind, event.old, event.new, renderer.settings),
                nodes.literal(event.commit.short, event.commit.short, classes=["dep-commit"]),
                report.clip(event.commit.author, 200),
            ],
            [
                "dep-row",
                f"dep-timeline-{event.kind}",
                f"dep-row-{status.slug}" if isinstance(status, Status) else "dep-row-unknown",
            ],
        )

    events = found.events(by_rel)
    rows = [
        renderer.guarded(by_rel[event.path], "timeline", len(headers), cells, event, by_rel[event.path])
        for event in events
    ]
    container += renderer.table(headers, rows, ["dep-timeline-table"])
    return container
