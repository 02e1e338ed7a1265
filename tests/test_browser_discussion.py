"""The discussion mirrored from GitHub, in Chromium: a comment's script never runs, the
section reads at a phone's width and a desktop's.

The recorded tracking issue holds a comment by ``@mallory`` carrying script in every form
a GitHub comment can hold it (``<script>``, ``onerror``/``onload``/``onmouseover``
handlers, ``javascript:`` links plain and encoded, an SVG, a Markdown image with a
``javascript:`` source, an ``<iframe srcdoc>``, a ``{raw}`` fence): each sets a global
``pwned<n>`` or the page's title if it runs. The page built by ``sphinx-build`` is opened,
hovered and its links clicked; no global is set and the title is the page's. The same
comment rendered by a plain Markdown renderer that passes HTML through does set them, so
the check can fail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, CONF, DISCUSSION, WIDGETS, discussion_cache, serve, sphinx_build, write_project


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

WIDTHS = (390, 1400)
THEMES = ("furo", "alabaster")

#: A comment that is long in every direction: an unbroken word, a wide code line, a wide table.
WIDE = (
    "https://github.com/acme/enhancements/blob/main/deps/" + "a" * 300 + ".md\n\n"
    "```python\nrouting_table = {" + ", ".join(f"'widget_{n}': {n}" for n in range(60)) + "}\n```\n\n"
    "| "
    + " | ".join(f"column {n}" for n in range(20))
    + " |\n|"
    + "---|" * 20
    + "\n| "
    + " | ".join(f"value {n}" for n in range(20))
    + " |\n"
)


def _cache_with_a_wide_comment() -> str:
    data = json.loads(discussion_cache())
    wide = dict(data["issue_comments"][0][0], id=1800000009, body=WIDE, created_at="2026-03-19T08:00:00Z")
    wide["html_url"] = "https://github.com/acme/enhancements/issues/97#issuecomment-1800000009"
    data["issue_comments"][-1].append(wide)
    data["review_comments"][0][0]["diff_hunk"] += "\n+" + "x" * 400
    return json.dumps(data, indent=1)


@pytest.fixture(scope="module", params=THEMES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp(f"mirror-{request.param}")
    conf = CONF + f'html_theme = "{request.param}"\n'
    src = write_project(
        root / "src",
        {"deps/0001-widgets.md": WIDGETS, ".dep-discussion/0001-widgets.json": _cache_with_a_wide_comment()},
        conf=conf,
    )
    build = sphinx_build(src, root / "html")
    assert (build.returncode, build.warnings) == (0, []), build.output
    # The control: the same comment as a renderer that passes HTML through would show it.
    from markdown_it import MarkdownIt

    body = json.loads((DISCUSSION / "issue_comments.json").read_text())[1][0]["body"]
    assert "self.pwned1=1" in body
    control = "<!doctype html><title>control</title><body>" + MarkdownIt("commonmark").render(body)
    (root / "html" / "control.html").write_text(control)
    yield from serve(root / "html")


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def tab(request: pytest.FixtureRequest, browser_context: Any) -> Iterator[Any]:
    page = browser_context.new_page()
    page.set_viewport_size({"width": request.param, "height": 900})
    page.set_default_timeout(8000)
    try:
        yield page
    finally:
        page.close()


_MARKERS = "() => Object.keys(self).filter(k => k.startsWith('pwned')).sort()"


def _provoke(page: Any) -> None:
    """What a reader does: hover every element of the discussion, click every link that is not
    a plain link away (none should exist), let images fail to load."""
    page.wait_for_load_state("load")
    for element in page.locator(".dep-discussion *").all()[:400]:
        if element.is_visible():
            element.hover(force=True, timeout=1000)
    for link in page.locator("a[href]").all():
        href = (link.get_attribute("href") or "").strip().lower()
        if re.match(r"^[a-z][a-z0-9+.-]*:", href) and not href.startswith(("http:", "https:", "mailto:")):
            link.click(force=True, no_wait_after=True, timeout=1000)
    page.wait_for_timeout(300)


def test_no_comment_runs_script(tab: Any, site: str) -> None:
    tab.goto(site + "deps/0001-widgets.html")
    title = tab.title()
    assert "Widgets" in title
    assert tab.locator(".dep-discussion .dep-comment").count() == 9  # opening, 4 comments, 4 review
    assert "self.pwned1=1" in tab.locator(".dep-discussion").inner_text()  # shown, as text
    _provoke(tab)
    assert tab.evaluate(_MARKERS) == []
    assert tab.title() == title
    for frame in tab.frames:
        assert frame.evaluate(_MARKERS) == []


def test_the_check_can_fail(tab: Any, site: str) -> None:
    tab.goto(site + "control.html")
    _provoke(tab)
    markers = tab.evaluate(_MARKERS)
    assert {"pwned1", "pwned2", "pwned5", "pwned6"} <= set(markers), markers
    assert tab.title() == "pwned"


#: Elements wider than the column they sit in, outside a box that scrolls sideways (as the
#: adoption test checks every page).
_OVERFLOW = """() => {
  const main = document.querySelector('article, [role=main]') || document.body;
  const right = main.getBoundingClientRect().right + 8.5;
  const found = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) found.push('the page scrolls sideways');
  for (const el of document.querySelectorAll('.dep-discussion, .dep-discussion *')) {
    let boxed = false;
    for (let up = el.parentElement; up && up !== main; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') { boxed = true; break; }
    }
    if (!boxed && el.getBoundingClientRect().right > right && el.getClientRects().length)
      found.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' ' + el.textContent.slice(0, 40));
  }
  return found.slice(0, 12);
}"""


def test_the_section_reads_at_every_width(tab: Any, site: str) -> None:
    tab.goto(site + "deps/0001-widgets.html")
    tab.wait_for_load_state("load")
    overflowing = tab.evaluate(_OVERFLOW)
    assert overflowing == [], "\n".join(overflowing)
    # Each comment's author, date and link to reply are on screen, not cut off.
    width = tab.viewport_size["width"]
    for header in tab.locator(".dep-comment-header").all():
        box = header.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    for reply in tab.locator(".dep-reply-link").all():
        assert reply.is_visible()
