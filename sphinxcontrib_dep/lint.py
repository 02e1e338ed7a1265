"""Lint without Sphinx: every rule over files, the same functions the extension calls.

The pipeline per file: decode, :func:`~.parsing.parse_file` (header), :func:`~.rules.check_dep`
(lifecycle and review), :func:`~.sections.check_sections` (structure); then, over all
files, :func:`~.corpus.check_corpus`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import corpus, parsing, parts, rules, sanitize, sections
from .config import DepConfig
from .diagnostics import Code, Diagnostic
from .model import Dep

PROPOSAL_SUFFIXES = (".md", ".rst")
#: Proposal files are numbered: ``0012-slug.md`` (``0000-`` for drafts).
_PROPOSAL_NAME = re.compile(r"^\d{4,}-")


@dataclass
class LintResult:
    deps: list[Dep] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def discover(paths: Iterable[Path], root: Path, config: DepConfig) -> list[Path]:
    """Files to lint: given files as they are, folders searched for ``NNNN-*.md``/``.rst``.

    With no paths, the configured proposals folder (``deps/``) under ``root``.
    """
    found: list[Path] = []
    for path in list(paths) or [root / config.deps_dir]:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.suffix in PROPOSAL_SUFFIXES and p.is_file() and _PROPOSAL_NAME.match(p.name)
                )
            )
        else:
            found.append(path)
    return found


def lint_text(
    text: str, path: str, config: DepConfig, *, today: date | None = None
) -> tuple[Dep | None, list[Diagnostic]]:
    """Every per-file rule over one proposal's text."""
    dep, scanned, diagnostics = parsing.parse_file(text, path, config)
    diagnostics += sanitize.raw_html_diagnostics(text, path, config.raw_html)
    if dep is not None:
        diagnostics += rules.check_dep(dep, config, today=today)
        diagnostics += parts.parse_parts(scanned, dep, config)
        diagnostics += sections.check_sections(scanned, text, dep, config)
    return dep, diagnostics


def lint_paths(
    paths: Iterable[Path], root: Path, config: DepConfig, *, today: date | None = None
) -> LintResult:
    """Every rule over the files (and folders) given; corpus rules over all of them."""
    result = LintResult()
    for path in discover(paths, root, config):
        name = relative(path, root)
        result.files.append(name)
        try:
            data = path.read_bytes()
        except OSError as err:
            result.diagnostics.append(Diagnostic(Code.ENCODING, f"cannot read: {err.strerror}", name))
            continue
        text, problems = parsing.decode(data, name)
        result.diagnostics += problems
        if text is None:
            continue
        dep, diagnostics = lint_text(text, name, config, today=today)
        result.diagnostics += diagnostics
        if dep is not None:
            result.deps.append(dep)
    result.diagnostics += corpus.check_corpus(result.deps, config)
    return result


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, str]:
    return (diagnostic.path or "", diagnostic.line or 0, diagnostic.code.value)
