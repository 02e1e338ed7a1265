"""Per-proposal lifecycle and review rules, and the graph of allowed status moves."""

from __future__ import annotations

from datetime import date

from .config import DepConfig
from .diagnostics import Diagnostic
from .model import Dep


def check_dep(dep: Dep, config: DepConfig, *, today: date | None = None) -> list[Diagnostic]:
    """Lifecycle and review problems of one proposal (filled in by the structure work)."""
    return []
