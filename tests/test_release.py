"""What a user of a release meets: the pre-commit hook this repository offers, on a new project.

``pre-commit try-repo`` installs this checkout (its working tree, uncommitted changes
included) the way pre-commit installs a hook from ``.pre-commit-hooks.yaml``, into an
environment of its own, from the package index, and runs it on a project ``dep init``
scaffolded. The wheel and the quick start against it are checked by ``nox -s release``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from sphinxcontrib_dep import cli

pytestmark = pytest.mark.slow

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONPATH"},  # the hook's own environment only
        "PRE_COMMIT_HOME": str(home),  # a cache of its own: tests in other processes share none
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_hook_lints_a_scaffolded_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pre_commit")
    if not (REPO / ".git").exists():
        pytest.skip("pre-commit try-repo needs this checkout to be a git repository")
    project = tmp_path / "site"
    assert cli.main(["init", str(project)]) == 0
    capsys.readouterr()
    subprocess.run([*GIT, "init", "-q"], cwd=project, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=project, check=True)
    home = tmp_path / "pre-commit-home"

    # A clean project passes (no proposal yet: nothing to lint, and the hook says so by passing).
    (project / "deps" / "0000-ok.md").write_text(
        "# OK\n\n```{dep-meta}\n:status: Not Started\n:authors: @a\n:category: Process\n```\n"
    )
    subprocess.run([*GIT, "add", "-A"], cwd=project, check=True)
    clean = pre_commit(project, home, "try-repo", str(REPO), "dep-lint", "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "dep lint" in clean.stdout and "Passed" in clean.stdout

    # A broken header fails the hook with dep lint's located line.
    (project / "deps" / "0000-ok.md").write_text(
        "# OK\n\n```{dep-meta}\n:status: Accepted\n:authors: @a\n:category: Process\n```\n"
    )
    subprocess.run([*GIT, "add", "-A"], cwd=project, check=True)
    broken = pre_commit(project, home, "try-repo", str(REPO), "dep-lint", "--all-files")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    assert "deps/0000-ok.md:4: unknown status 'Accepted'" in broken.stdout, broken.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_scaffolded_pre_commit_config_runs_the_pinned_dep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``dep init``'s own .pre-commit-config.yaml installs the requirement it pins and lints."""
    pytest.importorskip("pre_commit")
    from sphinxcontrib_dep.cli.commands import init

    # As if dep ran from this checkout with no remote: the requirement is its folder's URL.
    requirement = f"sphinxcontrib-dep @ {REPO.as_uri()}"
    monkeypatch.setattr(init, "installed_requirement", lambda: (requirement, "here"))
    project = tmp_path / "site"
    assert cli.main(["init", str(project), "--deps-dir", "proposals"]) == 0
    capsys.readouterr()
    assert (project / "requirements.txt").read_text().endswith(f"\n{requirement}\n")
    (project / "proposals" / "0001-a.md").write_text(
        "# A\n\n```{dep-meta}\n:status: Accepted\n:authors: @a\n:category: Process\n```\n"
    )
    subprocess.run([*GIT, "init", "-q"], cwd=project, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=project, check=True)
    result = pre_commit(project, tmp_path / "pre-commit-home", "run", "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "proposals/0001-a.md:4: unknown status 'Accepted'" in result.stdout, result.stdout
