"""Other projects in the build: ``dep_sources`` read once, links to their proposals, their external needs.

At ``config-inited`` every source is fetched (or read from its last good copy) through
:func:`sphinxcontrib_dep.core.sources.load`, the same call ``dep lint`` makes; each
problem is one warning at the ``dep_sources`` line of conf.py. Each source read becomes
an external source of sphinx-needs (``needs_external_needs``, with an id prefix per
project), from a ``needs.json`` written here from the judged records. References
``runtime:DEP-0012`` resolve to the other site's page with the proposal's status badge.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from ..core import files, sources
from ..core.model import Dep, split_project_ref
from . import config as sphinx_config
from .card import status_badge
from .domain import get_domain
from .logging import emit

#: Where the registry of this build is kept: on the Config, like the resolved settings
#: (a name starting with ``_``: Sphinx does not pickle it).
_REGISTRY = "_dep_sources"


def registry(config: Config) -> sources.Registry:
    """The sources of this build (empty when ``dep_sources`` names none)."""
    found = config.__dict__.get(_REGISTRY)
    return found if isinstance(found, sources.Registry) else sources.Registry()


def conf_py(app: Sphinx) -> Path | None:
    path = Path(app.confdir) / "conf.py"
    return path if path.is_file() else None


def on_config_inited(app: Sphinx, config: Config) -> None:
    """Fetch every source once, keep the last good copies, hand sphinx-needs their needs.

    Priority 14: after our settings are resolved (5) and our need types declared (13),
    before sphinx-needs loads external needs (``env-before-read-docs``).
    """
    settings = sphinx_config.get(config)
    if not settings.sources:
        return
    base = Path(app.confdir)
    cache = base / settings.sources_cache
    conf = conf_py(app)
    found = sources.load(
        settings.sources,
        base=base,
        cache=cache,
        timeout=settings.sources_timeout,
        # dep_base_url alone (not html_baseurl), as dep lint reads it.
        self_site=settings.base_url,
        where=(str(conf) if conf else None, sources.setting_line(conf)),
    )
    config.__dict__[_REGISTRY] = found
    emit(found.diagnostics, None)
    external = [
        source
        for source in (config.needs_external_needs or [])
        if "dep-external" not in str(source.get("css_class"))
    ]
    kept = found.cache  # resolved, inside the project; None when refused (said once)
    for key, source in sorted(found.sources.items()):
        if kept is None:
            break
        path = kept / f"{key}.needs.json"
        try:
            kept.mkdir(parents=True, exist_ok=True)
            text = json.dumps(sources.needs_document(source), ensure_ascii=False, sort_keys=True)
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                files.atomic_write(path, text)
        except OSError:
            continue
        external.append(
            {
                "json_path": str(path),
                "base_url": source.spec.site.rstrip("/"),
                "id_prefix": sources.need_id_prefix(key),
                "css_class": f"dep-external dep-external-{key}",
                "allow_type_coercion": False,
            }
        )
    config.needs_external_needs = external


def external_node(config: Config, target: str, contnode: nodes.Element | None = None) -> nodes.Element:
    """A link to another project's proposal: ``runtime:DEP-0012: Title`` and its status badge.

    With ``contnode`` (a role with its own title) that text is the link. A proposal this
    build cannot find is text, marked ``dep-ref-missing`` (the reason is reported once).
    """
    found = registry(config).lookup(target)
    if found is None:
        missing = nodes.inline(classes=["dep-ref-missing", "dep-ref-external"])
        missing += contnode if contnode is not None else nodes.Text(target)
        return missing
    source, dep = found
    assert dep.number is not None
    name = source.ref_text(dep.number)
    if contnode is not None:
        content: nodes.Element = contnode
    else:
        content = nodes.inline(classes=["dep-ref"])
        text = f"{name}: {dep.title}"
        content += nodes.inline(text, text)
        content += nodes.Text(" ")
        content += status_badge(dep.status, sphinx_config.get(config))
    if dep.url is None:
        plain = nodes.inline(classes=["dep-ref-external"])
        plain += content
        return plain
    link = nodes.reference("", "", internal=False, refuri=dep.url, reftitle=f"{name}: {dep.title}")
    link["classes"] += ["dep-ref-external", f"dep-project-{source.key}"]
    link += content
    return link


def is_project_target(target: str) -> bool:
    return split_project_ref(target) is not None


def foreign_deps(app: Sphinx) -> list[Dep]:
    """Every source's proposals, for the views of a portfolio (``dep_portfolio``); else none."""
    if not sphinx_config.get(app.config).portfolio:
        return []
    return registry(app.config).all_deps()


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to write again when a source's content changed since the last build.

    Views, ``{dep}`` roles and cards that name another project show what its
    ``deps.json`` says now, without any of this project's files changing.
    """
    domain = get_domain(env)
    digest = registry(app.config).digest()
    if domain.data.get("sources_digest") == digest:
        return []
    domain.data["sources_digest"] = digest
    pages = set(domain.pages)
    pages |= {
        docname for docname, targets in domain.refs.items() if any(is_project_target(t) for t, _ in targets)
    }
    pages |= {
        docname
        for docname, dep in domain.deps.items()
        if any(ref.project is not None for ref in (*dep.replaces, *dep.replaced_by))
        or any(link.project is not None for link in dep.implementation)
    }
    return sorted(pages & set(env.all_docs))


def register(app: Sphinx) -> None:
    # Priority 14: see on_config_inited.
    app.connect("config-inited", on_config_inited, priority=14)
    app.connect("env-updated", on_env_updated)
