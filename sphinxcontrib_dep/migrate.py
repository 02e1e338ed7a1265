"""Legacy proposals to ``dep-meta``: read a hand-written header, write the block, keep the body.

A legacy proposal carries its metadata as lines under the title (``**Status**: Draft``,
``**Status:** Draft``, ``Status: Draft``, ``- **Status**: Draft``), as small headings
(``## Status`` followed by the value) or as a table (``| Status | Draft |``). :func:`migrate_text` finds that header, reads each
value with the core's parsers (:mod:`.parsing`, :mod:`.model`), and replaces it with one
``dep-meta`` block right after the title. Every other byte of the file stays as it was.

Each decision is recorded as a :class:`Decision` (normalised, empty, needs a human, note),
so the command prints what it did to each value, with file and line. A value it cannot map
is kept as a ``:legacy-<field>:`` option, which ``dep-meta`` accepts as unmapped text.

The command line part (:func:`add_arguments`, :func:`run`) is registered by ``dep`` as
``dep migrate``; ``python -m sphinxcontrib_dep.migrate`` runs it on its own.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import json
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import escape, fsutil, parsing
from .config import ConfigError, DepConfig, load
from .diagnostics import Code
from .model import (
    NUMBER_PATTERN,
    UNNUMBERED_STATUSES,
    DepRef,
    ReviewStatus,
    Status,
    lookup_category,
    normalize_key,
    number_from_filename,
)
from .parsing import META_OPTIONS, UNMAPPED_PREFIX, guess_date, is_empty, parse_person

# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------

#: Legacy status words and the status each means. The ``dep-meta`` directive stays strict;
#: only the migrator reads these, and reports each use as a normalisation.
STATUS_ALIASES: dict[str, Status] = {
    "accepted": Status.APPROVED,
    "approve": Status.APPROVED,
    "readyforreview": Status.UNDER_REVIEW,
    "inreview": Status.UNDER_REVIEW,
    "review": Status.UNDER_REVIEW,
    "proposed": Status.UNDER_REVIEW,
    "replaced": Status.SUPERSEDED,
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
    "issue": "implementation",
    "issues": "implementation",
    "issuess": "implementation",
    "template": "template",
    "decision": "decision",
    "number": "number",
}

#: Options that hold lists (several legacy fields may add to one).
_LIST_FIELDS = frozenset(
    {"authors", "sponsor", "required-reviewers", "replaces", "replaced-by", "implementation"}
)
_PEOPLE_FIELDS = ("authors", "sponsor", "required-reviewers")
_DATE_FIELDS = ("review-date", "review-requested")
_REF_FIELDS = ("replaces", "replaced-by")

#: Words that mark bracketed text as the template's own placeholder ("[Name/Team]").
_PLACEHOLDER_WORDS = re.compile(
    r"\b(link|links|name|names|team|date|title|proposal|applicable|pull request|issue|maintainer|"
    r"owner|reviewers?|describe|description|optional|required|todo|tbd|xxx|here|your|insert|"
    r"add|fill)\b",
    re.I,
)

# --------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------


class Kind(enum.Enum):
    NORMALISED = "normalised"
    EMPTY = "empty"
    HUMAN = "needs a human"
    NOTE = "note"


@dataclass(frozen=True)
class Decision:
    """What the migrator did with one value, located in the legacy file."""

    kind: Kind
    path: str
    line: int | None
    field: str
    message: str

    def format(self) -> str:
        """``path:line: field: message [kind]``, one line: every value in it escaped."""
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        label = f"{self.field}: " if self.field else ""
        return escape.text(f"{where}: {label}{self.message}") + f" [{self.kind.value}]"


@dataclass
class Migration:
    """The result of migrating one file's text."""

    path: str
    text: str
    new_text: str
    decisions: list[Decision] = field(default_factory=list)
    #: The ``dep-meta`` options written, in order.
    options: dict[str, str] = field(default_factory=dict)
    #: ``migrated``, ``unchanged`` (already has dep-meta) or ``skipped`` (no header / no title).
    outcome: str = "skipped"
    #: 0-based ``[start, end)`` line range of the legacy header that was replaced.
    header: tuple[int, int] | None = None
    #: 0-based line after which the block was inserted (the title's last line + 1).
    insert_at: int | None = None
    #: The file's bytes as read (``--in-place`` writes only over exactly these).
    original: bytes | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        return self.new_text != self.text

    def count(self, kind: Kind) -> int:
        return sum(1 for d in self.decisions if d.kind is kind)


# --------------------------------------------------------------------------------------
# Finding the header
# --------------------------------------------------------------------------------------

_BULLET = r"(?:[-*+]\s+)?"
# **Name**: value / **Name:** value / **Name** : value / __Name__: value. The name may hold
# a colon of its own (**Target: Release**: 1.2): the colon that counts is the one at the
# end of the bold text, or right after it.
_BOLD_FIELD_RE = re.compile(
    rf"^\s{{0,3}}{_BULLET}(\*\*|__)\s*(?P<name>[^*_:\s][^*\n]*?)\s*(?P<inside>:?)\s*\1\s*(?P<outside>:?)\s*(?P<value>.*)$"
)
# **Status: Draft** (the whole field in bold; only a known field name is read so)
_WHOLE_BOLD_FIELD_RE = re.compile(
    rf"^\s{{0,3}}{_BULLET}(\*\*|__)\s*(?P<name>[^*:\s][^*:\n]*?)\s*:\s*(?P<value>[^*\n]*?)\s*\1\s*$"
)
# Name: value (plain: known field names, or any name in a bulleted list of fields)
_PLAIN_FIELD_RE = re.compile(
    rf"^\s{{0,3}}{_BULLET}(?P<name>[A-Za-z][A-Za-z ()/&_-]{{0,40}}?)\s*:\s*(?P<value>.*)$"
)
# ## Name   (a heading whose text is a known field name; the value follows)
_HEADING_FIELD_RE = re.compile(r"^\s{0,3}#{2,6}\s+(?P<name>[^#\n]+?)\s*:?\s*#*\s*$")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_RULE_RE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_COMMENT_RE = re.compile(r"<!--(.*?)-->", re.S)
_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# | Status | Draft |   (a two-column table of fields; its head and rule rows are skipped)
_TABLE_ROW_RE = re.compile(r"^\s{0,3}\|\s*(?P<name>[^|]+?)\s*\|\s*(?P<value>(?:[^|\\]|\\.)*?)\s*\|?\s*$")
_TABLE_RULE_RE = re.compile(r"^\s{0,3}\|\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
#: An unknown field with a longer value, or a longer name, is prose: the body has begun.
_MAX_UNKNOWN_VALUE = 80
_MAX_UNKNOWN_NAME_WORDS = 4
#: A heading-form value longer than this is a section of the body, not a header value.
_MAX_HEADING_VALUE_LINES = 3


@dataclass
class _Field:
    name: str  # as written
    value: str  # raw, continuation lines joined with "\n"
    line: int  # 1-based
    canonical: str | None  # the dep-meta option, or None when unknown
    partial: bool = False  # "Replaces (partially)"
    form: str = "bold"  # bold, plain, heading or table
    #: HTML comments beside the value that are not template text; kept beside the block.
    comments: list[str] = field(default_factory=list)
    #: The lines below the field line that belong to its value, as written (1-based line
    #: number, text without the line end): where a nested list is told from the field's own.
    below: list[tuple[int, str]] = field(default_factory=list)
    #: The value as written on the field line itself.
    head: str = ""


def _field_key(name: str) -> tuple[str | None, bool]:
    """The option a legacy field name means, and whether it says "(partially)"."""
    partial = False
    cleaned = name
    match = re.search(r"\(\s*(partial|partially|in part)\s*\)", cleaned, re.I)
    if match:
        partial = True
        cleaned = cleaned[: match.start()] + cleaned[match.end() :]
    key = normalize_key(cleaned)
    if key in FIELD_ALIASES:
        return FIELD_ALIASES[key], partial
    # "Implementation PR / Tracking Issue", "Sponser / Steward": every part names one option.
    parts = [normalize_key(p) for p in re.split(r"\s*(?:/|\||&|\bor\b|\band\b)\s*", cleaned) if p.strip()]
    found = {FIELD_ALIASES.get(p) for p in parts}
    if len(parts) > 1 and len(found) == 1 and None not in found:
        return found.pop(), partial
    return None, partial


def _match_field(line: str) -> tuple[str, str, str] | None:
    """``(form, name, value)`` of a header line, or ``None``. Forms: bold, plain, heading, table."""
    match = _TABLE_ROW_RE.match(line)
    if match:
        name = _unwrap(match.group("name")).rstrip(":").strip()
        return "table", name, match.group("value").replace("\\|", "|")
    match = _BOLD_FIELD_RE.match(line)
    if match and (match.group("inside") or match.group("outside")):
        return "bold", match.group("name").strip(), match.group("value")
    match = _WHOLE_BOLD_FIELD_RE.match(line)
    if match and _field_key(match.group("name"))[0] is not None:
        return "bold", match.group("name").strip(), match.group("value")
    match = _HEADING_FIELD_RE.match(line)
    if match:
        name = match.group("name").strip().strip("*_").strip()
        if _field_key(name)[0] is not None:
            return "heading", name, ""
        return None
    match = _PLAIN_FIELD_RE.match(line)
    if match and not match.group("value").startswith("//"):
        # "Status: Draft" is a field; "- Start Date: 2025-01-01" too (a list of fields);
        # an unknown "Note: ..." without a bullet is prose.
        bulleted = re.match(r"^\s*[-*+]\s", line) is not None
        if _field_key(match.group("name"))[0] is not None or bulleted:
            return "plain", match.group("name").strip(), match.group("value")
    return None


def _is_comment_line(line: str) -> bool:
    return bool(line.strip()) and not _COMMENT_RE.sub("", line).strip()


def _read_header(lines: list[str], start: int) -> tuple[list[_Field], int, int]:
    """The fields of a header run beginning at or after ``start`` (blank lines skipped).

    Returns the fields and the ``[begin, end)`` range of lines they occupy; no fields when
    the first non-blank line is not a field.
    """
    index = start
    # Blank lines, and comments of their own ("<!-- fill in the fields below -->"), stay put.
    while index < len(lines) and (not lines[index].strip() or _is_comment_line(lines[index])):
        index += 1
    begin = index
    fields: list[_Field] = []
    end = begin
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if _TABLE_RULE_RE.match(line) and (fields or index == begin + 1):
            index += 1  # the rule under a table's head row (which was skipped below)
            continue
        head = _TABLE_ROW_RE.match(line) if index == begin and line.lstrip().startswith("|") else None
        if (
            head
            and index + 1 < len(lines)
            and _TABLE_RULE_RE.match(lines[index + 1])
            and _field_key(_unwrap(head.group("name")))[0] is None
        ):
            index += 1  # "| Field | Value |": the head row of a table of fields
            continue
        found = _match_field(line)
        if found is None:
            if _is_comment_line(line) and fields:
                # A comment line of its own inside the header: part of the field above.
                fields[-1].value += "\n" + line.strip()
                fields[-1].below.append((index + 1, line.rstrip("\r\n")))
                index += 1
                end = index
                continue
            break
        form, name, value = found
        canonical, partial = _field_key(name)
        if canonical is None and (
            len(value) > _MAX_UNKNOWN_VALUE or len(name.split()) > _MAX_UNKNOWN_NAME_WORDS
        ):
            break  # "**Important:** this proposal depends on ...": prose, where the body begins
        current = _Field(name, value.strip(), index + 1, canonical, partial, form, head=value.strip())
        fields.append(current)
        index += 1
        if form == "heading":
            # The value is the paragraph under the heading (maybe after blank lines).
            while index < len(lines) and not lines[index].strip():
                index += 1
            values: list[str] = []
            while (
                index < len(lines)
                and lines[index].strip()
                and not _is_block_start(lines[index])
                and _match_field(lines[index]) is None
            ):
                values.append(lines[index].strip())
                index += 1
            if len(values) > _MAX_HEADING_VALUE_LINES:
                # A section that happens to be called "Implementation", not a header value.
                fields.pop()
                break
            current.value = "\n".join(values)
        elif form != "table":
            index = _read_continuation(lines, index, current, _indent(line))
        end = index
    return fields, begin, end


#: A list item: its indentation and its text (``- x``, ``* x``, ``+ x``, ``1. x``, ``1) x``).
_LIST_ITEM_RE = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(?P<text>\S.*)$")


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def _read_continuation(lines: list[str], index: int, current: _Field, field_indent: int) -> int:
    """Add the lines below a field that belong to its value; the index after them.

    They are indented, bulleted or plain text directly below the field, up to a blank line,
    a block (heading, rule, fence) or the next field. A list item indented under the
    field is part of its value even when it reads like a field (``  - Docs: @b``); a line
    that only looks like a field (``*Status*: Draft``) ends it.
    """
    while index < len(lines) and lines[index].strip() and not _is_block_start(lines[index]):
        line = lines[index].rstrip("\r\n")
        nested = _LIST_ITEM_RE.match(line) is not None and _indent(line) > field_indent
        if not nested and (_match_field(line) is not None or _left_field_name(line) is not None):
            break
        current.below.append((index + 1, line))
        current.value = (current.value + "\n" + line.strip()).strip()
        index += 1
    return index


#: A line written like a field in a form the reader does not take (``*Status*: Draft``,
#: ``<b>Status</b>: Draft``, ``Status = Draft``, ``**Status** - Draft``), for known names.
_LOOSE_FIELD_RE = re.compile(
    r"^\s{0,3}(?:[-*+]\s+|\d{1,9}[.)]\s+)?(?:<(?:b|strong|em|i)>|\*\*|__|\*|_|`)?\s*"
    r"(?P<name>[A-Za-z][A-Za-z ()/&_-]{0,40}?)\s*:?\s*(?:</(?:b|strong|em|i)>|\*\*|__|\*|_|`)?"
    r"(?:\s*[:=]|\s+[-\u2013\u2014])\s*(?P<value>\S.*)$",
    re.IGNORECASE,
)


def _left_field_name(line: str) -> str | None:
    """The field name of a line that looks like a header field, else ``None``.

    A field the reader takes with a known name (or a short bold one, ``**Team**: Runtime``),
    or a known name written in a form it does not take (see ``_LOOSE_FIELD_RE``).
    """
    found = _match_field(line)
    if found is not None:
        form, name, value = found
        if _field_key(name)[0] is not None:
            return name
        short = len(name.split()) <= _MAX_UNKNOWN_NAME_WORDS and len(value) <= _MAX_UNKNOWN_VALUE
        return name if form == "bold" and short else None
    match = _LOOSE_FIELD_RE.match(line.rstrip("\r\n"))
    if match and _field_key(match.group("name"))[0] is not None:
        return match.group("name").strip()
    return None


def _left_behind(lines: list[str], start: int, stop: int) -> list[tuple[int, str, str]]:
    """Lines from ``start`` to the first heading (or ``stop``) that look like header fields:
    ``(1-based line, name, text)``; the contents of fenced code blocks are not looked at."""
    found: list[tuple[int, str, str]] = []
    fence: str | None = None
    for index in range(start, min(stop, len(lines))):
        line = lines[index].rstrip("\r\n")
        opened = _FENCE_RE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if _HEADING_RE.match(line):
            break
        name = _left_field_name(line)
        if name is not None:
            found.append((index + 1, name, line.strip()))
    return found


def _is_block_start(line: str) -> bool:
    return bool(_HEADING_RE.match(line) or _RULE_RE.match(line) or _FENCE_RE.match(line))


def _title_range(text: str, lines: list[str], path: str) -> tuple[int, int] | None:
    """0-based ``[first, after)`` lines of the document's H1 title."""
    scanned = parsing.scan(text, path)
    title = scanned.title
    if title is None:
        return None
    first = title.line - 1
    after = first + 1 if lines[first].lstrip().startswith("#") else first + 2  # ATX or setext
    return first, after


def _front_matter_end(lines: list[str]) -> int:
    if lines and lines[0].rstrip("\n") == "---":
        for index in range(1, len(lines)):
            if lines[index].rstrip("\n") in {"---", "..."}:
                return index + 1
    return 0


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------

#: ``[label](destination)``: the destination may hold balanced parentheses, two deep
#: (``https://en.wikipedia.org/wiki/Foo_(bar)``), as CommonMark reads them.
_MD_LINK_RE = re.compile(r"\[([^\]]*)\]\(\s*<?((?:[^()\s<>]|\((?:[^()\s<>]|\([^()\s<>]*\))*\))*)>?\s*\)")
#: A bare URL (or one in ``<...>``); where it ends is decided by :func:`_bare_urls`.
_URL_START_RE = re.compile(r"<(https?://[^\s<>]+)>|https?://[^\s<>]+")
_CHECKED_RE = re.compile(r"\[\s*[xX✓✔]\s*\]\s*([^\[\]|\n,;]+)")
_OPTION_LIST_RE = re.compile(r"^\[?\s*[^|\[\]]+\]?(\s*\|\s*[^|]+){2,}$")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_HANDLE_WORD_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:/[A-Za-z0-9_.-]+)?$")


@dataclass
class _Context:
    """What the value readers need to report on one field."""

    path: str
    fld: _Field
    decisions: list[Decision]
    config: DepConfig

    def add(self, kind: Kind, message: str, option: str | None = None) -> None:
        name = option or self.fld.canonical or _legacy_name(self.fld.name)
        self.decisions.append(Decision(kind, self.path, self.fld.line, name, message))


def _strip_comments(value: str, ctx: _Context) -> str:
    """The value without HTML comments; a comment that is not template text is kept aside."""
    for match in _COMMENT_RE.finditer(value):
        inner = match.group(1).strip()
        if not inner:
            continue
        if _looks_like_placeholder(inner) or _OPTION_LIST_RE.match(inner):
            ctx.add(Kind.EMPTY, f"template hint {_short(match.group(0))} removed")
        else:
            ctx.add(Kind.HUMAN, f"comment {_short(match.group(0))} kept beside the block")
            ctx.fld.comments.append(match.group(0))
    return _COMMENT_RE.sub("", value).strip()


def _unwrap(text: str) -> str:
    """Text without surrounding emphasis or code marks: ``**Approved**`` -> ``Approved``."""
    text = text.strip()
    while len(text) > 2 and text[0] == text[-1] and text[0] in "*_`":
        text = text[1:-1].strip()
    return text


def _looks_like_placeholder(text: str) -> bool:
    text = text.strip()
    if not text:
        return False
    if re.fullmatch(r"\[[^\]]*\]", text) or re.fullmatch(r"<[^<>]*>", text):
        inner = text[1:-1]
        if re.fullmatch(r"\s*[xX ]?\s*", inner):
            return False
        if "://" in inner:
            return False
        return bool(_PLACEHOLDER_WORDS.search(inner)) or not inner.strip()
    return False


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _empty_or_placeholder(value: str, ctx: _Context) -> bool:
    """True when the value says nothing; reports what it was."""
    stripped = _unwrap(value)
    if not stripped:
        ctx.add(Kind.EMPTY, "empty -> none")
        return True
    if is_empty(stripped):
        ctx.add(Kind.EMPTY, f"{_short(stripped)} -> none")
        return True
    if _looks_like_placeholder(stripped):
        ctx.add(Kind.EMPTY, f"template placeholder {_short(stripped)} -> none")
        return True
    if _OPTION_LIST_RE.match(stripped) and not _CHECKED_RE.search(stripped):
        ctx.add(Kind.EMPTY, f"template choices {_short(stripped)} left unchosen -> none")
        return True
    return False


def _checked_option(value: str, ctx: _Context) -> str:
    """``[ ] Draft [x] Approved`` -> ``Approved``: the one checked option of a list."""
    checked = [str(c).strip() for c in _CHECKED_RE.findall(value)]
    if len(checked) == 1 and re.search(r"\[\s*\]", value):
        ctx.add(Kind.NORMALISED, f"checked option {checked[0]!r} read from the list")
        return checked[0]
    if len(checked) == 1 and re.fullmatch(r"\s*[-*+]?\s*\[\s*[xX✓✔]\s*\]\s*[^\n]+", value):
        return checked[0]
    return value


def _lookup_status(text: str) -> tuple[Status | None, bool]:
    """The status a word names, and whether it took a legacy alias to tell."""
    status = Status.lookup(text)
    if status is not None:
        return status, False  # type: ignore[return-value]
    alias = STATUS_ALIASES.get(normalize_key(text))
    return alias, alias is not None


def _status(value: str, ctx: _Context) -> tuple[str | None, str | None]:
    """(option value, legacy value)."""
    text = " ".join(_unwrap(_checked_option(value, ctx)).split())
    status, alias = _lookup_status(text)
    if status is not None:
        if status.value != text:
            why = " (legacy status word)" if alias else ""
            ctx.add(Kind.NORMALISED, f"{text!r} -> {status.value}{why}")
        return status.value, None
    # "Approved (2025-04-16)", "Accepted - merged in #12": the status, with the rest kept.
    annotated = re.match(r"^(.+?)\s*(?:\(.*\)|[-–—:;,]\s+.*)$", text)
    if annotated:
        status, _ = _lookup_status(_unwrap(annotated.group(1)))
        if status is not None:
            ctx.add(Kind.NORMALISED, f"{text!r} -> {status.value}; the full text is kept as :legacy-status:")
            return status.value, text
    ctx.add(
        Kind.HUMAN, f"{text!r} is none of the eight statuses ({Status.allowed()}); kept as :legacy-status:"
    )
    return None, text


def _category(value: str, ctx: _Context) -> tuple[str | None, str | None]:
    text = " ".join(_unwrap(_checked_option(value, ctx)).split())
    categories = tuple(ctx.config.categories)
    found = lookup_category(text, categories)
    if found is not None:
        if found != text:
            ctx.add(Kind.NORMALISED, f"{text!r} -> {found}")
        return found, None
    # "Architecture - CI/CD": one part names exactly one configured category.
    parts = [p for p in re.split(r"\s+-\s+|\s*[,;:|()]\s*|\s+/\s+", text) if p.strip()]
    candidates = {
        category
        for category in categories
        for part in parts
        if normalize_key(part) == normalize_key(category)
    }
    if len(parts) > 1 and len(candidates) == 1:
        chosen = candidates.pop()
        ctx.add(Kind.NORMALISED, f"{text!r} -> {chosen}; the full text is kept as :legacy-category:")
        return chosen, text
    allowed = ", ".join(categories)
    reason = "names several configured categories" if candidates else "matches no configured category"
    ctx.add(Kind.HUMAN, f"{text!r} {reason} ({allowed}); kept as :legacy-category:")
    return None, text


def _date(value: str, ctx: _Context) -> tuple[str | None, str | None]:
    text = " ".join(_unwrap(value).split())
    found = guess_date(text)
    if found is None:
        ctx.add(
            Kind.HUMAN, f"{text!r} is not a date this tool can read; kept as :legacy-{ctx.fld.canonical}:"
        )
        return None, text
    iso = found.isoformat()
    if iso != text:
        numeric = re.fullmatch(r"(\d{1,2})\D(\d{1,2})\D\d{4}", text)
        note = ""
        if (
            numeric
            and int(numeric.group(1)) <= 12
            and int(numeric.group(2)) <= 12
            and numeric.group(1) != numeric.group(2)
        ):
            note = " (read month first, as US dates are written)"
        ctx.add(Kind.NORMALISED, f"{text!r} -> {iso}{note}")
    return iso, None


def _split_items(text: str) -> list[str]:
    """Items of a list value: Markdown links stay whole; commas, semicolons, "and", lines split.

    Words that are all handles, links or URLs (``@a @b``) are items of their own.
    """
    # Links may hold commas; set them aside while splitting, then put them back.
    masked_links: list[str] = []

    def mask(match: re.Match[str]) -> str:
        masked_links.append(match.group(0))
        return f"\x00{len(masked_links) - 1}\x00"

    def restore(chunk: str) -> str:
        return re.sub(r"\x00(\d+)\x00", lambda m: masked_links[int(m.group(1))], chunk)

    masked = _MD_LINK_RE.sub(mask, text.replace("\x00", ""))
    # A bare URL may hold a comma or a semicolon (not followed by a space): kept whole too.
    for start, end, _url in reversed(_bare_urls(masked)):
        masked_links.append(masked[start:end])
        masked = f"{masked[:start]}\x00{len(masked_links) - 1}\x00{masked[end:]}"
    items: list[str] = []
    for chunk in re.split(r"\s*(?:[,;\n]|\band\b|&)\s*", masked):
        chunk = re.sub(r"^(?:[-*+]|\d{1,9}[.)])\s+", "", chunk.strip()).strip()
        if not chunk:
            continue
        words = chunk.split()
        if len(words) > 1 and all(w.startswith(("@", "\x00")) or "://" in w for w in words):
            items.extend(restore(w) for w in words)
        else:
            items.append(restore(chunk))
    return items


def _people(value: str, ctx: _Context) -> tuple[str | None, str | None]:
    option = ctx.fld.canonical or ""
    written: list[str] = []
    leftover: list[str] = []
    guessed: list[str] = []
    unbracketed: list[str] = []
    for item in _split_items(value):
        text = _unwrap(item)
        if is_empty(text) or _looks_like_placeholder(text):
            ctx.add(Kind.EMPTY, f"{_short(text)} -> none")
            continue
        if re.fullmatch(r"\[[^\]]+\]", text):
            text = text[1:-1].strip()
            unbracketed.append(text)
        # A bare lower-case word or one with digits is a GitHub handle (names are capitalised).
        if (
            not text.startswith("@")
            and _HANDLE_WORD_RE.match(text)
            and (text == text.lower() or re.search(r"\d", text))
        ):
            guessed.append(text)
            text = "@" + text
        status_note = ""
        if _EMAIL_RE.search(text):
            leftover.append(item.strip())  # an e-mail address has no place in dep-meta; keep it all
            continue
        # "Ryan Olson (@ryanolson)" or "Ryan Olson ([@ryanolson](https://github.com/ryanolson))"
        named = re.match(r"^([^()\[\]@]+?)\s*\(\s*(@[\w.-]+(?:/[\w.-]+)?|\[[^\]]*\]\([^()\s]*\))\s*\)$", text)
        if named:
            inner = parse_person(named.group(2))
            if inner is not None and inner.handle:
                text = f"{named.group(1).strip()} <https://github.com/{inner.handle}>"
        if option == "required-reviewers":
            # "@a ✅": a review marked with a check (or a cross) is approved (or rejected).
            marked = re.match(r"^(.*?)\s*(✅|✔️?|☑️?|❌|✖️?)$", text)
            if marked and marked.group(1):
                verdict = "rejected" if marked.group(2) in {"❌", "✖", "✖️"} else "approved"
                text = f"{marked.group(1)} ({verdict})"
        paren = None if _MD_LINK_RE.fullmatch(text) else re.match(r"^(.*?)\s*\(([^()]*)\)$", text)
        if paren and option == "required-reviewers":
            if ReviewStatus.lookup(paren.group(2)) is None:
                leftover.append(item.strip())
                continue
            text, status_note = paren.group(1), f" ({paren.group(2).strip().lower()})"
        person = parse_person(text)
        # A name does not hold brackets or a colon ("Docs: @b" is a label and a person).
        if person is None or (
            not person.handle and not person.url and re.search(r"[<>\[\]():]", person.name)
        ):
            leftover.append(item.strip())
            continue
        written.append(person.to_text() + status_note)
    if unbracketed:
        ctx.add(Kind.NORMALISED, f"brackets removed around {', '.join(map(repr, unbracketed))}")
    if guessed:
        ctx.add(
            Kind.NORMALISED,
            f"read {', '.join(map(repr, guessed))} as GitHub handle(s) {', '.join('@' + g for g in guessed)}",
        )
    if leftover:
        ctx.add(
            Kind.HUMAN, f"cannot read {', '.join(map(repr, leftover))} as people; kept as :legacy-{option}:"
        )
    new = ", ".join(written) or None
    return new, (", ".join(leftover) or None)


def _urls(value: str) -> tuple[list[tuple[str, str | None]], str]:
    """The links of a value ((url, label) pairs, in order) and the text left around them."""
    found: list[tuple[int, str, str | None]] = []
    rest = value
    for match in _MD_LINK_RE.finditer(value):
        found.append((match.start(), match.group(2), match.group(1).strip()))
    rest = _MD_LINK_RE.sub(lambda match: " " * len(match.group(0)), value)
    for start, end, url in reversed(_bare_urls(rest)):
        found.append((start, url, None))
        rest = rest[:start] + " " + rest[end:]
    found.sort(key=lambda item: item[0])
    leftover = re.sub(r"(?:^|\s)[-*+](?=\s)|[,;|]|\band\b|&", " ", rest)
    return [(url, label) for _, url, label in found], " ".join(leftover.split())


_URL_TRAILING = ".,;:!?*_~'\""


def _bare_urls(text: str) -> list[tuple[int, int, str]]:
    """The bare ``http(s)`` URLs of a text: ``(start, end, url)``, in order.

    A URL in ``<...>`` is all that the brackets hold. Otherwise it runs to white space or
    ``<``, and then, as GitHub reads autolinks: a comma or semicolon followed by a space
    (or by another URL) ends it, trailing punctuation is not part of it, and a closing
    parenthesis or bracket at its end is part of it only when it closes one opened inside
    (``https://en.wikipedia.org/wiki/Foo_(bar)`` whole; ``(see https://x.org/a)`` without ``)``).
    """
    found: list[tuple[int, int, str]] = []
    for match in _URL_START_RE.finditer(text):
        if match.group(1) is not None:
            found.append((match.start(), match.end(), match.group(1)))
            continue
        url = match.group(0)
        cut = re.search(r"[,;](?=\s|$|https?://)", url)
        if cut:
            url = url[: cut.start()]
        while url:
            if (
                url[-1] in _URL_TRAILING
                or (url[-1] == ")" and url.count(")") > url.count("("))
                or (url[-1] == "]" and url.count("]") > url.count("["))
            ):
                url = url[:-1]
            else:
                break
        if len(url) > len("https://"):
            found.append((match.start(), match.start() + len(url), url))
    return found


def _trivial_label(label: str | None, url: str) -> bool:
    if not label:
        return True
    number = re.search(r"/(?:pull|issues)/(\d+)", url)
    key = normalize_key(label)
    return key in {"pr", "prlink", "link", "issue", "pullrequest", normalize_key(url)} or bool(
        number and key in {number.group(1), "pr" + number.group(1), "issue" + number.group(1)}
    )


def _links(value: str, ctx: _Context, single: bool) -> tuple[str | None, str | None]:
    links, leftover = _urls(value)
    urls: list[str] = []
    for url, label in links:
        if "," in url:
            # dep-meta separates links with commas: one inside a link is written %2C.
            encoded = url.replace(",", "%2C")
            ctx.add(Kind.NORMALISED, f"{url!r} -> {encoded} (a comma inside a link is written %2C)")
            url = encoded
        safe = parsing.check_url(url, None, ctx.fld.canonical or "")
        if safe is None:
            leftover = (
                f"{leftover} [{label}]({url})".strip() if label is not None else f"{leftover} {url}".strip()
            )
            continue
        urls.append(safe)
        if label is not None and not _trivial_label(label, safe):
            ctx.add(Kind.NORMALISED, f"link [{label}]({safe}) -> {safe} (label dropped)")
        elif label is not None:
            ctx.add(Kind.NORMALISED, f"link [{label}](…) -> {safe}")
    legacy: list[str] = []
    if re.fullmatch(r"[\s.,;:!?]*", leftover):
        leftover = ""  # the punctuation of a sentence the links stood in, nothing more
    if leftover and not is_empty(leftover) and not _looks_like_placeholder(leftover):
        legacy.append(leftover)
        ctx.add(Kind.HUMAN, f"{leftover!r} is not a link; kept as :legacy-{ctx.fld.canonical}:")
    if single and len(urls) > 1:
        ctx.add(
            Kind.HUMAN,
            f"one URL expected, {len(urls)} found; the others are kept as :legacy-{ctx.fld.canonical}:",
        )
        legacy.extend(urls[1:])
        urls = urls[:1]
    return (", ".join(urls) or None), (", ".join(legacy) or None)


def _refs(value: str, ctx: _Context) -> tuple[str | None, str | None]:
    written: list[str] = []
    leftover: list[str] = []
    for item in _split_items(value):
        text = _unwrap(item)
        if is_empty(text) or _looks_like_placeholder(text):
            ctx.add(Kind.EMPTY, f"{_short(text)} -> none")
            continue
        partial = ctx.fld.partial
        paren = re.match(r"^(.*?)\s*\(\s*(partial|partially|in part)\s*\)$", text, re.I)
        if paren:
            text, partial = paren.group(1).strip(), True
        link = _MD_LINK_RE.fullmatch(text)
        ref: DepRef | None = None
        if link:
            label, target = link.group(1).strip(), link.group(2)
            # [DEP-0003](...) or [the old one](0003-old.md): the label or the file names it.
            number = _ref_number(label)
            if number is None:
                number = number_from_filename(target.rstrip("/").rsplit("/", 1)[-1])
            if number is not None:
                ref = DepRef(number=number, partial=partial)
            elif parsing.check_url(target, None, "") is not None:
                ref = DepRef(url=target, partial=partial)
        elif (number := _ref_number(text)) is not None:
            ref = DepRef(number=number, partial=partial)
        elif parsing.check_url(text, None, "") is not None:
            number = number_from_filename(text.rstrip("/").rsplit("/", 1)[-1])
            ref = DepRef(number=number, url=None if number else text, partial=partial)
        if ref is None:
            leftover.append(item.strip())
            continue
        rendered = ref.to_text(ctx.config.id_prefix, ctx.config.id_width)
        if rendered != item.strip():
            ctx.add(Kind.NORMALISED, f"{item.strip()!r} -> {rendered}")
        written.append(rendered)
    if leftover:
        ctx.add(
            Kind.HUMAN,
            f"{', '.join(map(repr, leftover))} names no proposal; kept as :legacy-{ctx.fld.canonical}:",
        )
    return (", ".join(written) or None), (", ".join(leftover) or None)


def _ref_number(text: str) -> int | None:
    """``DEP-0003``, ``DEP 3``, ``0003`` -> 3 (``#3`` is an issue, not a proposal)."""
    match = re.fullmatch(rf"(?:[A-Za-z]+[-_ ]?)?0*{NUMBER_PATTERN}", text.strip())
    return int(match.group(1)) if match else None


def _plain(value: str, ctx: _Context) -> tuple[str | None, str | None]:
    return " ".join(value.split()) or None, None


def _legacy_name(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower().replace("(s)", "s")).strip("-")
    return slug or "field"


# --------------------------------------------------------------------------------------
# Writing the block
# --------------------------------------------------------------------------------------


def format_value(value: str) -> str:
    """A value as MyST reads an option: one line; quoted when it would read otherwise.

    MyST reads the options of a fenced directive as a YAML subset: `` #`` starts a comment
    and a leading quote, ``|`` or ``>`` change the meaning, so such values are double-quoted.
    """
    value = " ".join(value.split())
    unsafe = not value or value[0] in "\"'|>#" or " #" in value
    return json.dumps(value, ensure_ascii=False) if unsafe else value


def render_block(options: dict[str, str], newline: str = "\n") -> str:
    """The ``dep-meta`` block; its fence is longer than any run of backticks in a value."""
    body = [f":{name}: {format_value(value)}" if value else f":{name}:" for name, value in options.items()]
    longest = max((len(run) for line in body for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return newline.join([f"{fence}{{dep-meta}}", *body, fence]) + newline


# --------------------------------------------------------------------------------------
# One file
# --------------------------------------------------------------------------------------


def migrate_text(text: str, path: str, config: DepConfig | None = None) -> Migration:
    """Migrate one proposal's text; ``path`` (relative, ``deps/0001-x.md``) names it in the report."""
    config = config or DepConfig()
    result = Migration(path=path, text=text, new_text=text)
    decisions = result.decisions

    def note(kind: Kind, message: str, line: int | None = None, name: str = "") -> None:
        decisions.append(Decision(kind, path, line, name, message))

    if path.endswith(".rst"):
        note(Kind.NOTE, "reStructuredText is not migrated; left as it is")
        return result
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    newline = "\r\n" if "\r\n" in body else "\n"
    scanned = parsing.scan(body, path)
    has_meta = bool(scanned.blocks_named("dep-meta"))
    lines = body.splitlines(keepends=True)
    title = _title_range(body, lines, path)
    fields: list[_Field] = []
    if title is not None:
        first, after = title
        fields, begin, end = _read_header(lines, after)
        if not _is_header(fields):
            # A header above the title ("**Status**: Draft" before "# Title").
            fields, begin, end = _read_header(lines, _front_matter_end(lines))
            if end > first:
                fields = []
    if has_meta:
        result.outcome = "unchanged"
        if _is_header(fields):
            note(Kind.HUMAN, "a dep-meta block and a legacy header both; merge them by hand", fields[0].line)
        else:
            note(Kind.NOTE, "already has a dep-meta block; left as it is")
        return result
    if title is None:
        note(Kind.HUMAN, "no '# Title' heading to put the dep-meta block under; left as it is", 1)
        return result
    if not _is_header(fields):
        note(Kind.HUMAN, "no legacy header (such as '**Status**: Draft') found; left as it is", first + 1)
        return result

    options, legacy, comments = _read_fields(fields, path, config, decisions)
    _report_left_behind(lines, fields, end, first if begin < first else len(lines), path, decisions)

    file_number = number_from_filename(path)
    number_text = options.pop("number", None)
    if number_text is not None:
        given = _ref_number(number_text)
        if given is not None and given == file_number:
            note(
                Kind.NORMALISED,
                f"{number_text!r} is the file name's number; left to the file name",
                _line_of(fields, "number"),
                "number",
            )
        else:
            legacy.setdefault("number", number_text)
            note(
                Kind.HUMAN,
                f"{number_text!r} disagrees with the file name; kept as :legacy-number:",
                _line_of(fields, "number"),
                "number",
            )
    if file_number is not None:
        note(Kind.NOTE, f"number {config.format_id(file_number)} from the file name")
    else:
        status = Status.lookup(options.get("status", ""))
        if status is not None and status not in UNNUMBERED_STATUSES:
            note(
                Kind.HUMAN,
                f"the file name carries no number, but the status is {status.value}; "
                "give the file its number",
                1,
            )
        else:
            note(Kind.NOTE, "the file name carries no number: an unnumbered draft")

    _validate(options, legacy, path, config, fields, decisions)

    # One line per option, as MyST reads them: runs of white space become one space.
    ordered = {name: " ".join(options[name].split()) for name in META_OPTIONS if name in options}
    for name, value in legacy.items():
        ordered[f"{UNMAPPED_PREFIX}{name}"] = " ".join(value.split())
    result.options = ordered

    block = render_block(ordered, newline) + "".join(f"{comment}{newline}" for comment in comments)
    title_lines = lines[first:after]
    if not title_lines[-1].endswith("\n"):
        title_lines[-1] += newline
    if begin >= after:
        # Title, the block, whatever stood between title and header, then the body as it was.
        between = lines[after:begin]
        if not "".join(between).strip():
            between = []
        new_lines = lines[:first] + title_lines + [newline, block] + between + lines[end:]
    else:
        # The header stood above the title: the title stays first, the block goes under it.
        before = lines[:begin]
        gap = [line for line in lines[end:first] if line.strip()]
        new_lines = before + gap + title_lines + [newline, block] + lines[after:]
    result.new_text = bom + "".join(new_lines)
    result.header = (begin, end)
    result.insert_at = after
    result.outcome = "migrated"
    return result


def _report_left_behind(
    lines: list[str], fields: list[_Field], end: int, stop: int, path: str, decisions: list[Decision]
) -> None:
    """A ``needs a human`` line for each line below the header that looks like one of its
    fields (up to the first heading), and for a list that may be the last field's value:
    what stays in the body is never left there in silence."""
    for line, name, text in _left_behind(lines, end, stop):
        decisions.append(
            Decision(
                Kind.HUMAN,
                path,
                line,
                _legacy_name(name),
                f"{_short(text)} looks like a header field but lies below the header; "
                "left in the body (move it into dep-meta by hand)",
            )
        )
    last = fields[-1] if fields else None
    if last is None or last.form == "heading" or last.head or last.below:
        return
    after = end
    while after < min(stop, len(lines)) and not lines[after].strip():
        after += 1
    if after > end and after < min(stop, len(lines)) and _LIST_ITEM_RE.match(lines[after].rstrip("\r\n")):
        decisions.append(
            Decision(
                Kind.HUMAN,
                path,
                last.line,
                last.canonical or _legacy_name(last.name),
                f"empty; the list at line {after + 1}, after a blank line, may be its value: "
                "left in the body (move it into dep-meta by hand)",
            )
        )


def _is_header(fields: list[_Field]) -> bool:
    """A run of known fields that is a header: a status, or at least two known fields."""
    known = [f for f in fields if f.canonical]
    return any(f.canonical == "status" for f in known) or len(known) >= 2


def _line_of(fields: list[_Field], option: str) -> int | None:
    return next((f.line for f in fields if f.canonical == option), None)


def _read_fields(
    fields: list[_Field], path: str, config: DepConfig, decisions: list[Decision]
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    options: dict[str, str] = {}
    legacy: dict[str, str] = {}
    comments: list[str] = []
    for fld in fields:
        ctx = _Context(path, fld, decisions, config)
        raw = fld.value
        option = fld.canonical
        if option is not None:
            raw, nested = _without_nested_lists(fld)
            if nested:
                first, last = nested[0][0], nested[-1][0]
                where = f"line {first}" if first == last else f"lines {first}-{last}"
                what = "names" if option in _PEOPLE_FIELDS else "values"
                left_out = "; ".join(_item_text(text) for _, text in nested)
                legacy[option] = _join(legacy.get(option), left_out, "; ")
                ctx.add(
                    Kind.HUMAN,
                    f"a nested list ({where}) is not read as {what}; kept as :legacy-{option}:",
                )
        value = _strip_comments(raw, ctx)
        comments += fld.comments
        if option is None:
            name = _legacy_name(fld.name)
            if _empty_or_placeholder(value, ctx):
                continue
            legacy[name] = _join(legacy.get(name), value, "; ")
            ctx.add(Kind.HUMAN, f"unknown field {fld.name!r}; kept as :legacy-{name}:")
            continue
        if option not in {"status", "category"} and _empty_or_placeholder(value, ctx):
            continue
        if option in {"status", "category"}:
            checked = _checked_option(value, _Context(path, fld, [], config))
            if _empty_or_placeholder(checked, ctx):
                continue
        reader = {
            "status": _status,
            "category": _category,
            "review-date": _date,
            "review-requested": _date,
            "pull-request": lambda v, c: _links(v, c, single=True),
            "implementation": lambda v, c: _links(v, c, single=False),
        }.get(option)
        if reader is None and option in _PEOPLE_FIELDS:
            reader = _people
        elif reader is None and option in _REF_FIELDS:
            reader = _refs
        new, kept = (reader or _plain)(value, ctx)
        if new:
            if option in options and option not in _LIST_FIELDS:
                if options[option] != new:
                    name = _legacy_name(fld.name)
                    legacy[name] = _join(legacy.get(name), value, "; ")
                    ctx.add(Kind.HUMAN, f"a second {option} field ({fld.name!r}); kept as :legacy-{name}:")
            else:
                options[option] = _join(options.get(option), new, ", ")
        if kept:
            legacy[option] = _join(legacy.get(option), kept, "; ")
    return options, legacy, comments


def _without_nested_lists(fld: _Field) -> tuple[str, list[tuple[int, str]]]:
    """The field's value without its nested lists, and the lines left out.

    The field's own list is the least indented list below it; an item of that list that
    has items under it (``- Team Infra`` over ``  - @a``) is a group, not a value: the item
    and everything under it are left out, to be kept as legacy text and reported.
    """
    items = [_indent(text) for _, text in fld.below if _LIST_ITEM_RE.match(text)]
    if not items or min(items) == max(items):
        return fld.value, []
    base = min(items)
    groups: list[tuple[list[tuple[int, str]], bool]] = []  # (lines, has items under it)
    loose: list[tuple[int, str]] = []  # text before the first item
    for number, text in fld.below:
        is_item = _LIST_ITEM_RE.match(text) is not None
        if is_item and _indent(text) <= base:
            groups.append(([(number, text)], False))
        elif groups:
            lines, nested = groups[-1]
            lines.append((number, text))
            groups[-1] = (lines, nested or is_item)
        else:
            loose.append((number, text))
    kept = [fld.head, *(text.strip() for _, text in loose)]
    dropped: list[tuple[int, str]] = []
    for lines, nested in groups:
        if nested:
            dropped += lines
        else:
            kept += [text.strip() for _, text in lines]
    return "\n".join(part for part in kept if part).strip(), dropped


def _item_text(line: str) -> str:
    """A line of a list without its marker, on one line."""
    item = _LIST_ITEM_RE.match(line)
    return " ".join((item.group("text") if item else line).split())


def _join(old: str | None, new: str, separator: str) -> str:
    if not old:
        return new
    return old if new in old.split(separator) else f"{old}{separator}{new}"


def _validate(
    options: dict[str, str],
    legacy: dict[str, str],
    path: str,
    config: DepConfig,
    fields: list[_Field],
    decisions: list[Decision],
) -> None:
    """Read the options back with the core's own ``parse_meta``; a value it refuses goes to legacy."""
    names = [n for n in options if n in META_OPTIONS]
    probe = {name: options[name] for name in names}
    probe.setdefault("status", "Draft")  # a missing status is reported on its own below
    option_lines = {name: index + 1 for index, name in enumerate(probe)}
    _, found = parsing.parse_meta(probe, path=path, line=0, option_lines=option_lines, config=config)
    by_line = {line: name for name, line in option_lines.items()}
    for diagnostic in found:
        if diagnostic.code is Code.NUMBER:
            continue
        name = by_line.get(diagnostic.line or 0)
        if name is None or name not in options:
            continue
        value = options.pop(name)
        legacy[name] = _join(legacy.get(name), value, "; ")
        decisions.append(
            Decision(
                Kind.HUMAN,
                path,
                _line_of(fields, name),
                name,
                f"{diagnostic.message}; kept as :legacy-{name}:",
            )
        )
    if "status" not in options:
        decisions.append(
            Decision(
                Kind.HUMAN,
                path,
                _line_of(fields, "status"),
                "status",
                "no status the process knows; set :status: by hand",
            )
        )


# --------------------------------------------------------------------------------------
# Files and folders
# --------------------------------------------------------------------------------------

#: ``NNNN-anything.md``: any name, a line break in it too (``dep lint`` reads such a file).
_PROPOSAL_RE = re.compile(r"^\d{4,}-.*\.(md|rst)\Z", re.DOTALL)


@dataclass
class Summary:
    migrations: list[Migration] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duplicates: dict[int, list[str]] = field(default_factory=dict)

    def count(self, kind: Kind) -> int:
        return sum(m.count(kind) for m in self.migrations)

    def lines(self, config: DepConfig, written: bool = True) -> list[str]:
        outcomes = [m.outcome for m in self.migrations]
        duplicates = "; ".join(
            f"{config.format_id(number)} ({', '.join(escape.text(path) for path in paths)})"
            for number, paths in sorted(self.duplicates.items())
        )
        return [
            f"files: {len(outcomes)} read, {outcomes.count('migrated')} {'migrated' if written else 'to migrate'}, "
            f"{outcomes.count('unchanged')} already migrated, {outcomes.count('skipped')} skipped",
            f"values normalised: {self.count(Kind.NORMALISED)}",
            f"values empty or template placeholders: {self.count(Kind.EMPTY)}",
            f"values needing a human: {self.count(Kind.HUMAN)}",
            f"duplicate numbers found: {len(self.duplicates)}" + (f": {duplicates}" if duplicates else ""),
        ]


def discover(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """``(file, base)`` pairs: files as given (base = their folder), folders' ``NNNN-*`` proposals."""
    found: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            pairs = [(p, path) for p in sorted(path.iterdir()) if p.is_file() and _PROPOSAL_RE.match(p.name)]
        else:
            pairs = [(path, path.parent)]
        for file, base in pairs:
            if file.resolve() not in seen:  # a file named twice is migrated once
                seen.add(file.resolve())
                found.append((file, base))
    return found


def find_duplicates(names: Iterable[str]) -> dict[int, list[str]]:
    by_number: dict[int, list[str]] = {}
    for name in names:
        number = number_from_filename(name)
        if number is not None:
            by_number.setdefault(number, []).append(name)
    return {n: sorted(p) for n, p in by_number.items() if len(p) > 1}


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fsutil.atomic_write(path, text)


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def migrate_paths(paths: Sequence[Path], config: DepConfig) -> tuple[Summary, list[tuple[Path, Path]]]:
    summary = Summary()
    files = discover(paths)
    for path, _base in files:
        name = _display(path)
        try:
            data = path.read_bytes()
        except OSError as err:
            summary.errors.append(f"{escape.text(name)}: cannot read: {err.strerror}")
            continue
        text, problems = parsing.decode(data, name)
        if text is None:
            summary.errors += [p.format() for p in problems]
            continue
        # decode() folds CRLF; keep the file's own line ends by migrating the raw text
        raw = data.decode("utf-8-sig")
        migration = migrate_text(raw, name, config)
        migration.original = data
        summary.migrations.append(migration)
    summary.duplicates = find_duplicates(m.path for m in summary.migrations)
    for migration in summary.migrations:
        for number, names in summary.duplicates.items():
            if migration.path in names:
                others = ", ".join(n for n in names if n != migration.path)
                migration.decisions.append(
                    Decision(
                        Kind.HUMAN,
                        migration.path,
                        1,
                        "number",
                        f"{config.format_id(number)} is also the number of {others}; renumber one of them",
                    )
                )
    return summary, files


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``dep migrate``."""
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="legacy proposal files, or folders of NNNN-*.md proposals",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--in-place", action="store_true", help="rewrite the files themselves")
    where.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="write migrated copies into DIR (folders: with their other files, such as images)",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a file would change (for CI)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="with --output, replace files in DIR that differ from what would be written",
    )


def run(args: argparse.Namespace, out: object = None) -> int:
    """Migrate, print each file's decisions and the summary; the exit status.

    0: done (or, with ``--check``, nothing would change); 1: with ``--check``, some file
    would change, a file could not be read, or a write was refused; 2: bad arguments or
    settings. Writing (``--in-place``, ``--output``) holds the project lock from the first
    read to the last write; a file changed by something else meanwhile is not overwritten,
    nor is a file in ``--output`` that differs (without ``--force``); when a write fails,
    the files already written are put back.
    """
    stream = out or sys.stdout

    def say(text: str = "") -> None:
        print(escape.terminal(text), file=stream)  # type: ignore[arg-type]

    def complain(text: str) -> None:
        print(escape.terminal(f"dep migrate: {text}"), file=sys.stderr)

    # The settings: a DepConfig the caller resolved (``dep`` puts it in ``args.dep_config``),
    # else [tool.dep] of the nearest pyproject.toml. (``args.config`` may be ``dep``'s own
    # list of --config KEY=VALUE strings, so only a DepConfig there is taken.)
    config = next(
        (
            c
            for c in (getattr(args, "dep_config", None), getattr(args, "config", None))
            if isinstance(c, DepConfig)
        ),
        None,
    )
    if config is None:
        try:
            config = load(Path.cwd())
        except ConfigError as err:
            complain(str(err))
            return 2
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for path in missing:
            complain(f"{escape.text(path)}: no such file or folder")
        return 2
    if args.check and (args.in_place or args.output):
        complain("--check writes nothing; drop --in-place/--output")
        return 2
    if args.output is not None:
        clashes = [
            path
            for path, base in discover(args.paths)
            if (args.output / path.relative_to(base)).resolve() == path.resolve()
        ]
        if clashes:
            complain(
                f"--output {escape.text(args.output)} would overwrite {escape.text(clashes[0])}; "
                "use --in-place to rewrite files where they are"
            )
            return 2
    writing = bool(args.in_place or args.output is not None)
    lock = _project_lock(args, config) if writing else contextlib.nullcontext()
    try:
        with lock:
            # Read under the lock: what is written is computed from what is there now.
            summary, files = migrate_paths(args.paths, config)
            refused = _write(args, summary, files) if writing else []
    except (fsutil.LockError, _WriteFailed) as err:
        complain(str(err))
        return 2 if isinstance(err, fsutil.LockError) else 1
    would_change = 0
    for migration in summary.migrations:
        outcome = migration.outcome if writing or migration.outcome != "migrated" else "would be migrated"
        say(f"{escape.text(migration.path)}: {outcome}")
        for decision in migration.decisions:
            say(f"  {decision.format()}")
        if migration.changed:
            would_change += 1
    if refused:
        for line in refused:
            complain(line)
        complain("nothing written")
        return 1
    if args.output is not None:
        copied = _copy_assets(args.paths, args.output, {p.resolve() for p, _ in files})
        if copied:
            say(
                f"copied {copied} other file(s) (images and the like) into {escape.text(_display(args.output))}"
            )
    for error in summary.errors:
        say(error)
    say()
    for line in summary.lines(config, writing):
        say(line)
    if args.check:
        say(f"{would_change} file(s) would change" if would_change else "nothing to migrate")
        return 1 if would_change or summary.errors else 0
    if not writing:
        say("dry run: nothing written (use --in-place or --output DIR)")
    return 1 if summary.errors else 0


class _WriteFailed(Exception):
    """A write that failed; the files written before it were put back."""


def _project_lock(args: argparse.Namespace, config: DepConfig) -> contextlib.AbstractContextManager[None]:
    """The lock ``dep`` holds (given as ``args.project_lock``); run alone, the lock of the
    project in the current folder (its repository's, or its proposals folder's)."""
    given: Callable[[], contextlib.AbstractContextManager[None]] | None = getattr(args, "project_lock", None)
    if given is not None:
        return given()
    return _own_lock(Path.cwd(), config)


@contextlib.contextmanager
def _own_lock(root: Path, config: DepConfig) -> Iterator[None]:
    path = fsutil.lock_path_for(root, root / config.deps_dir)
    if path is None:
        yield
        return
    with fsutil.file_lock(path, timeout=120.0):
        yield


def _write(args: argparse.Namespace, summary: Summary, files: list[tuple[Path, Path]]) -> list[str]:
    """Write every migrated file, or nothing: the reasons it refused (``[]`` when written).

    ``--in-place`` writes over a file only while it still holds the bytes that were read;
    ``--output`` replaces a file of DIR that differs only with ``--force``. When a write
    fails, those already made are put back and ``_WriteFailed`` says why.
    """
    bases = {_display(path): (path, base) for path, base in files}
    planned: list[tuple[Path, str, bytes | None]] = []  # target, new text, bytes to put back
    refused: list[str] = []
    for migration in summary.migrations:
        path, base = bases[migration.path]
        if args.in_place:
            if not migration.changed:
                continue
            target = path
        else:
            target = args.output / path.relative_to(base)
        current = _read_bytes(target)
        if args.in_place and current != migration.original:
            refused.append(
                f"{escape.text(migration.path)} changed on disk while it was migrated; not written"
            )
            continue
        if not args.in_place and current is not None:
            if current == migration.new_text.encode("utf-8"):
                continue
            if not args.force:
                refused.append(
                    f"{escape.text(_display(target))} exists and differs; not overwritten (give --force)"
                )
                continue
        planned.append((target, migration.new_text, current))
    if refused:
        return refused
    done: list[tuple[Path, bytes | None]] = []
    for target, text, previous in planned:
        try:
            write_atomic(target, text)
        except OSError as err:
            for written, old in reversed(done):
                with contextlib.suppress(OSError):
                    if old is None:
                        written.unlink()
                    else:
                        fsutil.atomic_write(written, old)
            shown = escape.text(_display(target))
            raise _WriteFailed(f"{shown}: cannot write: {err.strerror or err}; nothing written") from None
        done.append((target, previous))
    return []


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return b""  # there, but unreadable: never equal to what was read or will be written


def _copy_assets(paths: Sequence[Path], output: Path, proposals: set[Path]) -> int:
    """Copy the other files of the folders given (images next to proposals) into ``output``."""
    copied = 0
    for folder in (p for p in paths if p.is_dir()):
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.resolve() in proposals or path.name.startswith("."):
                continue
            if path.parent == folder and path.suffix in {".md", ".rst"}:
                continue  # templates and other documents are not proposals
            target = output / path.relative_to(folder)
            if target.resolve() == path.resolve():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied += 1
    return copied


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dep migrate", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
