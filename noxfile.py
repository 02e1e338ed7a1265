"""Development sessions: ``nox -s tests``, ``lint``, ``docs``, ``docs-live``, ``bench``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "venv"

ROOT = Path(__file__).parent
PYTHON = "3.11"


def install_system_packages(session: nox.Session) -> None:
    """Debian packages the tests and docs use: graphviz (graphs) and chromium (browser tests).

    Installed when missing and we may (root with apt-get); otherwise the tests that need
    them skip and say why.
    """
    missing = [name for name, exe in (("graphviz", "dot"), ("chromium", "chromium")) if not shutil.which(exe)]
    if missing and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        session.run("apt-get", "update", "-qq", external=True, env=env)
        session.run(
            "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, external=True, env=env
        )


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite; arguments go to pytest (``nox -s tests -- -k meta``)."""
    install_system_packages(session)
    session.install("-e", ".[test,docs]")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) over everything, mypy (strict) over the whole package."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the site (docs/ plus the proposals in deps/) with warnings as errors."""
    install_system_packages(session)
    session.install("-e", ".[docs]")
    out = session.posargs[0] if session.posargs else "docs/_build/html"
    session.run("sphinx-build", "-nW", "--keep-going", "-b", "html", "docs", out)
    session.log(f"The site is in {out}/index.html")


@nox.session(name="docs-live", python=PYTHON)
def docs_live(session: nox.Session) -> None:
    """Serve the site and rebuild it on every change to docs/, deps/ or the extension."""
    session.install("-e", ".[docs]")
    session.run(
        "sphinx-autobuild",
        "docs",
        "docs/_build/live",
        "--watch",
        "deps",
        "--watch",
        "sphinxcontrib_dep",
        "--port",
        "8000",
        *session.posargs,
    )


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks: plain Sphinx+MyST against the toolkit, printed as a table and saved as JSON."""
    session.install("-e", ".[docs]")
    session.run("python", "bench/run.py", *session.posargs)
