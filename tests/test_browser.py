"""The site as a person sees it: the built docs/ + deps/, opened in headless Chromium.

The site is built once per session into a temporary folder and served from a local HTTP
server; Playwright drives Debian's ``chromium`` (Playwright's own browser download cannot
work offline). Each check is a function that raises ``AssertionError``; the ``*_can_fail``
tests run the same function over a page doctored in flight (a card, badge, filter or graph
removed) and expect it to fail, so no check passes by accident.

Screenshots go to ``tests/artifacts/``; with ``DEP_UPDATE_SCREENSHOTS=1`` the index and one
proposal are also copied to ``docs/_static/screenshots/`` (shown in the README).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, REPO, serve, sphinx_build

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "tests" / "artifacts"
#: Screenshots the README shows, refreshed with ``DEP_UPDATE_SCREENSHOTS=1``.
README_SCREENSHOTS = {"index", "proposal"}
SCREENSHOTS = REPO / "docs" / "_static" / "screenshots"
DEPS = REPO / "deps"

#: The proposal whose page the tests look at: it has reviewers in three states.
PROPOSAL = "deps/0009-sensitive-proposals.html"
#: The process proposal: two rejected alternatives and two phases.
PROCESS = "deps/0001-enhancement-proposal-process.html"


def _why_no_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install playwright)"
    if not Path(CHROMIUM).is_file():
        return f"chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


# --------------------------------------------------------------------------------------
# fixtures: the site, a server, a browser
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site, built as ``nox -s docs`` builds it (warnings are errors)."""
    reason = _why_no_browser()
    if reason:
        pytest.skip(reason)
    outdir = tmp_path_factory.mktemp("site") / "html"
    build = sphinx_build(REPO / "docs", outdir, "-nW", "--keep-going", "-E")
    assert build.returncode == 0, build.output + "\n".join(build.warnings)
    return outdir


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    yield from serve(site)


class Errors(list[str]):
    """Console errors, uncaught exceptions and failed requests of one page."""

    def _console(self, msg: Any) -> None:
        # Chromium asks for /favicon.ico on its own for a page that names no icon (sphinx-needs'
        # permalink.html); that request is the browser's, not the page's, and the site has none.
        if msg.type == "error" and not (msg.location or {}).get("url", "").endswith("/favicon.ico"):
            self.append(f"console: {msg.text}")

    def watch(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.append(f"exception: {exc}"))
        # ERR_ABORTED: a navigation that was cut short (a redirect, a closed tab), not a failure.
        page.on(
            "requestfailed",
            lambda req: (
                "ERR_ABORTED" not in (req.failure or "") and self.append(f"failed: {req.url} {req.failure}")
            ),
        )
        page.on("response", lambda res: res.status >= 400 and self.append(f"HTTP {res.status}: {res.url}"))


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    """A fresh tab; the test fails if the page logged any error."""
    tab = browser_context.new_page()
    tab.set_default_timeout(5000)  # a missing element fails in seconds, not half a minute
    errors = Errors()
    errors.watch(tab)
    try:
        yield tab
    finally:
        tab.close()
    assert list(errors) == [], "the page logged errors"


def open_page(page: Any, base_url: str, path: str, doctor: Callable[[str], str] | None = None) -> Any:
    """Open ``path``; ``doctor`` rewrites the page's HTML in flight (to break something)."""
    if doctor is not None:
        url = base_url + path

        def fulfill(route: Any) -> None:
            response = route.fetch()
            route.fulfill(response=response, body=doctor(response.text()))

        page.route(url, fulfill)
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    return page


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("DEP_UPDATE_SCREENSHOTS") and name in README_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    return path


def strip(html: str, pattern: str) -> str:
    """The HTML with every match of ``pattern`` removed (must match at least once)."""
    result, count = re.subn(pattern, "", html, flags=re.S)
    assert count, f"the doctoring pattern {pattern!r} matched nothing"
    return result


# --------------------------------------------------------------------------------------
# checks: each raises AssertionError when what a person should see is not there
# --------------------------------------------------------------------------------------


def proposal_titles() -> dict[str, str]:
    """File stem -> title, for every proposal in deps/."""
    titles = {}
    for path in sorted(DEPS.glob("*.md")):
        titles[path.stem] = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# ").strip()
    return titles


def check_card(page: Any) -> None:
    card = page.locator(".dep-card")
    assert card.count() == 1, "a proposal page shows exactly one metadata card"
    assert card.is_visible(), "the card is visible"
    badge = card.locator(".dep-card-header .dep-badge").first
    assert badge.is_visible(), "the card shows a status badge"
    assert badge.inner_text().strip() == "Under Review"
    assert card.locator(".dep-id").inner_text().strip() == "DEP-0009"


def check_reviewer_matrix(page: Any) -> None:
    matrix = page.locator(".dep-card .dep-reviewers")
    assert matrix.count() >= 1 and matrix.first.is_visible(), "the card shows the required reviewers"
    people = [plain(t) for t in matrix.locator(".dep-person").all_inner_texts()]
    assert people == ["Core maintainer", "Security contact", "Docs maintainer"]
    badges = matrix.locator(".dep-badge")
    assert badges.count() == 3, "each reviewer has a verdict badge"
    assert [b.strip() for b in badges.all_inner_texts()] == ["Approved", "Changes Requested", "Reviewing"]
    for badge in badges.all():
        assert badge.is_visible()


def check_alternatives(page: Any) -> None:
    alternatives = page.locator(".dep-alternative")
    assert alternatives.count() == 2, "the page shows its two rejected alternatives"
    titles = [plain(t) for t in page.locator(".dep-alternative .dep-part-title").all_inner_texts()]
    assert titles == ["Documents in a shared drive", "GitHub issues and discussions only"]
    for alternative in alternatives.all():
        assert alternative.is_visible()
        assert alternative.locator(".dep-badge").is_visible(), "each alternative is badged"
        for part in (".dep-pros li", ".dep-cons li", ".dep-reason-rejected li"):
            assert alternative.locator(part).count() >= 1, f"each alternative lists {part}"


def check_phases(page: Any) -> None:
    phases = page.locator(".dep-phase")
    assert phases.count() == 2, "the page shows its two phases"
    badges = [b.strip() for b in page.locator(".dep-phase .dep-phase-badge").all_inner_texts()]
    assert badges == ["Phase 0", "Phase 1"]
    for phase in phases.all():
        assert phase.is_visible()
        assert phase.locator(".dep-field-release-target").first.is_visible(), (
            "each phase has its release target"
        )
        assert phase.locator(".dep-supported li").count() >= 1, "each phase says what it supports"


def plain(text: str) -> str:
    """Text with Sphinx's typographic quotes made straight again."""
    return (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .strip()
    )


def check_sidebar(page: Any) -> None:
    """The navigation reaches the manual and the views of the proposals (each proposal is
    listed from the index, not in the navigation of every page: ``dep_navigation``)."""
    links = [plain(text) for text in page.locator(".sidebar-tree a").all_inner_texts()]
    for title in ("Quick start", "The process", "Proposals", "Traceability", "Review report", "Graph"):
        assert title in links, f"the navigation links {title!r}"


def check_status_chart(page: Any) -> None:
    chart = page.locator(".dep-chart")
    assert chart.count() == 1, "the proposals page shows one status chart"
    assert chart.is_visible()
    rows = page.locator(".dep-chart-row")
    counts = {row.get_attribute("data-status"): int(row.get_attribute("data-count")) for row in rows.all()}
    assert sum(counts.values()) == len(proposal_titles()), "the chart counts every proposal"
    for row in rows.all():
        width = row.locator(".dep-chart-bar").bounding_box()["width"]
        status, count = row.get_attribute("data-status"), int(row.get_attribute("data-count"))
        assert (width > 0) is (count > 0), f"the {status} bar is drawn as wide as its count"


def expected_ids() -> dict[str, str]:
    """Title -> the id the index shows: ``DEP-0007``, or ``draft`` for an unnumbered draft."""
    ids = {}
    for stem, title in proposal_titles().items():
        number = int(stem[:4])
        ids[title] = f"DEP-{number:04d}" if number else "draft"
    return ids


def check_index(page: Any) -> None:
    """The numerical index has one row per proposal: its id, its title (a link) and a badge."""
    table = page.locator(".dep-index table.dep-index-table").last
    assert table.count() == 1 and table.is_visible(), "the index shows its numerical table"
    rows = table.locator("tbody tr")
    seen = {}
    for row in rows.all():
        cells = row.locator("td")
        title = plain(cells.nth(1).inner_text())
        badge = row.locator(".dep-badge")
        assert badge.count() == 1 and badge.is_visible(), f"{title}: a status badge"
        assert row.locator("a").count() >= 1, f"{title}: a link to the proposal"
        seen[title] = plain(cells.nth(0).inner_text())
    assert seen == expected_ids(), "the index lists every proposal once"


def traceability_rows(page: Any) -> list[str]:
    """Ids of the traceability rows a person can see."""
    rows = page.locator(".dep-traceability table tbody tr")
    return [plain(row.locator("td").first.inner_text()) for row in rows.all() if row.is_visible()]


def check_filter(page: Any) -> None:
    every = traceability_rows(page)
    assert len(every) == len(proposal_titles()), "before typing, every proposal is shown"
    box = page.locator(".dep-filterable input.dep-filter")
    assert box.is_visible(), "the filter box is shown"
    box.fill("numbers")
    assert traceability_rows(page) == ["DEP-0006", "DEP-0007"], "typing narrows the rows"
    box.fill("numbers superseded")
    assert traceability_rows(page) == ["DEP-0006"], "every word must match"
    box.fill("")
    assert traceability_rows(page) == every, "clearing the box shows every row again"


def check_graph(page: Any, base_url: str) -> None:
    svg = page.locator(".dep-graph svg")
    assert svg.count() == 1, "the graph page shows one graph"
    box = svg.bounding_box()
    assert svg.is_visible() and box is not None and box["width"] > 200 and box["height"] > 200, "it is drawn"
    links = svg.locator("a")
    targets = {link.get_attribute("xlink:href") or link.get_attribute("href") for link in links.all()}
    pages = sorted(t for t in targets if t and t.startswith("deps/"))
    numbered = [stem for stem in proposal_titles() if int(stem[:4])]
    assert len(pages) == len(numbered), "every numbered proposal is a node that links to its page"
    # Clicking a node opens the proposal's page at its card.
    node = svg.locator('a[*|href^="deps/0007-"]').first
    node.click()
    page.wait_for_url("**/deps/0007-*.html#DEP-0007")
    assert page.locator(".dep-card .dep-id").inner_text().strip() == "DEP-0007"


# --------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------


def test_home_page(page: Any, base_url: str) -> None:
    open_page(page, base_url, "index.html")
    assert page.title().startswith("sphinxcontrib-dep")
    check_sidebar(page)
    screenshot(page, "home")


def test_proposals_page_shows_status_chart_and_index(page: Any, base_url: str) -> None:
    open_page(page, base_url, "proposals.html")
    check_status_chart(page)
    check_index(page)
    screenshot(page, "index")


def test_index_check_fails_without_badges(page: Any, base_url: str) -> None:
    doctor = functools.partial(strip, pattern=r'<span class="dep-badge dep-status-under-review">[^<]*</span>')
    open_page(page, base_url, "proposals.html", doctor=doctor)
    with pytest.raises(AssertionError, match="a status badge"):
        check_index(page)


def test_index_check_fails_when_a_proposal_is_missing(page: Any, base_url: str) -> None:
    def doctor(html: str) -> str:
        # The numerical index is the last table; drop its row of the unnumbered draft.
        head, _, table = html.rpartition("dep-index-table")
        return (
            head + "dep-index-table" + strip(table, r'<tr class="dep-row dep-row-in-progress[^"]*">.*?</tr>')
        )

    open_page(page, base_url, "proposals.html", doctor=doctor)
    with pytest.raises(AssertionError, match="every proposal once"):
        check_index(page)


def test_traceability_filter_narrows_rows(page: Any, base_url: str) -> None:
    open_page(page, base_url, "traceability.html")
    check_filter(page)
    page.locator(".dep-filterable input.dep-filter").fill("numbers")
    screenshot(page, "traceability-filtered")


def test_filter_check_fails_without_the_script(page: Any, base_url: str) -> None:
    doctor = functools.partial(strip, pattern=r'<script src="_static/dep\.js[^"]*"></script>')
    open_page(page, base_url, "traceability.html", doctor=doctor)
    # Without the script the form stays hidden: no box that does nothing.
    with pytest.raises(AssertionError, match="the filter box is shown"):
        check_filter(page)


def test_graph_is_visible_and_its_nodes_open_proposals(page: Any, base_url: str) -> None:
    open_page(page, base_url, "graph.html")
    screenshot(page, "graph")
    check_graph(page, base_url)


def test_graph_check_fails_when_the_graph_is_missing(page: Any, base_url: str) -> None:
    doctor = functools.partial(strip, pattern=r"<svg\b.*?</svg>")
    open_page(page, base_url, "graph.html", doctor=doctor)
    with pytest.raises(AssertionError, match="one graph"):
        check_graph(page, base_url)


def test_graph_check_fails_when_nodes_do_not_link(page: Any, base_url: str) -> None:
    doctor = functools.partial(strip, pattern=r'xlink:href="deps/[^"]*"')
    open_page(page, base_url, "graph.html", doctor=doctor)
    with pytest.raises(AssertionError, match="links to its page"):
        check_graph(page, base_url)


def test_chart_check_fails_when_bars_are_not_drawn(page: Any, base_url: str) -> None:
    doctor = functools.partial(strip, pattern=r'style="width: [\d.]+%"')
    open_page(page, base_url, "proposals.html", doctor=doctor)
    with pytest.raises(AssertionError, match="as wide as its count"):
        check_status_chart(page)


def test_proposal_page_shows_card_and_reviewer_matrix(page: Any, base_url: str) -> None:
    open_page(page, base_url, PROPOSAL)
    check_card(page)
    check_reviewer_matrix(page)
    screenshot(page, "proposal")


def test_proposal_page_shows_alternatives_and_phases(page: Any, base_url: str) -> None:
    open_page(page, base_url, PROCESS)
    check_alternatives(page)
    check_phases(page)
    screenshot(page, "process-proposal")


def test_alternatives_check_fails_when_one_is_not_rendered(page: Any, base_url: str) -> None:
    def doctor(html: str) -> str:
        return html.replace('class="dep-alternative docutils', 'class="docutils', 1)

    open_page(page, base_url, PROCESS, doctor=doctor)
    with pytest.raises(AssertionError, match="two rejected alternatives"):
        check_alternatives(page)


def test_phases_check_fails_without_their_lists(page: Any, base_url: str) -> None:
    doctor = functools.partial(strip, pattern=r'<ul class="dep-supported simple">.*?</ul>')
    open_page(page, base_url, PROCESS, doctor=doctor)
    with pytest.raises(AssertionError, match="what it supports"):
        check_phases(page)


def test_card_check_fails_without_the_card(page: Any, base_url: str) -> None:
    open_page(page, base_url, PROPOSAL, doctor=lambda html: html.replace('class="dep-card', 'class="x-card'))
    with pytest.raises(AssertionError, match="exactly one metadata card"):
        check_card(page)


def test_card_check_fails_without_the_status_badge(page: Any, base_url: str) -> None:
    doctor = functools.partial(strip, pattern=r'<span class="dep-badge dep-status-[a-z-]+">[^<]*</span>')
    open_page(page, base_url, PROPOSAL, doctor=doctor)
    with pytest.raises(AssertionError):
        check_card(page)


def test_reviewer_matrix_check_fails_without_verdicts(page: Any, base_url: str) -> None:
    doctor = functools.partial(strip, pattern=r'<span class="dep-badge dep-review-[a-z-]+">[^<]*</span>')
    open_page(page, base_url, PROPOSAL, doctor=doctor)
    with pytest.raises(AssertionError):
        check_reviewer_matrix(page)


def all_pages(site: Path) -> list[str]:
    skip = {"genindex.html", "search.html"}
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).parts[0].startswith("_") and p.name not in skip
    )


def test_no_page_logs_an_error(browser_context: Any, base_url: str, site: Path) -> None:
    pages = all_pages(site)
    assert len(pages) > 15
    problems: dict[str, list[str]] = {}
    for path in pages:
        tab = browser_context.new_page()  # one tab per page: its listeners see only that page
        errors = Errors()
        errors.watch(tab)
        try:
            open_page(tab, base_url, path)
        finally:
            tab.close()
        if errors:
            problems[path] = list(errors)
    assert problems == {}


def test_error_watch_catches_a_script_error(browser_context: Any, base_url: str) -> None:
    tab = browser_context.new_page()
    errors = Errors()
    errors.watch(tab)
    try:

        def doctor(html: str) -> str:
            return html.replace("</body>", "<script>console.error('broken'); missing()</script></body>")

        open_page(tab, base_url, "index.html", doctor=doctor)
    finally:
        tab.close()
    assert any("broken" in e for e in errors) and any("missing" in e for e in errors)


# --------------------------------------------------------------------------------------
# banners, shareable views (issue 15)
# --------------------------------------------------------------------------------------

SUPERSEDED = "deps/0006-numbers-at-pull-request.html"
REJECTED = "deps/0010-hosted-web-application.html"


def route_script(page: Any, doctor: Callable[[str], str]) -> None:
    """Serve ``dep.js`` rewritten by ``doctor`` (to break one behaviour of the script)."""

    def fulfill(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=doctor(response.text()))

    page.route("**/_static/dep.js*", fulfill)


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, f"the doctoring text {old!r} is not there"
    return text.replace(old, new)


def check_banner(page: Any) -> None:
    banner = page.locator('.dep-banner[role="region"]')
    assert banner.count() == 1, "a superseded proposal shows one banner landmark"
    assert banner.is_visible(), "the banner is visible"
    assert banner.get_attribute("aria-label") == "Superseded proposal"
    assert plain(banner.locator(".dep-banner-label").inner_text()) == "Superseded", (
        "the kind is said in words"
    )
    card_top = page.locator(".dep-card").bounding_box()["y"]
    assert banner.bounding_box()["y"] < card_top, "the banner is above the card"
    successor = banner.locator("a.dep-banner-successor")
    assert successor.count() == 1, "the banner links the successor"
    successor.click()
    page.wait_for_url("**/deps/0007-*.html#DEP-0007")
    assert page.locator(".dep-card .dep-id").inner_text().strip() == "DEP-0007", (
        "the link opens the successor"
    )


def test_superseded_banner_links_to_its_successor(page: Any, base_url: str) -> None:
    open_page(page, base_url, SUPERSEDED)
    screenshot(page, "banner-superseded")
    check_banner(page)


def test_banner_check_fails_without_the_successor_link(page: Any, base_url: str) -> None:
    doctor = functools.partial(strip, pattern=r'<a class="dep-banner-successor[^>]*>.*?</a>')
    open_page(page, base_url, SUPERSEDED, doctor=doctor)
    with pytest.raises(AssertionError, match="links the successor"):
        check_banner(page)


def test_banner_check_fails_when_the_link_goes_elsewhere(page: Any, base_url: str) -> None:
    def doctor(html: str) -> str:
        return re.sub(
            r'(<a class="dep-banner-successor[^"]*" href=")[^"]*',
            r"\g<1>0008-graphviz-not-plantuml.html#DEP-0008",
            html,
        )

    open_page(page, base_url, SUPERSEDED, doctor=doctor)
    with pytest.raises(Exception):  # noqa: B017 -- the wait for the successor's address times out
        check_banner(page)


def _rgb(text: str) -> tuple[float, float, float, float]:
    values = [float(v) for v in re.findall(r"[\d.]+", text)]
    return (values[0], values[1], values[2], values[3] if len(values) > 3 else 1.0)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def banner_contrast(page: Any) -> tuple[float, float]:
    """The banner's background luminance and its text's contrast ratio against it."""
    colours = page.locator(".dep-banner").evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    )
    background, text = _rgb(colours[0]), _rgb(colours[1])
    alpha = text[3]
    blended = tuple(text[i] * alpha + background[i] * (1 - alpha) for i in range(3))
    lb, lt = _luminance(background[:3]), _luminance(blended)  # type: ignore[arg-type]
    return lb, (max(lb, lt) + 0.05) / (min(lb, lt) + 0.05)


def check_banner_theme(page: Any, base_url: str, path: str = REJECTED) -> None:
    for scheme, dark in (("light", False), ("dark", True)):
        page.emulate_media(color_scheme=scheme)
        open_page(page, base_url, path)
        background, contrast = banner_contrast(page)
        assert (background < 0.2) is dark, f"the banner follows the {scheme} theme"
        assert contrast >= 4.5, f"the banner's text is readable in the {scheme} theme ({contrast:.1f}:1)"
    page.emulate_media(color_scheme="light")


def test_banner_follows_light_and_dark_themes(page: Any, base_url: str) -> None:
    check_banner_theme(page, base_url)
    page.emulate_media(color_scheme="dark")
    open_page(page, base_url, REJECTED)
    screenshot(page, "banner-rejected-dark")
    page.emulate_media(color_scheme="light")


def test_banner_theme_check_fails_without_the_dark_colours(page: Any, base_url: str) -> None:
    def fulfill(route: Any) -> None:
        response = route.fetch()
        css = re.sub(r'body\[data-theme="(dark|auto)"\] \.dep-banner-[a-z]+ \{[^}]*\}', "", response.text())
        route.fulfill(response=response, body=css)

    page.route("**/_static/dep.css*", fulfill)
    with pytest.raises(AssertionError, match="follows the dark theme"):
        check_banner_theme(page, base_url)
    page.emulate_media(color_scheme="light")


def visible_ids(page: Any, selector: str = ".dep-traceability table tbody tr") -> list[str]:
    rows = page.locator(selector)
    return [plain(row.locator("td").first.inner_text()) for row in rows.all() if row.is_visible()]


def query(page: Any) -> dict[str, list[str]]:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(page.url).query)


def check_filter_kept_in_url(page: Any) -> None:
    form = page.locator(".dep-traceability form.dep-filters")
    assert form.is_visible(), "the filter form is shown"
    form.locator('select[name="status"]').select_option("superseded")
    form.locator("input.dep-filter").fill("numbers")
    assert visible_ids(page) == ["DEP-0006"], "status and text narrow the rows together"
    assert query(page) == {"status": ["superseded"], "q": ["numbers"]}, "the filter is in the URL"
    page.reload()
    page.wait_for_load_state("load")
    form = page.locator(".dep-traceability form.dep-filters")
    assert form.locator("input.dep-filter").input_value() == "numbers", "the text survives a reload"
    assert form.locator('select[name="status"]').input_value() == "superseded", "the status survives a reload"
    assert visible_ids(page) == ["DEP-0006"], "the reloaded page is filtered"


def test_filter_is_in_the_url_and_survives_a_reload(page: Any, base_url: str) -> None:
    open_page(page, base_url, "traceability.html")
    check_filter_kept_in_url(page)


def test_url_check_fails_when_the_script_keeps_no_state(page: Any, base_url: str) -> None:
    route_script(page, lambda js: replaced(js, "window.history.replaceState(", "void ("))
    open_page(page, base_url, "traceability.html")
    with pytest.raises(AssertionError, match="the filter is in the URL"):
        check_filter_kept_in_url(page)


SHARED = "traceability.html?status=superseded&sort=title&order=asc"


def check_shared_view(page: Any) -> None:
    form = page.locator(".dep-traceability form.dep-filters")
    assert form.locator('select[name="status"]').input_value() == "superseded", "the shared status is chosen"
    # Both superseded proposals, by title ("Numbers ..." before "Proposal ..."), not by number.
    assert visible_ids(page) == ["DEP-0006", "DEP-0002"], "a shared URL opens filtered and sorted"
    assert page.locator(".dep-filter-count").first.inner_text() == "2 of 12 shown"
    header = page.locator(".dep-traceability thead th", has_text="Title")
    assert header.get_attribute("aria-sort") == "ascending", "the sorted column says so"


def test_shared_url_opens_filtered(page: Any, base_url: str) -> None:
    open_page(page, base_url, SHARED)
    screenshot(page, "traceability-shared")
    check_shared_view(page)


def test_shared_view_check_fails_when_the_url_is_not_read(page: Any, base_url: str) -> None:
    route_script(page, lambda js: replaced(js, "var state = readState();", "var state = {};"))
    open_page(page, base_url, SHARED)
    with pytest.raises(AssertionError, match="shared status"):
        check_shared_view(page)


def test_index_filters_by_category_and_person_and_sorts(page: Any, base_url: str) -> None:
    open_page(page, base_url, "proposals.html?category=architecture")
    numerical = ".dep-index table.dep-index-table >> nth=-1"
    ids = [
        plain(t) for t in page.locator(f"{numerical} >> tbody tr:visible td:first-child").all_inner_texts()
    ]
    assert ids == ["DEP-0002", "DEP-0003", "DEP-0004", "DEP-0005", "DEP-0010", "DEP-0011"]
    # Groups of the other categories are hidden, headings with them.
    groups = [plain(t) for t in page.locator(".dep-index p.dep-index-group:visible").all_inner_texts()]
    assert "Process" not in groups and "Architecture" in groups
    # Sorting a column of the numerical table by clicking its header, twice.
    page.locator(f"{numerical} >> thead th >> text=DEP").click()
    page.locator(f"{numerical} >> thead th >> text=DEP").click()
    ids = [
        plain(t) for t in page.locator(f"{numerical} >> tbody tr:visible td:first-child").all_inner_texts()
    ]
    assert ids == ["DEP-0011", "DEP-0010", "DEP-0005", "DEP-0004", "DEP-0003", "DEP-0002"]
    assert query(page) == {"category": ["architecture"], "sort": ["dep"], "order": ["desc"]}


def test_without_the_script_every_row_is_shown_and_no_form(page: Any, base_url: str) -> None:
    doctor = functools.partial(strip, pattern=r'<script src="_static/dep\.js[^"]*"></script>')
    open_page(page, base_url, SHARED, doctor=doctor)
    assert len(visible_ids(page)) == len(proposal_titles()), "every row is shown"
    assert not page.locator("form.dep-filters").first.is_visible(), "no control that does nothing"
