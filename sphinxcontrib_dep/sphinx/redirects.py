"""Stable draft links: a numbered proposal's former pages lead to it.

A draft's page is ``deps/0000-<slug>.html`` while it is reviewed; ``dep number`` renames
it to ``deps/0012-<slug>.html`` (and ``dep renumber`` again), so the links shared during
review would break. At ``build-finished`` each former name git remembers for a proposal
(:attr:`~.core.history.FileHistory.former_paths`) gets a small page that sends the
reader on, unless a page of that name exists. Names come from git history: a name that
is not a proposal file of the same folder gets nothing, and every value is escaped.
"""

from __future__ import annotations

import html
import posixpath
from pathlib import Path
from urllib.parse import quote

from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

from ..core import report
from ..core.model import split_proposal_name
from . import config as sphinx_config
from . import history
from .domain import get_domain
from .needs import dep_need_id

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={url}">
<link rel="canonical" href="{url}">
</head>
<body>
<p>This draft is now <a href="{url}">{title}</a>.</p>
</body>
</html>
"""


def former_pages(app: Sphinx) -> dict[str, tuple[str, str]]:
    """old page (its address in the site) -> (the page it leads to, relative to it; the proposal's id and title)."""
    domain = get_domain(app.env)
    settings = sphinx_config.get(app.config)
    deps = report.visible(domain.deps.values(), settings)
    current = set(app.env.all_docs)
    found: dict[str, tuple[str, str]] = {}
    for dep in deps:
        entry = history.of(app, dep)
        if entry is None or not dep.docname or dep.number is None:
            continue
        folder = posixpath.dirname(dep.docname)
        target = app.builder.get_target_uri(dep.docname)
        for former in entry.former_paths:
            name = former.rsplit("/", 1)[-1]
            if "/" in former or split_proposal_name(name) is None or not name.isprintable():
                continue  # another folder, or a name no proposal has: nothing to lead from
            old = posixpath.join(folder, name.rsplit(".", 1)[0]) if folder else name.rsplit(".", 1)[0]
            if old in current or old == dep.docname:
                continue
            label = f"{dep_need_id(dep, settings)}: {dep.title}"
            old_uri = app.builder.get_target_uri(old)
            url = f"{quote(relative_uri(old_uri, target))}#{quote(dep_need_id(dep, settings))}"
            found.setdefault(old_uri, (url, label))
    return found


def write(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: one leading page per former name of a proposal (HTML builds)."""
    if exception is not None or app.builder.format != "html":
        return
    for old_uri, (url, title) in former_pages(app).items():
        path = Path(app.outdir, old_uri + ("index.html" if old_uri.endswith("/") or not old_uri else ""))
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_PAGE.format(url=html.escape(url), title=html.escape(title)), encoding="utf-8")


def register(app: Sphinx) -> None:
    app.connect("build-finished", write)
