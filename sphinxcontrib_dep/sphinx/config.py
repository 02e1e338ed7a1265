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

from .. import config as core_config
from ..config import DepConfig

_TYPES = {"str": (str,), "int": (int,), "bool": (bool,), "list[str]": (list, tuple)}

# Computed once per Config object: directives ask for it once per proposal.
_resolved: dict[int, DepConfig] = {}


def register(app: Sphinx) -> None:
    for setting in core_config.settings():
        default = setting.default_factory() if callable(setting.default_factory) else setting.default  # type: ignore[misc]
        app.add_config_value(
            f"dep_{setting.name}",
            default,
            "env",
            types=_TYPES[str(setting.type)],
            description=setting.metadata["help"],
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
    _resolved.pop(id(config), None)
    get(config)


def get(config: Config) -> DepConfig:
    """The settings of this build as the core's :class:`DepConfig`."""
    cached = _resolved.get(id(config))
    if cached is not None:
        return cached
    values: dict[str, Any] = {}
    for setting in core_config.settings():
        value = getattr(config, f"dep_{setting.name}")
        values[setting.name] = list(value) if isinstance(value, tuple) else value
    try:
        resolved = DepConfig(**values)
    except core_config.ConfigError as err:
        raise SphinxConfigError(f"sphinxcontrib-dep: {err}") from err
    _resolved[id(config)] = resolved
    return resolved
