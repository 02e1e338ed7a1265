"""The feeds in the HTML build: written at ``build-finished``, announced in every page's head.

``feeds/new-proposals.atom`` and ``.rss``, ``feeds/status-changes.atom`` and ``.rss``
(:mod:`sphinxcontrib_dep.core.feeds`), with absolute links under ``dep_base_url`` (or
Sphinx's ``html_baseurl``). Without an address, or without history, no feed is written
and the build says why once. Each page's ``<head>`` links the Atom feeds
(``<link rel="alternate" type="application/atom+xml">``), so readers find them.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from ..core import feeds as core_feeds
from ..core import report
from ..core.model import Dep
from . import config as sphinx_config
from . import history
from .domain import get_domain
from .tables import today

logger = logging.getLogger("sphinxcontrib_dep")


def base_url(app: Sphinx) -> str:
    """The site's address: ``dep_base_url``, else ``html_baseurl`` (``""`` without either)."""
    own = sphinx_config.get(app.config).base_url
    return own or str(getattr(app.config, "html_baseurl", "") or "")


def _enabled(app: Sphinx) -> bool:
    found = history.get(app.env)
    return (
        app.builder.format == "html"
        and bool(base_url(app))
        and found is not None
        and bool(found.files)
        and sphinx_config.get(app.config).history
    )


def write(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the four feeds in ``<outdir>/feeds/``, or a note saying why not."""
    if exception is not None or app.builder.format != "html":
        return
    settings = sphinx_config.get(app.config)
    found = history.get(app.env)
    if not settings.history or found is None or not found.files:
        return  # the history's own note has said why
    site = base_url(app)
    if not site:
        logger.info(
            "dep: no feeds: set dep_base_url (or html_baseurl) to the address the site is published at"
        )
        return
    deps = report.visible(get_domain(app.env).deps.values(), settings)
    histories = history.by_path(app, deps)

    def url_of(dep: Dep) -> str:
        return core_feeds.absolute(site, app.builder.get_target_uri(dep.docname))

    folder = Path(app.outdir, core_feeds.FEED_FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    updated = datetime.combine(today(), time(), tzinfo=UTC)
    for name, items in (
        ("new-proposals", core_feeds.new_proposal_items(deps, histories, url_of, settings, site)),
        ("status-changes", core_feeds.status_change_items(deps, histories, url_of, settings, site)),
    ):
        for suffix, rss in ((".atom", False), (".rss", True)):
            path = f"{core_feeds.FEED_FOLDER}/{name}{suffix}"
            data = core_feeds.render(
                items,
                name=name,
                project=str(app.config.project or ""),
                feed_url=core_feeds.absolute(site, path),
                site_url=core_feeds.absolute(site, app.builder.get_target_uri(app.config.root_doc)),
                updated=updated,
                rss=rss,
            )
            Path(app.outdir, path).write_bytes(data)


def announce(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context``: links to the Atom feeds in the page's ``<head>``."""
    if not _enabled(app):
        return
    links = []
    for name, (title, _) in core_feeds.FEEDS.items():
        href = context["pathto"](f"{core_feeds.FEED_FOLDER}/{name}.atom", 1)
        label = html.escape(f"{app.config.project}: {title}")
        links.append(
            f'<link rel="alternate" type="application/atom+xml" title="{label}" href="{html.escape(href)}" />'
        )
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(links)


def register(app: Sphinx) -> None:
    app.connect("build-finished", write)
    app.connect("html-page-context", announce)
