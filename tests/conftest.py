"""Fixtures: Sphinx's own test fixtures over ``tests/roots``, projects in tmp_path, one browser.

Helpers that test modules import are in ``helpers.py``; this file holds fixtures only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CONF,
    INDEX,
    ROOTS,
    Build,
    JsonTextSnapshot,
    TextSnapshot,
    from_app,
    write_project,
)

pytest_plugins = ["sphinx.testing.fixtures"]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where ``@pytest.mark.sphinx(testroot="x")`` finds ``test-x/`` (copied to a temporary folder)."""
    return ROOTS


@pytest.fixture
def html_and_needs(app_params: Any, make_app: Any) -> tuple[Path, Build, Build]:
    """The test root the ``sphinx`` mark names, built as HTML and by sphinx-needs' ``needs`` builder.

    ``sphinx.testing`` copies the root once per session and both builders share its
    environment, so the tests after the first find nothing to read again; a test about
    the warnings of a whole build asks for ``freshenv=True`` in its mark.
    """
    _args, kwargs = app_params
    builds = []
    for builder in ("html", "needs"):
        app = make_app(builder, **kwargs)
        app.build()
        builds.append(from_app(app))
        app.cleanup()  # docutils' registries as they were, before the second app registers again
    return Path(kwargs["srcdir"]), builds[0], builds[1]


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """Write a Sphinx project of proposals into a temporary folder."""

    def make(files: dict[str, str], conf: str = CONF, index: str | None = INDEX) -> Path:
        return write_project(tmp_path / "src", files, conf, index)

    return make


@pytest.fixture
def text_snapshot(snapshot: Any) -> Any:
    """A syrupy snapshot written as ``tests/__snapshots__/<module>/<test>.txt``."""
    return snapshot.use_extension(TextSnapshot)


@pytest.fixture
def json_snapshot(snapshot: Any) -> Any:
    """A syrupy snapshot of a JSON document's text, written as ``<test>.json``."""
    return snapshot.use_extension(JsonTextSnapshot)


# One Playwright per test process (each xdist worker has its own): its sync API runs an
# event loop in this thread, so a second ``sync_playwright()`` while the first is open would fail.
@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()
