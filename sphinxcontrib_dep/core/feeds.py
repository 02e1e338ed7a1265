"""Atom and RSS feeds of new proposals and of status changes, written by feedgen.

The entries come from the history git gives (:mod:`.history`): a new proposal is dated by
the commit that added its file, a status change by the commit that made it. Every link is
absolute, under the site's address (``dep_base_url``). Each entry's id is a ``tag:`` URI
built from the commit and the file's first name, so it stays the same when the file is
renamed (a draft numbered) and readers show no entry twice. Text from proposals and
commits goes to feedgen as text (it escapes it); characters XML cannot hold are dropped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote, urlsplit

from feedgen.feed import FeedGenerator

from .config import DepConfig
from .history import FileHistory
from .model import Dep
from .report import clip, dep_id

#: Entries per feed: the newest; the site's timeline has all of them.
FEED_ENTRIES = 50

#: The feeds, by name: their file (without suffix), their title and what they hold.
FEEDS: dict[str, tuple[str, str]] = {
    "new-proposals": ("New proposals", "Proposals as they are added, newest first."),
    "status-changes": (
        "Status changes",
        "Every move of a proposal from one status to another, newest first.",
    ),
}

#: Where the feeds go in the output folder: ``feeds/<name>.atom`` and ``feeds/<name>.rss``.
FEED_FOLDER = "feeds"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (lxml refuses them)."""
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class Item:
    """One feed entry, every value plain text or an absolute URL."""

    id: str
    title: str
    url: str
    date: datetime
    summary: str
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = field(default_factory=tuple)


def tag_uri(base_url: str, when: datetime, specific: str) -> str:
    """A ``tag:`` URI (RFC 4151): the site's host, a date, and what it names."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},{when.date().isoformat()}:{quote(specific, safe='/-._~')}"


def _label(dep: Dep, config: DepConfig) -> str:
    return dep_id(dep, config) or "Draft"


def _known(
    deps: Iterable[Dep], histories: Mapping[str, FileHistory]
) -> Iterator[tuple[Dep, FileHistory, str]]:
    """Each proposal git knows, with its history and the name its file was first added under."""
    for dep in deps:
        entry = histories.get(dep.path)
        if entry is not None:
            yield dep, entry, entry.former_paths[0] if entry.former_paths else entry.path


def new_proposal_items(
    deps: Iterable[Dep],
    histories: Mapping[str, FileHistory],
    url_of: Callable[[Dep], str],
    config: DepConfig,
    base_url: str,
) -> list[Item]:
    """One entry per proposal git knows, by the day its file was added, newest first."""
    base = base_url
    items = []
    for dep, entry, first_name in _known(deps, histories):
        status = config.label(entry.created_status) or "no status"
        summary = f"{dep.title}: proposed as {status} on {entry.created.date.date().isoformat()}"
        if dep.status is not None and dep.status.value != entry.created_status:
            summary += f"; {config.status_text(dep.status)} now"
        items.append(
            Item(
                id=tag_uri(base, entry.created.date, f"created/{entry.created.id}/{first_name}"),
                title=f"{_label(dep, config)}: {dep.title}",
                url=url_of(dep),
                date=entry.created.date,
                summary=summary + ".",
                authors=tuple(p.display for p in dep.authors if p.display) or (entry.created.author,),
                categories=(dep.category,) if dep.category else (),
            )
        )
    return _newest(items)


def status_change_items(
    deps: Iterable[Dep],
    histories: Mapping[str, FileHistory],
    url_of: Callable[[Dep], str],
    config: DepConfig,
    base_url: str,
) -> list[Item]:
    """One entry per status change of every proposal git knows, newest first."""
    base = base_url
    items = []
    for dep, entry, first_name in _known(deps, histories):
        for change in entry.changes:
            # The team's names (dep_status_labels) in the text; the category keeps the status's own.
            old = config.label(change.old) or "no status"
            new = config.label(change.new) or "no status"
            items.append(
                Item(
                    id=tag_uri(base, change.commit.date, f"status/{change.commit.id}/{first_name}"),
                    title=f"{_label(dep, config)} {new}: {dep.title}",
                    url=url_of(dep),
                    date=change.commit.date,
                    summary=(
                        f"{dep.title} moved from {old} to {new} on {change.commit.date.date().isoformat()} "
                        f"(commit {change.commit.short} by {change.commit.author})."
                    ),
                    authors=(change.commit.author,),
                    categories=(change.new or "no status",),
                )
            )
    return _newest(items)


def _newest(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda item: (-item.date.timestamp(), item.id))[:FEED_ENTRIES]


def render(
    items: list[Item],
    *,
    name: str,
    project: str,
    feed_url: str,
    site_url: str,
    updated: datetime,
    rss: bool = False,
) -> bytes:
    """The feed as Atom (or RSS 2.0) bytes. ``updated`` dates an empty feed (the build's day)."""
    title, description = FEEDS[name]
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(xml_text(f"{project}: {title}"))
    feed.subtitle(xml_text(description))  # RSS's <description>
    feed.author({"name": xml_text(project) or "proposals"})
    feed.link(href=site_url, rel="alternate")
    feed.link(href=feed_url, rel="self")
    feed.language("en")
    newest = max((item.date for item in items), default=updated)
    feed.updated(newest)
    feed.lastBuildDate(newest)  # reproducible: the newest entry, not the time of the build
    for item in items:
        entry = feed.add_entry(order="append")
        entry.id(item.id)
        entry.title(xml_text(clip(item.title, 300)))
        entry.link(href=item.url, rel="alternate")
        entry.published(item.date)
        entry.updated(item.date)
        summary = xml_text(clip(item.summary, 1000))
        # RSS has no text type: readers take <description> as HTML once its XML is read, so
        # a title holding "<img src=x onerror=...>" became an element there. Escaped once
        # more, it reaches the reader as the text it is (Atom's summary is type="text").
        entry.summary(html.escape(summary, quote=False) if rss else summary)
        for author in item.authors:
            entry.author({"name": xml_text(author) or "unknown"})
        for category in item.categories:
            entry.category(term=xml_text(category))
    result: bytes = feed.rss_str(pretty=True) if rss else feed.atom_str(pretty=True)
    return result


def absolute(base_url: str, path: str) -> str:
    """``path`` (as the builder names a page) under the site's address, percent-encoded."""
    return base_url.rstrip("/") + "/" + quote(path.lstrip("/"), safe="/#%~-._")
