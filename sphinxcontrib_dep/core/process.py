"""Who may decide and who may extend a review, and the verdicts a decision needs.

The seed's words, each held by one function here:

- "If the reviewers are not in agreement by the review date, the Category PIC and lead
  architect will have final approval / decision making authority": :func:`deciders`,
  checked on ``:decision:`` (:func:`decider` reads who took it).
- "Authors / Architect / Category PIC can choose to extend the review deadline":
  :func:`may_extend`, and :func:`review_deadline` with ``:review-extension:``.
- "Authors and reviewers should be assigned and JIRA created to track": ``:tracking:``,
  required from Under Review on with ``dep_require_tracking``.
- "During implementation, if major decisions are revisited the doc should be updated and
  reviewed with a link to PR": ``:amendments:``, after approval only.
- "By the specified review date, reviewers should indicate their approval, decision, and
  the status moves to approved, rejected or deferred": Rejected and Deferred need every
  verdict, or a decision (:func:`missing_verdicts`).

Sphinx-free; :func:`check_process` is called by :func:`~.rules.check_dep`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .config import DepConfig
from .diagnostics import Code, Diagnostic
from .model import (
    AMENDABLE_STATUSES,
    TRACKED_STATUSES,
    Dep,
    Extension,
    Person,
    ReviewStatus,
    Status,
    choice_key,
)

#: A reviewer status that is not a verdict yet.
PENDING_VERDICTS = frozenset({ReviewStatus.NOT_STARTED, ReviewStatus.REVIEWING})
#: Statuses a decision leads to without every reviewer approving: they need every verdict,
#: or a ``:decision:`` (Approved has its own rule, ``dep.approval``).
NEEDS_VERDICTS = frozenset({Status.REJECTED, Status.DEFERRED})


def handle_key(text: str) -> str:
    """A handle as authority lists compare it: ``@Ana`` and ``ana`` are one person."""
    return text.strip().lstrip("@").casefold()


def authority_configured(config: DepConfig) -> bool:
    """Whether the project names its lead architects or category PICs (else nobody's authority is checked)."""
    return bool(config.lead_architects) or any(config.category_pics.values())


def category_pics(config: DepConfig, category: str | None) -> list[str]:
    """The PICs of ``category`` as written in ``dep_category_pics`` (its key matched like a value)."""
    if category is None:
        return []
    key = choice_key(category)
    return next((pics for name, pics in config.category_pics.items() if choice_key(name) == key), [])


def deciders(config: DepConfig, category: str | None) -> list[str]:
    """Who has the final call on a proposal of ``category``: its PICs, then the lead architects."""
    seen: dict[str, str] = {}
    for person in [*category_pics(config, category), *config.lead_architects]:
        seen.setdefault(handle_key(person), "@" + person.strip().lstrip("@"))
    return list(seen.values())


#: The decider of a ``:decision:``: the ``@handle`` it starts with, then ``:`` (``@ana: why``),
#: ``,`` (``@ana, PIC: why``) or nothing more. A handle anywhere else is a mention, not a signature.
_DECIDER_RE = re.compile(r"@([A-Za-z0-9][A-Za-z0-9-]{0,38}(?:/[A-Za-z0-9_.-]+)?)(?=\s*(?:[:,]|$))")


def decider(decision: str | None) -> Person | None:
    """Who took a ``:decision:``: the ``@handle`` it starts with (``@ana: why``), else ``None``."""
    if not decision:
        return None
    match = _DECIDER_RE.match(decision.strip())
    return Person(handle=match.group(1)) if match else None


def may_extend(dep: Dep, config: DepConfig, person: Person) -> bool:
    """Whether ``person`` may extend ``dep``'s review: an author, a lead architect or the category's PIC.

    Without configured authorities only the authors are known, so anyone named is accepted.
    """
    if person.handle is None:
        return not authority_configured(config)
    key = handle_key(person.handle)
    if any(author.handle and handle_key(author.handle) == key for author in dep.authors):
        return True
    if not authority_configured(config):
        return True
    return key in {handle_key(p) for p in deciders(config, dep.category)}


def extenders(dep: Dep, config: DepConfig) -> list[str]:
    """Who may extend ``dep``'s review, as messages name them."""
    names = [a.display for a in dep.authors]
    for person in deciders(config, dep.category):
        if handle_key(person) not in {handle_key(n) for n in names}:
            names.append(person)
    return names


#: The longest one extension may move a review, in review windows: an extension to
#: 9999-12-31 would park a review forever with no signal (extend again when the time comes).
MAX_EXTENSION_WINDOWS = 4


def extension_problem(extension: Extension, config: DepConfig) -> str | None:
    """Why an extension does not count whoever granted it, or ``None``: granted after the day
    it extends to, or longer than :data:`MAX_EXTENSION_WINDOWS` review windows from the day
    it was granted (the one rule ``dep lint``, the build and ``dep review extend`` apply)."""
    if extension.on is None:
        return None
    if extension.on > extension.until:
        return (
            f"granted on {extension.on.isoformat()}, after the day it extends to "
            f"({extension.until.isoformat()})"
        )
    longest = MAX_EXTENSION_WINDOWS * config.review_window_days
    if (extension.until - extension.on).days > longest:
        return (
            f"moves the review {(extension.until - extension.on).days} days past the day it was granted "
            f"({extension.on.isoformat()}); one extension may move it at most {MAX_EXTENSION_WINDOWS} review "
            f"windows ({longest} days): extend again when the time comes"
        )
    return None


def review_deadline(dep: Dep, config: DepConfig, started: date) -> tuple[date, Extension | None]:
    """The last day the review date may fall on, and the extension that set it (if one did).

    The review window from ``started``, moved by the latest extension granted by someone
    who may extend (:func:`may_extend`); an extension to an earlier day moves nothing.
    """
    deadline = started + timedelta(days=config.review_window_days)
    granted = [
        e
        for e in dep.review_extensions
        if e.reason and may_extend(dep, config, e.by) and extension_problem(e, config) is None
    ]
    latest = max(granted, key=lambda e: e.until, default=None)
    if latest is not None and latest.until > deadline:
        return latest.until, latest
    return deadline, None


def missing_verdicts(dep: Dep) -> list[str]:
    """Required reviewers who have given no verdict yet, as ``@a (Reviewing)``. For a
    rejection, changes requested are not a verdict either: they "need to be addressed
    before approval / rejection can be given" (seed line 468)."""
    pending = PENDING_VERDICTS | (
        {ReviewStatus.CHANGES_REQUESTED} if dep.status is Status.REJECTED else set()
    )
    return [f"{r.person.display} ({r.status.value})" for r in dep.reviewers if r.status in pending]


def check_process(dep: Dep, config: DepConfig) -> list[Diagnostic]:
    """Extensions granted by someone who may not, decisions without authority, missing verdicts."""
    found: list[Diagnostic] = []

    def report(code: Code, message: str, option: str) -> None:
        found.append(Diagnostic(code, message, dep.path, dep.line_of(option, "status")))

    for extension in dep.review_extensions:
        problem = extension_problem(extension, config)
        if problem is not None:
            report(
                Code.REVIEW_EXTENSION,
                f":review-extension: the extension to {extension.until.isoformat()} {problem}; it does not count",
                "review-extension",
            )
        elif not may_extend(dep, config, extension.by):
            report(
                Code.REVIEW_EXTENSION,
                f":review-extension: {extension.by.display} may not extend the review (an author, a lead "
                f"architect or the category's PIC may: {', '.join(extenders(dep, config))}); "
                f"the extension to {extension.until.isoformat()} does not count",
                "review-extension",
            )
    if dep.decision and authority_configured(config):
        who = decider(dep.decision)
        allowed = deciders(config, dep.category)
        shown = ", ".join(allowed) or "nobody: name the category's PICs in dep_category_pics"
        if who is None:
            report(
                Code.DECISION,
                f":decision: names no decider; write '@who: why' (the final call is taken by: {shown})",
                "decision",
            )
        elif who.handle is not None and handle_key(who.handle) not in {handle_key(p) for p in allowed}:
            category = dep.category or "(no category)"
            report(
                Code.DECISION,
                f":decision: taken by @{who.handle}, who is neither a lead architect nor a PIC of "
                f"{category} (the final call is taken by: {shown})",
                "decision",
            )
    if config.require_tracking and dep.status in TRACKED_STATUSES and not dep.tracking:
        assert dep.status is not None
        report(
            Code.TRACKING,
            f"{dep.status.value} needs the issue that tracks it in :tracking: (dep_require_tracking; the seed: "
            '"JIRA created to track")',
            "tracking",
        )
    if dep.target_completion and dep.review_date and dep.target_completion < dep.review_date:
        report(
            Code.TARGET_COMPLETION,
            f":target-completion: {dep.target_completion.isoformat()} is before the review date "
            f"{dep.review_date.isoformat()}; the work is done after the decision",
            "target-completion",
        )
    if dep.amendments and dep.status not in AMENDABLE_STATUSES:
        shown = dep.status.value if dep.status else "without a status"
        report(
            Code.AMENDMENT,
            f":amendments: record changes after approval; a proposal {shown} is simply edited",
            "amendments",
        )
    if dep.status in NEEDS_VERDICTS and not dep.decision:
        assert dep.status is not None
        pending = missing_verdicts(dep)
        if not dep.reviewers:
            report(
                Code.VERDICT,
                f"{dep.status.value} without required reviewers' verdicts; record who made the final call, "
                "and why, in :decision: (@who: why)",
                "status",
            )
        elif pending:
            report(
                Code.VERDICT,
                f"{dep.status.value}, but required reviewers have given no verdict: {', '.join(pending)}; "
                "record their verdicts (dep review), or who made the final call, and why, in :decision:",
                "required-reviewers",
            )
    return found
