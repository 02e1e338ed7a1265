"""git, the one way this package runs it: revisions and paths where git cannot read them as options.

Every git call of the package goes through :func:`git`, which keeps values from people
and files (revisions, paths) where git cannot read them as options, and the questions the
commands ask of the history (the repository's root, which numbers other branches use, when
each file was last touched) are answered here.
"""

from __future__ import annotations

import locale
import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from .model import number_from_filename


class GitError(RuntimeError):
    """A git command that failed; the message is git's."""


class BadRevision(GitError):
    """A revision given by a person (or read from a file) that is not a commit of the repository,
    or that git could read as an option; the message says which and why."""


#: A full commit id: SHA-1 or SHA-256.
_COMMIT_ID = r"[0-9a-f]{40}|[0-9a-f]{64}"
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
    encoding: str | None = None,
    errors: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``git ARGS [--end-of-options REVS] [-- PATHS]``; ``GitError`` when it fails.

    ``args`` is the command and its options as this package writes them: command words
    first (``worktree``, ``list``), then options only (each starts with ``-``); anything
    else is a programming error (``ValueError``). Every value that comes from a person or
    a file goes in ``revs`` (after ``--end-of-options``: read as revisions even when one
    starts with ``-``; one that does is refused before git runs) or in ``paths`` (after
    ``--``, read literally). So no such value reaches git where it can be an option.
    ``no_paths`` ends the command with ``--`` and no path, so no revision can be read as one.
    ``encoding`` and ``errors`` decode the output (default: the locale's, strictly).
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
        # Bytes, decoded here: text mode would turn each lone CR of a file's content (in
        # `git log --patch`) into a line break, and a CR followed by git's own field
        # separators into a line git never wrote (a forged commit header).
        raw = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=timeout)
    except FileNotFoundError as err:
        if not Path(cwd).is_dir():
            raise GitError(f"{cwd}: no such folder") from err
        raise GitError("git is not installed") from err
    except subprocess.TimeoutExpired as err:
        raise GitError(f"git {' '.join(words)} did not finish in {timeout:g} s") from err
    charset = encoding or locale.getpreferredencoding(False)
    result = subprocess.CompletedProcess(
        raw.args,
        raw.returncode,
        raw.stdout.decode(charset, errors or "strict"),
        raw.stderr.decode(charset, "replace"),
    )
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
    blob = re.fullmatch(rf"(?:{_COMMIT_ID}):(.+)", rev)
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
    if result.returncode != 0 or not re.fullmatch(_COMMIT_ID, found):
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


# --------------------------------------------------------------------------------------
# The questions the commands ask of the history
# --------------------------------------------------------------------------------------


def _relative(path: Path, top: Path) -> str:
    """``path`` relative to the work tree ``top``, with ``/`` (as git names files)."""
    try:
        return path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(top)).as_posix()


def used_numbers(folder: Path) -> dict[int, str]:
    """Every proposal number taken, and where: ``number -> "the work tree"``, a worktree or a ref.

    Looked for in the proposals ``folder`` of this work tree, in the same folder of the
    repository's other worktrees (numbered drafts not committed yet), and in every local
    branch and remote-tracking ref, so that drafts on two branches, or in two worktrees,
    get different numbers. Outside a git work tree, the folder alone.
    """
    used: dict[int, str] = {}
    for name in _folder_names(folder):
        number = _number_of(name)
        if number is not None:
            used.setdefault(number, "the work tree")
    top = git_toplevel(folder)
    if top is None:
        return used
    prefix = _relative(folder, top).rstrip("/") + "/"
    listing = git(
        ["for-each-ref", "--format=%(objectname) %(refname)"], top, revs=["refs/heads", "refs/remotes"]
    ).stdout
    worktrees = git(["worktree", "list", "--porcelain"], top, check=False).stdout
    for line in worktrees.splitlines():
        if not line.startswith("worktree "):
            continue
        other = Path(line[len("worktree ") :])
        if other.resolve() == top.resolve() or not (other / prefix).is_dir():
            continue
        for name in _folder_names(other / prefix):
            number = _number_of(name)
            if number is not None:
                used.setdefault(number, f"the worktree {other}")
    # Many refs name the same commit (a branch and its remote-tracking ref): list each once.
    refs: dict[str, str] = {}
    for line in listing.splitlines():
        commit, _, ref = line.partition(" ")
        if re.fullmatch(_COMMIT_ID, commit):
            refs.setdefault(commit, ref)
    for commit, ref in refs.items():
        tree = git(
            ["ls-tree", "-r", "--name-only", "--full-tree"], top, revs=[commit], paths=[prefix], check=False
        )
        if tree.returncode != 0:
            continue  # a symbolic ref such as origin/HEAD pointing nowhere
        for name in tree.stdout.splitlines():
            number = _number_of(name[len(prefix) :])
            if number is not None:
                used.setdefault(number, ref)
    return used


def _number_of(relative: str) -> int | None:
    """The number a path in the proposals folder holds: the first of its segments that carries
    one (``0012-x.md``, a proposal's own folder ``0012-x/fig.png``, ``router/0012-x.md``, and
    deeper, where Sphinx and ``dep lint`` read proposals too): numbering is global over every
    file the tools read, wherever it sits."""
    for part in relative.split("/"):
        number = number_from_filename(part)
        if number is not None:
            return number
    return None


def _folder_names(folder: Path) -> list[str]:
    """Every path under ``folder`` (relative, ``/``-separated) at any depth, as
    :func:`~sphinxcontrib_dep.core.project.discover` walks it; linked folders are not
    followed (they are reported and not read)."""
    names = []
    for current, dirs, files in os.walk(folder):
        base = Path(current).relative_to(folder).as_posix()
        prefix = "" if base == "." else f"{base}/"
        dirs[:] = [d for d in dirs if not (Path(current) / d).is_symlink()]
        names += [f"{prefix}{name}" for name in (*dirs, *files)]
    return names


def move(old: Path, new: Path) -> bool:
    """Rename ``old`` to ``new``: with ``git mv`` when git tracks it (its history follows), else
    plainly. Whether git moved it."""
    top = git_toplevel(old.parent)
    if top is not None:
        tracked = git(["ls-files", "--error-unmatch"], top, paths=[old], check=False)
        if tracked.returncode == 0:
            git(["mv"], top, paths=[old, new])
            return True
    os.rename(old, new)
    return False


def changed_since(commit: str, top: Path) -> dict[str, str]:
    """Files modified or renamed between ``commit`` and the work tree: new path -> path at ``commit``.

    Paths are relative to the work tree ``top``; added and deleted files are left out.
    """
    listing = git(
        ["diff", "--no-ext-diff", "--name-status", "-M", "-z"], top, revs=[commit], no_paths=True
    ).stdout
    previous: dict[str, str] = {}
    fields = listing.split("\0")
    index = 0
    while index < len(fields) - 1:
        kind = fields[index]
        if kind[:1] in {"R", "C"}:
            previous[fields[index + 2]] = fields[index + 1]
            index += 3
        else:
            if kind[:1] == "M":
                previous[fields[index + 1]] = fields[index + 1]
            index += 2
    return previous


def file_at(commit: str, path: str, top: Path) -> str | None:
    """The text of ``path`` (relative to ``top``) at ``commit``, or ``None`` if it is not there."""
    shown = git(["cat-file", "-p"], top, revs=[f"{commit}:{path}"], check=False)
    return shown.stdout if shown.returncode == 0 else None


def commit_messages(commits: str, top: Path) -> str:
    """The messages of the commits of a checked range (see :func:`commit_range`), newest first."""
    return git(["log", "--format=%B"], top, revs=[commits], no_paths=True).stdout


def log_of_folder(
    folder: Path, options: Sequence[str], *, timeout: float
) -> subprocess.CompletedProcess[str]:
    """``git log OPTIONS -- .`` in ``folder`` (the history of every proposal, one call), not checked:
    the caller reads the exit code and stderr (no work tree, no commits) itself."""
    return git(
        ["log", *options],
        folder,
        paths=["."],
        check=False,
        timeout=timeout,
        encoding="utf-8",
        errors="replace",
    )


def last_touched(paths: Iterable[str], root: Path) -> dict[str, date]:
    """path (relative to ``root``) -> the day it last changed.

    From git history when ``root`` is in a work tree, with one ``git log`` for all files;
    files git does not know (or no git at all) fall back to their modification time.
    """
    paths = sorted(set(paths))
    found: dict[str, date] = {}
    try:
        result = git(
            ["log", "--relative", "--name-only", "--format=format:%x01%cs"],
            root,
            paths=paths,
            check=False,
            timeout=120,
        )
    except GitError:
        result = None
    if result is not None and result.returncode == 0:
        wanted = set(paths)
        current: date | None = None
        for line in result.stdout.splitlines():
            if line.startswith("\x01"):
                try:
                    current = date.fromisoformat(line[1:].strip())
                except ValueError:
                    current = None
            elif line and current is not None and line in wanted and line not in found:
                found[line] = current  # newest commit first: the first date seen wins
    for path in paths:
        if path not in found:
            try:
                found[path] = date.fromtimestamp((root / path).stat().st_mtime)
            except OSError:
                continue
    return found


def numbers_at(commit: str, folder: Path) -> dict[int, list[str]]:
    """number -> the proposal files holding it in the proposals ``folder`` at ``commit``
    (paths relative to the work tree), from the file names, as ``dep number`` counts them."""
    top = git_toplevel(folder)
    if top is None:
        return {}
    prefix = _relative(folder, top).rstrip("/") + "/"
    tree = git(
        ["ls-tree", "-r", "--name-only", "--full-tree"], top, revs=[commit], paths=[prefix], check=False
    )
    found: dict[int, list[str]] = {}
    for name in tree.stdout.splitlines() if tree.returncode == 0 else []:
        first = name[len(prefix) :].split("/", 1)[0]
        number = number_from_filename(first)
        if number is not None:
            found.setdefault(number, []).append(name)
    return found


def stage(paths: Iterable[Path], top: Path) -> None:
    """``git add`` the files a command wrote (a rename already staged by ``git mv``), so that
    ``git status`` shows the change as one, ready to commit."""
    wanted = [path for path in paths if path.exists()]
    if wanted:
        git(["add"], top, paths=wanted)


def merge_base(commit: str, top: Path) -> str | None:
    """The commit where ``HEAD`` and ``commit`` (a resolved id) parted, or ``None``."""
    found = git(["merge-base"], top, revs=["HEAD", commit], check=False).stdout.strip()
    return found if re.fullmatch(_COMMIT_ID, found) else None
