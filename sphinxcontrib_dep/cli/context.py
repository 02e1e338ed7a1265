"""What every ``dep`` command starts from: the settings, the project root, the proposals, and safe writes."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..core import analysis, editing, escape, files, git, project, rules, sources
from ..core.config import ConfigError, DepConfig, settings
from ..core.config import load as load_config
from ..core.diagnostics import Diagnostic
from ..core.model import (
    Dep,
    Status,
    number_from_filename,
    parse_id,
)
from .console import Console

EXIT_OK = 0


EXIT_PROBLEMS = 1


EXIT_USAGE = 2


#: How long a writing command waits for another one holding the project lock, in seconds.
LOCK_TIMEOUT = 120.0


class CliError(Exception):
    """A message for the user instead of a traceback, and the exit status that goes with it."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


class Refused(CliError):
    """A change the command will not make (a file in the way, a move the rules forbid)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_PROBLEMS)


@dataclass
class Context:
    args: argparse.Namespace
    config: DepConfig
    root: Path
    console: Console
    today: date
    repo: Path = field(init=False)
    project: project.Project = field(init=False)
    #: How many ``with ctx.locked()`` blocks are open: the project lock is taken once.
    lock_depth: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        # Writes stay inside the git work tree holding the project, or the project itself.
        self.repo = git.git_toplevel(self.root) or self.root

    @property
    def deps_dir(self) -> Path:
        return self.root / self.config.deps_dir

    @property
    def dry_run(self) -> bool:
        return bool(getattr(self.args, "dry_run", False))

    def rel(self, path: Path) -> str:
        """A path as the output names it: relative to the project root, with ``/``, and
        escaped (:func:`.escape.text`): a line break or a control character in a file name
        is shown, never printed."""
        return escape.text(analysis.relative(path, self.root))

    def safe(self, path: Path) -> Path:
        try:
            return files.inside(self.repo, path)
        except files.UnsafePath as err:
            raise Refused(str(err)) from None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the project lock (:func:`.files.lock_path_for`) while inside; again inside, nothing.

        Every command that writes runs inside it, from its first read of a proposal to its
        last write, so two runs at once (two ``dep status``, ``dep supersede`` and
        ``dep number``, ...) happen one after the other, each reading what the other wrote.
        """
        if self.lock_depth:
            self.lock_depth += 1
            try:
                yield
            finally:
                self.lock_depth -= 1
            return
        path = files.lock_path_for(self.root, self.deps_dir)
        if path is None:
            # No repository and no proposals folder (``dep init`` of a new folder): nothing
            # is shared, and new files are created refusing to replace one that appears.
            yield
            return
        command = self.args.command

        def waiting() -> None:
            self.console.note(f"dep {command}: waiting for another dep command to finish (lock {path})")

        lock = files.file_lock(path, timeout=LOCK_TIMEOUT, on_wait=waiting)
        try:
            lock.__enter__()
        except files.LockError as err:
            raise CliError(str(err)) from None
        self.lock_depth = 1
        try:
            yield
        finally:
            self.lock_depth = 0
            lock.__exit__(None, None, None)

    def deps_folder(self) -> Path:
        folder = self.deps_dir
        if not folder.is_dir():
            raise CliError(
                f"no {self.config.deps_dir}/ folder in {self.root} (run `dep init`, or give --root or --deps-dir)"
            )
        return self.safe(folder)


def find_root(start: Path, deps_dir: str) -> Path:
    """The project: the nearest folder at or above ``start`` holding the proposals folder,
    else the nearest with a pyproject.toml, else ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / deps_dir).is_dir():
            return folder
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return start


def work_tree(option: str, start: Path) -> Path:
    """The git work tree holding ``start``, for an option that reads history (``--since``)."""
    top = git.git_toplevel(start)
    if top is None:
        raise CliError(f"{option} needs a git work tree")
    return top


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """``--config KEY=VALUE`` pairs, each value read as the setting's type."""
    declared = {setting.name: setting for setting in settings()}
    values: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        name = key.strip().replace("-", "_")
        if not sep or not name:
            raise CliError(f"--config takes KEY=VALUE, not {item!r}")
        if name not in declared:
            raise CliError(
                f"--config: unknown setting {key.strip()!r} (known: {', '.join(sorted(declared))})"
            )
        try:
            values[name] = declared[name].parse(raw)
        except ValueError as err:
            raise CliError(f"--config {name}: {err}") from None
    return values


def make_context(args: argparse.Namespace, console: Console) -> Context:
    overrides = parse_overrides(args.config or [])
    if getattr(args, "deps_dir", None):
        overrides["deps_dir"] = args.deps_dir
    explicit_root = Path(args.root) if getattr(args, "root", None) else None
    if args.command == "init":
        explicit_root = Path(args.dir)
    start = explicit_root or Path.cwd()
    if explicit_root is not None and args.command != "init" and not explicit_root.is_dir():
        raise CliError(f"--root {escape.text(explicit_root)}: no such folder")
    try:
        config = load_config(start if start.is_dir() else Path.cwd(), overrides)
        root = explicit_root.resolve() if explicit_root is not None else find_root(start, config.deps_dir)
        # The settings Sphinx will see: [tool.dep], then conf.py's own values, then --config.
        loaded = project.load(root, overrides, start=start if start.is_dir() else Path.cwd())
        if args.command != "init":
            loaded.myst  # noqa: B018 (MyST settings are checked before any file is read)
    except ConfigError as err:
        raise CliError(f"configuration: {err}") from None
    today = args.today or date.today()
    ctx = Context(args, loaded.config, root, console, today)
    ctx.project = loaded
    for line, note in loaded.conf.unknown:
        console.note(f"{analysis.relative(loaded.conf.path or root, root)}:{line}: {note}")
    for line, name in loaded.conf.unreadable:
        console.note(
            f"{analysis.relative(loaded.conf.path or root, root)}:{line}: {name} is computed, not a literal; "
            "dep lint cannot read it (set it in [tool.dep] too if it matters to the rules)"
        )
    return ctx


def read_text(path: Path, shown: str | None = None) -> str:
    """A proposal's text exactly as stored (line endings and byte-order mark kept)."""
    shown = shown or escape.text(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{shown}: is a folder, not a proposal") from None
    except OSError as err:
        raise CliError(f"{shown}: cannot read: {err.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CliError(f"{shown}: not valid UTF-8 ({err.reason} at byte {err.start})") from None


@dataclass
class Loaded:
    path: Path
    rel: str
    text: str
    dep: Dep
    diagnostics: list[Diagnostic]


def load_proposal(ctx: Context, path: Path) -> Loaded:
    rel = ctx.rel(path)
    text = read_text(path, rel)
    dep, diagnostics = analysis.lint_text(editing.normalized(text), rel, ctx.config, myst=ctx.project.myst)
    if dep is None:
        raise CliError(f"{rel}: no dep-meta block; is this a proposal?")
    return Loaded(path, rel, text, dep, diagnostics)


def resolve_proposal(ctx: Context, ref: str) -> Path:
    """A proposal named on the command line: a path, or a number / id (``12``, ``DEP-0012``)."""
    path = Path(ref)
    if path.is_file():
        return ctx.safe(path)
    number = parse_id(ref, ctx.config.id_prefix)
    if number is None:
        if path.exists():
            raise CliError(f"{escape.text(ref)}: not a proposal file")
        raise CliError(
            f"{escape.text(ref)}: no such file, and not a proposal number like 12 or {ctx.config.format_id(12)}"
        )
    found = [p for p in proposal_files(ctx) if number_from_filename(p.name) == number]
    if not found:
        # A proposal may carry its number in :number: only.
        for candidate in proposal_files(ctx, numbered_only=False):
            try:
                loaded = load_proposal(ctx, candidate)
            except CliError:
                continue
            if loaded.dep.number == number:
                found.append(candidate)
    shown = ctx.config.format_id(number)
    if not found:
        raise CliError(f"no proposal {shown} in {ctx.config.deps_dir}/")
    if len(found) > 1:
        raise CliError(f"{shown} is ambiguous: {', '.join(ctx.rel(p) for p in found)}")
    return ctx.safe(found[0])


def proposal_files(ctx: Context, *, numbered_only: bool = True) -> list[Path]:
    """The proposals, found as `dep lint` and Sphinx find them (:func:`~.project.discover`)."""
    found = project.discover(
        ctx.deps_folder(),
        pages=ctx.config.pages,
        excluded=ctx.project.exclude_patterns(),
        suffixes=ctx.project.suffixes(),
    )
    files = found.proposals
    if numbered_only:
        files = [p for p in files if number_from_filename(p.name) is not None]
    return files


@dataclass
class Change:
    """One file to write: its old text (``None`` when new) and new text."""

    path: Path
    rel: str
    old: str | None
    new: str
    summary: str


def apply(ctx: Context, changes: list[Change], *, exclusive: bool = False) -> None:
    """Write every change atomically, or show the diffs with ``--dry-run``.

    When a later file fails, the ones already written are put back, so a command that
    edits two files (``dep supersede``) changes both or neither.
    """
    console = ctx.console
    if ctx.dry_run:
        for change in changes:
            console.write(files.unified_diff(change.old or "", change.new, change.rel))
        console.note("dry run: nothing written")
        return
    with ctx.locked():
        _write_all(changes, exclusive=exclusive)
    for change in changes:
        console.print(change.summary)


def _write_all(changes: list[Change], *, exclusive: bool) -> None:
    # Read each file again just before it is replaced: a change made since this command
    # read it (an editor, a checkout: something that does not take the lock) is never
    # overwritten; the command stops and puts back what it wrote.
    for change in changes:
        if change.old is not None and _current_text(change.path) != change.old:
            raise Refused(
                f"{change.rel} changed on disk while this command ran; nothing written (run it again)"
            )
    done: list[Change] = []
    for change in changes:
        try:
            change.path.parent.mkdir(parents=True, exist_ok=True)
            files.atomic_write(change.path, change.new, exclusive=exclusive and change.old is None)
        except FileExistsError:
            _undo(done)
            raise Refused(f"{change.rel} already exists; not overwritten") from None
        except OSError as err:
            _undo(done)
            raise CliError(f"{change.rel}: cannot write: {err.strerror or err}") from None
        done.append(change)


def _current_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _undo(done: list[Change]) -> None:
    for change in reversed(done):
        try:
            if change.old is None:
                change.path.unlink()
            else:
                files.atomic_write(change.path, change.old)
        except OSError:
            pass


def edit_header(ctx: Context, loaded: Loaded, changes: dict[str, str | None]) -> str:
    try:
        return editing.set_options(loaded.text, loaded.rel, changes, ctx.project.myst)
    except editing.EditError as err:
        raise CliError(str(err)) from None


def transition_problem(old: Status | None, new: Status) -> str | None:
    """Why the lifecycle graph forbids ``old`` -> ``new`` (``None`` when allowed or unknown)."""
    if old is None or old is new:
        return None
    return rules.check_transition(old, new)


def new_problems(ctx: Context, before: Loaded, text: str) -> list[Diagnostic]:
    """Problems the edited text has that the original did not: the rules an edit would break."""
    _, after = analysis.lint_text(editing.normalized(text), before.rel, ctx.config, myst=ctx.project.myst)
    known = {(d.code, d.message) for d in before.diagnostics}
    return [d for d in after if (d.code, d.message) not in known]


def load_sources(ctx: Context, *, offline: bool) -> sources.Registry:
    """Other projects (``dep_sources``) as the build reads them: same cache, same checks.

    Path sources and the cache are relative to the folder of conf.py (the build's
    ``confdir``), or the project root without one; problems are located at the setting.
    """
    conf = ctx.project.conf.path
    base = conf.parent if conf is not None else ctx.root
    return sources.load(
        ctx.config.sources,
        base=base,
        cache=base / ctx.config.sources_cache,
        timeout=ctx.config.sources_timeout,
        offline=offline,
        self_site=ctx.config.base_url,
        where=sources_where(ctx),
    )


def sources_where(ctx: Context) -> tuple[str | None, int | None]:
    """Where problems of ``dep_sources`` are reported: its line in conf.py."""
    conf = ctx.project.conf.path
    return (analysis.relative(conf, ctx.root), sources.setting_line(conf)) if conf else (None, None)
