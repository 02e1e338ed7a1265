"""The docs' examples are test inputs: every snippet the site shows is built here.

Each folder under ``docs/examples/`` that holds a ``deps/`` folder is a Sphinx project
(its own ``conf.py``/``index.md``, or the minimal ones); the pages show its files with
``literalinclude``. A docs page that shows a ``dep-*`` snippet inline, where no test
builds it, fails :func:`test_docs_pages_show_dep_snippets_only_from_examples`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import CONF, INDEX, REPO, build_in_process

DOCS = REPO / "docs"
EXAMPLES = DOCS / "examples"
PROJECTS = sorted(p.parent for p in EXAMPLES.rglob("deps") if p.is_dir())
#: Pages written by hand (the generated reference pages contain no snippets).
PAGES = sorted(
    p for p in DOCS.rglob("*.md") if not {"examples", "deps", "_build"} & set(p.relative_to(DOCS).parts)
)
#: Pages that show command output inline (what ``dep migrate`` writes, for example) and
#: test it with their own feature; here each header they show must at least parse cleanly.
OUTPUT_PAGES = {"migration.md", "performance.md", "security.md"}


def make_project(example: Path, dest: Path) -> Path:
    shutil.copytree(example, dest)
    if not (dest / "conf.py").exists():
        (dest / "conf.py").write_text(CONF)
    if not (dest / "index.md").exists():
        (dest / "index.md").write_text(INDEX)
    return dest


def test_there_are_examples() -> None:
    names = {p.relative_to(EXAMPLES).as_posix() for p in PROJECTS}
    assert {"quickstart", "tutorial/1-draft", "tutorial/5-superseded"} <= names


@pytest.mark.parametrize("example", PROJECTS, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_example_builds_without_warnings(example: Path, tmp_path: Path) -> None:
    srcdir = make_project(example, tmp_path / "src")
    build = build_in_process(srcdir, tmp_path / "out")
    assert build.warnings == []
    for source in (srcdir / "deps").glob("*.md"):
        page = (build.outdir / "deps" / f"{source.stem}.html").read_text()
        status = re.search(r"^:status: (.+)$", source.read_text(), re.M).group(1)  # type: ignore[union-attr]
        slug = status.lower().replace(" ", "-")
        assert f"dep-status-{slug}" in page, f"{source.name}: no {status} badge on its card"


_FENCE_RE = re.compile(r"^(`{3,}|~{3,})(.*)$")


def inline_dep_snippets(text: str) -> list[int]:
    """Lines of code blocks (not directives) that show a ``dep-*`` directive."""
    found: list[int] = []
    fence: str | None = None
    is_code = False
    for number, line in enumerate(text.splitlines(), start=1):
        match = _FENCE_RE.match(line.strip())
        if fence is None and match:
            fence, info = match.group(1), match.group(2).strip()
            is_code = not info.startswith("{")
            continue
        if fence is not None and line.strip() == fence:
            fence = None
            continue
        if fence is not None and is_code and re.search(r"\{dep-[a-z-]+\}|\.\. dep-[a-z-]+::", line):
            found.append(number)
    return found


def test_docs_pages_show_dep_snippets_only_from_examples() -> None:
    offenders = {
        page.relative_to(DOCS).as_posix(): lines
        for page in PAGES
        if page.name not in OUTPUT_PAGES and (lines := inline_dep_snippets(page.read_text()))
    }
    assert offenders == {}, "show these with literalinclude from docs/examples/ so a test builds them"


def test_the_inline_snippet_check_can_fail() -> None:
    assert inline_dep_snippets("text\n\n````markdown\n```{dep-meta}\n:status: Draft\n```\n````\n") == [4]
    assert inline_dep_snippets("```{dep-index}\n```\n") == []


def test_quickstart_warning_is_the_one_the_build_gives(tmp_path: Path) -> None:
    srcdir = make_project(EXAMPLES / "quickstart", tmp_path / "src")
    proposal = srcdir / "deps" / "0000-retry-failed-webhook-deliveries.md"
    proposal.write_text(proposal.read_text().replace(":status: In Progress", ":status: Wip"))
    build = build_in_process(srcdir, tmp_path / "out")
    assert build.warnings == (EXAMPLES / "quickstart" / "wip-warning.txt").read_text().splitlines()


def test_readme_shows_a_built_example() -> None:
    readme = (REPO / "README.md").read_text()
    example = (EXAMPLES / "readme" / "deps" / "0001-error-propagation.md").read_text()
    assert f"````markdown\n{example}````" in readme


def test_readme_keeps_its_two_commands_first() -> None:
    lines = (REPO / "README.md").read_text().splitlines()
    assert lines[2] == "```bash"
    assert lines[3].startswith("python3 -m pip install nox && python3 -m nox -s docs ")
    assert lines[4].startswith("python3 -m pip install nox && python3 -m nox -s tests ")


def code_blocks(text: str) -> list[tuple[int, str]]:
    """``(line, text)`` of each fenced code block (not directive) in a Markdown page."""
    blocks: list[tuple[int, str]] = []
    fence: str | None = None
    start, lines, is_code = 0, [], False
    for number, line in enumerate(text.splitlines(), start=1):
        match = _FENCE_RE.match(line.strip())
        if fence is None and match:
            fence, is_code, start, lines = (
                match.group(1),
                not match.group(2).strip().startswith("{"),
                number,
                [],
            )
        elif fence is not None and line.strip() == fence:
            if is_code:
                blocks.append((start, "\n".join(lines) + "\n"))
            fence = None
        elif fence is not None:
            lines.append(line)
    return blocks


@pytest.mark.parametrize("name", sorted(n for n in OUTPUT_PAGES if (DOCS / n).exists()))
def test_headers_shown_on_output_pages_parse_cleanly(name: str) -> None:
    from sphinxcontrib_dep.core import parsing

    page = DOCS / name
    problems = []
    shown = 0
    for line, block in code_blocks(page.read_text()):
        if "{dep-meta}" not in block:
            continue
        shown += 1
        _, _, diagnostics = parsing.parse_file(block, "deps/0000-shown.md")
        problems += [f"{name}:{line}: {d.format()}" for d in diagnostics]
    assert problems == []
    assert shown or not inline_dep_snippets(page.read_text())


#: The tutorial's warnings: file -> (stage, how the stage is broken, file name).
TUTORIAL_WARNINGS = {
    "no-sponsor.txt": ("2-under-review", ":sponsor: @carol\n", ""),
    "approved-too-early.txt": ("3-approved", "@dave (approved)", "@dave (changes requested)"),
}


@pytest.mark.parametrize("name", sorted(TUTORIAL_WARNINGS))
def test_tutorial_warnings_are_the_ones_the_build_gives(name: str, tmp_path: Path) -> None:
    stage, old, new = TUTORIAL_WARNINGS[name]
    srcdir = make_project(EXAMPLES / "tutorial" / stage, tmp_path / "src")
    (proposal,) = (srcdir / "deps").glob("*.md")
    text = proposal.read_text()
    assert old in text
    proposal.write_text(text.replace(old, new))
    build = build_in_process(srcdir, tmp_path / "out")
    assert build.warnings == (EXAMPLES / "tutorial" / "warnings" / name).read_text().splitlines()


def test_the_projects_own_proposals_pass_lint() -> None:
    """``dep lint`` (the Sphinx-free core) agrees with the -W site build: no problems."""

    from sphinxcontrib_dep.core import analysis, project

    # The settings as `dep lint` reads them from docs/conf.py: early numbering (DEP-0009 is
    # under review) and the project's areas, which its proposals name.
    config = project.load(REPO).config
    assert config.early_numbering and set(config.areas) == {"process", "extension", "core"}
    result = analysis.lint_paths([], REPO, config)
    assert len(result.deps) == len(list((REPO / "deps").glob("*.md")))
    assert [d.format() for d in result.diagnostics] == []
