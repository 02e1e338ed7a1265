"""Adopting a real repository of proposals in one step (issue 13).

The legacy corpus (``../shared/corpus/dynamo-enhancements``: proposals read on GitHub,
with their root templates and image folders) is copied and taken in the way its
maintainers would: ``dep init .``, then ``dep migrate --in-place deps``, then
``sphinx-build -nW --keep-going``. What remains are the proposals' own problems, each
once (duplicate numbers, missing sections, approvals without verdicts, template text left
in place, links that lead nowhere on GitHub either): nothing about rendering, links that
GitHub follows, anchors, lexers or the toctree.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import REPO, sphinx_build
from test_migrate import CORPUS, CORPUS_WARNINGS, needs_corpus

from sphinxcontrib_dep import cli

pytestmark = [pytest.mark.corpus, needs_corpus]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=maintainer", "-c", "user.email=m@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@dataclass
class Adoption:
    repo: Path
    before: dict[Path, bytes]
    init: tuple[int, str, str]
    migrate: tuple[int, str, str]


class _Tee(io.StringIO):
    """One stream of a command's output, also copied to the terminal's view of both."""

    def __init__(self, terminal: io.StringIO) -> None:
        super().__init__()
        self.terminal = terminal

    def write(self, text: str) -> int:
        self.terminal.write(text)
        return super().write(text)


#: What each command printed, both streams as a terminal shows them (for the docs).
TERMINAL: dict[str, str] = {}


def _run(repo: Path, *argv: str) -> tuple[int, str, str]:
    """``dep ARGV`` in ``repo``, as a maintainer types it there."""
    terminal = io.StringIO()
    out, err = _Tee(terminal), _Tee(terminal)
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(argv))
    finally:
        os.chdir(cwd)
    TERMINAL[" ".join(argv)] = terminal.getvalue()
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory) -> Adoption:
    """The corpus, committed to git as its maintainers have it, then adopted."""
    repo = tmp_path_factory.mktemp("adoption") / "enhancements"
    shutil.copytree(CORPUS, repo, ignore=shutil.ignore_patterns(".dep.lock"))
    for path in [repo, *repo.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "the proposals as they are")
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    init = _run(repo, "init", ".")
    migrate = _run(repo, "migrate", "--in-place", "deps")
    return Adoption(repo, before, init, migrate)


#: Adopted as `dep init` scaffolds it, the project is held to the process's numbering
#: moment (seed lines 181-183): the corpus numbers proposals before their review is complete.
ADOPTED_WARNINGS = sorted(
    [
        *CORPUS_WARNINGS,
        "deps/0007-velonix-cicd-solution.md:4: numbered DEP-0007 before its review is complete: its review is not complete (waiting on @saturley-hall (Not Started), @dmitry-tokarev-nv (Not Started)); the steward numbers a proposal when it is (rename the file 0000-<slug>.md, or allow it with dep_early_numbering) [dep.early_number]",
        "deps/0008-testing-strategy.md:4: numbered DEP-0008 before its review is complete: it is In Progress; the steward numbers a proposal when its review is complete (rename the file 0000-<slug>.md, or allow it with dep_early_numbering) [dep.early_number]",
        "deps/0009-testing-in-ci-strategy.md:4: numbered DEP-0009 before its review is complete: it is In Progress; the steward numbers a proposal when its review is complete (rename the file 0000-<slug>.md, or allow it with dep_early_numbering) [dep.early_number]",
        "deps/0010-container-strategy.md:4: numbered DEP-0010 before its review is complete: its review is not complete (waiting on @nnshah1 (Not Started), @saturley-hall (Not Started), @nv-anants (Not Started), @nvda-mesharma (Not Started), @mc-nv (Not Started), @dmitry-tokarev-nv (Not Started), @pvijayakrish (Not Started)); the steward numbers a proposal when it is (rename the file 0000-<slug>.md, or allow it with dep_early_numbering) [dep.early_number]",
        "deps/0014-automated-dependency-upgrades.md:4: numbered DEP-0014 before its review is complete: it is In Progress; the steward numbers a proposal when its review is complete (rename the file 0000-<slug>.md, or allow it with dep_early_numbering) [dep.early_number]",
    ]
)


def test_init_adopts_the_repository(adopted: Adoption) -> None:
    code, out, err = adopted.init
    assert code == 0
    assert err.splitlines() == [
        "found 14 proposals in deps/",
        "kept beside them, for their images: deps/0002_images/, deps/0006/, deps/0007-images/",
        "left out of the site (not pages): NNNN-complete-template.md, NNNN-limited-template.md",
        "next: dep migrate --in-place deps, then sphinx-build -nW --keep-going . _build/html",
    ]
    assert out.splitlines() == [
        "created conf.py",
        "created index.md",
        "created traceability.md",
        "created review.md",
        "created deps/README.md",
        "created templates/limited.md",
        "created templates/complete.md",
        "created .gitignore",
        "created .github/workflows/deps.yml",
        "created .pre-commit-config.yaml",
        "created requirements.txt",
    ]
    # Every file the repository had is as it was, but the proposals the migration rewrote.
    kept = {p: data for p, data in adopted.before.items() if p.parent.name != "deps" or p.suffix != ".md"}
    assert {p: p.read_bytes() for p in kept} == kept


def test_migrate_rewrites_every_header(adopted: Adoption) -> None:
    code, out, _err = adopted.migrate
    assert code == 0
    assert out.splitlines()[-5:-1] == [
        "files: 14 read, 14 migrated, 0 already migrated, 0 skipped",
        "values normalised: 25",
        "values empty or template placeholders: 48",
        "values needing a human: 7",
    ]


def test_the_site_builds_with_only_the_proposals_own_problems(adopted: Adoption, tmp_path: Path) -> None:
    build = sphinx_build(adopted.repo, tmp_path / "html", "-nW", "--keep-going")
    assert build.returncode == 1  # -W: the proposals' problems fail the build, as they should
    assert sorted(build.warnings) == ADOPTED_WARNINGS
    assert all(line.endswith("]") and "[dep." in line for line in build.warnings)

    # The home page lists each proposal once, by its title: not the ~150 sections of the
    # legacy files, whose several '#' headings now sit under their title.
    home = (tmp_path / "html" / "index.html").read_text()
    entries = re.findall(
        r'<li class="toctree-l\d[^"]*"><a class="reference internal" href="[^"]*">([^<]*)</a>', home
    )
    assert entries == ["About the proposals folder", "Traceability", "Review report"]
    assert home.count('<tr class="dep-row') == 14, "the index lists each proposal once"
    sidebar = (tmp_path / "html" / "deps" / "0001-stream-res-err.html").read_text()

    # In the navigation of a proposal (furo's sidebar and its contents), the proposal is one
    # entry, by its title, and its sections sit under that title.
    current = re.findall(r'<li class="toctree-l1 current current-page"><a [^>]*>([^<]*)</a>', sidebar)
    assert current == ["Error Propagation during Response Streaming"]
    contents = sidebar.split('<div class="toc-tree">', 1)[1]
    assert re.match(
        r'\s*<ul>\s*<li><a class="reference internal" href="#">Error Propagation during Response Streaming</a>'
        r'<ul>\s*<li><a class="reference internal" href="#summary">Summary</a>',
        contents,
    )
    page = (tmp_path / "html" / "deps" / "0014-error-standardization.html").read_text()
    # A repository-absolute link to another proposal's file leads to its page.
    assert 'href="0005-llm-request-migration.html"' in page
    # GitHub's anchor of a '###' heading, linked from the same proposal, leads to it.
    stream = (tmp_path / "html" / "deps" / "0001-stream-res-err.html").read_text()
    anchor = "part-1-add-a-new-generate-method-for-propagating-error-from-networkrouter-layer"
    section = "part-1-add-a-new-generate-method-for-propagating-error-from-network-router-layer"
    assert f'<section id="{section}">' in stream and f'id="{anchor}"' in stream
    # Two links in the text, and the page's contents.
    assert stream.count(f'<a class="reference internal" href="#{section}">Part 1') == 3
    # The fenced mermaid blocks are diagrams, drawn from the site's own script.
    diagrams = (tmp_path / "html" / "deps" / "0013-multimodal-embedding-cache.html").read_text()
    assert diagrams.count('class="mermaid"') == 3
    assert (tmp_path / "html" / "_static" / "mermaid" / "mermaid.min.js").is_file()


def test_dep_lint_reports_the_same_problems(adopted: Adoption) -> None:
    code, out, _err = _run(adopted.repo, "lint")
    assert code == 1
    assert sorted(line for line in out.splitlines() if "[dep." in line) == ADOPTED_WARNINGS


#: What docs/adopting.md shows: the real output of each step on the corpus.
EXAMPLE = REPO / "docs" / "examples" / "adopting"


def test_the_docs_show_the_real_report(adopted: Adoption, tmp_path: Path) -> None:
    """docs/adopting.md shows what the commands print on the corpus, line for line
    (``DEP_UPDATE_EXAMPLES=1`` writes the files afresh)."""
    build = sphinx_build(adopted.repo, tmp_path / "html", "-nW", "--keep-going")
    migrate_lines = TERMINAL["migrate --in-place deps"].splitlines()
    shown = {
        "init.txt": TERMINAL["init ."],
        "migrate.txt": "\n".join(
            [line.strip() for line in migrate_lines if line.endswith("[needs a human]")]
            + ["", *migrate_lines[-5:]]
        )
        + "\n",
        "warnings.txt": "\n".join(sorted(build.warnings)) + "\n",
    }
    if os.environ.get("DEP_UPDATE_EXAMPLES"):
        EXAMPLE.mkdir(parents=True, exist_ok=True)
        for name, text in shown.items():
            (EXAMPLE / name).write_text(text)
    assert {name: (EXAMPLE / name).read_text() for name in shown} == shown
