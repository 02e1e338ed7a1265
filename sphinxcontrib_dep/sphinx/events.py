"""Build events: corpus checks after reading, stale pages on incremental builds, views, deps.json.

* ``env-updated``: find the pages a change to any proposal makes stale (every page with a
  whole-corpus view, proposals whose computed back-links changed, pages linking to a
  changed proposal) and hand them to Sphinx to rewrite, without re-reading them.
* ``env-check-consistency``: the whole-corpus checks of :mod:`sphinxcontrib_dep.core.corpus`.
* ``doctree-resolved``: fill the placeholders of the views; complete the back-links on
  each proposal's card from both sides of every replacement.
* ``build-finished``: write ``deps.json`` next to the HTML pages.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core import corpus, crossproject, report
from ..core.analysis import sort_key
from ..core.config import DepConfig
from ..core.diagnostics import Code, Diagnostic
from ..core.history import history_record
from ..core.model import Dep, DepRef, parse_id
from ..core.project import discover
from ..core.sources import setting_line as source_line
from . import config as sphinx_config
from . import history, portfolio
from .areas import render_area, render_areas
from .domain import get_domain
from .graph import render_graph
from .logging import emit, warn
from .reading import area_folder, document_path, proposals_folder
from .tables import RENDERERS as TABLE_RENDERERS
from .tables import Renderer, fill, ref_nodes, save_views_with_problems, views_with_problems
from .timeline import render_timeline
from .triage import render_triage


def _numbers(refs: list[DepRef]) -> set[int]:
    return {ref.number for ref in refs if ref.number is not None}


def stale_pages(env: BuildEnvironment) -> list[str]:
    """The documents to rewrite after this read, and a new snapshot in the domain (env-updated)."""
    domain = get_domain(env)
    deps = domain.deps
    links = domain.links_both_ways()
    new_deps = {docname: (dep.number, repr(dep)) for docname, dep in deps.items()}
    related = domain.relations_both_ways()
    new_links = {docname: repr((links[dep.path], related[dep.path])) for docname, dep in deps.items()}
    old = domain.snapshot
    old_deps: dict[str, Any] = old.get("deps", {})
    old_links: dict[str, Any] = old.get("links", {})
    domain.data["snapshot"] = {"deps": new_deps, "links": new_links}

    changed = {d for d in set(old_deps) | set(new_deps) if old_deps.get(d) != new_deps.get(d)}
    if not changed:
        return []
    changed_numbers = {
        entry[0]
        for d in changed
        for entry in (old_deps.get(d), new_deps.get(d))
        if entry and entry[0] is not None
    }
    rewrite = set(domain.pages)
    rewrite |= {d for d in set(old_links) | set(new_links) if old_links.get(d) != new_links.get(d)}
    prefix = sphinx_config.get(env.config).id_prefix
    for docname, targets in domain.refs.items():
        numbers = {n for target, _line in targets if (n := parse_id(target, prefix)) is not None}
        if numbers & changed_numbers:
            rewrite.add(docname)
    for docname, dep in deps.items():
        shown = (
            _numbers(dep.replaces) | _numbers(dep.replaced_by) | _numbers(dep.extends) | _numbers(dep.related)
        )
        shown |= {ref.number for side in links[dep.path] for ref in side if ref.number is not None}
        shown |= {ref.number for side in related[dep.path] for ref in side if ref.number is not None}
        if shown & changed_numbers:
            rewrite.add(docname)
    return sorted(rewrite & set(env.all_docs))


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    emit_diagnostics(app, env)
    # Pages whose views warned last time are written again, so the warning comes again.
    again = [name for name in views_with_problems(app) if name in env.all_docs]
    return sorted({*stale_pages(env), *again})


def all_diagnostics(app: Sphinx, env: BuildEnvironment) -> list[Diagnostic]:
    """Every ``dep`` problem of the project as it stands, read now or in an earlier build."""
    domain = get_domain(env)
    settings = sphinx_config.get(app.config)
    found: list[Diagnostic] = []
    for docname in sorted(domain.diagnostics):
        if docname in env.found_docs:
            found += domain.diagnostics[docname]
    found += corpus.check_corpus(domain.deps.values(), settings)
    # References to other projects; with no dep_sources, every key: is one no source has.
    sources = portfolio.registry(app.config)
    conf = portfolio.conf_py(app)
    where = (str(conf) if conf else None, source_line(conf))
    found += crossproject.check(
        domain.deps.values(), settings, sources, portfolio=settings.portfolio, where=where
    )
    # {dep} roles on pages outside the proposals folder (those in proposals are the corpus check's).
    known = domain.by_number()
    for docname in sorted(domain.refs):
        if docname in env.found_docs and area_folder(docname, settings.deps_dir) is None:
            references = sorted((line or 0, target) for target, line in domain.refs[docname])
            path = document_path(env, docname)
            found += corpus.unknown_role_targets(references, known, settings, path)
            found += crossproject.unknown_project_targets(references, sources, path)
    found += folder_diagnostics(app, settings)
    return sorted(found, key=sort_key)


def folder_diagnostics(app: Sphinx, settings: DepConfig) -> list[Diagnostic]:
    """Names in the proposals folder that Sphinx and ``dep lint`` would read differently."""
    folder = proposals_folder(Path(app.srcdir), settings.deps_dir)
    if folder is None:
        return []
    shown = folder.relative_to(app.srcdir).as_posix()
    return discover(
        folder, shown=shown, pages=settings.pages, excluded=app.config.exclude_patterns
    ).diagnostics


def emit_diagnostics(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: every diagnostic, once per build, in ``dep lint``'s order.

    Emitted here rather than while reading, so a document an incremental build does not
    read again still reports its problems, and ``-W`` fails until the file is fixed.
    """
    docname_of = {document_path(env, docname): docname for docname in env.found_docs}
    for diagnostic in all_diagnostics(app, env):
        docname = docname_of.get(diagnostic.path or "")
        if docname is None and diagnostic.path:
            where = str(Path(app.srcdir) / diagnostic.path)
            emit([Diagnostic(diagnostic.code, diagnostic.message, where, diagnostic.line)], None)
        else:
            emit([diagnostic], docname)


def _card_field(name: str, key: str, body: nodes.Node) -> nodes.field:
    field = nodes.field(classes=[f"dep-field-{key}"])
    field += nodes.field_name(name, name)
    field_body = nodes.field_body()
    paragraph = nodes.paragraph()
    paragraph += body
    field_body += paragraph
    field += field_body
    return field


def complete_card(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Show on a proposal's card what other proposals say about it (replaced by, replaces,
    extended by, related)."""
    domain = get_domain(app.env)
    dep: Dep | None = domain.deps.get(docname)
    if dep is None:
        return
    card = next((n for n in doctree.findall(nodes.container) if "dep-card" in n["classes"]), None)
    fields = (
        next((n for n in card.findall(nodes.field_list) if "dep-fields" in n["classes"]), None)
        if card
        else None
    )
    if fields is None:
        return
    replaces, replaced_by = domain.links_both_ways()[dep.path]
    extended_by, related = domain.relations_both_ways()[dep.path]
    renderer: Renderer | None = None
    for name, key, written, merged in (
        ("Replaces", "replaces", dep.replaces, replaces),
        ("Replaced by", "replaced-by", dep.replaced_by, replaced_by),
        ("Extended by", "extended-by", [], extended_by),
        ("Related", "related", dep.related, related),
    ):
        if _numbers(merged) <= _numbers(written):
            continue  # the card already shows every one
        renderer = renderer or Renderer(app, docname)
        new = _card_field(name, key, ref_nodes(renderer, merged))
        new["classes"].append("dep-field-derived")
        present = [child for child in fields.children if isinstance(child, nodes.field)]
        existing = next((f for f in present if f"dep-field-{key}" in f["classes"]), None)
        if existing is not None:
            existing.replace_self(new)
            continue
        anchor = next((f for f in present if "dep-field-template" in f["classes"]), None)
        if anchor is not None:
            fields.insert(fields.index(anchor), new)
        else:
            fields += new


#: Every whole-corpus view, by the kind its placeholder names.
RENDERERS = MappingProxyType(
    {
        **TABLE_RENDERERS,
        "graph": render_graph,
        "timeline": render_timeline,
        "triage": render_triage,
        "area": render_area,
        "areas": render_areas,
    }
)


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    fill(app, doctree, docname, RENDERERS)
    complete_card(app, doctree, docname)


def _left_out(dep: Dep, err: Exception) -> None:
    where = (dep.docname, dep.line) if dep.docname else dep.path
    warn(Code.VALUE, f"left out of deps.json: {type(err).__name__}: {report.clip(str(err), 200)}", where)


def on_build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """``deps.json`` next to the HTML pages, sorted by number, drafts last."""
    if exception is not None:
        return
    save_views_with_problems(app)
    if app.builder.format != "html":
        return
    settings = sphinx_config.get(app.config)
    if not settings.json_output:
        return
    deps = list(get_domain(app.env).deps.values())
    records = {
        path: record
        for path, entry in history.by_path(app, deps).items()
        if (record := history_record(entry)) is not None
    }
    pages = {dep.path: app.builder.get_target_uri(dep.docname) for dep in deps if dep.docname}
    document = report.deps_json(deps, settings, on_error=_left_out, history=records, pages=pages)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    Path(app.outdir, "deps.json").write_text(text, encoding="utf-8")
