"""``dep_*`` config values: registered from the core's declarations, validated at config-inited.

Values a project leaves unset in conf.py are taken from ``[tool.dep]`` of the nearest
pyproject.toml, so the ``dep`` command line and the Sphinx build share one configuration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError as SphinxConfigError
from sphinx.util import logging

from ..core import config as core_config
from ..core.config import DepConfig

#: Where :func:`get` keeps this build's settings: on the Config object they are read from,
#: so they live and go with it (the name starts with ``_``: Sphinx does not pickle it).
_RESOLVED = "_dep_settings"

logger = logging.getLogger(__name__)


def register(app: Sphinx) -> None:
    for setting in core_config.settings():
        app.add_config_value(
            f"dep_{setting.name}",
            setting.default_value(),
            "env",
            types=setting.type.accepts,
            description=setting.help,
        )


def on_config_inited(app: Sphinx, config: Config) -> None:
    """Fill unset ``dep_*`` values from ``[tool.dep]``, then validate them all."""
    try:
        table = core_config.read_tool_table(core_config.find_pyproject(Path(app.confdir)))
    except core_config.ConfigError as err:
        raise SphinxConfigError(str(err)) from err
    myst = table.pop("myst", None) or {}
    for name, value in table.items():
        if f"dep_{name}" not in config._raw_config:  # conf.py wins over pyproject.toml
            config[f"dep_{name}"] = value
    # MyST settings in [tool.dep.myst] too, so `dep lint` and the build read Markdown alike.
    for name, value in myst.items():
        key = f"myst_{name}"
        if key not in config:
            raise SphinxConfigError(f"sphinxcontrib-dep: [tool.dep.myst] {name!r} is not a MyST setting")
        if key not in config._raw_config:
            config[key] = value
    resolve(config)


def check_lint_reads_the_same(app: Sphinx, config: Config) -> None:
    """``config-inited``: warn where ``dep lint`` would read a setting otherwise than the build.

    ``dep lint`` does not run ``conf.py``: it reads the values ``conf.py`` assigns as
    literals, then ``[tool.dep]``. A value ``conf.py`` computes (from the environment, an
    import, ``+=``) is one ``dep lint`` cannot see; when the build's value then differs from
    what ``dep lint`` reads, the two would judge proposals differently, so the build says
    which setting, and where to put it.
    """
    conf_py = Path(app.confdir) / "conf.py"
    if not conf_py.is_file():
        return
    from ..core.diagnostics import Code, Diagnostic
    from ..core.project import read_conf
    from .logging import emit

    try:
        literal = read_conf(conf_py)
        table = core_config.read_tool_table(core_config.find_pyproject(Path(app.confdir)))
    except core_config.ConfigError:
        return
    # A dep_* name that is no setting: Sphinx ignores it silently; say so once, as dep lint does.
    for line, note in literal.unknown:
        logger.info("note: %s", note, location=f"{conf_py}:{line}")
    seen_by_lint: dict[str, Any] = {f"dep_{k}": v for k, v in table.items() if k != "myst"}
    seen_by_lint |= {f"myst_{k}": v for k, v in (table.get("myst") or {}).items()}
    seen_by_lint |= {f"dep_{k}": v for k, v in literal.dep.items()}
    seen_by_lint |= {f"myst_{k}": v for k, v in literal.myst.items()}
    lines = dict((name, line) for line, name in literal.unreadable)
    checked = [f"dep_{f.name}" for f in core_config.settings() if f.name not in _BUILD_ONLY]
    checked += [name for name in config._raw_config if name.startswith("myst_")]
    for name in checked:
        if name not in config._raw_config or name in config.overrides or not hasattr(config, name):
            continue  # not set in conf.py, or given on the command line (-D; `dep lint --config`)
        actual = getattr(config, name)
        read = seen_by_lint[name] if name in seen_by_lint else _default(config, name)
        if _same(actual, read):
            continue
        message = (
            f"dep lint reads {name} as {read!r}, the build uses {actual!r} (conf.py computes it); "
            f"set it in pyproject.toml's [tool.dep{'.myst' if name.startswith('myst_') else ''}] too"
        )
        emit([Diagnostic(Code.SETTINGS, message, str(conf_py), lines.get(name, 1))], None)


#: Settings only the build uses: ``dep lint`` may read them otherwise without harm.
_BUILD_ONLY = frozenset(
    {"public_build", "json_output", "graph_engine", "navigation", "conf_py", "history", "base_url"}
)


def _default(config: Config, name: str) -> Any:
    option = config.values.get(name)
    default = option.default if option is not None else None
    return default(config) if callable(default) else default


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (set, frozenset, list, tuple)) and isinstance(b, (set, frozenset, list, tuple)):
        try:
            return sorted(a) == sorted(b)
        except TypeError:
            return list(a) == list(b)
    return bool(a == b)


def get(config: Config) -> DepConfig:
    """The settings of this build as the core's :class:`DepConfig` (resolved once, at config-inited)."""
    resolved = config.__dict__.get(_RESOLVED)
    return resolved if isinstance(resolved, DepConfig) else resolve(config)


def resolve(config: Config) -> DepConfig:
    """The ``dep_*`` values of ``config`` read into a :class:`DepConfig`, kept on ``config``."""
    values: dict[str, Any] = {}
    for setting in core_config.settings():
        value = getattr(config, f"dep_{setting.name}")
        values[setting.name] = list(value) if isinstance(value, tuple) else value
    try:
        resolved = DepConfig(**values)
    except core_config.ConfigError as err:
        raise SphinxConfigError(f"sphinxcontrib-dep: {err}") from err
    setattr(config, _RESOLVED, resolved)
    return resolved
