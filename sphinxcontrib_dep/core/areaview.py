"""What an area's page shows: its proposals by status, its PICs, and what waits.

The data behind ``dep-area`` and ``dep-areas`` (Sphinx-free, like :mod:`.report`): the
real maintainers' PIC table (``0000-dep-area-taxonomy.md``) and the questions of their
weekly triage (``0000-dep-process-improvements.md``, REQ 2 and REQ 3: every open proposal
has an area, a PIC, a priority and a review date that has not passed unnoticed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from . import areas as area_settings
from .config import DepConfig
from .model import UNNUMBERED_STATUSES, Dep, Status
from .report import IndexRow, group_by_status, index_row, visible

#: The overview's row of proposals that name no area.
NO_AREA = "(no area)"


@dataclass
class PicRow:
    """One person in charge: an owner of the area (or a PIC who is not one) and what they drive."""

    handle: str
    owner: bool
    rows: list[IndexRow] = field(default_factory=list)


@dataclass
class WaitingRow:
    """An open proposal of the area and why it waits."""

    row: IndexRow
    reasons: list[str]


@dataclass
class AreaView:
    """One area's page."""

    key: str
    name: str
    label: str
    team: str | None
    paths: tuple[str, ...]
    by_status: list[tuple[str, list[IndexRow]]]
    pics: list[PicRow]
    waiting: list[WaitingRow]

    @property
    def count(self) -> int:
        return sum(len(rows) for _, rows in self.by_status)


@dataclass
class AreaSummary:
    """One row of the overview: an area (``key`` ``None``: proposals of no area) and its counts."""

    key: str | None
    name: str
    team: str | None
    owners: tuple[str, ...]
    total: int
    open: int
    under_review: int
    waiting: int


def waiting_reasons(dep: Dep, today: date) -> list[str]:
    """Why an open proposal waits on someone: no PIC when Under Review, a passed review date,
    no priority. ``[]`` for a proposal that does not wait (or is not open)."""
    # Open: no review decision yet (the statuses a proposal stays unnumbered in, by the seed),
    # so someone must still drive it.
    if dep.status not in UNNUMBERED_STATUSES:
        return []
    reasons = []
    if dep.status is Status.UNDER_REVIEW and dep.pic is None:
        reasons.append("Under Review without a PIC")
    if dep.status is Status.UNDER_REVIEW and dep.review_date is not None and dep.review_date < today:
        reasons.append(f"review date {dep.review_date.isoformat()} passed")
    if dep.priority is None:
        reasons.append("no priority")
    return reasons


def in_area(deps: Iterable[Dep], key: str | None) -> list[Dep]:
    """The proposals of area ``key`` (``None``: those of no area)."""
    return [dep for dep in deps if (key in dep.areas if key is not None else not dep.areas)]


def area_view(deps: Iterable[Dep], config: DepConfig, key: str, today: date) -> AreaView:
    """The page of the declared area ``key`` (:func:`~.ownership.resolve_area` finds it)."""
    area = area_settings.areas(config)[key]
    mine = visible(in_area(deps, key), config)
    pics = [PicRow(owner, True) for owner in area.owners]
    for dep in mine:
        if dep.pic is None:
            continue
        handle = f"@{dep.pic.handle}"
        found = next((pic for pic in pics if pic.handle.casefold() == handle.casefold()), None)
        if found is None:
            found = PicRow(handle, False)
            pics.append(found)
        found.rows.append(index_row(dep, config))
    waiting = [
        WaitingRow(index_row(dep, config), reasons)
        for dep in mine
        if (reasons := waiting_reasons(dep, today))
    ]
    return AreaView(
        key=area.key,
        name=area.name,
        label=area.label,
        team=area.team,
        paths=area.paths,
        by_status=group_by_status(mine, config),
        pics=pics,
        waiting=waiting,
    )


def overview(deps: Iterable[Dep], config: DepConfig, today: date) -> list[AreaSummary]:
    """Every declared area with its counts, in declared order; then the proposals of no area
    (left out when there are none)."""
    shown = visible(deps, config)

    def summary(key: str | None, name: str, team: str | None, owners: tuple[str, ...]) -> AreaSummary:
        mine = in_area(shown, key)
        return AreaSummary(
            key=key,
            name=name,
            team=team,
            owners=owners,
            total=len(mine),
            open=sum(dep.status in UNNUMBERED_STATUSES for dep in mine),
            under_review=sum(dep.status is Status.UNDER_REVIEW for dep in mine),
            waiting=sum(bool(waiting_reasons(dep, today)) for dep in mine),
        )

    rows = [summary(a.key, a.name, a.team, a.owners) for a in area_settings.areas(config).values()]
    unassigned = summary(None, NO_AREA, None, ())
    if unassigned.total:
        rows.append(unassigned)
    return rows
