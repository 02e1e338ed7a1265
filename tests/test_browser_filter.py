"""Browser: the traceability filter narrows rows as you type, in a real headless Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, ROOTS, build_in_process

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("filter") / "src"
    shutil.copytree(ROOTS / "test-traceability", src)
    build = build_in_process(src, src.parent / "html")
    assert build.warnings == []
    return build.outdir


@pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="chromium is not installed")
def test_typing_narrows_the_rows(site: Path, browser_context: Any) -> None:
    page = browser_context.new_page()
    try:
        page.goto((site / "traceability.html").as_uri())
        rows = page.locator(".dep-traceability table tbody tr")
        assert rows.count() == 7
        box = page.locator(".dep-filterable input.dep-filter")
        box.fill("error")
        visible = [
            rows.nth(i).inner_text().split("\t")[0].strip() for i in range(7) if rows.nth(i).is_visible()
        ]
        assert visible == ["DEP-0001", "DEP-0003", "DEP-0005"]
        assert page.locator(".dep-filter-count").inner_text() == "3 of 7 shown"
        box.fill("error partial")  # every word must match
        visible = [
            rows.nth(i).inner_text().split("\t")[0].strip() for i in range(7) if rows.nth(i).is_visible()
        ]
        assert visible == ["DEP-0003", "DEP-0005"]
        box.fill("")
        assert all(rows.nth(i).is_visible() for i in range(7))
        assert page.locator(".dep-filter-count").inner_text() == ""
    finally:
        page.close()
