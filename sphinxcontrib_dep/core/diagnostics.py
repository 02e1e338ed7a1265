"""Diagnostics: every problem the toolkit reports, one code per rule.

Sphinx logs each as ``WARNING: ... [dep.<code>]`` (so ``suppress_warnings = ["dep.date"]``
silences one rule); ``dep lint`` prints the same message with the same code.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

#: The type of every warning this package gives Sphinx (``type="dep"``): with the
#: subtype, the name users silence (``suppress_warnings = ["dep.date"]``).
WARNING_TYPE = "dep"


class Code(enum.Enum):
    """Warning subtypes. The value is the subtype; the second item documents the rule."""

    def __new__(cls, value: str, doc: str) -> Code:
        member = object.__new__(cls)
        member._value_ = value
        member.doc = doc
        return member

    doc: str

    @property
    def tag(self) -> str:
        """``dep.<subtype>``: how logs, ``dep lint`` and ``suppress_warnings`` name the rule."""
        return f"{WARNING_TYPE}.{self.value}"

    # --- the dep-meta header -------------------------------------------------------
    OPTION = ("option", "An option ``dep-meta`` does not know.")
    STATUS = ("status", "A status that is not one of the process's eight.")
    CATEGORY = ("category", "A category that is not one of ``dep_categories``.")
    DATE = ("date", "A date that is not ``YYYY-MM-DD``.")
    REVIEWER_STATUS = ("reviewer_status", "A reviewer status in parentheses that is unknown.")
    TEMPLATE = ("template", "A ``:template:`` other than ``limited`` or ``complete``.")
    PERSON = ("person", "An author, sponsor or reviewer that cannot be read.")
    REF = ("ref", "A ``replaces``/``replaced-by``/``extends``/``related`` entry that names no proposal.")
    URL = ("url", "A link that is not an absolute http(s) URL (``javascript:`` and the like are refused).")
    NUMBER = ("number", "``:number:`` disagrees with the number in the file name.")
    DUPLICATE_META = ("duplicate_meta", "A second ``dep-meta`` in one document.")
    TITLE = ("title", "``dep-meta`` before the document's first heading, or no heading at all.")
    MISSING_META = ("missing_meta", "A proposal file without a ``dep-meta`` block.")
    VALUE = ("value", "A value of the wrong shape (a number that is not a number, ...).")
    RAW_HTML = (
        "raw_html",
        "Raw HTML or a link in a proposal that could run script; shown as text (``dep_raw_html``).",
    )
    ENCODING = ("encoding", "A file that is not valid UTF-8, or cannot be read.")
    DUPLICATE_OPTION = (
        "duplicate_option",
        "An option given twice in one directive (or under two spellings, ``:sponsor:`` and ``:steward:``).",
    )
    # --- what a proposal may contain (untrusted input; see docs/security.md) ---------------
    NESTED = ("nested", "A ``dep-*`` directive inside another directive, which is never read.")
    DIRECTIVE = ("directive", "A directive a proposal may not use (it could read files or run code).")
    ROLE = ("role", "A role a proposal may not use (it could read files or run code).")
    FILE = (
        "file",
        "A reference to a local file outside the proposals folder, or a file inserted into the page.",
    )
    FRONT_MATTER = ("front_matter", "Front matter that would change how MyST reads the proposal (``myst:``).")
    SUBSTITUTION = (
        "substitution",
        "A MyST substitution (``{{ ... }}``), a template expression, in a proposal.",
    )
    LINK = (
        "link",
        "A link to a heading or a file of the repository that leads nowhere (on GitHub too); shown as text.",
    )
    FILENAME = (
        "filename",
        "A file in the proposals folder that is not named ``NNNN-slug.md`` (or ``.rst``), or that Sphinx would not read.",
    )
    MISPLACED = ("misplaced", "A ``dep-meta`` outside the proposals folder, which is not read as a proposal.")
    SETTINGS = (
        "settings",
        "A setting conf.py computes, which ``dep lint`` (reading conf.py without running it) reads otherwise.",
    )
    UNREAD = (
        "unread",
        "Something the build refused that the reader did not see (a reader bug: please report it).",
    )
    # --- structure (templates, sections, alternatives, phases) -----------------------
    SECTION_MISSING = ("section_missing", "A section the proposal's template requires is missing.")
    SECTION_ORDER = ("section_order", "Sections out of the order the template prescribes.")
    PLACEHOLDER = ("placeholder", "Text left over from the template.")
    ALTERNATIVE = ("alternative", "A ``dep-alternative`` that cannot be read.")
    PHASE = ("phase", "A ``dep-phase`` that cannot be read.")
    # --- lifecycle and review ------------------------------------------------------------
    REVIEW_INCOMPLETE = (
        "review_incomplete",
        "Under Review without a sponsor, a required reviewer or a review date.",
    )
    APPROVAL = ("approval", "Approved while a required reviewer has not approved (and no ``:decision:``).")
    UNNUMBERED = ("unnumbered", "A status that requires a number, on an unnumbered draft.")
    IMPLEMENTATION_MISSING = ("implementation_missing", "Implemented without an implementation link.")
    SUPERSEDED_MISSING = ("superseded_missing", "Superseded without ``:replaced-by:``.")
    REVIEW_WINDOW = ("review_window", "A review date later than the review window allows.")
    TRANSITION = ("transition", "A status change that the lifecycle graph does not allow.")
    # --- the whole corpus ---------------------------------------------------------------
    DUPLICATE_NUMBER = ("duplicate_number", "Two proposals with the same number.")
    REPLACES_MISMATCH = (
        "replaces_mismatch",
        "``replaces`` and ``replaced-by`` disagree between two proposals.",
    )
    REPLACES_CYCLE = ("replaces_cycle", "A cycle of replacements.")
    SELF_REPLACE = ("self_replace", "A proposal that replaces itself.")
    UNKNOWN_REF = ("unknown_ref", "A reference to a proposal that does not exist.")
    SUCCESSORS = ("successors", "A proposal replaced in full by more than one successor.")
    GRAPH = ("graph", "The graph engine (graphviz ``dot``) is missing or failed.")
    EMBARGO = ("embargo", "An embargoed proposal left out of a public build.")
    MIGRATE = ("migrate", "A legacy value the migrator could not map.")
    # --- the process document's remaining rules (issue 19) -------------------------------
    EARLY_NUMBER = (
        "early_number",
        "A number on a proposal whose review is not complete; the steward numbers it after review "
        "(``dep_early_numbering`` allows earlier numbers).",
    )
    SECTION_UNKNOWN = (
        "section_unknown",
        "A top-level section the template does not list (an added or renamed section); the sections "
        "should not be changed, only what is inside them.",
    )
    PRIMARY_AUTHOR = ("primary_author", "A ``:primary-author:`` who is not among the ``:authors:``.")
    PROVISIONAL = (
        "provisional",
        "An Implemented proposal whose implementation is still marked provisional (BETA): update it or supersede it.",
    )
    CODE_REVIEW = (
        "code_review",
        "Implementation links name their code reviewers, and none is an author or a required reviewer.",
    )
    # --- the process, by command (review extensions, authority, verdicts, numbering) -------
    REVIEW_EXTENSION = (
        "review_extension",
        "A ``:review-extension:`` that cannot be read, gives no reason, or was granted by someone "
        "who may not extend a review (an author, a lead architect or the category's PIC may).",
    )
    DECISION = (
        "decision",
        "A ``:decision:`` that names no decider (``@who: why``), or one who has no authority over the "
        "category (``dep_lead_architects``, ``dep_category_pics``).",
    )
    VERDICT = (
        "verdict",
        "Rejected or Deferred while a required reviewer has given no verdict (for a rejection, changes "
        "requested are no verdict: seed line 468), and no ``:decision:``.",
    )
    SUPERSEDER = (
        "superseder",
        "Superseded by a proposal that is neither Approved nor Implemented (nor itself Superseded).",
    )
    TRACKING = (
        "tracking",
        "A ``:tracking:`` entry that is neither a URL, ``org/repo#12``, nor a key of a configured tracker "
        "(``dep_trackers``); or none from Under Review on, when ``dep_require_tracking`` asks for one.",
    )
    AMENDMENT = (
        "amendment",
        "An ``:amendments:`` entry that cannot be read or names no pull request, or amendments on a "
        "proposal not approved yet (a draft is simply edited).",
    )
    TARGET_COMPLETION = (
        "target_completion",
        "A ``:target-completion:`` before the review date: the work is done after the decision.",
    )
    NUMBER_TAKEN = (
        "number_taken",
        "A number given on this branch that another proposal holds on the revision of ``dep lint --since`` "
        "(two clones numbered before fetching): ``dep renumber`` moves it.",
    )
    SOURCE = (
        "source",
        "Another project's deps.json (``dep_sources``) that cannot be fetched or read, or entries of it "
        "left out; the last good copy is used.",
    )
    # --- main (lead) ---
    DUPLICATE_PERSON = (
        "duplicate_person",
        "One person listed twice in :authors:, :sponsor: or :required-reviewers: (``@carol (approved), "
        "@Carol (rejected)``): which verdict counts cannot be told.",
    )
    # --- areas ---
    AREA = (
        "area",
        "An ``:area:`` value that names no declared area (``dep_areas``), names several by their "
        "name or label, is given twice, or is given when no areas are declared.",
    )
    AREA_FOLDER = (
        "area_folder",
        "A proposal in an area folder (``deps/<area>/``) whose ``:area:`` does not name that area, "
        "or in a sub-folder that is no declared area (when ``dep_areas`` declares some).",
    )
    PIC = (
        "pic",
        "A ``:pic:`` that is not one ``@handle``, or who is an owner of none of the proposal's areas.",
    )
    PIC_MISSING = ("pic_missing", "Under Review without a ``:pic:``, when ``dep_areas`` declares areas.")
    PRIORITY = ("priority", "A ``:priority:`` that is not one of ``dep_priorities``.")
    # --- relations ---
    SELF_RELATION = ("self_relation", "A proposal that ``:extends:`` itself or is ``:related:`` to itself.")
    EXTENDS_CYCLE = ("extends_cycle", "A cycle of ``:extends:``: proposals that build on each other.")
    RETROACTIVE = (
        "retroactive",
        "``:retroactive:`` on a proposal that is neither Implemented nor Superseded (the review-window "
        "rules then apply as to any proposal).",
    )
    # --- mirror ---
    DISCUSSION = (
        "discussion",
        "A proposal's discussion cache (``dep_discussion_cache``) that cannot be read, or entries of it "
        "left out: not JSON, too large, a value of the wrong type, a key missing, a link that is not an "
        "https address on ``dep_discussion_hosts``. The page shows what could be read.",
    )


#: Rules that judge what the header says as a whole: where one shares a line with a problem
#: reading a value (``@marco (aproved)`` and the approval rule it then fails), the
#: value's problem, the cause, is reported first.
CONSEQUENCES = frozenset(
    {
        Code.REVIEW_INCOMPLETE,
        Code.APPROVAL,
        Code.UNNUMBERED,
        Code.IMPLEMENTATION_MISSING,
        Code.SUPERSEDED_MISSING,
        Code.REVIEW_WINDOW,
        Code.VERDICT,
        Code.SUPERSEDER,
        Code.PIC_MISSING,
    }
)


#: What every problem is: Sphinx logs each as a warning (``-W`` makes the build fail on
#: one), and ``dep lint`` reports it as one (exit status 1).
SEVERITY = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One located problem: the same object drives Sphinx warnings and ``dep lint`` output."""

    code: Code
    message: str
    path: str | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        # A message quotes values from the proposal; a line break or control character in
        # one must not start a forged line in a CI log (or rewrite the terminal).
        if not self.message.isprintable():
            object.__setattr__(self, "message", printable(self.message))
        if len(self.message) > MESSAGE_LIMIT:
            object.__setattr__(self, "message", shorten(self.message))

    def format(self) -> str:
        """``path:line: message [dep.code]``, the shape Sphinx gives warnings."""
        # A file name may hold a line break or ESC too: shown escaped, like the message.
        where = printable(self.path) if self.path else "<unknown>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message} [{self.code.tag}]"


#: The longest message: one quoting a 2 MB value would be a 2 MB line in every CI log.
MESSAGE_LIMIT = 1000


def shorten(message: str) -> str:
    """``message`` cut in the middle to :data:`MESSAGE_LIMIT` characters, saying how much went.

    The start names the option and the value, the end often the allowed values.
    """
    if len(message) <= MESSAGE_LIMIT:
        return message
    head, tail = MESSAGE_LIMIT * 6 // 10, MESSAGE_LIMIT * 3 // 10
    return f"{message[:head]} ... ({len(message) - head - tail} characters not shown) ... {message[-tail:]}"


def printable(text: str) -> str:
    """``text`` with every non-printable character (line breaks, ESC, NUL, ...) escaped."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
