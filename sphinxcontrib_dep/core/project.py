"""A proposals project on disk: its settings (as Sphinx will see them) and its proposal files.

``dep lint`` reads the same settings ``sphinx-build`` does: the ``dep_*`` and ``myst_*``
values (and ``exclude_patterns``) assigned in the project's ``conf.py``, read without
running it, then ``[tool.dep]`` for what ``conf.py`` leaves unset. And both list the
proposals with :func:`discover`: every ``.md`` / ``.rst`` file under the proposals
folder, at any depth, with one located warning for each file whose name or suffix would
make the two disagree.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import config as core_config
from .diagnostics import Code, Diagnostic
from .model import is_proposal_name

#: Suffixes of proposal files; Sphinx (and MyST) read exactly these, in lower case.
PROPOSAL_SUFFIXES = (".md", ".rst")
#: Where ``conf.py`` is looked for, relative to the project root, when no setting names it.
CONF_CANDIDATES = ("conf.py", "docs/conf.py", "doc/conf.py", "docs/source/conf.py", "source/conf.py")


# --------------------------------------------------------------------------------------
# conf.py, read without running it
# --------------------------------------------------------------------------------------


@dataclass
class ConfValues:
    """The settings a ``conf.py`` assigns literally, and the ones it computes."""

    path: Path | None = None
    dep: dict[str, Any] = field(default_factory=dict)
    myst: dict[str, Any] = field(default_factory=dict)
    exclude_patterns: list[str] | None = None
    source_suffix: list[str] | None = None
    #: ``(line, name)`` of settings assigned with an expression ``dep lint`` cannot evaluate.
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    #: ``(line, note)`` for each ``dep_*`` name that is no setting (a typo, or a setting of
    #: another release): ignored, as Sphinx ignores it; :func:`unknown_setting` words the note.
    unknown: list[tuple[int, str]] = field(default_factory=list)


def unknown_setting(name: str) -> str:
    """The note for a ``dep_*`` name in conf.py that is no setting (``dep lint`` and the build alike)."""
    from .parsing import did_you_mean

    known = sorted(f"dep_{setting.name}" for setting in core_config.settings())
    return (
        f"{name} is not a setting of this sphinxcontrib-dep, so it is ignored"
        f"{did_you_mean(name, known)} (known: {', '.join(known)})"
    )


def _relevant(name: str) -> bool:
    return name.startswith(("dep_", "myst_")) or name in {"exclude_patterns", "source_suffix"}


def read_conf(path: Path) -> ConfValues:
    """The ``dep_*``, ``myst_*`` and ``exclude_patterns`` values ``path`` assigns as literals."""
    values = ConfValues(path=path)
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as err:
        raise core_config.ConfigError(f"{path}: cannot read: {err}") from err
    top_level = set()
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name) and _relevant(target.id):
                top_level.add(id(node))
                if target.id.startswith("dep_") and target.id[4:] not in _known_settings():
                    values.unknown.append((node.lineno, unknown_setting(target.id)))
                    continue
                try:
                    literal = ast.literal_eval(value) if value is not None else None
                except ValueError:
                    values.unreadable.append((node.lineno, target.id))
                    continue
                _store(values, target.id, literal)
    # Anything else that sets one of them (``+=``, inside ``if``, ``.append``) is computed,
    # and so is whatever ``from x import *`` or ``exec`` may set.
    for each in ast.walk(tree):
        if isinstance(each, ast.ImportFrom) and any(alias.name == "*" for alias in each.names):
            values.unreadable.append((each.lineno, f"from {each.module} import *"))
            continue
        if (
            isinstance(each, ast.Call)
            and isinstance(each.func, ast.Name)
            and each.func.id in {"exec", "execfile"}
        ):
            values.unreadable.append((each.lineno, f"{each.func.id}(...)"))
            continue
        name = None
        if isinstance(each, ast.AugAssign) and isinstance(each.target, ast.Name):
            name = each.target.id
        elif isinstance(each, (ast.Assign, ast.AnnAssign)) and id(each) not in top_level:
            assigned = each.targets if isinstance(each, ast.Assign) else [each.target]
            name = next((t.id for t in assigned if isinstance(t, ast.Name) and _relevant(t.id)), None)
        elif (
            isinstance(each, ast.Call)
            and isinstance(each.func, ast.Attribute)
            and isinstance(each.func.value, ast.Name)
            and each.func.attr in {"append", "extend", "insert", "update", "add", "remove", "pop", "clear"}
        ):
            name = each.func.value.id
        if name is not None and _relevant(name):
            values.unreadable.append((getattr(each, "lineno", 0), name))
    values.unreadable.sort()
    return values


def _known_settings() -> set[str]:
    return {setting.name for setting in core_config.settings()}


def _store(values: ConfValues, name: str, literal: Any) -> None:
    if name == "exclude_patterns":
        values.exclude_patterns = [str(p) for p in literal] if isinstance(literal, (list, tuple)) else None
    elif name == "source_suffix":
        if isinstance(literal, str):
            values.source_suffix = [literal]
        elif isinstance(literal, (list, tuple, dict)):
            values.source_suffix = [str(p) for p in literal]
    elif name.startswith("dep_"):
        values.dep[name[4:]] = list(literal) if isinstance(literal, tuple) else literal
    else:
        values.myst[name[5:]] = literal


def find_conf(root: Path, configured: str = "") -> Path | None:
    """The project's ``conf.py``: the configured one, else the first of :data:`CONF_CANDIDATES`."""
    if configured:
        path = root / configured
        return path if path.is_file() else None
    return next((root / c for c in CONF_CANDIDATES if (root / c).is_file()), None)


# --------------------------------------------------------------------------------------
# The project
# --------------------------------------------------------------------------------------


@dataclass
class Project:
    """Where the proposals are and how they are read: the same for ``dep lint`` and Sphinx."""

    root: Path
    config: core_config.DepConfig
    myst_values: dict[str, Any] = field(default_factory=dict)
    conf: ConfValues = field(default_factory=ConfValues)
    _myst: Any = None

    @property
    def folder(self) -> Path:
        return self.root / self.config.deps_dir

    @property
    def myst(self) -> Any:
        """MyST's parser settings for this project."""
        if self._myst is None:
            from .reader import myst_config

            try:
                self._myst = myst_config(self.myst_values)
            except ValueError as err:
                where = self.conf.path or "[tool.dep.myst]"
                raise core_config.ConfigError(f"{where}: {err}") from None
        return self._myst

    def suffixes(self) -> tuple[str, ...]:
        """The source suffixes Sphinx reads: ``source_suffix`` of conf.py, and MyST's ``.md``."""
        return tuple(dict.fromkeys([*(self.conf.source_suffix or [".rst"]), ".md"]))

    def exclude_patterns(self) -> list[str]:
        """``exclude_patterns`` of conf.py, relative to the project root (``[]`` without)."""
        patterns = self.conf.exclude_patterns or []
        if self.conf.path is None:
            return list(patterns)
        base = self.conf.path.parent
        try:
            prefix = base.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return list(patterns)
        return [p if prefix in {"", "."} else f"{prefix}/{p}" for p in patterns]

    def source_root(self) -> Path:
        """The Sphinx source folder (conf.py's), where a link written ``/x.md`` starts."""
        return self.conf.path.parent if self.conf.path is not None else self.root

    def site(self) -> Any:
        """Where links lead, as the build sees it (:class:`~.links.Site`): pages are files
        with a source suffix in the source folder, not excluded."""
        from .links import Site

        source = self.source_root()
        suffixes = self.suffixes()
        excluded = [*self.exclude_patterns(), *SPHINX_EXCLUDED]

        def is_page(path: Path) -> bool:
            if not path.name.endswith(suffixes):
                return False
            try:
                path.resolve().relative_to(source.resolve())
                relative = path.resolve().relative_to(self.root.resolve()).as_posix()
            except (ValueError, OSError):
                return False
            return not matches(relative, excluded)

        return Site(root=source, folder=self.folder, is_page=is_page)


def load(
    root: Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    start: Path | None = None,
) -> Project:
    """Settings for the project at ``root``: ``[tool.dep]``, then conf.py, then ``overrides``.

    ``conf.py`` wins over ``[tool.dep]`` as it does in the Sphinx build, where a value
    ``conf.py`` sets is never replaced by pyproject.toml's.
    """
    overrides = dict(overrides or {})
    conf_path = find_conf(root, overrides.get("conf_py", ""))
    # [tool.dep] is looked for from conf.py's folder, as the build looks for it.
    pyproject = core_config.find_pyproject(conf_path.parent if conf_path else (start or root))
    table = core_config.read_tool_table(pyproject)
    myst_values = dict(table.pop("myst", {}) or {})
    if table.get("conf_py") and "conf_py" not in overrides:
        conf_path = find_conf(root, table["conf_py"])
    conf = read_conf(conf_path) if conf_path is not None else ConfValues()
    values = {**table, **conf.dep, **overrides}
    myst_values.update(conf.myst)
    return Project(root=root, config=core_config.DepConfig(**values), myst_values=myst_values, conf=conf)


# --------------------------------------------------------------------------------------
# Which files are proposals
# --------------------------------------------------------------------------------------


def proposals_area(docpath: str, deps_dir: str) -> str | None:
    """The proposals folder as a prefix of ``docpath`` (``deps``), if the file is in it.

    ``docpath`` is a path in the Sphinx source folder (``deps/0001-x``); ``deps_dir`` is
    relative to the project root, which may sit above the source folder (``docs/deps``
    linking to ``../deps``), so the folder's own name decides, at any depth: every file
    in that folder or below it, whatever its name, is a contributor's. ``""`` when the
    proposals sit at the root (every file is in the area); ``None`` outside.
    """
    folder = deps_dir.replace("\\", "/").strip("/")
    name = folder.rsplit("/", 1)[-1]
    if name in {"", "."}:
        return ""
    parts = docpath.replace("\\", "/").split("/")
    if folder and "/".join(parts[: folder.count("/") + 1]) == folder and len(parts) > folder.count("/") + 1:
        return folder
    for index, part in enumerate(parts[:-1]):
        if part == name:
            return "/".join(parts[: index + 1])
    return None


def is_page(relative: str, patterns: Iterable[str]) -> bool:
    """Whether a file in the proposals folder (path relative to it) is a page, not a proposal."""
    return any(
        fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(relative.rsplit("/", 1)[-1], p)
        for p in patterns
    )


#: What Sphinx never reads, whatever ``exclude_patterns`` says (``sphinx.project.EXCLUDE_PATHS``).
SPHINX_EXCLUDED = ("**/_sources", ".#*", "**/.#*", "*.lproj/**")


def matches(path: str, patterns: Iterable[str]) -> bool:
    """Sphinx's reading of ``exclude_patterns``: ``**`` crosses folders, ``*`` does not."""
    return any(_glob_re(p).match(path) for p in patterns)


@functools.lru_cache(maxsize=256)
def _glob_re(pattern: str) -> re.Pattern[str]:
    """Sphinx's own translation of a glob (``sphinx.util.matching._translate_pattern``)."""
    index, length, out = 0, len(pattern), ""
    while index < length:
        char = pattern[index]
        index += 1
        if char == "*":
            if index < length and pattern[index] == "*":
                index += 1
                out += ".*"
            else:
                out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = index
            if end < length and pattern[end] == "!":
                end += 1
            if end < length and pattern[end] == "]":
                end += 1
            while end < length and pattern[end] != "]":
                end += 1
            if end >= length:
                out += "\\["
            else:
                stuff = pattern[index:end].replace("\\", "\\\\")
                index = end + 1
                if stuff[0] == "!":
                    stuff = "^/" + stuff[1:]
                elif stuff[0] == "^":
                    stuff = "\\" + stuff
                out += f"[{stuff}]"
        else:
            out += re.escape(char)
    return re.compile(out + "$")


@dataclass
class Discovered:
    """The files of a proposals folder: proposals, other pages, and what is wrong with names."""

    proposals: list[Path] = field(default_factory=list)
    pages: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def discover(
    folder: Path,
    *,
    shown: str | None = None,
    pages: Iterable[str] = (),
    excluded: Iterable[str] = (),
    excluded_base: str = "",
    suffixes: Iterable[str] = PROPOSAL_SUFFIXES,
) -> Discovered:
    """Every proposal file under ``folder`` (at any depth), as ``dep lint`` and Sphinx read them.

    The walk is Sphinx's: every folder (hidden and ``_`` ones too), every file with a
    source suffix (``suffixes``, from ``source_suffix``), less ``exclude_patterns``
    (``excluded``, relative to ``excluded_base``) and what Sphinx never reads. ``shown`` is
    how paths are named in diagnostics (``deps``); ``pages`` are glob patterns (relative to
    the folder) of files that are pages, not proposals (``README.md``). Each of these is
    reported and not read: a suffix that differs from a source suffix only in case, a
    link that leads out of the folder or a linked folder inside it (which Sphinx would
    follow, loops included), a second file for one page (Sphinx reads the first); a
    proposal whose name is not ``NNNN-slug`` is reported and read.
    """
    found = Discovered()
    shown = (shown if shown is not None else folder.name).rstrip("/")
    pages = list(pages)
    excluded = [*excluded, *SPHINX_EXCLUDED]
    suffixes = tuple(suffixes)
    lowered = {suffix.lower(): suffix for suffix in suffixes}
    real_folder = Path(os.path.realpath(folder))
    seen_pages: dict[str, str] = {}

    def report(display: str, message: str) -> None:
        found.diagnostics.append(Diagnostic(Code.FILENAME, message, display, 1))

    for current, dirs, files in os.walk(folder):
        rel_dir = Path(current).relative_to(folder).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        kept = []
        for name in sorted(dirs):
            relative = f"{rel_dir}/{name}" if rel_dir else name
            display = f"{shown}/{relative}" if shown else relative
            if (Path(current) / name).is_symlink():
                site_path = f"{excluded_base}/{display}".lstrip("/") if excluded_base else display
                if not matches(site_path, excluded) and not matches(f"{site_path}/x", excluded):
                    report(
                        display,
                        "a link to a folder: nothing in it is read (Sphinx would follow it, loops too)",
                    )
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            relative = f"{rel_dir}/{name}" if rel_dir else name
            display = f"{shown}/{relative}" if shown else relative
            path = Path(current) / name
            suffix = next(
                (s for s in sorted(lowered, key=len, reverse=True) if name.lower().endswith(s)), None
            )
            if suffix is None:
                continue
            site_path = f"{excluded_base}/{display}".lstrip("/") if excluded_base else display
            if matches(site_path, excluded):
                continue
            written = name[len(name) - len(suffix) :]
            if not relative.isprintable():
                report(display, "a file name holding control or invisible characters; it is not read")
                continue
            if written not in suffixes:
                report(
                    display,
                    f"Sphinx does not read files ending in {written!r}; rename it to end in "
                    f"{lowered[suffix]!r} (it is not checked or published as it is)",
                )
                continue
            real = Path(os.path.realpath(path))
            try:
                real.relative_to(real_folder)
            except ValueError:
                report(display, "a link to a file outside the proposals folder; it is not read")
                continue
            if not real.is_file():
                # A FIFO, socket or device would block or never end the read (Sphinx hangs on it too).
                report(display, "not a regular file (a pipe, socket or device); it is not read")
                continue
            page = display[: len(display) - len(written)]
            if page in seen_pages:
                report(
                    display,
                    f"a second file for the page {page}: Sphinx reads {seen_pages[page]}, not this one",
                )
                continue
            seen_pages[page] = display
            if is_page(relative, pages):
                found.pages.append(path)
                continue
            if not is_proposal_name(name):
                found.diagnostics.append(
                    Diagnostic(
                        Code.FILENAME,
                        f"{name!r} is not named like a proposal (NNNN-slug{written}: four or more digits, "
                        "a hyphen, a slug; 0000- for a draft); it is read as one all the same",
                        display,
                        1,
                    )
                )
            found.proposals.append(path)
    return found
