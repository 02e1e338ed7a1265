"""Finding a legacy header: bold lines, ``## Key`` headings, lists and tables under the title."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core import parsing
from ..core.model import (
    normalize_key,
)
from .fields import FIELD_ALIASES

_BULLET = r"(?:[-*+]\s+)?"


# **Name**: value / **Name:** value / **Name** : value / __Name__: value. The name may hold
# a colon of its own (**Target: Release**: 1.2): the colon that counts is the one at the
# end of the bold text, or right after it.
# A qualifier may follow the bold name: **Replaces** (partially): <url>.
_BOLD_FIELD_RE = re.compile(
    rf"^\s{{0,3}}{_BULLET}(\*\*|__)\s*(?P<name>[^*_:\s][^*\n]*?)\s*(?P<inside>:?)\s*\1"
    r"(?:\s*(?P<qualifier>\([^()\n]{1,30}\)))?\s*(?P<outside>:?)\s*(?P<value>.*)$"
)


# **Status: Draft** (the whole field in bold; only a known field name is read so)
_WHOLE_BOLD_FIELD_RE = re.compile(
    rf"^\s{{0,3}}{_BULLET}(\*\*|__)\s*(?P<name>[^*:\s][^*:\n]*?)\s*:\s*(?P<value>[^*\n]*?)\s*\1\s*$"
)


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


_BLANKS_RE = re.compile(r"\s{2,}")


def _squeeze(line: str) -> str:
    """``line`` with every run of blanks after its indentation written as one space.

    The field patterns have blanks on both sides of a name, a colon and a value: a long
    run could be split between them in many ways (a line of 50,000 spaces inside a bold
    name hung ``dep migrate``). Names and values are read with their blanks folded anyway.
    """
    body = line.lstrip()
    indent = line[: len(line) - len(body)]
    return indent + _BLANKS_RE.sub(" ", body)


def _match_field(line: str) -> tuple[str, str, str] | None:
    """``(form, name, value)`` of a header line, or ``None``. Forms: bold, plain, heading, table."""
    line = _squeeze(line)
    match = _TABLE_ROW_RE.match(line)
    if match:
        name = _unwrap(match.group("name")).rstrip(":").strip()
        return "table", name, match.group("value").replace("\\|", "|")
    match = _BOLD_FIELD_RE.match(line)
    if match and (match.group("inside") or match.group("outside")):
        if match.group("qualifier") and not match.group("outside"):
            return None  # **Name:** (text) goes on: prose
        qualifier = f" {match.group('qualifier')}" if match.group("qualifier") else ""
        return "bold", match.group("name").strip() + qualifier, match.group("value")
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
    match = _LOOSE_FIELD_RE.match(_squeeze(line.rstrip("\r\n")))
    if match and _field_key(match.group("name"))[0] is not None:
        return match.group("name").strip()
    return None


def _left_behind(lines: list[str], start: int, stop: int) -> list[tuple[int, str, str]]:
    """Lines from ``start`` (up to ``stop``) that look like header fields: ``(1-based line,
    name, text)``. Up to the first heading, any field-like line counts; below it, in the
    sections, only a line that is a known field in bold with a short value
    (``**Review Date**: 2025-01-01``), as prose rarely is. The contents of fenced code
    blocks are not looked at."""
    found: list[tuple[int, str, str]] = []
    fence: str | None = None
    in_sections = False
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
            in_sections = True
            continue
        if in_sections:
            field = _match_field(line)
            if (
                field is None
                or field[0] != "bold"
                or not line.lstrip().startswith(("**", "__"))  # a list item's lead-in is prose
                or len(field[2].strip()) > _MAX_UNKNOWN_VALUE  # so is a sentence after it
                or _field_key(field[1])[0] is None
            ):
                continue
            name: str | None = field[1]
        else:
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


def _unwrap(text: str) -> str:
    """Text without surrounding emphasis or code marks: ``**Approved**`` -> ``Approved``."""
    text = text.strip()
    while len(text) > 2 and text[0] == text[-1] and text[0] in "*_`":
        text = text[1:-1].strip()
    return text
