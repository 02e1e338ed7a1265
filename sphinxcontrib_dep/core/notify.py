"""Per-reviewer notifications: what each required reviewer is asked to review, and by when.

The process notifies reviewers "of the target date for review" (seed line 369). Nothing
is sent: :func:`notifications` gathers, per reviewer, the proposals under review still
waiting on them, and :func:`render_markdown` words one GitHub-ready message each (an
``@handle`` mentions the reviewer in an issue or pull-request comment; everything a
proposal wrote is made inert by :func:`.escape.markdown`, so it mentions, references and
links nothing). Embargoed proposals are never named. ``dep notify`` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

from .config import DepConfig
from .escape import markdown as markdown_text
from .model import Dep, Person, Reviewer, Status
from .rules import VERDICTS


@dataclass
class Waiting:
    """One proposal under review that waits on one reviewer."""

    dep: Dep
    reviewer: Reviewer


@dataclass
class Notification:
    """Everything one reviewer is waiting to give a verdict on, soonest review date first."""

    person: Person
    waiting: list[Waiting] = field(default_factory=list)


def _key(person: Person) -> str:
    return (person.handle or person.name).casefold()


def notifications(deps: list[Dep]) -> list[Notification]:
    """Per required reviewer without a verdict, the proposals Under Review waiting on them.

    Embargoed proposals are always left out: the messages are meant to be pasted on GitHub.

    Reviewers are in the order of their first appearance; each one's proposals by review
    date (none last), then path.
    """
    found: dict[str, Notification] = {}
    for dep in sorted(deps, key=lambda d: d.path):
        if dep.status is not Status.UNDER_REVIEW or dep.embargoed:
            continue  # an embargoed proposal is never named in a message meant for GitHub
        for reviewer in dep.reviewers:
            if reviewer.status in VERDICTS:
                continue
            entry = found.setdefault(_key(reviewer.person), Notification(reviewer.person))
            entry.waiting.append(Waiting(dep, reviewer))
    for entry in found.values():
        entry.waiting.sort(
            key=lambda w: (w.dep.review_date is None, w.dep.review_date or date.min, w.dep.path)
        )
    return list(found.values())


def _who(person: Person) -> str:
    """``@handle`` (a mention on GitHub), else the name as text."""
    return f"@{person.handle}" if person.handle else markdown_text(person.display)


def _due(dep: Dep, today: date) -> str:
    if dep.review_date is None:
        return "no review date set yet"
    days = (dep.review_date - today).days
    when = (
        "today"
        if days == 0
        else f"in {days} day{'s' if days != 1 else ''}"
        if days > 0
        else f"overdue by {-days} day{'s' if days != -1 else ''}"
    )
    return f"review by **{dep.review_date.isoformat()}** ({when})"


def render_markdown(found: list[Notification], config: DepConfig, today: date) -> str:
    """One GitHub-ready message per reviewer, each under a ``###`` heading with their name."""
    if not found:
        return "No required reviewer is waited on: no proposal under review lacks a verdict.\n"
    parts = []
    for entry in found:
        count = len(entry.waiting)
        noun = "proposal" if count == 1 else "proposals"
        lines = [
            f"### {_who(entry.person)}",
            "",
            f"{_who(entry.person)}, you are a required reviewer of {count} {noun} under review:",
            "",
        ]
        for waiting in entry.waiting:
            dep = waiting.dep
            name = config.format_id(dep.number) if dep.number is not None else "Draft"
            lines.append(
                f"- {name} {markdown_text(dep.title)} ({markdown_text(dep.path)}): {_due(dep, today)}; "
                f"your review: {waiting.reviewer.status.value}"
            )
        lines += [
            "",
            "Please give your verdict (approved, rejected, deferred or changes requested) by the review date.",
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


class NotificationRow(TypedDict):
    reviewer: str
    handle: str | None
    proposals: list[WaitingRow]


class WaitingRow(TypedDict):
    id: str | None
    title: str
    path: str
    review_date: str | None
    review_status: str


def notification_rows(found: list[Notification], config: DepConfig) -> list[NotificationRow]:
    """The notifications as data (``dep notify --format json``)."""
    return [
        {
            "reviewer": entry.person.display,
            "handle": entry.person.handle,
            "proposals": [
                {
                    "id": config.format_id(w.dep.number) if w.dep.number is not None else None,
                    "title": w.dep.title,
                    "path": w.dep.path,
                    "review_date": w.dep.review_date.isoformat() if w.dep.review_date else None,
                    "review_status": w.reviewer.status.value,
                }
                for w in entry.waiting
            ],
        }
        for entry in found
    ]
