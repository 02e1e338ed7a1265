"""A proposal written for GitHub renders as GitHub renders it (issue 13).

The rows of ``tests/fixtures/bad/cases.toml`` hold the warnings (none for what GitHub
renders, one ``dep.link`` per dead link); these tests look at what the pages show.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import build_in_process, write_project

from sphinxcontrib_dep.core import reader

META = "```{dep-meta}\n:status: In Progress\n:authors: @alice\n:category: Process\n```\n"

LEGACY = f"""# Error Propagation

{META}
# Summary

Text with ~~old~~ words and a note.[^1]

[^1]: The note.

> [!WARNING]
> Mind the gap.

- [x] written
- [ ] reviewed

# Proposal

See [part 1](#part-1-add-a-new-method-for-errors), [in capitals](#Part-1-Add-a-New-Method-for-Errors)
and [the other one](/enhancements/deps/0002-other.md).

### Part 1: Add a New Method for Errors

```mermaid
graph LR
  A --> B
```

<details>
<summary>More</summary>

Hidden.

</details>

---
"""

OTHER = f"# Other\n\n{META}"


def test_outline_levels() -> None:
    # The first heading is the title whatever its level; the rest nest under it, jumps closed.
    assert reader.outline_levels([1, 1, 1, 3, 3, 1, 2]) == [1, 2, 2, 3, 3, 2, 3]
    assert reader.outline_levels([2, 1, 2, 4]) == [1, 2, 3, 4]
    assert reader.outline_levels([1, 2, 2]) == [1, 2, 2]
    assert reader.outline_levels([]) == []


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = write_project(
        tmp_path_factory.mktemp("gfm") / "src",
        {"deps/0001-error-propagation.md": LEGACY, "deps/0002-other.md": OTHER},
    )
    build = build_in_process(src, src.parent / "out")
    assert build.warnings == []
    return build.outdir


def page(site: Path) -> str:
    return (site / "deps" / "0001-error-propagation.html").read_text()


def test_sections_nest_under_the_title(site: Path) -> None:
    # The navigation of the home page lists the proposal once, by its title, and its
    # sections below it: not "Summary" and "Proposal" beside it.
    home = (site / "index.html").read_text()
    entries = re.findall(r'<li class="toctree-l1"><a [^>]*>([^<]*)</a>', home)
    assert entries == ["Error Propagation", "Other"]
    html = page(site)
    assert re.search(r"<h2>Summary<a", html) and re.search(r"<h3>Part 1: Add a New Method for Errors<a", html)


def test_github_anchor_links_lead_to_their_heading(site: Path) -> None:
    html = page(site)
    # The heading carries GitHub's anchor; both links (one in other capitals) lead to it.
    assert 'id="part-1-add-a-new-method-for-errors"' in html
    links = re.findall(r'<a class="reference internal" href="([^"]*)">(part 1|in capitals)</a>', html)
    assert links == [("#part-1-add-a-new-method-for-errors", "part 1")] * 1 + [
        ("#part-1-add-a-new-method-for-errors", "in capitals")
    ]
    # A repository-absolute link to another proposal's file leads to its page.
    assert 'href="0002-other.html"' in html


def test_github_additions_render_without_raw_html(site: Path) -> None:
    html = page(site)
    assert '<span class="dep-strikethrough">old</span>' in html
    assert html.count('class="task-list-item-checkbox" type="checkbox" disabled="disabled"') == 2
    assert 'checked="checked"' in html
    assert 'class="admonition warning"' in html and "Mind the gap." in html
    assert 'class="footnote' in html
    assert "<details>" in html and "<summary>More</summary>" in html
    # The diagram is drawn in the browser from its text, by the script the site serves.
    assert re.search(r'<pre\s+class="mermaid">\s*graph LR', html)
    assert '<script src="../_static/mermaid/mermaid.min.js' in html
    assert 'import mermaid from "../_static/mermaid/mermaid.mjs"' in html
    assert "cdn.jsdelivr" not in html
    assert (site / "_static" / "mermaid" / "mermaid.min.js").stat().st_size > 1_000_000


def test_a_page_without_diagrams_loads_no_mermaid(site: Path) -> None:
    assert "mermaid" not in (site / "deps" / "0002-other.html").read_text()


def test_a_weaker_mermaid_security_level_stops_the_build(tmp_path: Path) -> None:
    """A diagram is a proposal's text: only mermaid's strict (or sandbox) level keeps it text."""
    from helpers import CONF, sphinx_build

    src = write_project(
        tmp_path / "src",
        {"deps/0001-x.md": f"# X\n\n{META}"},
        conf=CONF + 'mermaid_init_config = {"startOnLoad": False, "securityLevel": "loose"}\n',
    )
    build = sphinx_build(src, tmp_path / "out")
    assert build.returncode == 2
    assert (
        "securityLevel 'loose', which lets a proposal's diagram put HTML and script in the page"
        in build.output
    )
    # A project that trusts every author may.
    (src / "conf.py").write_text((src / "conf.py").read_text() + 'dep_raw_html = "all"\n')
    assert sphinx_build(src, tmp_path / "out2").returncode == 0
