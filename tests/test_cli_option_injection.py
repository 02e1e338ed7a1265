"""No value from a person or a file reaches git where it can be read as an option (issue 12,
class 7): revisions are checked and resolved to commit ids first (``--end-of-options``),
paths follow ``--`` and are literal; a bad value is a clear message and exit 2, and git
never writes a file.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core import git as dep_git

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

#: The file a hostile value asks git to write (``--output=PWNED``) or a shell to create.
PWNED = "PWNED"


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def proposal(title: str, status: str) -> str:
    return (
        f"# {title}\n\n```{{dep-meta}}\n:status: {status}\n:authors: @a\n:category: Process\n```\n\n"
        "## Summary\n\nText.\n"
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DEP-0001 (Approved) committed and tagged ``base``, then a commit naming it."""
    root = tmp_path / "repo"
    (root / "deps").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "deps" / "0001-one.md").write_text(proposal("One", "Approved"))
    (root / "deps" / "0002-two.md").write_text(proposal("Two", "In Progress"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    git(root, "tag", "base")
    (root / "code.py").write_text("x = 1\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Implements DEP-0001")
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(root)
    return root


def files_outside_git(top: Path) -> dict[str, bytes]:
    return {
        p.relative_to(top).as_posix(): p.read_bytes()
        for p in sorted(top.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(top).parts and not p.name.endswith(".lock")
    }


def assert_nothing_written(top: Path, before: dict[str, bytes]) -> None:
    assert files_outside_git(top) == before
    assert not [p for p in top.rglob(f"*{PWNED}*")], "git (or a shell) wrote a file"
    assert not Path(PWNED).exists()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------------------------
# dep gate --commits
# --------------------------------------------------------------------------------------

#: Each hostile range, and the end of it that the message names.
HOSTILE_RANGES = {
    f"--output={PWNED}..x": f"'--output={PWNED}' is not a revision: it starts with '-', like an option",  # issue
    f"x..--output={PWNED}": f"'--output={PWNED}' is not a revision: it starts with '-', like an option",
    f"--output={PWNED}...HEAD": f"'--output={PWNED}' is not a revision: it starts with '-', like an option",
    f"HEAD..-o{PWNED}": f"'-o{PWNED}' is not a revision: it starts with '-', like an option",
    "--all..HEAD": "'--all' is not a revision: it starts with '-', like an option",
    "--no-walk..HEAD": "'--no-walk' is not a revision: it starts with '-', like an option",
    f"base..HEAD --output={PWNED}": f"'HEAD --output={PWNED}' is not a revision: it holds white space or a "
    "control character",
    f"base..HEAD\n--output={PWNED}": f"'HEAD\\n--output={PWNED}' is not a revision: it holds white space or a "
    "control character",
    f"$(touch {PWNED})..HEAD": f"'$(touch {PWNED})' is not a revision: it holds white space or a control character",
    "HEAD:deps/0001-one.md..HEAD": "'HEAD:deps/0001-one.md' is not a commit of this repository",
    "base..no-such-branch": "'no-such-branch' is not a commit of this repository",
}


@pytest.mark.parametrize("span", sorted(HOSTILE_RANGES))
def test_gate_commits_never_reach_git_as_options(
    span: str, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = files_outside_git(repo)
    code, out, err = run(capsys, "gate", f"--commits={span}")
    assert (code, out) == (2, "")
    assert err == f"dep gate: --commits: {HOSTILE_RANGES[span]}\n"
    assert_nothing_written(repo, before)


@pytest.mark.usefixtures("repo")
@pytest.mark.parametrize("span", ["base..HEAD", "base...HEAD", "base..", "HEAD~1..HEAD"])
def test_gate_commits_still_reads_ranges(span: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "gate", "--commits", span) == (0, "ok   DEP-0001 (One): Approved\n", "")


# --------------------------------------------------------------------------------------
# dep lint --since
# --------------------------------------------------------------------------------------

HOSTILE_SINCE = {
    f"--output={PWNED}": "starts with '-', like an option",  # the example
    f"-o{PWNED}": "starts with '-', like an option",
    "--ext-diff": "starts with '-', like an option",
    f"--output=../{PWNED}": "starts with '-', like an option",
    "--all": "starts with '-', like an option",
    "--end-of-options": "starts with '-', like an option",
    f"HEAD --output={PWNED}": "holds white space or a control character",
    "HEAD\x1b[2J": "holds white space or a control character",
    "HEAD:deps/0001-one.md": None,  # a blob, not a commit
    "@{upstream}": None,  # no upstream: not a commit
}


@pytest.mark.parametrize("rev", sorted(HOSTILE_SINCE))
def test_lint_since_never_reaches_git_as_an_option(
    rev: str, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = files_outside_git(repo)
    code, out, err = run(capsys, "lint", f"--since={rev}")
    why = HOSTILE_SINCE[rev]
    shown = repr(rev).replace("\x1b", "\\x1b")
    expected = f"is not a revision: it {why}" if why else "is not a commit of this repository"
    assert (code, out) == (2, "")
    assert err == f"dep lint: --since: {shown} {expected}\n"
    assert_nothing_written(repo, before)


@pytest.mark.usefixtures("repo")
def test_lint_since_still_reads_a_revision(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "lint", "--since", "base")
    assert "--since" not in err and "Traceback" not in err
    assert code in (0, 1)


# --------------------------------------------------------------------------------------
# Paths given to git
# --------------------------------------------------------------------------------------


def test_number_moves_a_draft_whose_name_reads_like_an_option(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = repo / "deps" / f"0000--output={PWNED}.md"
    draft.write_text(proposal("Odd", "In Progress"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "an oddly named draft")
    code, out, _ = run(capsys, "number", f"deps/0000--output={PWNED}.md")
    assert code == 0
    assert out.endswith(f"deps/0003--output={PWNED}.md (git mv): numbered DEP-0003, :number: 3\n")
    assert git(repo, "ls-files", "deps").splitlines() == [
        "deps/0001-one.md",
        "deps/0002-two.md",
        f"deps/0003--output={PWNED}.md",
    ]
    assert not (repo / PWNED).exists()


def test_paths_are_literal_not_patterns(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``deps/0000-[ab].md`` names that file: as a pattern it would match the tracked
    ``deps/0000-a.md``, and the command would ``git mv`` an untracked file (and fail)."""
    (repo / "deps" / "0000-a.md").write_text(proposal("A", "In Progress"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "draft a")
    (repo / "deps" / "0000-[ab].md").write_text(proposal("Pattern", "In Progress"))
    code, out, err = run(capsys, "number", "deps/0000-[ab].md")
    assert (code, err) == (0, "")
    assert out == "deps/0000-[ab].md -> deps/0003-[ab].md: numbered DEP-0003, :number: 3\n"
    assert (repo / "deps" / "0000-a.md").exists()


# --------------------------------------------------------------------------------------
# The one way git runs
# --------------------------------------------------------------------------------------


def test_git_takes_options_only_as_written_by_the_package(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="values go in revs or paths"):
        dep_git.git(["log", "--format=%B", "HEAD"], tmp_path)
    with pytest.raises(ValueError):
        dep_git.git([f"--output={PWNED}"], tmp_path)


@pytest.mark.parametrize("rev", ["--output=x", "-p", "", "a b", "a\nb", "a\x00b", "\u202eHEAD"])
def test_a_bad_revision_is_refused_before_git_runs(
    rev: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_git(*args: object, **kwargs: object) -> None:
        raise AssertionError("git ran")

    monkeypatch.setattr(subprocess, "run", no_git)
    with pytest.raises(dep_git.BadRevision):
        dep_git.git(["log"], tmp_path, revs=[rev])
    with pytest.raises(dep_git.BadRevision):
        dep_git.commit_id(rev, tmp_path)


def test_revisions_follow_end_of_options_and_paths_follow_dashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []

    def record(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        seen.append(argv)
        return subprocess.CompletedProcess(argv, 0, b"", b"")

    monkeypatch.setattr(subprocess, "run", record)
    dep_git.git(["log", "--format=%B"], tmp_path, revs=["a..b"], paths=["-x.md", ":(glob)*"])
    dep_git.git(["diff", "--name-status"], tmp_path, revs=["HEAD"], no_paths=True)
    start = ["git", "-c", "core.quotepath=off", "--literal-pathspecs", "--no-pager"]
    assert seen == [
        [*start, "log", "--format=%B", "--end-of-options", "a..b", "--", "-x.md", ":(glob)*"],
        [*start, "diff", "--name-status", "--end-of-options", "HEAD", "--"],
    ]


def test_only_core_git_runs_programs() -> None:
    """Every git call goes through ``core.git.git``: no other module of the core, the
    migrator or the command line starts a process (the Sphinx layer runs graphviz, with
    fixed arguments)."""
    package = Path(cli.__file__).parent.parent
    starting = sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if "sphinx" not in path.relative_to(package).parts
        and any(word in path.read_text() for word in ("subprocess", "os.system", "os.popen", "os.exec"))
    )
    assert starting == ["core/git.py"]
