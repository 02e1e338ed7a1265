"""git, the one way this package runs it: revisions and paths where git cannot read them as options.

Every git call of the package goes through :func:`git`, which keeps values from people
and files (revisions, paths) where git cannot read them as options, and the questions the
commands ask of the history (the repository's root, which numbers other branches use, when
each file was last touched) are answered here.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path


class GitError(RuntimeError):
    """A git command that failed; the message is git's."""


class BadRevision(GitError):
    """A revision given by a person (or read from a file) that is not a commit of the repository,
    or that git could read as an option; the message says which and why."""


#: A command word (``log``, ``worktree``, ``list``): lower-case ASCII, never a value.
_COMMAND_WORD = re.compile(r"[a-z][a-z-]*\Z")
#: Settings for every run: names printed as they are, pathspecs read literally (a path
#: such as ``:(exclude)x`` or ``*`` names that file, no pattern), no pager.
_GLOBAL = ("-c", "core.quotepath=off", "--literal-pathspecs", "--no-pager")


def git(
    args: Sequence[str],
    cwd: Path,
    *,
    revs: Sequence[str] = (),
    paths: Sequence[str | Path] = (),
    no_paths: bool = False,
    check: bool = True,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``git ARGS [--end-of-options REVS] [-- PATHS]``; ``GitError`` when it fails.

    ``args`` is the command and its options as this package writes them: command words
    first (``worktree``, ``list``), then options only (each starts with ``-``); anything
    else is a programming error (``ValueError``). Every value that comes from a person or
    a file goes in ``revs`` (after ``--end-of-options``: read as revisions even when one
    starts with ``-``; one that does is refused before git runs) or in ``paths`` (after
    ``--``, read literally). So no such value reaches git where it can be an option.
    ``no_paths`` ends the command with ``--`` and no path, so no revision can be read as one.
    """
    words = list(args)
    command_words = 0
    while command_words < len(words) and _COMMAND_WORD.match(words[command_words]):
        command_words += 1
    if command_words == 0 or any(not word.startswith("-") for word in words[command_words:]):
        raise ValueError(f"git {words!r}: command words, then options only; values go in revs or paths")
    for rev in revs:
        check_revision(rev)
    argv = ["git", *_GLOBAL, *words]
    if revs:
        argv += ["--end-of-options", *revs]
    if paths or no_paths:
        argv += ["--", *(os.fspath(path) for path in paths)]
    try:
        result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as err:
        if not Path(cwd).is_dir():
            raise GitError(f"{cwd}: no such folder") from err
        raise GitError("git is not installed") from err
    except subprocess.TimeoutExpired as err:
        raise GitError(f"git {' '.join(words)} did not finish in {timeout:g} s") from err
    if check and result.returncode != 0:
        raise GitError(result.stderr.strip() or f"git {' '.join(words)} failed")
    return result


def check_revision(rev: str) -> None:
    """Refuse a revision that is empty, starts with ``-`` (git could read it as an option)
    or holds white space or a control character; ``BadRevision`` says which."""
    if not rev:
        raise BadRevision("an empty revision")
    if rev.startswith("-"):
        raise BadRevision(f"{rev!r} is not a revision: it starts with '-', like an option")
    blob = re.fullmatch(r"(?:[0-9a-f]{40}|[0-9a-f]{64}):(.+)", rev)
    if blob is not None:
        # A file of a resolved commit (``<id>:deps/0001-a b.md``): the path may hold spaces.
        if not blob.group(1).isprintable():
            raise BadRevision(f"{rev!r} is not a revision: its path holds a control character")
        return
    if any(char.isspace() or not char.isprintable() for char in rev):
        raise BadRevision(f"{rev!r} is not a revision: it holds white space or a control character")


def commit_id(rev: str, cwd: Path) -> str:
    """The full id of the commit ``rev`` names (``git rev-parse --verify REV^{commit}``).

    ``BadRevision`` when ``rev`` looks like an option or names no commit of the repository.
    """
    check_revision(rev)
    result = git(["rev-parse", "--verify", "--quiet"], cwd, revs=[f"{rev}^{{commit}}"], check=False)
    found = result.stdout.strip()
    if result.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", found):
        raise BadRevision(f"{rev!r} is not a commit of this repository")
    return found


def commit_range(span: str, cwd: Path) -> str:
    """``A..B`` or ``A...B`` with both ends checked and given as commit ids (an empty end is
    ``HEAD``, as git reads it); ``BadRevision`` when it is not such a range."""
    for dots in ("...", ".."):
        if dots in span:
            left, _, right = span.partition(dots)
            break
    else:
        raise BadRevision(f"{span!r} is not a range REV..REV")
    ends = [end or "HEAD" for end in (left, right)]
    for end in ends:  # both ends are looked at before git is asked about either
        check_revision(end)
    return dots.join(commit_id(end, cwd) for end in ends)


def git_toplevel(path: Path) -> Path | None:
    """The root of the git work tree holding ``path``, or ``None`` outside one."""
    folder = path if path.is_dir() else path.parent
    try:
        result = git(["rev-parse", "--show-toplevel"], folder, check=False)
    except GitError:
        return None
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def checkout_source(folder: Path) -> tuple[str, str] | None:
    """Where the git checkout ``folder`` comes from: its default remote's URL and its ``HEAD``
    commit, or ``None`` when it is no checkout or has no remote."""
    if git_toplevel(folder) != folder.resolve():
        return None
    try:
        remote = git(["ls-remote", "--get-url"], folder, check=False).stdout.strip()
        commit = commit_id("HEAD", folder)
    except GitError:
        return None
    return (remote, commit) if remote else None


def git_common_dir(path: Path) -> Path | None:
    """The repository's shared ``.git`` folder (shared by all its worktrees), or ``None``."""
    try:
        result = git(["rev-parse", "--path-format=absolute", "--git-common-dir"], path, check=False)
    except GitError:
        return None
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None
