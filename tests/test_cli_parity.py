"""``dep lint`` and ``sphinx-build`` report the same problems for the same inputs.

The table ``tests/fixtures/bad/cases.toml`` lists, per broken project, the exact warnings
Sphinx gives (``tests/test_bad_inputs.py`` holds Sphinx to it); here ``dep lint`` is held to
the same lines, so the two agree case by case. A new rule's case joins both tests at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, load_cases
from test_bad_inputs import TABLE, make_case

from sphinxcontrib_dep import cli

BAD = FIXTURES / "bad"
CASES = load_cases(BAD / "cases.toml")


def lint_lines(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    # No flags: `dep lint` reads the case's conf.py (dep_* and myst_* values) itself.
    code = cli.main(["lint", "--root", str(root), "--color", "never"])
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("name", sorted(CASES))
def test_lint_reports_what_sphinx_reports(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_case(name, tmp_path / name)  # as test_bad_inputs prepares it for Sphinx
    # Sphinx's own warnings (toctree, MyST syntax) have no dep.* code; every dep.* line is ours,
    # but those the case lists under ``sphinx_only`` (with ``why``: a page outside the
    # proposals folder, which `dep lint` does not read).
    case = TABLE.get(name, {})
    sphinx_only = set(case.get("sphinx_only", []))
    lint_only = list(case.get("lint_only", []))
    assert not (sphinx_only or lint_only) or len(case.get("why", "")) > 20, "say why only one sees it"
    expected = [line for line in CASES[name] if "[dep." in line and line not in sphinx_only] + lint_only
    code, lines = lint_lines(root, capsys)
    assert lines == expected  # the same lines, in the same order
    if any("[dep.encoding]" in line for line in expected):
        assert code == 2  # unreadable input
    else:
        assert code == (1 if expected else 0)


def test_every_case_is_compared() -> None:
    inline = {name for name, case in TABLE.items() if "files" in case}
    assert {p.name for p in BAD.iterdir() if p.is_dir()} | inline == set(CASES)
