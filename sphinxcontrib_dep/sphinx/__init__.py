"""The Sphinx layer: registers directives, roles, the domain and the sphinx-needs bridge.

``setup`` reads as the table of contents of the extension; each handler's priority is
commented where its order matters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from .. import __version__
from . import (
    banner,
    chart,
    config,
    discussion,
    embargo,
    events,
    feeds,
    gfm,
    history,
    interrupted,
    logging,
    mermaid,
    navigation,
    needs,
    portfolio,
    reading,
    redirects,
    sources,
    surrogates,
)
from .areas import DepAreaDirective, DepAreasDirective
from .directives import DepAlternativeDirective, DepMetaDirective, DepPhaseDirective
from .domain import DepDomain, DepRole
from .graph import DepGraphDirective
from .tables import (
    SKIP_VISITORS,
    DepIndexDirective,
    DepReviewReportDirective,
    DepTraceabilityDirective,
    dep_report,
)
from .timeline import DepTimelineDirective
from .triage import DepTriageDirective
from .triage import on_env_updated as triage_on_env_updated

#: Bump when the data stored in the environment changes shape.
ENV_VERSION = 8  # issue 20: Dep.areas, pic, priority

STATIC = Path(__file__).parent / "static"


def _add_static(app: Sphinx, config: Any) -> None:
    # At config-inited, not builder-inited: the config Sphinx stores with the environment
    # then already holds the path, so the next build sees no "configuration changed".
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]


def setup(app: Sphinx) -> dict[str, Any]:
    # MyST first, then sphinx-needs: sphinx-needs' setup() clears its registry, so
    # nothing may be registered with it before this call.
    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_needs")
    needs.purge_read_docs_only(app)
    needs.fast_needs_json()
    # Files in the proposals folder are read by the core first, then parsed under its policy.
    reading.register(app)
    gfm.register(app)
    # Diagrams as GitHub draws them, from a script the site serves itself.
    mermaid.register(app)

    config.register(app)
    # Priority 5: our settings (and [tool.dep]) are resolved before anything reads them.
    app.connect("config-inited", config.on_config_inited, priority=5)
    # Priority 6: then say where `dep lint` (which does not run conf.py) would read otherwise.
    app.connect("config-inited", config.check_lint_reads_the_same, priority=6)
    # Priority 13: after sphinx-needs resolves need types (12), before it loads links (500).
    app.connect("config-inited", needs.configure, priority=13)
    # Priority 14: other projects' deps.json (dep_sources) fetched once, before sphinx-needs
    # loads external needs; pages naming them are rewritten when they change.
    portfolio.register(app)
    # Priority 20: after our settings are resolved; Sphinx lists documents only later.
    app.connect("config-inited", embargo.exclude_embargoed, priority=20)
    app.connect("env-before-read-docs", embargo.forget_patterns)

    app.add_domain(DepDomain)
    app.add_role("dep", DepRole())
    app.add_directive("dep-meta", DepMetaDirective.bound_to(app))
    app.add_directive("dep-alternative", DepAlternativeDirective.bound_to(app))
    app.add_directive("dep-phase", DepPhaseDirective.bound_to(app))
    # Priority 100: the policy acts on the finished document before Sphinx collects the
    # images and downloads to copy (500). Priority 900: then every problem of the page is
    # kept, to be emitted on every build.
    app.connect("doctree-read", sources.enforce_policy, priority=100)
    app.connect("doctree-read", reading.store_diagnostics, priority=900)
    # The discussion on GitHub, from the cache CI wrote, after each proposal's content.
    discussion.register(app)

    # Whole-corpus views: placeholders at read time, filled at doctree-resolved.
    skip = SKIP_VISITORS
    app.add_node(dep_report, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_directive("dep-index", DepIndexDirective.bound_to(app))
    app.add_directive("dep-traceability", DepTraceabilityDirective.bound_to(app))
    app.add_directive("dep-review-report", DepReviewReportDirective.bound_to(app))
    app.add_directive("dep-graph", DepGraphDirective.bound_to(app))
    app.add_directive("dep-timeline", DepTimelineDirective.bound_to(app))
    app.add_directive("dep-triage", DepTriageDirective.bound_to(app))
    app.add_directive("dep-area", DepAreaDirective.bound_to(app))
    app.add_directive("dep-areas", DepAreasDirective.bound_to(app))
    # Default priority (500): the domain holds every proposal by then.
    app.connect("env-updated", events.on_env_updated)
    # Priority 600: the history of every proposal, once the domain holds them all (one git log).
    app.connect("env-updated", history.on_env_updated, priority=600)
    # Priority 650: the triage pages again on a new day (what is stalled or due is dated).
    app.connect("env-updated", triage_on_env_updated, priority=650)
    app.connect("doctree-resolved", events.on_doctree_resolved)
    app.connect("doctree-resolved", history.complete_card)
    app.connect("build-finished", events.on_build_finished)

    # A build stopped while writing leaves pages and search index half done: the next
    # build finds its marker and writes every page again.
    interrupted.register(app)

    # A banner above the card of a proposal a reader must not take for a standing decision.
    banner.register(app)

    # Atom and RSS feeds of new proposals and of status changes, from the history.
    feeds.register(app)

    # The status chart counts every proposal; its page is rewritten like the views above.
    chart.register(app)

    # A numbered proposal's former draft pages lead to it, so links shared during review hold.
    redirects.register(app)

    app.connect("config-inited", _add_static)
    # Priority 400: wrap the page's toctree() before the theme (furo: 500) draws the navigation.
    app.connect("html-page-context", navigation.on_html_page_context, priority=400)
    app.connect("env-updated", navigation.forget)
    # Warnings carry text from pull requests: no terminal escapes or forged CI commands.
    app.connect("builder-inited", logging.install_guard)
    # Undecodable sources become located warnings instead of stopping the build.
    app.connect("env-before-read-docs", sources.skip_undecodable)
    # Which of two files with one number holds it depends on both: read both again.
    app.connect("env-get-outdated", sources.reread_number_twins)
    # A character no UTF-8 file can hold would stop the build at the first writer.
    app.add_transform(surrogates.ReplaceSurrogates)
    app.add_css_file("dep.css")
    app.add_js_file("dep.js")

    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
