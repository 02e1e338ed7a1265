"""A site scaffolded by ``dep init``, as a reader sees it at a phone's width and a wide screen.

``dep init`` writes the project; three proposals written for GitHub go in (a legacy one
with several ``#`` sections, a mermaid diagram, GitHub anchor links and a wide table; an
implemented one with implementation links; an unnumbered draft); the site is built with
``-nW`` (no warning) and opened in headless Chromium at 390 and 1400 px. Each check is a
function raising ``AssertionError``; each ``*_can_fail`` test runs it over a page doctored
in flight and expects it to fail, so no check passes by accident.

With the legacy corpus at hand (``DEP_CORPUS``), the adopted corpus is shot too: those
screenshots, with ``DEP_UPDATE_SCREENSHOTS=1``, are the ones ``docs/adopting.md`` shows.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import sphinx_build
from test_browser import ARTIFACTS, SCREENSHOTS, Errors, _why_no_browser, open_page, strip

from sphinxcontrib_dep import cli

pytestmark = pytest.mark.browser

WIDTHS = (390, 1400)

META = ":status: {status}\n:authors: @alice, Bob Builder\n:category: Architecture\n"

LEGACY = """# Error Propagation during Response Streaming

```{{dep-meta}}
:status: Approved
:authors: @nnshah1, @kthui
:category: Architecture
:sponsor: @ryanolson
:required-reviewers: @ryanolson (Approved), @grahamking (Approved)
:review-date: 2025-07-09
:pull-request: https://github.com/ai-dynamo/enhancements/pull/15
:implementation: https://github.com/ai-dynamo/dynamo/pull/1671
```

# Summary

Errors met while streaming reach the client. See [Part 1](#part-1-add-a-new-generate-method)
and the [alternatives](#Alternate-Solutions).

> [!NOTE]
> The router is unchanged.

- [x] error type defined
- [ ] client updated

# Motivation

{filler}

# Proposal

| Layer | Before | After | Owner | Notes |
| ----- | ------ | ----- | ----- | ----- |
| network-router-egress-addressed | drops the response silently | returns `Err(StreamError::Disconnected)` | runtime-team | see https://github.com/ai-dynamo/dynamo/blob/main/lib/runtime/src/pipeline/network/egress/addressed_router.rs |

```mermaid
graph LR
  Client --> Router
  Router --> Worker
  Worker -- error --> Client
```

{filler}

### Part 1: Add a New Generate Method

{filler}

{filler}

# Alternate Solutions

{filler}

{filler}

{filler}

{filler}
"""

IMPLEMENTED = """# Faster Builds

```{{dep-meta}}
{meta}:implementation: https://github.com/ai-dynamo/dynamo/pull/2001, https://gitlab.example.com/infra/ci/-/blob/main/pipelines/build-cache.yml
```

## Summary

Builds reuse a cache.

## Motivation

Builds are slow.

## Proposal

A shared cache.

## Alternate Solutions

N/A
"""

DRAFT = """# Retry Failed Webhook Deliveries

```{{dep-meta}}
{meta}```

## Summary

Retry them.
"""

FILLER = " ".join(["The stream carries responses until the server has produced them all."] * 12)


def write_site(root: Path) -> Path:
    site = root / "site"
    assert cli.main(["init", str(site)]) == 0
    deps = site / "deps"
    (deps / "0001-stream-res-err.md").write_text(LEGACY.format(filler=FILLER))
    (deps / "0002-faster-builds.md").write_text(IMPLEMENTED.format(meta=META.format(status="Implemented")))
    (deps / "0000-retry-failed-webhook-deliveries.md").write_text(
        DRAFT.format(meta=META.format(status="In Progress"))
    )
    return site


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = _why_no_browser()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("scaffolded")
    site = write_site(root)
    build = sphinx_build(site, root / "html", "-nW", "--keep-going")
    assert (build.returncode, build.warnings) == (0, []), build.output
    return root / "html"


def _serve(directory: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def url(scaffolded: Path) -> Iterator[str]:
    yield from _serve(scaffolded)


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def tab(request: pytest.FixtureRequest, browser_context: Any) -> Iterator[Any]:
    """A tab at one width; the test fails if a page logged an error."""
    page = browser_context.new_page()
    page.set_viewport_size({"width": request.param, "height": 900})
    page.set_default_timeout(8000)
    errors = Errors()
    errors.watch(page)
    try:
        yield page
    finally:
        page.close()
    assert list(errors) == [], "the page logged errors"


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def quiet_tab(request: pytest.FixtureRequest, browser_context: Any) -> Iterator[Any]:
    """A tab for a doctored page (which may well log errors: that is the point)."""
    page = browser_context.new_page()
    page.set_viewport_size({"width": request.param, "height": 900})
    page.set_default_timeout(8000)
    try:
        yield page
    finally:
        page.close()


def shot(page: Any, name: str, *, docs: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    if docs and os.environ.get("DEP_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"))


PROPOSAL = "deps/0001-stream-res-err.html"
IMPLEMENTED_PAGE = "deps/0002-faster-builds.html"
DRAFT_PAGE = "deps/0000-retry-failed-webhook-deliveries.html"
ANCHOR = "part-1-add-a-new-generate-method"

# --------------------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------------------

#: How a label's lines are counted: its height over its line height.
_LINES = """el => {
  const style = getComputedStyle(el);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
  return Math.round(el.getBoundingClientRect().height / line);
}"""


def check_card_labels(page: Any) -> None:
    """The card's labels (Authors, Sponsor, ...) and its id are whole words on one line."""
    labels = page.locator(".dep-card dt, .dep-card .dep-id, .dep-card .dep-badge")
    assert labels.count() >= 3, "the card shows its labels"
    for label in labels.all():
        text = label.inner_text().strip()
        assert label.evaluate(_LINES) == 1, f"the card's label {text!r} sits on one line"


def check_ids_do_not_wrap(page: Any) -> None:
    ids = page.locator(".dep-index .dep-id")
    assert ids.count() >= 2, "the index shows the proposals' ids"
    for cell in ids.all():
        assert cell.evaluate(_LINES) == 1, f"{cell.inner_text()!r} sits on one line"


#: Elements wider than the column they sit in, outside a box that scrolls sideways. (furo
#: lets headings bleed 8 px each side, for the background of their permalink.)
_OVERFLOW = """() => {
  const main = document.querySelector('article, [role=main]') || document.body;
  const right = main.getBoundingClientRect().right + 8.5;
  const found = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) found.push('the page scrolls sideways');
  for (const el of main.querySelectorAll('*')) {
    let boxed = false;
    for (let up = el.parentElement; up && up !== main; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') { boxed = true; break; }
    }
    if (!boxed && el.getBoundingClientRect().right > right && el.getClientRects().length)
      found.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.'));
  }
  return found.slice(0, 5);
}"""


def check_nothing_overflows(page: Any) -> None:
    assert page.evaluate(_OVERFLOW) == [], "nothing runs out of its column"


def check_mermaid_drawn(page: Any, count: int = 1, label: str = "Router") -> None:
    page.wait_for_function(f"document.querySelectorAll('.mermaid svg').length >= {count}")
    svgs = page.locator(".mermaid svg")
    assert svgs.count() == count, "each mermaid block is drawn as an SVG"
    box = svgs.first.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 30, "the diagram has a size"
    assert label in (svgs.first.text_content() or ""), "the diagram shows its labels"


def check_anchor_lands(page: Any) -> None:
    """A GitHub anchor link (written in the proposal for GitHub) lands on its heading."""
    link = page.locator(f'a[href="#{ANCHOR}"]').first
    assert link.count() == 1, "the GitHub anchor link is a link"
    link.click()
    heading = page.locator("h3", has_text="Part 1: Add a New Generate Method")
    # furo scrolls smoothly: give it the time a reader would.
    for _ in range(30):
        box = heading.bounding_box()
        if box is not None and -5 <= box["y"] <= 150:
            break
        page.wait_for_timeout(100)
    assert box is not None and -5 <= box["y"] <= 150, "the page scrolled to the heading"


def check_graph_readable(page: Any) -> None:
    svg = page.locator(".dep-graph svg")
    assert svg.count() == 1, "the home page shows the graph"
    labels = [text.strip() for text in svg.locator("text").evaluate_all("els => els.map(e => e.textContent)")]
    assert "ai-dynamo/dynamo#2001" in labels and "build-cache.yml" in labels, "links have short labels"
    sizes = svg.locator("text").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert min(sizes) >= 11, "the graph's text is readable at default zoom"
    legend = [t.strip() for t in page.locator(".dep-graph-legend li").all_inner_texts()]
    assert {"Approved", "Implemented", "replaces", "implemented by"} <= set(legend), "the graph has a legend"


def check_closed_card(page: Any) -> None:
    approval = page.locator(".dep-card .dep-approval").inner_text()
    assert "yet" not in approval, "a closed proposal's card does not say 'yet'"


def check_draft_id(page: Any) -> None:
    assert page.locator(".dep-card .dep-id").inner_text().strip() == "Draft"


# --------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------


def test_home_page(tab: Any, url: str) -> None:
    open_page(tab, url, "index.html")
    check_ids_do_not_wrap(tab)
    check_nothing_overflows(tab)
    check_graph_readable(tab)
    shot(tab, "scaffold-home")


def test_proposal_page(tab: Any, url: str) -> None:
    open_page(tab, url, PROPOSAL)
    check_card_labels(tab)
    check_mermaid_drawn(tab)
    check_nothing_overflows(tab)
    shot(tab, "scaffold-proposal")
    check_anchor_lands(tab)


def test_traceability_and_review_pages(tab: Any, url: str) -> None:
    for path in ("traceability.html", "review.html"):
        open_page(tab, url, path)
        check_nothing_overflows(tab)
    shot(tab, "scaffold-review")


def test_closed_and_draft_cards(tab: Any, url: str) -> None:
    open_page(tab, url, IMPLEMENTED_PAGE)
    check_card_labels(tab)
    check_closed_card(tab)
    open_page(tab, url, DRAFT_PAGE)
    check_draft_id(tab)


@pytest.fixture(scope="module")
def default_theme_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same site in Sphinx's default theme (alabaster), for projects that keep it."""
    reason = _why_no_browser()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("default-theme")
    site = write_site(root)
    conf = site / "conf.py"
    conf.write_text(conf.read_text().replace('html_theme = "furo"', 'html_theme = "alabaster"'))
    build = sphinx_build(site, root / "html", "-nW", "--keep-going")
    assert (build.returncode, build.warnings) == (0, []), build.output
    yield from _serve(root / "html")


def test_default_theme(tab: Any, default_theme_url: str) -> None:
    open_page(tab, default_theme_url, PROPOSAL)
    check_card_labels(tab)
    check_nothing_overflows(tab)
    shot(tab, "default-theme-proposal")
    for path in ("index.html", "traceability.html", "review.html"):
        open_page(tab, default_theme_url, path)
        check_nothing_overflows(tab)
    open_page(tab, default_theme_url, "index.html")
    check_ids_do_not_wrap(tab)


# Each check, shown able to fail.


def test_card_label_check_can_fail(quiet_tab: Any, url: str) -> None:
    def doctor(html: str) -> str:
        # A theme whose field lists give their labels a narrow column (alabaster did).
        style = ".dep-card dl.dep-fields > dt{white-space:normal!important;word-break:break-all!important;width:1ch}"
        return html.replace("</head>", f"<style>{style}</style></head>")

    open_page(quiet_tab, url, PROPOSAL, doctor=doctor)
    with pytest.raises(AssertionError, match="sits on one line"):
        check_card_labels(quiet_tab)


def test_id_wrap_check_can_fail(quiet_tab: Any, url: str) -> None:
    def doctor(html: str) -> str:
        return html.replace(
            "</head>",
            "<style>.dep-index .dep-id{white-space:normal!important;word-break:break-all;display:inline-block;width:2ch}</style></head>",
        )

    open_page(quiet_tab, url, "index.html", doctor=doctor)
    with pytest.raises(AssertionError, match="sits on one line"):
        check_ids_do_not_wrap(quiet_tab)


def test_overflow_check_can_fail(quiet_tab: Any, url: str) -> None:
    # Without the box that scrolls, the wide table runs out of the column.
    doctor = functools.partial(strip, pattern=r"dep-table-scroll")
    open_page(quiet_tab, url, "traceability.html", doctor=doctor)
    quiet_tab.add_style_tag(content="table.dep-table{width:1200px!important}")
    with pytest.raises(AssertionError, match="out of its column"):
        check_nothing_overflows(quiet_tab)


def test_mermaid_check_can_fail(quiet_tab: Any, url: str) -> None:
    doctor = functools.partial(
        strip, pattern=r'<script src="\.\./_static/mermaid/mermaid\.min\.js[^"]*"></script>'
    )
    open_page(quiet_tab, url, PROPOSAL, doctor=doctor)
    with pytest.raises(Exception, match=r"Timeout|drawn"):
        check_mermaid_drawn(quiet_tab)


def test_anchor_check_can_fail(quiet_tab: Any, url: str) -> None:
    doctor = functools.partial(strip, pattern=rf'id="{ANCHOR}"')
    open_page(quiet_tab, url, PROPOSAL, doctor=doctor)
    with pytest.raises(AssertionError, match="scrolled to the heading"):
        check_anchor_lands(quiet_tab)


def test_graph_check_can_fail(quiet_tab: Any, url: str) -> None:
    doctor = functools.partial(strip, pattern=r'<ul class="dep-graph-legend".*?</ul>')
    open_page(quiet_tab, url, "index.html", doctor=doctor)
    with pytest.raises(AssertionError, match="legend"):
        check_graph_readable(quiet_tab)


def test_closed_card_check_can_fail(quiet_tab: Any, url: str) -> None:
    def doctor(html: str) -> str:
        return html.replace("No required reviewers were recorded.", "No required reviewers yet.")

    open_page(quiet_tab, url, IMPLEMENTED_PAGE, doctor=doctor)
    with pytest.raises(AssertionError, match="'yet'"):
        check_closed_card(quiet_tab)


# --------------------------------------------------------------------------------------
# The adopted corpus: the screenshots of docs/adopting.md
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from test_migrate import CORPUS

    reason = _why_no_browser()
    if reason:
        pytest.skip(reason)
    if not (CORPUS / "deps").is_dir():
        pytest.skip(f"the legacy corpus is not at {CORPUS} (set DEP_CORPUS)")
    root = tmp_path_factory.mktemp("corpus-site")
    repo = root / "enhancements"
    shutil.copytree(CORPUS, repo, ignore=shutil.ignore_patterns(".dep.lock"))
    for path in [repo, *repo.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        assert cli.main(["init", "."]) == 0
        assert cli.main(["migrate", "--in-place", "deps"]) == 0
    finally:
        os.chdir(cwd)
    build = sphinx_build(repo, root / "html", "--keep-going")
    assert build.returncode == 0, build.output
    yield from _serve(root / "html")


def test_adopted_corpus(tab: Any, corpus_url: str) -> None:
    open_page(tab, corpus_url, "index.html")
    check_ids_do_not_wrap(tab)
    check_nothing_overflows(tab)
    shot(tab, "adopted-home", docs=True)
    open_page(tab, corpus_url, "deps/0013-multimodal-embedding-cache.html")
    check_card_labels(tab)
    check_mermaid_drawn(tab, count=3, label="Encode Worker")
    check_nothing_overflows(tab)
    shot(tab, "adopted-proposal", docs=True)
    tab.locator(".mermaid svg").first.scroll_into_view_if_needed()
    if os.environ.get("DEP_UPDATE_SCREENSHOTS") and tab.viewport_size["width"] == 1400:
        tab.screenshot(path=str(SCREENSHOTS / "adopted-diagram-1400.png"))
