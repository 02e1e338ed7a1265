"""The proposal model: statuses, categories, people, links and the ``Dep`` record.

Everything here is plain data with no Sphinx import, so the command line, the Sphinx
layer and the tests share one definition of each list of values.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Self
from urllib.parse import unquote, urlsplit


def normalize_key(text: str) -> str:
    """Fold case and drop everything but letters and digits: ``"Under-Review"`` -> ``"underreview"``."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def choice_key(text: str) -> str:
    """A value of a closed set compared leniently but never read as something else.

    Case, spaces, tabs, ``-``, ``_`` and ``/`` do not count (``under-review``, ``Build /
    Infrastructure``); every other character does: ``Approved!``, ``Superſeded`` (a long s),
    ``appro\u200bved`` (a zero-width space) and ``Imple\u00a0mented`` (a no-break space, which
    a reviewer cannot tell from a space in a diff) name nothing.
    """
    import unicodedata

    return re.sub(r"[ \t\-_/]", "", unicodedata.normalize("NFC", text).lower())


class _Choice(enum.Enum):
    """An enum whose members match their value case- and punctuation-insensitively."""

    @classmethod
    def aliases(cls) -> dict[str, str]:
        return {}

    @classmethod
    def lookup(cls, text: str) -> Self | None:
        key = choice_key(text)
        if not key:
            return None
        for member in cls:
            if choice_key(member.value) == key:
                return member
        alias = cls.aliases().get(key)
        return cls(alias) if alias is not None else None

    @classmethod
    def allowed(cls) -> str:
        return ", ".join(member.value for member in cls)


class Status(_Choice):
    """The eight statuses of the process, in the order a proposal moves through them."""

    NOT_STARTED = "Not Started"
    IN_PROGRESS = "In Progress"
    UNDER_REVIEW = "Under Review"
    APPROVED = "Approved"
    IMPLEMENTED = "Implemented"
    REJECTED = "Rejected"
    DEFERRED = "Deferred"
    SUPERSEDED = "Superseded"

    @classmethod
    def aliases(cls) -> dict[str, str]:
        # The process document's own words: "Draft" for In Progress (the templates' status
        # list), "Replaced" for Superseded (the templates' list and "the original marked as
        # replaced", seed line 197; "marked as superseded", line 380, names the same move).
        return {choice_key(alias): status.value for alias, status in STATUS_WORDS.items()}

    @classmethod
    def alias_note(cls) -> str:
        """``'Draft' means In Progress, 'Replaced' means Superseded``: the aliases, for messages."""
        return ", ".join(f"{alias!r} means {status.value}" for alias, status in STATUS_WORDS.items())

    @property
    def slug(self) -> str:
        return self.value.lower().replace(" ", "-")


#: The process document's other words for statuses, and the status each means. Accepted
#: by ``dep-meta``, ``dep status`` and the migrator alike; reports show the status itself.
STATUS_WORDS: dict[str, Status] = {"Draft": Status.IN_PROGRESS, "Replaced": Status.SUPERSEDED}

# Groups of statuses, each defined here once and imported by every rule, report and view
# that needs it.

#: Statuses in which a proposal may still carry no number (file ``deps/0000-slug.md``).
UNNUMBERED_STATUSES = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.UNDER_REVIEW})
#: Drafts, which need not hold every required section yet: the process lets a draft be
#: incomplete ("not all sections need to be filled out" while In Progress).
DRAFT_STATUSES = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS})
#: Statuses that let work named by a pull request merge (``dep gate``).
GATE_STATUSES = frozenset({Status.APPROVED, Status.IMPLEMENTED})
#: Statuses the maintenance review leaves alone however old the file is (``stale``).
SETTLED_STATUSES = frozenset({Status.IMPLEMENTED, Status.REJECTED, Status.SUPERSEDED})
#: Statuses a review decision leads to: once a proposal enters one, it is decided
#: (the history's "decided" date is the last move from an open status into one of these).
DECIDED_STATUSES = frozenset({Status.APPROVED, Status.IMPLEMENTED, Status.REJECTED, Status.SUPERSEDED})

#: What a proposal that supersedes another in full may be: decided for it (Approved,
#: Implemented), or since superseded itself (a chain of replacements).
SUPERSEDER_STATUSES = frozenset({Status.APPROVED, Status.IMPLEMENTED, Status.SUPERSEDED})
#: From review on, the work is tracked (``dep_require_tracking``).
TRACKED_STATUSES = frozenset({Status.UNDER_REVIEW, Status.APPROVED, Status.IMPLEMENTED})
#: Statuses after approval, whose changes are recorded in ``:amendments:``.
AMENDABLE_STATUSES = frozenset({Status.APPROVED, Status.IMPLEMENTED, Status.SUPERSEDED})
#: The open statuses, before a decision: the weekly triage follows these (``dep triage``).
TRIAGE_STATUSES = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.UNDER_REVIEW})

#: The statuses of a retroactive record (``:retroactive:``): written after the work merged,
#: and perhaps replaced since. The review-window rules skip these; any other status is reported.
RETROACTIVE_STATUSES = frozenset({Status.IMPLEMENTED, Status.SUPERSEDED})

#: How a proposal whose status is missing or not one of the eight is shown and grouped.
UNKNOWN_STATUS = "Unknown"
#: Its CSS class suffix, beside :attr:`Status.slug` (``dep-status-unknown``).
UNKNOWN_STATUS_SLUG = "unknown"


def status_label(status: Status | None) -> str:
    """A status as reports and views show it: its value, or :data:`UNKNOWN_STATUS`."""
    return status.value if status is not None else UNKNOWN_STATUS


def status_slug(status: Status | None) -> str:
    """A status as a CSS class suffix: :attr:`Status.slug`, or :data:`UNKNOWN_STATUS_SLUG`."""
    return status.slug if status is not None else UNKNOWN_STATUS_SLUG


def in_lifecycle_order(statuses: Iterable[Status]) -> list[Status]:
    """``statuses`` in the order a proposal moves through them (the order of :class:`Status`)."""
    order = list(Status)
    return sorted(statuses, key=order.index)


class ReviewStatus(_Choice):
    """A required reviewer's status, from the process document's reviewer table."""

    NOT_STARTED = "Not Started"
    REVIEWING = "Reviewing"
    APPROVED = "Approved"
    REJECTED = "Rejected"
    DEFERRED = "Deferred"
    CHANGES_REQUESTED = "Changes Requested"

    @property
    def slug(self) -> str:
        return self.value.lower().replace(" ", "-")


class Template(_Choice):
    """The two proposal templates; limited is a strict subset of complete."""

    LIMITED = "limited"
    COMPLETE = "complete"


#: The process's categories; projects may configure their own (``dep_categories``).
DEFAULT_CATEGORIES: tuple[str, ...] = (
    "Architecture",
    "Process",
    "Build/Infrastructure",
    "Guidelines",
)


#: The process document's names for the default categories (seed lines 436-439, and
#: "Architecture and Design", "Coding Guidelines" on line 315), each an alias of one
#: canonical name: ``:category: Architecture / Design`` is stored, shown and reported as
#: Architecture. An alias counts only while its canonical name is a configured category.
CATEGORY_ALIASES: dict[str, str] = {
    "Architecture / Design": "Architecture",
    "Architecture and Design": "Architecture",
    "Build / Infrastructure": "Build/Infrastructure",
    "Coding Guidelines / Design Principles": "Guidelines",
    "Coding Guidelines": "Guidelines",
}


def lookup_category(text: str, categories: tuple[str, ...]) -> str | None:
    """The configured category that ``text`` names (or names by :data:`CATEGORY_ALIASES`),
    matched like every other value; always the canonical name."""
    key = choice_key(text)
    if not key:
        return None
    for category in categories:
        if choice_key(category) == key:
            return category
    for alias, canonical in CATEGORY_ALIASES.items():
        if choice_key(alias) == key:
            return next((c for c in categories if choice_key(c) == choice_key(canonical)), None)
    return None


_HANDLE = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9_.-]+)?"
HANDLE_RE = re.compile(rf"^@({_HANDLE})$")
GITHUB_PROFILE_RE = re.compile(
    rf"^https?://(?:www\.)?github\.com/(?:orgs/([A-Za-z0-9-]+)/teams/([A-Za-z0-9_.-]+)|({_HANDLE}))/?$"
)


@dataclass(frozen=True)
class Person:
    """An author, sponsor or reviewer: a GitHub handle, a name, or a name with a link."""

    name: str = ""
    handle: str | None = None
    url: str | None = None

    @property
    def display(self) -> str:
        if self.name:
            return self.name
        return f"@{self.handle}" if self.handle else ""

    @property
    def profile_url(self) -> str | None:
        if self.url:
            return self.url
        if self.handle:
            if "/" in self.handle:
                org, team = self.handle.split("/", 1)
                return f"https://github.com/orgs/{org}/teams/{team}"
            return f"https://github.com/{self.handle}"
        return None

    def to_text(self) -> str:
        """The person as written in ``dep-meta``: ``@handle``, ``Name`` or ``Name <url>``."""
        if self.handle and not self.name:
            return f"@{self.handle}"
        if self.handle:
            return f"{self.name} <https://github.com/{self.handle}>"
        if self.url:
            return f"{self.name} <{self.url}>"
        return self.name


@dataclass(frozen=True)
class Reviewer:
    """A required reviewer and where their review stands."""

    person: Person
    status: ReviewStatus = ReviewStatus.NOT_STARTED

    def to_text(self) -> str:
        text = self.person.to_text()
        if self.status is ReviewStatus.NOT_STARTED:
            return text
        return f"{text} ({self.status.value.lower()})"


@dataclass(frozen=True)
class DepRef:
    """A reference to another proposal (``DEP-0003``), possibly partial, or a plain URL.

    A proposal of another project (``runtime:DEP-0012``, see :mod:`.sources`) has no
    ``number`` (numbers are this project's): ``project`` names the source and
    ``project_id`` its proposal, as written (``DEP-0012``), ``project_number`` its number.
    ``project == ""`` is this project, named from another project's ``deps.json``.
    """

    number: int | None = None
    url: str | None = None
    partial: bool = False
    project: str | None = None
    project_id: str | None = None
    project_number: int | None = None

    def to_text(self, prefix: str = "DEP-", width: int = 4) -> str:
        if self.project is not None:
            text = f"{self.project}:{self.project_id}" if self.project else str(self.project_id)
        else:
            text = format_id(self.number, prefix, width) if self.number is not None else self.url or ""
        return f"{text} (partial)" if self.partial else text


_GITHUB_ITEM_RE = re.compile(r"^https?://github\.com/([^/\s]+)/([^/\s]+)/(pull|issues)/(\d+)(?:[/?#].*)?$")


@dataclass(frozen=True)
class Link:
    """An implementation pull request or tracking issue, or any other URL.

    In ``:implementation:`` a link may carry notes in parentheses after it:
    ``(provisional)`` (or ``(beta)``) for an implementation released before the review
    (seed line 426), ``(reviewed by @a @b)`` for its code reviewers (seed line 429).

    Or another project's proposal (``operator:DEP-0004``): then ``project`` names the
    source and ``number`` the proposal, and ``url`` is that text until a build resolves
    it to the other site's page (never an address before then).
    """

    url: str
    project: str | None = None
    number: int | None = None
    provisional: bool = False
    code_reviewers: tuple[Person, ...] = ()

    @property
    def kind(self) -> str:
        if self.project is not None:
            return "dep"
        match = _GITHUB_ITEM_RE.match(self.url)
        if match:
            return "pr" if match.group(3) == "pull" else "issue"
        return "link"

    @property
    def label(self) -> str:
        """``org/repo#123`` for GitHub pull requests and issues, else the URL itself."""
        if self.project is not None:
            return self.url
        match = _GITHUB_ITEM_RE.match(self.url)
        if match:
            return f"{match.group(1)}/{match.group(2)}#{match.group(4)}"
        return self.url

    @property
    def short_label(self) -> str:
        """A few words for a small space (the graph): ``org/repo#123``, else the last part
        of the path (a file's name, an issue's key), else the host."""
        if self.project is not None or _GITHUB_ITEM_RE.match(self.url):
            return self.label
        parts = urlsplit(self.url)
        segments = [s for s in parts.path.split("/") if s]
        if segments:
            return unquote(segments[-1])
        return parts.netloc or self.url


@dataclass
class Alternative:
    """A rejected alternative: ``dep-alternative``."""

    title: str
    pros: list[str] = field(default_factory=list)
    cons: list[str] = field(default_factory=list)
    reason_rejected: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    line: int | None = None
    #: The number written before the title (``Alt 2 Title``), ``None`` when none was.
    number: int | None = None


def alternative_numbers(alternatives: list[Alternative]) -> list[int]:
    """Each alternative's number as the seed cites it (``Alt 2``): the one written, else its
    position (1, 2, ...). The card, the need id (``DEP-0001-ALT-2``) and the rules use it."""
    return [a.number if a.number is not None else index for index, a in enumerate(alternatives, 1)]


class PhaseStatus(_Choice):
    """What became of an implementation phase left out of the final version (seed line 432)."""

    DEFERRED = "Deferred"
    MOVED = "Moved"


@dataclass
class Phase:
    """An implementation phase: ``dep-phase``."""

    number: int
    title: str = ""
    release_target: str | None = None
    effort: str | None = None
    work_items: list[Link] = field(default_factory=list)
    supported: list[str] = field(default_factory=list)
    not_supported: list[str] = field(default_factory=list)
    line: int | None = None
    #: ``None`` for a phase of the final version; Deferred, or Moved (to :attr:`moved_to`).
    status: PhaseStatus | None = None
    moved_to: list[DepRef] = field(default_factory=list)


@dataclass(frozen=True)
class Extension:
    """A review deadline moved: until when, by whom, on what day, and why (``:review-extension:``)."""

    until: date
    by: Person
    on: date | None = None
    reason: str = ""

    def to_text(self) -> str:
        on = f" on {self.on.isoformat()}" if self.on else ""
        return f"{self.until.isoformat()} by {self.by.to_text()}{on}: {self.reason}"


@dataclass(frozen=True)
class TrackingIssue:
    """The issue that tracks a proposal's work in any tracker: ``DYN-123``, ``org/repo#12``, a URL."""

    key: str
    url: str


@dataclass(frozen=True)
class Amendment:
    """A change after approval: when, the pull request that made it, and what changed (``:amendments:``)."""

    on: date
    pull_request: str
    summary: str


@dataclass
class Dep:
    """One proposal's metadata, as written in its ``dep-meta`` block."""

    title: str = ""
    number: int | None = None
    #: ``None`` when the header names no status, or one that is not known.
    status: Status | None = None
    authors: list[Person] = field(default_factory=list)
    category: str | None = None
    sponsors: list[Person] = field(default_factory=list)
    reviewers: list[Reviewer] = field(default_factory=list)
    review_date: date | None = None
    review_requested: date | None = None
    replaces: list[DepRef] = field(default_factory=list)
    replaced_by: list[DepRef] = field(default_factory=list)
    pull_request: str | None = None
    implementation: list[Link] = field(default_factory=list)
    template: Template = Template.LIMITED
    decision: str | None = None
    embargoed: bool = False
    #: Who keeps the decision moving (seed line 317); ``None``: the first of :attr:`authors`.
    primary_author_given: Person | None = None
    #: Why an Implemented proposal links no implementation (a process or guideline decision).
    no_implementation: str | None = None
    #: Values the migrator could not map, kept verbatim so nothing is lost.
    unmapped: dict[str, str] = field(default_factory=dict)
    alternatives: list[Alternative] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    #: ``{dep}`` roles in the proposal's text: ``(line, target as written)``.
    references: list[tuple[int, str]] = field(default_factory=list)
    #: Where the proposal lives: a path relative to the project (``deps/0001-x.md``).
    path: str = ""
    #: Sphinx docname, when built by Sphinx.
    docname: str = ""
    #: 1-based line of the ``dep-meta`` directive.
    line: int | None = None
    #: 1-based line of each option (canonical name, ``replaced-by``), where known.
    option_lines: dict[str, int] = field(default_factory=dict)
    #: Review deadlines moved (``:review-extension:``), in the order written.
    review_extensions: list[Extension] = field(default_factory=list)
    #: The issues that track the work (``:tracking:``).
    tracking: list[TrackingIssue] = field(default_factory=list)
    #: When the work is to be done (``:target-completion:``).
    target_completion: date | None = None
    #: Changes after approval (``:amendments:``), in the order written.
    amendments: list[Amendment] = field(default_factory=list)
    #: The source it comes from (``dep_sources`` key) for another project's proposal,
    #: read from its ``deps.json``; ``None`` for this project's own.
    project: str | None = None
    #: Its page on the other project's site (``project`` set), judged by :mod:`.sources`.
    url: str | None = None
    #: The areas it belongs to (``:area:``, keys of ``dep_areas``), in header order.
    areas: list[str] = field(default_factory=list)
    #: The person in charge (``:pic:``): an owner of one of its areas.
    pic: Person | None = None
    #: Its priority (``:priority:``), one of ``dep_priorities``, set during the weekly triage.
    priority: str | None = None
    #: Proposals it builds on without replacing them (``:extends:``).
    extends: list[DepRef] = field(default_factory=list)
    #: Proposals it relates to (``:related:``), no lineage implied.
    related: list[DepRef] = field(default_factory=list)
    #: A record written after the fact from merged work (``:retroactive:``): the
    #: review-window rules do not apply, the section rules do.
    retroactive: bool = False

    @property
    def primary_author(self) -> Person | None:
        """The primary author: ``:primary-author:``, else the first author listed."""
        return self.primary_author_given or (self.authors[0] if self.authors else None)

    def line_of(self, *options: str) -> int | None:
        """The line of the first of ``options`` the header gives, else of the ``dep-meta`` directive."""
        return next((self.option_lines[o] for o in options if o in self.option_lines), self.line)


def format_id(number: int | None, prefix: str = "DEP-", width: int = 4) -> str:
    """``DEP-0012``: the one way an id is written (:meth:`.DepConfig.format_id` with the settings)."""
    return f"{prefix}{number:0{width}d}" if number is not None else ""


#: The most digits a proposal number may have. Python refuses to read an ``int`` of more
#: than 4300 digits (the conversion's cost grows with the square of the length), so a
#: ``:number:`` or ``DEP-`` reference of thousands of digits stopped the build with a
#: traceback. 32 is far more than any process numbers; longer runs name no proposal.
NUMBER_DIGITS = 32
#: A proposal number in a pattern (one group): at most :data:`NUMBER_DIGITS` ASCII digits,
#: and not the start of a longer run of digits.
NUMBER_PATTERN = rf"([0-9]{{1,{NUMBER_DIGITS}}})(?![0-9])"

#: A proposal's file name, ``0012-slug.md``: four or more ASCII digits (its number;
#: ``0000`` for an unnumbered draft), a hyphen, then the slug, which starts with neither
#: white space nor ``/``. The one definition for discovery, numbering, the build and the
#: migrator; see :func:`split_proposal_name`.
PROPOSAL_NAME_RE = re.compile(r"^(?P<digits>[0-9]{4,})-(?P<slug>[^\s/].*)\Z", re.ASCII | re.DOTALL)


@functools.lru_cache(maxsize=16)
def id_pattern(prefix: str | None = "DEP-") -> re.Pattern[str]:
    """A proposal named by number: ``12``, ``0012``, ``DEP-0012``, ``DEP 12``, ``dep_12``.

    Only the project's own prefix is accepted (``PEP-3`` names no proposal), and only
    ASCII digits (``٣`` is not 3). The one definition of a DEP id for every reader.
    ``prefix=None`` accepts any prefix of ASCII letters (``TEP-3``): the migrator reads
    legacy headers whose projects numbered their proposals under other names.
    """
    bare = "[A-Za-z]+" if prefix is None else re.escape(prefix.rstrip("-_ "))
    return re.compile(rf"^(?:{bare}[-_ ]?)?0*{NUMBER_PATTERN}\Z", re.IGNORECASE | re.ASCII)


def parse_id(text: str, prefix: str | None = "DEP-") -> int | None:
    """The number ``text`` names (see :func:`id_pattern`), or ``None``."""
    match = id_pattern(prefix).match(text.strip())
    return int(match.group(1)) if match else None


#: What may stand between the prefix and the number when a person writes an id in prose:
#: hyphens and dashes of every kind, spaces (no-break ones too), an underscore, nothing.
_MENTION_SEPARATOR = "[\\-\u00ad\u2010-\u2015\u2212\ufe58\ufe63\uff0d_\\s\u00a0\u202f]?"


def find_mentions(text: str, prefix: str = "DEP-", width: int = 4) -> list[tuple[int, str]]:
    """The proposals a free text names, as ``(number, as written)``, in order.

    Generous on purpose, for gates: ``DEP‑0012`` with a non-breaking hyphen, an en dash,
    ``DEP 12``, full-width ``ＤＥＰ－００１２`` and digits of any script all count, so a
    look-alike cannot slip a proposal past a check. Number 0 names no proposal.
    """
    bare = re.escape(prefix.rstrip("-_ "))
    pattern = re.compile(
        rf"(?<![\w-]){bare}{_MENTION_SEPARATOR}(\d{{1,{max(width, 6)}}})(?!\w)", re.IGNORECASE
    )
    import unicodedata

    found: list[tuple[int, str]] = []
    normalized = unicodedata.normalize("NFKC", text)
    for candidate in (text, normalized) if normalized != text else (text,):
        for match in pattern.finditer(candidate):
            number = int(match.group(1))
            if number:
                written = match.group(0) if candidate is text else f"{match.group(0)} (after NFKC)"
                found.append((number, written))
    return found


#: A source's key, as ``dep_sources`` names it and a reference writes it (``runtime:``).
PROJECT_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}\Z", re.ASCII)
_PROJECT_REF_RE = re.compile(r"^([a-z][a-z0-9_-]{0,31}):(?!//)(\S.*)\Z", re.ASCII | re.DOTALL)


def split_project_ref(text: str) -> tuple[str, str, int] | None:
    """``runtime:DEP-0012`` -> ``("runtime", "DEP-0012", 12)``: another project's proposal.

    The key is lower case (``DEP:12`` is not one); the id takes any prefix of letters, as
    the other project numbers its proposals under its own (``runtime:RT-7``). ``None``
    for anything else, URLs included (``https://`` is no key).
    """
    match = _PROJECT_REF_RE.match(text.strip())
    if match is None:
        return None
    written = match.group(2).strip()
    number = parse_id(written, None)
    if number is None or number == 0:
        return None
    return match.group(1), written.upper().replace(" ", "-").replace("_", "-"), number


def role_target(text: str) -> tuple[str, str]:
    """A ``{dep}`` role's text as ``(title, target)``: ``the process <12>`` or just ``12``."""
    match = re.match(r"^(.*?)\s*<([^<>]+)>$", text, re.S)
    if match:
        return match.group(1), match.group(2).strip()
    return "", text.strip()


def split_proposal_name(name: str) -> tuple[str, str] | None:
    """``(digits, slug)`` of a file named like a proposal (the last part of a path), or ``None``.

    ``deps/0012-the-x.md`` -> ``("0012", "the-x.md")``; ``README.md`` -> ``None``.
    """
    match = PROPOSAL_NAME_RE.match(name.rsplit("/", 1)[-1])
    return (match.group("digits"), match.group("slug")) if match else None


def is_proposal_name(name: str) -> bool:
    """Whether a file (the last part of a path) is named like a proposal, numbered or not."""
    return split_proposal_name(name) is not None


def number_from_filename(name: str) -> int | None:
    """The number a file named like a proposal carries (``0012-x.md`` -> 12).

    ``None`` for an unnumbered draft (``0000-x.md``) and for a name that is not a
    proposal's (:data:`PROPOSAL_NAME_RE`).
    """
    parts = split_proposal_name(name)
    if parts is None or len(parts[0]) > NUMBER_DIGITS:
        return None
    return int(parts[0]) or None


def slugify(title: str, max_length: int = 60) -> str:
    """A file-name-safe ASCII slug: lowercase letters, digits and single hyphens."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "proposal"
