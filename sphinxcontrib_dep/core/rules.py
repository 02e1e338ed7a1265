"""Per-proposal lifecycle and review rules, and the graph of allowed status moves.

Written once here; ``dep-meta`` (Sphinx) and ``dep lint`` / ``dep status`` (command line)
call these functions, so a rule and its wording exist in one place.
"""

from __future__ import annotations

from datetime import date

from . import ownership, process
from .config import DepConfig
from .diagnostics import Code, Diagnostic
from .model import (
    DRAFT_STATUSES,
    RETROACTIVE_STATUSES,
    UNNUMBERED_STATUSES,
    Dep,
    Person,
    ReviewStatus,
    Status,
)

# --------------------------------------------------------------------------------------
# The lifecycle graph
# --------------------------------------------------------------------------------------

#: Allowed status moves: status -> the statuses it may move to, as data.
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.NOT_STARTED: (Status.IN_PROGRESS,),
    # "A draft can be shelved": the seed's decisions (rejected, deferred) reach drafts too.
    Status.IN_PROGRESS: (Status.UNDER_REVIEW, Status.DEFERRED, Status.REJECTED),
    Status.UNDER_REVIEW: (Status.APPROVED, Status.REJECTED, Status.DEFERRED, Status.IN_PROGRESS),
    Status.APPROVED: (Status.IMPLEMENTED, Status.SUPERSEDED),
    Status.IMPLEMENTED: (Status.SUPERSEDED,),
    # A deferred proposal may be revived, or overtaken by another.
    Status.DEFERRED: (Status.IN_PROGRESS, Status.SUPERSEDED),
    Status.REJECTED: (),
    Status.SUPERSEDED: (),
}


def _status(value: Status | str | None) -> Status | None:
    if value is None or isinstance(value, Status):
        return value
    found = Status.lookup(value)
    return found if isinstance(found, Status) else None


def check_transition(old: Status | str | None, new: Status | str | None) -> str | None:
    """Why moving from ``old`` to ``new`` is not allowed, or ``None`` when it is.

    ``old`` is ``None`` for a proposal that did not exist before (any status may be its
    first); an unchanged status is always allowed. Strings are read like ``:status:``.
    """
    old_status, new_status = _status(old), _status(new)
    if old is not None and old_status is None:
        return f"unknown previous status {old!r}"
    if new_status is None:
        return f"unknown status {new!r}"
    if old_status is None or old_status is new_status:
        return None
    allowed = TRANSITIONS[old_status]
    if new_status in allowed:
        return None
    targets = ", ".join(s.value for s in allowed) or "nothing: it is final"
    return (
        f"status change {old_status.value} -> {new_status.value} is not allowed "
        f"(from {old_status.value}: {targets})"
    )


def lifecycle_dot(*, name: str = "lifecycle") -> str:
    """The lifecycle graph as graphviz DOT text, one node per status, one edge per move."""
    lines = [
        f"digraph {name} {{",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fillcolor="#f6f8fa", fontname="sans-serif"];',
        '  edge [fontname="sans-serif"];',
    ]
    for status in Status:
        lines.append(f'  "{status.value}";')
    for old, targets in TRANSITIONS.items():
        for new in targets:
            back = (
                " [style=dashed, constraint=false]"
                if list(Status).index(new) < list(Status).index(old)
                else ""
            )
            lines.append(f'  "{old.value}" -> "{new.value}"{back};')
    lines.append("}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------
# Review
# --------------------------------------------------------------------------------------

_UNNUMBERED = [s.value for s in Status if s in UNNUMBERED_STATUSES]
_UNNUMBERED_TEXT = f"{', '.join(_UNNUMBERED[:-1])} and {_UNNUMBERED[-1]}"

#: Reviewer statuses that count towards approval.
CONSENTING = frozenset({ReviewStatus.APPROVED, ReviewStatus.DEFERRED})


def pending_reviewers(dep: Dep) -> list[str]:
    """Required reviewers who have neither approved nor deferred, as ``@a (Reviewing)``."""
    return [f"{r.person.display} ({r.status.value})" for r in dep.reviewers if r.status not in CONSENTING]


def approval_met(dep: Dep) -> bool:
    """Whether the approval rule holds: there are required reviewers and every one approved
    or deferred, or a ``:decision:`` records who made the final call."""
    return bool(dep.decision) or (bool(dep.reviewers) and not pending_reviewers(dep))


#: Reviewer statuses that are a verdict: the reviewer's part of the review is done.
VERDICTS = frozenset({ReviewStatus.APPROVED, ReviewStatus.REJECTED, ReviewStatus.DEFERRED})


def review_complete(dep: Dep) -> bool:
    """Whether the review is over: a ``:decision:`` is recorded, or there are required
    reviewers and each has given a verdict (approved, rejected or deferred)."""
    return bool(dep.decision) or (bool(dep.reviewers) and all(r.status in VERDICTS for r in dep.reviewers))


def numbering_problem(dep: Dep, config: DepConfig) -> str | None:
    """Why ``dep`` may not carry a number yet, or ``None`` when it may.

    The steward assigns the number when the review is complete (seed lines 166 and
    181-183): not while the proposal is Not Started or In Progress, nor Under Review
    before every required reviewer has given a verdict. ``dep_early_numbering`` lifts it.
    ``dep number`` refuses with this reason; ``dep lint`` warns with it (``early_number``).
    """
    if config.early_numbering or dep.status is None:
        return None
    if dep.status in DRAFT_STATUSES:
        return f"it is {dep.status.value}; the steward numbers a proposal when its review is complete"
    if dep.status is Status.UNDER_REVIEW and not review_complete(dep):
        waiting = [
            f"{r.person.display} ({r.status.value})" for r in dep.reviewers if r.status not in VERDICTS
        ]
        why = f"waiting on {', '.join(waiting)}" if waiting else "no required reviewers yet"
        return f"its review is not complete ({why}); the steward numbers a proposal when it is"
    return None


def approval_summary(dep: Dep) -> str:
    """One line for the reviewer matrix and the reports: is the approval rule met, and why."""
    if not dep.reviewers and not dep.decision:
        # "yet" only while the proposal may still go to review; a decided one had none.
        if dep.status in UNNUMBERED_STATUSES or dep.status is None:
            return "No required reviewers yet."
        return "No required reviewers were recorded."
    if dep.status in process.NEEDS_VERDICTS:
        # Not an approval: say how it was decided, never "approval rule met".
        if dep.decision:
            return f"{dep.status.value} by decision: {dep.decision}"
        missing = process.missing_verdicts(dep)
        if missing:
            return f"{dep.status.value}, waiting on verdicts from {', '.join(missing)}."
        return f"{dep.status.value}: every required reviewer gave a verdict."
    pending = pending_reviewers(dep)
    if not pending:
        return "Approval rule met: every required reviewer approved or deferred."
    if dep.decision:
        return f"Approval rule met by decision: {dep.decision}"
    consenting = len(dep.reviewers) - len(pending)
    return (
        f"Approval rule not met: {consenting} of {len(dep.reviewers)} required reviewers "
        f"approved or deferred; waiting on {', '.join(pending)}."
    )


# --------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------


def _person_key(person: Person) -> str:
    """One person however written: the handle, else the name, case folded."""
    return (person.handle or person.name).casefold()


def check_dep(dep: Dep, config: DepConfig, *, entered_review: date | None = None) -> list[Diagnostic]:
    """Lifecycle and review problems of one proposal.

    ``entered_review`` is the date the proposal entered review when the caller knows it;
    ``:review-requested:`` wins over it. No rule depends on the clock, so a build gives
    the same warnings on any day.
    """
    found: list[Diagnostic] = []

    def report(code: Code, message: str, *options: str) -> None:
        found.append(Diagnostic(code, message, dep.path, dep.line_of(*options, "status")))

    status = dep.status
    if status is Status.UNDER_REVIEW:
        missing = [
            what
            for what, present in (
                ("a sponsor (:sponsor:)", dep.sponsors),
                ("a required reviewer (:required-reviewers:)", dep.reviewers),
                ("a review date (:review-date:)", dep.review_date),
            )
            if not present
        ]
        if missing:
            report(
                Code.REVIEW_INCOMPLETE,
                "Under Review needs a sponsor, at least one required reviewer and a review date; "
                f"missing {' and '.join(missing)}",
            )
    if status is not None and status not in UNNUMBERED_STATUSES and dep.number is None:
        report(
            Code.UNNUMBERED,
            f"a proposal that is {status.value} needs a number; only {_UNNUMBERED_TEXT} may stay unnumbered "
            f"(run `dep number {dep.path}` to give it the next free number)",
        )
    # The approval rule is a property of the states reached through approval, not only of
    # the move to Approved: an Implemented proposal whose listed reviewers did not all
    # approve, with no decision, is reported too (a verdict rewritten after the fact). One
    # that lists no reviewers is a record kept by hand before reviews were written down, or
    # a retroactive one: nothing to hold it to.
    implemented_with_reviewers = status is Status.IMPLEMENTED and bool(dep.reviewers)
    if (
        (status is Status.APPROVED or implemented_with_reviewers)
        and not dep.retroactive
        and not approval_met(dep)
    ):
        assert status is not None
        if dep.reviewers:
            report(
                Code.APPROVAL,
                f"{status.value}, but required reviewers have not all approved or deferred: "
                f"{', '.join(pending_reviewers(dep))}; record who made the final call, and why, in :decision:",
                "required-reviewers",
            )
        else:
            report(
                Code.APPROVAL,
                f"{status.value} without required reviewers; name them in :required-reviewers: "
                "or record who made the final call, and why, in :decision:",
            )
    if dep.number is not None and status in UNNUMBERED_STATUSES:
        early = numbering_problem(dep, config)
        if early is not None:
            report(
                Code.EARLY_NUMBER,
                f"numbered {config.format_id(dep.number)} before its review is complete: {early} "
                "(rename the file 0000-<slug>.md, or allow it with dep_early_numbering)",
                "number",
            )
    if status is Status.IMPLEMENTED and not dep.implementation and not dep.no_implementation:
        report(
            Code.IMPLEMENTATION_MISSING,
            "Implemented needs at least one implementation link (:implementation:), "
            "or :no-implementation: saying why there is none",
        )
    if (
        status is Status.IMPLEMENTED
        and dep.implementation
        and all(link.provisional for link in dep.implementation)
    ):
        report(
            Code.PROVISIONAL,
            "Implemented, but its implementation is still marked provisional: link the final release, "
            "or supersede the proposal with one that describes what was built",
            "implementation",
        )
    reviewed = [link for link in dep.implementation if link.code_reviewers]
    if reviewed:
        involved = {_person_key(p) for p in dep.authors} | {_person_key(r.person) for r in dep.reviewers}
        if not any(_person_key(p) in involved for link in reviewed for p in link.code_reviewers):
            names = sorted({p.display for link in reviewed for p in link.code_reviewers})
            report(
                Code.CODE_REVIEW,
                f"the implementation's code reviewers ({', '.join(names)}) include none of the authors or "
                "required reviewers; at least one should be involved in the code review",
                "implementation",
            )
    primary = dep.primary_author_given
    if primary is not None and _person_key(primary) not in {_person_key(p) for p in dep.authors}:
        report(
            Code.PRIMARY_AUTHOR,
            f":primary-author: {primary.display} is not among the :authors:; list them there",
            "primary-author",
        )
    if status is Status.SUPERSEDED and not dep.replaced_by:
        report(Code.SUPERSEDED_MISSING, "Superseded needs :replaced-by: naming the successor")

    if dep.retroactive and status not in RETROACTIVE_STATUSES:
        report(
            Code.RETROACTIVE,
            f":retroactive: marks a record of merged work, which is Implemented (or Superseded since); "
            f"this one is {status.value if status else 'without a status'}, so the review rules apply to it "
            "as to any proposal",
            "retroactive",
        )
    started = dep.review_requested or entered_review
    # A retroactive record's review date is the merge, before the file existed: no window.
    exempt = dep.retroactive and status in RETROACTIVE_STATUSES
    if started is not None and dep.review_date is not None and not exempt:
        days = (dep.review_date - started).days
        source = ":review-requested:" if dep.review_requested else "the date it entered review"
        deadline, extension = process.review_deadline(dep, config, started)
        if dep.review_date > deadline:
            extended = (
                f", extended to {deadline.isoformat()} by {extension.by.display}"
                if extension is not None
                else "; an author, a lead architect or the category's PIC may extend it (dep review extend)"
            )
            report(
                Code.REVIEW_WINDOW,
                f"review date {dep.review_date.isoformat()} is {days} days after {source} "
                f"({started.isoformat()}); the review window is {config.review_window_days} days{extended}",
                "review-date",
            )
        elif days < 0:
            report(
                Code.REVIEW_WINDOW,
                f"review date {dep.review_date.isoformat()} is before {source} ({started.isoformat()})",
                "review-date",
            )
    found += process.check_process(dep, config)
    found += ownership.check_ownership(dep, config)
    return found
