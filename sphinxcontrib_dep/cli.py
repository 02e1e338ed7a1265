"""The ``dep`` command: scaffold, create, number, move, check and report on proposals without Sphinx.

Every command calls the same core the extension does (parsing, rules, sections, corpus),
so a rule exists once. ``main(argv)`` returns the exit status: 0 done (or nothing found),
1 problems found or a change refused, 2 a usage error or input that cannot be read.
Commands that change files write atomically, print what they changed, and show a diff
instead with ``--dry-run``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from . import __version__, corpus, editing, escape, fsutil, lint, parsing, project, rules
from .config import ConfigError, DepConfig, settings
from .config import load as load_config
from .diagnostics import Code, Diagnostic, Severity
from .model import (
    Dep,
    Status,
    Template,
    find_mentions,
    id_pattern,
    lookup_category,
    number_from_filename,
    slugify,
)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

#: How long a writing command waits for another one holding the project lock, in seconds.
LOCK_TIMEOUT = 120.0

#: Statuses that let work named by a pull request merge (``dep gate``).
GATE_STATUSES = frozenset({Status.APPROVED, Status.IMPLEMENTED})


class CliError(Exception):
    """A message for the user instead of a traceback, and the exit status that goes with it."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


class Refused(CliError):
    """A change the command will not make (a file in the way, a move the rules forbid)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_PROBLEMS)


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

_STYLES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34", "cyan": "36"}


@dataclass
class Console:
    """stdout and stderr, with colour only when asked for or when stdout is a terminal.

    Everything written passes :func:`.escape.terminal`: whatever a value holds, only line
    breaks, tabs and the console's own colour reach the terminal. Values are escaped where
    they are formatted too (:func:`.escape.text`), so none can start a line of its own.
    """

    out: TextIO
    err: TextIO
    color: bool = False

    def style(self, text: str, *names: str) -> str:
        if not self.color or not names:
            return text
        codes = ";".join(_STYLES[name] for name in names)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def write(self, text: str) -> None:
        self.out.write(escape.terminal(text, keep_colour=self.color))

    def print(self, text: str = "") -> None:
        self.write(text + "\n")

    def note(self, text: str) -> None:
        self.err.write(escape.terminal(text) + "\n")


def wants_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


STATUS_COLORS = {
    Status.APPROVED: "green",
    Status.IMPLEMENTED: "green",
    Status.UNDER_REVIEW: "yellow",
    Status.REJECTED: "red",
    Status.SUPERSEDED: "dim",
    Status.DEFERRED: "dim",
}


# --------------------------------------------------------------------------------------
# Context: settings, the project root, the repository
# --------------------------------------------------------------------------------------


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
        self.repo = fsutil.git_toplevel(self.root) or self.root

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
        return escape.text(lint.relative(path, self.root))

    def safe(self, path: Path) -> Path:
        try:
            return fsutil.inside(self.repo, path)
        except fsutil.UnsafePath as err:
            raise Refused(str(err)) from None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the project lock (:func:`.fsutil.lock_path_for`) while inside; again inside, nothing.

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
        path = fsutil.lock_path_for(self.root, self.deps_dir)
        if path is None:
            # No repository and no proposals folder (``dep init`` of a new folder): nothing
            # is shared, and new files are created refusing to replace one that appears.
            yield
            return
        command = self.args.command

        def waiting() -> None:
            self.console.note(f"dep {command}: waiting for another dep command to finish (lock {path})")

        lock = fsutil.file_lock(path, timeout=LOCK_TIMEOUT, on_wait=waiting)
        try:
            lock.__enter__()
        except fsutil.LockError as err:
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


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """``--config KEY=VALUE`` pairs, each value read as the setting's type."""
    fields = {f.name: str(f.type) for f in settings()}
    values: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        name = key.strip().replace("-", "_")
        if not sep or not name:
            raise CliError(f"--config takes KEY=VALUE, not {item!r}")
        if name not in fields:
            raise CliError(f"--config: unknown setting {key.strip()!r} (known: {', '.join(sorted(fields))})")
        kind = fields[name]
        raw = raw.strip()
        value: Any = raw
        if kind == "int":
            try:
                value = int(raw)
            except ValueError:
                raise CliError(f"--config {name}: {raw!r} is not a whole number") from None
        elif kind == "bool":
            lowered = raw.lower()
            if lowered not in {"true", "false", "yes", "no", "1", "0", "on", "off"}:
                raise CliError(f"--config {name}: {raw!r} is not true or false")
            value = lowered in {"true", "yes", "1", "on"}
        elif kind == "list[str]":
            if raw.startswith("["):
                try:
                    value = tomllib.loads(f"v = {raw}")["v"]
                except tomllib.TOMLDecodeError as err:
                    raise CliError(f"--config {name}: {raw!r} is not a TOML list: {err}") from None
            else:
                value = [part.strip() for part in raw.split(",") if part.strip()]
        values[name] = value
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
    for line, name in loaded.conf.unreadable:
        console.note(
            f"{lint.relative(loaded.conf.path or root, root)}:{line}: {name} is computed, not a literal; "
            "dep lint cannot read it (set it in [tool.dep] too if it matters to the rules)"
        )
    return ctx


# --------------------------------------------------------------------------------------
# Reading and writing proposals
# --------------------------------------------------------------------------------------


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
    dep, diagnostics = lint.lint_text(
        editing.normalized(text), rel, ctx.config, today=ctx.today, myst=ctx.project.myst
    )
    if dep is None:
        raise CliError(f"{rel}: no dep-meta block; is this a proposal?")
    return Loaded(path, rel, text, dep, diagnostics)


def _id_pattern(config: DepConfig) -> re.Pattern[str]:
    return id_pattern(config.id_prefix)


def resolve_proposal(ctx: Context, ref: str) -> Path:
    """A proposal named on the command line: a path, or a number / id (``12``, ``DEP-0012``)."""
    path = Path(ref)
    if path.is_file():
        return ctx.safe(path)
    match = _id_pattern(ctx.config).match(ref.strip())
    if not match:
        if path.exists():
            raise CliError(f"{escape.text(ref)}: not a proposal file")
        raise CliError(
            f"{escape.text(ref)}: no such file, and not a proposal number like 12 or {ctx.config.format_id(12)}"
        )
    number = int(match.group(1))
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
            console.write(fsutil.unified_diff(change.old or "", change.new, change.rel))
        console.note("dry run: nothing written")
        return
    with ctx.locked():
        _write_all(ctx, changes, exclusive=exclusive)
    for change in changes:
        console.print(change.summary)


def _write_all(ctx: Context, changes: list[Change], *, exclusive: bool) -> None:
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
            fsutil.atomic_write(change.path, change.new, exclusive=exclusive and change.old is None)
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
                fsutil.atomic_write(change.path, change.old)
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
    _, after = lint.lint_text(
        editing.normalized(text), before.rel, ctx.config, today=ctx.today, myst=ctx.project.myst
    )
    known = {(d.code, d.message) for d in before.diagnostics}
    return [d for d in after if (d.code, d.message) not in known]


# --------------------------------------------------------------------------------------
# dep lint
# --------------------------------------------------------------------------------------


def cmd_lint(ctx: Context) -> int:
    args = ctx.args
    paths = [Path(p) for p in args.paths]
    for path in paths:
        if not path.exists():
            raise CliError(f"{escape.text(path)}: no such file or folder")
    if not paths:
        ctx.deps_folder()
    result = lint.lint_paths(paths, ctx.root, ctx.project, today=ctx.today)
    diagnostics = list(result.diagnostics)
    if args.since:
        diagnostics += since_diagnostics(ctx, result, args.since)
    diagnostics.sort(key=lint.sort_key)
    if args.format == "json":
        ctx.console.print(escape.json_dumps(lint_json(result, diagnostics)))
    elif args.format == "github":
        for diagnostic in diagnostics:
            ctx.console.print(github_annotation(ctx, diagnostic))
    else:
        for diagnostic in diagnostics:
            ctx.console.print(styled_diagnostic(ctx.console, diagnostic))
    files = len(result.files)
    noun = "file" if files == 1 else "files"
    if diagnostics:
        ctx.console.note(f"dep lint: {len(diagnostics)} problem(s) in {files} {noun}")
    else:
        ctx.console.note(f"dep lint: {files} {noun}, no problems")
    if any(d.code is Code.ENCODING for d in diagnostics):
        return EXIT_USAGE
    return EXIT_PROBLEMS if diagnostics else EXIT_OK


def styled_diagnostic(console: Console, diagnostic: Diagnostic) -> str:
    if not console.color:
        return diagnostic.format()
    where = escape.text(diagnostic.path or "<unknown>")
    if diagnostic.line is not None:
        where = f"{where}:{diagnostic.line}"
    colour = "red" if diagnostic.severity is Severity.ERROR else "yellow"
    return (
        f"{console.style(where, 'bold')}: {console.style(diagnostic.message, colour)} "
        f"{console.style(f'[dep.{diagnostic.code.value}]', 'dim')}"
    )


def lint_json(result: lint.LintResult, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    return {
        "version": 1,
        "files": result.files,
        "problems": [
            {
                "path": d.path,
                "line": d.line,
                "code": f"dep.{d.code.value}",
                "severity": d.severity.value,
                "message": d.message,
            }
            for d in diagnostics
        ],
    }


def github_annotation(ctx: Context, diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the line of the pull request's diff."""
    level = "error" if diagnostic.severity is Severity.ERROR else "warning"
    properties = []
    if diagnostic.path:
        # Annotations name files from the repository root, which may lie above the project.
        path = lint.relative(ctx.root / diagnostic.path, ctx.repo)
        properties.append(f"file={escape.github_property(path)}")
    if diagnostic.line is not None:
        properties.append(f"line={diagnostic.line}")
    properties.append(f"title={escape.github_property('dep.' + diagnostic.code.value)}")
    return f"::{level} {','.join(properties)}::{escape.github_data(diagnostic.message)}"


def since_diagnostics(ctx: Context, result: lint.LintResult, rev: str) -> list[Diagnostic]:
    """Status moves since ``rev`` that the lifecycle graph does not allow, one per proposal."""
    top = fsutil.git_toplevel(ctx.root)
    if top is None:
        raise CliError("--since needs a git work tree")
    # The revision is checked and resolved first: git gets a commit id, never the text given.
    try:
        commit = fsutil.commit_id(rev, top)
    except fsutil.BadRevision as err:
        raise CliError(f"--since: {err}") from None
    listing = fsutil.git(
        ["diff", "--no-ext-diff", "--name-status", "-M", "-z"], top, revs=[commit], no_paths=True
    ).stdout
    # new path -> old path, for files modified or renamed since rev
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
    by_path = {dep.path: dep for dep in result.deps}
    found: list[Diagnostic] = []
    for name in result.files:
        dep = by_path.get(name)
        in_repo = lint.relative(ctx.root / name, top)
        if dep is None or dep.status is None or in_repo not in previous:
            continue
        shown = fsutil.git(["cat-file", "-p"], top, revs=[f"{commit}:{previous[in_repo]}"], check=False)
        if shown.returncode != 0:
            continue
        old_dep, _, _ = parsing.parse_file(
            editing.normalized(shown.stdout), name, ctx.config, ctx.project.myst
        )
        old = old_dep.status if old_dep is not None else None
        reason = transition_problem(old, dep.status)
        if old is None or reason is None:
            continue
        text = (ctx.root / name).read_text(encoding="utf-8", errors="replace")
        block = parsing.scan(editing.normalized(text), name, ctx.project.myst).blocks_named("dep-meta")
        line = block[0].option_lines.get("status", dep.line) if block else dep.line
        found.append(
            Diagnostic(
                Code.TRANSITION,
                f"status moved from {old.value} to {dep.status.value} since {rev}: {reason}",
                name,
                line,
            )
        )
    return found


# --------------------------------------------------------------------------------------
# dep new / dep init
# --------------------------------------------------------------------------------------


def package_template(name: str) -> str:
    """A template shipped with the package (``sphinxcontrib_dep/templates/<name>.md``)."""
    resource = resources.files("sphinxcontrib_dep").joinpath("templates", f"{name}.md")
    try:
        return resource.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        raise CliError(
            f"the {name} template is missing from this installation of sphinxcontrib-dep"
        ) from None


def project_template(ctx: Context, name: str) -> tuple[str, str]:
    """The project's own ``templates/<name>.md`` (as ``dep init`` writes it), else the package's."""
    local = ctx.root / "templates" / f"{name}.md"
    if local.is_file():
        return read_text(local, ctx.rel(local)), ctx.rel(local)
    return package_template(name), f"the package's {name} template"


def cmd_new(ctx: Context) -> int:
    args = ctx.args
    title = " ".join(args.title.split())
    if not title:
        raise CliError("the title is empty")
    template = Template.lookup(args.template or ctx.config.default_template)
    if template is None:
        raise CliError(f"unknown template {args.template!r} (allowed: {Template.allowed()})")
    changes: dict[str, str | None] = {"number": None, "status": Status.IN_PROGRESS.value}
    if args.author:
        people = [p.strip() for item in args.author for p in item.split(",") if p.strip()]
        for person in people:
            if parsing.parse_person(person) is None:
                raise CliError(
                    f"--author: cannot read {person!r} as a person (write @handle, Name or Name <url>)"
                )
        changes["authors"] = ", ".join(people)
    if args.category:
        category = lookup_category(args.category, tuple(ctx.config.categories))
        if category is None:
            raise CliError(
                f"unknown category {args.category!r} (allowed: {', '.join(ctx.config.categories)})"
            )
        changes["category"] = category
    changes["template"] = template.value
    slug = slugify(title)
    # slugify promises ASCII letters, digits and single hyphens; the file name depends on it.
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise CliError(f"cannot make a safe file name from {title!r}")
    folder = ctx.deps_folder()
    target = ctx.safe(folder / f"{'0' * ctx.config.id_width}-{slug}.md")
    rel = ctx.rel(target)
    text, source = project_template(ctx, template.value)
    try:
        text = editing.set_title(text, rel, title, ctx.project.myst)
        text = editing.set_options(text, rel, changes, ctx.project.myst)
    except editing.EditError as err:
        raise CliError(f"{source}: {err}") from None
    old: str | None = None
    if target.exists():
        if not args.force:
            raise Refused(f"{rel} already exists; not overwritten (give --force to replace it)")
        old = read_text(target, rel)
    apply(ctx, [Change(target, rel, old, text, f"created {rel} from {source}")], exclusive=not args.force)
    if not ctx.dry_run:
        ctx.console.note(f"next: write the proposal, then `dep number {rel}` when it is ready for a number")
    return EXIT_OK


INIT_CONF = '''"""Sphinx configuration of the enhancement proposals (sphinxcontrib-dep)."""

project = "Enhancement Proposals"
extensions = ["sphinxcontrib_dep"]
# The templates are copied by `dep new`, not pages of the site.
exclude_patterns = ["_build", "templates", ".github", "README.md"]
'''

INIT_INDEX = """# Enhancement Proposals

Decisions are proposed, reviewed and recorded here. Start one with
`dep new "Title"`; check it with `dep lint`.

```{toctree}
:maxdepth: 1
:glob:

deps/*
```

## Index

```{dep-index}
```

## Traceability

```{dep-traceability}
```

## Review report

```{dep-review-report}
```
"""

INIT_DEPS_README = """# About the proposals folder

Each proposal is a file `NNNN-slug.md` here. Create a draft with `dep new "Title"`
(it starts as `0000-slug.md`), give it a number with `dep number`, move it through the
lifecycle with `dep status`, and check everything with `dep lint`.
"""

INIT_WORKFLOW = """# Checks the proposals on every pull request: the rules (dep lint) and the site (sphinx-build -W).
name: deps

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # dep lint --since and dep number look at other refs
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: python -m pip install sphinxcontrib-dep
      - name: dep lint
        run: dep lint --format github
      - name: status moves follow the lifecycle
        if: github.event_name == 'pull_request'
        run: dep lint --format github --since "origin/${BASE_REF}"
        env:
          BASE_REF: ${{ github.base_ref }}
      - name: sphinx-build -W
        run: sphinx-build -W --keep-going -b html . _build/html
"""

INIT_PRE_COMMIT = """# Runs `dep lint` before each commit that touches a proposal (https://pre-commit.com).
repos:
  - repo: https://github.com/sphinx-contrib/sphinxcontrib-dep
    rev: v{version}
    hooks:
      - id: dep-lint
"""


def cmd_init(ctx: Context) -> int:
    args = ctx.args
    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        raise CliError(f"{escape.text(target)}: not a folder")
    deps = ctx.config.deps_dir
    files = {
        "conf.py": INIT_CONF,
        "index.md": INIT_INDEX.replace("deps/*", f"{deps}/*"),
        f"{deps}/README.md": INIT_DEPS_README,
        "templates/limited.md": package_template("limited"),
        "templates/complete.md": package_template("complete"),
        ".github/workflows/deps.yml": INIT_WORKFLOW,
        ".pre-commit-config.yaml": INIT_PRE_COMMIT.format(version=__version__),
    }
    if deps != DepConfig().deps_dir:
        # In [tool.dep], which sphinx-build and the dep command both read.
        files["pyproject.toml"] = f"[tool.dep]\ndeps-dir = {json.dumps(deps)}\n"
    root = target.resolve()
    changes = []
    in_the_way = []
    for name, text in files.items():
        try:
            path = fsutil.inside(root, root / name)
        except fsutil.UnsafePath as err:
            raise Refused(str(err)) from None
        if path.exists() or path.is_symlink():
            in_the_way.append(name)
        changes.append(Change(path, name, None, text, f"created {name}"))
    if in_the_way:
        raise Refused(
            f"{target}: already has {', '.join(in_the_way)}; nothing written (dep init never overwrites)"
        )
    apply(ctx, changes, exclusive=True)
    if not ctx.dry_run:
        ctx.console.note(f'next: cd {escape.text(target)} && dep new "Your first proposal"')
    return EXIT_OK


# --------------------------------------------------------------------------------------
# dep number
# --------------------------------------------------------------------------------------

_DRAFT_NAME_RE = re.compile(r"^\d{4,}-(.+)$")


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
    top = fsutil.git_toplevel(ctx.root)
    if top is None:
        return used
    prefix = lint.relative(folder, top).rstrip("/") + "/"
    listing = fsutil.git(
        ["for-each-ref", "--format=%(objectname) %(refname)"], top, revs=["refs/heads", "refs/remotes"]
    ).stdout
    # Other worktrees of the repository may hold numbered drafts not yet committed.
    worktrees = fsutil.git(["worktree", "list", "--porcelain"], top, check=False).stdout
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
        tree = fsutil.git(
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
    match = _DRAFT_NAME_RE.match(path.name)
    rest = match.group(1) if match else path.name
    # The number is chosen under the project lock, so two runs at once take two numbers.
    with ctx.locked():
        try:
            return _number_locked(ctx, path, rest)
        except fsutil.GitError as err:
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
        ctx.console.write(fsutil.unified_diff(loaded.text, text, new_rel))
        ctx.console.note("dry run: nothing written")
        return EXIT_OK
    moved_with_git = _rename(ctx, path, new_path)
    try:
        fsutil.atomic_write(new_path, text)
    except OSError as err:
        _rename(ctx, new_path, path) if not moved_with_git else fsutil.git(
            ["mv"], ctx.repo, paths=[new_path, path], check=False
        )
        raise CliError(f"{new_rel}: cannot write: {err.strerror or err}") from None
    how = " (git mv)" if moved_with_git else ""
    ctx.console.print(f"{loaded.rel} -> {new_rel}{how}: numbered {shown}, :number: {number}")
    return EXIT_OK


def _rename(ctx: Context, old: Path, new: Path) -> bool:
    """Rename with ``git mv`` when the file is tracked (history follows it), else plainly."""
    top = fsutil.git_toplevel(old.parent)
    if top is not None:
        tracked = fsutil.git(["ls-files", "--error-unmatch"], top, paths=[old], check=False)
        if tracked.returncode == 0:
            fsutil.git(["mv"], top, paths=[old, new])
            return True
    os.rename(old, new)
    return False


# --------------------------------------------------------------------------------------
# dep status / dep supersede
# --------------------------------------------------------------------------------------


def lookup_status(text: str) -> Status:
    status = Status.lookup(text)
    if status is None:
        raise CliError(f"unknown status {text!r} (allowed: {Status.allowed()}; 'Draft' means In Progress)")
    return status  # type: ignore[return-value]


def _refuse_problems(problems: list[Diagnostic], what: str) -> None:
    lines = "\n".join(f"  {d.format()}" for d in problems)
    raise Refused(f"{what} would break these rules (give --force to write it anyway):\n{lines}")


def cmd_status(ctx: Context) -> int:
    args = ctx.args
    new = lookup_status(args.status)
    loaded = load_proposal(ctx, resolve_proposal(ctx, args.dep))
    old = loaded.dep.status
    if old is new:
        ctx.console.print(f"{loaded.rel}: already {new.value}; nothing to change")
        return EXIT_OK
    reason = transition_problem(old, new)
    old_text = old.value if old else "(no status)"
    if reason and not args.force:
        raise Refused(f"{loaded.rel}: cannot move from {old_text} to {new.value}: {reason}")
    changes: dict[str, str | None] = {"status": new.value}
    if new is Status.UNDER_REVIEW and loaded.dep.review_requested is None:
        changes["review-requested"] = ctx.today.isoformat()  # starts the review window
    text = edit_header(ctx, loaded, changes)
    problems = new_problems(ctx, loaded, text)
    if problems and not args.force:
        _refuse_problems(problems, f"{loaded.rel}: moving to {new.value}")
    extra = f", :review-requested: {changes['review-requested']}" if "review-requested" in changes else ""
    apply(
        ctx,
        [
            Change(
                loaded.path, loaded.rel, loaded.text, text, f"{loaded.rel}: {old_text} -> {new.value}{extra}"
            )
        ],
    )
    return EXIT_OK


def cmd_supersede(ctx: Context) -> int:
    args = ctx.args
    old = load_proposal(ctx, resolve_proposal(ctx, args.old))
    new = load_proposal(ctx, resolve_proposal(ctx, args.new))
    if old.path == new.path:
        raise CliError(f"{old.rel}: a proposal cannot supersede itself")
    for side in (old, new):
        if side.dep.number is None:
            raise Refused(f"{side.rel} has no number yet; give it one with `dep number {side.rel}`")
    assert old.dep.number is not None and new.dep.number is not None
    suffix = " (partial)" if args.partial else ""
    old_id, new_id = ctx.config.format_id(old.dep.number), ctx.config.format_id(new.dep.number)

    new_changes: dict[str, str | None] = {}
    if not any(ref.number == old.dep.number for ref in new.dep.replaces):
        current = editing.get_option(new.text, new.rel, "replaces", ctx.project.myst)
        new_changes["replaces"] = editing.add_to_list(current, old_id + suffix)
    old_changes: dict[str, str | None] = {}
    if not any(ref.number == new.dep.number for ref in old.dep.replaced_by):
        current = editing.get_option(old.text, old.rel, "replaced-by", ctx.project.myst)
        old_changes["replaced-by"] = editing.add_to_list(current, new_id + suffix)
    if not args.partial and old.dep.status is not Status.SUPERSEDED:
        reason = transition_problem(old.dep.status, Status.SUPERSEDED)
        if reason and not args.force:
            shown = old.dep.status.value if old.dep.status else "(no status)"
            raise Refused(f"{old.rel}: cannot move from {shown} to Superseded: {reason}")
        old_changes["status"] = Status.SUPERSEDED.value
    if not old_changes and not new_changes:
        ctx.console.print(f"{old_id} is already superseded by {new_id}; nothing to change")
        return EXIT_OK

    changes: list[Change] = []
    for side, side_changes in ((old, old_changes), (new, new_changes)):
        if not side_changes:
            continue
        text = edit_header(ctx, side, side_changes)
        problems = new_problems(ctx, side, text)
        if problems and not args.force:
            _refuse_problems(problems, f"{side.rel}: this supersession")
        summary = ", ".join(f":{k}: {v}" for k, v in side_changes.items())
        changes.append(Change(side.path, side.rel, side.text, text, f"{side.rel}: {summary}"))
    apply(ctx, changes)
    return EXIT_OK


# --------------------------------------------------------------------------------------
# dep gate
# --------------------------------------------------------------------------------------


def mentioned_numbers(text: str, config: DepConfig, console: Console | None = None) -> list[int]:
    """The proposals a text names (``DEP-0012``, ``DEP 12``, ``dep-12``), in order, once each.

    A mention written with look-alike characters (a non-breaking hyphen, an en dash,
    full-width or non-ASCII digits) counts too, and is pointed out.
    """
    seen: dict[int, None] = {}
    for number, written in find_mentions(text, config.id_prefix, config.id_width):
        if console is not None and number not in seen and not written.isascii():
            shown = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(written) if not c.isascii())
            console.note(
                f"note: {escape.text(written)!r} (with {shown}) is read as {config.format_id(number)}"
            )
        elif console is not None and number not in seen and written.endswith("(after NFKC)"):
            console.note(f"note: a full-width or compatibility form is read as {config.format_id(number)}")
        seen.setdefault(number, None)
    return list(seen)


def cmd_gate(ctx: Context) -> int:
    args = ctx.args
    texts: list[str] = list(args.text or [])
    for name in args.file or []:
        if name == "-":
            texts.append(sys.stdin.read())
        else:
            texts.append(read_text(Path(name)))
    for span in args.commits or []:
        if ".." not in span:
            raise CliError(f"--commits takes a range REV..REV, not {span!r}")
        top = fsutil.git_toplevel(Path.cwd())
        if top is None:
            raise CliError("--commits needs a git work tree")
        # Both ends are checked and resolved first: git gets commit ids, never the text given.
        try:
            commits = fsutil.commit_range(span, top)
        except fsutil.BadRevision as err:
            raise CliError(f"--commits: {err}") from None
        try:
            texts.append(fsutil.git(["log", "--format=%B"], top, revs=[commits], no_paths=True).stdout)
        except fsutil.GitError as err:
            raise CliError(f"--commits {span!r}: {err}") from None
    if not (args.text or args.file or args.commits):
        raise CliError("give what to check: --text TEXT, --file FILE (- for stdin) or --commits REV..REV")
    numbers = mentioned_numbers("\n".join(texts), ctx.config, ctx.console)
    if not numbers:
        ctx.console.print("no proposal is named" + ("; one is required" if args.require else ""))
        return EXIT_PROBLEMS if args.require else EXIT_OK
    loaded_deps = []
    for path in proposal_files(ctx, numbered_only=False):
        try:
            loaded_deps.append(load_proposal(ctx, path).dep)
        except CliError:
            continue
    # The holder of each number as the site shows it (a file named with it wins).
    deps: dict[int, Dep] = corpus.by_number(loaded_deps)
    failed = 0
    allowed = " or ".join(s.value for s in sorted(GATE_STATUSES, key=list(Status).index))
    for number in numbers:
        shown = ctx.config.format_id(number)
        dep = deps.get(number)
        if dep is None:
            failed += 1
            ctx.console.print(
                f"{ctx.console.style('FAIL', 'red')} {shown}: no such proposal in {ctx.config.deps_dir}/"
            )
            continue
        status = dep.status.value if dep.status else "without a status"
        label = f"{shown} ({escape.text(dep.title)})" if dep.title else shown
        if dep.status in GATE_STATUSES:
            ctx.console.print(f"{ctx.console.style('ok', 'green')}   {label}: {status}")
        else:
            failed += 1
            ctx.console.print(
                f"{ctx.console.style('FAIL', 'red')} {label}: {status}; it must be {allowed} before this merges"
            )
    return EXIT_PROBLEMS if failed else EXIT_OK


# --------------------------------------------------------------------------------------
# dep index / dep export / dep report (the tables of report.py)
# --------------------------------------------------------------------------------------


def _report_module() -> Any:
    report = _optional_module("report")
    if report is None:
        raise CliError("the index and reports are not available in this installation (report.py is missing)")
    return report


def _load_all(ctx: Context) -> list[Dep]:
    """Every proposal of the project, parsed with every rule; problems are only counted here."""
    ctx.deps_folder()
    result = lint.lint_paths([], ctx.root, ctx.config, today=ctx.today)
    if result.diagnostics:
        noun = "problem" if len(result.diagnostics) == 1 else "problems"
        ctx.console.note(
            f"dep {ctx.args.command}: {len(result.diagnostics)} {noun} in the proposals (see `dep lint`)"
        )
    return result.deps


def _render(ctx: Context, report: Any, tables: list[Any], data: Any) -> str:
    """The chosen format; text is aligned and coloured on a terminal, tab-separated when piped."""
    fmt = ctx.args.format
    if fmt == "json":
        return escape.json_dumps(data) + "\n"
    if fmt == "markdown":
        return str(report.render_markdown(tables))
    if fmt == "csv":
        return str(report.render_csv(tables))
    if ctx.console.color and not ctx.args.output:
        return _coloured_tables(ctx.console, str(report.render_text(tables)), tables)
    if ctx.args.output:
        return str(report.render_text(tables))
    parts = []
    for table in tables:
        lines = [f"# {escape.text(table.title)}", "\t".join(escape.text(h) for h in table.headers)]
        lines += ["\t".join(escape.text(report.cell_text(cell)) for cell in row) for row in table.rows]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _coloured_tables(console: Console, text: str, tables: list[Any]) -> str:
    titles = {escape.text(table.title) for table in tables}
    lines = []
    for line in text.splitlines():
        if line in titles:
            line = console.style(line, "bold")
        elif match := re.search(r"overdue by \d+ days?", line):
            line = line.replace(match.group(0), console.style(match.group(0), "red"), 1)
        else:
            for status, colour in STATUS_COLORS.items():
                if f"  {status.value}  " in f"{line}  ":
                    line = line.replace(f"  {status.value}", "  " + console.style(status.value, colour), 1)
                    break
        lines.append(line)
    return "\n".join(lines) + "\n"


def _emit(ctx: Context, text: str) -> int:
    """Print, or write ``--output`` atomically (an existing file only with ``--force``)."""
    if not ctx.args.output:
        ctx.console.write(text)
        return EXIT_OK
    target = Path(ctx.args.output)
    if target.is_dir():
        raise CliError(f"{escape.text(target)}: is a folder")
    old = None
    if target.exists():
        if not ctx.args.force:
            raise Refused(
                f"{escape.text(target)} already exists; not overwritten (give --force to replace it)"
            )
        old = read_text(target)
    if old == text:
        ctx.console.print(f"{escape.text(target)}: unchanged")
        return EXIT_OK
    shown = escape.text(target)
    apply(ctx, [Change(target, shown, old, text, f"wrote {shown}")], exclusive=old is None)
    return EXIT_OK


def cmd_index(ctx: Context) -> int:
    report = _report_module()
    deps = _load_all(ctx)
    tables = report.index_tables(deps, ctx.config, ctx.args.by)
    return _emit(ctx, _render(ctx, report, tables, report.deps_json(deps, ctx.config)))


def cmd_export(ctx: Context) -> int:
    report = _report_module()
    deps = _load_all(ctx)
    tables = [*report.index_tables(deps, ctx.config), report.traceability_table(deps, ctx.config)]
    return _emit(ctx, _render(ctx, report, tables, report.deps_json(deps, ctx.config)))


def cmd_report(ctx: Context) -> int:
    report = _report_module()
    deps = _load_all(ctx)
    touched = report.last_touched([dep.path for dep in deps], ctx.root)
    tables = report.review_tables(deps, ctx.config, ctx.today, touched)
    data = report.review_report(deps, ctx.config, ctx.today, touched)
    return _emit(ctx, _render(ctx, report, tables, data))


# --------------------------------------------------------------------------------------
# dep migrate (sphinxcontrib_dep/migrate.py)
# --------------------------------------------------------------------------------------


def _optional_module(name: str) -> Any:
    """A module of this package that a command delegates to, or ``None`` when it is not installed.

    Imported only when needed; an import error inside the module itself is not hidden.
    """
    qualified = f"{__package__}.{name}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as err:
        if err.name == qualified:
            return None
        raise


def _migrate_module() -> Any:
    return _optional_module("migrate")


def cmd_migrate(ctx: Context) -> int:
    migrate = _migrate_module()
    if migrate is None:
        raise CliError("dep migrate is not available in this installation (migrate.py is missing)")
    # The resolved settings ([tool.dep] with --config applied), where migrate.run looks for them.
    ctx.args.dep_config = ctx.config
    # migrate.run holds it while it reads and rewrites files (--in-place, --output).
    ctx.args.project_lock = ctx.locked
    return int(migrate.run(ctx.args))


# --------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from None


#: What each command's ``--help`` adds below its options: behaviour a user relies on.
EPILOGS = {
    "init": "Refuses to write anything if one of the files exists already.",
    "new": "The slug is ASCII letters, digits and hyphens; the file is never written outside the "
    "proposals folder and an existing one is replaced only with --force. A project's own "
    "templates/<name>.md is used before the package's.",
    "lint": "Exit status: 0 no problems, 1 problems found, 2 usage error or unreadable input. "
    "Each line is path:line: message [dep.code], as sphinx-build words it; a line break or a "
    "control character in a file name or a value is shown escaped (\\n, \\x1b). --since takes a "
    "commit (a value starting with '-' is refused, exit 2).",
    "number": "The next free number is one more than the highest used in this work tree, in other "
    "worktrees, and on every local branch and remote-tracking ref; the project lock keeps two "
    "runs apart. Inside git the file is renamed with git mv.",
    "status": "A move the lifecycle graph forbids, or one that would break a rule (Approved "
    "without approvals, Implemented without a link, ...), is refused with the reason; "
    "--force writes it anyway. Moving to Under Review records :review-requested: today.",
    "supersede": "Adds OLD to NEW's :replaces: and NEW to OLD's :replaced-by:, and sets OLD "
    "Superseded; with --partial both references say (partial) and OLD keeps its status.",
    "gate": "Finds DEP-0012, DEP 12 or DEP-12 (the configured prefix) and exits 1 unless every "
    "proposal named is Approved or Implemented; 0 when none is named, unless --require. "
    "Both ends of --commits are checked as commits before git reads the log (a value starting "
    "with '-' is refused, exit 2).",
    "migrate": "Writes nothing without --in-place or --output. Lines below the header that look "
    "like its fields, and lists nested under a field, are reported [needs a human], never "
    "dropped or read silently.",
}

#: Said under every command that writes.
WRITING_EPILOG = (
    "Writing holds the project lock (.git/dep.lock, else deps/.dep.lock) from the first read "
    "to the last write, so two dep commands at once run one after the other; a file changed "
    "meanwhile by something else is not overwritten."
)


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with its messages (which quote the arguments given) escaped for the terminal."""

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            super()._print_message(escape.terminal(message), file)


def build_parser() -> argparse.ArgumentParser:
    common = ArgumentParser(add_help=False)
    group = common.add_argument_group("settings")
    group.add_argument(
        "--root", metavar="DIR", help="the project folder (default: found from the current folder)"
    )
    group.add_argument(
        "--config",
        metavar="KEY=VALUE",
        action="append",
        help="override a [tool.dep] setting, e.g. --config id_width=3 (repeatable)",
    )
    group.add_argument("--deps-dir", metavar="DIR", help="the proposals folder, relative to the project")
    group.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour and tables: auto (when stdout is a terminal and NO_COLOR is unset), always, never",
    )
    group.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="the date to judge against (default: today)"
    )

    writing = ArgumentParser(add_help=False)
    writing.add_argument(
        "--dry-run", action="store_true", help="show the diff of what would change; write nothing"
    )

    parser = ArgumentParser(
        prog="dep",
        description="Enhancement proposals (DEPs) without running Sphinx: the same rules as the extension.",
        epilog="Exit status: 0 done, 1 problems found or change refused, 2 usage error or unreadable input. "
        "Settings come from [tool.dep] in pyproject.toml.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(
        name: str, handler: Callable[[Context], int], help: str, *, writes: bool = False
    ) -> argparse.ArgumentParser:
        parents = [common, writing] if writes else [common]
        locks = name in WRITING_COMMANDS | OUTPUT_COMMANDS | {"migrate"}
        epilog = " ".join(part for part in (EPILOGS.get(name), WRITING_EPILOG if locks else None) if part)
        sub = commands.add_parser(name, help=help, description=help, epilog=epilog or None, parents=parents)
        sub.set_defaults(handler=handler)
        return sub

    sub = add(
        "init",
        cmd_init,
        "Scaffold a proposals repository: conf.py, index page, deps/, templates, CI, pre-commit.",
        writes=True,
    )
    sub.add_argument("dir", nargs="?", default=".", metavar="DIR", help="where (default: the current folder)")

    sub = add("new", cmd_new, "Create deps/0000-<slug>.md from a template, filled in.", writes=True)
    sub.add_argument("title", help="the proposal's title")
    sub.add_argument("--template", choices=[t.value for t in Template], help="limited (default) or complete")
    sub.add_argument(
        "--author", action="append", metavar="PERSON", help="@handle, Name or 'Name <url>' (repeatable)"
    )
    sub.add_argument("--category", help="one of the configured categories")
    sub.add_argument("--force", action="store_true", help="replace the draft if the file exists")

    sub = add("lint", cmd_lint, "Check proposals with every rule; exit 1 when problems are found.")
    sub.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: the proposals folder)"
    )
    sub.add_argument(
        "--format",
        choices=["text", "json", "github"],
        default="text",
        help="text (path:line: message [dep.code]), json, or github (workflow annotations)",
    )
    sub.add_argument(
        "--since",
        metavar="REV",
        help="also check each changed proposal's status moved along the lifecycle since REV",
    )

    sub = add(
        "number", cmd_number, "Give an unnumbered draft the next free number, renaming it.", writes=True
    )
    sub.add_argument("path", metavar="PATH", help="the draft, e.g. deps/0000-my-idea.md")

    sub = add("status", cmd_status, "Move a proposal along the lifecycle, updating its header.", writes=True)
    sub.add_argument("dep", metavar="DEP", help="a path, or a number such as 12 or DEP-0012")
    sub.add_argument("status", metavar="STATUS", help=f"the new status ({Status.allowed()})")
    sub.add_argument("--force", action="store_true", help="write even if the rules forbid the move")

    sub = add(
        "supersede",
        cmd_supersede,
        "Record that NEW replaces OLD on both sides and mark OLD Superseded.",
        writes=True,
    )
    sub.add_argument("old", metavar="OLD", help="the proposal replaced")
    sub.add_argument("new", metavar="NEW", help="the proposal that replaces it")
    sub.add_argument("--partial", action="store_true", help="NEW replaces part of OLD; OLD keeps its status")
    sub.add_argument("--force", action="store_true", help="write even if the rules forbid the move")

    sub = add("gate", cmd_gate, "Fail unless every proposal a pull request names is Approved or Implemented.")
    sub.add_argument(
        "--text", action="append", metavar="TEXT", help="text to search, e.g. the PR title and body"
    )
    sub.add_argument("--file", action="append", metavar="FILE", help="a file to search (- reads stdin)")
    sub.add_argument("--commits", action="append", metavar="REV..REV", help="commit messages to search")
    sub.add_argument("--require", action="store_true", help="also fail when no proposal is named")

    formats = {
        "index": (cmd_index, "The index of proposals as text, Markdown, CSV or JSON (deps.json).", "text"),
        "export": (
            cmd_export,
            "Export every proposal: deps.json, or the index and traceability tables.",
            "json",
        ),
        "report": (
            cmd_report,
            "The review report: under review and overdue, reviewers, approved without implementation, stale.",
            "text",
        ),
    }
    for name, (handler, help, default) in formats.items():
        sub = add(name, handler, help, writes=True)
        sub.add_argument(
            "--format",
            choices=["text", "markdown", "csv", "json"],
            default=default,
            help=f"output format (default: {default}); json prints the document as it is",
        )
        sub.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
        )
        sub.add_argument("--force", action="store_true", help="replace FILE if it exists")
        if name == "index":
            sub.add_argument(
                "--by",
                choices=["number", "status", "category"],
                default="number",
                help="one table by number, or one per status or category",
            )

    migrate = _migrate_module()
    sub = add("migrate", cmd_migrate, "Convert legacy proposals to dep-meta headers.")
    if migrate is not None:
        migrate.add_arguments(sub)
    return parser


#: The commands that change files (each also takes --dry-run, which writes nothing).
WRITING_COMMANDS = frozenset({"init", "new", "number", "status", "supersede"})
#: The commands that write a file only when given --output.
OUTPUT_COMMANDS = frozenset({"index", "export", "report"})


def writes(args: argparse.Namespace) -> bool:
    """Whether this run may write a file (``dep migrate`` decides for itself)."""
    if getattr(args, "dry_run", False):
        return False
    if args.command in OUTPUT_COMMANDS:
        return bool(getattr(args, "output", None))
    return args.command in WRITING_COMMANDS


def main(argv: list[str] | None = None) -> int:
    """Run ``dep``; return the exit status."""
    console = Console(sys.stdout, sys.stderr)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, --version and usage errors
        return exit.code if isinstance(exit.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    console.color = wants_color(args.color, sys.stdout)
    try:
        ctx = make_context(args, console)
        # A command that writes holds the project lock from its first read to its last
        # write: what it reads is what it changes. ``dep migrate`` takes it itself.
        with ctx.locked() if writes(args) else contextlib.nullcontext():
            return int(args.handler(ctx))
    except CliError as err:
        console.note(f"dep {args.command}: {err}")
        return err.code
    except KeyboardInterrupt:
        console.note("interrupted")
        return 130
    except fsutil.GitError as err:
        console.note(f"dep {args.command}: git: {err}")
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``dep index | head``): stop quietly, as other tools do.
        _silence_stdout()
        return EXIT_PROBLEMS
    except OSError as err:
        # A file or folder the command could not read or write (permissions, a full disk).
        where = f"{escape.text(err.filename)}: " if err.filename else ""
        console.note(f"dep {args.command}: {where}{err.strerror or err}")
        return EXIT_USAGE


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
