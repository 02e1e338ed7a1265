"""``dep number``: the next free number for a draft, seen from every branch."""

from __future__ import annotations

import contextlib
from pathlib import Path

from ...core import escape, files, git, rules
from ...core.model import number_from_filename, split_proposal_name
from ..context import EXIT_OK, CliError, Context, Refused, edit_header, load_proposal


def cmd_number(ctx: Context) -> int:
    args = ctx.args
    path = ctx.safe(Path(args.path))
    if not path.is_file():
        raise CliError(f"{escape.text(args.path)}: no such file")
    folder = ctx.deps_folder()
    # In the proposals folder, or in an area folder of it (deps/router/0000-x.md).
    if folder not in (path.parent, path.parent.parent):
        raise CliError(
            f"{escape.text(args.path)}: not in the proposals folder {ctx.config.deps_dir}/ or an area folder of it"
        )
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
    early = rules.numbering_problem(loaded.dep, ctx.config)
    if early is not None:
        raise Refused(
            f"{loaded.rel} is not numbered yet: {early} (the early_numbering setting allows earlier numbers)"
        )
    used = git.used_numbers(ctx.deps_folder())
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
    moved_with_git = git.move(path, new_path)
    try:
        files.atomic_write(new_path, text)
    except OSError as err:
        with contextlib.suppress(git.GitError):  # back where it was, by git mv if git moved it
            git.move(new_path, path)
        raise CliError(f"{new_rel}: cannot write: {err.strerror or err}") from None
    if moved_with_git:
        # git mv staged the rename; the :number: edit is staged with it, so `git status`
        # shows one change (R), not a rename plus an unstaged edit (RM).
        try:
            git.stage([new_path], ctx.repo)
        except git.GitError as err:
            ctx.console.note(f"git add {new_rel}: {err}; stage it yourself")
    how = " (git mv, staged)" if moved_with_git else ""
    ctx.console.print(f"{loaded.rel} -> {new_rel}{how}: numbered {shown}, :number: {number}")
    return EXIT_OK
