"""Helpers the tests share: builds, projects, the bad-input table, HTML as text, a shell, a server.

Fixtures live in ``conftest.py``; everything a test module imports lives here, so no test
module imports another.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

    from sphinxcontrib_dep.core.diagnostics import Diagnostic

TESTS = Path(__file__).parent
ROOTS = TESTS / "roots"
FIXTURES = TESTS / "fixtures"
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "dynamo-enhancements"

#: The test projects' conf.py. Their proposals are numbered drafts for brevity
#: (``deps/0001-x.md``, In Progress), which the process numbers only after review: they
#: allow early numbering, and the ``seed-number-*`` cases (issue 19) set it back.
CONF = 'project = "test"\nextensions = ["sphinxcontrib_dep"]\ndep_early_numbering = True\n'
INDEX = "# Proposals\n\n```{toctree}\n:glob:\n\ndeps/*\n```\n"

_WARNING_RE = re.compile(r"^(?P<where>.*?): (?:WARNING|ERROR|CRITICAL): (?P<message>.*)$")


def normalize_warnings(text: str, srcdir: Path) -> list[str]:
    """Sphinx's warning stream as ``relpath:line: message [type.subtype]`` lines."""
    lines = []
    prefix = str(srcdir).rstrip("/") + "/"
    for raw in text.splitlines():
        raw = re.sub(r"\x1b\[[0-9;]*m", "", raw).strip().replace(prefix, "")
        if not raw:
            continue
        match = _WARNING_RE.match(raw)
        if not match:
            lines.append(raw)
            continue
        where = match.group("where").replace(prefix, "")
        lines.append(f"{where}: {match.group('message')}")
    return lines


@dataclass
class Build:
    srcdir: Path
    outdir: Path
    warnings: list[str]
    returncode: int
    output: str


def sphinx_build(
    srcdir: Path,
    outdir: Path,
    *args: str,
    builder: str = "html",
    check: bool = False,
    env: dict[str, str] | None = None,
) -> Build:
    """Run the real ``sphinx-build`` in a subprocess; return its normalized warnings.

    Warnings go to ``<outdir>-warnings.txt``; ``env`` adds variables to the environment.
    """
    warnfile = outdir.parent / f"{outdir.name}-warnings.txt"
    outdir.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            builder,
            "-q",
            "-w",
            str(warnfile),
            *args,
            str(srcdir),
            str(outdir),
        ],
        capture_output=True,
        text=True,
        cwd=srcdir,
        env={**os.environ, **(env or {})},
    )
    warnings = normalize_warnings(warnfile.read_text() if warnfile.exists() else "", srcdir)
    build = Build(srcdir, outdir, warnings, result.returncode, result.stdout + result.stderr)
    if check:
        assert result.returncode == 0, build.output
        assert warnings == [], "\n".join(warnings)
    return build


def write_project(root: Path, files: dict[str, str], conf: str = CONF, index: str | None = INDEX) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(conf)
    if index is not None and "index.md" not in files and "index.rst" not in files:
        (root / "index.md").write_text(index)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def build_in_process(
    srcdir: Path,
    outdir: Path,
    builder: str = "html",
    confoverrides: dict[str, object] | None = None,
    fresh: bool = True,
) -> Build:
    """A real Sphinx build in this process (faster than a subprocess; same code paths)."""
    from sphinx.testing.util import SphinxTestApp

    warning = io.StringIO()
    # SphinxTestApp resets docutils' global registries around each app, so many builds
    # can run in one process without "already registered" noise.
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        builddir=outdir,
        confoverrides=confoverrides or {},
        status=io.StringIO(),
        warning=warning,
        freshenv=fresh,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    outdir = Path(app.outdir)
    return Build(srcdir, outdir, normalize_warnings(warning.getvalue(), srcdir), app.statuscode, "")


def load_cases(table: Path) -> dict[str, list[str]]:
    """The expected warning lines of each case of a bad-input table."""
    return {
        name: case["warnings"]
        for name, case in tomllib.loads(table.read_text()).items()
        if "warnings" in case
    }


#: Debian's Chromium, driven by Playwright (whose own browser download cannot work offline).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def from_app(app: SphinxTestApp) -> Build:
    """A build made by ``sphinx.testing`` (the ``app`` fixture, after ``app.build()``) as a :class:`Build`."""
    srcdir = Path(app.srcdir)
    warnings = normalize_warnings(app.warning.getvalue(), srcdir)
    return Build(srcdir, Path(app.outdir), warnings, app.statuscode, app.status.getvalue())


# --------------------------------------------------------------------------------------
# The bad-input table: tests/fixtures/bad/cases.toml, one broken project per case
# --------------------------------------------------------------------------------------

BAD = FIXTURES / "bad"
TABLE: dict[str, Any] = tomllib.loads((BAD / "cases.toml").read_text())
#: Per case, the exact warning lines Sphinx gives.
CASES = load_cases(BAD / "cases.toml")


def generate(name: str, dest: Path) -> None:
    """Fill a generated case (megabytes are made at test time, not committed).

    ``generate = {file, marker, fill, count}``: ``marker`` in ``file`` becomes ``fill``
    formatted with ``i`` = 0 .. count-1, joined.
    """
    spec = TABLE.get(name, {}).get("generate")
    if spec is None:
        return
    path = dest / spec["file"]
    fill = "".join(spec["fill"].format(i=i) for i in range(spec["count"]))
    path.write_text(path.read_text().replace(spec["marker"], fill))


def make_case(name: str, dest: Path) -> Path:
    """The project of case ``name``: its folder, or the ``files`` written in the table.

    ``files`` maps paths to texts (``\\u`` escapes let a case hold any character);
    ``conf`` is added to conf.py.
    """
    case = TABLE.get(name, {})
    if "files" in case:
        dest.mkdir(parents=True)
        for relative, text in case["files"].items():
            path = dest / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
    else:
        shutil.copytree(BAD / name, dest)
    generate(name, dest)
    if not (dest / "conf.py").exists():
        (dest / "conf.py").write_text(CONF + case.get("conf", ""))
    if not (dest / "index.md").exists():
        (dest / "index.md").write_text(INDEX)
    return dest


def lint_expected(name: str) -> list[str]:
    """The lines ``dep lint`` gives for case ``name``: Sphinx's ``dep.*`` lines, less and plus what one side alone sees."""
    case = TABLE.get(name, {})
    sphinx_only = set(case.get("sphinx_only", []))
    lint_only = list(case.get("lint_only", []))
    return [line for line in CASES[name] if "[dep." in line and line not in sphinx_only] + lint_only


# --------------------------------------------------------------------------------------
# Proposal texts and the core's findings
# --------------------------------------------------------------------------------------


def fill(text: str) -> str:
    """The template as an author would leave it: every stand-in, marker and instruction replaced."""
    text = text.replace(":status: Not Started", ":status: Approved")
    meta = {
        "authors": "@nnshah1",
        "category": "Process",
        "sponsor": "@ryanolson",
        "required-reviewers": "@grahamking (approved), @kthui (deferred)",
        "review-date": "2025-07-21",
    }
    for option, value in meta.items():
        text = re.sub(rf"^:{option}: <.*>$", f":{option}: {value}", text, flags=re.M)
    text = text.replace(
        ":work-items: <one or more links to github issues, comma-separated>",
        ":work-items: https://github.com/ai-dynamo/dynamo/issues/1",
    )
    from sphinxcontrib_dep.core import sections

    instructions = sections.instruction_paragraphs()
    blocks = []
    for block in text.split("\n\n"):
        if sections.MARKER_RE.fullmatch(block.strip()):
            continue
        if sections._fold_paragraph(block) in instructions:
            block = "Filled in by the author."
        blocks.append(block)
    text = "\n\n".join(blocks)
    text = re.sub(r"\\?<#\\?>", "1", text)
    return re.sub(r"\\?<([^<>\n]+?)\\?>", lambda m: f"Filled {m.group(1).split()[0].strip('@:,')}", text)


def raw_html_diagnostics(text: str, path: str, mode: str) -> list[Diagnostic]:
    """The raw-HTML warnings ``dep lint`` gives for ``text`` (the policy over the reader)."""
    from sphinxcontrib_dep.core import policy, reader
    from sphinxcontrib_dep.core.diagnostics import Code

    found = policy.check(reader.read(text, path), raw_html=mode)
    return [d for d in found if d.code is Code.RAW_HTML]


# --------------------------------------------------------------------------------------
# Rendered HTML as readable text, for snapshots of the whole-corpus views.
# Only the part inside the first element with the given class is kept. Tables become
# ``| cell | cell |`` lines, links ``[text](href)``, badges ``{text}``, rubrics ``## text``.
# --------------------------------------------------------------------------------------

_VOID = {"input", "br", "img", "meta", "link", "col", "hr"}


class _Text(HTMLParser):
    def __init__(self, region_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.region_class = region_class
        self.depth = 0  # element depth inside the region; 0 = outside
        self.out: list[str] = []
        self.links: list[str | None] = []
        self.done = False
        self.in_form = False
        self.options: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if self.depth == 0:
            if self.region_class in classes:
                self.depth = 1
            return
        if tag not in _VOID:
            self.depth += 1
        if tag == "form":
            self.in_form = True
            self.out.append("\x00<form>")
        elif tag == "select":
            self.options = []
            self.out.append(f"\x00<select name={attributes.get('name')}: ")
        elif tag == "option" and self.options is not None:
            self.options.append(attributes.get("value") or "")
        elif self.in_form and tag != "input":
            pass
        elif tag == "tr":
            self.out.append("\x00|")
        elif tag == "p" and "rubric" in classes:
            self.out.append("\x00\x00## ")
        elif tag == "p" and "dep-empty" in classes:
            self.out.append("\x00")
        elif tag == "p" and self.out[-1:] != ["|"]:
            self.out.append(" ")
        elif tag == "a":
            self.links.append(attributes.get("href"))
            self.out.append("[")
        elif tag == "span" and "dep-badge" in classes:
            self.out.append("{")
        elif tag == "input":
            self.out.append(f"\x00<input class={attributes.get('class')}>")
        elif tag == "li":
            self.out.append(" • ")
        elif tag == "svg":
            self.out.append("\x00<svg>")

    def handle_endtag(self, tag: str) -> None:
        if self.done or self.depth == 0:
            return
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.options is not None:
            self.out.append("|".join(self.options) + ">")
            self.options = None
        elif tag in ("td", "th"):
            self.out.append(" |")
        elif tag == "a":
            href = self.links.pop() if self.links else None
            self.out.append(f"]({href})")
        elif tag == "span" and self.out and self._open_badges():
            self.out.append("}")
        self.depth -= 1
        if self.depth == 0:
            self.done = True

    def _open_badges(self) -> bool:
        text = "".join(self.out)
        return text.count("{") > text.count("}") and text.rstrip()[-1:] != "}"

    def handle_data(self, data: str) -> None:
        if self.depth and not self.done and not self.in_form:
            self.out.append(data)


def region_text(html: str, region_class: str) -> str:
    parser = _Text(region_class)
    parser.feed(html)
    # Only the markers above (NUL) break lines; the page's own line breaks are white space.
    text = re.sub(r"\s+", " ", "".join(parser.out))
    lines = [line.strip() for line in text.split("\x00")]
    return "\n".join(line for line in lines if line) + "\n"


# --------------------------------------------------------------------------------------
# The documentation's shell commands, run as a reader would
# --------------------------------------------------------------------------------------


class _Rows(HTMLParser):
    """The body rows of the first table with a class, each as its cells' text."""

    def __init__(self, table_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.table_class = table_class
        self.depth = 0  # table nesting inside the wanted table; 0 = outside
        self.in_body = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table":
            if self.depth or self.table_class in classes:
                self.depth += 1
        elif self.depth == 1 and tag == "tbody":
            self.in_body = True
        elif self.depth == 1 and self.in_body and tag == "tr":
            self.rows.append([])
        elif self.depth == 1 and self.in_body and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.done or not self.depth:
            return
        if tag == "table":
            self.depth -= 1
            self.done = self.depth == 0
        elif self.depth == 1 and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tbody":
            self.in_body = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def rows_of(html: str, table_class: str) -> list[list[str]]:
    """The text of each body row's cells of the first ``table.<table_class>`` (``[]`` if none)."""
    parser = _Rows(table_class)
    parser.feed(html)
    return parser.rows


def bash_blocks(text: str) -> list[list[str]]:
    """The command lines of each ```bash block, comments and blank lines dropped."""
    blocks = re.findall(r"^```bash\n(.*?)^```", text, re.M | re.S)
    return [
        [line for line in block.splitlines() if line.strip() and not line.startswith("#")] for block in blocks
    ]


def argv(command: str) -> list[str]:
    words = shlex.split(command, comments=True)
    if words[0] == "dep":
        return [sys.executable, "-m", "sphinxcontrib_dep.cli", *words[1:]]
    if words[0] in {"python3", "python"}:
        return [sys.executable, *words[1:]]
    return words


class Shell:
    """Runs the quick start's commands one after another, ``cd`` included."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}

    def run(self, command: str) -> subprocess.CompletedProcess[str]:
        if command.startswith("cd "):
            self.cwd = self.cwd / command[3:].strip()
            assert self.cwd.is_dir(), command
            return subprocess.CompletedProcess(command, 0, "", "")
        return subprocess.run(argv(command), cwd=self.cwd, env=self.env, capture_output=True, text=True)


# --------------------------------------------------------------------------------------
# A local HTTP server for a built site (browser tests), on a free port of 127.0.0.1
# --------------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(outdir: Path) -> Iterator[str]:
    """Serve ``outdir`` until the generator is closed; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(outdir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --------------------------------------------------------------------------------------
# URL tables: the sanitizer's tests check our reading, the browser tests Chromium's
# --------------------------------------------------------------------------------------

#: (url, the scheme a browser reads, or None for a relative URL). The browser test checks
#: each against Chromium's own URL parser.
SCHEMES = [
    ("https://example.com/", "https"),
    ("HTTP://EXAMPLE.COM", "http"),
    ("mailto:dev@example.com", "mailto"),
    ("javascript:alert(1)", "javascript"),
    ("JaVaScRiPt:alert(1)", "javascript"),
    (" \x01\x1f javascript:alert(1) \x00", "javascript"),
    ("java\tscr\nip\rt:alert(1)", "javascript"),
    ("\tjavascript:alert(1)", "javascript"),
    ("java script:alert(1)", None),
    ("java\x0bscript:alert(1)", None),
    ("\u00a0javascript:alert(1)", None),
    ("j\u0430vascript:alert(1)", None),  # a Cyrillic a
    ("javascript\uff1aalert(1)", None),  # a fullwidth colon
    ("1javascript:alert(1)", None),
    ("+javascript:alert(1)", None),
    ("a+b-c.d:x", "a+b-c.d"),
    ("data:text/html,x", "data"),
    ("vbscript:x", "vbscript"),
    ("file:///etc/passwd", "file"),
    ("0002-other.html", None),
    ("../a/b.png", None),
    ("#motivation", None),
    ("?q=javascript:x", None),
    ("/path/javascript:x", None),
    ("//evil.example/", None),
    ("/\\evil.example/", None),
    ("", None),
]

#: Header URLs that are kept; the browser test checks Chromium reads each as http(s), with
#: a host and no user name or password.
HEADER_KEPT = [
    "https://github.com/a/b/pull/1",
    "http://example.com/a%20b?x=1&y=[2]#frag",
    "HTTPS://EXAMPLE.COM/",
    "https://x.org/it's",
    "https://x.org/@someone",
    "https://example.org/wiki/Foo_(bar)",
    "https://example.com:8443/x",
    "https://example.com:/x",
    "https://[2001:db8::1]:8080/x",
    "https://b\u00fccher.example/caf\u00e9",
]

#: (url, the reason). The browser test checks Chromium reads a user name or password in
#: the ones refused for that.
HEADER_REFUSED = [
    ("javascript:alert(1)", "is not an http(s) URL"),
    ("mailto:a@example.com", "is not an http(s) URL"),
    ("ftp://example.com/", "is not an http(s) URL"),
    ("//example.com/x", "is not an http(s) URL"),
    ("example.com/x", "is not an http(s) URL"),
    ("http:example.com", "is not an http(s) URL"),
    ("https:/example.com", "is not an http(s) URL"),
    ("https:\\\\example.com", "is not an http(s) URL"),
    ("https://", "has no host"),
    ("https:///path", "has no host"),
    ("https://:443/", "has no host"),
    ("https://user:pass@example.com/", "holds a user name or password"),
    ("https://github.com@evil.example/", "holds a user name or password"),
    ("https://@example.com/", "holds a user name or password"),
    (
        "https://good.example\\@evil.example/",
        "holds a backslash (browsers read it as '/', other tools do not)",
    ),
    ("https://example.com\\x", "holds a backslash (browsers read it as '/', other tools do not)"),
    ("https://exa mple.com/", "holds white space"),
    ("https://example.com/a\tb", "holds white space"),
    ("https://example.com/\n", "holds white space"),
    (" https://example.com/", "holds white space"),
    ("https://example.com/\u00a0", "holds white space"),
    ("https://example.com/\u2028", "holds white space"),
    ("https://example.com/\x00", "holds the control character U+0000"),
    ("https://example.com/\x1b[2J", "holds the control character U+001B"),
    ("https://example.com/\x7f", "holds the control character U+007F"),
    ("https://example.com/\x9b", "holds the control character U+009B"),
    ("https://example.com/\u202egnp.exe", "holds the bidirectional control U+202E"),
    ("https://example.com/\u2066x\u2069", "holds the bidirectional control U+2066"),
    ("https://example.com/\u200f", "holds the bidirectional control U+200F"),
    ("https://example.com/\u061c", "holds the bidirectional control U+061C"),
    ("https://exam\u200bple.com/", "holds the invisible character U+200B"),
    ("https://example.com/\ufeff", "holds the invisible character U+FEFF"),
    ("https://ex%61mple.com/", "has a host that is not a host name"),
    ("https://exa<mple.com/", "holds '<', which a URL holds only percent-encoded"),
    ('https://example.org/"onmouseover="alert(1)', "holds '\"', which a URL holds only percent-encoded"),
    ("https://example.org/{x}", "holds '{', which a URL holds only percent-encoded"),
    ("https://example.com:99999/", "has a port that is not a number up to 65535"),
    ("https://example.com:8o/", "has a port that is not a number up to 65535"),
    ("https://example.com:\uff18\uff10/", "has a port that is not a number up to 65535"),
]


# --------------------------------------------------------------------------------------
# Snapshots (syrupy): one readable file per snapshot, ``pytest --snapshot-update`` rewrites
# --------------------------------------------------------------------------------------


class TextSnapshot(SingleFileSnapshotExtension):
    """A snapshot kept as a text file, diffable in review."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"


class JsonTextSnapshot(TextSnapshot):
    """A JSON document kept as the text the build wrote (key order and layout included)."""

    file_extension = "json"


# --------------------------------------------------------------------------------------
# The discussion mirror: recorded GitHub API answers and a project that shows them
# --------------------------------------------------------------------------------------

#: What ``gh api`` printed for the tracking issue acme/enhancements#97 and pull request #61
#: (``issue.json``; ``--paginate --slurp`` for the two comment lists).
DISCUSSION = FIXTURES / "discussion"

WIDGETS = """\
# Widgets

```{dep-meta}
:status: In Progress
:authors: @alice
:category: Process
:tracking: acme/enhancements#97
:pull-request: https://github.com/acme/enhancements/pull/61
```

## Summary

Widgets route requests by cost.
"""


def discussion_cache(fetched_at: str = "2026-03-20T06:00:00Z") -> str:
    """The cache file ``dep discussion fetch-plan``'s script writes from the recorded answers."""
    part = {
        name: (DISCUSSION / f"{name}.json").read_text()
        for name in ("issue", "issue_comments", "review_comments")
    }
    return (
        f'{{"fetched_at": "{fetched_at}",\n"issue": {part["issue"]},\n"issue_comments": '
        f'{part["issue_comments"]},\n"review_comments": {part["review_comments"]}}}\n'
    )


def fake_gh(folder: Path) -> Path:
    """A ``gh`` that answers the recorded calls (and 404 for any other), in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "gh"
    script.write_text(
        "#!/bin/sh\n"
        'echo "$*" >> "$(dirname "$0")/calls.log"\n'
        "for last; do :; done\n"
        'case "$last" in\n'
        f"  repos/acme/enhancements/issues/97) cat {DISCUSSION}/issue.json ;;\n"
        f"  repos/acme/enhancements/issues/97/comments) cat {DISCUSSION}/issue_comments.json ;;\n"
        f"  repos/acme/enhancements/pulls/61/comments) cat {DISCUSSION}/review_comments.json ;;\n"
        '  *) echo "gh: Not Found (HTTP 404)" >&2; exit 1 ;;\n'
        "esac\n"
    )
    script.chmod(0o755)
    return folder
