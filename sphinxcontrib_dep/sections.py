"""The sections of the two templates, defined once, and the rules that check a proposal's sections."""

from __future__ import annotations

from .config import DepConfig
from .diagnostics import Diagnostic
from .model import Dep
from .parsing import ScannedFile


def check_sections(scanned: ScannedFile, text: str, dep: Dep, config: DepConfig) -> list[Diagnostic]:
    """Missing, misordered and placeholder sections (filled in by the structure work)."""
    return []
