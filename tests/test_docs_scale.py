"""The page "Running the process at scale" stays true to the code: every ``dep`` command it
shows is one the command line reads, the ``gh`` calls ask for the fields the readers need,
its settings are valid settings, and the commands it walks through run on this project."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib

import pytest
from helpers import REPO

from sphinxcontrib_dep.cli.parser import build_parser
from sphinxcontrib_dep.core.config import DepConfig

PAGE = (REPO / "docs" / "scale.md").read_text(encoding="utf-8")

#: Every ``dep`` command of the page: its bash blocks and the CI recipe's ``run:`` lines.
COMMANDS = [
    line.strip().removeprefix("- run: ").split(" | ")[0].split(" && ")[0]
    for line in PAGE.splitlines()
    if re.match(r"\s*(- run: )?dep ", line)
]
GH = [line for line in PAGE.replace("\\\n", " ").splitlines() if "gh pr " in line]


def test_the_page_shows_the_commands_of_each_step() -> None:
    names = {shlex.split(command)[1] for command in COMMANDS}
    assert {"new", "triage", "gaps", "related", "discussion"} <= names
    assert len(GH) >= 3


@pytest.mark.parametrize("command", COMMANDS)
def test_every_dep_command_on_the_page_is_read_by_the_command_line(command: str) -> None:
    words = shlex.split(command)[1:]
    try:
        build_parser().parse_args(words)
    except SystemExit as exit:  # argparse's way of refusing
        pytest.fail(f"{command!r}: the command line refuses it ({exit})")


@pytest.mark.parametrize("line", GH)
def test_the_gh_calls_ask_for_what_the_readers_need(line: str) -> None:
    fields = set(re.search(r"--json (\S+)", line).group(1).split(","))  # type: ignore[union-attr]
    assert {"number", "title", "body", "author", "mergedAt", "additions", "files", "url"} <= fields


def test_the_areas_it_declares_are_valid_settings() -> None:
    block = PAGE.split("```toml\n", 1)[1].split("```", 1)[0]
    areas = tomllib.loads(block)["tool"]["dep"]["areas"]
    config = DepConfig(areas=areas)
    assert [area for area in config.areas] == ["router", "kv-memory"]


@pytest.mark.parametrize(
    "argv", [["related", "11"], ["triage", "--format", "markdown"], ["discussion", "fetch-plan"]]
)
def test_the_walkthrough_runs_on_this_project(argv: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sphinxcontrib_dep.cli", *argv], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
