"""Tier 3: each broken input gives exactly its warnings, located, and the build goes on."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import BAD, CASES, CONF, TABLE, build_in_process, make_case, sphinx_build


def test_every_case_has_a_folder() -> None:
    folders = {p.name for p in BAD.iterdir() if p.is_dir()}
    inline = {name for name, case in TABLE.items() if "files" in case}
    assert not folders & inline
    assert folders | inline == set(CASES)


def test_every_warning_code_has_a_case() -> None:
    """Each rule's subtype is shown by a case, or the table's ``[untested]`` says why not."""
    from sphinxcontrib_dep.core.diagnostics import Code

    shown = {
        line.rsplit("[dep.", 1)[1].rstrip("]")
        for lines in CASES.values()
        for line in lines
        if "[dep." in line
    }
    exempt = TABLE.get("untested", {}).get("codes", {})
    assert {code.value for code in Code} - shown == set(exempt), (
        "add a case, or say in [untested] why none can exist"
    )
    assert all(len(why) > 20 for why in exempt.values())


@pytest.mark.parametrize("name", sorted(CASES))
def test_sphinx_reports_exactly(name: str, tmp_path: Path) -> None:
    srcdir = make_case(name, tmp_path / "src")
    build = build_in_process(srcdir, tmp_path / "out")
    assert build.warnings == CASES[name]
    # The build goes on: every proposal still has its page, but for undecodable ones.
    from sphinxcontrib_dep.core import project

    excluded = project.load(srcdir).exclude_patterns()
    for source in (srcdir / "deps").rglob("*.*"):
        relative = source.relative_to(srcdir).as_posix()
        if source.suffix not in {".md", ".rst"} or project.matches(relative, excluded):
            continue  # Sphinx reads no other file (dep.filename says so for `.MD`), nor an excluded one
        if any(
            w.startswith(f"{relative}:") and "[dep.filename]" in w and "not read" in w for w in build.warnings
        ):
            continue  # a second file for one page, a name holding control characters
        unreadable = any(
            w.startswith(f"{source.relative_to(srcdir).as_posix()}:") and "[dep.encoding]" in w
            for w in build.warnings
        )
        page = build.outdir / source.relative_to(srcdir).with_suffix(".html")
        assert page.exists() != unreadable


def test_warnings_fail_the_build_under_W(tmp_path: Path) -> None:
    srcdir = make_case("unknown-status", tmp_path / "src")
    build = sphinx_build(srcdir, tmp_path / "out", "-W")
    assert build.returncode == 1
    assert build.warnings == CASES["unknown-status"]


def test_suppress_warnings_silences_one_rule(tmp_path: Path) -> None:
    srcdir = make_case("unknown-status", tmp_path / "src")
    (srcdir / "conf.py").write_text(CONF + 'suppress_warnings = ["dep.status"]\n')
    build = sphinx_build(srcdir, tmp_path / "out", "-W")
    assert (build.returncode, build.warnings) == (0, [])
