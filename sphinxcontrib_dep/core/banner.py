"""What the banner at the top of a proposal's page says, by its status.

A reader who lands on a proposal from a search engine must not miss that it was replaced,
rejected or deferred, or that it is not decided yet. Approved and Implemented proposals
get no banner: the card says enough. The Sphinx layer draws the banner
(:mod:`sphinxcontrib_dep.sphinx.banner`) with the successors linked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config import DepConfig
from .model import Dep, Status
from .report import clip

#: Characters of the decision's first sentence a banner shows.
SENTENCE = 300


@dataclass(frozen=True)
class Banner:
    """``kind`` names the look (``superseded``, ``rejected``, ``deferred``, ``undecided``);
    ``label`` is said first, in words (not colour alone); ``text`` follows it."""

    kind: str
    label: str
    text: str


_SENTENCE_END = re.compile(r"(?<=[.!?])([\"')\]]*)\s+(?=\S)")


def first_sentence(text: str, limit: int = SENTENCE) -> str:
    """The first sentence of ``text`` (up to ``.``, ``!`` or ``?`` and a space), white space
    folded, at most ``limit`` characters."""
    folded = " ".join(text.split())
    match = _SENTENCE_END.search(folded)
    sentence = folded[: match.end(1)] if match else folded
    return clip(sentence, limit)


UNDECIDED = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.UNDER_REVIEW})


def banner_for(dep: Dep, config: DepConfig | None = None) -> Banner | None:
    """The banner of ``dep``'s page; ``None`` for a decided proposal that stands.

    A superseded proposal's text is only the lead (``This proposal is replaced by``): the
    Sphinx layer follows it with links to the successors, joined from both sides.
    """
    status = dep.status

    def name(status: Status) -> str:  # under the project's label (dep_status_labels)
        return config.status_text(status) if config is not None else status.value

    if status is Status.SUPERSEDED:
        return Banner("superseded", name(Status.SUPERSEDED), "This proposal is replaced by")
    if status is Status.REJECTED:
        reason = first_sentence(dep.decision) if dep.decision else ""
        return Banner(
            "rejected",
            name(Status.REJECTED),
            f"Decision: {reason}" if reason else "This proposal was not accepted; it is kept as a record.",
        )
    if status is Status.DEFERRED:
        reason = first_sentence(dep.decision) if dep.decision else ""
        return Banner(
            "deferred",
            name(Status.DEFERRED),
            f"Decision: {reason}"
            if reason
            else "The decision is postponed; the proposal may be taken up again.",
        )
    if status in UNDECIDED:
        return Banner(
            "undecided",
            "Not yet decided",
            f"This is a proposal, not a decision ({name(status)}): what it describes may still change or be rejected.",
        )
    return None
