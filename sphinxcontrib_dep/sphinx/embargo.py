"""Embargoed proposals in public builds: left out entirely, before Sphinx looks for documents.

With ``dep_public_build = True`` every proposal whose ``dep-meta`` carries ``:embargoed:``
is excluded from the build, so no page, need, index row or search entry exists for it.
The build log says how many were left out, and nothing more.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.matching import Matcher

from .. import parsing
from . import config as sphinx_config

logger = logging.getLogger("sphinxcontrib_dep")

#: Patterns added for this build, removed again once Sphinx has listed the documents,
#: so the file names of embargoed proposals are not stored in the pickled environment.
_ADDED = "_dep_embargo_patterns"


def _escape(path: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in path)


def embargoed_files(srcdir: Path, config: Config) -> list[str]:
    """Source files (relative, ``/``-separated) whose proposal is embargoed."""
    settings = sphinx_config.get(config)
    # MyST adds ``.md`` to ``source_suffix`` only after config-inited: look at both always.
    suffixes = (".rst", ".md", *(config.source_suffix or ()))
    excluded = Matcher([*config.exclude_patterns, "**/_build", "**/.*"])
    found: list[str] = []
    for folder, dirs, files in os.walk(srcdir):
        rel_folder = Path(folder).relative_to(srcdir).as_posix()
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith((".", "_build")) and not excluded(f"{rel_folder}/{d}".lstrip("./"))
        )
        for name in sorted(files):
            rel = f"{rel_folder}/{name}" if rel_folder != "." else name
            if not name.endswith(suffixes) or excluded(rel):
                continue
            try:
                data = (Path(folder) / name).read_bytes()
            except OSError:
                continue
            if b"embargoed" not in data or b"dep-meta" not in data:
                continue
            text, _ = parsing.decode(data, rel)
            if text is None:
                continue
            dep, _, _ = parsing.parse_file(text, rel, settings)
            if dep is not None and dep.embargoed:
                found.append(rel)
    return found


def exclude_embargoed(app: Sphinx, config: Config) -> None:
    """``config-inited``: exclude the embargoed proposals of a public build."""
    if not sphinx_config.get(config).public_build:
        return
    files = embargoed_files(Path(app.srcdir), config)
    patterns = [_escape(rel) for rel in files]
    config.exclude_patterns = [*config.exclude_patterns, *patterns]
    setattr(app, _ADDED, patterns)
    noun = "proposal" if len(files) == 1 else "proposals"
    logger.info(
        f"sphinxcontrib-dep: public build: {len(files)} embargoed {noun} left out [dep.embargo]",
        type="dep",
        subtype="embargo",
    )


def forget_patterns(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: the documents are listed; drop the added patterns again."""
    added: list[Any] = getattr(app, _ADDED, [])
    if added:
        app.config.exclude_patterns = [p for p in app.config.exclude_patterns if p not in added]
