"""Raw HTML and links in proposals: which are harmless, and why the others are not.

Proposals arrive as pull requests, so the HTML a proposal writes (MyST passes ``<tags>``
through, and both parsers have a ``raw`` directive) and the links it makes are judged here,
in one place, for ``dep lint`` and ``sphinx-build`` alike.

HTML is read as a browser reads it: by html5lib's implementation of the WHATWG HTML
tokenizer, never by a hand-written approximation. A fragment is kept only when

- every tag and attribute is on a short allowlist, and every URL attribute is http(s),
  mailto or relative (:func:`unsafe_url`), judged after character references are decoded
  as a browser decodes them (``jav&#x61;script:`` is ``javascript:``); and
- the tokenizer meets no parse error that changes where markup starts or ends (a comment a
  browser ends early, ``<?``, ``<!x`` or ``</ x`` read as a comment, CDATA, an attribute given
  twice, a control character) and finishes in its data state.

The last rule is there because fragments are written into the page one by one, each next to
text the build escaped: a fragment harmless alone that ends inside a tag, an attribute value
or a comment (``<img src=x alt='``) would make a browser read the page's following text as
markup. Whatever is not kept is shown as text, with a warning.

Links are read as the WHATWG URL standard reads a scheme (:func:`url_scheme`): body links
may be http(s), mailto or relative (:func:`unsafe_url`); header fields need an absolute
http(s) URL that every reader parses alike (:func:`header_url_problem`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

# fmt: off
#: Tags a proposal may use as raw HTML: text formatting, tables, images, details. None of
#: them switches the tokenizer out of its data state (as ``<textarea>``, ``<noscript>``,
#: ``<script>``, ``<svg>`` or ``<math>`` would), so the tokenizer's reading is the page's.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "big", "blockquote", "br", "caption", "center", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture",
    "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr",
})

#: Attributes those tags may carry. No ``on*`` handlers, ``style``, ``id`` or ``name``
#: (the last two could shadow the page's own elements and scripts), nor ``srcset``,
#: ``formaction``, ``xlink:href`` or any other way to a URL but the three below.
ALLOWED_ATTRIBUTES = frozenset({
    "abbr", "align", "alt", "border", "cite", "colspan", "dir", "headers", "height", "href", "hspace",
    "lang", "open", "rowspan", "scope", "span", "src", "start", "summary", "title", "valign", "vspace",
    "width",
})
# fmt: on

_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})

# --------------------------------------------------------------------------------------
# URLs
# --------------------------------------------------------------------------------------

_BODY_SCHEMES = frozenset({"http", "https", "mailto"})
_HEADER_SCHEMES = frozenset({"http", "https"})
#: What the URL standard strips from both ends of a URL: C0 controls and space.
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
#: What it then removes from anywhere in it.
_TAB_OR_NEWLINE_RE = re.compile(r"[\t\n\r]")
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+\-.]*):")
#: C0 controls but the tab and line breaks a browser drops, DEL, and C1 controls.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Characters that make a URL look like another: bidirectional controls, which reorder
#: what is shown, and invisible ones (zero-width space and joiners, word joiner, BOM).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
#: What the URL standard forbids in a host name (forbidden domain code points), besides
#: controls and white space, which are refused before.
_FORBIDDEN_HOST_RE = re.compile(r"[#%/:<>?@\[\\\]^|]")


def _as_browser_reads(url: str) -> str:
    """``url`` after the URL standard's clean-up: ends stripped, tabs and newlines removed."""
    return _TAB_OR_NEWLINE_RE.sub("", url.strip(_C0_AND_SPACE))


def url_scheme(url: str) -> str | None:
    """The scheme a browser reads in ``url``, in lower case; ``None`` when it reads none.

    As the WHATWG URL standard: C0 controls and spaces are stripped from both ends, every
    ASCII tab and newline is removed, and the scheme is an ASCII letter followed by ASCII
    letters, digits, ``+``, ``-`` or ``.``, ended by ``:``. Anything else before the first
    ``:`` (``java script:``, a non-ASCII letter, ``1x:``) leaves a relative URL, which is
    what a browser makes of it too. Character references are not decoded here: an HTML
    reader does that first.
    """
    match = _SCHEME_RE.match(_as_browser_reads(url))
    return match.group(1).lower() if match else None


def unsafe_url(url: str) -> str | None:
    """Why ``url`` may not be a link or image in a proposal's body; ``None`` if it may.

    Kept: http, https and mailto URLs, and relative URLs that stay on the site (``#x``,
    ``0002-y.html``, ``../img.png``). Refused: every other scheme as a browser reads it
    (:func:`url_scheme`: ``javascript:``, ``JaVa\\tScRiPt:``, ``\\x01javascript:``,
    ``data:``, ``vbscript:``, ``file:``), a URL without a scheme that leaves the site
    (``//host``, ``/\\host``, ``\\\\host``: a browser reads a backslash as a slash), and
    control characters other than the tab and line breaks a browser drops.

    The answer is a whole sentence: ``link 'javascript:x' is not http(s), mailto or relative``.
    """
    shown = repr(url[:40])
    if _CONTROL_RE.search(url):
        return f"link {shown} holds a control character"
    scheme = url_scheme(url)
    if scheme is not None and scheme not in _BODY_SCHEMES:
        return f"link {shown} is not http(s), mailto or relative"
    if scheme is None and _as_browser_reads(url)[:2] in {"//", "\\\\", "/\\", "\\/"}:
        return f"link {shown} leaves the site without a scheme"
    return None


def header_url_problem(url: str) -> str | None:
    """Why ``url`` may not be a link in a proposal's header; ``None`` if it may.

    A header link (``:implementation:``, ``:pull-request:``, a person's page, ...) goes to
    every view and into ``deps.json`` and ``needs.json`` for other tools, so it must be an
    absolute ``http://`` or ``https://`` URL with a host that every reader parses alike:

    - no white space, no control character (C0, DEL, C1, NUL), no bidirectional control
      (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) and no invisible character
      (zero-width space and joiners, U+2060, U+FEFF): they make a URL look like another;
    - no user name or password (``https://good.example:x@evil.example/``);
    - no backslash (a browser reads it as ``/``, other URL parsers do not, so they would
      disagree on the host), and none of ``" < > ` { } | ^``, which no URL holds unencoded
      (a browser would encode them; a value holding them is markup, not a link);
    - a host a browser accepts, and a port, if any, that is a number up to 65535.

    The value is checked as it is: callers strip the ``<...>`` or blanks around a value.
    The answer reads after the URL: ``f"{url!r} {problem}"``, as in
    ``'javascript:x' is not an http(s) URL``.
    """
    for char in url:
        if (char.isspace() and not _CONTROL_RE.match(char)) or char in "\t\n\r":
            return "holds white space"
        if _CONTROL_RE.match(char):
            return f"holds the control character U+{ord(char):04X}"
        if char in _BIDI:
            return f"holds the bidirectional control U+{ord(char):04X}"
        if char in _INVISIBLE:
            return f"holds the invisible character U+{ord(char):04X}"
    scheme = url_scheme(url)
    if scheme not in _HEADER_SCHEMES or url[len(scheme) + 1 : len(scheme) + 3] != "//":
        return "is not an http(s) URL"
    if "\\" in url:
        return "holds a backslash (browsers read it as '/', other tools do not)"
    if bad := re.search(r"[\"<>`{}|^]", url):
        return f"holds {bad.group(0)!r}, which a URL holds only percent-encoded"
    authority = re.split(r"[/?#]", url[len(scheme) + 3 :], maxsplit=1)[0]
    if "@" in authority:
        return "holds a user name or password"
    host, port = authority, ""
    if match := re.fullmatch(r"(\[[0-9A-Fa-f:.]+\])(?::(.*))?", authority):
        host, port = match.group(1), match.group(2) or ""
    elif ":" in authority:
        host, _, port = authority.rpartition(":")
    if not host:
        return "has no host"
    if not host.startswith("[") and _FORBIDDEN_HOST_RE.search(host):
        return "has a host that is not a host name"
    if port and not (port.isascii() and port.isdigit() and int(port) <= 65535):
        return "has a port that is not a number up to 65535"
    return None


# --------------------------------------------------------------------------------------
# Raw HTML
# --------------------------------------------------------------------------------------

#: Parse errors after which a browser reads what follows exactly as if the markup were
#: right: a ``<`` that starts no tag is text (``a < b``, ``<>``); a character reference
#: without its ``;``, or unknown, or out of range, stays text (decoded as a browser
#: decodes it, and in a URL judged after that); a quote or ``=`` inside an unquoted
#: attribute value is part of the value, which is judged. A ``<`` at the very end is not
#: harmless: the page's next text would be read as a tag (the end-state rule refuses it).
_HARMLESS_ERRORS = frozenset(
    {
        "expected-tag-name",
        "expected-tag-name-but-got-right-bracket",
        "expected-named-entity",
        "named-entity-without-semicolon",
        "expected-numeric-entity",
        "numeric-entity-without-semicolon",
        "illegal-codepoint-for-numeric-entity",
        "equals-in-unquoted-attribute-value",
        "unexpected-character-in-unquoted-attribute-value",
    }
)

#: Why the other parse errors are refused, for the ones a proposal author may meet.
_ERROR_REASONS = {
    "incorrect-comment": "a comment a browser ends at once ('<!-->' or '<!--->')",
    "unexpected-bang-after-double-dash-in-comment": "a comment a browser ends at '--!>'",
    "unexpected-char-in-comment": "'--' inside a comment (readers disagree on where it ends)",
    "unexpected-dash-after-double-dash-in-comment": "'--' inside a comment (readers disagree on where it ends)",
    "expected-dashes-or-doctype": "declarations are not allowed",
    "expected-tag-name-but-got-question-mark": "processing instructions are not allowed",
    "expected-closing-tag-but-got-char": "'</' without a tag name (a browser reads a comment up to '>')",
    "expected-closing-tag-but-got-right-bracket": "'</>' (a browser drops it)",
    "duplicate-attribute": "an attribute given twice in one tag",
    "invalid-codepoint": "a control character, NUL or non-character",
    "attributes-in-end-tag": "attributes in an end tag",
    "self-closing-flag-on-end-tag": "'/>' closing an end tag",
    "unexpected-character-after-solidus-in-tag": "a '/' inside a tag",
    "unexpected-character-after-attribute-value": "attributes without a space between them",
    "invalid-character-in-attribute-name": "a quote, '<' or '=' in an attribute name",
    "invalid-character-after-attribute-name": "a quote or '<' after an attribute name",
    "expected-attribute-value-but-got-right-bracket": "an attribute with '=' and no value",
}


def _end_state_problem(state: str) -> str | None:
    """Why a fragment that ends in tokenizer ``state`` could take the page's next text in."""
    if state in {"dataState", "entityDataState"}:
        # In a character reference the next text can only change which character it is.
        return None
    if "omment" in state:
        return "HTML that cannot be read (an unfinished comment)"
    if "octype" in state or "markupDeclaration" in state:
        return "HTML that cannot be read (an unfinished declaration)"
    return "HTML that cannot be read (an unfinished tag)"


def _comment_problem(text: str) -> str | None:
    """Why a comment's ``text`` could be read differently by another reader (HTML's rule)."""
    if text.startswith((">", "->")) or text.endswith("<!-") or any(s in text for s in ("-->", "--!>")):
        return "a comment a browser ends early"
    if "<!--" in text:
        return "a comment inside a comment"
    if re.match(r"\s*\[if\b", text, re.I) or "<![endif]" in text.lower():
        return "a conditional comment"
    return None


def _tag_problem(token: dict[str, Any]) -> str | None:
    name = token["name"][:40]
    if token["type"] == _html5lib()[2]["EndTag"]:
        return None if name in ALLOWED_TAGS else f"tag </{name}> is not allowed"
    if name not in ALLOWED_TAGS:
        return f"tag <{name}> is not allowed"
    for attribute, value in token["data"].items():
        if attribute not in ALLOWED_ATTRIBUTES:
            return f"attribute {attribute[:40]!r} on <{name}> is not allowed"
        if attribute in _URL_ATTRIBUTES and (reason := unsafe_url(value)):
            return reason
    return None


@cache
def _html5lib() -> tuple[type, Any, Mapping[str, int]]:
    """html5lib's tokenizer (with the end state noted), its EOF and token types.

    Imported when a file first holds raw HTML: html5lib (and the http and email modules
    it imports) is a tenth of a second of every ``dep`` command's start-up otherwise.
    """
    # html5lib has no public tokenizer API; its tokenizer is the WHATWG one this module needs.
    from html5lib._tokenizer import HTMLTokenizer
    from html5lib.constants import EOF, tokenTypes

    class _Tokenizer(HTMLTokenizer):  # type: ignore[misc]
        """html5lib's tokenizer, noting the state it was in when the fragment ran out."""

        def __init__(self, fragment: str) -> None:
            super().__init__(fragment)
            self.state_at_end: str | None = None
            read = self.stream.char

            def char() -> Any:
                found = read()
                if found is EOF and self.state_at_end is None:
                    self.state_at_end = self.state.__name__
                return found

            self.stream.char = char

    return _Tokenizer, EOF, tokenTypes


def unsafe_html(fragment: str) -> str | None:
    """Why the raw HTML ``fragment`` may not be put on a page as it is; ``None`` if it may.

    See the module's docstring for the rules. Of several problems the answer names the
    first tag, attribute or link that is not allowed, else the first parse error that is
    refused, else the unfinished markup at the end.
    """
    tokenizer_class, _, tokenTypes = _html5lib()
    tokenizer = tokenizer_class(fragment)
    policy: str | None = None
    structure: str | None = None
    unfinished = False
    try:
        for token in tokenizer:
            kind = token["type"]
            found: str | None = None
            if kind == tokenTypes["ParseError"]:
                code = token["data"]
                if "eof" in code.lower():
                    unfinished = True  # named by the state the tokenizer ended in
                elif code not in _HARMLESS_ERRORS and structure is None:
                    structure = _ERROR_REASONS.get(code, f"markup a browser has to repair ({code})")
            elif kind in (tokenTypes["StartTag"], tokenTypes["EndTag"], tokenTypes["EmptyTag"]):
                found = _tag_problem(token)
            elif kind == tokenTypes["Comment"]:
                found = _comment_problem(token["data"])
            elif kind == tokenTypes["Doctype"]:
                found = "declarations are not allowed"
            if policy is None:
                policy = found
    except Exception:  # html5lib's own failure on hostile input: refuse, never crash
        return "HTML that cannot be read"
    if tokenizer.state_at_end is None:  # the tokenizer never reached the end: fail closed
        return "HTML that cannot be read"
    at_end = _end_state_problem(tokenizer.state_at_end)
    if at_end is None and unfinished:
        at_end = "HTML that cannot be read (unfinished markup)"
    return policy or structure or at_end


# --------------------------------------------------------------------------------------
# HTML metadata
# --------------------------------------------------------------------------------------


#: What a proposal's ``<meta>`` may carry: a name (or an Open Graph property), its content
#: and its language.
_META_ATTRIBUTES = frozenset({"name", "property", "content", "lang"})
_META_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9:._-]*")


def meta_problem(attributes: Mapping[str, object]) -> str | None:
    """Why a ``<meta>`` a proposal asks for may not go into its page's head; ``None`` if it may.

    MyST front matter (``myst: html_meta:``) and reStructuredText's ``.. meta::`` both make
    one; ``attributes`` are those the HTML writer will write (docutils'
    ``node.non_default_attributes()``). Kept: ``name`` or ``property`` (a plain name such as
    ``description``, ``keywords`` or ``og:title``) with ``content`` and ``lang``. Refused:
    ``http-equiv`` (``refresh`` sends every reader to another site; it can also set a
    content security policy or cookies), ``charset``, and any other attribute. Attribute
    names are checked too because the writer puts them into the page as they are: a name
    holding a quote ends the tag (``a"><script>...``).
    """
    for attribute in attributes:
        if attribute not in _META_ATTRIBUTES:
            return f"<meta> attribute {attribute[:40]!r} is not allowed"
    names = [attribute for attribute in ("name", "property") if attribute in attributes]
    if len(names) != 1:
        return "a <meta> needs one name (or property) and no more"
    value = str(attributes[names[0]])
    if not _META_NAME_RE.fullmatch(value):
        return f"<meta> {names[0]} {value[:40]!r} is not a plain name"
    if "content" not in attributes:
        return "a <meta> needs a content"
    return None


RAW_HTML_MESSAGE = "raw HTML shown as text: {reason}"


def raw_html_problem(fragment: str, mode: str) -> str | None:
    """Why raw HTML is shown as text under ``dep_raw_html = mode``; ``None`` when it is kept."""
    if mode == "all":
        return None
    if mode == "none":
        return "raw HTML is off (dep_raw_html = 'none')"
    return unsafe_html(fragment)


#: The elements a page is built of (themes' layout, the card, a mirrored comment's box): an
#: end tag of one of these that the text did not open closes the page's own, and one left
#: open swallows what follows. Inline and table elements a browser repairs locally are not
#: held to it (GitHub renders ``</td></tr></table>`` alone).
_STRUCTURE = frozenset(
    {"div", "section", "article", "main", "aside", "nav", "header", "footer", "blockquote", "figure", "form"}
)


def _tags(fragment: str) -> list[tuple[bool, str]]:
    """The start (``True``) and end tags of a fragment that open or close a structural element
    (:data:`_STRUCTURE`), in order."""
    found: list[tuple[bool, str]] = []
    tokenizer_class, _, tokenTypes = _html5lib()
    try:
        for token in tokenizer_class(fragment):
            kind = token["type"]
            name = str(token.get("name", "")).lower()
            if name not in _STRUCTURE:
                continue
            if kind == tokenTypes["StartTag"] and not token.get("selfClosing"):
                found.append((True, name))
            elif kind == tokenTypes["EndTag"]:
                found.append((False, name))
    except Exception:  # judged (and refused) by unsafe_html already
        return []
    return found


def unbalanced(fragments: Sequence[str]) -> dict[int, str]:
    """The fragments (by index) whose tags do not balance within ``fragments``, with why.

    Each fragment is judged alone by :func:`unsafe_html`; together they must also nest:
    an end tag closes only an element the fragments opened (``</div></div>`` would close the
    page's own boxes and let what follows pose as the page: another comment, the card), and
    an element opened is closed again (an open ``<div>`` would swallow what follows). Refusing
    a fragment can unbalance another, so the walk is repeated until nothing changes.
    """
    tags = [_tags(fragment) for fragment in fragments]
    refused: dict[int, str] = {}
    while True:
        stack: list[tuple[str, int]] = []
        new: dict[int, str] = {}
        for index, fragment_tags in enumerate(tags):
            if index in refused:
                continue
            for is_start, name in fragment_tags:
                if is_start:
                    stack.append((name, index))
                elif any(open_name == name for open_name, _ in stack):
                    while stack.pop()[0] != name:
                        pass
                else:
                    new.setdefault(index, f"</{name}> closes no element this text opened")
        for name, index in stack:
            new.setdefault(index, f"<{name}> is never closed")
        new = {index: why for index, why in new.items() if index not in refused}
        if not new:
            return refused
        refused.update(new)


def html_problems(fragments: Sequence[str], mode: str) -> list[str | None]:
    """Why each raw HTML fragment of one document (in document order) is shown as text under
    ``dep_raw_html = mode``, or ``None`` where it is kept: :func:`raw_html_problem` for each,
    then :func:`unbalanced` over those kept. The one judge ``dep lint`` and the build call."""
    problems = [raw_html_problem(fragment, mode) for fragment in fragments]
    if mode == "all":
        return problems
    kept = [index for index, problem in enumerate(problems) if problem is None]
    for position, why in unbalanced([fragments[index] for index in kept]).items():
        problems[kept[position]] = why
    return problems
