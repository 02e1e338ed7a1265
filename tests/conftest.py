"""Shared fixtures: real Sphinx builds of test roots and of projects written into tmp_path."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]

TESTS = Path(__file__).parent
ROOTS = TESTS / "roots"
FIXTURES = TESTS / "fixtures"
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "dynamo-enhancements"

CONF = 'project = "test"\nextensions = ["sphinxcontrib_dep"]\n'
INDEX = "# Proposals\n\n```{toctree}\n:glob:\n\ndeps/*\n```\n"

_WARNING_RE = re.compile(r"^(?P<where>.*?): (?:WARNING|ERROR|CRITICAL): (?P<message>.*)$")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def normalize_warnings(text: str, srcdir: Path) -> list[str]:
    """Sphinx's warning stream as ``relpath:line: message [type.subtype]`` lines."""
    lines = []
    prefix = str(srcdir).rstrip("/") + "/"
    for raw in text.splitlines():
        raw = re.sub(r"\x1b\[[0-9;]*m", "", raw).strip().replace(prefix, "")
        if not raw:
            continue
        match = _WARNING_RE.match(raw)
        if not match:
            lines.append(raw)
            continue
        where = match.group("where").replace(prefix, "")
        lines.append(f"{where}: {match.group('message')}")
    return lines


@dataclass
class Build:
    srcdir: Path
    outdir: Path
    warnings: list[str]
    returncode: int
    output: str


def sphinx_build(
    srcdir: Path,
    outdir: Path,
    *args: str,
    builder: str = "html",
    check: bool = False,
    env: dict[str, str] | None = None,
) -> Build:
    """Run the real ``sphinx-build`` in a subprocess; return its normalized warnings.

    Warnings go to ``<outdir>-warnings.txt``; ``env`` adds variables to the environment.
    """
    warnfile = outdir.parent / f"{outdir.name}-warnings.txt"
    outdir.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            builder,
            "-q",
            "-w",
            str(warnfile),
            *args,
            str(srcdir),
            str(outdir),
        ],
        capture_output=True,
        text=True,
        cwd=srcdir,
        env={**os.environ, **(env or {})},
    )
    warnings = normalize_warnings(warnfile.read_text() if warnfile.exists() else "", srcdir)
    build = Build(srcdir, outdir, warnings, result.returncode, result.stdout + result.stderr)
    if check:
        assert result.returncode == 0, build.output
        assert warnings == [], "\n".join(warnings)
    return build


def write_project(root: Path, files: dict[str, str], conf: str = CONF, index: str | None = INDEX) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(conf)
    if index is not None and "index.md" not in files and "index.rst" not in files:
        (root / "index.md").write_text(index)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """Write a Sphinx project of proposals into a temporary folder."""

    def make(files: dict[str, str], conf: str = CONF, index: str | None = INDEX) -> Path:
        return write_project(tmp_path / "src", files, conf, index)

    return make


def copy_root(name: str, dest: Path) -> Path:
    shutil.copytree(ROOTS / f"test-{name}", dest)
    return dest


def build_in_process(
    srcdir: Path,
    outdir: Path,
    builder: str = "html",
    confoverrides: dict[str, object] | None = None,
    fresh: bool = True,
) -> Build:
    """A real Sphinx build in this process (faster than a subprocess; same code paths)."""
    import io

    from sphinx.testing.util import SphinxTestApp

    warning = io.StringIO()
    # SphinxTestApp resets docutils' global registries around each app, so many builds
    # can run in one process without "already registered" noise.
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        builddir=outdir,
        confoverrides=confoverrides or {},
        status=io.StringIO(),
        warning=warning,
        freshenv=fresh,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    outdir = Path(app.outdir)
    return Build(srcdir, outdir, normalize_warnings(warning.getvalue(), srcdir), app.statuscode, "")


def load_cases(table: Path) -> dict[str, list[str]]:
    import tomllib

    return {
        name: case["warnings"]
        for name, case in tomllib.loads(table.read_text()).items()
        if "warnings" in case
    }


#: Debian's Chromium, driven by Playwright (whose own browser download cannot work offline).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# One Playwright for the whole session: its sync API runs an event loop in this thread,
# so a second ``sync_playwright()`` while the first is open would fail.
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
