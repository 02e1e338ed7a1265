"""``dep lint`` and ``sphinx-build`` report the same problems for the same inputs.

The table ``tests/fixtures/bad/cases.toml`` lists, per broken project, the exact warnings
Sphinx gives (``tests/test_bad_inputs.py`` holds Sphinx to it); here ``dep lint`` is held to
the same lines, so the two agree case by case. A new rule's case joins both tests at once.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, load_cases
from test_bad_inputs import make_case

from sphinxcontrib_dep import cli

BAD = FIXTURES / "bad"
CASES = load_cases(BAD / "cases.toml")


def conf_overrides(conf: Path) -> list[str]:
    """``--config`` flags for the ``dep_*`` settings a case's conf.py assigns literally."""
    if not conf.exists():
        return []
    flags = []
    for node in ast.parse(conf.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.startswith("dep_"):
                value = ast.literal_eval(node.value)
                text = json.dumps(value) if isinstance(value, (list, tuple)) else str(value)
                flags += ["--config", f"{name[4:]}={text}"]
    return flags


def lint_lines(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = cli.main(["lint", "--root", str(root), "--color", "never", *conf_overrides(root / "conf.py")])
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("name", sorted(CASES))
def test_lint_reports_what_sphinx_reports(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_case(name, tmp_path / name)  # as test_bad_inputs prepares it for Sphinx
    # Sphinx's own warnings (toctree, MyST syntax) have no dep.* code; every dep.* line is ours.
    expected = [line for line in CASES[name] if "[dep." in line]
    code, lines = lint_lines(root, capsys)
    assert sorted(lines) == sorted(expected)
    if any("[dep.encoding]" in line for line in expected):
        assert code == 2  # unreadable input
    else:
        assert code == (1 if expected else 0)


def test_every_case_is_compared() -> None:
    assert {p.name for p in BAD.iterdir() if p.is_dir()} == set(CASES)
