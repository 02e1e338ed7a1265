"""Builds stopped while writing: found at the next build, which then writes every page again.

Sphinx saves its environment once the documents are read, then writes the pages, then
the search index. A build stopped in between (killed, out of memory, a crash, ``-W``
stopping at a warning) leaves some pages new and ``searchindex.js`` old or missing; the
next build sees every document read and its page newer than its source, writes only the
pages still missing, and loads the old index: the proposals whose pages were written
before the stop are missing from search for good.

So a marker file is written in the output folder once the documents are read (just
before Sphinx saves its environment) and removed when the build finishes. A build that
finds it says so once and writes every document again (without reading them again: the
saved environment is whole, or Sphinx reads again what it had not saved), so pages and
search index are complete. A build that finishes pays nothing: the marker is gone before
the next one. A build stopped while reading (``-W`` at a warning, most often) has saved
nothing, so it leaves no marker and the next build is as incremental as ever.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The marker, in the output folder, while a build writes.
MARKER = ".dep-build-unfinished"


def marker(app: Sphinx) -> Path:
    return Path(app.outdir) / MARKER


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-updated: mark the output unfinished; every document, if it was already."""
    path = marker(app)
    unfinished = path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "sphinx-build is writing this folder, or was stopped while writing it; the next "
        "build writes every page again.\n",
        encoding="utf-8",
    )
    if not unfinished:
        return []
    documents = sorted(env.found_docs)
    logger.info(
        "the previous build of %s stopped while writing (killed, crashed or stopped at a "
        "warning); writing all %d documents again so every page and the search index are complete",
        app.outdir,
        len(documents),
    )
    return documents


def mark_finished(app: Sphinx, exception: BaseException | None) -> None:
    """build-finished: the output is whole, unless the build failed."""
    if exception is None:
        marker(app).unlink(missing_ok=True)


def register(app: Sphinx) -> None:
    app.connect("env-updated", on_env_updated)
    # Priority 900: after every other build-finished handler (deps.json, sphinx-needs'
    # files), so the marker goes only once all of them have written their files.
    app.connect("build-finished", mark_finished, priority=900)
