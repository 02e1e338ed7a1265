"""Raw HTML and links in proposals: which are harmless, and why the others are not.

Proposals arrive as pull requests, so a proposal's own HTML (MyST passes ``<tags>`` through,
``raw`` directives too) is judged before it reaches the site: a fragment is kept only when
every tag and attribute is on a short allowlist and every link is http(s), mailto or
relative. Anything else is shown as text with a warning. The check is an allowlist over
what Python's HTML parser sees, so markup it cannot read is refused, not guessed at.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .diagnostics import Code, Diagnostic

# fmt: off
#: Tags a proposal may use as raw HTML: text formatting, tables, images, details.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "big", "blockquote", "br", "caption", "center", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture",
    "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr",
})

#: Attributes those tags may carry. No ``on*`` handlers, ``style``, ``id`` or ``name``
#: (the last two could shadow the page's own elements and scripts).
ALLOWED_ATTRIBUTES = frozenset({
    "abbr", "align", "alt", "border", "cite", "colspan", "dir", "headers", "height", "href", "hspace",
    "lang", "open", "rowspan", "scope", "span", "src", "start", "summary", "title", "valign", "vspace",
    "width",
})
# fmt: on

_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
# Browsers drop these anywhere in a URL before reading its scheme (``java\tscript:``).
_URL_NOISE_RE = re.compile(r"[\t\n\r]")


def unsafe_url(url: str) -> str | None:
    """Why ``url`` may not be a link target (``None`` if it is http(s), mailto or relative)."""
    cleaned = _URL_NOISE_RE.sub("", url).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
        "\x1c\x1d\x1e\x1f "
    )
    match = _SCHEME_RE.match(cleaned)
    if match and match.group(1).lower() not in _SAFE_SCHEMES:
        return f"link {url[:40]!r} is not http(s), mailto or relative"
    if cleaned.startswith(("//", "\\\\", "/\\", "\\/")):
        return f"link {url[:40]!r} leaves the site without a scheme"
    return None


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problem: str | None = None

    def _refuse(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self._refuse(f"tag <{tag}> is not allowed")
            return
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES:
                self._refuse(f"attribute {name!r} on <{tag}> is not allowed")
            elif name in _URL_ATTRIBUTES and value is not None and (reason := unsafe_url(value)):
                self._refuse(reason)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self._refuse(f"tag </{tag}> is not allowed")

    def handle_decl(self, decl: str) -> None:
        self._refuse("declarations are not allowed")

    def unknown_decl(self, data: str) -> None:
        self._refuse("declarations are not allowed")

    def handle_pi(self, data: str) -> None:
        self._refuse("processing instructions are not allowed")


def unsafe_html(fragment: str) -> str | None:
    """Why the raw HTML ``fragment`` may not be put on a page as it is; ``None`` if it may."""
    checker = _Checker()
    try:
        checker.feed(fragment)
    except Exception:  # the parser's own errors on hostile input: refuse, never crash
        return "HTML that cannot be read"
    if checker.problem is None and "<" in checker.rawdata:
        # Left unparsed: an unfinished tag a browser might still read.
        return "HTML that cannot be read (an unfinished tag)"
    return checker.problem


#: Directives whose body MyST parses as Markdown again (admonitions, figures, ...); code-like
#: ones keep their body as text and are skipped.
_LITERAL_DIRECTIVES = frozenset(
    {
        "code",
        "code-block",
        "sourcecode",
        "code-cell",
        "literalinclude",
        "math",
        "mermaid",
        "graphviz",
        "csv-table",
        "list-table",
        "toctree",
        "include",
    }
)


def raw_html_findings(text: str, path: str) -> list[tuple[int, str]]:
    """Every raw HTML fragment of a proposal, with the line Sphinx gives it.

    MyST: ``html_block`` at its first line, inline HTML at its paragraph's first line,
    ``{raw} html`` directives, and HTML inside directives whose body is Markdown.
    reStructuredText: ``.. raw:: html`` blocks.
    """
    from . import parsing

    if path.endswith(".rst"):
        blocks = parsing.scan_rst(text, path, names=("raw",)).blocks
        return [
            (b.line, "\n".join(b.body)) for b in blocks if b.name == "raw" and "html" in b.argument.split()
        ]
    return _markdown_html(text, 0, None)


def _markdown_html(text: str, offset: int, first: int | None) -> list[tuple[int, str]]:
    """HTML in ``text``, whose line 1 is line ``offset + 1`` of the file.

    ``first``: in a directive's body MyST places what starts on the body's first line at
    the directive's own line; the same is done here so both report one line.
    """
    from . import parsing

    found: list[tuple[int, str]] = []
    tokens = parsing.markdown_tokens(text, inline=False)
    for token in tokens:
        if not token.map:
            continue
        line = first if first is not None and token.map[0] == 0 else token.map[0] + 1 + offset
        if token.type == "html_block":
            found.append((line, token.content))
        elif token.type == "inline":
            if "<" not in token.content:
                continue  # every inline HTML tag starts with ``<``: no need to parse the inline markup
            children = parsing.inline_children(text, token)
            found += [(line, child.content) for child in children if child.type == "html_inline"]
        elif token.type in {"fence", "colon_fence"}:
            match = parsing._DIRECTIVE_INFO_RE.match(token.info.strip())
            if not match or match.group(1) in _LITERAL_DIRECTIVES or match.group(1).startswith("dep-"):
                continue
            body = token.content.splitlines()
            _, _, used, _ = parsing.split_myst_options(body, line + 1)
            content = "\n".join(body[used:])
            if match.group(1) == "raw":
                # docutils places a raw node at its directive's line.
                if "html" in match.group(2).split() and content.strip():
                    found.append((line, content.strip("\n")))
            else:
                found += _markdown_html(content, token.map[0] + 1 + offset + used, line)
    return found


def raw_html_diagnostics(text: str, path: str, mode: str) -> list[Diagnostic]:
    """``dep lint``'s view of :func:`raw_html_findings`: the same warnings Sphinx gives."""
    found = []
    for line, fragment in raw_html_findings(text, path):
        reason = raw_html_problem(fragment, mode)
        if reason is not None:
            found.append(Diagnostic(Code.RAW_HTML, RAW_HTML_MESSAGE.format(reason=reason), path, line))
    return found


RAW_HTML_MESSAGE = "raw HTML shown as text: {reason}"


def raw_html_problem(fragment: str, mode: str) -> str | None:
    """Why raw HTML is shown as text under ``dep_raw_html = mode``; ``None`` when it is kept."""
    if mode == "all":
        return None
    if mode == "none":
        return "raw HTML is off (dep_raw_html = 'none')"
    return unsafe_html(fragment)


_HEADER_URL_RE = re.compile(r"^https?://([^\s/?#]+)", re.I)
_INVISIBLE_URL_RE = re.compile("[\x00-\x20\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def header_url_problem(url: str) -> str | None:
    """Why ``url`` may not be a header's link (``None``: an absolute http(s) URL with a host)."""
    found = _INVISIBLE_URL_RE.search(url)
    if found is not None:
        return f"holds the character U+{ord(found.group(0)):04X}"
    match = _HEADER_URL_RE.match(url)
    if match is None:
        return "is not an http(s) URL"
    if "@" in match.group(1):
        return "carries a user name or password"
    return None
