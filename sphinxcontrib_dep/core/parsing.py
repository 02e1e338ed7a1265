"""Text to model: a proposal's ``dep-meta`` options into a :class:`~.model.Dep`.

:func:`parse_meta` turns the options of one ``dep-meta`` block (every occurrence, as the
reader found them) into a ``Dep`` plus located :class:`~.diagnostics.Diagnostic` objects.
``dep lint`` and the Sphinx build both call it on what :func:`~.reader.read` found, so
every value is checked by the same code. Nothing is read silently into something else:
a repeated option, a value with invisible control characters, a reference to another
project's numbering, each is reported at its line.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from . import sanitize
from .config import DepConfig
from .diagnostics import Code, Diagnostic
from .model import (
    GITHUB_PROFILE_RE,
    HANDLE_RE,
    Amendment,
    Dep,
    DepRef,
    Extension,
    Link,
    Person,
    Reviewer,
    ReviewStatus,
    Status,
    Template,
    TrackingIssue,
    is_proposal_name,
    lookup_category,
    number_from_filename,
    parse_id,
    split_project_ref,
)
from .reader import Block, Document, Heading, Option, ScannedFile, read

__all__ = ["Block", "Document", "Heading", "Option", "ScannedFile"]

# --------------------------------------------------------------------------------------
# dep-meta options
# --------------------------------------------------------------------------------------

#: The options of ``dep-meta``, with the help the reference docs show.
META_OPTIONS: dict[str, str] = {
    "number": "The proposal's number; may be omitted when the file name carries it (``0012-x.md``).",
    "status": "One of the eight statuses (``Draft`` means In Progress, ``Replaced`` means Superseded).",
    "authors": "Comma-separated people: ``@handle``, ``Name`` or ``Name <url>``.",
    "category": "One of the configured categories (``dep_categories``).",
    "sponsor": "The sponsor(s) or steward(s) who shepherd the proposal.",
    "required-reviewers": "Comma-separated reviewers, each with its status in parentheses: ``@a (approved)``.",
    "review-date": "The date of the review decision, ``YYYY-MM-DD``.",
    "review-requested": "The date the proposal entered review, ``YYYY-MM-DD``; starts the review window.",
    "replaces": "Proposals this one replaces: ``DEP-0003``, ``3``, or ``DEP-0003 (partial)``; "
    "another project's as ``runtime:DEP-0003`` (``dep_sources``).",
    "replaced-by": "Proposals that replace this one.",
    "pull-request": "The pull request of the proposal itself.",
    "implementation": "Comma-separated implementation pull requests and tracking issues, or another "
    "project's proposals (``operator:DEP-0004``).",
    "template": "``limited`` (default) or ``complete``: the section rules that apply.",
    "decision": "Who made the final call, and why, when reviewers did not all approve.",
    "embargoed": "Flag: a sensitive proposal, left out of public builds (``dep_public_build``).",
    "primary-author": "The author who keeps the decision moving; one of ``:authors:`` (default: the first).",
    "no-implementation": "Why an Implemented proposal links no implementation (a process or guideline decision).",
    "review-extension": "The review deadline moved, ``;`` between several: ``YYYY-MM-DD by @who on "
    "YYYY-MM-DD: why`` (until when, who extended it, when, why); ``dep review extend`` writes it.",
    "tracking": "The issue(s) tracking the work: a URL, ``org/repo#12``, or a key of a configured tracker "
    "(``DYN-123``, ``dep_trackers``).",
    "target-completion": "When the implementation is to be complete, ``YYYY-MM-DD``; ``dep report`` lists "
    "approved proposals past it.",
    "amendments": "Changes after approval, ``;`` between several: ``YYYY-MM-DD <pull request URL>: what changed``.",
    "area": "The area(s) the proposal belongs to: comma-separated keys of ``dep_areas`` (``router, kv-memory``).",
    "pic": "The person in charge (``@handle``): an owner of one of the proposal's areas.",
    "priority": "Its priority, one of ``dep_priorities``, set during the weekly triage.",
    "extends": "Proposals this one builds on without replacing them: ``DEP-0003``, comma-separated.",
    "related": "Proposals this one relates to, no lineage implied: ``DEP-0003``, comma-separated.",
    "retroactive": "Flag: a record written after the fact from merged work (``dep new --retroactive``).",
}

#: Other spellings accepted for an option, mapped onto its canonical name.
META_ALIASES: dict[str, str] = {
    "sponsors": "sponsor",
    "steward": "sponsor",
    "reviewers": "required-reviewers",
    "implementations": "implementation",
    "replaced_by": "replaced-by",
    "review_date": "review-date",
    "pull_request": "pull-request",
    "required_reviewers": "required-reviewers",
    "review_requested": "review-requested",
    "primary_author": "primary-author",
    "no_implementation": "no-implementation",
    "tracking-issue": "tracking",
    "jira": "tracking",
    "target_completion": "target-completion",
    "amendment": "amendments",
}

#: Options starting with this hold legacy text the migrator could not map; kept verbatim.
UNMAPPED_PREFIX = "legacy-"

#: Values that mean "nothing here yet", in any field.
_EMPTY_VALUES = frozenset({"", "na", "none", "tbd", "tba", "nil", "null", "n/a", "-", "--", "—"})

_LIST_SPLIT_RE = re.compile(r"[,\n;]")
_MD_LINK_RE = re.compile(r"^\[([^\]]*)\]\(([^)\s]+)\)$")


def _trailing_group(text: str, opening: str, closing: str) -> tuple[str, str] | None:
    """``("name", "x")`` for ``"name (x)"``: the group at the very end of ``text``.

    Found from the end without a regular expression, so the time is linear in the length
    of the value whatever it holds (a pattern such as ``(.*?)\\s*\\(`` backtracks
    quadratically over a long run of spaces). The group holds no ``opening`` itself.
    """
    text = text.rstrip()
    if not text.endswith(closing):
        return None
    start = text.rfind(opening, 0, len(text) - 1)
    if start < 0:
        return None
    inner = text[start + 1 : -1]
    if closing in inner:
        return None
    return text[:start].rstrip(), inner


def _angle(text: str) -> tuple[str, str] | None:
    """``Name <url>``: the name and the URL (which holds no white space or angle bracket)."""
    found = _trailing_group(text, "<", ">")
    if found is None or not found[1] or any(c.isspace() or c in "<>" for c in found[1]):
        return None
    return found


def _paren(text: str) -> tuple[str, str] | None:
    """``name (status)``: the name and what the last parentheses hold."""
    found = _trailing_group(text, "(", ")")
    if found is None or "(" in found[1]:
        return None
    return found


_ISO_DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$", re.ASCII)
#: Characters no person, URL or date holds: C0/C1 controls, NUL, and the bidirectional
#: controls that make text read differently from how it is stored.
_INVISIBLE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


#: ``<Title>``, ``\<numbered subheadings\>``, ``<#>``: a stand-in from the template that the
#: author should replace. Not an autolink (``<https://...>``), a comment, a closing tag,
#: ``Vec<T>``, or an HTML element (see :data:`HTML_TAGS`).
STAND_IN_RE = re.compile(
    r"(?<![\w<])\\?<(?![a-z][a-z0-9+.-]*:[^\s<>]*>|[/!?\s])([^<>\n]{1,160}?)(?<![\s\\])\\?>", re.I
)
_HTML_TAG_RE = re.compile(
    r"^[a-z][a-z0-9]*(?:[\s/]+[a-z_:-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*\s*/?$", re.I
)
#: HTML elements (``<title>`` aside: ``<Title>`` is the templates' own stand-in).
HTML_TAGS = frozenset(
    (  # noqa: SIM905
        "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption "
        "center cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset "
        "figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd "
        "label legend li link main map mark menu meta meter nav noscript object ol optgroup option output p "
        "param picture pre progress q rp rt ruby s samp script section select slot small source span strong "
        "style sub summary sup svg table tbody td template textarea tfoot th thead time tr track u ul var "
        "video wbr"
    ).split()
)


def is_html_tag(inner: str) -> bool:
    """Whether the text between ``<`` and ``>`` is an HTML element rather than a stand-in."""
    name = re.split(r"[\s/]", inner, maxsplit=1)[0]
    if name[:1].isupper() and not name.isupper() and name == inner:
        return False  # ``<Summary>``, ``<Title>``: the templates' way of writing a stand-in
    return name.lower() in HTML_TAGS and _HTML_TAG_RE.match(inner) is not None


def is_stand_in(value: str) -> bool:
    """A value that is only a template stand-in (``<YYYY-MM-DD>``, ``<@handle>``)."""
    match = STAND_IN_RE.fullmatch(value.strip())
    return match is not None and not is_html_tag(match.group(1))


def is_empty(value: str | None) -> bool:
    """Nothing given: no value, ``N/A`` and the like, or a stand-in left from the template
    (the section rules report that as a placeholder, once)."""
    if value is None:
        return True
    value = value.strip()
    return value.casefold() in _EMPTY_VALUES or is_stand_in(value)


def split_list(value: str | None) -> list[str]:
    """Comma- (or newline-) separated items, empty and N/A items dropped."""
    if is_empty(value):
        return []
    assert value is not None
    return [item.strip() for item in _LIST_SPLIT_RE.split(value.strip()) if not is_empty(item)]


def did_you_mean(text: str, choices: Sequence[str], shown: str = "{}") -> str:
    """``"; did you mean X?"`` naming the choice ``text`` is closest to (a typo), else ``""``.

    Compared as values are matched (:func:`~.model.choice_key`: case, spaces, ``-`` and ``_``
    do not count); ``shown`` formats the suggestion (``":{}:"`` for an option).
    """
    import difflib

    from .model import choice_key

    keys = {choice_key(choice): choice for choice in choices}
    found = difflib.get_close_matches(choice_key(text), list(keys), n=1, cutoff=0.75)
    return f"; did you mean {shown.format(keys[found[0]])}?" if found else ""


def canonical_option(name: str) -> str:
    name = name.strip().lower()
    return META_ALIASES.get(name, name)


@dataclass
class _Reporter:
    """Collects diagnostics located at the option that caused them."""

    path: str
    line: int | None
    option_lines: Mapping[str, int]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    #: Problems of one kind held back on one line, by (code, line): one header line that
    #: repeats a bad value 20,000 times gives a few lines and a count, not 20,000 lines.
    held_back: dict[tuple[Code, int | None], int] = field(default_factory=dict)
    _shown: dict[tuple[Code, int | None], set[str]] = field(default_factory=dict)

    def __call__(self, code: Code, message: str, option: str | None = None) -> None:
        line = self.option_lines.get(option, self.line) if option else self.line
        shown = self._shown.setdefault((code, line), set())
        if message in shown or len(shown) >= MAX_PER_LINE:
            self.held_back[(code, line)] = self.held_back.get((code, line), 0) + 1
            return
        shown.add(message)
        self.diagnostics.append(Diagnostic(code, message, self.path, line))

    def finish(self) -> list[Diagnostic]:
        """The diagnostics, with one line per kind saying how many were held back."""
        for (code, line), count in self.held_back.items():
            more = "problem" if count == 1 else "problems"
            message = f"and {count:,} more {more} like the above on this line, not shown"
            self.diagnostics.append(Diagnostic(code, message, self.path, line))
        self.held_back.clear()
        return self.diagnostics


#: The most problems of one kind reported on one line (each different); the rest are counted.
MAX_PER_LINE = 20


def collecting_reporter(path: str) -> _Reporter:
    """A reporter for one value read outside a header (a command's argument, an item it edits):
    its ``diagnostics`` hold what was wrong, for the caller to show or ignore."""
    return _Reporter(path, None, {})


def invisible_problem(text: str) -> str | None:
    """Why ``text`` may not be shown as a name or used as a link: invisible control characters."""
    found = _INVISIBLE_RE.search(text)
    if found is None:
        return None
    return f"holds the invisible control character U+{ord(found.group(0)):04X}"


def check_url(url: str, report: _Reporter | None, option: str) -> str | None:
    """``url`` if it is an absolute http(s) URL a header may link to; else reported and dropped."""
    url = url.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1].strip()
    reason = sanitize.header_url_problem(url)
    if reason is None:
        return url
    if report is not None:
        report(Code.URL, f":{option}: {url!r} {reason}; it is left out", option)
    return None


def parse_person(text: str, report: _Reporter | None = None, option: str = "authors") -> Person | None:
    """``@handle``, ``Name``, ``Name <url>`` or ``[Name](url)``; GitHub profile URLs become handles."""
    text = text.strip()
    if not text:
        return None
    invisible = invisible_problem(text)
    if invisible is not None:
        if report is not None:
            report(Code.PERSON, f":{option}: {text!r} {invisible}; it is left out", option)
        return None
    if match := HANDLE_RE.match(text):
        return Person(handle=match.group(1))
    name, url = text, None
    if match := _MD_LINK_RE.match(text):
        name, url = match.group(1).strip(), match.group(2)
    elif angle := _angle(text):
        name, url = angle
    elif text.lower().startswith(("http://", "https://")):
        name, url = "", text
    if re.search(r"[<>\[\]]", name) or (name.startswith("@") and not HANDLE_RE.match(name)):
        # Markup left in the name (``<b>x</b>``, ``a [b]``), or an ``@handle`` with more
        # after it (``@marco approved``: a status outside its parentheses): not a person.
        if report is not None:
            report(Code.PERSON, f":{option}: cannot read {text!r} as a person", option)
        return None
    if url is not None:
        profile = GITHUB_PROFILE_RE.match(url)
        if profile:
            handle = profile.group(3) or f"{profile.group(1)}/{profile.group(2)}"
            bare = name.lstrip("@")
            if not name or bare.casefold() == handle.casefold():
                return Person(handle=handle)
            return Person(name=name, handle=handle)
        safe = check_url(url, report, option)
        return Person(name=name or (safe or ""), url=safe) if (name or safe) else None
    return Person(name=name)


def parse_people(value: str | None, report: _Reporter, option: str) -> list[Person]:
    people = (parse_person(item, report, option) for item in split_list(value))
    return _once_each([p for p in people if p is not None], lambda p: p, report, option)


def _once_each(
    items: list[Any], person_of: Callable[[Any], Person], report: _Reporter, option: str
) -> list[Any]:
    """``items`` less the repeats of one person (``@Carol`` is ``@carol``), each reported;
    the first listed is kept, as ``dep review`` edits the first."""
    kept: list[Any] = []
    seen: dict[str, Any] = {}
    for item in items:
        person = person_of(item)
        key = (person.handle or person.name).strip().lstrip("@").casefold()
        if key in seen:
            first = seen[key]
            shown = f" ({first.to_text()} and {item.to_text()})" if isinstance(item, Reviewer) else ""
            report(
                Code.DUPLICATE_PERSON,
                f":{option}: lists {person.display} twice{shown}; keep one (the first is read)",
                option,
            )
            continue
        seen[key] = item
        kept.append(item)
    return kept


def parse_reviewer(text: str, report: _Reporter, option: str = "required-reviewers") -> Reviewer | None:
    """``@handle (status)``: a reviewer and the one status in parentheses (none: Not Started)."""
    text = text.strip()
    status = ReviewStatus.NOT_STARTED
    found = _paren(text)
    if found and found[0] and not found[0].endswith("<"):
        person_text, status_text = found
        earlier = _paren(person_text)
        if earlier and ReviewStatus.lookup(earlier[1]) is not None:
            report(
                Code.REVIEWER_STATUS,
                f"{text!r} gives more than one status; write one, like '@name (approved)'",
                option,
            )
            return None
        if is_empty(person_text):
            report(
                Code.PERSON,
                f":{option}: {person_text!r} is a placeholder, not a reviewer; it is left out",
                option,
            )
            return None
        looked_up = ReviewStatus.lookup(status_text)
        if looked_up is None:
            report(
                Code.REVIEWER_STATUS,
                f"unknown reviewer status {status_text.strip()!r} for {person_text.strip()} "
                f"(allowed: {ReviewStatus.allowed()})"
                + did_you_mean(status_text, [s.value for s in ReviewStatus]),
                option,
            )
        else:
            status = looked_up
        text = person_text
    person = parse_person(text, report, option)
    return Reviewer(person, status) if person else None


#: Notes an ``:implementation:`` link may carry in parentheses, as the docs name them.
IMPLEMENTATION_NOTES = "(provisional), (beta), (reviewed by @handle ...)"
_PROVISIONAL_WORDS = frozenset({"provisional", "beta"})
_REVIEWED_BY_RE = re.compile(r"^(?:code[ -]?)?review(?:ed)?(?:\s+by)?\s*:?\s+(.+)$", re.I)


def _link_note(text: str) -> tuple[str, str] | None:
    """``("https://x", "beta")`` for ``"https://x (beta)"``: a note after white space, so a
    URL ending in parentheses (``.../Foo_(bar)``) keeps them."""
    found = _paren(text)
    if found is None or not found[0] or not text.rstrip()[: -len(found[1]) - 2].endswith((" ", "\t")):
        return None
    return found


def parse_implementation(text: str, report: _Reporter, option: str = "implementation") -> Link | None:
    """An implementation link and its notes: ``URL (provisional) (reviewed by @a @b)``; the
    link is an http(s) URL or another project's proposal (``operator:DEP-0004``)."""
    provisional = False
    reviewers: list[Person] = []
    rest = text.strip()
    while (found := _link_note(rest)) is not None:
        rest, note = found[0], found[1].strip()
        reviewed = _REVIEWED_BY_RE.match(note)
        if note.casefold() in _PROVISIONAL_WORDS:
            provisional = True
        elif reviewed:
            people = (parse_person(word, report, option) for word in reviewed.group(1).split())
            reviewers = [p for p in people if p is not None] + reviewers
        else:
            report(
                Code.VALUE,
                f":{option}: unknown note ({note}) after {rest!r} (known: {IMPLEMENTATION_NOTES})",
                option,
            )
    project = split_project_ref(rest)
    if project is not None:
        key, written, number = project
        return Link(
            f"{key}:{written}",
            project=key,
            number=number,
            provisional=provisional,
            code_reviewers=tuple(reviewers),
        )
    url = check_url(rest, report, option)
    return Link(url, provisional=provisional, code_reviewers=tuple(reviewers)) if url else None


def parse_date(value: str | None, report: _Reporter, option: str) -> date | None:
    if is_empty(value):
        return None
    assert value is not None
    value = value.strip()
    match = _ISO_DATE_RE.match(value)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    guess = guess_date(value)
    hint = f"; did you mean {guess.isoformat()}?" if guess else ""
    report(Code.DATE, f":{option}: {value!r} is not a date in YYYY-MM-DD form{hint}", option)
    return None


_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


_WEEKDAYS = frozenset({"mon", "tue", "wed", "thu", "fri", "sat", "sun"})


def guess_date(value: str) -> date | None:
    """Read a date in the common written forms: ISO, ``07/15/2025`` (US), ``Jul 09 2025``,
    ``July 21, 2025``, ``21 July 2025``, ``2025/07/15``, ``Wed, Jul 9 2025``. ``None`` when unsure."""
    text = value.strip().rstrip(".").replace(",", " ")
    parts = [p for p in re.split(r"[\s/.\-]+", text) if p]
    if len(parts) == 4 and parts[0].lower().rstrip(".")[:3] in _WEEKDAYS:
        parts = parts[1:]  # "Wed, Jul 9 2025"
    try:
        if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts):
            a, b, c = (int(p) for p in parts)
            if len(parts[0]) == 4:
                return date(a, b, c)
            if len(parts[2]) == 4:
                # US order first (the corpus writes 07/15/2025); day-first only when forced.
                return date(c, a, b) if a <= 12 else date(c, b, a)
            return None
        if len(parts) == 3:
            words = [p.lower() for p in parts]
            for month_pos in range(3):
                month = _MONTHS.get(words[month_pos])
                if month is None:
                    continue
                rest = [
                    w.rstrip("stndrh") if w[:1].isascii() and w[:1].isdigit() else w
                    for k, w in enumerate(words)
                    if k != month_pos
                ]
                if not all(r.isascii() and r.isdigit() for r in rest):
                    return None
                year = next((int(r) for r in rest if len(r) == 4), None)
                day = next((int(r) for r in rest if len(r) <= 2), None)
                if year and day:
                    return date(year, month, day)
    except ValueError:
        return None
    return None


def parse_ref(text: str, report: _Reporter, option: str, prefix: str = "DEP-") -> DepRef | None:
    """``DEP-0003``, ``3`` or ``DEP-0003 (partial)``; a URL stays a link to something outside."""
    text = text.strip()
    partial = False
    found = _paren(text)
    if found and found[1].strip().lower() in {"partial", "partially", "part"}:
        text, partial = found[0].strip(), True
    number = parse_id(text, prefix)
    if number is not None:
        if number == 0:
            report(Code.REF, f":{option}: {text!r} is not a proposal number (numbers start at 1)", option)
            return None
        return DepRef(number=number, partial=partial)
    project = split_project_ref(text)
    if project is not None:
        # Another project's proposal: whether the key is a source and the proposal is
        # one of its is judged where the sources are known (:mod:`.crossproject`).
        key, written, foreign = project
        return DepRef(partial=partial, project=key, project_id=written, project_number=foreign)
    if text.lower().startswith(("http://", "https://")) or _MD_LINK_RE.match(text):
        link = _MD_LINK_RE.match(text)
        url = check_url(link.group(2) if link else text, report, option)
        if url is None:
            return None
        # A URL is kept as a link: its last path segment may look like a proposal file of
        # this project (``.../0002-x.md``) and yet be another project's; only an id is a number.
        if number_from_filename(url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]):
            report(
                Code.REF,
                f":{option}: {url!r} is a link, kept as one, not read as a proposal of this project "
                f"(write {prefix.rstrip('-_ ') or 'DEP'}-NNNN for one of this project's)",
                option,
            )
        return DepRef(url=url, partial=partial)
    shown = prefix.rstrip("-_ ") or "DEP"
    report(Code.REF, f":{option}: {text!r} names no proposal (write {shown}-0003 or 3)", option)
    return None


def parse_relation(value: str | None, report: _Reporter, option: str, prefix: str = "DEP-") -> list[DepRef]:
    """``:extends:`` or ``:related:``: proposals as ``:replaces:`` names them (:func:`parse_ref`),
    this project's or another's (``runtime:DEP-0003``); ``(partial)`` belongs to replacements only."""
    found = []
    for item in split_list(value):
        ref = parse_ref(item, report, option, prefix)
        if ref is None:
            continue
        if ref.partial:
            report(
                Code.REF,
                f":{option}: {item.strip()!r}: (partial) qualifies a replacement only; read as "
                f"{ref.to_text(prefix).removesuffix(' (partial)')}",
                option,
            )
            ref = dataclasses.replace(ref, partial=False)
        if ref not in found:
            found.append(ref)
    return found


def _extension_parts(entry: str) -> dict[str, str | None] | None:
    """``[until] DATE by WHO [on DATE]: why`` as its parts, or ``None``. Read by splitting
    at the first ``:`` and on blanks, in linear time (a pattern with a lazy ``by`` before
    optional parts took quadratic time on a long run of blanks)."""
    head, colon, reason = entry.partition(":")
    words = head.split()
    if words[:1] and words[0].casefold() == "until":
        words = words[1:]
    if not colon or len(words) < 3 or words[1].casefold() != "by":
        return None
    who, on = words[2:], None
    if len(who) >= 3 and who[-2].casefold() == "on":
        who, on = who[:-2], who[-1]
    return {"until": words[0], "by": " ".join(who), "on": on, "reason": reason}


def parse_extensions(value: str | None, report: _Reporter) -> list[Extension]:
    """``:review-extension:``: ``YYYY-MM-DD by @who on YYYY-MM-DD: why``, ``;`` between several."""
    option = "review-extension"
    if is_empty(value):
        return []
    assert value is not None
    found = []
    for entry in (part.strip() for part in value.split(";")):
        if not entry:
            continue
        match = _extension_parts(entry)
        if match is None:
            report(
                Code.REVIEW_EXTENSION,
                f":{option}: cannot read {entry!r}; write 'YYYY-MM-DD by @who on YYYY-MM-DD: why'",
                option,
            )
            continue
        until = parse_date(match["until"], report, option)
        on = parse_date(match["on"], report, option) if match["on"] else None
        person = parse_person(match["by"] or "", report, option)
        if until is None or person is None:
            continue
        reason = (match["reason"] or "").strip()
        if is_empty(reason):
            report(
                Code.REVIEW_EXTENSION,
                f":{option}: the extension to {until.isoformat()} gives no reason; the process extends a "
                "review only for extenuating circumstances: say which",
                option,
            )
        found.append(Extension(until, person, on, reason))
    return found


_GITHUB_SHORT_RE = re.compile(r"^([A-Za-z0-9-]+)/([A-Za-z0-9_.-]+)#([0-9]+)$")


#: The longest tracker key (``DYN-812``) a ``dep_trackers`` pattern is matched against.
TRACKER_KEY_MAX = 64


def parse_tracking(value: str | None, report: _Reporter, config: DepConfig) -> list[TrackingIssue]:
    """``:tracking:``: URLs, ``org/repo#12``, or keys one of ``dep_trackers``' patterns matches."""
    option = "tracking"
    found = []
    for item in split_list(value):
        if item.lower().startswith(("http://", "https://")):
            url = check_url(item, report, option)
            if url is not None:
                found.append(TrackingIssue(Link(url).short_label, url))
            continue
        github = _GITHUB_SHORT_RE.match(item)
        if github:
            org, repo, number = github.groups()
            found.append(TrackingIssue(item, f"https://github.com/{org}/{repo}/issues/{number}"))
            continue
        if len(item) > TRACKER_KEY_MAX:
            # Checked before any configured pattern runs: a maintainer's pattern may backtrack
            # exponentially (``([A-Z]+-?)+[0-9]+``), and a key is short.
            report(
                Code.TRACKING,
                f":{option}: {item[:TRACKER_KEY_MAX]!r}... is neither a URL nor org/repo#12, and is too long "
                f"for a tracker key ({len(item)} characters; a key has at most {TRACKER_KEY_MAX})",
                option,
            )
            continue
        template = next(
            (url for pattern, url in config.trackers.items() if re.fullmatch(pattern, item)),
            None,
        )
        if template is not None and not invisible_problem(item):
            found.append(TrackingIssue(item, template.replace("{key}", quote(item, safe=""))))
            continue
        known = ", ".join(config.trackers) or "none configured"
        report(
            Code.TRACKING,
            f":{option}: {item!r} is neither a URL, org/repo#12, nor a key of a configured tracker "
            f"(dep_trackers patterns: {known})",
            option,
        )
    return found


_AMENDMENT_RE = re.compile(r"^(?P<on>\S+)\s+<?(?P<url>https?://[^\s>]+)>?\s*:\s*(?P<summary>.*)$", re.S)


def parse_amendments(value: str | None, report: _Reporter) -> list[Amendment]:
    """``:amendments:``: ``YYYY-MM-DD <pull request URL>: what changed``, ``;`` between several."""
    option = "amendments"
    if is_empty(value):
        return []
    assert value is not None
    found = []
    for entry in (part.strip() for part in value.split(";")):
        if not entry:
            continue
        match = _AMENDMENT_RE.match(entry)
        if match is None or is_empty(match["summary"]):
            report(
                Code.AMENDMENT,
                f":{option}: cannot read {entry!r}; write 'YYYY-MM-DD <pull request URL>: what changed' "
                '(the seed: "updated and reviewed with a link to PR")',
                option,
            )
            continue
        on = parse_date(match["on"], report, option)
        url = check_url(match["url"], report, option)
        if on is not None and url is not None:
            found.append(Amendment(on, url, match["summary"].strip()))
    return found


#: Values of ``:embargoed:`` that mean yes and no; anything else keeps the proposal embargoed.
_YES = frozenset({"", "yes", "true", "1", "on"})
_NO = frozenset({"no", "false", "0", "off"})


def option_list(options: Mapping[str, str | None] | Sequence[Option]) -> list[Option]:
    if isinstance(options, Mapping):
        return [Option(name, value or "", 0) for name, value in options.items()]
    return list(options)


def parse_meta(
    options: Mapping[str, str | None] | Sequence[Option],
    *,
    path: str,
    line: int | None = None,
    option_lines: Mapping[str, int] | None = None,
    title: str = "",
    config: DepConfig | None = None,
) -> tuple[Dep, list[Diagnostic]]:
    """The ``Dep`` a ``dep-meta`` block describes, and what is wrong with it.

    ``options`` are the block's option lines in order (a mapping is accepted too);
    ``path`` is the file (its name may carry the number), ``line`` the directive's line,
    ``option_lines`` the line of each option where the options do not carry it.
    """
    config = config or DepConfig()
    items = option_list(options)
    lines_of = dict(option_lines or {})
    for item in items:
        if item.line:
            lines_of.setdefault(item.name, item.line)
    report = _Reporter(path, line, lines_of)
    dep = Dep(title=title, path=path, line=line, template=config.template)
    dep.option_lines = {canonical_option(name): number for name, number in lines_of.items()}
    seen: dict[str, str | None] = {}
    written: dict[str, Option] = {}
    repeated_embargo = False
    for item in items:
        name = canonical_option(item.name)
        if name.startswith(UNMAPPED_PREFIX):
            dep.unmapped[name[len(UNMAPPED_PREFIX) :]] = (item.value or "").strip()
            continue
        if name not in META_OPTIONS:
            report(
                Code.OPTION,
                f"unknown option :{item.name}: in dep-meta (known: {', '.join(META_OPTIONS)})"
                + did_you_mean(item.name, [*META_OPTIONS, *META_ALIASES], ":{}:"),
                item.name,
            )
            continue
        if name in seen:
            first = written[name]
            where = f" on line {first.line}" if first.line else ""
            also = f" (as :{first.name}:)" if first.name != item.name else ""
            kept = "the proposal is kept embargoed" if name == "embargoed" else "this one is ignored"
            message = f"option :{item.name}: is given a second time (first{also}{where}); {kept}"
            dep_line = item.line or None
            report.diagnostics.append(Diagnostic(Code.DUPLICATE_OPTION, message, path, dep_line or line))
            if name == "embargoed":
                repeated_embargo = True
            continue
        seen[name] = item.value
        written[name] = item

    file_number = number_from_filename(path)
    number_text = seen.get("number")
    if not is_empty(number_text):
        assert number_text is not None
        number = parse_id(number_text, config.id_prefix)
        if number is None:
            report(Code.VALUE, f":number: {number_text.strip()!r} is not a number", "number")
            dep.number = file_number
        elif number == 0:
            report(
                Code.VALUE,
                ":number: 0 is not a proposal number (numbers start at 1; a draft leaves :number: out)",
                "number",
            )
            dep.number = file_number
        else:
            dep.number = number
    else:
        dep.number = file_number
    filename = path.rsplit("/", 1)[-1]
    if dep.number is not None and is_proposal_name(filename) and dep.number != file_number:
        shown = config.format_id(file_number) if file_number else "an unnumbered draft"
        report(
            Code.NUMBER,
            f":number: {dep.number} disagrees with the file name {filename} ({shown})",
            "number",
        )

    status_text = seen.get("status")
    if is_empty(status_text):
        report(Code.STATUS, f"dep-meta has no :status: (allowed: {Status.allowed()})")
    else:
        assert status_text is not None
        status = config.lookup_status(status_text)
        if status is None:
            report(
                Code.STATUS,
                f"unknown status {status_text.strip()!r} (allowed: {config.status_allowed()})"
                + did_you_mean(status_text, [s.value for s in Status] + list(config.status_labels.values())),
                "status",
            )
        dep.status = status

    category_text = seen.get("category")
    if not is_empty(category_text):
        assert category_text is not None
        dep.category = lookup_category(category_text, tuple(config.categories))
        if dep.category is None:
            report(
                Code.CATEGORY,
                f"unknown category {category_text.strip()!r} (allowed: {', '.join(config.categories)})"
                + did_you_mean(category_text, config.categories),
                "category",
            )

    dep.authors = parse_people(seen.get("authors"), report, "authors")
    dep.sponsors = parse_people(seen.get("sponsor"), report, "sponsor")
    dep.reviewers = _once_each(
        [
            r
            for item in split_list(seen.get("required-reviewers"))
            if (r := parse_reviewer(item, report)) is not None
        ],
        lambda r: r.person,
        report,
        "required-reviewers",
    )
    dep.review_date = parse_date(seen.get("review-date"), report, "review-date")
    dep.review_requested = parse_date(seen.get("review-requested"), report, "review-requested")
    dep.replaces = [
        ref
        for item in split_list(seen.get("replaces"))
        if (ref := parse_ref(item, report, "replaces", config.id_prefix))
    ]
    dep.replaced_by = [
        ref
        for item in split_list(seen.get("replaced-by"))
        if (ref := parse_ref(item, report, "replaced-by", config.id_prefix))
    ]
    dep.extends = parse_relation(seen.get("extends"), report, "extends", config.id_prefix)
    dep.related = parse_relation(seen.get("related"), report, "related", config.id_prefix)
    # One URL; split on white space only, as a URL may itself hold commas.
    pull_request_text = seen.get("pull-request")
    # White space separates URLs, and so does a comma followed by another URL (a URL may
    # hold commas, but not ``,https://``).
    pull_requests = (
        []
        if is_empty(pull_request_text)
        else re.split(r"\s+|,(?=\s*https?://)", (pull_request_text or "").strip())
    )
    pull_requests = [url for url in pull_requests if url]
    if len(pull_requests) > 1:
        report(Code.VALUE, ":pull-request: takes one URL; the first is kept", "pull-request")
    if pull_requests:
        dep.pull_request = check_url(pull_requests[0], report, "pull-request")
    dep.implementation = [
        link
        for item in split_list(seen.get("implementation"))
        if (link := parse_implementation(item, report)) is not None
    ]
    dep.no_implementation = None if is_empty(seen.get("no-implementation")) else seen["no-implementation"]
    if dep.no_implementation is not None:
        dep.no_implementation = dep.no_implementation.strip()
    primary = seen.get("primary-author")
    if not is_empty(primary):
        assert primary is not None
        dep.primary_author_given = parse_person(primary, report, "primary-author")
    template_text = seen.get("template")
    if not is_empty(template_text):
        assert template_text is not None
        template = Template.lookup(template_text)
        if template is None:
            report(
                Code.TEMPLATE,
                f"unknown template {template_text.strip()!r} (allowed: {Template.allowed()})"
                + did_you_mean(template_text, [t.value for t in Template]),
                "template",
            )
        else:
            dep.template = template
    dep.review_extensions = parse_extensions(seen.get("review-extension"), report)
    dep.tracking = parse_tracking(seen.get("tracking"), report, config)
    dep.target_completion = parse_date(seen.get("target-completion"), report, "target-completion")
    dep.amendments = parse_amendments(seen.get("amendments"), report)
    from . import ownership  # :area:, :pic:, :priority: (imports this module)

    ownership.parse_ownership(dep, seen, report, config)
    decision = seen.get("decision")
    dep.decision = None if is_empty(decision) else (decision or "").strip()
    if "embargoed" in seen:
        flag = (seen["embargoed"] or "").strip().lower()
        # Fail closed: a value that is neither yes nor no still keeps the proposal private.
        dep.embargoed = flag not in _NO or repeated_embargo
        if flag not in _YES | _NO:
            report(
                Code.VALUE,
                f":embargoed: {flag!r} is not yes or no; the proposal is kept embargoed",
                "embargoed",
            )
    if "retroactive" in seen:
        flag = (seen["retroactive"] or "").strip().lower()
        dep.retroactive = flag in _YES
        if flag not in _YES | _NO:
            report(
                Code.VALUE,
                f":retroactive: {flag!r} is not yes or no; the proposal is not read as retroactive",
                "retroactive",
            )
    return dep, report.finish()


# --------------------------------------------------------------------------------------
# Whole files
# --------------------------------------------------------------------------------------


def scan(text: str, path: str, myst: object = None) -> Document:
    """Read a proposal's text (see :func:`~.reader.read`); kept for the editing helpers."""
    return read(text, path, myst, file_settings=False)


def unquote(value: str) -> str:
    """A quoted option value as MyST reads it: ``"a #b"`` -> ``a #b``, ``'it''s'`` -> ``it's``."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            loaded = json.loads(value)
        except ValueError:
            return value
        return loaded if isinstance(loaded, str) else value
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text of a file (a BOM is dropped, CRLF folded), or a located encoding error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [
            Diagnostic(Code.ENCODING, f"not valid UTF-8 ({err.reason} at byte {err.start})", path, line)
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def iter_meta_diagnostics(scanned: Document) -> Iterator[Diagnostic]:
    """Document-level problems of the header: none, two, or before the title."""
    metas = scanned.blocks_named("dep-meta")
    if not metas:
        yield Diagnostic(Code.MISSING_META, MISSING_META_MESSAGE, scanned.path, 1)
        return
    for extra in metas[1:]:
        yield Diagnostic(
            Code.DUPLICATE_META,
            DUPLICATE_META_MESSAGE.format(first=metas[0].line),
            scanned.path,
            extra.line,
        )
    title = scanned.title
    if title is None or metas[0].line < title.line:
        yield Diagnostic(Code.TITLE, TITLE_MESSAGE, scanned.path, metas[0].line)
    elif not title.text.strip():
        yield Diagnostic(Code.TITLE, EMPTY_TITLE_MESSAGE, scanned.path, metas[0].line)


#: One wording for every reader.
TITLE_MESSAGE = "dep-meta must come after the document's first heading, which is the proposal's title"
EMPTY_TITLE_MESSAGE = "the proposal's title (the document's first heading) is empty"
MISSING_META_MESSAGE = "no dep-meta block in this proposal"
DUPLICATE_META_MESSAGE = "a second dep-meta in one document (the first is on line {first}); it is ignored"


def meta_block_problems(block: Block, path: str) -> list[Diagnostic]:
    """An option block that cannot be read, and text after it (which ``dep-meta`` ignores)."""
    found = [
        Diagnostic(Code.OPTION, f"{block.name} {message}", path, line) for line, message in block.problems
    ]
    text = next((line.strip() for line in block.body if line.strip()), None)
    if text is None and block.argument:
        text, at = block.argument, block.line
    else:
        at = block.body_line
    if text is not None:
        found.append(
            Diagnostic(
                Code.OPTION,
                f"{block.name} ignores the text after its options, starting {text[:60]!r} "
                "(each option goes on one line starting with ':')",
                path,
                at,
            )
        )
    return found


def parse_file(
    text: str, path: str, config: DepConfig | None = None, myst: object = None
) -> tuple[Dep | None, Document, list[Diagnostic]]:
    """A whole proposal file: its ``Dep`` (``None`` without ``dep-meta``), reading and diagnostics."""
    config = config or DepConfig()
    scanned = scan(text, path, myst)
    return parse_document(scanned, config)


def parse_document(scanned: Document, config: DepConfig) -> tuple[Dep | None, Document, list[Diagnostic]]:
    """:func:`parse_file` for a file already read."""
    diagnostics = list(iter_meta_diagnostics(scanned))
    meta = scanned.meta
    if meta is None:
        return None, scanned, diagnostics
    diagnostics += meta_block_problems(meta, scanned.path)
    title = scanned.title.text if scanned.title is not None else ""
    invisible = invisible_problem(title)
    if invisible is not None and scanned.title is not None:
        # Trojan source: a bidirectional override shows the title (index, card, deps.json,
        # messages) in an order other than the one a reviewer reads in the diff.
        message = f"the title {invisible}: it would be shown reordered or hidden; remove it"
        diagnostics.append(Diagnostic(Code.TITLE, message, scanned.path, scanned.title.line))
    dep, found = parse_meta(
        meta.option_list,
        path=scanned.path,
        line=meta.line,
        option_lines=meta.option_lines,
        title=title,
        config=config,
    )
    return dep, scanned, diagnostics + found


#: An option that names the embargo, in every form a header can take: ``:embargoed:``,
#: ``embargoed:`` in a ``---`` block, on a directive's own line (``.. dep-meta:: :embargoed:``),
#: in a table cell (``| :embargoed: |``), quoted, whatever the spelling after ``embarg``.
#: The value is what follows on the line.
#: Written so that no run of blanks can be matched two ways (possessive quantifiers, no
#: ``\s`` across line ends): the time stays linear in the text (a file of blank lines or
#: spaces took minutes when the runs could be split between quantifiers).
_EMBARGO_OPTION_RE = re.compile(
    r"(?:(?:^|(?<=[\s|])):[^\S\n]*+embarg[^:\s]*+[^\S\n]*+:"
    r"|^(?:[^\S\n]|\|)*+[\"']?+embarg[^:\s\"']*+[\"']?+[^\S\n]*+:(?!\S))(?P<value>[^\n]*)",
    re.I | re.M,
)

#: A legacy header's field that names the embargo, in the forms ``dep migrate`` reads a
#: header in (:mod:`sphinxcontrib_dep.migrate.headers`): ``**Embargoed**: yes``,
#: ``**Embargo:** yes``, ``*Embargoed*: yes``, ``<b>Embargoed</b>: yes``, ``- Embargo: yes``,
#: ``| Embargoed | yes |``, ``Embargoed = yes``, ``**Embargoed** - yes``. A proposal not yet
#: migrated says it is embargoed this way; the public build must leave it out as well.
_EMBARGO_FIELD_RE = re.compile(
    r"^[ \t>]*+(?:(?:[-*+]|\d{1,9}[.)])[ \t]++)?+\|?+[ \t]*+"
    r"(?:<(?:b|strong)>|\*{1,2}+|_{1,2}+)?+[ \t]*+[\"']?+embarg[a-z]*+[\"']?+[ \t]*+"
    r"(?:(?:</(?:b|strong)>|\*{1,2}+|_{1,2}+)[ \t]*+(?::|=|\||[-\u2013\u2014](?=[ \t]))"
    r"|(?::|=)[ \t]*+(?:</(?:b|strong)>|\*{1,2}+|_{1,2}+)"
    r"|(?::|=|\|)(?!\S))"
    r"(?P<value>[^\n]*)",
    re.I | re.M,
)


def _mentions(text: str) -> list[tuple[int, str]]:
    """``(line, value)`` of every line naming the embargo as an option or a legacy field."""
    found: dict[int, str] = {}
    for pattern in (_EMBARGO_OPTION_RE, _EMBARGO_FIELD_RE):
        for mention in pattern.finditer(text):
            line = text.count("\n", 0, mention.start("value")) + 1
            value = mention.group("value").strip().strip("|").strip().strip("*_").strip().strip("\"'").strip()
            found.setdefault(line, value.lower())
    return sorted(found.items())


def embargo_reason(doc: Document, *, heuristic: bool = True) -> str | None:
    """Why a public build must leave this file out; ``None`` when it may be published.

    Fails closed: a ``dep-meta`` anywhere in the file (nested ones too) whose embargo is
    set, repeated, spelled another way, or whose options cannot be read keeps the file
    out. With ``heuristic`` (files of the proposals folder), so does any line that names
    the embargo as an option with a value other than no, wherever the reader placed it (a
    table cell, a directive's first line, a block no directive reads): only an explicit
    ``:embargoed: no`` read as a header's option lets such a line pass.
    """
    metas = doc.blocks_named("dep-meta", nested=True)
    cleared: set[int] = set()
    for block in metas:
        if block.problems:
            return f"its dep-meta on line {block.line} cannot be read"
        named = [o for o in block.option_list if "embarg" in re.sub(r"[^a-z]", "", o.name.casefold())]
        if not named:
            continue
        if len(named) > 1:
            return f"its dep-meta on line {block.line} names the embargo more than once"
        option = named[0]
        if canonical_option(option.name) != "embargoed":
            return f"option :{option.name}: on line {option.line} looks like :embargoed:"
        if option.value.strip().lower() not in _NO:
            where = "" if block.parent is None else f", nested in {block.parent}"
            return f"it is embargoed (line {option.line}{where})"
        cleared.add(option.line)
    if heuristic:
        for line, value in _mentions(doc.text):
            if line in cleared and value in _NO:
                continue
            if value not in _NO:
                return f"line {line} names the embargo outside a header the build reads"
    return None
