"""Feeds: Atom and RSS of new proposals and of status changes, read back by feedparser.

The scripted repository of :mod:`gitrepo` implies every entry: its title, absolute link,
date and author. feedparser must read each feed without complaint (``bozo`` false) and
find exactly those entries; ids stay the same when a draft is renamed to its number.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from gitrepo import HISTORY_CONF, ScriptedRepo, history_project, proposal
from helpers import build_in_process

from sphinxcontrib_dep.core import feeds

BASE = "https://example.org/proposals/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScriptedRepo, Path]:
    repo, _ = history_project(tmp_path_factory.mktemp("feeds") / "repo")
    build = build_in_process(repo.root, tmp_path_factory.mktemp("feeds-out"))
    assert build.warnings == []
    return repo, build.outdir


def parsed(outdir: Path, name: str) -> feedparser.FeedParserDict:
    result = feedparser.parse((outdir / "feeds" / name).read_bytes())
    assert not result.bozo, result.get("bozo_exception")
    return result


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_status_feed_round_trip(site) -> None:
    repo, outdir = site
    feed = parsed(outdir, "status-changes.atom")
    assert feed.version == "atom10"
    assert feed.feed.title == "history: Status changes"
    assert feed.feed.id == BASE + "feeds/status-changes.atom"
    assert {(link.rel, link.href) for link in feed.feed.links} == {
        ("alternate", BASE + "index.html"),
        ("self", BASE + "feeds/status-changes.atom"),
    }
    assert _when(feed.feed.updated) == datetime(2025, 6, 1, 18, 0, tzinfo=UTC)
    got = [(e.title, e.link, _when(e.updated), e.author) for e in feed.entries]
    page1, page2 = BASE + "deps/0001-streaming-errors.html", BASE + "deps/0002-request-migration.html"
    assert got == [
        (
            "DEP-0002 Rejected: Request Migration",
            page2,
            datetime(2025, 6, 1, 18, 0, tzinfo=UTC),
            "Dave Decider",
        ),
        (
            "DEP-0002 Under Review: Request Migration",
            page2,
            datetime(2025, 5, 20, 14, 0, tzinfo=UTC),
            "Bob Reviewer",
        ),
        (
            "DEP-0001 Superseded: Streaming Errors",
            page1,
            datetime(2025, 5, 1, 12, 0, tzinfo=UTC),
            "Erin Editor",
        ),
        (
            "DEP-0002 In Progress: Request Migration",
            page2,
            datetime(2025, 4, 1, 9, 15, tzinfo=UTC),
            "Carol Sponsor",
        ),
        (
            "DEP-0001 Approved: Streaming Errors",
            page1,
            datetime(2025, 3, 5, 16, 45, tzinfo=UTC),
            "Dave Decider",
        ),
        (
            "DEP-0001 Under Review: Streaming Errors",
            page1,
            datetime(2025, 2, 3, 10, 30, tzinfo=UTC),
            "Bob Reviewer",
        ),
    ]
    first = feed.entries[0]
    assert first.id == f"tag:example.org,2025-06-01:status/{repo.ids[9]}/0000-request-migration.md"
    assert first.summary == (
        f"Request Migration moved from Under Review to Rejected on 2025-06-01 (commit {repo.ids[9][:10]} by Dave Decider)."
    )


def test_new_proposals_feed_round_trip(site) -> None:
    repo, outdir = site
    feed = parsed(outdir, "new-proposals.atom")
    got = [(e.title, e.link, _when(e.published), [a.name for a in e.authors]) for e in feed.entries]
    assert got == [
        (
            "DEP-0003: Error Codes",
            BASE + "deps/0003-error-codes.html",
            datetime(2025, 5, 1, 12, 0, tzinfo=UTC),
            ["Ada Author", "@bob"],
        ),
        (
            "DEP-0002: Request Migration",
            BASE + "deps/0002-request-migration.html",
            datetime(2025, 2, 20, 8, 0, tzinfo=UTC),
            ["Ada Author", "@bob"],
        ),
        (
            "DEP-0001: Streaming Errors",
            BASE + "deps/0001-streaming-errors.html",
            datetime(2025, 1, 10, 9, 0, tzinfo=UTC),
            ["Ada Author", "@bob"],
        ),
    ]
    # The draft's id is made of its first name: numbering it changed no id.
    assert feed.entries[1].id == f"tag:example.org,2025-02-20:created/{repo.ids[2]}/0000-request-migration.md"
    assert (
        feed.entries[1].summary == "Request Migration: proposed as Not Started on 2025-02-20; Rejected now."
    )
    assert [t.term for t in feed.entries[0].tags] == ["Architecture"]


def test_rss_feeds_round_trip(site) -> None:
    _, outdir = site
    for name, count in (("status-changes.rss", 6), ("new-proposals.rss", 3)):
        feed = parsed(outdir, name)
        assert feed.version == "rss20"
        assert len(feed.entries) == count
        assert all(e.link.startswith(BASE) for e in feed.entries)
        atom = parsed(outdir, name.replace(".rss", ".atom"))
        assert [e.id for e in feed.entries] == [e.id for e in atom.entries]
        assert [e.title for e in feed.entries] == [e.title for e in atom.entries]


def test_pages_announce_the_feeds(site) -> None:
    _, outdir = site
    head = (outdir / "deps" / "0001-streaming-errors.html").read_text(encoding="utf-8").split("</head>")[0]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="history: New proposals" '
        'href="../feeds/new-proposals.atom" />'
    ) in head
    assert 'href="../feeds/status-changes.atom"' in head


def test_hostile_text_is_text_in_the_feed(tmp_path: Path) -> None:
    """A title with markup, an author with a control character: escaped, never markup."""
    repo = ScriptedRepo(tmp_path / "repo")
    title = "<script>alert(1)</script> & <b>bold</b>"
    repo.commit(
        "2025-01-01T00:00:00",
        "Mallory \x07<img src=x>",
        {
            "conf.py": HISTORY_CONF,
            "index.md": "# P\n\n```{toctree}\n:glob:\n\ndeps/*\n```\n",
            "deps/0001-x.md": proposal(title, "In Progress", ":number: 1"),
        },
    )
    repo.commit(
        "2025-01-02T00:00:00",
        "Mallory \x07<img src=x>",
        {"deps/0001-x.md": proposal(title, "Under Review", ":number: 1")},
    )
    build = build_in_process(repo.root, tmp_path / "out")
    atom = (build.outdir / "feeds" / "status-changes.atom").read_text(encoding="utf-8")
    assert "<script>" not in atom and "<img" not in atom and "\x07" not in atom
    feed = parsed(build.outdir, "status-changes.atom")
    assert feed.entries[0].title == f"DEP-0001 Under Review: {title}"
    assert feed.entries[0].title_detail.type == "text/plain"
    # git keeps no angle brackets in a name; the bell is not XML and is dropped.
    assert feed.entries[0].author == "Mallory img src=x"


def test_no_address_no_feeds_one_note(tmp_path: Path) -> None:
    repo = ScriptedRepo(tmp_path / "repo")
    repo.commit(
        "2025-01-01T00:00:00",
        "Ada",
        {
            "conf.py": 'project = "p"\nextensions = ["sphinxcontrib_dep"]\ndep_early_numbering = True\n',
            "index.md": "# P\n\n```{toctree}\n:glob:\n\ndeps/*\n```\n",
            "deps/0001-x.md": proposal("X", "In Progress", ":number: 1"),
        },
    )
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", str(repo.root), str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stdout.splitlines() if line.startswith("dep: ")]
    assert notes == [
        "dep: no feeds: set dep_base_url (or html_baseurl) to the address the site is published at"
    ]
    assert not (tmp_path / "out" / "feeds").exists()
    # html_baseurl is enough.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-E",
            "-D",
            "html_baseurl=https://docs.example.com/x/",
            str(repo.root),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    feed = parsed(tmp_path / "out", "new-proposals.atom")
    assert feed.entries[0].link == "https://docs.example.com/x/deps/0001-x.html"


def test_feed_check_sees_a_broken_feed(site) -> None:
    """The round trip can fail: feedparser flags a feed cut short."""
    _, outdir = site
    data = (outdir / "feeds" / "status-changes.atom").read_bytes()
    assert feedparser.parse(data[: len(data) // 2]).bozo


def test_tag_uri_and_absolute_links() -> None:
    when = datetime(2025, 2, 3, tzinfo=UTC)
    assert feeds.tag_uri("https://ex.org:8080/a/", when, "created/abc/0001 x.md") == (
        "tag:ex.org,2025-02-03:created/abc/0001%20x.md"
    )
    assert feeds.absolute("https://ex.org/a/", "deps/é x.html") == "https://ex.org/a/deps/%C3%A9%20x.html"
    assert feeds.xml_text("a\x00b\x1fc\ufffed") == "abcd"
