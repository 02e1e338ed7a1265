"""The site navigation: proposals appear in it only on their own page, so it stays small.

Themes draw the navigation sidebar by calling the ``toctree()`` function Sphinx puts in
every page's template context. furo asks it for the whole tree, fully expanded, on every
page; with one entry per proposal that is N entries rendered (and re-parsed by furo) on
each of N pages, a build that grows with N squared (300 proposals: 39 s instead of 7.5 s).

With ``dep_navigation = "current"`` (the default) the ``toctree()`` of each page leaves
out the proposals' entries, except the page's own: a proposal still shows where it sits
(under the page that lists the proposals, marked current), every other page shows that
listing page without its thousand children, and the listing itself (``dep-index``) is
where readers browse them. The toctree directives, previous/next links, breadcrumbs and
the search index are untouched. ``"all"`` keeps Sphinx's behaviour.

How: in ``html-page-context`` (before the theme's own handler) the context's ``toctree``
is wrapped. The wrapper swaps the entry lists of the toctree nodes that list proposals for
short ones while Sphinx resolves the tree, then puts them back, so Sphinx's own code draws
the tree, and never reads the pruned lists anywhere else.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from . import config as sphinx_config
from .domain import get_domain

Entry = tuple[str | None, str]

# A listing page left with no entries renders as an empty list, which themes would draw
# as an expandable item with nothing inside (furo adds a toggle to every item with a list).
_EMPTY_LIST_RE = re.compile(r"<ul[^>]*>\s*</ul>")


@dataclass
class _Listing:
    """A toctree node that lists proposals: its other entries, and where each proposal sits."""

    node: addnodes.toctree
    kept: list[tuple[int, Entry]] = field(default_factory=list)
    proposals: dict[str, tuple[int, Entry]] = field(default_factory=dict)

    def entries_for(self, pagename: str) -> list[Entry]:
        own = self.proposals.get(pagename)
        kept = self.kept if own is None else sorted([*self.kept, own])
        return [entry for _, entry in kept]


def _toctree_nodes(env: BuildEnvironment) -> list[addnodes.toctree]:
    found: list[addnodes.toctree] = list(env.master_doctree.findall(addnodes.toctree))
    for toc in env.tocs.values():
        found.extend(toc.findall(addnodes.toctree))
    return found


def listings(env: BuildEnvironment) -> list[_Listing]:
    """The toctree nodes (root document and every document's toc) that list proposals.

    Found once per build and kept on the dep domain (made anew with every environment),
    until :func:`forget`.
    """
    domain = get_domain(env)
    if domain.navigation is not None:
        return domain.navigation
    proposals = set(domain.deps)
    found: list[_Listing] = []
    if proposals:
        for node in _toctree_nodes(env):
            listing = _Listing(node)
            for index, entry in enumerate(node["entries"]):
                if entry[1] in proposals:
                    listing.proposals[entry[1]] = (index, entry)
                else:
                    listing.kept.append((index, entry))
            if listing.proposals:
                found.append(listing)
    domain.navigation = found
    return found


def forget(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: the documents were (re)read, so the toctrees may have changed."""
    get_domain(env).navigation = None


def _pruned_toctree(env: BuildEnvironment, pagename: str, toctree: Callable[..., str], **kwargs: Any) -> str:
    swapped = [(listing.node, listing.node["entries"]) for listing in listings(env)]
    try:
        for listing in listings(env):
            listing.node["entries"] = listing.entries_for(pagename)
        return _EMPTY_LIST_RE.sub("", toctree(**kwargs))
    finally:
        for node, entries in swapped:
            node["entries"] = entries


def on_html_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Wrap the page's ``toctree()`` so that the navigation leaves other proposals out."""
    if "toctree" not in context or sphinx_config.get(app.config).navigation != "current":
        return
    if not listings(app.env):
        return
    context["toctree"] = functools.partial(_pruned_toctree, app.env, pagename, context["toctree"])
