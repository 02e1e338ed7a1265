"""``dep index``, ``dep export`` and ``dep report``: the tables of report.py on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from sphinxcontrib_dep import cli

TODAY = "2026-11-28"


def proposal(title: str, **options: str) -> str:
    lines = [f"# {title}", "", "```{dep-meta}"]
    lines += [f":{name.replace('_', '-')}: {value}" for name, value in options.items()]
    return "\n".join([*lines, "```", "", "## Summary", "", "Text.", ""])


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    (root / "deps").mkdir(parents=True)
    (root / "deps" / "0001-alpha.md").write_text(
        proposal("Alpha", status="Approved", authors="@a", category="Process", review_date="2026-10-01")
    )
    (root / "deps" / "0002-beta.md").write_text(
        proposal(
            "Beta",
            status="Under Review",
            authors="@b, Jane Doe",
            category="Architecture",
            sponsor="@s",
            required_reviewers="@r (approved), @q",
            review_date="2026-11-20",
        )
    )
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.usefixtures("proj")
def test_index_piped_is_tab_separated(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "index")
    assert code == 0
    assert out == (
        "# Numerical index\n"
        "ID\tTitle\tStatus\tAuthors\tCategory\n"
        "DEP-0001\tAlpha\tApproved\t@a\tProcess\n"
        "DEP-0002\tBeta\tUnder Review\t@b, Jane Doe\tArchitecture\n"
    )


@pytest.mark.usefixtures("proj")
def test_index_on_a_terminal_is_an_aligned_coloured_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "index", "--color", "always")
    assert code == 0
    assert out.splitlines()[0] == "\x1b[1mNumerical index\x1b[0m"
    assert "DEP-0001  Alpha  \x1b[32mApproved\x1b[0m" in out


@pytest.mark.usefixtures("proj")
def test_index_json_is_the_deps_json_document(capsys: pytest.CaptureFixture[str]) -> None:
    from sphinxcontrib_dep.core import report

    code, out, _ = run(capsys, "index", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [d["id"] for d in data["deps"]] == ["DEP-0001", "DEP-0002"]
    assert data["schema_version"] == report.SCHEMA_VERSION
    # The schema ships with the package (a missing file fails here, it does not skip).
    schema = json.loads(report.SCHEMA_PATH.read_text())
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert run(capsys, "export")[1] == out  # export's default is the same document


@pytest.mark.usefixtures("proj")
def test_index_markdown_csv_and_by_status(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys, "index", "--format", "markdown")[1]
    assert "| DEP-0002 | Beta | Under Review | @&#8288;b, Jane Doe | Architecture |" in out
    out = run(capsys, "index", "--format", "csv")[1]
    assert out.splitlines()[0] == "Table,ID,Title,Status,Authors,Category"
    out = run(capsys, "index", "--by", "status")[1]
    assert "# Approved\n" in out and "# Under Review\n" in out


def test_export_writes_a_file_once(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "-o", "deps.json")
    assert (code, out) == (0, "wrote deps.json\n")
    first = (proj / "deps.json").read_text()
    assert json.loads(first)["schema_version"] == 2
    code, _, err = run(capsys, "export", "-o", "deps.json", "--format", "csv")
    assert code == 1
    assert "deps.json already exists; not overwritten (give --force to replace it)" in err
    assert (proj / "deps.json").read_text() == first
    code, out, err = run(capsys, "export", "-o", "deps.json", "--format", "csv", "--force", "--dry-run")
    assert code == 0 and out.startswith("--- a/deps.json\n+++ b/deps.json\n")
    assert (proj / "deps.json").read_text() == first
    code, out, _ = run(capsys, "export", "-o", "deps.json", "--force")
    assert (code, out) == (0, "deps.json: unchanged\n")


@pytest.mark.usefixtures("proj")
def test_report_lists_reviews(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "--today", TODAY, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [row["id"] for row in data["under_review"]] == ["DEP-0002"]
    assert data["under_review"][0]["due"] == "overdue by 8 days"
    assert [row["id"] for row in data["approved_unimplemented"]] == ["DEP-0001"]
    out = run(capsys, "report", "--today", TODAY, "--color", "always")[1]
    assert "\x1b[31moverdue by 8 days\x1b[0m" in out
    out = run(capsys, "report", "--today", TODAY, "--format", "markdown")[1]
    assert "## Under review" in out


def test_index_notes_problems_but_still_lists(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "deps" / "0003-bad.md").write_text(proposal("Bad", status="Accepted"))
    code, out, err = run(capsys, "index")
    assert code == 0
    assert "DEP-0003\tBad" in out
    assert "problem" in err and "see `dep lint`" in err


@pytest.mark.usefixtures("proj")
def test_index_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "index", "--format", "yaml")
    assert code == 2 and "invalid choice: 'yaml'" in err
    code, _, err = run(capsys, "report", "--root", "nowhere")
    assert code == 2 and "--root nowhere: no such folder" in err
