"""Migrating files and folders: which files, their duplicates, and the summary of a run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core import escape, files, parsing
from ..core.config import DepConfig
from ..core.model import is_proposal_name, number_from_filename
from ..core.project import PROPOSAL_SUFFIXES
from . import migrate_text
from .decisions import Decision, Kind, Migration


@dataclass
class Summary:
    migrations: list[Migration] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duplicates: dict[int, list[str]] = field(default_factory=dict)

    def count(self, kind: Kind) -> int:
        return sum(m.count(kind) for m in self.migrations)

    def lines(self, config: DepConfig, written: bool = True) -> list[str]:
        outcomes = [m.outcome for m in self.migrations]
        duplicates = "; ".join(
            f"{config.format_id(number)} ({', '.join(escape.text(path) for path in paths)})"
            for number, paths in sorted(self.duplicates.items())
        )
        return [
            f"files: {len(outcomes)} read, {outcomes.count('migrated')} {'migrated' if written else 'to migrate'}, "
            f"{outcomes.count('unchanged')} already migrated, {outcomes.count('skipped')} skipped",
            f"values normalised: {self.count(Kind.NORMALISED)}",
            f"values empty or template placeholders: {self.count(Kind.EMPTY)}",
            f"values needing a human: {self.count(Kind.HUMAN)}",
            f"duplicate numbers found: {len(self.duplicates)}" + (f": {duplicates}" if duplicates else ""),
        ]


def _is_proposal_file(name: str) -> bool:
    """``NNNN-slug.md`` or ``.rst``: any slug, a line break in it too (``dep lint`` reads such a file)."""
    return is_proposal_name(name) and name.endswith(PROPOSAL_SUFFIXES)


def discover(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """``(file, base)`` pairs: files as given (base = their folder), folders' ``NNNN-*`` proposals."""
    found: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            pairs = [(p, path) for p in sorted(path.iterdir()) if p.is_file() and _is_proposal_file(p.name)]
            # And the proposals of its area folders (deps/router/0012-x.md), one level down.
            pairs += [
                (p, path)
                for sub in sorted(path.iterdir())
                if sub.is_dir() and not sub.is_symlink()
                for p in sorted(sub.iterdir())
                if p.is_file() and _is_proposal_file(p.name)
            ]
        else:
            pairs = [(path, path.parent)]
        for file, base in pairs:
            if file.resolve() not in seen:  # a file named twice is migrated once
                seen.add(file.resolve())
                found.append((file, base))
    return found


def find_duplicates(names: Iterable[str]) -> dict[int, list[str]]:
    by_number: dict[int, list[str]] = {}
    for name in names:
        number = number_from_filename(name)
        if number is not None:
            by_number.setdefault(number, []).append(name)
    return {n: sorted(p) for n, p in by_number.items() if len(p) > 1}


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    files.atomic_write(path, text)


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def migrate_paths(paths: Sequence[Path], config: DepConfig) -> tuple[Summary, list[tuple[Path, Path]]]:
    summary = Summary()
    files = discover(paths)
    for path, _base in files:
        name = _display(path)
        try:
            data = path.read_bytes()
        except OSError as err:
            summary.errors.append(f"{escape.text(name)}: cannot read: {err.strerror}")
            continue
        text, problems = parsing.decode(data, name)
        if text is None:
            summary.errors += [p.format() for p in problems]
            continue
        # decode() folds CRLF; keep the file's own line ends by migrating the raw text
        raw = data.decode("utf-8-sig")
        migration = migrate_text(raw, name, config)
        migration.original = data
        summary.migrations.append(migration)
    summary.duplicates = find_duplicates(m.path for m in summary.migrations)
    for migration in summary.migrations:
        for number, names in summary.duplicates.items():
            if migration.path in names:
                others = ", ".join(n for n in names if n != migration.path)
                migration.decisions.append(
                    Decision(
                        Kind.HUMAN,
                        migration.path,
                        1,
                        "number",
                        f"{config.format_id(number)} is also the number of {others}; renumber one of them",
                    )
                )
    return summary, files
