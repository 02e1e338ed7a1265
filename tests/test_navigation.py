"""The site navigation lists a proposal only on its own page (``dep_navigation``), with furo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import build_in_process

pytest.importorskip("furo")

CONF = (
    'project = "nav"\nextensions = ["sphinxcontrib_dep"]\nhtml_theme = "furo"\ndep_early_numbering = True\n'
)
INDEX = "# Site\n\n```{toctree}\n\nguide\nproposals\n```\n"
LISTING = "# Proposals\n\n```{toctree}\n:glob:\n:hidden:\n\ndeps/*\n```\n"


def proposal(title: str) -> str:
    return f"# {title}\n\n```{{dep-meta}}\n:status: Draft\n:authors: @a\n:category: Process\n```\n\n## Summary\n\nText.\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    files = {
        "conf.py": CONF,
        "index.md": INDEX,
        "guide.md": "# Guide\n\nWords.\n",
        "proposals.md": LISTING,
        "deps/0001-first.md": proposal("First Proposal"),
        "deps/0002-second.md": proposal("Second Proposal"),
        "deps/0003-third.md": proposal("Third Proposal"),
    }
    for name, text in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text)
    return src


def sidebar(page: Path) -> str:
    match = re.search(r'<div class="sidebar-tree">(.*?)</div>', page.read_text(), re.S)
    assert match, f"no furo navigation in {page}"
    return match.group(1)


def links(html: str) -> list[str]:
    return re.findall(r'<a class="[^"]*reference internal[^"]*" href="([^"]*)">([^<]*)</a>', html)


def test_navigation_lists_only_the_current_proposal(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build = build_in_process(site, out)
    out = build.outdir
    assert build.warnings == []

    # Pages that are not proposals: the listing page, without its children and no empty toggle.
    index_nav = sidebar(out / "index.html")
    assert links(index_nav) == [("guide.html", "Guide"), ("proposals.html", "Proposals")]
    assert "has-children" not in index_nav and "toctree-checkbox" not in index_nav

    # A proposal: itself, current, under the listing page; no sibling.
    own = sidebar(out / "deps" / "0002-second.html")
    assert links(own) == [
        ("../guide.html", "Guide"),
        ("../proposals.html", "Proposals"),
        ("#", "Second Proposal"),
    ]
    assert re.search(
        r'<li class="toctree-l2 current current-page"><a class="current reference internal" href="#">', own
    )

    # Everything else Sphinx derives from the toctree is untouched: previous / next links.
    page = (out / "deps" / "0002-second.html").read_text()
    assert 'href="0001-first.html"' in page and 'href="0003-third.html"' in page


def test_navigation_all_keeps_every_proposal(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build = build_in_process(site, out, confoverrides={"dep_navigation": "all"})
    out = build.outdir
    assert build.warnings == []
    titles = [title for _, title in links(sidebar(out / "index.html"))]
    assert titles == ["Guide", "Proposals", "First Proposal", "Second Proposal", "Third Proposal"]


def test_navigation_setting_is_checked(site: Path, tmp_path: Path) -> None:
    from sphinx.errors import ConfigError

    with pytest.raises(ConfigError, match="dep_navigation must be one of current, all, not 'some'"):
        build_in_process(site, tmp_path / "out", confoverrides={"dep_navigation": "some"})
