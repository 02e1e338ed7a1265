"""A newcomer follows the quick start, literally, in an empty folder, and gets a site.

The commands are read from ``docs/quickstart.md`` (its ``bash`` blocks, in order), so the
page cannot show a command this test does not run. ``dep`` runs as ``python -m
sphinxcontrib_dep.cli`` and ``python3`` as this interpreter, so the code under test is the
code of this checkout; ``pip install`` is skipped: the package is already installed here.
"""

from __future__ import annotations

from pathlib import Path

from helpers import REPO, Shell, bash_blocks

DOCS = REPO / "docs"
QUICKSTART = DOCS / "quickstart.md"
EXAMPLE = DOCS / "examples" / "quickstart"


def test_quickstart_from_an_empty_folder(tmp_path: Path) -> None:
    blocks = bash_blocks(QUICKSTART.read_text())
    install, setup, new, lint, build = blocks
    assert install == ["python3 -m pip install sphinxcontrib-dep"]

    shell = Shell(tmp_path)
    for command in setup:
        result = shell.run(command)
        assert result.returncode == 0, result.stdout + result.stderr
    project = shell.cwd
    # The page shows what dep init writes.
    assert (project / "conf.py").read_text() == (EXAMPLE / "conf.py").read_text()
    assert (project / "index.md").read_text() == (EXAMPLE / "index.md").read_text()

    for command in new:
        result = shell.run(command)
        assert result.returncode == 0, result.stdout + result.stderr
    drafts = sorted(p.name for p in (project / "deps").glob("0000-*.md"))
    written = [p.name for p in (EXAMPLE / "deps").glob("*.md")]
    assert drafts == written, "dep new names the file as the page says"

    # Straight from the template, dep lint lists the placeholders and fails.
    (result,) = [shell.run(command) for command in lint]
    assert result.returncode == 1
    assert "[dep.placeholder]" in result.stdout

    # The reader replaces them: the page shows the finished file.
    draft = project / "deps" / drafts[0]
    draft.write_text((EXAMPLE / "deps" / drafts[0]).read_text())
    (result,) = [shell.run(command) for command in lint]
    assert (result.returncode, result.stdout.strip()) == (0, ""), result.stdout + result.stderr

    (command,) = build
    result = shell.run(command)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    index = (project / "_build" / "html" / "index.html").read_text()
    assert "Retry Failed Webhook Deliveries" in index
    assert "dep-status-in-progress" in index
    page = project / "_build" / "html" / "deps" / f"{draft.stem}.html"
    assert 'class="dep-card' in page.read_text()


def test_readme_commands_are_the_quick_starts() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Get started", 1)[1]
    readme_commands = [c for block in bash_blocks(section)[:1] for c in block]
    quickstart = [c for block in bash_blocks(QUICKSTART.read_text()) for c in block]
    joined = [c for line in readme_commands for c in (part.strip() for part in line.split("&&"))]
    assert joined == [c for c in quickstart if c in joined]
    assert set(joined) <= set(quickstart), "the README only shows commands the quick start runs"
