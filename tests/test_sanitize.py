"""Link and raw-HTML policy (sphinxcontrib_dep/core/sanitize.py), without Sphinx.

The fragments are the corpus ``tests/fixtures/html_payloads.toml``, which the browser test
(tests/test_browser_payloads.py) also opens in Chromium. Here: every hostile fragment is
refused with its reason, every harmless one kept, and a property checks the rule that makes
fragments safe one by one: whatever is kept, followed by any escaped text and the page's
own markup, is read by a full HTML parser (html5lib's tree builder, not the tokenizer the
policy uses) as allowed elements only, with the page's markup intact after it.
"""

from __future__ import annotations

import html
import tomllib
from typing import Any

import html5lib
import pytest
from helpers import FIXTURES, HEADER_KEPT, HEADER_REFUSED, SCHEMES
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_dep.core import sanitize
from sphinxcontrib_dep.core.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    header_url_problem,
    raw_html_problem,
    unsafe_html,
    unsafe_url,
    url_scheme,
)

CORPUS = tomllib.loads((FIXTURES / "html_payloads.toml").read_text(encoding="utf-8"))
HOSTILE: list[dict[str, Any]] = CORPUS["hostile"]
HARMLESS: list[dict[str, Any]] = CORPUS["harmless"]


def filled(text: str) -> str:
    return text.replace("MARK", "alert(1)")


# --------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------


def test_the_corpus_is_big_enough() -> None:
    assert len(HOSTILE) >= 41 and len(HARMLESS) >= 20
    assert len({p["html"] for p in HOSTILE}) == len(HOSTILE), "no fragment twice"


@pytest.mark.parametrize("payload", HOSTILE, ids=[f"h{n}" for n in range(1, len(HOSTILE) + 1)])
def test_hostile_html_is_refused_with_its_reason(payload: dict[str, Any]) -> None:
    fragment = filled(payload["html"])
    assert unsafe_html(fragment) == filled(payload["reason"])
    assert raw_html_problem(fragment, "safe") == filled(payload["reason"])
    assert raw_html_problem(fragment, "none") == "raw HTML is off (dep_raw_html = 'none')"
    assert raw_html_problem(fragment, "all") is None


PAIRS = [p for p in HOSTILE if "after" in p]


@pytest.mark.parametrize("payload", PAIRS, ids=[p["html"] for p in PAIRS])
def test_a_harmless_fragment_after_an_unfinished_one_is_the_attack(payload: dict[str, Any]) -> None:
    """Alone, the second half is harmless; read on from the first, it is not."""
    assert unsafe_html(filled(payload["after"])) is None
    assert (unsafe_html(filled(payload["html"])) or "").startswith("HTML that cannot be read")
    assert unsafe_html(filled(payload["html"] + "\n" + payload["after"])) is not None


@pytest.mark.parametrize("fragment", [p["html"] for p in HARMLESS])
def test_harmless_html_is_kept(fragment: str) -> None:
    assert unsafe_html(filled(fragment)) is None


# --------------------------------------------------------------------------------------
# Kept fragments, one after another, between escaped text: read by a full HTML parser
# --------------------------------------------------------------------------------------

PIECES = [
    *("<", ">", "/", "=", '"', "'", " ", "\n", "&", ";", "#", "-", "!", "?", "[", "`", "\x00"),
    *("a", "b", "img", "br", "details", "table", "td", "svg", "math", "script", "style", "textarea"),
    *("src", "href", "title", "alt", "onerror", "x", "javascript:", "&#106;", "&colon;", "&Tab;"),
    *("!--", "-->", "--!>", "<!-->", "![CDATA[", "]]>", "<p title='", '<img src=x alt="'),
]
TAILS = ["", "img src=x onerror=alert(1) \"> '> -->", "</p><script>alert(1)</script>", "a&b<c"]
PAGE_END = '<p class="page-end">end</p>'


def live_elements(page: str) -> list[str]:
    """Whatever the full parser builds from ``page`` that the policy would not allow."""
    document = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in document.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue  # a comment
        if tag not in ALLOWED_TAGS | {"html", "head", "body"}:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            if (tag, name, value) == ("p", "class", "page-end"):
                continue
            if name not in ALLOWED_ATTRIBUTES:
                found.append(f"<{tag} {name}>")
            elif name in {"href", "src", "cite"} and unsafe_url(value):
                found.append(f"<{tag} {name}={value!r}>")
    if not any(e.get("class") == "page-end" for e in document.iter("p")):
        found.append("the page's own markup after the fragments was swallowed")
    return found


@settings(max_examples=500, deadline=None)
@given(
    fragments=st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), min_size=1, max_size=3),
    tails=st.lists(st.sampled_from(TAILS), min_size=3, max_size=3),
)
def test_kept_fragments_stay_harmless_next_to_escaped_text(fragments: list[str], tails: list[str]) -> None:
    kept = [f for f in fragments if unsafe_html(f) is None]
    page = "".join(f + html.escape(t, quote=True) for f, t in zip(kept, tails, strict=False)) + PAGE_END
    assert live_elements(page) == [], page


def test_the_full_parser_check_sees_what_runs() -> None:
    """The oracle above could fail: it finds each kind of live markup and a swallowed page."""
    assert live_elements(
        '<img src=x onerror=alert(1)><svg></svg><a href="jav&#x61;script:x">' + PAGE_END
    ) == [
        "<img onerror>",
        "<{http://www.w3.org/2000/svg}svg>",
        "<a href='javascript:x'>",
    ]
    assert live_elements('<img src=x alt="' + PAGE_END) == [
        '<img page-end">',
        "the page's own markup after the fragments was swallowed",
    ]
    assert live_elements("<!-- a" + PAGE_END)[-1].startswith("the page's own markup")


def test_the_harmless_corpus_stays_harmless_side_by_side() -> None:
    fragments = [filled(p["html"]) for p in HARMLESS]
    page = "".join(f + html.escape(TAILS[1]) for f in fragments) + PAGE_END
    assert live_elements(page) == []


# --------------------------------------------------------------------------------------
# URLs
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "scheme"), SCHEMES)
def test_url_scheme_is_read_as_the_url_standard_reads_it(url: str, scheme: str | None) -> None:
    assert url_scheme(url) == scheme


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a?b=1#c",
        "HTTP://example.com",
        "mailto:dev@example.com",
        "0002-other.html",
        "../img/a.png",
        "#motivation",
        "?q=1",
        "/absolute/path",
        "java script:x",  # a relative link to a file of that name, as a browser reads it
        "java\x0bscript:x".replace("\x0b", "%0B"),
        "",
    ],
)
def test_body_links_that_are_kept(url: str) -> None:
    assert unsafe_url(url) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "link 'javascript:alert(1)' is not http(s), mailto or relative"),
        (" \tJaVa\nScRiPt:x", "link ' \\tJaVa\\nScRiPt:x' is not http(s), mailto or relative"),
        (
            "data:image/png;base64,AAAA",
            "link 'data:image/png;base64,AAAA' is not http(s), mailto or relative",
        ),
        ("vbscript:x", "link 'vbscript:x' is not http(s), mailto or relative"),
        ("file:///etc/passwd", "link 'file:///etc/passwd' is not http(s), mailto or relative"),
        ("blob:https://x/1", "link 'blob:https://x/1' is not http(s), mailto or relative"),
        ("//evil.example/", "link '//evil.example/' leaves the site without a scheme"),
        (" //evil.example/", "link ' //evil.example/' leaves the site without a scheme"),
        ("/\\evil.example/", "link '/\\\\evil.example/' leaves the site without a scheme"),
        ("\\\\evil.example/", "link '\\\\\\\\evil.example/' leaves the site without a scheme"),
        ("/\t/evil.example/", "link '/\\t/evil.example/' leaves the site without a scheme"),
        ("\x01javascript:x", "link '\\x01javascript:x' holds a control character"),
        ("https://x/\x00", "link 'https://x/\\x00' holds a control character"),
        ("https://x/\x85", "link 'https://x/\\x85' holds a control character"),
    ],
)
def test_body_links_that_are_refused(url: str, reason: str) -> None:
    assert unsafe_url(url) == reason


@pytest.mark.parametrize("url", HEADER_KEPT)
def test_header_urls_that_are_kept(url: str) -> None:
    assert header_url_problem(url) is None


@pytest.mark.parametrize(("url", "reason"), HEADER_REFUSED)
def test_header_urls_that_are_refused(url: str, reason: str) -> None:
    assert header_url_problem(url) == reason


def test_the_public_names_others_call() -> None:
    assert sanitize.RAW_HTML_MESSAGE.format(reason="x") == "raw HTML shown as text: x"
    assert callable(sanitize.raw_html_problem) and callable(sanitize.unsafe_html)


# --------------------------------------------------------------------------------------
# Which documents are a contributor's, and the <meta> they may ask for
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("docname", "deps_dir", "untrusted"),
    [
        ("deps/0001-x", "deps", True),
        ("deps/notes", "deps", True),
        ("deps/1e3-x", "deps", True),
        ("deps/sub/0001-y", "deps", True),
        ("docs/deps/0001-x", "../deps", True),
        ("deps/0001-x", "proposals/", False),
        ("index", "deps", False),
        ("deps", "deps", False),  # the page that lists them, next to the folder
        ("guide/deps-howto", "deps", False),
        ("anything", ".", True),
    ],
)
def test_untrusted_documents_are_every_page_in_the_proposals_folder(
    docname: str, deps_dir: str, untrusted: bool
) -> None:
    from sphinxcontrib_dep.core.project import proposals_area

    assert (proposals_area(docname, deps_dir) is not None) is untrusted


@pytest.mark.parametrize(
    ("attributes", "problem"),
    [
        ({"name": "description", "content": "A proposal"}, None),
        ({"name": "keywords", "content": "a, b", "lang": "en"}, None),
        ({"property": "og:title", "content": "x"}, None),
        (
            {"http-equiv": "refresh", "content": "0;url=https://evil.example/"},
            "<meta> attribute 'http-equiv' is not allowed",
        ),
        ({"charset": "utf-7"}, "<meta> attribute 'charset' is not allowed"),
        (
            {"name": "x", "content": "hi", 'a"><script>alert(1)</script><b': "c"},
            "<meta> attribute 'a\"><script>alert(1)</script><b' is not allowed",
        ),
        (
            {"name": 'x" onload="alert(1)', "content": "hi"},
            "<meta> name 'x\" onload=\"alert(1)' is not a plain name",
        ),
        (
            {"name": "x", "property": "y", "content": "hi"},
            "a <meta> needs one name (or property) and no more",
        ),
        ({"content": "hi"}, "a <meta> needs one name (or property) and no more"),
        ({"name": "x"}, "a <meta> needs a content"),
    ],
)
def test_meta_a_proposal_may_ask_for(attributes: dict[str, str], problem: str | None) -> None:
    assert sanitize.meta_problem(attributes) == problem


@pytest.mark.parametrize(
    ("fragments", "expected"),
    [
        # What GitHub renders, balanced across fragments: kept.
        (["<details>", "<summary>More</summary>", "</details>"], [None, None, None]),
        (["<br>", "<sub>2</sub>", '<img src="https://example.org/a.png" alt="a">'], [None, None, None]),
        # Red team M1: end tags that close the page's own boxes, so what follows poses as the
        # page (another comment, the card): refused, and so is what they leave open.
        (
            ["</div></div><div>", "<p>Approved.</p>", "</div>"],
            ["</div> closes no element this text opened", None, "</div> closes no element this text opened"],
        ),
        (["<div>", "text"], ["<div> is never closed", None]),
        (
            ["<blockquote>", "</div>"],
            ["<blockquote> is never closed", "</div> closes no element this text opened"],
        ),
        # Inline and table elements a browser repairs locally are not held to it.
        (["<b>", "</i>", "</td></tr></table>", "<details>"], [None, None, None, None]),
        # An end tag closes what was opened inside it, as a browser does.
        (["<div>", "<b>", "</div>"], [None, None, None]),
    ],
)
def test_raw_html_must_nest_within_the_document(fragments: list[str], expected: list[str | None]) -> None:
    assert sanitize.html_problems(fragments, "safe") == expected
    assert sanitize.html_problems(fragments, "all") == [None] * len(fragments)
