"""Property-based tests: any text gives a model or located diagnostics, never another exception.

Inputs mix random text with the pieces proposals are made of (headings, ``dep-meta``
fences, options, code fences, HTML), so hypothesis reaches the interesting paths of the
parser instead of only ever producing a file without structure.
"""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser

from helpers import raw_html_diagnostics
from hypothesis import HealthCheck, example, find, given, settings
from hypothesis import strategies as st

from sphinxcontrib_dep.core import analysis, corpus, parsing, rules, sanitize
from sphinxcontrib_dep.core.config import DepConfig
from sphinxcontrib_dep.core.diagnostics import Code, Diagnostic
from sphinxcontrib_dep.core.model import Dep, DepRef, Status

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONFIG = DepConfig()

OPTION_NAMES = [*parsing.META_OPTIONS, *parsing.META_ALIASES, "legacy-notes", "colour", "", " ", "a:b"]

FRAGMENTS = [
    "# Title\n",
    "## Summary\n",
    "## Motivation\n",
    "#\n",
    "Title\n=====\n",
    "----\n",
    "```{dep-meta}\n",
    "```\n",
    ":::{dep-meta}\n",
    ":::\n",
    "````\n",
    "~~~\n",
    "```{dep-alternative} Other\n",
    "```{dep-phase} 1\n",
    ":::{note}\n",
    "```{raw} html\n",
    ".. dep-meta::\n",
    "   :status: Approved\n",
    "---\n",
    ":status: In Progress\n",
    ":status: Accepted\n",
    ":status:\tDraft\n",
    ':status: "Under Review\n',
    ":number: 7\n",
    ":number: -1\n",
    ":authors: @a, Eve <javascript:x>, <b>x</b>\n",
    ":required-reviewers: @b (approved), @c (lgtm), Zed ()\n",
    ":review-date: 2025-02-30\n",
    ":replaces: DEP-0002 (partial), the old one\n",
    ":implementation: https://github.com/a/b/pull/1, data:x\n",
    ":embargoed: maybe\n",
    ":decision: <script>alert(1)</script>\n",
    ":x:\n",
    "::\n",
    "  continued\n",
    "<script>alert(1)</script>\n",
    "<img src=x onerror=alert(1)>\n",
    "<br/>\n",
    "<!--\n",
    "\n",
    "\n\n",
    "\t",
    "\r\n",
    "\r",
    "\x00",
    "\ufeff",
    "\u202e",
    "é",
    "{dep}`1`\n",
    "[x](javascript:y)\n",
]

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40).map("".join)
values = st.one_of(
    st.none(), st.text(max_size=40), st.sampled_from([f[:-1].split(": ", 1)[-1] for f in FRAGMENTS])
)
paths = st.sampled_from(["deps/0001-x.md", "deps/0000-draft.md", "deps/x.md", "deps/0042-y.rst", "a/b.md"])


def assert_located(diagnostics: list[Diagnostic], path: str, last_line: int | None = None) -> None:
    for diagnostic in diagnostics:
        assert isinstance(diagnostic.code, Code)
        assert diagnostic.path == path
        assert isinstance(diagnostic.line, int) and diagnostic.line >= 1, diagnostic
        if last_line is not None:
            assert diagnostic.line <= last_line, diagnostic
        assert diagnostic.message.strip()
        # One line each: a value with a newline cannot forge another "path:line:" entry.
        assert "\n" not in diagnostic.format() and "\r" not in diagnostic.format()


def line_count(text: str) -> int:
    return len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")) + 1


@SETTINGS
@given(
    options=st.dictionaries(st.sampled_from(OPTION_NAMES) | st.text(max_size=10), values, max_size=12),
    path=paths,
    line=st.integers(1, 500),
)
def test_parse_meta_gives_a_model_and_located_diagnostics(
    options: dict[str, str | None], path: str, line: int
) -> None:
    option_lines = {name: line + 1 + index for index, name in enumerate(options)}
    dep, diagnostics = parsing.parse_meta(
        options, path=path, line=line, option_lines=option_lines, config=CONFIG
    )
    assert isinstance(dep, Dep)
    assert_located(diagnostics, path)
    assert {d.line for d in diagnostics} <= {line, *option_lines.values()}
    # Whatever was given, the links kept are http(s) only.
    assert all(link.url.lower().startswith(("http://", "https://")) for link in dep.implementation)
    assert dep.pull_request is None or dep.pull_request.lower().startswith(("http://", "https://"))


@SETTINGS
@given(text=texts, path=paths)
def test_scan_never_fails_and_stays_inside_the_file(text: str, path: str) -> None:
    scanned = parsing.scan(text, path)
    last = line_count(text)
    assert all(1 <= heading.line <= last for heading in scanned.headings)
    for block in scanned.blocks:
        assert 1 <= block.line <= last
        assert all(block.line < line <= last for line in block.option_lines.values())
        assert all(1 <= line <= last for line, _ in block.problems)


@SETTINGS
@given(text=texts, path=paths)
def test_parse_file_gives_a_model_or_located_diagnostics(text: str, path: str) -> None:
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as decode() hands it over
    dep, _scanned, diagnostics = parsing.parse_file(text, path, CONFIG)
    assert dep is not None or any(d.code is Code.MISSING_META for d in diagnostics)
    assert_located(diagnostics, path, line_count(text))


@SETTINGS
@given(text=texts, path=paths)
def test_every_per_file_rule_answers_with_located_diagnostics(text: str, path: str) -> None:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _dep, diagnostics = analysis.lint_text(text, path, CONFIG)
    assert_located(diagnostics, path, line_count(text))


@SETTINGS
@given(data=st.binary(max_size=200) | texts.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_decode_gives_text_or_one_located_encoding_error(data: bytes) -> None:
    text, problems = parsing.decode(data, "deps/0001-x.md")
    if text is None:
        (problem,) = problems
        assert problem.code is Code.ENCODING
        assert 1 <= (problem.line or 0) <= data.count(b"\n") + 1
    else:
        assert problems == [] and "\r" not in text


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(files=st.lists(st.binary(max_size=300) | texts.map(str.encode), min_size=1, max_size=5))
def test_lint_paths_never_fails_and_never_writes(files: list[bytes], tmp_path_factory) -> None:
    root = tmp_path_factory.mktemp("lint")
    deps = root / "deps"
    deps.mkdir()
    for index, data in enumerate(files, start=1):
        (deps / f"{index:04d}-p.md").write_bytes(data)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in deps.iterdir()}
    result = analysis.lint_paths([], root, CONFIG)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in deps.iterdir()} == before
    for diagnostic in result.diagnostics:
        assert diagnostic.path is not None and diagnostic.path.startswith("deps/")
        assert "\n" not in diagnostic.format()


refs = st.builds(DepRef, number=st.none() | st.integers(0, 12), partial=st.booleans())
deps_strategy = st.builds(
    Dep,
    number=st.none() | st.integers(0, 12),
    status=st.none() | st.sampled_from(list(Status)),
    replaces=st.lists(refs, max_size=3),
    replaced_by=st.lists(refs, max_size=3),
    path=st.sampled_from([f"deps/{n:04d}-p.md" for n in range(8)]),
    line=st.integers(1, 20),
)


@SETTINGS
@given(deps=st.lists(deps_strategy, max_size=8))
def test_corpus_rules_never_fail_on_any_graph(deps: list[Dep]) -> None:
    """Duplicates, cycles, self-references, dangling and one-sided links in any mix."""
    diagnostics = corpus.check_corpus(deps, CONFIG)
    paths = {dep.path for dep in deps}
    for diagnostic in diagnostics:
        assert diagnostic.path in paths and isinstance(diagnostic.line, int)
        assert "\n" not in diagnostic.format()


@SETTINGS
@given(dep=deps_strategy)
def test_lifecycle_rules_never_fail(dep: Dep) -> None:
    assert_located(rules.check_dep(dep, CONFIG), dep.path)


class _Live(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "iframe", "object", "embed", "base", "svg", "style", "meta", "link", "form"}:
            self.live = True
        for name, value in attrs:
            scheme = "".join((value or "").split()).lower()
            if (
                name.startswith("on")
                or name in {"style", "srcdoc"}
                or scheme.startswith(("javascript:", "data:"))
            ):
                self.live = True

    handle_startendtag = handle_starttag


@settings(max_examples=400, deadline=None)
@given(
    fragment=st.lists(
        st.sampled_from(
            [
                "<",
                ">",
                "/",
                "=",
                '"',
                "'",
                " ",
                "\t",
                "\n",
                "a",
                "img",
                "script",
                "src",
                "href",
                "onerror",
                "javascript:",
                "&#106;",
                "br",
                "div",
                "x",
                "!--",
                "-->",
                "![CDATA[",
                "?",
                "style",
                "details",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_html_the_allowlist_keeps_has_nothing_live(fragment: str) -> None:
    """Whatever the sanitizer lets through, an independent reading finds nothing that runs."""
    if sanitize.unsafe_html(fragment) is None:
        live = _Live()
        live.feed(fragment)
        live.close()
        assert not live.live, fragment


@SETTINGS
@given(text=texts, path=paths, mode=st.sampled_from(["safe", "none", "all"]))
def test_raw_html_findings_are_located(text: str, path: str, mode: str) -> None:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    assert_located(raw_html_diagnostics(text, path, mode), path, line_count(text))


FIND = settings(max_examples=3000, derandomize=True, database=None, deadline=None)


def test_the_strategy_reaches_headers_rules_and_raw_html() -> None:
    """The generated texts do make proposals with a header, a broken value and raw HTML.

    ``find`` draws from ``texts`` itself: were the fragments to stop building headers
    (a fence renamed, a fragment dropped), the properties above would only ever see files
    without structure, and this test fails.
    """

    def parsed(text: str) -> tuple[Dep | None, list[Diagnostic]]:
        dep, _, diagnostics = parsing.parse_file(
            text.replace("\r\n", "\n").replace("\r", "\n"), "deps/0001-x.md", CONFIG
        )
        return dep, diagnostics

    with_header = find(texts, lambda t: parsed(t)[0] is not None, settings=FIND)
    assert "dep-meta" in with_header
    bad_status = find(texts, lambda t: any(d.code is Code.STATUS for d in parsed(t)[1]), settings=FIND)
    assert parsed(bad_status)[0] is not None
    raw = find(texts, lambda t: bool(raw_html_diagnostics(t, "deps/0001-x.md", "safe")), settings=FIND)
    assert "<" in raw


LEGACY = [
    "**Status**: Draft\n",
    "**Status:** Accepted\n",
    "- Status: Implemented\n",
    "| Status | Draft |\n",
    "|---|---|\n",
    "**Authors**: @a, Eve <javascript:x>\n",
    "**Authors**: a\u2028b\n",
    "**Category**: CI/CD\n",
    "**Required Reviewers**: @b (✓), @c\n",
    "**Review Date**: 07/15/2025\n",
    "**Replaces**: DEP-0002\n",
    "**Implementation**: https://github.com/a/b/pull/1, javascript:alert(1)\n",
    "**Decision**: ```x```\n",
    '**Notes**: "quoted" # not a comment\n',
    "**Notes**: :status: Approved\n",
    "**Notes**: ```{dep-meta}\n",
    "<!-- **Status**: Approved -->\n",
    "\x00",
    "\x0b",
    "\x85",
]
legacy_texts = st.lists(
    st.one_of(st.sampled_from(LEGACY), st.sampled_from(FRAGMENTS), st.text(max_size=10)), max_size=30
).map(lambda parts: "# Title\n\n" + "".join(parts))


@SETTINGS
@given(text=legacy_texts)
@example(text='# Title\n\n**Status**: Draft\n**Notes**: "quoted" # not a comment\n\x00')  # NUL escaped
def test_migrate_is_idempotent_and_its_block_reads_back(text: str) -> None:
    from sphinxcontrib_dep.migrate import migrate_text

    result = migrate_text(text, "deps/0001-x.md")
    assert migrate_text(result.new_text, "deps/0001-x.md").new_text == result.new_text
    if result.outcome == "migrated":
        # A value cannot close the block or smuggle in another option: it reads back as written.
        metas = parsing.scan(result.new_text, "deps/0001-x.md").blocks_named("dep-meta")
        # Markdown reads a NUL byte written as it is as U+FFFD, as CommonMark requires; one
        # written as an escape in a quoted value reads back as NUL.
        raw_nul = "\x00" in result.new_text
        written = {
            name: value.replace("\x00", "\ufffd") if raw_nul else value
            for name, value in result.options.items()
        }
        assert metas and metas[0].options == written and metas[0].problems == []
    else:
        assert result.new_text == text
