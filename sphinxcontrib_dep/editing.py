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

from . import parsing
from .parsing import canonical_option

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_OPTION_RE = re.compile(r"^:([^:\s][^:]*?):(?:\s+(.*))?$")
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

    @property
    def end(self) -> int:
        """0-based index one past the last option line (where a new option goes)."""
        return self.spans[-1].end if self.spans else self.first


def _eol(line: str) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if line.endswith(ending):
            return ending
    return ""


def find_meta(text: str, path: str) -> MetaBlock:
    """The first ``dep-meta`` block of the file (the one the parser reads) and its option lines."""
    blocks = parsing.scan(normalized(text), path).blocks_named("dep-meta")
    if not blocks:
        raise EditError(f"{path}: no dep-meta block to edit")
    block = blocks[0]
    lines = split_lines(text)
    first = block.line  # 0-based index of the line after the directive
    indent = ""
    if path.endswith(".rst"):
        body = next((ln for ln in lines[first:] if ln.strip()), "")
        indent = body[: len(body) - len(body.lstrip())] or "   "
    elif first < len(lines):
        # A fence inside a list or quote: options are indented like the first one.
        candidate = lines[first]
        indent = candidate[: len(candidate) - len(candidate.lstrip(" \t"))]
    spans: list[OptionSpan] = []
    index = first
    while index < len(lines):
        raw = lines[index].rstrip("\r\n")
        if not raw.startswith(indent):
            break
        dedented = raw[len(indent) :]
        match = _OPTION_RE.match(dedented)
        if match:
            spans.append(OptionSpan(match.group(1).strip(), index, index + 1))
        elif spans and dedented[:1] in (" ", "\t") and dedented.strip():
            spans[-1].end = index + 1  # a continuation line of the option above
        else:
            break
        index += 1
    # The scanner's last occurrence of a repeated option is the one that counts.
    if sorted(block.option_lines) != sorted({s.name for s in spans}):
        raise EditError(f"{path}:{block.line}: cannot locate the option lines of dep-meta")
    return MetaBlock(block.line, first, indent, spans)


def get_option(text: str, path: str, name: str) -> str | None:
    """The value of one ``dep-meta`` option (any accepted spelling), or ``None`` when absent."""
    blocks = parsing.scan(normalized(text), path).blocks_named("dep-meta")
    if not blocks:
        raise EditError(f"{path}: no dep-meta block")
    wanted = canonical_option(name)
    value = None
    for option, option_value in blocks[0].options.items():
        if canonical_option(option) == wanted:
            value = option_value or ""
    return value


def set_options(text: str, path: str, changes: Mapping[str, str | None]) -> str:
    """``text`` with the ``dep-meta`` options in ``changes`` set (a string) or removed (``None``).

    Only the lines of the options named change; an option that is absent is added after
    the last option. Every other byte stays as it was.
    """
    meta = find_meta(text, path)
    lines = split_lines(text)
    # Edits as (start, end, replacement lines), applied bottom-up so indices stay valid.
    edits: list[tuple[int, int, list[str]]] = []
    additions: list[str] = []
    for name, value in changes.items():
        if value is not None and ("\n" in value or "\r" in value):
            raise EditError(f":{name}: a header value must fit on one line")
        wanted = canonical_option(name)
        matching = [s for s in meta.spans if s.canonical == wanted]
        if matching:
            span = matching[-1]
            eol = _eol(lines[span.end - 1]) or _eol(lines[span.start])
            replacement = [] if value is None else [_option_line(meta.indent, span.name, value, eol)]
            edits.append((span.start, span.end, replacement))
        elif value is not None:
            additions.append(_option_line(meta.indent, name, value, ""))
    if additions:
        at = meta.end
        previous = lines[at - 1] if at > 0 else ""
        eol = _eol(previous) or "\n"
        if at > 0 and not _eol(previous):
            edits.append((at - 1, at, [previous + eol]))
        edits.append((at, at, [line + eol for line in additions]))
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[start:end] = replacement
    result = "".join(lines)
    _verify(result, path, changes)
    return result


def _option_line(indent: str, name: str, value: str, eol: str) -> str:
    value = value.strip()
    return f"{indent}:{name}: {value}{eol}" if value else f"{indent}:{name}:{eol}"


def _verify(text: str, path: str, changes: Mapping[str, str | None]) -> None:
    """Read the result back: each option must now hold exactly what was asked."""
    for name, value in changes.items():
        found = get_option(text, path, name)
        expected = None if value is None else value.strip()
        if found != expected:
            raise EditError(f"{path}: could not set :{name}: (read back {found!r})")


def add_to_list(current: str | None, item: str) -> str:
    """A comma-separated option value with ``item`` appended (an empty or N/A value is replaced)."""
    if parsing.is_empty(current):
        return item
    assert current is not None
    return f"{current.strip()}, {item}"


def set_title(text: str, path: str, title: str) -> str:
    """``text`` with its first level-1 heading (a Markdown ``# ...`` line) replaced by ``title``."""
    scanned = parsing.scan(normalized(text), path)
    heading = scanned.title
    lines = split_lines(text)
    if heading is None or path.endswith(".rst") or not lines[heading.line - 1].lstrip(_BOM).startswith("#"):
        raise EditError(f"{path}: no '# Title' heading to fill in")
    index = heading.line - 1
    bom = _BOM if index == 0 and lines[0].startswith(_BOM) else ""
    lines[index] = f"{bom}# {title}{_eol(lines[index]) or chr(10)}"
    return "".join(lines)
