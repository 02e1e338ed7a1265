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
    bad = re.search(r"[<>\"`{}|\\^]", url)
    if bad is not None:
        return f"holds {bad.group(0)!r}, which no URL holds (write it percent-encoded)"
    if "@" in match.group(1):
        return "carries a user name or password"
    return None
