"""Settings, declared once: the ``dep_*`` Sphinx config values and ``[tool.dep]`` in pyproject.toml.

Each field of :class:`DepConfig` carries its type, default and help text. The Sphinx layer
loops over the fields to register ``dep_<name>``; the command line reads the same names
from ``[tool.dep]``; the docs' settings reference is generated from these declarations.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import DEFAULT_CATEGORIES, Template, normalize_key

#: What ``dep_raw_html`` may be.
RAW_HTML_MODES = ("safe", "none", "all")


class ConfigError(ValueError):
    """A setting with a value of the wrong type or range."""


def _setting(default: Any, help: str, **kwargs: Any) -> Any:
    if isinstance(default, (list, dict, tuple)):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help, **kwargs})
    return field(default=default, metadata={"help": help, **kwargs})


@dataclass
class DepConfig:
    """All settings of sphinxcontrib-dep; ``dep_<name>`` in conf.py, ``<name>`` in ``[tool.dep]``."""

    id_prefix: str = _setting("DEP-", "Prefix of proposal ids and need ids (``DEP-0001``).")
    id_width: int = _setting(4, "Digits of the zero-padded number in ids and file names.")
    impl_prefix: str = _setting("IMPL-", "Prefix of the ids of implementation (``impl``) needs.")
    categories: list[str] = _setting(
        list(DEFAULT_CATEGORIES), "The categories a proposal may name in ``:category:``."
    )
    default_template: str = _setting(
        "limited", "Template assumed when ``:template:`` is absent: ``limited`` or ``complete``."
    )
    review_window_days: int = _setting(
        14, "Days a review may take, from ``:review-requested:`` to ``:review-date:``."
    )
    require_sections_in_drafts: bool = _setting(
        False,
        "Require the template's sections in Not Started and In Progress proposals too "
        "(the process lets a draft be incomplete; placeholders are reported either way).",
    )
    stale_days: int = _setting(
        180, "A proposal untouched this many days is listed as stale by the review report."
    )
    deps_dir: str = _setting("deps", "Folder (relative to the project root) that holds the proposals.")
    public_build: bool = _setting(
        False, "Leave embargoed proposals out of the build entirely (page, needs, index, search)."
    )
    json_output: bool = _setting(True, "Write ``deps.json`` next to the HTML pages.")
    graph_engine: str = _setting("dot", "Graphviz command used to draw ``dep-graph`` and the lifecycle.")
    navigation: str = _setting(
        "current",
        "Proposals in the site navigation: ``current`` lists each one only on its own page (the "
        "proposals index lists them all; keeps themes that draw the whole tree on every page, "
        "like furo, linear in the number of proposals), ``all`` lists every proposal on every page.",
    )
    raw_html: str = _setting(
        "safe",
        "Raw HTML in proposals: ``safe`` keeps only harmless tags, attributes and links and shows the "
        "rest as text with a warning; ``none`` shows all of it as text; ``all`` trusts every author.",
    )

    pages: list[str] = _setting(
        ["README.md", "README.rst", "index.md", "index.rst"],
        "Files in the proposals folder that are pages, not proposals (glob patterns, relative to "
        "the folder). They are checked as untrusted content all the same (raw HTML, links, directives).",
    )
    allowed_directives: list[str] = _setting(
        [],
        "Directives a proposal may use beyond the built-in allowlist (admonitions, code, images, tables, "
        "math, raw HTML and more). Only add directives that can neither read files nor run code: proposals "
        "come from pull requests.",
    )
    allowed_roles: list[str] = _setting(
        [],
        "Roles a proposal may use beyond the built-in allowlist (cross-references, code, math and more). Only "
        "add roles that can neither read files nor run code.",
    )
    history: bool = _setting(
        True,
        "Read each proposal's history from git (created, last changed, every status change) with one "
        "``git log`` per build, for the proposal pages, ``dep-timeline``, the feeds and ``deps.json``. "
        "Outside a git work tree or in a shallow clone the build says so once and goes on.",
    )
    base_url: str = _setting(
        "",
        "The address the site is published at (``https://example.org/proposals/``): the feeds of new "
        "proposals and of status changes link to absolute addresses under it. Empty: Sphinx's "
        "``html_baseurl``; with neither, no feeds are written.",
    )
    conf_py: str = _setting(
        "",
        "Where ``dep lint`` finds the Sphinx ``conf.py`` whose ``dep_*``/``myst_*`` values it reads, "
        "relative to the project root; empty: ``conf.py``, then ``docs/conf.py`` and the other usual places.",
    )

    def __post_init__(self) -> None:
        errors = validate(self)
        if errors:
            raise ConfigError("; ".join(errors))

    @property
    def template(self) -> Template:
        return Template(self.default_template)

    def format_id(self, number: int) -> str:
        return f"{self.id_prefix}{number:0{self.id_width}d}"


def settings() -> list[dataclasses.Field[Any]]:
    """The declared settings, in order, for registration and for the docs."""
    return list(dataclasses.fields(DepConfig))


def _type_name(f: dataclasses.Field[Any]) -> str:
    return str(f.type).replace("list[str]", "list of str")


def validate(config: DepConfig) -> list[str]:
    """Messages for every setting whose value has the wrong type or range."""
    errors: list[str] = []
    for f in settings():
        value = getattr(config, f.name)
        expected = {"str": str, "int": int, "bool": bool, "list[str]": list}[str(f.type)]
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if ok and expected is list:
            ok = all(isinstance(item, str) and item.strip() for item in value)
        if not ok:
            errors.append(f"dep_{f.name} must be {_type_name(f)}, not {value!r}")
    if not errors:
        if not 1 <= config.id_width <= 8:
            errors.append(f"dep_id_width must be between 1 and 8, not {config.id_width}")
        if config.default_template not in {t.value for t in Template}:
            errors.append(
                f"dep_default_template must be one of limited, complete, not {config.default_template!r}"
            )
        if config.raw_html not in RAW_HTML_MODES:
            errors.append(f"dep_raw_html must be one of {', '.join(RAW_HTML_MODES)}, not {config.raw_html!r}")
        if config.review_window_days < 0 or config.stale_days < 0:
            errors.append("dep_review_window_days and dep_stale_days must not be negative")
        if config.navigation not in {"current", "all"}:
            errors.append(f"dep_navigation must be one of current, all, not {config.navigation!r}")
        if config.base_url and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", config.base_url):
            errors.append(
                f"dep_base_url must be an absolute http(s) address without query or fragment, not {config.base_url!r}"
            )
        keys = [normalize_key(c) for c in config.categories]
        if not config.categories or len(set(keys)) != len(keys):
            errors.append("dep_categories must be a non-empty list of distinct categories")
        if not config.id_prefix or not config.id_prefix[0].isalpha() or not config.id_prefix.isupper():
            errors.append(f"dep_id_prefix must start with an upper-case letter, not {config.id_prefix!r}")
    return errors


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has a ``[tool.dep]`` table.

    The Sphinx build starts from the folder of ``conf.py``, ``dep lint`` from the same
    folder when it finds ``conf.py``: an unrelated ``pyproject.toml`` in between (a docs
    package's own) hides nothing from either.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                if "dep" in tomllib.loads(candidate.read_text(encoding="utf-8")).get("tool", {}):
                    return candidate
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return candidate  # read_tool_table says what is wrong with it
    return None


def read_tool_table(pyproject: Path | None) -> dict[str, Any]:
    """``[tool.dep]`` of a pyproject.toml, keys with ``-`` or ``_`` accepted, unknown keys refused."""
    if pyproject is None:
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{pyproject}: cannot read [tool.dep]: {err}") from err
    table = data.get("tool", {}).get("dep", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.dep] must be a table")
    known = {f.name for f in settings()} | {"myst"}
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name == "myst" and not isinstance(value, dict):
            raise ConfigError(f"{pyproject}: [tool.dep.myst] must be a table of MyST settings")
        if name not in known:
            raise ConfigError(
                f"{pyproject}: unknown setting [tool.dep] {key!r} (known: {', '.join(sorted(known))})"
            )
        values[name] = value
    return values


def load(start: Path | None = None, overrides: dict[str, Any] | None = None) -> DepConfig:
    """Settings from ``[tool.dep]`` of the nearest pyproject.toml, then ``overrides``."""
    values = read_tool_table(find_pyproject(start or Path.cwd()))
    values.pop("myst", None)
    values.update(overrides or {})
    return DepConfig(**values)
