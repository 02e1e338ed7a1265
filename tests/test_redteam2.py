"""Red team 2: attacks on adoption, migration, feeds and links that only a command can show.

Each test is one finding of the second red-team review (docs/security.md, "Red team 2"),
written so that it fails on the code before the fix. Proposal-level findings are rows
``redteam2-*`` of the case table; browser-only findings are in ``test_browser_redteam2.py``.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from gitrepo import HISTORY_CONF, ScriptedRepo, proposal
from helpers import CASES, build_in_process, make_case

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.cli.commands.init import plain_folder
from sphinxcontrib_dep.core import feeds, parsing, reader
from sphinxcontrib_dep.migrate import migrate_text

#: A folder name that, written into index.md's toctree by dep init, would close the fence
#: and open a sphinx-needs table whose Python filter runs in CI (index.md is trusted).
INJECTED = (
    "props\n```\n\n```{needtable}\n:filter: __import__('os').system('touch PWNED') or True\n```\n\n"
    "```{toctree}\n:glob:\n\nprops"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------------------------
# dep init in a hostile repository
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [INJECTED, "--help", "a*b", "x`y", "p[0]", "a b", "é\u202e"])
def test_init_does_not_adopt_a_folder_whose_name_is_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """The one folder of proposal-named files is taken as the proposals folder and its name
    written into conf.py, index.md's toctree and the pre-commit pattern: a name holding a
    line break, a backtick, a glob character or a leading '-' is not taken."""
    root = tmp_path / "repo"
    (root / name).mkdir(parents=True)
    for number in (1, 2):
        (root / name / f"000{number}-a.md").write_text("# A\n")
    (root / "README.md").write_text("# Proposals\n")
    code, out, err = run(capsys, "init", str(root))
    assert code == 0, err
    written = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert "deps/README.md" in written
    for path in ("index.md", "conf.py", ".pre-commit-config.yaml"):
        text = (root / path).read_text()
        assert "needtable" not in text and name not in text
    assert "deps/*" in (root / "index.md").read_text()
    assert "not taken as the proposals folder" in err
    assert "\u202e" not in out + err and "\n```" not in out + err


def test_init_refuses_a_configured_folder_that_is_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.dep]\ndeps-dir = "x\\n```{raw} html\\n<img src=x onerror=alert(1)>"\n'
    )
    code, _out, err = run(capsys, "init", str(root))
    assert code == 1
    assert "is not a plain relative path" in err
    assert sorted(p.name for p in root.iterdir()) == ["pyproject.toml"]


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        ("deps", True),
        ("docs/proposals", True),
        ("enhancements_2.x", True),
        ("-x", False),
        ("a/../b", False),
        ("/abs", False),
        ("a\nb", False),
        ("a{b}", False),
        ("", False),
    ],
)
def test_plain_folder(name: str, plain: bool) -> None:
    assert plain_folder(name) is plain


# --------------------------------------------------------------------------------------
# What the build draws is what the core judged
# --------------------------------------------------------------------------------------


def test_a_refused_image_url_is_not_drawn(tmp_path: Path) -> None:
    """``![x](data:...)``, ``{image}`` and ``{figure}`` with a data: URL were reported as
    shown as text and drawn all the same; a remote https image is still drawn."""
    src = make_case("redteam2-image-data-url", tmp_path / "src")
    build = build_in_process(src, tmp_path / "out")
    assert build.warnings == CASES["redteam2-image-data-url"]
    page = (build.outdir / "deps" / "0001-x.html").read_text()
    assert 'src="data:' not in page
    assert 'src="https://example.com/x.png"' in page
    assert page.count('class="dep-refused"') == 3


# --------------------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------------------


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


@pytest.mark.parametrize("rss", [False, True])
def test_feed_summary_is_text_for_a_feed_reader(rss: bool) -> None:
    """RSS readers take <description> as HTML: a title holding markup must reach them as
    text (the Atom feed says type="text"; the RSS one is escaped once more)."""
    import feedparser

    title = "Feed ]]></title><script>alert(1)</script> <img src=x onerror=alert(2)> & <b>b</b>"
    when = datetime(2025, 1, 1, tzinfo=UTC)
    item = feeds.Item("tag:x,2025-01-01:a", title, "https://example.org/a.html", when, f"{title}: proposed.")
    data = feeds.render(
        [item],
        name="new-proposals",
        project="p",
        feed_url="https://example.org/feeds/new-proposals.atom",
        site_url="https://example.org/",
        updated=when,
        rss=rss,
    )
    result = feedparser.parse(data)
    assert not result.bozo
    summary = result.entries[0].summary_detail
    if summary.type == "text/html":
        reader = _Elements()
        reader.feed(summary.value)
        assert reader.tags == []
        shown = html.unescape(reader.text)
    else:
        shown = summary.value
    assert shown == f"{title}: proposed."


# --------------------------------------------------------------------------------------
# Migration keeps an embargo
# --------------------------------------------------------------------------------------

LEGACY_EMBARGOES = {
    "folded-into-status": "# Legacy\n\nStatus: Draft\nEmbargo: true\n\n# Summary\n\nBody.\n",
    "bold": "# Legacy\n\n**Status**: Draft\n**Embargoed**: yes\n\n# Summary\n\nBody.\n",
    "bold-colon-inside": "# Legacy\n\n**Status:** Draft\n**Embargo:** yes\n\n# Summary\n\nBody.\n",
    "html-bold": "# Legacy\n\n<b>Status</b>: Draft\n<b>Embargoed</b>: yes\n\n# Summary\n\nBody.\n",
    "list": "# Legacy\n\n- Status: Draft\n- Embargoed: yes\n\n# Summary\n\nBody.\n",
    "table": "# Legacy\n\n| Field | Value |\n|---|---|\n| Status | Draft |\n| Embargoed | yes |\n\n# Summary\n\nBody.\n",
}


@pytest.mark.parametrize("name", sorted(LEGACY_EMBARGOES))
def test_migration_never_makes_an_embargoed_proposal_public(name: str) -> None:
    """A legacy header's 'Embargo: true' folded into the status line by the migrator (or
    kept as a legacy value) left a file a public build published: before migration the
    build kept it out, after it the embargo was gone."""
    text = LEGACY_EMBARGOES[name]
    path = "deps/0001-legacy.md"
    assert parsing.embargo_reason(reader.read(text, path)) is not None
    result = migrate_text(text, path)
    if result.outcome == "migrated":
        assert parsing.embargo_reason(reader.read(result.new_text, path)) is not None, result.new_text


def test_migration_writes_the_embargo_it_would_have_lost() -> None:
    result = migrate_text(LEGACY_EMBARGOES["folded-into-status"], "deps/0001-legacy.md")
    assert ":embargoed: yes\n" in result.new_text
    assert [d.message for d in result.decisions if d.field == "embargoed"] == [
        "the legacy header names an embargo the migrated header would have lost; written as "
        ":embargoed: yes, so a public build still leaves the file out (check it)"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Such a proposal is marked `:embargoed:`; a public build leaves it out.",
        "- `:embargoed:` is a flag in `dep-meta`.",
        "The embargo: it ends on Monday.",
        "Embargoed proposals are left out.",
        "**Embargoed**: no",
    ],
)
def test_prose_about_the_embargo_is_not_an_embargo(line: str) -> None:
    text = f"# Prose\n\n```{{dep-meta}}\n:status: In Progress\n```\n\n{line}\n"
    assert parsing.embargo_reason(reader.read(text, "deps/0001-x.md")) is None


def test_links_named_as_github_names_them_lead_to_the_page(tmp_path: Path) -> None:
    """A page linked with a query or a %-escape leads to it; refused files are text."""
    src = make_case("redteam2-links-lint-sees", tmp_path / "src")
    build = build_in_process(src, tmp_path / "out")
    assert build.warnings == CASES["redteam2-links-lint-sees"]
    page = (build.outdir / "deps" / "0001-x.html").read_text()
    for text in ("q", "r"):
        assert re.search(rf'<a [^>]*href="0002-y.html"[^>]*><span[^>]*>{text}</span></a>', page), text
    assert "_downloads" not in page
    assert not (build.outdir / "_downloads").exists()


# --------------------------------------------------------------------------------------
# History in a public build
# --------------------------------------------------------------------------------------


def test_a_public_build_holds_no_former_name_of_an_embargoed_draft(tmp_path: Path) -> None:
    """An embargoed draft, renamed and cleared when it is published: its old slug reached
    deps.json's former_paths and the feeds' entry ids of the public site."""
    repo = ScriptedRepo(tmp_path / "repo")
    # Numbered while In Progress: this team numbers its drafts (dep_early_numbering).
    conf = HISTORY_CONF + "dep_public_build = True\ndep_early_numbering = True\n"
    index = "# P\n\n```{toctree}\n:glob:\n\ndeps/*\n```\n"
    repo.commit(
        "2025-01-10T09:00:00",
        "Ada",
        {
            "conf.py": conf,
            "index.md": index,
            "deps/0000-acquire-initech.md": proposal("Acquire Initech", "In Progress", ":embargoed: yes"),
        },
    )
    repo.commit(
        "2025-02-10T09:00:00",
        "Ada",
        {"deps/0007-vendor-change.md": proposal("Vendor change", "In Progress", ":number: 7")},
        renames={"deps/0000-acquire-initech.md": "deps/0007-vendor-change.md"},
    )
    build = build_in_process(repo.root, tmp_path / "out")
    assert build.warnings == []
    found = [p for p in build.outdir.rglob("*") if p.is_file() and b"initech" in p.read_bytes().lower()]
    assert found == []
    # The check can fail: the private build of the same history names the draft.
    (repo.root / "conf.py").write_text(HISTORY_CONF)
    private = build_in_process(repo.root, tmp_path / "private")
    assert b"0000-acquire-initech.md" in (private.outdir / "deps.json").read_bytes()


@pytest.mark.parametrize(
    "line",
    [
        "**a" + " " * 100_000 + "b**: c",
        "a" + " " * 100_000 + "= b",
        "a" + "\u3000" * 100_000 + "= b",
        "Status" + "\u00a0" * 100_000 + ": [ Draft |" + " " * 100_000 + "| Approved ]",
    ],
    ids=["bold-name", "equals", "ideographic-spaces", "choices"],
)
def test_migration_reads_long_blank_runs_in_linear_time(line: str) -> None:
    """A run of blanks could be split between the patterns' quantifiers in many ways
    (``\\s*`` on both sides of a name; ``(\\s*\\|\\s*[^|]+){2,}`` for template choices): a
    legacy header line of 50,000 spaces hung ``dep migrate`` for minutes. The migration
    still reads the header around it."""
    text = f"# T\n\n**Status**: Draft\n{line}\n**Authors**: @alice\n\n# Summary\n\nx\n"
    result = migrate_text(text, "deps/0001-x.md")
    assert result.outcome == "migrated"
    assert ":authors: @alice\n" in result.new_text


def test_template_choices_are_still_read_as_choices() -> None:
    text = "# T\n\n**Status**: [ Draft | Under Review | Approved ]\n**Authors**: @alice\n\n# Summary\n\nx\n"
    result = migrate_text(text, "deps/0001-x.md")
    messages = [d.message for d in result.decisions if d.field == "status"]
    assert "template choices '[ Draft | Under Review | Approved ]' left unchosen -> none" in messages
