"""Development sessions: ``nox -s tests``, ``lint``, ``docs``, ``docs-live``, ``bench``, ``matrix``, ``release``.

``tests`` is the one test command (the README's, and CI's ``.ci/run``): Python 3.11 with the
newest dependencies. ``matrix`` runs the same suite on every Python the package claims,
with the oldest and the newest versions of Sphinx, docutils, MyST-Parser and sphinx-needs
that ``pyproject.toml`` allows. ``release`` builds the sdist and wheel, checks them, and
runs the quick start against the wheel installed in a clean environment.
"""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from pathlib import Path

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "venv"

ROOT = Path(__file__).parent
PYTHON = "3.11"
#: Every Python the package claims (``requires-python``); each must pass ``matrix``.
PYTHONS = ["3.11", "3.12", "3.13"]
#: The dependencies whose oldest claimed version ``matrix`` installs ("oldest").
PINNED_OLDEST = ("sphinx", "docutils", "myst-parser", "sphinx-needs", "html5lib", "filelock")


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


#: pytest's arguments when none are given: every test, in two processes (pytest-xdist),
#: each test module kept on one worker so its module-wide builds are made once.
PYTEST_ARGS = ["-n", "2", "--dist", "loadfile"]


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite; arguments go to pytest (``nox -s tests -- -k meta``)."""
    install_system_packages(session)
    session.install("-e", ".[test,docs]")
    session.run("pytest", *(session.posargs or PYTEST_ARGS))


def oldest_constraints() -> list[str]:
    """``name==X`` for each dependency in ``PINNED_OLDEST``, X being the lower bound pyproject claims."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = []
    for requirement in dependencies:
        match = re.match(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9.]*)", requirement)
        if match and match.group(1).lower() in PINNED_OLDEST:
            pins.append(f"{match.group(1)}=={match.group(2)}")
    missing = set(PINNED_OLDEST) - {pin.split("==")[0].lower() for pin in pins}
    if missing:
        raise ValueError(f"pyproject.toml claims no lower bound for {sorted(missing)}")
    return pins


@nox.session(python=PYTHONS)
@nox.parametrize("versions", ["oldest", "newest"])
def matrix(session: nox.Session, versions: str) -> None:
    """The suite on each claimed Python with the oldest or the newest claimed dependencies.

    ``nox -s matrix`` runs all six; ``nox -s "matrix-3.13(versions='newest')"`` one of them.
    """
    install_system_packages(session)
    if versions == "oldest":
        constraints = Path(session.create_tmp()) / "oldest.txt"
        constraints.write_text("\n".join(oldest_constraints()) + "\n")
        session.install("-c", str(constraints), "-e", ".[test,docs]")
    else:
        session.install("--upgrade", "--upgrade-strategy", "eager", "-e", ".[test,docs]")
    session.run("python", "-m", "pip", "list", "--format", "freeze", silent=False)
    session.run("pytest", *(session.posargs or PYTEST_ARGS))


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


@nox.session(python=PYTHON)
def release(session: nox.Session) -> None:
    """Build the sdist and the wheel, check them, and run the quick start on the wheel.

    The wheel is installed into a new virtual environment outside the checkout (nothing of
    the source tree is importable there); ``dep init``, ``dep new``, ``dep lint`` and
    ``sphinx-build -nW`` then run as docs/quickstart.md shows them.
    """
    install_system_packages(session)
    session.install("build", "twine")
    work = Path(session.create_tmp()).resolve() / "release"
    shutil.rmtree(work, ignore_errors=True)
    dist = work / "dist"
    # The wheel is built from the sdist, so a file the sdist leaves out fails here.
    session.run("python", "-m", "build", "--outdir", str(dist), str(ROOT))
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    session.run("twine", "check", "--strict", str(sdist), str(wheel))

    venv = work / "clean"
    session.run("python", "-m", "venv", str(venv))
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python, dep = str(bin_dir / "python"), str(bin_dir / "dep")
    # PYTHONPATH unset: only the wheel's package may be found.
    env = {"PYTHONPATH": None, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    session.run(python, "-m", "pip", "install", "--quiet", str(wheel), external=True, env=env)
    session.run(python, "-m", "pip", "check", external=True, env=env)
    example = ROOT / "docs" / "examples" / "quickstart" / "deps"
    (draft,) = example.glob("0000-*.md")
    home = work / "home"
    home.mkdir()
    with session.chdir(home):
        session.run(
            python,
            "-c",
            "import sphinxcontrib_dep, sys; assert sphinxcontrib_dep.__file__.startswith(sys.prefix)",
            external=True,
            env=env,
        )
        session.run(dep, "init", "my-proposals", external=True, env=env)
    project = home / "my-proposals"
    with session.chdir(project):
        session.run(
            dep,
            "new",
            "Retry Failed Webhook Deliveries",
            "--author",
            "@alice",
            "--category",
            "Architecture",
            external=True,
            env=env,
        )
        # Straight from the template, dep lint lists the placeholders and fails (exit 1).
        session.run(dep, "lint", external=True, env=env, success_codes=[1])
        shutil.copyfile(draft, project / "deps" / draft.name)  # the reader fills it in, as the page shows
        session.run(dep, "lint", external=True, env=env)
        session.run(
            python,
            "-m",
            "sphinx",
            "-nW",
            "--keep-going",
            "-b",
            "html",
            ".",
            "_build/html",
            external=True,
            env=env,
        )
    session.log(f"released files in {dist}: {sdist.name}, {wheel.name}")
