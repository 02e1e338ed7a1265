"""Each proposal's history in the build: read from git once, after reading; shown on its card.

``env-updated`` runs :func:`~sphinxcontrib_dep.core.history.read_history` (one ``git log``
for the whole build) and keeps the result in the dep domain; the proposal pages whose
history changed since the last build are handed to Sphinx to rewrite (a commit changes the
history without changing any file). Where the history is incomplete (no git, not a work
tree, a shallow clone) the build says so once, as a note, not a warning: a build in CI
from a shallow checkout is not wrong, only less informed.

On the card (``doctree-resolved``): ``Created``, ``Last changed`` and ``Status history``
fields (``dep-field-created``, ``dep-field-last-changed``, ``dep-field-status-history``).
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..core import history as core_history
from ..core.config import DepConfig
from ..core.history import FileHistory, History
from ..core.model import Dep
from . import config as sphinx_config
from .domain import get_domain
from .reading import proposals_folder

logger = logging.getLogger("sphinxcontrib_dep")

#: Where the domain keeps the history of this build, what the pages showed, and the
#: status read from each blob (so a version is read once, whatever the number of builds).
_HISTORY, _SHOWN, _CACHE = "history", "history_shown", "history_status_cache"


def read(app: Sphinx, env: BuildEnvironment) -> History:
    """The history of the proposals folder (one ``git log``), or why there is none."""
    settings = sphinx_config.get(app.config)
    if not settings.history:
        return History(note="dep_history is off")
    folder = proposals_folder(Path(app.srcdir), settings.deps_dir)
    if folder is None:
        return History(note=f"no history: there is no proposals folder ({settings.deps_dir}/)")
    domain = get_domain(env)
    cache = domain.data.setdefault(_CACHE, {})
    reader = core_history.status_reader(settings, getattr(env, "myst_config", None))
    return core_history.read_history(folder, reader, cache)


def relative_path(app: Sphinx, dep: Dep) -> str | None:
    """``dep.path`` relative to the proposals folder, as the history names files."""
    settings = sphinx_config.get(app.config)
    folder = proposals_folder(Path(app.srcdir), settings.deps_dir)
    if folder is None:
        return None
    try:
        return Path(app.srcdir, dep.path).relative_to(folder).as_posix()
    except ValueError:
        return None


def get(env: BuildEnvironment) -> History | None:
    """This build's history (``None`` before ``env-updated``)."""
    found = get_domain(env).data.get(_HISTORY)
    return found if isinstance(found, History) else None


def of(app: Sphinx, dep: Dep) -> FileHistory | None:
    """One proposal's history, if git knows its file."""
    found = get(app.env)
    rel = relative_path(app, dep)
    return found.get(rel) if found is not None and rel is not None else None


def by_path(app: Sphinx, deps: list[Dep]) -> dict[str, FileHistory]:
    """``dep.path -> history`` for the proposals git knows."""
    found: dict[str, FileHistory] = {}
    for dep in deps:
        entry = of(app, dep)
        if entry is not None:
            found[dep.path] = entry
    return found


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Read the history once per build; the pages whose history changed, to rewrite."""
    domain = get_domain(env)
    found = read(app, env)
    # Only the proposals of this build are kept: in a public build, no embargoed file's
    # name or history reaches the pickled environment.
    kept = {rel for dep in domain.deps.values() if (rel := relative_path(app, dep)) is not None}
    found.files = {rel: entry for rel, entry in found.files.items() if rel in kept}
    if sphinx_config.get(app.config).public_build:
        # A file's former names may be those of an embargoed draft (0000-acquire-initech.md,
        # renamed and cleared when published): a public build keeps only present names, so
        # no slug of an embargoed version reaches deps.json, the feeds' ids or the pickle.
        for entry in found.files.values():
            entry.former_paths = []
    domain.data[_HISTORY] = found
    if found.note and sphinx_config.get(app.config).history:
        logger.info(f"dep: {found.note}")
    shown = {
        docname: repr(core_history.history_record(found.get(rel) if rel else None))
        for docname, dep in domain.deps.items()
        for rel in [relative_path(app, dep)]
    }
    before = domain.data.get(_SHOWN, {})
    domain.data[_SHOWN] = shown
    changed = {name for name in set(before) | set(shown) if before.get(name) != shown.get(name)}
    if not changed:
        return []
    # The views show the history too (timeline, review report, feeds' pages).
    return sorted((changed | set(domain.pages)) & set(env.all_docs))


# --------------------------------------------------------------------------------------
# On the card
# --------------------------------------------------------------------------------------


def day(entry: core_history.Commit) -> str:
    return entry.date.date().isoformat()


def _field(name: str, key: str, body: nodes.Element) -> nodes.field:
    field = nodes.field(classes=[f"dep-field-{key}", "dep-field-history"])
    field += nodes.field_name(name, name)
    field_body = nodes.field_body()
    field_body += body
    field += field_body
    return field


def _paragraph(text: str) -> nodes.paragraph:
    return nodes.paragraph(text, text)


def status_move(old: str | None, new: str | None, settings: DepConfig | None = None) -> str:
    """A status change in words, each status under the project's label (``dep_status_labels``)."""
    if settings is not None:
        old, new = settings.label(old), settings.label(new)
    if old is None:
        return f"status set to {new}" if new else "no status"
    return f"{old} \u2192 {new or 'no status'}"


def fields(entry: FileHistory, settings: DepConfig | None = None) -> list[nodes.field]:
    """Created, last changed and the status changes, as fields of the card."""
    status = settings.label(entry.created_status) if settings is not None else entry.created_status
    created = f"{day(entry.created)} ({status or 'no status'}), by {entry.created.author}"
    found = [
        _field("Created", "created", _paragraph(created)),
        _field(
            "Last changed",
            "last-changed",
            _paragraph(f"{day(entry.last_changed)}, by {entry.last_changed.author}"),
        ),
    ]
    if entry.changes:
        moves = nodes.bullet_list(classes=["dep-status-history"])
        for change in entry.changes:
            item = nodes.list_item()
            paragraph = nodes.paragraph()
            paragraph += nodes.Text(
                f"{day(change.commit)}: {status_move(change.old, change.new, settings)} ("
            )
            paragraph += nodes.literal(change.commit.short, change.commit.short, classes=["dep-commit"])
            paragraph += nodes.Text(f", {change.commit.author})")
            item += paragraph
            moves += item
        found.append(_field("Status history", "status-history", moves))
    return found


def complete_card(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the proposal's history on its card, after its other fields."""
    dep = get_domain(app.env).deps.get(docname)
    if dep is None:
        return
    entry = of(app, dep)
    if entry is None:
        return
    for card in doctree.findall(nodes.container):
        if "dep-card" not in card["classes"]:
            continue
        field_list = next((n for n in card.findall(nodes.field_list) if "dep-fields" in n["classes"]), None)
        if field_list is not None:
            field_list += fields(entry, sphinx_config.get(app.config))
        return
