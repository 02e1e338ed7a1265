"""Core diagnostics as located Sphinx warnings: ``type="dep"``, one subtype per rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sphinx.util import logging

from ..diagnostics import Code, Diagnostic, shorten

logger = logging.getLogger("sphinxcontrib_dep")


def warn(code: Code, message: str, location: Any) -> None:
    logger.warning(shorten(message), type="dep", subtype=code.value, location=location)


def emit(diagnostics: Iterable[Diagnostic], docname: str | None) -> None:
    """Log each diagnostic at its line in ``docname`` (or at its own path without one)."""
    for diagnostic in diagnostics:
        if docname is not None:
            location: Any = (docname, diagnostic.line)
        elif diagnostic.path is not None:
            location = f"{diagnostic.path}:{diagnostic.line}" if diagnostic.line else diagnostic.path
        else:
            location = None
        warn(diagnostic.code, diagnostic.message, location)
