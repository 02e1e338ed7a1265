"""Tier 3: each broken input gives exactly its warnings, located, and the build goes on."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import CONF, FIXTURES, INDEX, build_in_process, load_cases, sphinx_build

BAD = FIXTURES / "bad"
CASES = load_cases(BAD / "cases.toml")
TABLE = tomllib.loads((BAD / "cases.toml").read_text())


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
