"""One person's part in the proposals: what they author, sponsor and review, and what waits on them.

``dep report --person @x`` answers "what is waiting on me?". What waits on a person, by
the seed's roles:

- a reviewer: their verdict, on a proposal under review, by its review date;
- an author: a review past its date (extend it, or see it decided), and an approved
  proposal past its target completion that is not implemented;
- a category PIC or lead architect: the final call on a proposal of their category whose
  review date has passed without agreement.

Overdue first, then by the day it is due. Sphinx-free.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypedDict

from . import process, rules
from .config import DepConfig
from .model import Dep, Person, Status
from .report import Table, due_text, shown_status, visible


class RoleRow(TypedDict):
    id: str | None
    title: str
    status: str | None
    role: str  # author, sponsor, reviewer (with the verdict)
    path: str


class WaitingRow(TypedDict):
    id: str | None
    title: str
    what: str  # "your verdict", "the final call", ...
    due: str | None  # YYYY-MM-DD
    days_left: int | None  # negative when overdue
    when: str  # "overdue by 3 days", ...
    path: str


class PersonReport(TypedDict):
    person: str
    roles: list[RoleRow]
    waiting: list[WaitingRow]


def _is(person: Person, handle: str) -> bool:
    key = process.handle_key(handle)
    if person.handle:
        return process.handle_key(person.handle) == key
    return person.display.casefold() == handle.strip().casefold()


def person_report(deps: Iterable[Dep], config: DepConfig, today: date, handle: str) -> PersonReport:
    """What ``handle`` (``@ana``) authors, sponsors and reviews, and what waits on them."""
    roles: list[RoleRow] = []
    waiting: list[WaitingRow] = []

    def ident(dep: Dep) -> str | None:
        return config.format_id(dep.number) if dep.number is not None else None

    def wait(dep: Dep, what: str, due: date | None) -> None:
        days = (due - today).days if due is not None else None
        waiting.append(
            {
                "id": ident(dep),
                "title": dep.title,
                "what": what,
                "due": due.isoformat() if due else None,
                "days_left": days,
                "when": due_text(days),
                "path": dep.path,
            }
        )

    for dep in visible(deps, config):
        status = dep.status.value if dep.status else None

        def role(name: str, dep: Dep = dep, status: str | None = status) -> None:
            roles.append(
                {"id": ident(dep), "title": dep.title, "status": status, "role": name, "path": dep.path}
            )

        authored = any(_is(p, handle) for p in dep.authors)
        if authored:
            role("author")
        if any(_is(p, handle) for p in dep.sponsors):
            role("sponsor")
        mine = next((r for r in dep.reviewers if _is(r.person, handle)), None)
        if mine is not None:
            role(f"reviewer ({mine.status.value})")
        past_review = dep.review_date is not None and dep.review_date < today
        if dep.status is Status.UNDER_REVIEW:
            if mine is not None and mine.status in process.PENDING_VERDICTS:
                wait(dep, "your verdict (dep review)", dep.review_date)
            if authored and past_review and not rules.approval_met(dep):
                wait(
                    dep,
                    "a review past its date: extend it (dep review extend) or see it decided",
                    dep.review_date,
                )
            deciders = {process.handle_key(p) for p in process.deciders(config, dep.category)}
            if past_review and not rules.approval_met(dep) and process.handle_key(handle) in deciders:
                wait(
                    dep,
                    "the final call (:decision:): the reviewers did not agree by the review date",
                    dep.review_date,
                )
        if (
            dep.status is Status.APPROVED
            and authored
            and dep.target_completion is not None
            and dep.target_completion < today
        ):
            wait(dep, "the implementation, past its target completion", dep.target_completion)
    waiting.sort(
        key=lambda row: (row["days_left"] is None, row["days_left"] or 0, row["id"] or "", row["what"])
    )
    shown = "@" + handle.strip().lstrip("@") if handle.strip().startswith("@") else handle.strip()
    return {"person": shown, "roles": roles, "waiting": waiting}


def person_tables(data: PersonReport, config: DepConfig | None = None) -> list[Table]:
    """The report as two tables: what waits on the person (overdue first), then their roles."""
    waiting = Table(f"Waiting on {data['person']}", ["ID", "Title", "What", "Due", "When"])
    for row in data["waiting"]:
        waiting.rows.append([row["id"] or "draft", row["title"], row["what"], row["due"] or "", row["when"]])
    roles = Table(f"{data['person']} in the proposals", ["ID", "Title", "Status", "Role"])
    for entry in data["roles"]:
        roles.rows.append(
            [
                entry["id"] or "draft",
                entry["title"],
                shown_status(entry["status"], config) if config else entry["status"] or "Unknown",
                entry["role"],
            ]
        )
    return [waiting, roles]
