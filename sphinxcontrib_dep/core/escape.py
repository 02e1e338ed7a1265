"""Escaping per output format: text lines, the terminal, CSV, Markdown, JSON, GitHub annotations.

Every value the ``dep`` command prints or writes that came from a proposal or a person
(a file name, a title, an author, a status word it could not read) goes through one of
these before it reaches its format, so no value can forge a line, drive the terminal,
become a spreadsheet formula, raw HTML or a link, or break out of a JSON string.
Sphinx-free; the functions are pure.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

# --------------------------------------------------------------------------------------
# Text lines and the terminal
# --------------------------------------------------------------------------------------


def _visible(char: str) -> bool:
    """A character that shows as itself: printable, or a space of some width.

    Everything else is escaped: line breaks and tabs, ESC and the other C0 and C1 controls
    (so no CSI, OSC or 8-bit CSI sequence), DEL, bidirectional overrides and isolates and
    the other format characters (``Cf``), line and paragraph separators, surrogates,
    private-use and unassigned code points.
    """
    return char.isprintable() or unicodedata.category(char) == "Zs"


def _escaped(char: str) -> str:
    return ascii(char)[1:-1]  # \n, \t, \x1b, \x9b, \u202e, \U000e0001


def text(value: object) -> str:
    """One value for line-oriented output: every character that is not visible, escaped.

    The result holds no line break, tab or control character, so it cannot start a line
    of its own, split a tab-separated row, or send the terminal a command.
    """
    value = str(value)
    if all(_visible(char) for char in value):
        return value
    return "".join(char if _visible(char) else _escaped(char) for char in value)


#: Colour sequences the ``dep`` console writes itself: SGR with the codes of its palette.
_OWN_SGR = re.compile(r"\x1b\[(?:(?:0|1|2|3[1-6])(?:;(?:0|1|2|3[1-6]))*)?m")


def terminal(output: str, *, keep_colour: bool = False) -> str:
    """Text about to reach a terminal (or a log): line breaks and tabs kept, every other
    character that is not visible escaped.

    This is the last line of defence, applied to everything the console writes; values
    are escaped with :func:`text` where they are formatted. With ``keep_colour`` the
    console's own colour sequences (SGR with the codes it uses) pass; nothing else does.
    """
    if all(_visible(char) or char in "\n\t" for char in output):
        return output
    kept = _OWN_SGR.findall(output) if keep_colour else []
    parts = _OWN_SGR.split(output) if keep_colour else [output]
    escaped = ["".join(c if _visible(c) or c in "\n\t" else _escaped(c) for c in part) for part in parts]
    result = escaped[0]
    for sequence, part in zip(kept, escaped[1:], strict=True):
        result += sequence + part
    return result


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------

#: A cell a spreadsheet may read as a formula or a command begins with one of these
#: (OWASP, CSV injection), also after leading spaces; the fullwidth forms are read alike.
_FORMULA_START = (*"=+-@\t\r\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: object) -> str:
    """A CSV cell: escaped as :func:`text`, and a leading formula character neutralised
    with a ``'`` in front (the OWASP rule), so a spreadsheet shows it as text."""
    raw = str(value)
    if raw.lstrip(" ").startswith(_FORMULA_START):
        return "'" + text(raw)
    return text(raw)


# --------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------

#: Characters that start Markdown markup inside a line (emphasis, code, links and images,
#: table cells, headings, strikethrough); each is written with a backslash before it.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|#~!])")


def markdown(value: object) -> str:
    """Text for a Markdown table cell or heading: shown as written, never as markup.

    ``&``, ``<`` and ``>`` become entities (no raw HTML, no autolink ``<javascript:...>``),
    the punctuation of emphasis, code, links, images and table cells is backslash-escaped,
    a word joiner (``&#8288;``) follows every ``@`` before a word, ``#`` before a digit, ``:``
    before ``//`` and leading ``www.`` (no
    GitHub mention, team ping, issue reference or autolink: only a ``@handle`` the caller
    writes itself, outside this function, mentions anyone), and line breaks and control characters are escaped as :func:`text` does, so a value
    stays in its cell of its row.
    """
    escaped = text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _GITHUB_REFERENCE.sub(_inert, _MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped))


#: What GitHub turns into a mention, a reference or a link in plain text, after Markdown
#: (so a backslash does not stop it): ``@user``, ``@org/team``, ``x@y.z``, ``#1``,
#: ``https://...`` and ``www.x`` (extended autolinks).
_GITHUB_REFERENCE = re.compile(r"@(?=[\w-])|#(?=\d)|:(?=//)|(?<![\w.-])www(?=\.)", re.IGNORECASE)

#: U+2060 WORD JOINER, written as an entity (the output stays visible ASCII; GitHub decodes
#: it before looking for mentions and links): invisible, and not a word character, so what
#: follows no longer continues the mention, reference or link.
WORD_JOINER = "&#8288;"


def _inert(match: re.Match[str]) -> str:
    return match.group(0) + WORD_JOINER


def is_web_url(url: str) -> bool:
    """An absolute ``http``/``https`` URL with a host and nothing that is not visible."""
    if not url or any(not char.isprintable() or char.isspace() for char in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def markdown_link(label: str, url: str) -> str:
    """``[label](url)`` for an http(s) URL; any other link is written as text, not a link."""
    if not is_web_url(url):
        return markdown(f"{label} ({url})" if label and label != url else url)
    # The destination in angle brackets, with the characters that could end it encoded.
    destination = url.replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C")
    return f"[{markdown(label or url)}](<{destination}>)"


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------

_NOT_VISIBLE = re.compile(r"[^\n ]")


def _json_escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if _visible(char):
        return char
    code = ord(char)
    if code > 0xFFFF:  # a UTF-16 surrogate pair, as JSON writes characters past the BMP
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_dumps(data: Any, *, indent: int | None = 2) -> str:
    """JSON with non-ASCII text kept readable, and every character that is not visible
    written as a ``\\uXXXX`` escape (JSON escapes only C0 controls on its own): the document
    reads back as the same data, and printed to a terminal it sends no control sequence."""
    dumped = json.dumps(data, indent=indent, ensure_ascii=False)
    if all(_visible(char) or char == "\n" for char in dumped):
        return dumped
    return _NOT_VISIBLE.sub(_json_escape, dumped)


# --------------------------------------------------------------------------------------
# GitHub Actions workflow commands
# --------------------------------------------------------------------------------------


def github_data(value: str) -> str:
    """The message of a workflow command (``::error ...::MESSAGE``), as GitHub escapes it."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(value: str) -> str:
    """A property of a workflow command (``file=``, ``title=``): also ``:`` and ``,``."""
    return github_data(value).replace(":", "%3A").replace(",", "%2C")
