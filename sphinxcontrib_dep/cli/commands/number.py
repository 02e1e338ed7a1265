"""``dep number``: the next free number for a draft, seen from every branch."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ...core import analysis, escape, files, git
from ...core.model import number_from_filename, split_proposal_name
from ..context import EXIT_OK, CliError, Context, Refused, edit_header, load_proposal


def used_numbers(ctx: Context) -> dict[int, str]:
    """Every number taken, and where: the proposals folder of this work tree and of the
    repository's other worktrees, and every local branch and remote-tracking ref (so drafts
    on two branches, or in two worktrees, get different numbers)."""
    used: dict[int, str] = {}
    folder = ctx.deps_folder()
    for path in folder.iterdir():
        number = number_from_filename(path.name)
        if number is not None:
            used.setdefault(number, "the work tree")
    top = git.git_toplevel(ctx.root)
    if top is None:
        return used
    prefix = analysis.relative(folder, top).rstrip("/") + "/"
    listing = git.git(
        ["for-each-ref", "--format=%(objectname) %(refname)"], top, revs=["refs/heads", "refs/remotes"]
    ).stdout
    # Other worktrees of the repository may hold numbered drafts not yet committed.
    worktrees = git.git(["worktree", "list", "--porcelain"], top, check=False).stdout
    for line in worktrees.splitlines():
        if not line.startswith("worktree "):
            continue
        other = Path(line[len("worktree ") :])
        if other.resolve() == top.resolve() or not (other / prefix).is_dir():
            continue
        for path in (other / prefix).iterdir():
            number = number_from_filename(path.name)
            if number is not None:
                used.setdefault(number, f"the worktree {other}")
    # Many refs name the same commit (a branch and its remote-tracking ref): list each once.
    refs: dict[str, str] = {}
    for line in listing.splitlines():
        commit, _, ref = line.partition(" ")
        if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit):
            refs.setdefault(commit, ref)
    for commit, ref in refs.items():
        tree = git.git(
            ["ls-tree", "-r", "--name-only", "--full-tree"], top, revs=[commit], paths=[prefix], check=False
        )
        if tree.returncode != 0:
            continue  # a symbolic ref such as origin/HEAD pointing nowhere
        for name in tree.stdout.splitlines():
            first = name[len(prefix) :].split("/", 1)[0]
            number = number_from_filename(first)
            if number is not None:
                used.setdefault(number, ref)
    return used


def cmd_number(ctx: Context) -> int:
    args = ctx.args
    path = ctx.safe(Path(args.path))
    if not path.is_file():
        raise CliError(f"{escape.text(args.path)}: no such file")
    folder = ctx.deps_folder()
    if path.parent != folder:
        raise CliError(f"{escape.text(args.path)}: not in the proposals folder {ctx.config.deps_dir}/")
    taken = number_from_filename(path.name)
    if taken is not None:
        raise Refused(f"{ctx.rel(path)} already has a number ({ctx.config.format_id(taken)})")
    parts = split_proposal_name(path.name)
    rest = parts[1] if parts else path.name
    # The number is chosen under the project lock, so two runs at once take two numbers.
    with ctx.locked():
        try:
            return _number_locked(ctx, path, rest)
        except git.GitError as err:
            raise CliError(f"git: {err}") from None


def _number_locked(ctx: Context, path: Path, rest: str) -> int:
    loaded = load_proposal(ctx, path)
    used = used_numbers(ctx)
    number = max(used, default=0) + 1
    new_path = path.with_name(f"{number:0{ctx.config.id_width}d}-{rest}")
    new_rel = ctx.rel(new_path)
    if new_path.exists():
        raise Refused(f"{new_rel} already exists; not overwritten")
    text = edit_header(ctx, loaded, {"number": str(number)})
    shown = ctx.config.format_id(number)
    if ctx.dry_run:
        ctx.console.print(f"rename {loaded.rel} -> {new_rel}")
        ctx.console.write(files.unified_diff(loaded.text, text, new_rel))
        ctx.console.note("dry run: nothing written")
        return EXIT_OK
    moved_with_git = _rename(ctx, path, new_path)
    try:
        files.atomic_write(new_path, text)
    except OSError as err:
        _rename(ctx, new_path, path) if not moved_with_git else git.git(
            ["mv"], ctx.repo, paths=[new_path, path], check=False
        )
        raise CliError(f"{new_rel}: cannot write: {err.strerror or err}") from None
    how = " (git mv)" if moved_with_git else ""
    ctx.console.print(f"{loaded.rel} -> {new_rel}{how}: numbered {shown}, :number: {number}")
    return EXIT_OK


def _rename(ctx: Context, old: Path, new: Path) -> bool:
    """Rename with ``git mv`` when the file is tracked (history follows it), else plainly."""
    top = git.git_toplevel(old.parent)
    if top is not None:
        tracked = git.git(["ls-files", "--error-unmatch"], top, paths=[old], check=False)
        if tracked.returncode == 0:
            git.git(["mv"], top, paths=[old, new])
            return True
    os.rename(old, new)
    return False
