"""``dep triage`` and the core triage: a scripted history's triage matches the expected report exactly."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from triage_project import TODAY, proposal, triage_project

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core import triage
from sphinxcontrib_dep.core.config import DepConfig
from sphinxcontrib_dep.core.config import load as load_config
from sphinxcontrib_dep.core.history import Commit, FileHistory
from sphinxcontrib_dep.core.model import Dep, Person, Reviewer, ReviewStatus, Status

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="git is not installed"
)

EXPECTED = Path(__file__).parent / "fixtures" / "triage"


#: What lint and the build report of the scripted project: three proposals Under Review
#: without a person in charge (the triage lists them as untriaged), and DEP-0006's missing
#: reviewer.
LINT_PROBLEMS = [
    *(
        f"deps/{name}.md:4: Under Review needs a person in charge: name one of its areas' owners in :pic: "
        "[dep.pic_missing]"
        for name in ("0002-unix-socket-transport", "0003-kv-event-consumer", "0006-config-consolidation")
    ),
    "deps/0006-config-consolidation.md:4: Under Review needs a sponsor, at least one required "
    "reviewer and a review date; missing a required reviewer (:required-reviewers:) [dep.review_incomplete]",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("triage") / "repo"
    triage_project(root)
    return root


def run(root: Path, command: str, *args: str) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([command, "--root", str(root), "--today", TODAY, "--color", "never", *args])
    return code, out.getvalue(), err.getvalue()


def test_the_triage_of_the_scripted_history_is_the_expected_markdown(project: Path) -> None:
    code, out, err = run(project, "triage", "--format", "markdown")
    assert code == 0, err
    assert out == (EXPECTED / "expected-triage.md").read_text(encoding="utf-8")
    # DEP-0006 is Under Review without required reviewers: dep lint says so, the triage lists it.
    assert err == "dep triage: 4 problems in the proposals (see `dep lint`)\n"


def test_the_triage_as_json_is_the_expected_document(project: Path) -> None:
    code, out, _ = run(project, "triage", "--format", "json")
    assert code == 0
    assert json.loads(out) == json.loads((EXPECTED / "expected-triage.json").read_text(encoding="utf-8"))


def test_since_moves_what_is_new(project: Path) -> None:
    code, out, _ = run(project, "triage", "--format", "json", "--since", "2025-06-08")
    assert code == 0
    data = json.loads(out)
    assert data["since"] == "2025-06-08"
    assert [(row["title"], row["created"]) for row in data["new"]] == [
        ("Concurrent KV Event Consumer", "2025-06-09"),
        ("FastTokens BPE Integration", "2025-06-10"),
        ("Pluggable Scheduling Policy", None),
    ]


def test_the_stalled_days_setting_moves_what_is_stalled(project: Path) -> None:
    code, out, _ = run(project, "triage", "--format", "json", "--config", "stalled_days=60")
    assert code == 0
    stalled = {row["id"]: row["reasons"] for row in json.loads(out)["stalled"]}
    assert stalled == {
        "DEP-0002": ["review date 2025-06-10 passed 3 days ago"],
        "DEP-0004": ["no commit for 73 days"],
        "DEP-0006": ["no required reviewers"],
    }


def test_the_created_date_follows_a_renamed_file(project: Path) -> None:
    """DEP-0004 was drafted as 0000-kv-indexer-runtime.md on 2025-03-03 and numbered on 2025-04-01."""
    code, out, _ = run(project, "triage", "--format", "json", "--since", "2025-01-01")
    assert code == 0
    created = {row["title"]: row["created"] for row in json.loads(out)["new"]}
    assert created["Standalone KV Indexer Runtime"] == "2025-03-03"


def test_without_git_the_report_says_so_and_judges_no_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "deps").mkdir()
    (tmp_path / "conf.py").write_text('extensions = ["sphinxcontrib_dep"]\n', encoding="utf-8")
    (tmp_path / "deps" / "0000-idea.md").write_text(proposal("An Idea", "In Progress"), encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, out, err = run(tmp_path, "triage", "--format", "markdown")
    assert code == 0, err
    assert out.startswith(
        "# DEP triage, 2025-06-13\n\n_no history: not a git work tree_\n\n## New since 2025-06-06\n"
    )
    assert "| draft | An Idea | In Progress | priority, review date |" in out
    assert "## Stalled: no commit for 14 days, no reviewers, or review date passed\n\n| ID |" in out
    assert out.count("_None._") == 3  # new, stalled, reviews due


# --------------------------------------------------------------------------------------
# The core function, over proposals that carry an area, a PIC and a priority
# --------------------------------------------------------------------------------------

CONFIG = DepConfig(
    areas={
        "router": {
            "name": "Router",
            "team": "@ai-dynamo/router",
            "owners": ["@rpei"],
            "paths": ["lib/router/"],
        },
    }
)


def _history(created: str, last: str) -> FileHistory:
    def commit(day: str) -> Commit:
        return Commit("0" * 40, datetime.fromisoformat(day).replace(tzinfo=UTC), "Someone")

    return FileHistory(
        path="x.md", created=commit(created), created_status="In Progress", last_changed=commit(last)
    )


def test_a_triaged_proposal_is_not_listed_as_missing_anything() -> None:
    triaged = Dep(
        title="Triaged",
        number=7,
        status=Status.UNDER_REVIEW,
        path="deps/0007-triaged.md",
        areas=["router"],
        pic=Person(handle="rpei"),
        priority="P1",
        review_date=date(2025, 6, 1),
        reviewers=[Reviewer(Person(handle="dave"), ReviewStatus.REVIEWING)],
    )
    untouched = Dep(title="Bare", number=8, status=Status.IN_PROGRESS, path="deps/0008-bare.md")
    settled = Dep(title="Done", number=9, status=Status.IMPLEMENTED, path="deps/0009-done.md")
    secret = Dep(title="Secret", status=Status.IN_PROGRESS, path="deps/0000-secret.md", embargoed=True)
    history = {
        "deps/0007-triaged.md": _history("2025-05-01", "2025-05-02"),
        "deps/0008-bare.md": _history("2025-06-10", "2025-06-10"),
        "deps/0009-done.md": _history("2025-01-01", "2025-01-01"),
    }
    data = triage.triage_report(
        [triaged, untouched, settled, secret], CONFIG, date(2025, 6, 13), history=history
    )
    assert [row["title"] for row in data["untriaged"]] == ["Bare"]
    assert data["untriaged"][0]["missing"] == ["area", "PIC", "priority", "review date"]
    assert data["stalled"] == [
        {
            "id": "DEP-0007",
            "number": 7,
            "title": "Triaged",
            "status": "Under Review",
            "areas": ["router"],
            "pic": "@rpei",
            "last_changed": "2025-05-02",
            "reasons": ["no commit for 42 days", "review date 2025-06-01 passed 12 days ago"],
            "path": "deps/0007-triaged.md",
            "docname": "",
        }
    ]
    assert [row["title"] for row in data["new"]] == ["Bare"]
    tables = triage.triage_tables(data, CONFIG)
    # The area is shown by its name.
    assert tables[2].rows == [
        [
            "DEP-0007",
            "Triaged",
            "Under Review",
            "Router",
            "@rpei",
            "2025-05-02",
            "no commit for 42 days; review date 2025-06-01 passed 12 days ago",
        ]
    ]


def test_without_areas_only_priority_and_review_date_are_asked_for() -> None:
    bare = Dep(title="Bare", number=8, status=Status.IN_PROGRESS, path="deps/0008-bare.md")
    assert triage.missing(bare, DepConfig()) == ["priority", "review date"]


def test_hostile_titles_are_inert_in_the_markdown(project: Path, tmp_path: Path) -> None:
    root = tmp_path / "hostile"
    triage_project(root)
    title = "<img src=x onerror=alert(1)> @everyone #1 [x](javascript:alert(1)) | cell"
    (root / "deps" / "0000-scheduling-policy.md").write_text(proposal(title, "Not Started"), encoding="utf-8")
    code, out, _ = run(root, "triage", "--format", "markdown")
    assert code == 0
    line = next(line for line in out.splitlines() if "onerror" in line)
    assert line == (
        "| draft | &lt;img src=x onerror=alert(1)&gt; @&#8288;everyone \\#&#8288;1 \\[x\\](javascript:alert(1)) "
        "\\| cell | Not Started | not committed | @&#8288;rpei |"
    )


def test_header_options_area_pic_priority_are_read_end_to_end(tmp_path: Path) -> None:
    root = tmp_path / "areas"
    triage_project(root)
    (root / "deps" / "0000-scheduling-policy.md").write_text(
        proposal(
            "Pluggable Scheduling Policy",
            "Not Started",
            ":area: router",
            ":pic: @rpei",
            ":priority: P1",
            ":review-date: 2025-07-01",
        ),
        encoding="utf-8",
    )
    code, out, _ = run(root, "triage", "--format", "json")
    assert code == 0
    assert "Pluggable Scheduling Policy" not in [row["title"] for row in json.loads(out)["untriaged"]]


# --------------------------------------------------------------------------------------
# dep-triage on the site: the same report, from the build's history
# --------------------------------------------------------------------------------------

SITE_INDEX = "# Proposals\n\n```{toctree}\n:glob:\n\ndeps/*\ntriage\n```\n"
#: The page docs/triage.md shows: the docs' example is what this test builds.
SITE_TRIAGE = (Path(__file__).parents[1] / "docs" / "examples" / "triage" / "triage.md").read_text("utf-8")
#: 2025-06-13, the day of the scripted meeting, as reproducible builds give the date.
TODAY_EPOCH = str(int(datetime(2025, 6, 13, 12, tzinfo=UTC).timestamp()))


def _site(root: Path) -> None:
    triage_project(root)
    (root / "index.md").write_text(SITE_INDEX, encoding="utf-8")
    (root / "triage.md").write_text(SITE_TRIAGE, encoding="utf-8")


def test_the_site_shows_the_triage_the_command_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import build_in_process, rows_of

    root = tmp_path / "site"
    _site(root)
    # The pull requests as CI wrote them, merged in the week before the meeting.
    pulls = json.loads((Path(__file__).parent / "fixtures" / "github" / "merged-prs.json").read_text("utf-8"))
    recent = [dict(pr, mergedAt="2025-06-10T12:00:00Z") for pr in pulls if pr["number"] in {7197, 7339, 7450}]
    (root / "prs.json").write_text(json.dumps(recent), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    build = build_in_process(root, tmp_path / "out")
    assert build.warnings == LINT_PROBLEMS
    page = (build.outdir / "triage.html").read_text(encoding="utf-8")
    code, out, _ = run(root, "triage", "--format", "json", "--prs", str(root / "prs.json"))
    assert code == 0
    data = json.loads(out)
    tables = triage.triage_tables(data, load_config(root))
    for table, css in zip(tables, ["new", "untriaged", "stalled", "due"], strict=True):
        assert rows_of(page, f"dep-triage-{css}") == table.rows, css
    assert rows_of(page, "dep-triage-gaps") == [
        [
            "#7197",
            "feat: unix domain socket transport for intra-node requests",
            "ziqifan",
            "2025-06-10",
            "+1,934",
            "KV/Memory, Core Platform",
            "@ai-dynamo/kv-memory, @rpei, @ziqifan, @ai-dynamo/core-platform, @nnshah1",
        ]
    ]
    assert [row["number"] for row in data["gaps"]["gaps"]] == [7197]


def test_the_site_without_the_pull_requests_file_has_no_gaps_and_a_bad_one_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import build_in_process

    root = tmp_path / "site"
    _site(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    build = build_in_process(root, tmp_path / "out")
    assert build.warnings == LINT_PROBLEMS  # the proposals' own, as above
    page = (build.outdir / "triage.html").read_text(encoding="utf-8")
    assert "dep-triage-stalled" in page and "dep-triage-gaps" not in page
    (root / "prs.json").write_text('[{"number": 1, "title": "x", "files": "all"}]', encoding="utf-8")
    build = build_in_process(root, tmp_path / "out2")
    assert build.warnings == [
        *LINT_PROBLEMS,
        "triage.md:3: dep-triage :prs: prs.json: $[0].files: expected a list of files, found text [dep.value]",
    ]


def test_a_proposal_cannot_use_the_triage_view_to_read_a_file(project: Path, tmp_path: Path) -> None:
    root = tmp_path / "proposal"
    triage_project(root)
    path = root / "deps" / "0000-fast-tokens.md"
    path.write_text(path.read_text() + "\n```{dep-triage}\n:prs: /etc/passwd\n```\n", encoding="utf-8")
    code, out, _ = run(root, "lint", str(path))
    assert code == 1
    assert out.splitlines()[0] == (
        "deps/0000-fast-tokens.md:25: directive 'dep-triage' is not allowed in a proposal (it could read "
        "files or run code in the build); shown as text (add it to dep_allowed_directives to trust it) "
        "[dep.directive]"
    )


def test_an_incremental_build_on_a_new_day_writes_the_triage_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import build_in_process, rows_of

    root = tmp_path / "site"
    _site(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
    first = build_in_process(root, tmp_path / "out")
    due = rows_of((first.outdir / "triage.html").read_text("utf-8"), "dep-triage-due")
    assert [row[0] for row in due] == ["DEP-0003"]
    # A week later, nothing changed in the files: DEP-0003's review date (2025-06-18) has passed.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(TODAY_EPOCH) + 7 * 86400))
    build = build_in_process(root, tmp_path / "out", fresh=False)
    html = (build.outdir / "triage.html").read_text("utf-8")
    assert rows_of(html, "dep-triage-due") == []
    assert "review date 2025-06-18 passed 2 days ago" in html
