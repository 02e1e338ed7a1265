"""The tutorial's commands turn each stage of its proposal into the next, exactly as shown.

``docs/tutorial.md`` shows five stages of one proposal (``docs/examples/tutorial/<n>-*/``)
and, between them, ``dep`` commands in ``bash`` blocks. For each move this test writes the
next stage as the author leaves it before running the commands (their hand edits done, the
lines the commands write not yet there), runs the page's commands, and compares every file,
names included, with the next stage as printed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import CONF, REPO, Shell, bash_blocks

TUTORIAL = REPO / "docs" / "tutorial.md"
STAGES = REPO / "docs" / "examples" / "tutorial"


def stage(name: str) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((STAGES / name / "deps").glob("*.md"))}


def with_status(text: str, status: str) -> str:
    return re.sub(r"^:status: .*$", f":status: {status}", text, count=1, flags=re.M)


def without(text: str, option: str) -> str:
    result, count = re.subn(rf"^:{option}: .*\n", "", text, flags=re.M)
    assert count == 1, f"the stage has no :{option}: line"
    return result


def before_commands(index: int) -> dict[str, str]:
    """The files as the author leaves them before the commands of move ``index``."""
    if index == 0:  # In Progress -> Under Review
        ((name, text),) = stage("2-under-review").items()
        return {name: with_status(text, "In Progress")}
    if index == 1:  # numbered, Under Review -> Approved
        ((name, text),) = stage("3-approved").items()
        return {name.replace("0001-", "0000-"): without(with_status(text, "Under Review"), "number")}
    if index == 2:  # Approved -> Implemented
        ((name, text),) = stage("4-implemented").items()
        return {name: with_status(text, "Approved")}
    files = stage("5-superseded")  # DEP-0001 Implemented, DEP-0002 approved without :replaces:
    return {
        "0001-webhook-retries.md": stage("4-implemented")["0001-webhook-retries.md"],
        "0002-webhook-delivery-log.md": without(files["0002-webhook-delivery-log.md"], "replaces"),
    }


AFTER = ["2-under-review", "3-approved", "4-implemented", "5-superseded"]


def test_the_tutorial_shows_one_command_block_per_move() -> None:
    assert len(bash_blocks(TUTORIAL.read_text())) == len(AFTER)


def test_each_stage_follows_from_the_last() -> None:
    # The hand edits are small: the file before the commands differs from the previous
    # stage only in the lines the text says the author writes.
    first = stage("1-draft")["0000-webhook-retries.md"]
    second = before_commands(0)["0000-webhook-retries.md"]
    added = [line for line in second.splitlines() if line not in first.splitlines()]
    assert [line.split(":")[1] for line in added] == [
        "sponsor",
        "required-reviewers",
        "review-requested",
        "review-date",
    ]


@pytest.mark.parametrize("index", range(len(AFTER)), ids=AFTER)
def test_commands_turn_a_stage_into_the_next(index: int, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "deps").mkdir(parents=True)
    (project / "conf.py").write_text(CONF)
    for name, text in before_commands(index).items():
        (project / "deps" / name).write_text(text)

    shell = Shell(project)
    for command in bash_blocks(TUTORIAL.read_text())[index]:
        result = shell.run(command)
        assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"

    after = {p.name: p.read_text() for p in sorted((project / "deps").glob("*.md"))}
    assert after == stage(AFTER[index])


def test_a_move_the_lifecycle_forbids_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(STAGES / "5-superseded", project)
    (project / "conf.py").write_text(CONF)
    result = Shell(project).run('dep status 1 "In Progress"')
    assert result.returncode != 0
    assert (
        stage("5-superseded")["0001-webhook-retries.md"]
        == (project / "deps" / "0001-webhook-retries.md").read_text()
    )
