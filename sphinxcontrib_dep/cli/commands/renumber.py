"""``dep renumber``: move a proposal to another number, and every reference to it, at once."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ...core import editing, escape, files, git, project, renumber
from ...core.model import number_from_filename, parse_id, split_proposal_name
from ..context import (
    EXIT_OK,
    Change,
    CliError,
    Context,
    Refused,
    _write_all,
    load_proposal,
    read_text,
    resolve_proposal,
)


def cmd_renumber(ctx: Context) -> int:
    # Everything from the first read to the last write holds the project lock, so a
    # `dep number` or another renumber cannot take the number meanwhile.
    with ctx.locked():
        try:
            return _renumber_locked(ctx)
        except git.GitError as err:
            raise CliError(f"git: {err}") from None


def _folder_files(ctx: Context) -> list[Path]:
    """Every file of the proposals folder the build reads: proposals and pages."""
    found = project.discover(
        ctx.deps_folder(),
        pages=ctx.config.pages,
        excluded=ctx.project.exclude_patterns(),
        suffixes=ctx.project.suffixes(),
    )
    return sorted(found.proposals + found.pages)


def _old_path(ctx: Context, ref: str) -> Path:
    """OLD as a path, or a number held by one file only (two files: give the path)."""
    if Path(ref).is_file():
        return ctx.safe(Path(ref))
    number = parse_id(ref, ctx.config.id_prefix)
    if number is not None:
        holding = [p for p in _folder_files(ctx) if number_from_filename(p.name) == number]
        if len(holding) > 1:
            shown = ", ".join(ctx.rel(p) for p in holding)
            raise CliError(
                f"{ctx.config.format_id(number)} is held by {len(holding)} files ({shown}); "
                "give the path of the one to move"
            )
    return resolve_proposal(ctx, ref)


def _renumber_locked(ctx: Context) -> int:
    args = ctx.args
    config = ctx.config
    folder = ctx.deps_folder()
    path = _old_path(ctx, args.old)
    loaded = load_proposal(ctx, path)
    old = number_from_filename(path.name)
    if old is None:
        raise Refused(f"{loaded.rel} has no number yet; give it one with `dep number {loaded.rel}`")
    used = git.used_numbers(folder)
    if args.new is None:
        new = max(used, default=0) + 1
    else:
        parsed = parse_id(args.new, config.id_prefix)
        if parsed is None or parsed == 0:
            raise CliError(
                f"NEW {escape.text(args.new)!r} is not a proposal number like 12 or {config.format_id(12)}"
            )
        new = parsed
    old_id, new_id = config.format_id(old), config.format_id(new)
    if new == old:
        raise CliError(f"{loaded.rel} is {old_id} already")
    if new in used:
        raise Refused(
            f"{new_id} is taken ({escape.text(used[new])}); choose another, or leave NEW out for the next free number"
        )
    parts = split_proposal_name(path.name)
    assert parts is not None
    new_path = path.with_name(f"{new:0{config.id_width}d}-{parts[1]}")
    new_rel = ctx.rel(new_path)
    if new_path.exists():
        raise Refused(f"{new_rel} already exists; not overwritten")

    others = [p for p in _folder_files(ctx) if p != path]
    sharing = [p for p in others if number_from_filename(p.name) == old]
    # While two files hold the number, "DEP-0002" names either: references by number are
    # left alone (the one that stays keeps them); links name the file, so they move.
    ids = not sharing
    names = (path.name, new_path.name)
    myst = ctx.project.myst
    own = renumber.rewrite_references(
        loaded.text, loaded.rel, old, new, config, myst, ids=ids, file_names=names
    )
    own_text = own.text
    if "number" in loaded.dep.option_lines:
        try:
            own_text = editing.set_options(own_text, loaded.rel, {"number": str(new)}, myst)
        except editing.EditError as err:
            raise CliError(str(err)) from None
    changes = [
        Change(new_path, new_rel, loaded.text, own_text, f"{loaded.rel} -> {new_rel}: {old_id} -> {new_id}")
    ]
    for other in others:
        rel = ctx.rel(other)
        text = read_text(other, rel)
        rewritten = renumber.rewrite_references(text, rel, old, new, config, myst, ids=ids, file_names=names)
        if rewritten.text != text:
            changes.append(
                Change(other, rel, text, rewritten.text, f"{rel}: {', '.join(rewritten.moved)} -> {new_id}")
            )

    if ctx.dry_run:
        ctx.console.print(f"rename {loaded.rel} -> {new_rel}")
        for change in changes:
            ctx.console.write(files.unified_diff(change.old or "", change.new, change.rel))
        ctx.console.note("dry run: nothing written")
        return EXIT_OK
    moved_with_git = git.move(path, new_path)
    try:
        _write_all(changes, exclusive=False)
    except CliError:
        with contextlib.suppress(git.GitError, OSError):  # back where it was
            if moved_with_git:
                git.move(new_path, path)
            else:
                os.rename(new_path, path)
        raise
    if moved_with_git:
        try:
            git.stage([change.path for change in changes], ctx.repo)
        except git.GitError as err:
            ctx.console.note(f"git add: {err}; stage the changes yourself")
    for change in changes:
        ctx.console.print(
            change.summary + (" (git mv, staged)" if moved_with_git and change.path == new_path else "")
        )
    if not ids:
        shown = ", ".join(ctx.rel(p) for p in sharing)
        ctx.console.note(
            f"references by number to {old_id} are left alone: {old_id} also names {shown}, "
            "which keeps them; move any that meant this proposal by hand"
        )
    return EXIT_OK
