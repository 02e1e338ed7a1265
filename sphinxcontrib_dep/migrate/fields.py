"""The legacy fields: which names a header uses, and the status words it writes."""

from __future__ import annotations

import re

from ..core.model import (
    Status,
)

#: Legacy status words and the status each means. The ``dep-meta`` directive stays strict;
#: only the migrator reads these, and reports each use as a normalisation.
STATUS_ALIASES: dict[str, Status] = {
    "accepted": Status.APPROVED,
    "approve": Status.APPROVED,
    "readyforreview": Status.UNDER_REVIEW,
    "inreview": Status.UNDER_REVIEW,
    "review": Status.UNDER_REVIEW,
    "proposed": Status.UNDER_REVIEW,
    "wip": Status.IN_PROGRESS,
    "workinprogress": Status.IN_PROGRESS,
    "final": Status.IMPLEMENTED,
    "done": Status.IMPLEMENTED,
    "completed": Status.IMPLEMENTED,
    "declined": Status.REJECTED,
    "postponed": Status.DEFERRED,
}


#: Legacy field names (compared as :func:`~.model.normalize_key`) and the option each is.
FIELD_ALIASES: dict[str, str] = {
    "status": "status",
    "state": "status",
    "author": "authors",
    "authors": "authors",
    "authorss": "authors",
    "owner": "authors",
    "owners": "authors",
    "category": "category",
    "categories": "category",
    "sponsor": "sponsor",
    "sponsors": "sponsor",
    "sponser": "sponsor",
    "sponsers": "sponsor",
    "steward": "sponsor",
    "stewards": "sponsor",
    "shepherd": "sponsor",
    "requiredreviewers": "required-reviewers",
    "requiredreviewer": "required-reviewers",
    "reviewers": "required-reviewers",
    "reviewer": "required-reviewers",
    "reviewdate": "review-date",
    "decisiondate": "review-date",
    "reviewrequested": "review-requested",
    "replaces": "replaces",
    "replace": "replaces",
    "supersedes": "replaces",
    "replacedby": "replaced-by",
    "supersededby": "replaced-by",
    "pullrequest": "pull-request",
    "proposalpr": "pull-request",
    "pr": "pull-request",
    "implementation": "implementation",
    "implementations": "implementation",
    "implementationpr": "implementation",
    "implementationprs": "implementation",
    "implementationissue": "implementation",
    "trackingissue": "implementation",
    "trackingissues": "implementation",
    "implementspullrequest": "implementation",
    "implementspullrequests": "implementation",
    "implementspr": "implementation",
    "implementsprs": "implementation",
    "implementationpullrequest": "implementation",
    "implementationpullrequests": "implementation",
    "issue": "implementation",
    "issues": "implementation",
    "issuess": "implementation",
    "template": "template",
    "decision": "decision",
    "number": "number",
    # --- areas (issue 20): the drafts' area and priority (not "PIC": the drafts' glossaries
    # define it in bold, "**PIC:** Person In Charge", which would read as a stray header field) ---
    "area": "area",
    "areas": "area",
    "priority": "priority",
    # --- relations: the drafts' "Extends" and "Related Proposals" (issue 20) ---
    "extends": "extends",
    "extend": "extends",
    "buildson": "extends",
    "related": "related",
    "relatedproposals": "related",
    "relatedproposal": "related",
    "relateddeps": "related",
    "relatesto": "related",
    "relatedto": "related",
}


#: Options that hold lists (several legacy fields may add to one).
_LIST_FIELDS = frozenset(
    {
        "authors",
        "sponsor",
        "required-reviewers",
        "replaces",
        "replaced-by",
        "implementation",
        "area",
        "extends",
        "related",
    }
)


_PEOPLE_FIELDS = ("authors", "sponsor", "required-reviewers")


_REF_FIELDS = ("replaces", "replaced-by", "extends", "related")


#: Words that mark bracketed text as the template's own placeholder ("[Name/Team]").
_PLACEHOLDER_WORDS = re.compile(
    r"\b(link|links|name|names|team|date|title|proposal|applicable|pull request|issue|maintainer|"
    r"owner|reviewers?|describe|description|optional|required|todo|tbd|xxx|here|your|insert|"
    r"add|fill)\b",
    re.I,
)
