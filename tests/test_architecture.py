"""The layers of docs/architecture.md, held: imports point one way, and the core imports no Sphinx.

Read from the source (every ``import`` and ``from`` at any depth, lazy ones included), so
a layer cannot reach another by importing it inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import REPO

PACKAGE = REPO / "sphinxcontrib_dep"
#: Each layer and the layers it may import (``top``: the package's ``__init__``, version and setup).
ALLOWED = {
    "core": set(),
    "migrate": {"core"},
    "cli": {"core", "migrate", "top"},
    "sphinx": {"core", "top"},
    "top": {"sphinx"},  # setup(app) hands over to the Sphinx layer, lazily
}
SPHINX_WORLD = {"sphinx", "docutils", "sphinx_needs"}


def imported_modules(text: str, path: Path) -> set[str]:
    """The absolute module names that ``text``, standing at ``path`` in the package, imports."""
    package = ["sphinxcontrib_dep", *path.relative_to(PACKAGE).parts[:-1]]
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                if node.module is None:
                    found |= {f"{module}.{alias.name}" for alias in node.names}
                    continue
            else:
                module = node.module or ""
            found.add(module)
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "sphinxcontrib_dep":
        return None
    if len(parts) == 1 or parts[1] not in ALLOWED:
        return "top"
    return parts[1]


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def problems(text: str, path: Path) -> list[str]:
    """What ``text``, standing at ``path``, imports against the layering."""
    here = layer_of(".".join(["sphinxcontrib_dep", *path.relative_to(PACKAGE).with_suffix("").parts]))
    assert here is not None
    modules = imported_modules(text, path)
    found = [
        f"{here} imports {layer}"
        for layer in sorted({layer_of(m) for m in modules} - {None, here} - ALLOWED[here])
    ]
    if here in {"core", "migrate"}:
        found += [
            f"{here} imports {name}" for name in sorted({m.split(".")[0] for m in modules} & SPHINX_WORLD)
        ]
    return found


@pytest.mark.parametrize("path", sources(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_point_one_way(path: Path) -> None:
    assert problems(path.read_text(encoding="utf-8"), path) == []


def test_a_lazy_import_against_the_layers_is_found() -> None:
    text = "def f():\n    from ..sphinx import domain\n    import docutils.nodes\n    from . import model\n"
    assert problems(text, PACKAGE / "core" / "rules.py") == ["core imports sphinx", "core imports docutils"]
    assert problems(text, PACKAGE / "sphinx" / "x" / "y.py") == []  # sphinx/x/ -> ..sphinx is its own layer
