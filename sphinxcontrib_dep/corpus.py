"""The whole set of proposals: numbering, supersession graph and cross-proposal rules."""

from __future__ import annotations

from collections.abc import Iterable

from .config import DepConfig
from .diagnostics import Diagnostic
from .model import Dep


def check_corpus(deps: Iterable[Dep], config: DepConfig) -> list[Diagnostic]:
    """Problems that only show across proposals (filled in by the traceability work)."""
    return []
