"""The gate holds: embargo fails closed, errors survive rebuilds, proposals run no code and read no files.

Every input here is written to get past the checks: a header that hides its embargo, a
second build that forgets an error, a proposal that asks the build to run code or to copy
a file of the build machine into the site. Each test first shows the input does what it
is meant to where it is allowed (so the check can fail), then that it cannot in a proposal.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import BAD, CONF, INDEX, load_cases, sphinx_build, write_project

HEAD = ":status: In Progress\n:authors: @alice\n:category: Process\n"


def header(extra: str = "", name: str = "dep-meta") -> str:
    return f"```{{{name}}}\n{HEAD}{extra}```\n"


def files_mentioning(root: Path, needle: str) -> list[str]:
    """Every file under ``root`` (pages, _sources, doctrees, search index, needs.json, ...) holding ``needle``."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and needle.encode() in p.read_bytes()
    )


# --------------------------------------------------------------------------------------
# Class 2: embargo fails closed
# --------------------------------------------------------------------------------------

H0 = header(":embargoed:\n")
H1 = header(":embargoed: yes\n:embargoed: no\n")
H2 = header(":embargoed: no\n:embargoed: yes\n")
H3 = header(':embargoed: "y\\x65s"\n')
H4 = header(":EMBARGOED:\n")
H5 = header(":embargo:\n")
H6 = header(":embargoed: until May\n")
H7 = header(":embargoed:\n", name="DEP-META")
H8 = header(":embargoed:\n", name="dep&#45;meta")
H9 = header(":embargoed: no\n")

#: Ways to write an embargoed proposal, each with its own marker in the body.
EMBARGOED = {
    "plain": f"# Plain\n\n{H0}\nSECRET-PLAIN\n",
    "nested-note": f"# Nested\n\n````{{note}}\n{H0}````\n\nSECRET-NESTED-NOTE\n",
    "nested-in-list": "# Listed\n\n- item\n\n  ````{warning}\n  "
    + H0.replace("\n", "\n  ")
    + "````\n\nSECRET-NESTED-LIST\n",
    "repeated-yes-no": f"# Repeated\n\n{H1}\nSECRET-REPEATED\n",
    "repeated-no-yes": f"# Repeated 2\n\n{H2}\nSECRET-REPEATED-2\n",
    "yaml-escaped-key": (
        '# Escaped\n\n```{dep-meta}\n---\nstatus: In Progress\nauthors: "@a"\n"embar\\x67oed": "yes"\n---\n```\n\n'
        "SECRET-YAML-ESCAPE\n"
    ),
    "quoted-value-escape": f"# Quoted\n\n{H3}\nSECRET-QUOTED\n",
    "upper-key": f"# Upper key\n\n{H4}\nSECRET-UPPER-KEY\n",
    "look-alike-key": f"# Look-alike\n\n{H5}\nSECRET-LOOK-ALIKE\n",
    "unsure-value": f"# Unsure\n\n{H6}\nSECRET-UNSURE\n",
    "upper-directive": f"# Upper\n\n{H7}\nSECRET-UPPER-DIRECTIVE\n",
    "entity-directive": f"# Entity\n\n{H8}\nSECRET-ENTITY\n",
    "unreadable-options": "# Unreadable\n\n```{dep-meta}\n:status: In Progress\n:embargoed:\n\t:authors: @a\n```\n\nSECRET-UNREADABLE\n",
    "colon-fence-off": "# Colon\n\n:::{dep-meta}\n:status: In Progress\n:embargoed:\n:::\n\nSECRET-COLON\n",
    "eval-rst": "# Eval\n\n```{eval-rst}\n.. dep-meta::\n   :status: In Progress\n   :embargoed:\n```\n\nSECRET-EVAL-RST\n",
    "second-nested": f"# Second\n\n{H9}\n````{{note}}\n{H0}````\n\nSECRET-SECOND\n",
    # Red team 2: a proposal not yet migrated names its embargo in a legacy header.
    "legacy-bold": "# Legacy\n\n**Status**: Draft\n**Embargoed**: yes\n\nSECRET-LEGACY-BOLD\n",
    "legacy-table": "# Legacy table\n\n| Field | Value |\n|---|---|\n| Embargoed | yes |\n\nSECRET-LEGACY-TABLE\n",
    "legacy-list": "# Legacy list\n\n- Status: Draft\n- *Embargo*: true\n\nSECRET-LEGACY-LIST\n",
}
EMBARGOED_RST = {
    "rst-nested": (
        "Nested\n======\n\n.. note::\n\n   .. dep-meta::\n      :status: In Progress\n      :embargoed:\n\n"
        "SECRET-RST-NESTED\n"
    ),
    "rst-repeated": (
        "Repeated\n========\n\n.. dep-meta::\n   :status: In Progress\n   :embargoed: yes\n   :embargoed: no\n\n"
        "SECRET-RST-REPEATED\n"
    ),
}


@pytest.fixture(scope="module")
def embargo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {f"deps/{i + 1:04d}-{name}.md": text for i, (name, text) in enumerate(EMBARGOED.items())}
    files |= {f"deps/{i + 50:04d}-{name}.rst": text for i, (name, text) in enumerate(EMBARGOED_RST.items())}
    files["deps/0099-public.md"] = f"# Public\n\n{header()}\nPUBLIC-MARKER\n"
    return write_project(
        tmp_path_factory.mktemp("embargo") / "src", files, conf=CONF + "needs_build_json = True\n"
    )


def test_a_private_build_shows_every_variant(embargo_project: Path, tmp_path: Path) -> None:
    """So the check below can fail: every marker reaches a project (private) build."""
    sphinx_build(embargo_project, tmp_path / "private")
    for text in [*EMBARGOED.values(), *EMBARGOED_RST.values()]:
        marker = text.rstrip().rsplit("\n", 1)[-1]
        assert files_mentioning(tmp_path / "private", marker), marker


def test_a_public_build_holds_no_trace_of_any_variant(embargo_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    build = sphinx_build(embargo_project, out, "-D", "dep_public_build=1")
    assert build.returncode == 0, build.output
    for text in [*EMBARGOED.values(), *EMBARGOED_RST.values()]:
        marker = text.rstrip().rsplit("\n", 1)[-1]
        assert files_mentioning(out, marker) == [], marker
    assert "deps/0099-public.html" in files_mentioning(out, "PUBLIC-MARKER")
    assert "SECRET" not in build.output


def test_the_log_names_each_file_left_out_by_number_only(embargo_project: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-D",
            "dep_public_build=1",
            str(embargo_project),
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
    )
    left_out = [line for line in result.stdout.splitlines() if "left out:" in line]
    assert len(left_out) == len(EMBARGOED) + len(EMBARGOED_RST), "\n".join(left_out)
    assert "deps/0002-… left out: it is embargoed (line 8, nested in note) [dep.embargo]" in result.stdout
    assert "nested" not in "".join(line.split(" left out:")[0] for line in left_out)  # no slugs


# --------------------------------------------------------------------------------------
# Class 4: errors survive rebuilds
# --------------------------------------------------------------------------------------

BROKEN = "# Broken\n\n```{dep-meta}\n:status: Accepted\n:authors: @alice\n:category: Process\n```\n"


def test_a_broken_project_fails_every_build_until_fixed(tmp_path: Path) -> None:
    src = write_project(
        tmp_path / "src", {"deps/0001-broken.md": BROKEN, "deps/0002-other.md": f"# Other\n\n{header()}"}
    )
    out = tmp_path / "out"
    expected = "deps/0001-broken.md:4: unknown status 'Accepted'"
    first = sphinx_build(src, out, "-W", "--keep-going")
    second = sphinx_build(src, out, "-W", "--keep-going")  # nothing changed: nothing is read again
    assert (first.returncode, second.returncode) == (1, 1)
    assert [w for w in first.warnings if w.startswith(expected)] == [
        w for w in second.warnings if w.startswith(expected)
    ]
    assert any(w.startswith(expected) for w in second.warnings)
    # Another file changes: the broken one is not read again, and still reported.
    (src / "deps/0002-other.md").write_text(f"# Other, edited\n\n{header()}")
    third = sphinx_build(src, out, "-W", "--keep-going")
    assert third.returncode == 1 and any(w.startswith(expected) for w in third.warnings)
    # Fixed: the next incremental build passes.
    (src / "deps/0001-broken.md").write_text(BROKEN.replace("Accepted", "In Progress"))
    fixed = sphinx_build(src, out, "-W", "--keep-going")
    assert (fixed.returncode, [w for w in fixed.warnings if "[dep." in w]) == (0, [])


def test_a_corpus_error_survives_a_rebuild_too(tmp_path: Path) -> None:
    same = f"# A\n\n```{{dep-meta}}\n:number: 1\n{HEAD}```\n"
    src = write_project(
        tmp_path / "src", {"deps/0001-a.md": same, "deps/0002-b.md": same.replace("# A", "# B")}
    )
    runs = [sphinx_build(src, tmp_path / "out", "-W", "--keep-going") for _ in range(2)]
    for run in runs:
        assert run.returncode == 1
        assert any("[dep.duplicate_number]" in w or "[dep.number]" in w for w in run.warnings), run.warnings


# --------------------------------------------------------------------------------------
# Code from a proposal never runs; files outside the proposals folder are never read
# --------------------------------------------------------------------------------------


def _attempts(marker: Path) -> dict[str, str]:
    touch = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    return {
        "needtable-filter": f"# F\n\n{header()}\n```{{needtable}}\n:filter: {touch} or True\n```\n",
        "needlist-filter": f"# L\n\n{header()}\n```{{needlist}}\n:filter: {touch} or True\n```\n",
        "need-count-role": f"# C\n\n{header()}\nCount: {{need_count}}`{touch} or True`\n",
        "front-matter-substitution": (
            f"---\nmyst:\n  enable_extensions: [substitution]\n---\n# S\n\n{header()}\n"
            f"{{{{ cycler.__init__.__globals__.__builtins__.__import__('pathlib').Path({str(marker)!r}).touch() }}}}\n"
        ),
        "title-dynamic-function": f'# T [[copy("id", filter="{touch} or True")]]\n\n{header()}',
        "decision-dynamic-function": "# D\n\n"
        + header(f':decision: [[copy("id", filter="{touch} or True")]]\n'),
        "variant": "# V\n\n" + header(f":decision: <<[{touch}]:x, y>>\n"),
        "eval-rst-ifconfig": f"# I\n\n{header()}\n```{{eval-rst}}\n.. needtable::\n   :filter: {touch} or True\n```\n",
    }


def test_code_in_a_proposal_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "RAN"
    attempts = _attempts(marker)
    # Can fail: the same filter in a page outside the proposals folder (trusted) does run.
    trusted = write_project(
        tmp_path / "trusted",
        {
            "page.md": attempts["needtable-filter"].replace(header(), ""),
            "deps/0001-x.md": f"# X\n\n{header()}",
        },
    )
    sphinx_build(trusted, tmp_path / "trusted-out")
    assert marker.exists()
    marker.unlink()
    files = {f"deps/{i + 1:04d}-{name}.md": text for i, (name, text) in enumerate(attempts.items())}
    src = write_project(tmp_path / "src", files, conf=CONF + 'myst_enable_extensions = ["substitution"]\n')
    build = sphinx_build(src, tmp_path / "out")
    assert not marker.exists(), build.warnings
    assert build.returncode == 0, build.output


SECRET = "BUILD-MACHINE-SECRET-4711"


def test_no_file_outside_the_proposals_folder_reaches_the_site(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    body = (
        "![x](../../secret.png)\n\n```{figure} ../../secret.png\n```\n\n"
        "A {download}`file <../../secret.txt>`.\n\n```{literalinclude} ../../secret.txt\n```\n\n"
        "```{include} ../../secret.txt\n```\n\n```{csv-table}\n:file: ../../secret.txt\n```\n\n"
        "```{raw} html\n:file: ../../secret.txt\n```\n"
    )
    write_project(src, {"deps/0001-x.md": f"# X\n\n{header()}\n{body}", "deps/inside.png": "PNG"})
    (src / "deps" / "link.png").symlink_to(tmp_path / "secret.png")
    (src / "deps" / "0002-y.md").write_text(f"# Y\n\n{header()}\n![in](inside.png) ![link](link.png)\n")
    build = sphinx_build(src, tmp_path / "out")
    assert build.returncode == 0, build.output
    assert files_mentioning(tmp_path / "out", SECRET) == []
    assert (tmp_path / "out" / "_images" / "inside.png").exists()  # a file in the folder is fine
    file_warnings = [w for w in build.warnings if "[dep.file]" in w or "[dep.directive]" in w]
    assert len(file_warnings) >= 7, build.warnings


def test_a_link_out_of_the_folder_is_not_read_as_a_proposal(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", {"deps/0001-x.md": f"# X\n\n{header()}"})
    (tmp_path / "outside.md").write_text(f"# Outside\n\n{header()}\n{SECRET}\n")
    (src / "deps" / "0002-link.md").symlink_to(tmp_path / "outside.md")
    build = sphinx_build(src, tmp_path / "out")
    assert (
        "deps/0002-link.md:1: a link to a file outside the proposals folder; it is not read [dep.filename]"
        in build.warnings
    )
    assert files_mentioning(tmp_path / "out", SECRET) == []


# --------------------------------------------------------------------------------------
# The build's safety net never fires on the case table: the reader sees all it refuses
# --------------------------------------------------------------------------------------


def test_no_case_needs_the_safety_net() -> None:
    cases = load_cases(BAD / "cases.toml")
    assert not [(name, w) for name, lines in cases.items() for w in lines if "[dep.unread]" in w]


def test_another_markdown_parser_stops_the_build(tmp_path: Path) -> None:
    """Proposals are never parsed without their checks: replacing our parser is refused."""
    ext = tmp_path / "other_parser.py"
    ext.write_text(
        "from myst_parser.parsers.sphinx_ import MystParser\n"
        "class Other(MystParser):\n    pass\n"
        "def setup(app):\n    app.add_source_parser(Other, override=True)\n    return {'parallel_read_safe': True}\n"
    )
    src = write_project(
        tmp_path / "src",
        {"deps/0001-x.md": f"# X\n\n{header()}"},
        conf=f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\n"
        + CONF.replace('["sphinxcontrib_dep"]', '["sphinxcontrib_dep", "other_parser"]'),
    )
    build = sphinx_build(src, tmp_path / "out")
    assert build.returncode != 0
    assert "the markdown parser was replaced by other_parser.Other" in build.output


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")
def test_lint_reads_conf_py_settings(tmp_path: Path) -> None:
    """`dep lint` reads MyST settings from conf.py, as the build does, without running it."""
    text = "# Colon\n\n:::{dep-meta}\n:status: Accepted\n:::\n"
    plain = write_project(tmp_path / "plain", {"deps/0001-x.md": text})
    colon = write_project(
        tmp_path / "colon", {"deps/0001-x.md": text}, conf=CONF + 'myst_enable_extensions = ["colon_fence"]\n'
    )

    def lint(root: Path) -> str:
        return subprocess.run(
            [sys.executable, "-m", "sphinxcontrib_dep.cli", "lint", "--root", str(root), "--color", "never"],
            capture_output=True,
            text=True,
        ).stdout

    assert "[dep.missing_meta]" in lint(plain)
    assert "unknown status 'Accepted'" in lint(colon)


# --------------------------------------------------------------------------------------
# What the red-team review found, held
# --------------------------------------------------------------------------------------


def test_a_public_build_refuses_a_folder_with_pages_of_embargoed_files(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", {"deps/0001-a.md": f"# A\n\n{header()}\nSECRET-STALE\n"})
    out = tmp_path / "out"
    assert sphinx_build(src, out).returncode == 0  # a project build writes the page
    (src / "deps/0001-a.md").write_text(f"# A\n\n{H0}\nSECRET-STALE\n")
    public = sphinx_build(src, out, "-D", "dep_public_build=1")
    assert public.returncode != 0
    assert "public build into a folder holding pages of 1 embargoed file(s)" in public.output
    assert "SECRET" not in public.output
    fresh = sphinx_build(src, tmp_path / "fresh", "-D", "dep_public_build=1")
    assert fresh.returncode == 0 and files_mentioning(tmp_path / "fresh", "SECRET-STALE") == []


def test_embargo_holds_in_hidden_folders_other_encodings_and_against_references(tmp_path: Path) -> None:
    files = {
        "deps/.drafts/0001-a.md": f"---\norphan: true\n---\n# A\n\n{H0}\nSECRET-HIDDEN\n",
        "deps/_old/0002-b.md": f"---\norphan: true\n---\n# B\n\n{H0}\nSECRET-UNDERSCORE\n",
        "deps/0003-c.md": f"# C\n\n{H0}\nSECRET-REFERENCED caf\u00e9\n",
        # A public proposal that tries to copy the embargoed one into the site.
        "deps/0004-pub.md": f"# Pub\n\n{header()}\n{{download}}`x <0003-c.md>` ![x](0003-c.md)\n",
    }
    src = write_project(tmp_path / "src", files)
    (src / "deps" / "0003-c.md").write_bytes(files["deps/0003-c.md"].encode("latin-1"))
    (src / "conf.py").write_text(CONF + 'source_encoding = "latin-1"\n')
    build = sphinx_build(src, tmp_path / "out", "-D", "dep_public_build=1")
    for marker in ("SECRET-HIDDEN", "SECRET-UNDERSCORE", "SECRET-REFERENCED"):
        assert files_mentioning(tmp_path / "out", marker) == [], marker
    assert sum("[dep.file]" in w for w in build.warnings) == 2


def test_a_linked_folder_is_not_followed(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", {"deps/0001-a.md": f"# A\n\n{header()}"})
    (src / "deps" / "loop").symlink_to(src / "deps")
    build = sphinx_build(src, tmp_path / "out")
    assert (
        "deps/loop:1: a link to a folder: nothing in it is read (Sphinx would follow it, loops too) [dep.filename]"
        in build.warnings
    )
    assert not (tmp_path / "out" / "deps" / "loop").exists()
    assert not [w for w in build.warnings if "duplicate_number" in w]


def test_warnings_cannot_write_escapes_or_workflow_commands_into_the_log(tmp_path: Path) -> None:
    body = "```{list-table}\n::add-mask::x\n\x1b]0;T\x07\x1b[2J::error::FORGED\n```\n"
    src = write_project(tmp_path / "src", {"deps/0001-a.md": f"# A\n\n{header()}\n{body}"})
    warnfile = tmp_path / "out-warnings.txt"
    sphinx_build(src, tmp_path / "out")
    text = warnfile.read_text()
    assert "::add-mask::" in text or "list-table" in text  # the echo is there (the check can fail)
    assert "\x1b" not in text and "\x07" not in text
    assert not [line for line in text.splitlines() if line.startswith("::")]


def test_the_gate_reads_the_proposal_the_site_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sphinxcontrib_dep import cli

    write_project(
        tmp_path,
        {
            "deps/0000-evil.md": "# Evil draft\n\n```{dep-meta}\n:number: 7\n:status: Approved\n:authors: @e\n:category: Process\n```\n",
            "deps/0007-real.md": f"# Real\n\n{header()}",
        },
    )
    monkeypatch.chdir(tmp_path)
    assert cli.main(["gate", "--text", "Implements DEP-0007"]) == 1


def test_export_leaves_out_what_a_public_build_leaves_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from sphinxcontrib_dep import cli

    write_project(
        tmp_path,
        {
            "deps/0001-a.md": f"# A\n\n{H5}",  # :embargo: (a look-alike)
            "deps/0002-b.md": f"# B\n\n{header()}\n````{{note}}\n{H0}````\n",
            "deps/0003-c.md": f"# C\n\n{header()}",
        },
    )
    assert cli.main(
        ["export", "--root", str(tmp_path), "--format", "json", "--config", "public_build=true"]
    ) in (0, 1)
    exported = json.loads(capsys.readouterr().out)
    assert [d["number"] for d in exported["deps"]] == [3]


def test_a_graph_that_cannot_be_drawn_fails_every_build(tmp_path: Path) -> None:
    """A view's warning comes when its page is written: the page is written again until fixed."""
    index = INDEX + "\n```{dep-graph}\n```\n"
    src = write_project(
        tmp_path / "src",
        {
            "deps/0001-a.md": f"# A\n\n{header()}",
            "deps/0002-b.md": "# B\n\n" + header(":replaces: DEP-0001\n"),
        },
        conf=CONF + 'dep_graph_engine = "false"\n',
        index=index,
    )
    runs = [sphinx_build(src, tmp_path / "out", "-W", "--keep-going") for _ in range(2)]
    for run in runs:
        assert run.returncode == 1
        assert any("[dep.graph]" in w for w in run.warnings), run.warnings
    (src / "conf.py").write_text(CONF)
    fixed = sphinx_build(src, tmp_path / "out", "-W", "--keep-going")
    assert not any("[dep.graph]" in w for w in fixed.warnings)
