"""Red team 2, what only a browser can tell: a proposal's diagram stays inside its box and
asks no other site for anything through its settings.

A mermaid diagram's text may style the diagram (``%%{init: {"themeCSS": ...}}%%``, a front
matter ``config:``, ``classDef``/``style`` lines). Mermaid scopes that CSS to the diagram's
own ``<svg>``, but ``position: fixed`` on the svg itself drew it over the whole page: a
proposal could hide its "Not yet decided" banner and card behind a picture of anything.
``dep.css`` gives every ``.mermaid`` paint containment; here Chromium draws a proposal of
such diagrams and every point of the page outside the diagrams must show the page, not a
diagram. The site also extends mermaid's ``secure`` list, so a diagram can set no CSS at
all (``themeCSS``, ``fontFamily``, ``themeVariables``): a build where every author is
trusted (mermaid's own settings) shows the requests such settings make, and, without the
containment, the overlay (the checks can fail).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, CONF, build_in_process, serve, write_project

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="chromium is not installed"),
]

FULL = "position:fixed;top:0;left:0;width:100vw;height:100vh;max-width:none;z-index:99999;background:white"
#: Each diagram tries to draw over the page around it.
DIAGRAMS = [
    '%%{init: {"themeCSS": "&{' + FULL + '}"}}%%\ngraph LR\n  A[OVERLAY1]',
    '%%{init: {"themeCSS": "& g{transform:translate(-400px,-400px) scale(30)}"}}%%\ngraph LR\n  A[OVERLAY2]',
    "---\nconfig:\n  themeCSS: '&{" + FULL + "}'\n---\ngraph LR\n  A[OVERLAY3]",
    "graph LR\n  A[OVERLAY4]\n  style A " + FULL.replace(";", ","),
    '%%{init: {"themeCSS": "} body{display:none} #x{"}}%%\ngraph LR\n  A[OVERLAY5]',
    '%%{init: {"themeCSS": "@media all{&{' + FULL + '}}"}}%%\ngraph LR\n  A[OVERLAY6]',
]

#: Each diagram asks the reader's browser for a file of another site through its settings
#: (CSS it writes into the page). Mermaid's "secure" list, which the site extends, keeps a
#: diagram from setting them. (An https image in a label is an image, as raw HTML's <img>.)
REQUESTS = {
    "theme": '%%{init: {"themeCSS": ".node rect{fill:url(https://evil.example/theme)}"}}%%\ngraph LR\n  A[R1]',
    "front": '---\nconfig:\n  themeCSS: ".node rect{fill:url(https://evil.example/front)}"\n---\ngraph LR\n  A[R2]',
    "font": '%%{init: {"fontFamily": "x; background:url(https://evil.example/font)"}}%%\ngraph LR\n  A[R3]',
    "variables": '%%{init: {"themeVariables": {"fontFamily": "x; background:url(https://evil.example/variables)"}}}%%\ngraph LR\n  A[R4]',
}
REQUESTING = (
    "# Requests\n\n```{dep-meta}\n:status: In Progress\n:authors: @alice\n:category: Process\n```\n\n"
    + "".join(f"```mermaid\n{text}\n```\n\n" for text in REQUESTS.values())
)

PROPOSAL = (
    "# Diagrams\n\n```{dep-meta}\n:status: In Progress\n:authors: @alice\n:category: Process\n```\n\n"
    + "".join(f"## D{i}\n\n```mermaid\n{text}\n```\n\n" for i, text in enumerate(DIAGRAMS))
)


def _site(root: Path, conf: str = CONF) -> Path:
    files = {"deps/0001-diagrams.md": PROPOSAL, "deps/0002-requests.md": REQUESTING}
    src = write_project(root / "src", files, conf=conf)
    build = build_in_process(src, root / "out")
    assert build.warnings == []
    return build.outdir


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(_site(tmp_path_factory.mktemp("diagrams")))


@pytest.fixture(scope="module")
def trusting_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same proposals where every author is trusted (dep_raw_html = "all"): mermaid's
    own settings only."""
    conf = (
        CONF
        + 'dep_raw_html = "all"\nmermaid_init_config = {"startOnLoad": False, "securityLevel": "strict"}\n'
    )
    yield from serve(_site(tmp_path_factory.mktemp("trusting"), conf))


def requests_elsewhere(browser_context: Any, url: str) -> list[str]:
    page = browser_context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "evil.example" in request.url else None)
    try:
        page.goto(url + "deps/0002-requests.html")
        page.wait_for_function(
            "document.querySelectorAll('.mermaid svg').length === document.querySelectorAll('.mermaid').length",
            timeout=20000,
        )
        page.wait_for_timeout(500)
    finally:
        page.close()
    return sorted(set(asked))


def test_a_diagram_cannot_ask_another_site_through_its_settings(base_url: str, browser_context: Any) -> None:
    assert requests_elsewhere(browser_context, base_url) == []


def test_the_request_check_can_fail(trusting_url: str, browser_context: Any) -> None:
    assert requests_elsewhere(browser_context, trusting_url) == [
        "https://evil.example/font",
        "https://evil.example/front",
        "https://evil.example/theme",
    ]


#: Points of the viewport, scanned at every scroll position.
_COVERED = """() => {
  const hits = [];
  for (let y = 5; y < innerHeight; y += 60) {
    for (let x = 5; x < innerWidth; x += 60) {
      const el = document.elementFromPoint(x, y);
      if (!el) continue;
      const box = el.closest('.mermaid');
      if (!box) continue;
      const r = box.getBoundingClientRect();
      if (x < r.left || x > r.right || y < r.top || y > r.bottom) hits.push([x, y, box.textContent.slice(0, 20)]);
    }
  }
  return hits;
}"""


def diagram_outside_its_box(page: Any) -> list[Any]:
    """Points outside every diagram's box where the browser shows a diagram, page by page."""
    found = []
    height = page.evaluate("document.documentElement.scrollHeight")
    for top in range(0, height, 800):
        page.evaluate(f"window.scrollTo(0, {top})")
        page.wait_for_timeout(100)
        found += page.evaluate(_COVERED)
    return found


def _open(browser_context: Any, url: str, extra_css: str = "") -> Any:
    page = browser_context.new_page()
    page.goto(url + "deps/0001-diagrams.html")
    if extra_css:
        page.add_style_tag(content=extra_css)
    page.wait_for_function(
        "document.querySelectorAll('.mermaid svg').length === document.querySelectorAll('.mermaid').length",
        timeout=20000,
    )
    return page


@pytest.mark.parametrize("site", ["base_url", "trusting_url"])
def test_a_diagram_cannot_cover_the_page(
    site: str, request: pytest.FixtureRequest, browser_context: Any
) -> None:
    """Held twice: by mermaid's settings (a diagram cannot set themeCSS) and, where every
    author is trusted and a diagram may, by the paint containment alone."""
    page = _open(browser_context, request.getfixturevalue(site))
    try:
        assert page.locator(".mermaid svg").count() == len(DIAGRAMS)
        assert diagram_outside_its_box(page) == []
        banner = page.locator(".dep-banner")
        assert banner.is_visible()
        page.evaluate("window.scrollTo(0, 0)")
        top = page.evaluate(
            "(() => { const r = document.querySelector('.dep-banner').getBoundingClientRect();"
            " return document.elementFromPoint(r.left + 5, r.top + 5).closest('.dep-banner') !== null; })()"
        )
        assert top, "the banner is covered"
    finally:
        page.close()


def test_the_check_can_fail(trusting_url: str, browser_context: Any) -> None:
    page = _open(browser_context, trusting_url, ".mermaid { contain: none !important; }")
    try:
        assert diagram_outside_its_box(page) != []
    finally:
        page.close()
