"""Section rules in Sphinx: the core's :func:`~sphinxcontrib_dep.sections.check_sections`
over each proposal's source file, so ``sphinx-build`` and ``dep lint`` report the same lines."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from .. import parsing, sections
from . import config as sphinx_config
from .domain import get_domain
from .logging import emit


def check_sections(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: the section and placeholder rules of the page's proposal, if any.

    The rules read the source text, as the command line does, rather than the doctree:
    line numbers, headings inside code and placeholders then come out identical.
    """
    env = app.env
    docname = env.docname
    dep = get_domain(env).deps.get(docname)
    if dep is None:
        return
    source = Path(env.doc2path(docname))
    try:
        text, _ = parsing.decode(source.read_bytes(), dep.path)
    except OSError:
        return  # Sphinx has just read the file; a vanished file is Sphinx's to report.
    if text is None:
        return
    scanned = parsing.scan(text, dep.path)
    emit(sections.check_sections(scanned, text, dep, sphinx_config.get(app.config)), docname)
