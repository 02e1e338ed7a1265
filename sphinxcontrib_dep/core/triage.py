"""The weekly triage: what the Friday meeting looks at, from the proposals and their git history.

The real maintainers' process (``0000-dep-process-improvements.md``, REQ 2 "Weekly Triage
Cadence" and "Friday PM/EM Triage") has the backlog reviewed every week for new proposals
to triage (assign area, PIC, priority and target review date), stalled ones to escalate
or close, merged implementation PRs without design documentation, and the reviews coming
up. :func:`triage_report` gathers the first, second and fourth of these for the open
proposals (:data:`TRIAGE_STATUSES`); :mod:`.gaps` finds the third. ``dep triage`` prints it
(text, Markdown to paste into the meeting's issue, JSON) and ``dep-triage`` shows it on
the site, both from this one function.

When each proposal was created and last changed comes from the history
(:func:`.history.read_history`: one ``git log`` for the whole proposals folder, files
followed through renames); without one (no git, a shallow clone) the report says why, and
lists no proposal as new or as stalled for want of commits. Embargoed proposals are never
named: the report is meant for a GitHub issue. Sphinx-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TypedDict

from . import corpus
from .areas import areas
from .config import DepConfig
from .history import FileHistory
from .model import TRIAGE_STATUSES, Dep, Status, status_label
from .report import Table
from .rules import VERDICTS

#: Days between two triage meetings (weekly, REQ 2): the default of ``--since`` counts back this
#: far, and the reviews due before the next meeting are those within this many days.
CADENCE_DAYS = 7


class NewRow(TypedDict):
    id: str | None
    number: int | None
    title: str
    status: str
    created: str | None  # YYYY-MM-DD; None: not committed yet
    authors: list[str]
    path: str
    docname: str


class UntriagedRow(TypedDict):
    id: str | None
    number: int | None
    title: str
    status: str
    missing: list[str]  # "area", "PIC", "priority", "review date"
    path: str
    docname: str


class StalledRow(TypedDict):
    id: str | None
    number: int | None
    title: str
    status: str
    areas: list[str]
    pic: str | None
    last_changed: str | None  # YYYY-MM-DD
    reasons: list[str]
    path: str
    docname: str


class DueRow(TypedDict):
    id: str | None
    number: int | None
    title: str
    review_date: str
    waiting_on: list[str]  # required reviewers without a verdict
    path: str
    docname: str


class TriageReport(TypedDict):
    """What ``dep triage --format json`` prints."""

    today: str
    since: str
    stalled_days: int
    #: Why the history is missing or incomplete, or ``None``.
    history_note: str | None
    new: list[NewRow]
    untriaged: list[UntriagedRow]
    stalled: list[StalledRow]
    reviews_due: list[DueRow]


def default_since(today: date) -> date:
    """The day of the last meeting: :data:`CADENCE_DAYS` before ``today``."""
    return today - timedelta(days=CADENCE_DAYS)


def missing(dep: Dep, config: DepConfig) -> list[str]:
    """What the triage still has to assign: an area and a PIC (when ``dep_areas`` declares
    areas), a priority, a review date."""
    found: list[str] = []
    if config.areas and not dep.areas:
        found.append("area")
    if config.areas and dep.pic is None:
        found.append("PIC")
    if dep.priority is None:
        found.append("priority")
    if dep.review_date is None:
        found.append("review date")
    return found


def stalled_reasons(dep: Dep, config: DepConfig, today: date, entry: FileHistory | None) -> list[str]:
    """Why an open proposal counts as stalled: no commit for ``stalled_days``, Under Review
    without required reviewers, a review date passed; ``[]`` when it does not."""
    reasons: list[str] = []
    if entry is not None:
        days = (today - entry.last_changed.date.date()).days
        if days >= config.stalled_days:
            reasons.append(f"no commit for {days} days")
    if dep.status is Status.UNDER_REVIEW and not dep.reviewers:
        reasons.append("no required reviewers")
    if dep.review_date is not None and dep.review_date < today:
        days = (today - dep.review_date).days
        reasons.append(
            f"review date {dep.review_date.isoformat()} passed {days} day{'s' if days != 1 else ''} ago"
        )
    return reasons


def triage_report(
    deps: Iterable[Dep],
    config: DepConfig,
    today: date,
    since: date | None = None,
    history: Mapping[str, FileHistory] | None = None,
    history_note: str | None = None,
) -> TriageReport:
    """The triage of the open proposals among ``deps`` (this project's own, not embargoed).

    ``history`` maps ``dep.path`` to its file's history; ``None`` when there is none (say why
    in ``history_note``). A proposal git does not know yet (not committed) counts as new.
    """
    since = since or default_since(today)
    shown = corpus.sort_deps(
        d for d in deps if d.project is None and not d.embargoed and d.status in TRIAGE_STATUSES
    )
    new: list[NewRow] = []
    untriaged: list[UntriagedRow] = []
    stalled: list[StalledRow] = []
    due: list[DueRow] = []
    horizon = today + timedelta(days=CADENCE_DAYS)
    for dep in shown:
        base = {
            "id": config.format_id(dep.number) if dep.number is not None else None,
            "number": dep.number,
            "title": dep.title,
            "path": dep.path,
            "docname": dep.docname,
        }
        status = status_label(dep.status)
        entry = history.get(dep.path) if history is not None else None
        if history is not None:
            created = entry.created.date.date() if entry is not None else None
            if created is None or created >= since:
                new.append(
                    {
                        **base,  # type: ignore[typeddict-item]
                        "status": status,
                        "created": created.isoformat() if created else None,
                        "authors": [person.display for person in dep.authors],
                    }
                )
        lacking = missing(dep, config)
        if lacking:
            untriaged.append({**base, "status": status, "missing": lacking})  # type: ignore[typeddict-item]
        reasons = stalled_reasons(dep, config, today, entry)
        if reasons:
            stalled.append(
                {
                    **base,  # type: ignore[typeddict-item]
                    "status": status,
                    "areas": list(dep.areas),
                    "pic": dep.pic.display if dep.pic is not None else None,
                    "last_changed": entry.last_changed.date.date().isoformat() if entry else None,
                    "reasons": reasons,
                }
            )
        if dep.status is Status.UNDER_REVIEW and dep.review_date and today <= dep.review_date <= horizon:
            waiting = [r.person.display for r in dep.reviewers if r.status not in VERDICTS]
            due.append({**base, "review_date": dep.review_date.isoformat(), "waiting_on": waiting})  # type: ignore[typeddict-item]
    due.sort(key=lambda row: (row["review_date"], row["path"]))
    return {
        "today": today.isoformat(),
        "since": since.isoformat(),
        "stalled_days": config.stalled_days,
        "history_note": history_note,
        "new": new,
        "untriaged": untriaged,
        "stalled": stalled,
        "reviews_due": due,
    }


def _id(row_id: str | None) -> str:
    return row_id or "draft"


def triage_tables(data: TriageReport, config: DepConfig) -> list[Table]:
    """The report as tables (text, Markdown), in the order the meeting takes them."""
    new = Table(f"New since {data['since']}", ["ID", "Title", "Status", "Created", "Authors"])
    for row in data["new"]:
        new.rows.append(
            [
                _id(row["id"]),
                row["title"],
                row["status"],
                row["created"] or "not committed",
                ", ".join(row["authors"]),
            ]
        )
    untriaged = Table("To triage: assign what is missing", ["ID", "Title", "Status", "Missing"])
    for lacking in data["untriaged"]:
        untriaged.rows.append(
            [_id(lacking["id"]), lacking["title"], lacking["status"], ", ".join(lacking["missing"])]
        )
    stalled = Table(
        f"Stalled: no commit for {data['stalled_days']} days, no reviewers, or review date passed",
        ["ID", "Title", "Status", "Area", "PIC", "Last commit", "Why"],
    )
    declared = areas(config)
    for stuck in data["stalled"]:
        stalled.rows.append(
            [
                _id(stuck["id"]),
                stuck["title"],
                stuck["status"],
                ", ".join(declared[key].name if key in declared else key for key in stuck["areas"]),
                stuck["pic"] or "",
                stuck["last_changed"] or "",
                "; ".join(stuck["reasons"]),
            ]
        )
    due = Table(
        f"Reviews due by {(date.fromisoformat(data['today']) + timedelta(days=CADENCE_DAYS)).isoformat()}",
        ["ID", "Title", "Review date", "Waiting on"],
    )
    for upcoming in data["reviews_due"]:
        due.rows.append(
            [
                _id(upcoming["id"]),
                upcoming["title"],
                upcoming["review_date"],
                ", ".join(upcoming["waiting_on"]),
            ]
        )
    return [new, untriaged, stalled, due]
