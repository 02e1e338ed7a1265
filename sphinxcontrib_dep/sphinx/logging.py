"""Core diagnostics as located Sphinx warnings: ``type="dep"``, one subtype per rule."""

from __future__ import annotations

import logging as stdlib_logging
import re
from collections.abc import Iterable
from typing import Any

from sphinx.util import logging

from ..core.diagnostics import WARNING_TYPE, Code, Diagnostic, shorten

logger = logging.getLogger("sphinxcontrib_dep")


def warn(code: Code, message: str, location: Any) -> None:
    logger.warning(shorten(message), type=WARNING_TYPE, subtype=code.value, location=location)


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


class GuardLogLines(stdlib_logging.Filter):
    """Warnings reach the CI log as text: no control character, no forged workflow command.

    docutils echoes a directive's text in its errors, and a location names a file of a
    pull request: a warning could otherwise carry terminal escapes, or a line starting
    with ``::`` that GitHub Actions reads as a command (``::add-mask::``, ``::error::``).
    Added to Sphinx's warning handler, after its own filters, so the location is final.
    """

    def filter(self, record: stdlib_logging.LogRecord) -> bool:
        message = record.getMessage()
        guarded = guard(message)
        if guarded != message:
            record.msg, record.args = guarded, ()
        location = getattr(record, "location", None)
        if isinstance(location, str) and guard(location) != location:
            record.location = guard(location)
        return True


_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def guard(text: str) -> str:
    """``text`` with control characters escaped and no line starting with ``::``."""
    text = _CONTROL_RE.sub(lambda m: ascii(m.group(0))[1:-1], text)
    return "\n".join(" " + line if line.startswith("::") else line for line in text.split("\n"))


def install_guard(app: Any) -> None:
    """``builder-inited``: add :class:`GuardLogLines` to the handlers that write warnings."""
    for handler in stdlib_logging.getLogger(logging.NAMESPACE).handlers:
        if isinstance(handler, logging.WarningStreamHandler) and not any(
            isinstance(f, GuardLogLines) for f in handler.filters
        ):
            handler.addFilter(GuardLogLines())
