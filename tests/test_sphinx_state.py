"""The Sphinx layer keeps no state in its modules: each build's lives on its own objects
(the config, the environment, the dep domain) and goes with them (issue 17).

Two different projects built one after the other in one process must each see only their
own settings, number tables, replacement links, navigation and warnings.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import gc
import importlib
import io
import json
import logging
import pkgutil
import re
import types
import typing
import weakref
from pathlib import Path
from typing import Any

from helpers import normalize_warnings, write_project

import sphinxcontrib_dep.sphinx as layer
from sphinxcontrib_dep.sphinx import config as sphinx_config
from sphinxcontrib_dep.sphinx.domain import get_domain

BODY = "\n## Summary\n\nS.\n\n## Motivation\n\nM.\n\n## Proposal\n\nP.\n\n## Alternate Solutions\n\nN/A\n"


def proposal(title: str, **options: str) -> str:
    options = {"status": "In Progress", "authors": "@a", "category": "Process", **options}
    lines = [f"# {title}", "", "```{dep-meta}"]
    lines += [f":{name.replace('_', '-')}: {value}" for name, value in options.items()]
    return "\n".join([*lines, "```", ""]) + BODY


INDEX = "# Proposals\n\n```{toctree}\n:glob:\n\ndeps/*\n```\n\n```{dep-index}\n```\n\n```{dep-traceability}\n```\n"

#: Project A: its own id prefix, a replacement (so back-links), navigation of every
#: proposal on every page, and a warning.
PROJECT_A = {
    "index.md": INDEX,
    "deps/0001-alpha.md": proposal("Alpha"),
    "deps/0002-beta.md": proposal("Beta", replaces="ABC-0001"),
    "deps/0003-gamma.md": proposal("Gamma", category="Nonsense"),
}
CONF_A = (
    'project = "a"\nextensions = ["sphinxcontrib_dep"]\ndep_id_prefix = "ABC-"\ndep_navigation = "all"\n'
    'html_theme = "basic"\ndep_early_numbering = True\n'
)
#: Project B: the defaults, one proposal numbered like A's first, nothing replaced.
PROJECT_B = {"index.md": INDEX, "deps/0001-delta.md": proposal("Delta")}
CONF_B = (
    'project = "b"\nextensions = ["sphinxcontrib_dep"]\nhtml_theme = "basic"\ndep_early_numbering = True\n'
)


def _build(srcdir: Path, outdir: Path) -> tuple[Any, list[str]]:
    from sphinx.testing.util import SphinxTestApp

    warning = io.StringIO()
    app = SphinxTestApp(
        "html", srcdir=srcdir, builddir=outdir, status=io.StringIO(), warning=warning, freshenv=True
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return app, normalize_warnings(warning.getvalue(), srcdir)


def _site_text(outdir: Path) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(outdir.rglob("*.html")))


def test_two_projects_in_one_process_share_nothing(tmp_path: Path) -> None:
    app_a, warnings_a = _build(write_project(tmp_path / "a", PROJECT_A, CONF_A), tmp_path / "a-out")
    assert warnings_a == [
        "deps/0001-alpha.md:3: ABC-0002 (deps/0002-beta.md) replaces ABC-0001, but ABC-0001 does not "
        "say so: add ABC-0002 to :replaced-by: in deps/0001-alpha.md [dep.replaces_mismatch]",
        "deps/0003-gamma.md:6: unknown category 'Nonsense' "
        "(allowed: Architecture, Process, Build/Infrastructure, Guidelines) [dep.category]",
    ]
    site_a = _site_text(Path(app_a.outdir))
    assert "ABC-0002" in site_a and "dep-field-derived" in site_a  # A's back-link was drawn
    settings_a = weakref.ref(sphinx_config.get(app_a.config))
    deps_a = [weakref.ref(dep) for dep in get_domain(app_a.env).deps.values()]
    del app_a

    app_b, warnings_b = _build(write_project(tmp_path / "b", PROJECT_B, CONF_B), tmp_path / "b-out")
    assert warnings_b == []
    gc.collect()
    # Nothing of A outlives it (Sphinx's logging lets go of A's app when B's starts): no
    # module holds its settings or its proposals.
    assert settings_a() is None
    assert [ref() for ref in deps_a] == [None, None, None]
    assert sphinx_config.get(app_b.config).id_prefix == "DEP-"
    outdir_b = Path(app_b.outdir)
    site_b = _site_text(outdir_b)
    for of_a in ("ABC-", "Alpha", "Beta", "Gamma", "dep-field-derived", "dep-field-replaced-by"):
        assert of_a not in site_b, of_a
    records = json.loads((outdir_b / "deps.json").read_text(encoding="utf-8"))["deps"]
    assert [(r["id"], r["title"], r["replaced_by"]) for r in records] == [("DEP-0001", "Delta", [])]
    domain = get_domain(app_b.env)
    assert set(domain.deps) == {"deps/0001-delta"}
    assert domain.links_both_ways() == {"deps/0001-delta.md": ([], [])}


# --------------------------------------------------------------------------------------
# No module of the Sphinx layer holds anything that can change
# --------------------------------------------------------------------------------------

_IMMUTABLE = (str, bytes, int, float, bool, type(None), re.Pattern, Path, frozenset, enum.Enum)
_DEFINITIONS = (type, types.FunctionType, typing.TypeVar, types.GenericAlias, types.UnionType)


def _immutable(value: Any) -> bool:
    if isinstance(value, _IMMUTABLE + _DEFINITIONS) or typing.get_origin(value) is not None:
        return True
    if isinstance(value, (logging.Logger, logging.LoggerAdapter)):
        return True  # the logging system's own registry
    if isinstance(value, tuple):
        return all(_immutable(item) for item in value)
    if isinstance(value, types.MappingProxyType):
        return all(_immutable(key) and _immutable(item) for key, item in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        params = value.__dataclass_params__  # type: ignore[attr-defined]
        return bool(params.frozen) and all(
            _immutable(getattr(value, f.name)) for f in dataclasses.fields(value)
        )
    return False


def _assigned_names(module: types.ModuleType) -> list[str]:
    tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def test_the_sphinx_layer_keeps_no_mutable_state_in_its_modules() -> None:
    """Every value a module of ``sphinxcontrib_dep.sphinx`` assigns at module level is a
    constant that cannot change: no dict, list or set a build could fill, keyed by
    ``id(config)`` or ``id(env)`` or not; such state belongs on the environment or the domain."""
    mutable = []
    checked = 0
    for info in pkgutil.iter_modules(layer.__path__):
        module = importlib.import_module(f"{layer.__name__}.{info.name}")
        for name in _assigned_names(module):
            checked += 1
            if not _immutable(getattr(module, name)):
                mutable.append(f"{info.name}.{name}: {type(getattr(module, name)).__name__}")
    assert mutable == []
    assert checked > 20  # the check saw the layer's constants


def test_the_check_finds_mutable_state() -> None:
    assert not _immutable({})
    assert not _immutable([None, None])
    assert not _immutable((1, [2]))
    assert not _immutable(types.MappingProxyType({"a": []}))
    assert _immutable(types.MappingProxyType({"a": (1, "b")}))
