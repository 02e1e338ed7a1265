"""Editing a proposal's header in place: only the option lines of ``dep-meta`` change.

``dep status``, ``dep supersede``, ``dep number`` and ``dep new`` rewrite options through
:func:`set_options`, which finds the block with :func:`~.parsing.scan` and keeps every other
byte of the file as it was (line endings, a byte-order mark, indentation, other options,
the body). Sphinx-free.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import parsing
from .parsing import canonical_option
from .reader import OPTION_LINE_RE

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_BOM = "\ufeff"


class EditError(ValueError):
    """The header cannot be edited: no ``dep-meta``, or a value that cannot be written."""


def split_lines(text: str) -> list[str]:
    """Lines with their own endings (``\\n``, ``\\r\\n`` or ``\\r``), the way the parsers count them."""
    return _LINE_RE.findall(text)


def normalized(text: str) -> str:
    """The text the scanner reads: no byte-order mark, every line ending ``\\n``."""
    return text.removeprefix(_BOM).replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class OptionSpan:
    """One option of the header: the 0-based index of its first line and one past its last."""

    name: str  # as written
    start: int
    end: int

    @property
    def canonical(self) -> str:
        return canonical_option(self.name)


@dataclass
class MetaBlock:
    """Where the ``dep-meta`` header's options live in a file's lines."""

    line: int  # 1-based line of the directive
    first: int  # 0-based index where options start (the line after the directive)
    indent: str
    spans: list[OptionSpan]
    #: ``colon`` for ``:name: value`` lines, ``yaml`` for a ``---`` block of ``name: value`` lines.
    style: str = "colon"
    #: 0-based index of the closing ``---`` of a ``yaml`` block.
    close: int | None = None

    @property
    def end(self) -> int:
        """0-based index where a new option goes: after the last, or before a block's ``---``."""
        if self.close is not None:
            return self.close
        return self.spans[-1].end if self.spans else self.first


_YAML_KEY_RE = re.compile(r"^([A-Za-z0-9_][\w-]*):(?:\s|$)")


def _eol(line: str) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if line.endswith(ending):
            return ending
    return ""


def _leading(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def find_meta(text: str, path: str, myst: Any = None) -> MetaBlock:
    """The first ``dep-meta`` block of the file (the one the parser reads) and its option lines."""
    blocks = parsing.scan(normalized(text), path, myst).blocks_named("dep-meta")
    if not blocks:
        raise EditError(f"{path}: no dep-meta block to edit")
    block = blocks[0]
    lines = split_lines(text)
    first = block.line  # 0-based index of the line after the directive
    after = lines[first].rstrip("\r\n") if first < len(lines) else ""
    if path.endswith(".rst"):
        body = next((ln for ln in lines[first:] if ln.strip()), "")
        meta = _walk_colon(lines, first, _leading(body) or "   ")
    elif after.strip() == "---":
        meta = _walk_yaml(lines, first, _leading(after))
    else:
        # A fence inside a list or quote: options are indented like the first one.
        meta = _walk_colon(lines, first, _leading(after))
    meta.line = block.line
    # The scanner decides where the options end (MyST takes no indented continuation
    # lines, docutils does): nothing from the body's first line on is an option here.
    body_start = block.body_line - 1
    meta.spans = [s for s in meta.spans if s.start < body_start]
    for span in meta.spans:
        span.end = min(span.end, body_start) if meta.style == "colon" else span.end
    if sorted(block.option_lines) != sorted({s.name for s in meta.spans}):
        raise EditError(f"{path}:{block.line}: cannot locate the option lines of dep-meta")
    return meta


def _walk_colon(lines: list[str], first: int, indent: str) -> MetaBlock:
    spans: list[OptionSpan] = []
    index = first
    while index < len(lines):
        raw = lines[index].rstrip("\r\n")
        if not raw.startswith(indent):
            break
        dedented = raw[len(indent) :]
        match = OPTION_LINE_RE.match(dedented)
        if match:
            spans.append(OptionSpan(match["name"].strip(), index, index + 1))
        elif spans and dedented[:1] in (" ", "\t") and dedented.strip():
            spans[-1].end = index + 1  # a continuation line of the option above
        else:
            break
        index += 1
    return MetaBlock(0, first, indent, spans)


def _walk_yaml(lines: list[str], first: int, indent: str) -> MetaBlock:
    spans: list[OptionSpan] = []
    index = first + 1
    while index < len(lines):
        raw = lines[index].rstrip("\r\n")
        if raw.strip().startswith("---"):
            return MetaBlock(0, first + 1, indent, spans, "yaml", index)
        dedented = raw[len(indent) :] if raw.startswith(indent) else raw
        match = _YAML_KEY_RE.match(dedented)
        if match:
            spans.append(OptionSpan(match.group(1), index, index + 1))
        elif spans and (dedented[:1] in (" ", "\t") or not dedented.strip()):
            spans[-1].end = index + 1 if dedented.strip() else spans[-1].end
        index += 1
    return MetaBlock(0, first + 1, indent, spans, "yaml", None)


def get_option(text: str, path: str, name: str, myst: Any = None) -> str | None:
    """The value of one ``dep-meta`` option (any accepted spelling), or ``None`` when absent."""
    blocks = parsing.scan(normalized(text), path, myst).blocks_named("dep-meta")
    if not blocks:
        raise EditError(f"{path}: no dep-meta block")
    wanted = canonical_option(name)
    for option in blocks[0].option_list:
        if canonical_option(option.name) == wanted:
            return option.value or ""
    return None


def set_options(text: str, path: str, changes: Mapping[str, str | None], myst: Any = None) -> str:
    """``text`` with the ``dep-meta`` options in ``changes`` set (a string) or removed (``None``).

    Only the lines of the options named change; an option that is absent is added after
    the last option. Every other byte stays as it was. The result is read back: a value
    the parser would read differently (a ``#`` it takes for a comment) is written quoted.
    """
    for value in changes.values():
        if value is not None and ("\n" in value or "\r" in value):
            raise EditError("a header value must fit on one line")
    result = _rewrite(text, path, changes, quoted=set(), myst=myst)
    wrong = _misread(result, path, changes, myst)
    if wrong:
        result = _rewrite(text, path, changes, quoted=wrong, myst=myst)
        still = _misread(result, path, changes, myst)
        if still:
            name = sorted(still)[0]
            raise EditError(
                f"{path}: could not set :{name}: (read back {get_option(result, path, name, myst)!r})"
            )
    return result


def _rewrite(
    text: str, path: str, changes: Mapping[str, str | None], quoted: set[str], myst: Any = None
) -> str:
    meta = find_meta(text, path, myst)
    lines = split_lines(text)
    # Edits as (start, end, replacement lines), applied bottom-up so indices stay valid.
    edits: list[tuple[int, int, list[str]]] = []
    additions: list[str] = []
    for name, value in changes.items():
        wanted = canonical_option(name)
        matching = [s for s in meta.spans if s.canonical == wanted]
        if matching:
            # The first occurrence is the one read; a repeat (reported by the rules) goes.
            span = matching[0]
            eol = _eol(lines[span.end - 1]) or _eol(lines[span.start])
            replacement = [] if value is None else [_option_line(meta, span.name, value, eol, name in quoted)]
            edits.append((span.start, span.end, replacement))
            edits += [(repeat.start, repeat.end, []) for repeat in matching[1:]]
        elif value is not None:
            additions.append(_option_line(meta, name, value, "", name in quoted))
    if additions:
        at = meta.end
        previous = lines[at - 1] if at > 0 else ""
        eol = _eol(previous) or "\n"
        if at > 0 and not _eol(previous):
            edits.append((at - 1, at, [previous + eol]))
        edits.append((at, at, [line + eol for line in additions]))
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[start:end] = replacement
    return "".join(lines)


def _option_line(meta: MetaBlock, name: str, value: str, eol: str, quoted: bool) -> str:
    value = value.strip()
    if quoted:
        value = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    key = f"{name}:" if meta.style == "yaml" else f":{name}:"
    return f"{meta.indent}{key} {value}{eol}" if value else f"{meta.indent}{key}{eol}"


def _misread(text: str, path: str, changes: Mapping[str, str | None], myst: Any = None) -> set[str]:
    """The options that do not read back as exactly what was asked."""
    wrong = set()
    for name, value in changes.items():
        expected = None if value is None else value.strip()
        if get_option(text, path, name, myst) != expected:
            wrong.add(name)
    return wrong


def add_to_list(current: str | None, item: str) -> str:
    """A comma-separated option value with ``item`` appended (an empty or N/A value is replaced)."""
    if parsing.is_empty(current):
        return item
    assert current is not None
    return f"{current.strip()}, {item}"


def set_title(text: str, path: str, title: str, myst: Any = None) -> str:
    """``text`` with its first level-1 heading (a Markdown ``# ...`` line) replaced by ``title``."""
    scanned = parsing.scan(normalized(text), path, myst)
    heading = scanned.title
    lines = split_lines(text)
    if heading is None or path.endswith(".rst") or not lines[heading.line - 1].lstrip(_BOM).startswith("#"):
        raise EditError(f"{path}: no '# Title' heading to fill in")
    index = heading.line - 1
    bom = _BOM if index == 0 and lines[0].startswith(_BOM) else ""
    lines[index] = f"{bom}# {title}{_eol(lines[index]) or chr(10)}"
    return "".join(lines)
