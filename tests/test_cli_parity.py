"""``dep lint`` and ``sphinx-build`` report the same problems for the same inputs.

The table ``tests/fixtures/bad/cases.toml`` lists, per broken project, the exact warnings
Sphinx gives (``tests/test_bad_inputs.py`` holds Sphinx to it); here ``dep lint`` is held to
the same lines, in the same order, with its exit code, so the two agree case by case. A new
rule's case joins both tests at once. This is the one parity test: the lint command runs
the core's ``lint_paths`` pipeline, so a test of that pipeline alone would check less.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import CASES, TABLE, lint_expected, make_case

from sphinxcontrib_dep import cli


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
    if case.get("sphinx_only") or case.get("lint_only"):
        assert len(case.get("why", "")) > 20, "say why only one side sees it"
    expected = lint_expected(name)
    code, lines = lint_lines(root, capsys)
    assert lines == expected  # the same lines, in the same order
    if any("[dep.encoding]" in line for line in expected):
        assert code == 2  # unreadable input
    else:
        assert code == (1 if expected else 0)
