"""Raw HTML payloads in Chromium: nothing a proposal writes runs, wherever raw HTML can go.

Every fragment of ``tests/fixtures/html_payloads.toml`` is written into one project, in each
place raw HTML reaches a page: a Markdown HTML block, inline HTML in a paragraph, a
```` ```{raw} html ```` fence, the body of a ```` ```{note} ````, reStructuredText's
``.. raw:: html`` and its inline raw role (``.. role:: raw-html(raw)``); one
proposal per place, all payloads on its page (and one page for each payload that, when
trusted, takes in the rest of its page). Where a payload says
``MARK``, the page gets ``void(self.pwned<n>p<place>=1)``: if it runs, that global is set.

The project is built with the real ``sphinx-build`` and each page opened in headless
Chromium: images fail to load (``onerror``), frames load, and every link and form button
whose target the browser reads as ``javascript:`` is clicked. Then every frame of the page
is asked for markers. The same project built with ``dep_raw_html = "all"`` (every author
trusted) sets the markers of the payloads the corpus says run, which shows the check able
to fail.
"""

from __future__ import annotations

import html
import random
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    CHROMIUM,
    CONF,
    FIXTURES,
    HEADER_KEPT,
    HEADER_REFUSED,
    INDEX,
    SCHEMES,
    Build,
    serve,
    sphinx_build,
    write_project,
)

from sphinxcontrib_dep.core.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, unsafe_html, unsafe_url


def _why_no_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install playwright)"
    if not Path(CHROMIUM).is_file():
        return f"chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(_why_no_browser() is not None, reason=str(_why_no_browser())),
]

CORPUS = tomllib.loads((FIXTURES / "html_payloads.toml").read_text(encoding="utf-8"))
HOSTILE: list[dict[str, Any]] = CORPUS["hostile"]
HARMLESS: list[dict[str, Any]] = CORPUS["harmless"]

MD_HEADER = """\
# Payloads: {place}

```{{dep-meta}}
:status: Draft
:authors: @a
:category: Process
```

## Summary

"""

RST_HEADER = """\
Payloads: {place}
=================================

.. dep-meta::
   :status: Draft
   :authors: @a
   :category: Process

Summary
-------

"""


def mark(html: str, number: int, place: int) -> str:
    return html.replace("MARK", f"void(self.pwned{number}p{place}=1)")


# How one fragment is written in each place.


def html_block(html: str) -> str:
    return f"{html}\n\n"


def inline(html: str) -> str:
    return f"Text before {html} text after.\n\n"


def raw_fence(html: str) -> str:
    return f"````{{raw}} html\n{html}\n````\n\n"


def note(html: str) -> str:
    return f"````{{note}}\n{html}\n````\n\n"


def rst_raw(html: str) -> str:
    return ".. raw:: html\n\n" + "".join(f"   {line}\n" for line in html.splitlines()) + "\n"


def rst_role(html: str) -> str:
    # docutils wraps the role's HTML in a <span class="raw-html">.
    return f"Text before :raw-html:`{html}` text after.\n\n"


RST_ROLE = ".. role:: raw-html(raw)\n   :format: html\n\n"


#: place number -> (file stem, title, how one fragment is written there)
PLACES: dict[int, tuple[str, str, Callable[[str], str]]] = {
    1: ("html-block", "HTML blocks", html_block),
    2: ("inline", "inline HTML", inline),
    3: ("raw-fence", "raw fences", raw_fence),
    4: ("note", "in a note", note),
    5: ("rst-raw", "rST raw", rst_raw),
    6: ("rst-role", "rST raw role", rst_role),
}
RAW_FENCE = 3
RST_RAW = 5
RST_ROLE_PLACE = 6
RST_PLACES = {RST_RAW, RST_ROLE_PLACE}
HARMLESS_PAGE = "deps/0001-harmless.md"
MARKER_RE = re.compile(r"^pwned(\d+)p(\d+)$")


@dataclass
class Page:
    """One proposal of the project: some payloads, all in one place."""

    file: str
    place: int
    numbers: list[int]

    @property
    def html(self) -> str:
        return self.file.rsplit(".", 1)[0] + ".html"


def pages() -> list[Page]:
    """Per place, one page for most payloads and one for each that must be ``alone``."""
    found = []
    for place, (stem, _, _) in PLACES.items():
        together = [n for n, p in enumerate(HOSTILE, 1) if not p.get("alone")]
        groups = [(stem, together)] + [
            (f"{stem}-{n}", [n]) for n, p in enumerate(HOSTILE, 1) if p.get("alone")
        ]
        for name, numbers in groups:
            suffix = ".rst" if place in RST_PLACES else ".md"
            found.append(Page(f"deps/{len(found) + 2:04}-{name}{suffix}", place, numbers))
    return found


PAGES = pages()


def proposal(page: Page) -> tuple[str, dict[int, int]]:
    """The text of ``page``, and the line of each payload on it."""
    _, title, write = PLACES[page.place]
    text = (RST_HEADER if page.place in RST_PLACES else MD_HEADER).format(place=title)
    if page.place == RST_ROLE_PLACE:
        text += RST_ROLE
    lines: dict[int, int] = {}
    for number in page.numbers:
        payload = HOSTILE[number - 1]
        # A raw fence's node, and a raw directive's, is placed at the directive's line.
        lines[number] = text.count("\n") + 1
        text += write(mark(payload["html"], number, page.place))
        if "after" in payload:
            text += write(mark(payload["after"], number, page.place))
    return text, lines


def harmless_proposal() -> str:
    text = MD_HEADER.format(place="harmless")
    for number, fragment in enumerate(HARMLESS, 1):
        text += raw_fence(mark(fragment["html"], number, 9))
        text += html_block(mark(fragment["html"], number, 8))
    return text


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[int, int]]]:
    """The project's source folder, and per page the line of each payload."""
    files = {HARMLESS_PAGE: harmless_proposal()}
    lines = {}
    for page in PAGES:
        files[page.file], lines[page.file] = proposal(page)
    root = write_project(tmp_path_factory.mktemp("payloads") / "src", files, CONF, INDEX)
    return root, lines


def _build(project: tuple[Path, Any], name: str, *args: str) -> Build:
    srcdir, _ = project
    build = sphinx_build(srcdir, srcdir.parent / name, *args)
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="module")
def safe_build(project: tuple[Path, Any]) -> Build:
    return _build(project, "safe")


@pytest.fixture(scope="module")
def trusted_build(project: tuple[Path, Any]) -> Build:
    return _build(project, "trusted", "-D", "dep_raw_html=all")


@pytest.fixture(scope="module")
def safe_site(safe_build: Build) -> Iterator[str]:
    yield from serve(safe_build.outdir)


@pytest.fixture(scope="module")
def trusted_site(trusted_build: Build) -> Iterator[str]:
    yield from serve(trusted_build.outdir)


#: Clicks, one at a time, every link and form button whose target the browser itself reads
#: as a ``javascript:`` URL (``new URL`` is the browser's parser, not ours).
CLICK_SCRIPT_TARGETS = """
async () => {
  const xlink = 'http://www.w3.org/1999/xlink';
  const isScript = (url) => {
    try { return new URL(url, document.baseURI).protocol === 'javascript:'; } catch { return false; }
  };
  // Two frames: autofocus, toggle events and SVG animations start at a rendering step.
  const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  await frames();
  const targets = [];
  for (const a of document.querySelectorAll('a')) {
    const href = a.getAttribute('href') ?? a.getAttributeNS(xlink, 'href');
    if (href !== null && isScript(href)) targets.push(a);
  }
  for (const b of document.querySelectorAll('button, input[type=submit]')) {
    const action = b.hasAttribute('formaction') ? b.getAttribute('formaction') : b.form?.getAttribute('action');
    if (action && isScript(action)) targets.push(b);
  }
  for (const target of targets) {
    target.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window}));
    // A javascript: navigation runs as a task of its own; let it run before the next one.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await frames();
  return targets.length;
}
"""

MARKERS = "Object.keys(self).filter((key) => /^pwned\\d+p\\d+$/.test(key))"


def markers_on(tab: Any, url: str) -> set[tuple[int, int]]:
    """The markers any frame of the page at ``url`` holds after it loaded and was clicked."""
    # "load" waits for every image (loaded or failed: onerror has run) and frame.
    tab.goto(url, wait_until="load")
    tab.evaluate(CLICK_SCRIPT_TARGETS)
    found: set[tuple[int, int]] = set()
    for frame in tab.frames:
        try:
            keys = frame.evaluate(MARKERS)
        except Exception:  # a frame that went away while the page settled
            continue
        for key in keys:
            match = MARKER_RE.match(key)
            assert match is not None
            found.add((int(match.group(1)), int(match.group(2))))
    return found


@pytest.fixture
def tab(browser_context: Any) -> Iterator[Any]:
    """One tab for many pages: each ``goto`` starts a new window, and new markers."""
    page = browser_context.new_page()
    try:
        yield page
    finally:
        page.close()


def all_markers(tab: Any, site: str) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for page in PAGES:
        found |= markers_on(tab, site + page.html)
    return found


def delivered(html: str, place: int) -> str:
    """The fragment as the parser hands it to the HTML check.

    markdown-it replaces NUL with U+FFFD, as CommonMark requires; docutils drops NUL and
    expands tabs to spaces. The check judges what is written into the page.
    """
    if place in RST_PLACES:
        return html.replace("\x00", "").expandtabs()
    return html.replace("\x00", "\ufffd")


# --------------------------------------------------------------------------------------


def test_the_corpus_is_big_enough() -> None:
    assert len(HOSTILE) >= 41 and len(HARMLESS) >= 20
    assert all("MARK" in p["html"] + p.get("after", "") for p in HOSTILE if p["runs"])


def test_no_payload_runs_in_any_place(safe_site: str, tab: Any) -> None:
    assert all_markers(tab, safe_site) == set()


def test_every_refusal_is_warned_at_its_line(safe_build: Build, project: tuple[Path, Any]) -> None:
    """Where a fragment is handed over whole (raw fences, rST raw), each one is refused once."""
    _, lines = project
    warned: dict[str, set[int]] = {}
    for warning in safe_build.warnings:
        match = re.match(r"^(deps/[^:]+):(\d+): raw HTML shown as text: .* \[dep\.raw_html\]$", warning)
        if match:
            warned.setdefault(match.group(1), set()).add(int(match.group(2)))
    rewritten = set()
    for page in PAGES:
        if page.place not in (RAW_FENCE, RST_RAW):
            continue
        expected = set()
        for number in page.numbers:
            if unsafe_html(delivered(HOSTILE[number - 1]["html"], page.place)) is None:
                rewritten.add((number, page.place))
            else:
                expected.add(lines[page.file][number])
        assert warned.get(page.file, set()) == expected, page.file
    # The parsers' own rewriting made harmless only these: <b>NUL</b> (both), a tab in a
    # scheme (docutils: ``java    script:`` is a relative link, and runs nowhere below).
    assert rewritten == {(38, RAW_FENCE), (38, RST_RAW), (58, RST_RAW)}
    assert HARMLESS_PAGE not in warned


def test_harmless_html_is_kept_as_written(safe_build: Build, safe_site: str, tab: Any) -> None:
    page = (safe_build.outdir / HARMLESS_PAGE.replace(".md", ".html")).read_text(encoding="utf-8")
    for number, fragment in enumerate(HARMLESS, 1):
        assert mark(fragment["html"], number, 9) in page, fragment["html"]
    assert markers_on(tab, safe_site + HARMLESS_PAGE.replace(".md", ".html")) == set()


def test_trusting_every_author_runs_the_payloads(trusted_site: str, tab: Any) -> None:
    """The same pages with ``dep_raw_html = "all"``: the check above can fail."""
    found = all_markers(tab, trusted_site)
    in_raw_fences = {number for number, place in found if place == RAW_FENCE}
    expected = {number for number, payload in enumerate(HOSTILE, 1) if payload["runs"]}
    assert in_raw_fences == expected
    assert len(expected) > len(HOSTILE) / 2  # a clear majority of the corpus runs when trusted
    # Each place is a way in: payloads run from every one of them, but the rST role
    # derived from ``raw``: a proposal may not define roles (``role`` is not on the
    # directive allowlist, dep.directive), whatever dep_raw_html trusts.
    assert {place for _, place in found} == set(PLACES) - {RST_ROLE_PLACE}
    assert markers_on(tab, trusted_site + HARMLESS_PAGE.replace(".md", ".html")) == set()


# --------------------------------------------------------------------------------------
# URLs: the module's reading against Chromium's own URL parser
# --------------------------------------------------------------------------------------

BASE = "https://site.example/dir/page.html"
READ_URLS = """
([urls, base]) => urls.map((url) => {
  try {
    const parsed = base === null ? new URL(url) : new URL(url, base);
    return [parsed.protocol.slice(0, -1), parsed.host, parsed.username, parsed.password];
  } catch {
    return null;
  }
})
"""


def test_url_schemes_are_read_as_chromium_reads_them(tab: Any) -> None:
    urls = [url for url, _ in SCHEMES]
    for (url, scheme), read in zip(SCHEMES, tab.evaluate(READ_URLS, [urls, BASE]), strict=True):
        assert read is not None, url
        protocol, host, _, _ = read
        assert protocol == (scheme or "https"), url  # no scheme: the page's own
        if scheme is None:
            leaves = "leaves the site" in (unsafe_url(url) or "")
            assert leaves is (host != "site.example"), url


def test_header_urls_are_read_as_chromium_reads_them(tab: Any) -> None:
    for url, read in zip(HEADER_KEPT, tab.evaluate(READ_URLS, [HEADER_KEPT, None]), strict=True):
        assert read is not None and read[0] in {"http", "https"} and read[1] and read[2:] == ["", ""], url
    credentials = [url for url, reason in HEADER_REFUSED if reason == "holds a user name or password"]
    reads = tab.evaluate(READ_URLS, [credentials, None])
    assert [r[1:] for r in reads] == [
        ["example.com", "user", "pass"],
        ["evil.example", "github.com", ""],  # the host is not the one the reader sees first
        ["example.com", "", ""],
    ]
    # A backslash: Chromium's host is good.example, Python's URL parser reads evil.example.
    (read,) = tab.evaluate(READ_URLS, [["https://good.example\\@evil.example/"], None])
    assert read[1] == "good.example"


# --------------------------------------------------------------------------------------
# Random fragments the policy keeps, one after another between escaped text, in Chromium
# --------------------------------------------------------------------------------------

PIECES = [
    *("<", ">", "/", "=", '"', "'", " ", "\n", "\t", "\x0c", "&", ";", "#", "-", "!", "?", "[", "]", "`"),
    *("\x00", "\r", "\u00a0", "\u017f", "\u212a"),
    *("a", "b", "img", "br", "details", "table", "td", "tr", "p", "pre", "svg", "math", "script", "style"),
    *("textarea", "select", "noscript", "title", "plaintext", "xmp", "DOCTYPE", "src", "href", "title"),
    *("alt", "onerror", "x", "javascript:", "&#106;", "&colon;", "&Tab;", "&#x", "&lt", "&amp", "&gt"),
    *("!--", "-->", "--!>", "<!-->", "![CDATA[", "]]>", "<p title='", '<img src=x alt="', "<a href=", "</"),
    *("<!", "<?"),
]
#: Text as the build escapes it, written after every fragment; then the page's own markup.
TAIL = html.escape("img src=x onerror=alert(1) \"> '> --> <", quote=True)
CHECK_DOM = """
([tags, attributes]) => {
  const found = [];
  const allowedTags = new Set(tags), allowedAttributes = new Set(attributes);
  for (const element of document.querySelectorAll('#content *')) {
    const name = element.localName;
    const own = name === 'p' && element.classList.contains('sep');
    if (element.namespaceURI !== 'http://www.w3.org/1999/xhtml' || !(own || allowedTags.has(name))) {
      found.push(`<${name}> in ${element.namespaceURI}`);
    }
    for (const attribute of element.attributes) {
      if (own) continue;
      if (!allowedAttributes.has(attribute.name)) found.push(`<${name} ${attribute.name}>`);
      if (['href', 'src', 'cite'].includes(attribute.name)) {
        try {
          const protocol = new URL(attribute.value, 'https://site.example/').protocol;
          if (!['http:', 'https:', 'mailto:'].includes(protocol)) found.push(`<${name} ${attribute.name}=${attribute.value}>`);
        } catch {}
      }
    }
  }
  return [found, document.querySelectorAll('#content p.sep').length];
}
"""


def test_random_kept_fragments_are_read_by_chromium_as_allowed_markup(tab: Any) -> None:
    """A second reader, the browser itself, over what html5lib's tokenizer let through.

    Each kept fragment is followed by escaped text and a marker paragraph of the page's
    own: every marker must still be a paragraph (no fragment took the page's markup in),
    and every element and attribute must be one the policy allows.
    """
    rng = random.Random(12)
    kept: list[str] = []
    while len(kept) < 400:
        fragment = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        if "<" in fragment and unsafe_html(fragment) is None:
            kept.append(fragment)
    body = "".join(f'{fragment}{TAIL}<p class="sep">.</p>\n' for fragment in kept)
    tab.set_content(f"<!DOCTYPE html><meta charset=utf-8><body><div id=content>{body}</div>")
    found, markers = tab.evaluate(CHECK_DOM, [sorted(ALLOWED_TAGS), sorted(ALLOWED_ATTRIBUTES)])
    assert found == []
    assert markers == len(kept)
