"""``dep migrate`` (and ``python -m sphinxcontrib_dep.migrate``): the command line of the migrator."""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..core import escape, files
from ..core.config import ConfigError, DepConfig, load
from .paths import Summary, _display, discover, migrate_paths, write_atomic


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``dep migrate``."""
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="legacy proposal files, or folders of NNNN-*.md proposals (and of their area folders, one level down)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--in-place", action="store_true", help="rewrite the files themselves")
    where.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="write migrated copies into DIR (folders: with their other files, such as images)",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a file would change (for CI)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="with --output, replace files in DIR that differ from what would be written",
    )


def run(args: argparse.Namespace, out: object = None) -> int:
    """Migrate, print each file's decisions and the summary; the exit status.

    0: done (or, with ``--check``, nothing would change); 1: with ``--check``, some file
    would change, a file could not be read, or a write was refused; 2: bad arguments or
    settings. Writing (``--in-place``, ``--output``) holds the project lock from the first
    read to the last write; a file changed by something else meanwhile is not overwritten,
    nor is a file in ``--output`` that differs (without ``--force``); when a write fails,
    the files already written are put back.
    """
    stream = out or sys.stdout

    def say(text: str = "") -> None:
        print(escape.terminal(text), file=stream)  # type: ignore[arg-type]

    def complain(text: str) -> None:
        print(escape.terminal(f"dep migrate: {text}"), file=sys.stderr)

    # The settings: a DepConfig the caller resolved (``dep`` puts it in ``args.dep_config``),
    # else [tool.dep] of the nearest pyproject.toml. (``args.config`` may be ``dep``'s own
    # list of --config KEY=VALUE strings, so only a DepConfig there is taken.)
    config = next(
        (
            c
            for c in (getattr(args, "dep_config", None), getattr(args, "config", None))
            if isinstance(c, DepConfig)
        ),
        None,
    )
    if config is None:
        try:
            config = load(Path.cwd())
        except ConfigError as err:
            complain(str(err))
            return 2
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for path in missing:
            complain(f"{escape.text(path)}: no such file or folder")
        return 2
    if args.check and (args.in_place or args.output):
        complain("--check writes nothing; drop --in-place/--output")
        return 2
    if args.output is not None:
        clashes = [
            path
            for path, base in discover(args.paths)
            if (args.output / path.relative_to(base)).resolve() == path.resolve()
        ]
        if clashes:
            complain(
                f"--output {escape.text(args.output)} would overwrite {escape.text(clashes[0])}; "
                "use --in-place to rewrite files where they are"
            )
            return 2
    writing = bool(args.in_place or args.output is not None)
    lock = _project_lock(args, config) if writing else contextlib.nullcontext()
    try:
        with lock:
            # Read under the lock: what is written is computed from what is there now.
            summary, found = migrate_paths(args.paths, config)
            refused = _write(args, summary, found) if writing else []
    except (files.LockError, _WriteFailed) as err:
        complain(str(err))
        return 2 if isinstance(err, files.LockError) else 1
    would_change = 0
    for migration in summary.migrations:
        outcome = migration.outcome if writing or migration.outcome != "migrated" else "would be migrated"
        say(f"{escape.text(migration.path)}: {outcome}")
        for decision in migration.decisions:
            say(f"  {decision.format()}")
        if migration.changed:
            would_change += 1
    if refused:
        for line in refused:
            complain(line)
        complain("nothing written")
        return 1
    if args.output is not None:
        copied = _copy_assets(args.paths, args.output, {p.resolve() for p, _ in found})
        if copied:
            say(
                f"copied {copied} other file(s) (images and the like) into {escape.text(_display(args.output))}"
            )
    for error in summary.errors:
        say(error)
    say()
    for line in summary.lines(config, writing):
        say(line)
    if args.check:
        say(f"{would_change} file(s) would change" if would_change else "nothing to migrate")
        return 1 if would_change or summary.errors else 0
    if not writing:
        say("dry run: nothing written (use --in-place or --output DIR)")
    return 1 if summary.errors else 0


class _WriteFailed(Exception):
    """A write that failed; the files written before it were put back."""


def _project_lock(args: argparse.Namespace, config: DepConfig) -> contextlib.AbstractContextManager[None]:
    """The lock ``dep`` holds (given as ``args.project_lock``); run alone, the lock of the
    project in the current folder (its repository's, or its proposals folder's)."""
    given: Callable[[], contextlib.AbstractContextManager[None]] | None = getattr(args, "project_lock", None)
    if given is not None:
        return given()
    return _own_lock(Path.cwd(), config)


@contextlib.contextmanager
def _own_lock(root: Path, config: DepConfig) -> Iterator[None]:
    path = files.lock_path_for(root, root / config.deps_dir)
    if path is None:
        yield
        return
    with files.file_lock(path, timeout=120.0):
        yield


def _write(args: argparse.Namespace, summary: Summary, found: list[tuple[Path, Path]]) -> list[str]:
    """Write every migrated file, or nothing: the reasons it refused (``[]`` when written).

    ``--in-place`` writes over a file only while it still holds the bytes that were read;
    ``--output`` replaces a file of DIR that differs only with ``--force``. When a write
    fails, those already made are put back and ``_WriteFailed`` says why.
    """
    bases = {_display(path): (path, base) for path, base in found}
    planned: list[tuple[Path, str, bytes | None]] = []  # target, new text, bytes to put back
    refused: list[str] = []
    for migration in summary.migrations:
        path, base = bases[migration.path]
        if args.in_place:
            if not migration.changed:
                continue
            target = path
        else:
            target = args.output / path.relative_to(base)
        current = _read_bytes(target)
        if args.in_place and current != migration.original:
            refused.append(
                f"{escape.text(migration.path)} changed on disk while it was migrated; not written"
            )
            continue
        if not args.in_place and current is not None:
            if current == migration.new_text.encode("utf-8"):
                continue
            if not args.force:
                refused.append(
                    f"{escape.text(_display(target))} exists and differs; not overwritten (give --force)"
                )
                continue
        planned.append((target, migration.new_text, current))
    if refused:
        return refused
    done: list[tuple[Path, bytes | None]] = []
    for target, text, previous in planned:
        try:
            write_atomic(target, text)
        except OSError as err:
            for written, old in reversed(done):
                with contextlib.suppress(OSError):
                    if old is None:
                        written.unlink()
                    else:
                        files.atomic_write(written, old)
            shown = escape.text(_display(target))
            raise _WriteFailed(f"{shown}: cannot write: {err.strerror or err}; nothing written") from None
        done.append((target, previous))
    return []


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return b""  # there, but unreadable: never equal to what was read or will be written


def _copy_assets(paths: Sequence[Path], output: Path, proposals: set[Path]) -> int:
    """Copy the other files of the folders given (images next to proposals) into ``output``."""
    copied = 0
    for folder in (p for p in paths if p.is_dir()):
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.resolve() in proposals or path.name.startswith("."):
                continue
            if path.parent == folder and path.suffix in {".md", ".rst"}:
                continue  # templates and other documents are not proposals
            target = output / path.relative_to(folder)
            if target.resolve() == path.resolve():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied += 1
    return copied


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dep migrate", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
