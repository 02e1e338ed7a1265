"""Issue 20, retroactive records: ``dep new --retroactive --from-pr FILE`` from a merged pull request's
JSON, in the shapes GitHub's tools print (tests/fixtures/retroactive/: ``pr-8144.gh.json`` as
``gh pr view 8144 --json additions,author,body,files,mergedAt,number,title,url`` prints it, with
CRLF line ends in the body as GitHub stores them; ``pr-8144.rest.json`` as ``gh api
repos/ai-dynamo/dynamo/pulls/8144`` prints it, abridged to the keys read and a few beside them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import CONF, FIXTURES, sphinx_build, write_project

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core import rules
from sphinxcontrib_dep.core.config import DepConfig
from sphinxcontrib_dep.core.diagnostics import Code
from sphinxcontrib_dep.core.parsing import parse_meta

GH = FIXTURES / "retroactive" / "pr-8144.gh.json"
REST = FIXTURES / "retroactive" / "pr-8144.rest.json"
NAME = "deps/0004-feat-queue-depth-backpressure-in-the-kv-router.md"

EXPECTED = """# feat: queue-depth backpressure in the KV router

```{dep-meta}
:status: Implemented
:number: 4
:authors: @PeaBrane
:category: Architecture
:review-date: 2025-06-12
:implementation: https://github.com/ai-dynamo/dynamo/pull/8144
:template: limited
:retroactive: yes
```

## Summary

Adds queue-depth backpressure to the KV router: when every worker's waiting queue is deeper than `max_queue_depth`, new requests are rejected with HTTP 503 and a `Retry-After` header instead of piling up.

## Motivation

Pull request #8144 states no motivation of its own; see its discussion.

## Proposal

This record was written after the fact from pull request [#8144](https://github.com/ai-dynamo/dynamo/pull/8144), merged on 2025-06-12 by @PeaBrane; the design was reviewed in the pull request itself.

- `Scheduler::schedule` reads each worker's `num_requests_waiting` from the load metrics it already receives.
- A new `RejectionLayer` turns `SchedulingError::Overloaded` into a 503.
- The threshold is `--router-max-queue-depth` (default: unset, no rejection).

```rust
// before scheduling
if workers.iter().all(|w| w.waiting >= max_depth) {
    return Err(SchedulingError::Overloaded);
}
```

### Why now

Under bursty load the frontend held thousands of requests in memory while every worker was saturated; p99 TTFT grew without bound.

### Where should the reviewer start?

`lib/llm/src/kv_router/scheduler.rs`

### Related Issues: (use one of the action keywords Closes / Fixes / Resolves / Relates to)

- closes GitHub issue: #8100

## Alternate Solutions

N/A: pull request #8144 records no alternatives.
"""

BODY = "\n## Summary\n\nS.\n\n## Motivation\n\nM.\n\n## Proposal\n\nP.\n\n## Alternate Solutions\n\nN/A\n"


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose highest number is DEP-0003: the record takes the next one."""
    other = "# Old\n\n```{dep-meta}\n:status: In Progress\n:authors: @a\n:category: Process\n```\n"
    root = write_project(tmp_path / "proj", {"deps/0003-old.md": other})
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_record_from_gh_json_builds_clean(
    proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "new", "--retroactive", "--from-pr", str(GH), "--category", "Architecture")
    assert code == 0
    assert out == f"created {NAME} from pull request #8144\n"
    assert err == (
        f"next: read {NAME} against the pull request; it is numbered DEP-0004, Implemented and marked retroactive\n"
    )
    assert (proj / NAME).read_text() == EXPECTED
    assert run(capsys, "lint")[:2] == (0, "")

    build = sphinx_build(proj, tmp_path / "html", "-nW")
    assert (build.returncode, build.warnings) == (0, [])
    page = (tmp_path / "html" / NAME.replace(".md", ".html")).read_text()
    assert '<span class="dep-badge dep-retroactive">Retroactive</span>' in page
    record = next(
        d for d in json.loads((tmp_path / "html" / "deps.json").read_text())["deps"] if d["number"] == 4
    )
    assert (record["status"], record["retroactive"], record["implementation"]) == (
        "Implemented",
        True,
        ["https://github.com/ai-dynamo/dynamo/pull/8144"],
    )
    old = next(
        d for d in json.loads((tmp_path / "html" / "deps.json").read_text())["deps"] if d["number"] == 3
    )
    assert old["retroactive"] is False


def test_rest_shape_gives_the_same_record(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "new", "--retroactive", "--from-pr", str(REST), "--category", "Architecture")[0] == 0
    assert (proj / NAME).read_text() == EXPECTED


def test_title_author_and_a_list(proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(GH.read_text())
    second = {**data, "number": 8200, "url": "https://github.com/ai-dynamo/dynamo/pull/8200"}
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([data, second]))
    assert run(capsys, "new", "--retroactive", "--from-pr", str(listed)) == (
        2,
        "",
        f"dep new: {listed}: holds 2 pull requests, not one; say which\n",
    )
    code, out, _ = run(
        capsys,
        "new",
        "Router backpressure",
        "--retroactive",
        "--from-pr",
        str(listed),
        "--pr",
        "8200",
        "--author",
        "@ana, @PeaBrane",
    )
    assert code == 0
    assert out == "created deps/0004-router-backpressure.md from pull request #8200\n"
    text = (proj / "deps/0004-router-backpressure.md").read_text()
    assert text.startswith("# Router backpressure\n")
    assert ":authors: @ana, @PeaBrane\n" in text
    assert ":implementation: https://github.com/ai-dynamo/dynamo/pull/8200\n" in text
    assert ":category:" not in text


@pytest.mark.parametrize(
    ("change", "argv", "code", "message"),
    [
        (
            {"mergedAt": None},
            [],
            1,
            "dep new: pull request #8144 has not merged; a retroactive record is of merged work\n",
        ),
        (
            {"url": None},
            [],
            2,
            "dep new: {file}: pull request #8144 gives no address; ask for it (gh pr view N --json ...,url) so the "
            "record can link its implementation\n",
        ),
        (
            {"author": {"login": "app/dependabot", "is_bot": True}},
            [],
            2,
            "dep new: pull request #8144 names no person as its author; give --author\n",
        ),
        ({"number": "8144"}, [], 2, "dep new: {file}: $.number: expected a whole number, found text\n"),
        (
            {},
            ["--status", "Approved"],
            2,
            "dep new: a retroactive record is Implemented and replaces nothing: drop --status and --supersedes\n",
        ),
    ],
)
def test_refusals(
    proj: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, object],
    argv: list[str],
    code: int,
    message: str,
) -> None:
    data = {**json.loads(GH.read_text()), **change}
    if change.get("url", "") is None:
        del data["url"]
    if "mergedAt" in change and change["mergedAt"] is None:
        data["mergedAt"] = None
    source = tmp_path / "pr.json"
    source.write_text(json.dumps(data))
    assert run(capsys, "new", "--retroactive", "--from-pr", str(source), *argv) == (
        code,
        "",
        message.format(file=source),
    )
    assert sorted(p.name for p in (proj / "deps").glob("*.md")) == ["0003-old.md"]


def test_retroactive_and_from_pr_go_together(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = "dep new: --retroactive and --from-pr FILE go together (and --pr N chooses from a list)\n"
    assert run(capsys, "new", "X", "--retroactive") == (2, "", message)
    assert run(capsys, "new", "X", "--from-pr", str(GH)) == (2, "", message)


def header(*extra: str) -> dict[str, str]:
    options = {"status": "Implemented", "authors": "@a", "implementation": "https://github.com/o/r/pull/1"}
    options.update(dict(item.split("=", 1) for item in extra))
    return options


def codes(options: dict[str, str]) -> list[str]:
    dep, found = parse_meta(options, path="deps/0001-x.md", config=DepConfig())
    return [d.code.value for d in found + rules.check_dep(dep, DepConfig())]


def test_review_window_rules_skip_a_retroactive_record() -> None:
    # Its review date is the merge; the file (and :review-requested:) came later.
    late = ("review-requested=2026-01-10", "review-date=2025-06-12")
    assert codes(header(*late)) == [Code.REVIEW_WINDOW.value]
    assert codes(header(*late, "retroactive=yes")) == []
    assert codes(header(*late, "retroactive=yes", "status=Superseded", "replaced-by=DEP-0002")) == []


def test_retroactive_on_an_open_proposal_is_reported() -> None:
    dep, found = parse_meta(
        header(
            "status=Under Review", "retroactive=yes", "review-requested=2026-01-10", "review-date=2025-06-12"
        ),
        path="deps/0001-x.md",
        config=DepConfig(),
    )
    assert found == []
    problems = rules.check_dep(dep, DepConfig())
    messages = [d.format() for d in problems if d.code not in {Code.REVIEW_INCOMPLETE, Code.EARLY_NUMBER}]
    assert messages == [
        "deps/0001-x.md: :retroactive: marks a record of merged work, which is Implemented (or Superseded since); "
        "this one is Under Review, so the review rules apply to it as to any proposal [dep.retroactive]",
        "deps/0001-x.md: review date 2025-06-12 is before :review-requested: (2026-01-10) [dep.review_window]",
    ]


def test_section_rules_still_apply(tmp_path: Path) -> None:
    text = EXPECTED.replace(
        "## Motivation\n\nPull request #8144 states no motivation of its own; see its discussion.\n\n", ""
    )
    root = write_project(tmp_path / "src", {"deps/0001-x.md": text.replace(":number: 4\n", "")}, CONF)
    build = sphinx_build(root, tmp_path / "out")
    assert build.warnings == [
        "deps/0001-x.md:17: missing section 'Motivation', which the limited template requires (before 'Proposal') "
        "[dep.section_missing]"
    ]


def test_a_hostile_body_is_written_and_its_problems_said(
    proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The body is untrusted: what the rules refuse is reported at once, and the build shows it as text."""
    data = {
        **json.loads(GH.read_text()),
        "title": "Hostile",
        "body": "## Summary\n\n<script>alert(1)</script>\n\n## Changes\n\n```{include} /etc/passwd\n```\n",
    }
    source = tmp_path / "pr.json"
    source.write_text(json.dumps(data))
    code, out, err = run(capsys, "new", "--retroactive", "--from-pr", str(source), "--category", "Process")
    assert (code, out) == (0, "created deps/0004-hostile.md from pull request #8144\n")
    assert err.splitlines()[:2] == [
        "deps/0004-hostile.md:26: directive 'include' is not allowed in a proposal (it could read files or run "
        "code in the build); shown as text (add it to dep_allowed_directives to trust it) [dep.directive]",
        "deps/0004-hostile.md:16: raw HTML shown as text: tag <script> is not allowed [dep.raw_html]",
    ]
