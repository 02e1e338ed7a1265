"""Tier 1: report.py and corpus.py without Sphinx: rows, review dates, git history, renderers."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

from sphinxcontrib_dep.core import corpus, parsing, report
from sphinxcontrib_dep.core import git as dep_git
from sphinxcontrib_dep.core.config import DepConfig

CONFIG = DepConfig()
TODAY = date(2026, 1, 15)


def dep(path: str, **options: str):
    parsed, _problems = parsing.parse_meta(
        options, path=path, line=3, title=path.rsplit("/", 1)[-1], config=CONFIG
    )
    return parsed


def test_three_proposal_cycle_is_reported_once_in_order() -> None:
    deps = [
        dep("deps/0001-a.md", status="Draft", replaces="3", **{"replaced-by": "2"}),
        dep("deps/0002-b.md", status="Draft", replaces="1", **{"replaced-by": "3"}),
        dep("deps/0003-c.md", status="Draft", replaces="2", **{"replaced-by": "1"}),
    ]
    assert [d.message for d in corpus.check_corpus(deps, CONFIG)] == [
        "replacement cycle: DEP-0001 replaces DEP-0003 replaces DEP-0002 replaces DEP-0001"
    ]


def test_replacements_join_both_sides_and_keep_partial() -> None:
    deps = [
        dep("deps/0001-a.md", status="Superseded", **{"replaced-by": "DEP-0002"}),
        dep("deps/0002-b.md", status="Draft"),
        dep("deps/0003-c.md", status="Draft", replaces="1 (partial)"),
    ]
    assert corpus.replaced_by(deps) == {1: [parsing.DepRef(2), parsing.DepRef(3, partial=True)]}
    rows = {row["id"]: row for row in report.traceability_rows(deps, CONFIG)}
    assert [r["text"] for r in rows["DEP-0001"]["replaced_by"]] == ["DEP-0002", "DEP-0003 (partial)"]
    assert [r["text"] for r in rows["DEP-0002"]["replaces"]] == ["DEP-0001"]


def test_review_report_days_left_overdue_approval_and_stale() -> None:
    deps = [
        dep(
            "deps/0001-a.md",
            status="Under Review",
            **{"review-date": "2026-01-20", "required-reviewers": "@x (approved), @y"},
        ),
        dep(
            "deps/0002-b.md",
            status="Under Review",
            **{"review-date": "2026-01-14", "required-reviewers": "@x (approved)"},
        ),
        dep("deps/0003-c.md", status="Under Review"),
        dep("deps/0004-d.md", status="Approved"),
        dep("deps/0005-e.md", status="Approved", implementation="https://github.com/o/r/pull/1"),
        dep("deps/0006-f.md", status="Rejected"),
    ]
    touched = {
        "deps/0004-d.md": date(2025, 7, 1),
        "deps/0006-f.md": date(2020, 1, 1),
        "deps/0003-c.md": TODAY,
    }
    data = report.review_report(deps, CONFIG, TODAY, touched)
    assert [(r["id"], r["days_left"], r["due"], r["approval_met"]) for r in data["under_review"]] == [
        ("DEP-0001", 5, "5 days left", False),
        ("DEP-0002", -1, "overdue by 1 day", True),
        ("DEP-0003", None, "no review date", False),
    ]
    assert [r["id"] for r in data["approved_unimplemented"]] == ["DEP-0004"]
    # Rejected proposals are settled: never stale however old.
    assert [(r["id"], r["days"]) for r in data["stale"]] == [("DEP-0004", 198)]


def test_last_touched_reads_git_history_in_one_call_and_falls_back_to_mtime(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
    }

    def git(*args: str, when: str | None = None) -> None:
        extra = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {}
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, env={**env, **extra})

    (tmp_path / "deps").mkdir()
    git("init", "-q")
    (tmp_path / "deps" / "0001-a.md").write_text("one")
    (tmp_path / "deps" / "0002-b.md").write_text("two")
    git("add", ".")
    git("commit", "-qm", "first", when="2025-03-01T12:00:00+00:00")
    (tmp_path / "deps" / "0002-b.md").write_text("two, again")
    git("commit", "-qam", "second", when="2025-06-02T12:00:00+00:00")
    (tmp_path / "deps" / "0003-new.md").write_text("untracked")
    stamp = 1_700_000_000  # 2023-11-14
    os.utime(tmp_path / "deps" / "0003-new.md", (stamp, stamp))
    found = dep_git.last_touched(["deps/0001-a.md", "deps/0002-b.md", "deps/0003-new.md"], tmp_path)
    assert found == {
        "deps/0001-a.md": date(2025, 3, 1),
        "deps/0002-b.md": date(2025, 6, 2),
        "deps/0003-new.md": date.fromtimestamp(stamp),
    }


def test_renderers_for_the_command_line() -> None:
    deps = [
        dep("deps/0002-b.md", status="Approved", authors="@b", category="Process"),
        dep("deps/0001-a.md", status="In Progress", authors="Ann | Bob", category="Architecture"),
    ]
    tables = report.index_tables(deps, CONFIG)
    assert report.render_text(tables) == (
        "Numerical index\n\n"
        "ID        Title      Status       Authors    Category\n"
        "--------  ---------  -----------  ---------  ------------\n"
        "DEP-0001  0001-a.md  In Progress  Ann | Bob  Architecture\n"
        "DEP-0002  0002-b.md  Approved     @b         Process\n"
    )
    assert report.render_markdown(report.index_tables(deps, CONFIG, by="status")) == (
        "## In Progress\n\n| ID | Title | Status | Authors | Category |\n|---|---|---|---|---|\n"
        "| DEP-0001 | 0001-a.md | In Progress | Ann \\| Bob | Architecture |\n\n"
        "## Approved\n\n| ID | Title | Status | Authors | Category |\n|---|---|---|---|---|\n"
        "| DEP-0002 | 0002-b.md | Approved | @&#8288;b | Process |\n"
    )
    assert report.render_csv(report.index_tables(deps, CONFIG, by="category")) == (
        "Table,ID,Title,Status,Authors,Category\n"
        "Architecture,DEP-0001,0001-a.md,In Progress,Ann | Bob,Architecture\n"
        # A cell starting with @ (a handle) could be read as a formula: neutralised with '.
        "Process,DEP-0002,0002-b.md,Approved,'@b,Process\n"
    )


def test_public_build_leaves_embargoed_proposals_out_of_every_report() -> None:
    deps = [dep("deps/0001-a.md", status="Draft"), dep("deps/0002-b.md", status="Draft", embargoed="")]
    public = DepConfig(public_build=True)
    assert [d["id"] for d in report.deps_json(deps, public)["deps"]] == ["DEP-0001"]
    assert [d["id"] for d in report.deps_json(deps, CONFIG)["deps"]] == ["DEP-0001", "DEP-0002"]
