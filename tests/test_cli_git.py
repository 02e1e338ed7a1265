"""The ``dep`` commands that read git: numbering across branches, ``git mv``, ``--since``, ``--commits``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core import files, rules
from sphinxcontrib_dep.core.model import Status

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="git is not installed"
)

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def proposal(title: str, status: str, number: str | None = None) -> str:
    number_line = f":number: {number}\n" if number else ""
    return f"# {title}\n\n```{{dep-meta}}\n{number_line}:status: {status}\n:authors: @a\n:category: Process\n```\n\n## Summary\n\nText.\n"


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with DEP-0001 and DEP-0002 on main, and the current folder in it."""
    root = tmp_path / "repo"
    (root / "deps").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "deps" / "0001-one.md").write_text(proposal("One", "Approved"))
    (root / "deps" / "0002-two.md").write_text(proposal("Two", "In Progress"))
    # Its drafts are numbered (0002-two.md, In Progress): this project allows it.
    (root / "conf.py").write_text('extensions = ["sphinxcontrib_dep"]\ndep_early_numbering = True\n')
    commit_all(root, "two proposals")
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- dep number ----------------------------------------------------------------------------------


def test_number_renames_with_git_mv_and_sets_the_header(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = repo / "deps" / "0000-idea.md"
    draft.write_text(proposal("Idea", "In Progress"))
    commit_all(repo, "draft")
    code, out, _ = run(capsys, "number", "deps/0000-idea.md")
    assert code == 0
    assert out == "deps/0000-idea.md -> deps/0003-idea.md (git mv, staged): numbered DEP-0003, :number: 3\n"
    assert not draft.exists()
    assert (repo / "deps" / "0003-idea.md").read_text() == proposal("Idea", "In Progress").replace(
        ":category: Process\n", ":category: Process\n:number: 3\n"
    )
    # The rename and the :number: edit are staged together: R, not RM.
    assert git(repo, "status", "--porcelain") == "R  deps/0000-idea.md -> deps/0003-idea.md\n"


def test_number_counts_every_branch_and_remote_tracking_ref(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "deps" / "0007-elsewhere.md").write_text(proposal("Elsewhere", "In Progress"))
    commit_all(repo, "seven on a branch")
    git(repo, "checkout", "-q", "main")
    # A remote whose branch holds DEP-0009, fetched into refs/remotes/origin/*.
    remote = repo.parent / "remote"
    git(repo.parent, "clone", "-q", str(repo), str(remote))
    (remote / "deps" / "0009-remote.md").write_text(proposal("Remote", "In Progress"))
    commit_all(remote, "nine upstream")
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "fetch", "-q", "origin")

    (repo / "deps" / "0000-mine.md").write_text(proposal("Mine", "In Progress"))  # untracked: renamed plainly
    code, out, _ = run(capsys, "number", "deps/0000-mine.md")
    assert code == 0
    assert out == "deps/0000-mine.md -> deps/0010-mine.md: numbered DEP-0010, :number: 10\n"
    from sphinxcontrib_dep.core import git as dep_git

    used = dep_git.used_numbers(repo / "deps")
    assert used == {
        1: "the work tree",
        2: "the work tree",
        10: "the work tree",
        7: "refs/heads/feature",
        9: "refs/remotes/origin/main",
    }


def test_number_counts_uncommitted_files_of_other_worktrees(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = repo.parent / "other"
    git(repo, "worktree", "add", "-q", "-b", "other", str(other))
    (other / "deps" / "0005-in-progress-elsewhere.md").write_text(proposal("Elsewhere", "In Progress"))
    (repo / "deps" / "0000-here.md").write_text(proposal("Here", "In Progress"))
    code, out, _ = run(capsys, "number", "deps/0000-here.md")
    assert (code, out) == (0, "deps/0000-here.md -> deps/0006-here.md: numbered DEP-0006, :number: 6\n")


def test_number_refusals(repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "number", "deps/0001-one.md")
    assert (code, err) == (1, "dep number: deps/0001-one.md already has a number (DEP-0001)\n")
    code, _, err = run(capsys, "number", "deps/0000-missing.md")
    assert (code, err) == (2, "dep number: deps/0000-missing.md: no such file\n")
    (repo / "notes.md").write_text(proposal("Notes", "In Progress"))
    code, _, err = run(capsys, "number", "notes.md")
    assert (code, err) == (
        2,
        "dep number: notes.md: not in the proposals folder deps/ or an area folder of it\n",
    )
    outside = tmp_path / "outside.md"
    outside.write_text(proposal("Out", "In Progress"))
    code, _, err = run(capsys, "number", str(outside))
    assert code == 1
    assert "outside the repository" in err


def test_number_dry_run(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "deps" / "0000-idea.md").write_text(proposal("Idea", "In Progress"))
    code, out, err = run(capsys, "number", "deps/0000-idea.md", "--dry-run")
    assert code == 0
    assert out.startswith("rename deps/0000-idea.md -> deps/0003-idea.md\n--- a/deps/0003-idea.md\n")
    assert "+:number: 3\n" in out
    assert err == "dry run: nothing written\n"
    assert (repo / "deps" / "0000-idea.md").exists()
    assert not (repo / "deps" / "0003-idea.md").exists()


def test_number_without_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / "0004-four.md").write_text(proposal("Four", "Approved"))
    (tmp_path / "deps" / "0000-next.md").write_text(proposal("Next", "In Progress", number="0000"))
    (tmp_path / "conf.py").write_text("dep_early_numbering = True\n")  # numbered while In Progress
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "number", "deps/0000-next.md")
    assert (code, out) == (0, "deps/0000-next.md -> deps/0005-next.md: numbered DEP-0005, :number: 5\n")
    assert ":number: 5\n:status: In Progress" in (tmp_path / "deps" / "0005-next.md").read_text()
    assert (tmp_path / "deps" / ".dep.lock").exists()  # outside git, the lock lives in deps/


NUMBER = "import sys\nfrom sphinxcontrib_dep.cli import main\nsys.exit(main(['number', sys.argv[1]]))\n"


def test_two_concurrent_runs_get_different_numbers(repo: Path) -> None:
    """Two ``dep number`` processes at once, on two drafts: two numbers, no file lost."""
    for name in ("a", "b"):
        (repo / "deps" / f"0000-{name}.md").write_text(proposal(name.upper(), "In Progress"))
    commit_all(repo, "two drafts")
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": os.pathsep.join(sys.path)}
    lock = files.lock_path_for(repo, repo / "deps")
    assert lock is not None
    # Hold the lock while both start, so both are queued on it when it is released.
    with files.file_lock(lock):
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", NUMBER, f"deps/0000-{name}.md"],
                cwd=repo,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("a", "b")
        ]
        assert sorted(p.name for p in (repo / "deps").iterdir()) == [
            "0000-a.md",
            "0000-b.md",
            "0001-one.md",
            "0002-two.md",
        ]
    results = [(*p.communicate(timeout=120), p.returncode) for p in processes]
    assert [code for _, _, code in results] == [0, 0], results
    assert sorted(p.name for p in (repo / "deps").iterdir()) in (
        ["0001-one.md", "0002-two.md", "0003-a.md", "0004-b.md"],
        ["0001-one.md", "0002-two.md", "0003-b.md", "0004-a.md"],
    )
    numbers = {int(p.name[:4]): p.read_text() for p in (repo / "deps").iterdir()}
    assert ":number: 3\n" in numbers[3] and ":number: 4\n" in numbers[4]


def test_lock_is_in_the_shared_git_folder(repo: Path) -> None:
    assert files.lock_path_for(repo, repo / "deps") == repo / ".git" / "dep.lock"


# --- dep lint --since ------------------------------------------------------------------------------


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> None:
    def check(old: Status, new: Status) -> str | None:
        if old is Status.APPROVED and new is Status.IN_PROGRESS:
            return "an approved proposal does not go back to In Progress"
        return None

    monkeypatch.setattr(rules, "check_transition", check)


@pytest.mark.usefixtures("graph")
def test_since_reports_a_forbidden_move(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "tag", "base")
    path = repo / "deps" / "0001-one.md"
    path.write_text(path.read_text().replace("Approved", "In Progress"))
    (repo / "deps" / "0002-two.md").write_text(proposal("Two", "Under Review"))  # an allowed move
    code, out, _ = run(capsys, "lint", "--since", "base", "--format", "github")
    assert code == 1
    # Other rules may judge these short proposals too; the move is the one transition reported.
    assert [line for line in out.splitlines() if "title=dep.transition" in line] == [
        "::warning file=deps/0001-one.md,line=4,title=dep.transition::"
        "status moved from Approved to In Progress since base: an approved proposal does not go back to In Progress"
    ]


@pytest.mark.usefixtures("graph")
def test_since_follows_a_rename(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "tag", "base")
    git(repo, "mv", "deps/0001-one.md", "deps/0001-renamed.md")
    path = repo / "deps" / "0001-renamed.md"
    path.write_text(path.read_text().replace("Approved", "In Progress"))
    commit_all(repo, "rename and move back")
    code, out, _ = run(capsys, "lint", "--since", "base")
    assert code == 1
    assert out.startswith("deps/0001-renamed.md:4: status moved from Approved to In Progress since base:")


@pytest.mark.usefixtures("graph")
def test_since_clean_and_refusals(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sphinxcontrib_dep.core import analysis

    monkeypatch.setattr(rules, "check_dep", lambda dep, config, today=None: [])
    monkeypatch.setattr(analysis.sections, "check_sections", lambda scanned, text, dep, config: [])
    git(repo, "tag", "base")
    (repo / "deps" / "0002-two.md").write_text(proposal("Two", "Under Review"))
    assert run(capsys, "lint", "--since", "base")[:2] == (0, "")
    code, _, err = run(capsys, "lint", "--since", "no-such-rev")
    assert (code, err) == (2, "dep lint: --since: 'no-such-rev' is not a commit of this repository\n")


def test_since_outside_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "deps").mkdir()
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "lint", "--since", "main")
    assert (code, err) == (2, "dep lint: --since needs a git work tree\n")


def test_since_with_the_real_lifecycle_graph(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "tag", "base")
    path = repo / "deps" / "0001-one.md"
    path.write_text(path.read_text().replace("Approved", "Not Started"))
    code, out, _ = run(capsys, "lint", "--since", "base")
    assert code == 1
    assert "deps/0001-one.md:4: status moved from Approved to Not Started since base: " in out
    assert out.rstrip().endswith("[dep.transition]")


# --- dep gate --commits ----------------------------------------------------------------------------


def test_gate_reads_commit_messages(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "tag", "base")
    (repo / "code.py").write_text("x = 1\n")
    commit_all(repo, "Start the work of DEP-0002\n\nAlso touches DEP 1.")
    code, out, _ = run(capsys, "gate", "--commits", "base..HEAD")
    assert code == 1
    assert out == (
        "FAIL DEP-0002 (Two): In Progress; it must be Approved or Implemented before this merges\n"
        "ok   DEP-0001 (One): Approved\n"
    )
    code, _, err = run(capsys, "gate", "--commits", "base")
    assert (code, err) == (2, "dep gate: --commits takes a range REV..REV, not 'base'\n")
    code, _, err = run(capsys, "gate", "--commits", "nope..HEAD")
    assert (code, err) == (2, "dep gate: --commits: 'nope' is not a commit of this repository\n")
