"""Embargoed proposals in public builds: left out entirely, before Sphinx looks for documents.

With ``dep_public_build = True`` every proposal whose ``dep-meta`` carries ``:embargoed:``
is excluded from the build, so no page, need, index row or search entry exists for it.
The decision fails closed (see :func:`~sphinxcontrib_dep.core.parsing.embargo_reason`): a
header that is nested, repeated, spelled another way or unreadable keeps the file out.
The build log names each file left out and why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.util import logging

from ..core import parsing, reader
from ..core.diagnostics import Code
from ..core.model import split_proposal_name
from . import config as sphinx_config
from .reading import area_folder, proposals_folder

logger = logging.getLogger("sphinxcontrib_dep")

#: Patterns added for this build, removed again once Sphinx has listed the documents,
#: so the file names of embargoed proposals are not stored in the pickled environment.
_ADDED = "_dep_embargo_patterns"


def _escape(path: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in path)


def myst_settings(config: Config) -> Any:
    """MyST's settings as the build will use them, from the ``myst_*`` values (config-inited)."""
    from myst_parser.config.main import MdParserConfig

    values = {
        name: getattr(config, f"myst_{name}")
        for name, _, field in MdParserConfig().as_triple()
        if "sphinx" not in field.metadata.get("omit", []) and hasattr(config, f"myst_{name}")
    }
    try:
        return reader.myst_config(values)
    except ValueError:
        return reader.default_myst_config()  # MyST reports its own settings


def embargoed_files(srcdir: Path, config: Config) -> list[tuple[str, str]]:
    """Source files (relative, ``/``-separated) kept out of a public build, each with why.

    The files are listed the way Sphinx lists them (its own matcher, hidden and
    underscore folders included, every source suffix), and every one is read in full,
    whatever its bytes look like (a directive name or an option can be written with
    escapes): a file is kept out when the core's
    :func:`~sphinxcontrib_dep.core.parsing.embargo_reason` says so, or when it cannot be
    decoded (it cannot be judged, so it is not published).
    """
    from sphinx.project import EXCLUDE_PATHS
    from sphinx.util.matching import get_matching_files

    settings = sphinx_config.get(config)
    myst = myst_settings(config)
    # MyST adds ``.md`` to ``source_suffix`` only after config-inited: look at both always.
    suffixes = tuple({".rst", ".md", *(config.source_suffix or ())})
    encoding = config.source_encoding or "utf-8-sig"
    include = getattr(config, "include_patterns", None) or ("**",)
    found: list[tuple[str, str]] = []
    for path in get_matching_files(srcdir, include, [*config.exclude_patterns, *EXCLUDE_PATHS]):
        rel = Path(path).as_posix()
        if not rel.endswith(suffixes) or not (srcdir / rel).is_file():
            continue
        try:
            data = (srcdir / rel).read_bytes()
        except OSError:
            continue
        if encoding.replace("_", "-").lower() in {"utf-8", "utf-8-sig", "utf8"}:
            text, _ = parsing.decode(data, rel)
        else:
            try:
                text = data.decode(encoding).replace("\r\n", "\n")
            except (UnicodeDecodeError, LookupError):
                text = None
        if text is None:
            found.append((rel, f"it cannot be decoded as {encoding}, so it cannot be judged"))
            continue
        in_area = area_folder(rel, settings.deps_dir) is not None
        doc = reader.read(text, rel, myst, file_settings=not in_area)
        reason = parsing.embargo_reason(doc, heuristic=in_area)
        if reason is not None:
            found.append((rel, reason))
    return found


def stale_outputs(app: Sphinx, files: list[str]) -> list[str]:
    """Output files of an earlier build that show a file now left out (its page, source, doctree)."""
    out = Path(app.outdir)
    doctrees = Path(app.doctreedir)
    stale: list[str] = []
    for rel in files:
        docname = rel.rsplit(".", 1)[0]
        for candidate in (
            *out.glob(f"{_escape(docname)}.*"),
            *(out / docname).glob("index.*"),
            *(out / "_sources").glob(f"{_escape(docname)}.*"),
            doctrees / f"{docname}.doctree",
        ):
            if candidate.is_file():
                stale.append(candidate.as_posix())
    return stale


def irregular_files(srcdir: Path, config: Config) -> list[str]:
    """Source files of the proposals folder that are not regular files (a pipe, socket or
    device): reading one would block the build forever. ``dep lint`` and the build report
    them (:func:`~sphinxcontrib_dep.core.project.discover`); the build does not read them."""
    from sphinx.project import EXCLUDE_PATHS
    from sphinx.util.matching import get_matching_files

    folder = proposals_folder(srcdir, sphinx_config.get(config).deps_dir)
    if folder is None:
        return []
    suffixes = tuple({".rst", ".md", *(config.source_suffix or ())})
    base = folder.relative_to(srcdir).as_posix()
    found = []
    for path in get_matching_files(folder, ("**",), EXCLUDE_PATHS):
        rel = f"{base}/{Path(path).as_posix()}"
        if rel.endswith(suffixes) and not (srcdir / rel).is_file():
            found.append(rel)
    return found


def exclude_embargoed(app: Sphinx, config: Config) -> None:
    """``config-inited``: exclude the files that cannot be read (:func:`irregular_files`),
    and the embargoed proposals of a public build, saying which and why."""
    irregular = [_escape(rel) for rel in irregular_files(Path(app.srcdir), config)]
    if irregular:
        config.exclude_patterns = [*config.exclude_patterns, *irregular]
        setattr(app, _ADDED, irregular)
    if not sphinx_config.get(config).public_build:
        return
    files = embargoed_files(Path(app.srcdir), config)
    stale = [rel for rel, _ in files if stale_outputs(app, [rel])]
    if stale:
        # An earlier build (a project build, or one before the embargo) wrote these pages;
        # a public build does not delete what it does not write, so it refuses to go on.
        raise ConfigError(
            f"sphinxcontrib-dep: public build into a folder holding pages of {len(stale)} embargoed "
            f"file(s) from an earlier build ({', '.join(_shown(rel) for rel in stale[:3])}): remove "
            f"{app.outdir} and {app.doctreedir}, or build into a new folder"
        )
    patterns = [_escape(rel) for rel, _ in files]
    config.exclude_patterns = [*config.exclude_patterns, *patterns]
    setattr(app, _ADDED, [*irregular, *patterns])
    noun = "proposal" if len(files) == 1 else "proposals"
    tag = Code.EMBARGO.tag
    logger.info(f"sphinxcontrib-dep: public build: {len(files)} embargoed {noun} left out [{tag}]")
    for rel, reason in files:
        logger.info(f"sphinxcontrib-dep: public build: {_shown(rel)} left out: {reason} [{tag}]")


def _shown(rel: str) -> str:
    """A file named without its slug: public CI logs must not spell out what is embargoed."""
    folder, _, name = rel.rpartition("/")
    parts = split_proposal_name(name)
    stem = f"{parts[0]}-" if parts else ""
    return f"{folder}/{stem}…" if folder else f"{stem}…"


def forget_patterns(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: the documents are listed; drop the added patterns again."""
    added: list[Any] = getattr(app, _ADDED, [])
    if added:
        app.config.exclude_patterns = [p for p in app.config.exclude_patterns if p not in added]
