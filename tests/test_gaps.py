"""``dep gaps``, ``dep triage --prs`` and ``dep gate --pr`` over thirty recorded pull requests.

``fixtures/github/merged-prs.json`` is what ``gh pr list --state merged --json
number,title,body,author,mergedAt,additions,files,url`` prints, newest first: thirty pull
requests modelled on the ones the real drafts name (``0000-dep-process-improvements.md``:
the unix domain socket transport #7197 +1,934, the concurrent KV event consumer #7293
+1,276, the standalone KV indexer runtime #7295 +1,139, the KV router scheduling overhaul
#7260/#7339/#7395/#7462, FastTokens, a pluggable scheduling policy, the Anthropic Messages
API), with small fixes, bots, docs-only changes, and pull requests naming a proposal in
every way one does (an id, ``DEP 1``, a non-breaking hyphen, a link to the file).
``fixtures/github/rest-pulls.json`` holds nine of them as the REST API prints them
(``gh api --paginate --slurp``, two pages, files attached), one closed unmerged.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from triage_project import TODAY, triage_project

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core import gaps, github
from sphinxcontrib_dep.core.config import DepConfig

FIXTURES = Path(__file__).parent / "fixtures" / "github"
GH = FIXTURES / "merged-prs.json"
REST = FIXTURES / "rest-pulls.json"

#: The pull requests that need a proposal and name none, largest first.
EXPECTED_GAPS = [7197, 7433, 7260, 7492, 7421, 7293, 7295, 7480, 7455, 7494, 7461]

#: Every other one, and why it is not a gap.
EXPECTED_PASSED = {
    7497: "names DEP-0004",
    7496: "changes no file an area owns",
    7495: "changes no file an area owns",
    7493: "names DEP-0006",
    7491: "names DEP-0003",
    7490: "by a bot (app/renovate)",
    7462: "names DEP-0001",
    7481: "adds 10 lines, fewer than 200",
    7471: "names DEP-0002",
    7470: "changes no file an area owns",
    7463: "changes no file an area owns",
    7460: "adds 199 lines, fewer than 200",
    7456: "adds 35 lines, fewer than 200",
    7452: "changes no file an area owns",
    7451: "by a bot (app/dependabot)",
    7450: "adds 12 lines, fewer than 200",
    7410: "changes no file an area owns",
    7395: "names DEP-0001",
    7339: "names DEP-0001",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gaps") / "repo"
    triage_project(root)
    return root


def run(root: Path, command: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([command, "--root", str(root), "--today", TODAY, "--color", "never", *args])
    return code, out.getvalue(), err.getvalue()


def test_the_fixtures_are_thirty_pull_requests_in_gh_shape() -> None:
    raw = json.loads(GH.read_text(encoding="utf-8"))
    assert len(raw) == 30
    assert {tuple(sorted(pr)) for pr in raw} == {
        ("additions", "author", "body", "files", "mergedAt", "number", "title", "url")
    }
    # additions is the sum over the files, as GitHub counts it.
    assert all(pr["additions"] == sum(f["additions"] for f in pr["files"]) for pr in raw)
    assert len(github.read_pull_requests(GH)) == 30


def test_exactly_the_expected_pull_requests_are_flagged(project: Path) -> None:
    code, out, err = run(project, "gaps", "--prs", str(GH), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [row["number"] for row in data["gaps"]] == EXPECTED_GAPS
    assert {row["number"]: row["reason"] for row in data["passed"]} == EXPECTED_PASSED
    assert (data["pull_requests"], data["min_additions"], data["since"]) == (30, 200, None)
    by_number = {row["number"]: row for row in data["gaps"]}
    # The largest one the drafts name: two areas, so both teams and their owners are asked.
    assert by_number[7197] == {
        "number": 7197,
        "title": "feat: unix domain socket transport for intra-node requests",
        "url": "https://github.com/ai-dynamo/dynamo/pull/7197",
        "author": "ziqifan",
        "merged_at": "2026-01-14",
        "additions": 1934,
        "areas": [
            {
                "area": "kv-memory",
                "name": "KV/Memory",
                "team": "@ai-dynamo/kv-memory",
                "owners": ["@rpei", "@ziqifan"],
            },
            {
                "area": "core-platform",
                "name": "Core Platform",
                "team": "@ai-dynamo/core-platform",
                "owners": ["@nnshah1"],
            },
        ],
        "unknown_ids": [],
    }
    assert gaps.ask(by_number[7197]) == [
        "@ai-dynamo/kv-memory",
        "@rpei",
        "@ziqifan",
        "@ai-dynamo/core-platform",
        "@nnshah1",
    ]
    # Naming a proposal nobody wrote does not close the gap; the report says which id.
    assert by_number[7421]["unknown_ids"] == ["DEP-0042"]


def test_the_markdown_is_the_expected_report(project: Path) -> None:
    code, out, _ = run(project, "gaps", "--prs", str(GH), "--format", "markdown")
    assert code == 0
    assert out == (FIXTURES / "expected-gaps.md").read_text(encoding="utf-8")


def test_the_rest_api_shape_gives_the_same_answers(project: Path) -> None:
    code, out, err = run(project, "gaps", "--prs", str(REST), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [row["number"] for row in data["gaps"]] == [7197, 7433, 7492, 7494]
    assert {row["number"]: row["reason"] for row in data["passed"]} == {
        7497: "names DEP-0004",
        7493: "names DEP-0006",
        7451: "by a bot (dependabot[bot])",
        7339: "names DEP-0001",
        7499: "not merged",
    }


def test_the_threshold_is_one_setting_and_an_option(project: Path) -> None:
    def flagged(*args: str) -> list[int]:
        code, out, _ = run(project, "gaps", "--prs", str(GH), "--format", "json", *args)
        assert code == 0
        return [row["number"] for row in json.loads(out)["gaps"]]

    large = [7197, 7433, 7260, 7492, 7421, 7293, 7295, 7480]
    assert flagged("--min-additions", "1000") == large
    assert flagged("--config", "gap_min_additions=1000") == large
    # The boundary: 199 added lines is under 200, 200 is not.
    assert 7460 in flagged("--min-additions", "199")


def test_since_keeps_the_pull_requests_merged_since(project: Path) -> None:
    code, out, _ = run(project, "gaps", "--prs", str(GH), "--format", "json", "--since", "2026-03-01")
    assert code == 0
    data = json.loads(out)
    assert [row["number"] for row in data["gaps"]] == [7492, 7480, 7494]
    assert sum(row["reason"] == "merged before 2026-03-01" for row in data["passed"]) == 18


def test_without_areas_nothing_is_flagged_and_each_says_why(project: Path) -> None:
    pulls = github.read_pull_requests(GH)
    data = gaps.design_gaps(pulls, [], DepConfig())
    assert data["gaps"] == []
    assert {row["reason"] for row in data["passed"] if row["number"] == 7197} == {
        "no areas are declared (dep_areas)"
    }


def test_the_weekly_triage_adds_the_gaps_since_the_last_meeting(project: Path) -> None:
    code, out, _ = run(project, "triage", "--prs", str(GH), "--since", "2026-03-01", "--format", "markdown")
    assert code == 0
    assert "## Merged without a proposal: 200+ added lines in an area's code\n" in out
    rows = [line for line in out.splitlines() if line.startswith("| [\\#")]
    assert [row.split("](")[0] for row in rows] == [
        "| [\\#&#8288;7492",
        "| [\\#&#8288;7480",
        "| [\\#&#8288;7494",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "[{",
            "dep gaps: --prs: {path}: line 1 column 3: not JSON: Expecting property name enclosed in double quotes",
        ),
        (
            '[{"number": 1, "title": "x", "files": [{"path": 3}]}]',
            "dep gaps: --prs: {path}: $[0].files[0].path: expected text, found a number",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_a_located_usage_error(
    project: Path, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "prs.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(project, "gaps", "--prs", str(path))
    assert (code, out) == (2, "")
    assert err.strip().splitlines()[-1] == message.format(path=path)


# --------------------------------------------------------------------------------------
# dep gate --pr: the same threshold
# --------------------------------------------------------------------------------------


def _one(tmp_path: Path, number: int) -> Path:
    """The pull request as `gh pr view N --json title,body,additions,files,...` prints it."""
    (found,) = [pr for pr in json.loads(GH.read_text(encoding="utf-8")) if pr["number"] == number]
    path = tmp_path / f"pr-{number}.json"
    path.write_text(json.dumps(found), encoding="utf-8")
    return path


def test_gate_requires_a_proposal_of_a_large_pull_request_in_an_area(project: Path, tmp_path: Path) -> None:
    code, out, _ = run(project, "gate", "--pr", str(_one(tmp_path, 7197)))
    assert (code, out) == (
        1,
        "no proposal is named; one is required (#7197 adds 1,934 lines in KV/Memory, Core Platform code)\n",
    )


@pytest.mark.parametrize(
    ("number", "args", "code", "out"),
    [
        (7450, (), 0, "no proposal is named\n"),  # 12 lines
        (
            7450,
            ("--min-additions", "10"),
            1,
            "no proposal is named; one is required (#7450 adds 12 lines in Router code)\n",
        ),
        (7451, (), 0, "no proposal is named\n"),  # dependabot
        (7410, (), 0, "no proposal is named\n"),  # no area's code
        (7339, (), 0, "ok   DEP-0001 (KV-Aware Routing): Approved\n"),
        # A link to the proposal's file names it, as dep gaps reads it.
        (7395, (), 0, "ok   DEP-0001 (KV-Aware Routing): Approved\n"),
        (
            7471,
            (),
            1,
            "FAIL DEP-0002 (Unix Domain Socket Transport): Under Review; it must be Approved or Implemented "
            "before this merges\n",
        ),
    ],
)
def test_gate_with_a_pull_request(
    project: Path, tmp_path: Path, number: int, args: tuple[str, ...], code: int, out: str
) -> None:
    found = run(project, "gate", "--pr", str(_one(tmp_path, number)), *args)
    assert found[:2] == (code, out)


def test_gate_setting_and_misuse(project: Path, tmp_path: Path) -> None:
    path = _one(tmp_path, 7461)  # 200 lines in KV/Memory
    assert run(project, "gate", "--pr", str(path))[0] == 1
    assert run(project, "gate", "--pr", str(path), "--config", "gap_min_additions=201")[:2] == (
        0,
        "no proposal is named\n",
    )
    code, _, err = run(project, "gate", "--text", "x", "--min-additions", "5")
    assert (code, err) == (2, "dep gate: --min-additions goes with --pr FILE\n")
    code, _, err = run(project, "gate", "--pr", str(GH))
    assert code == 2
    assert err == f"dep gate: --pr: {GH} holds 30 pull requests, not one\n"


def test_what_a_pull_request_says_reaches_no_output_as_markup(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A title is anyone's text: inert in Markdown (no HTML, mention, reference or link), no
    control sequence on a terminal, a plain string in JSON; read from stdin as from a file."""
    hostile = {
        "number": 9001,
        "title": "<script>alert(1)</script> @everyone #1 [x](javascript:alert(1)) \x1b]8;;http://evil\x07\x1b[2J",
        "body": "",
        "author": {"login": "mallory", "is_bot": False},
        "mergedAt": "2026-03-20T00:00:00Z",
        "additions": 999,
        "files": [{"path": "lib/llm/src/kv_router/x.rs", "additions": 999, "deletions": 0}],
        "url": "https://github.com/ai-dynamo/dynamo/pull/9001",
    }
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps([hostile])))
    code, out, _ = run(project, "gaps", "--prs", "-", "--format", "markdown")
    assert code == 0
    (row,) = [line for line in out.splitlines() if "9001" in line]
    assert row.split(" | ")[1] == (
        "&lt;script&gt;alert(1)&lt;/script&gt; @&#8288;everyone \\#&#8288;1 \\[x\\](javascript:alert(1)) "
        "\\\\x1b\\]8;;http:&#8288;//evil\\\\x07\\\\x1b\\[2J"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps([hostile])))
    code, out, _ = run(project, "gaps", "--prs", "-", "--format", "text")
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps([hostile])))
    code, out, _ = run(project, "gaps", "--prs", "-", "--format", "json")
    assert json.loads(out)["gaps"][0]["title"] == hostile["title"]
    assert "\x1b" not in out
