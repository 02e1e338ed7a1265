"""The discussion on GitHub mirrored onto a proposal's page (issue 20, part 4).

Recorded answers of ``gh api`` (``tests/fixtures/discussion/``: the tracking issue, two
pages of its comments, the pull request's review comments with a thread, an outdated
comment and a multi-line one) are read by the core, written into a cache by the script
``dep discussion fetch-plan`` prints (run here with a ``gh`` that answers from the
recordings), and shown by the build as the page's Discussion section.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import CONF, INDEX, WIDGETS, discussion_cache, fake_gh, sphinx_build, write_project
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core import discussion
from sphinxcontrib_dep.core.model import Dep, TrackingIssue

HOSTS = ["github.com"]


def _cache(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "0001-widgets.json"
    path.write_text(text)
    return path


def _messages(problems: list[Any]) -> list[str]:
    return [p.format() for p in problems]


# --------------------------------------------------------------------------------------
# Core: the recorded shapes, read
# --------------------------------------------------------------------------------------


def test_recorded_answers_are_read_exactly(tmp_path: Path) -> None:
    found, problems = discussion.read(_cache(tmp_path, discussion_cache()), "c.json", HOSTS)
    assert problems == []
    assert found is not None
    assert found.fetched_at == datetime(2026, 3, 20, 6, 0, tzinfo=UTC)
    assert found.issue is not None
    assert (found.issue.number, found.issue.title, found.issue.state) == (
        97,
        "DEP-0001: Widgets, tracking issue",
        "open",
    )
    opening = found.issue.opening
    assert opening is not None
    assert (opening.author, opening.url, opening.edited) == (
        "alice",
        "https://github.com/acme/enhancements/issues/97",
        False,
    )
    # Two pages (--slurp) joined; the bot's comment is counted, not shown.
    assert [(c.id, c.author, c.association, c.edited) for c in found.comments] == [
        (1800000001, "bob", "MEMBER", False),
        (1800000003, "mallory", None, True),
        (1800000004, "carol", "CONTRIBUTOR", False),
    ]
    assert (found.bots, found.more) == (1, 0)
    assert found.comments[0].url == "https://github.com/acme/enhancements/issues/97#issuecomment-1800000001"
    assert found.comments[0].author_url == "https://github.com/bob"
    # Review comments: threads by their first comment (in_reply_to_id), oldest first.
    threads = [(t.first.id, [r.id for r in t.replies], t.first.where) for t in found.threads]
    assert threads == [
        (2100000001, [2100000002], "deps/0001-widgets.md, line 13"),
        (2100000003, [], "deps/0001-widgets.md, line 20 (outdated)"),
        (2100000004, [], "deps/0001-widgets.md, lines 11-13"),
    ]
    assert found.threads[0].first.hunk == (
        "+",
        "+## Motivation",
        "+",
        "+Routing by cost saves 30% of GPU time.",
    )
    assert found.threads[0].replies[0].author == "alice"


def test_a_flat_list_reads_as_the_pages_do(tmp_path: Path) -> None:
    data = json.loads(discussion_cache())
    flat = {**data, "issue_comments": [c for page in data["issue_comments"] for c in page]}
    one, _ = discussion.parse(data, "c.json", HOSTS)
    other, problems = discussion.parse(flat, "c.json", HOSTS)
    assert problems == []
    assert one == other


def _comment(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": 7,
        "user": {"login": "bob", "type": "User"},
        "created_at": "2026-03-03T10:00:00Z",
        "updated_at": "2026-03-03T10:00:00Z",
        "author_association": "MEMBER",
        "body": "Fine.",
        "html_url": "https://github.com/acme/enhancements/issues/97#issuecomment-7",
    }
    item.update(changes)
    return {key: value for key, value in item.items() if value is not ...}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], ["c.json: a discussion cache is a JSON object, not list; nothing is shown [dep.discussion]"]),
        (
            {"issue_comments": {"id": 1}},
            ["c.json: 'issue_comments' is a list of comments, not dict; left out [dep.discussion]"],
        ),
        (
            {"issue_comments": ["text"]},
            ["c.json: issue_comments[0]: a comment is an object, not str; left out [dep.discussion]"],
        ),
        (
            {"issue_comments": [_comment(id="7")]},
            ["c.json: issue_comments[0]: 'id' is missing or not a number; left out [dep.discussion]"],
        ),
        (
            {"issue_comments": [_comment(created_at=...)]},
            ["c.json: issue_comments[0]: 'created_at' is missing or not a date; left out [dep.discussion]"],
        ),
        (
            {"issue_comments": [_comment(body=["x"])]},
            ["c.json: issue_comments[0]: 'body' is not text; left out [dep.discussion]"],
        ),
        (
            {"issue_comments": [_comment(html_url="javascript:alert(1)")]},
            [
                "c.json: issue_comments[0]: 'html_url' 'javascript:alert(1)' is not an http(s) URL; "
                "no link to reply [dep.discussion]"
            ],
        ),
        (
            {"issue_comments": [_comment(html_url="https://evil.example/acme/enhancements/issues/97")]},
            [
                "c.json: issue_comments[0]: 'html_url' 'https://evil.example/acme/enhancements/issues/97' "
                "is not an https address on github.com; no link to reply [dep.discussion]"
            ],
        ),
        (
            {"issue_comments": [_comment(html_url="https://github.com@evil.example/x")]},
            [
                "c.json: issue_comments[0]: 'html_url' 'https://github.com@evil.example/x' holds a user "
                "name or password; no link to reply [dep.discussion]"
            ],
        ),
        (
            {"issue_comments": [_comment(user={"login": '"><script>'})]},
            [
                "c.json: issue_comments[0]: 'user.login' '\"><script>' is not a GitHub login; "
                "shown as ghost [dep.discussion]"
            ],
        ),
        (
            {"review_comments": [_comment(path=...)]},
            ["c.json: review_comments[0]: 'path' is missing or not text; left out [dep.discussion]"],
        ),
        (
            {"review_comments": [_comment(path="a.md", line="12")]},
            ["c.json: review_comments[0]: 'line' is not a number; ignored [dep.discussion]"],
        ),
        (
            {"issue": {"number": "97"}},
            [
                "c.json: 'issue': 'number' or 'title' is missing or of the wrong type; the issue is not shown "
                "[dep.discussion]"
            ],
        ),
        (
            {"fetched_at": "yesterday", "extra": 1},
            [
                "c.json: unknown key(s) 'extra'; ignored [dep.discussion]",
                "c.json: 'fetched_at' is not a date (2026-11-20T14:03:00Z); the mirror's date is not shown "
                "[dep.discussion]",
            ],
        ),
    ],
)
def test_wrong_shapes_are_located_warnings(data: Any, expected: list[str]) -> None:
    _, problems = discussion.parse(data, "c.json", HOSTS)
    assert _messages(problems) == expected


def test_files_that_are_not_json_or_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert discussion.read(tmp_path / "none.json", "n.json", HOSTS) == (None, [])
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff{")
    assert _messages(discussion.read(bad, "b.json", HOSTS)[1]) == [
        "b.json:1: not a JSON file (UnicodeDecodeError); nothing is shown [dep.discussion]"
    ]
    bad.write_text('{\n"issue": nul}')
    assert _messages(discussion.read(bad, "b.json", HOSTS)[1]) == [
        "b.json:2: not a JSON file (Expecting value); nothing is shown [dep.discussion]"
    ]
    bad.write_text("[" * 100_000)
    assert _messages(discussion.read(bad, "b.json", HOSTS)[1]) == [
        "b.json:1: not a JSON file (RecursionError); nothing is shown [dep.discussion]"
    ]
    monkeypatch.setattr(discussion, "MAX_BYTES", 10)
    bad.write_text('{"issue": null}')
    assert _messages(discussion.read(bad, "b.json", HOSTS)[1]) == [
        "b.json:1: 15 bytes, more than 10 a discussion cache may be; nothing is shown [dep.discussion]"
    ]


def test_problems_are_at_the_line_of_their_object(tmp_path: Path) -> None:
    data = json.loads(discussion_cache())
    data["review_comments"][0][2]["line"] = "13"
    data["issue"]["html_url"] = "http://github.com/acme/enhancements/issues/97"
    text = json.dumps(data, indent=1)
    lines = text.splitlines()
    issue_line = 3  # {"fetched_at": ..., "issue": {  (json.dumps puts the key on line 3)
    assert lines[issue_line - 1] == ' "issue": {'
    id_line = next(n for n, line in enumerate(lines, 1) if '"id": 2100000002' in line)
    comment_line = max(n for n, line in enumerate(lines[:id_line], 1) if line == "   {")
    assert id_line - comment_line == 3  # "{", "url", "pull_request_review_id", then "id"
    _, problems = discussion.read(_cache(tmp_path, text), "c.json", HOSTS)
    assert _messages(problems) == [
        f"c.json:{issue_line}: issue: 'html_url' 'http://github.com/acme/enhancements/issues/97' is not an "
        "https address on github.com; no link to reply [dep.discussion]",
        f"c.json:{comment_line}: review_comments[2]: 'line' is not a number; ignored [dep.discussion]",
    ]


@pytest.mark.parametrize(
    "value",
    [[], {}, "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-13-01T00:00:00Z", "x" * 41],
)
def test_values_of_any_type_where_a_word_or_date_goes(value: Any) -> None:
    item = _comment(author_association=value, created_at=value, updated_at=value, side=value, state=value)
    found, problems = discussion.parse(
        {"issue": {**item, "number": 1, "title": "t"}, "review_comments": [{**item, "path": "a.md"}]},
        "c.json",
        HOSTS,
    )
    assert [p.message for p in problems] == [
        "issue: 'created_at' is missing or not a date; left out",
        "review_comments[0]: 'created_at' is missing or not a date; left out",
    ]
    assert found.issue == discussion.Issue(1, "t", "", None)
    assert found.threads == []


def test_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discussion, "MAX_COMMENTS", 2)
    comments = [_comment(id=n, created_at=f"2026-03-0{n}T10:00:00Z") for n in range(1, 6)]
    long = _comment(id=9, body="x" * (discussion.MAX_BODY + 5))
    found, problems = discussion.parse({"issue_comments": [*comments, long]}, "c.json", HOSTS)
    assert problems == []
    assert [c.id for c in found.comments] == [1, 2]
    assert found.more == 4
    found, _ = discussion.parse({"issue_comments": [long]}, "c.json", HOSTS)
    assert (len(found.comments[0].body), found.comments[0].cut) == (discussion.MAX_BODY, 5)


def test_many_problems_are_reported_once_in_short() -> None:
    _, problems = discussion.parse({"issue_comments": ["x"] * 50}, "c.json", HOSTS)
    assert len(problems) == 21
    assert problems[-1].message == "more problems in this file are not reported"


def test_reply_chains_and_cycles_never_loop() -> None:
    base = {"path": "a.md", "line": 1}
    items = [
        _comment(id=1, in_reply_to_id=2, **base),
        _comment(id=2, in_reply_to_id=1, created_at="2026-03-04T10:00:00Z", **base),
        _comment(id=3, in_reply_to_id=99, created_at="2026-03-05T10:00:00Z", **base),
    ]
    found, problems = discussion.parse({"review_comments": items}, "c.json", HOSTS)
    assert problems == []
    # Every comment is shown once, whatever the ids claim.
    shown = sorted([t.first.id for t in found.threads] + [r.id for t in found.threads for r in t.replies])
    assert shown == [1, 2, 3]


def test_a_long_reply_chain_is_one_thread() -> None:
    """Red team M4: each comment's root is remembered, so a crafted chain of replies is read
    once (8,000 took 21 s when every comment walked the chain again); every reply of the
    chain lands under its first comment, and a reply into a loop under the comment it names."""
    base = {"path": "a.md", "line": 1}
    chain = [_comment(id=1, **base)] + [
        _comment(id=n, in_reply_to_id=n - 1, created_at="2026-03-04T10:00:00Z", **base) for n in range(2, 900)
    ]
    loop = [
        _comment(id=5001, in_reply_to_id=5002, **base),
        _comment(id=5002, in_reply_to_id=5001, **base),
        _comment(id=5003, in_reply_to_id=5001, **base),
    ]
    found, problems = discussion.parse({"review_comments": chain + loop}, "c.json", HOSTS)
    shape = {t.first.id: [r.id for r in t.replies] for t in found.threads}
    assert shape == {1: list(range(2, 900)), 5001: [5003], 5002: []}
    assert problems == []


def test_the_plan_never_names_an_embargoed_proposal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Red team M3: the script and what it prints land in CI logs; an embargoed proposal is not
    named there, and its discussion is not fetched (its page is not published)."""
    root = _project(tmp_path / "p")
    secret = WIDGETS.replace("# Widgets", "# Secret acquisition").replace(
        "```{dep-meta}\n", "```{dep-meta}\n:embargoed: yes\n"
    )
    (root / "deps" / "0004-secret-acquisition.md").write_text(secret)
    monkeypatch.chdir(root)
    assert cli.main(["discussion", "fetch-plan"]) == 0
    out = capsys.readouterr().out
    assert out == PLAN
    assert "secret" not in out.lower() and "0004" not in out


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=30,
)
_KEYS = st.sampled_from(
    [
        "id",
        "user",
        "created_at",
        "updated_at",
        "body",
        "html_url",
        "author_association",
        "path",
        "line",
        "original_line",
        "in_reply_to_id",
        "diff_hunk",
        "side",
        "number",
        "title",
        "state",
        "login",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["fetched_at", "issue", "issue_comments", "review_comments", "x"]),
        _JSON | st.lists(st.dictionaries(_KEYS, _JSON, max_size=8), max_size=4),
        max_size=5,
    )
)
def test_any_json_reads_without_a_traceback(data: dict[str, Any]) -> None:
    found, problems = discussion.parse(data, "c.json", HOSTS)
    assert all(p.code.value == "discussion" for p in problems)
    assert all(c.url is None or c.url.startswith("https://github.com/") for c in found.comments)


# --------------------------------------------------------------------------------------
# The CI recipe
# --------------------------------------------------------------------------------------


def test_items_the_proposal_names() -> None:
    dep = Dep(
        tracking=[
            TrackingIssue("DYN-1", "https://jira.example.org/DYN-1"),
            TrackingIssue("x", "https://github.com/o/r/issues/5"),
        ],
        pull_request="https://github.com/o/r/pull/6",
    )
    issue, pull = discussion.tracking_issue(dep, HOSTS), discussion.pull_request(dep, HOSTS)
    assert (issue and issue.api_path, pull and pull.api_path) == ("repos/o/r/issues/5", "repos/o/r/pulls/6")
    assert discussion.pull_request(Dep(pull_request="https://github.com/o/r/issues/6"), HOSTS) is None
    assert discussion.pull_request(Dep(pull_request="https://gitlab.com/o/r/pull/6"), HOSTS) is None
    ghe = Dep(pull_request="https://git.corp.example/o/r/pull/6")
    assert discussion.pull_request(ghe, ["github.com", "git.corp.example"]) is not None


@pytest.mark.parametrize(
    ("relative", "name"),
    [
        ("0001-widgets.md", "0001-widgets.json"),
        ("router/0042-x.rst", "router/0042-x.json"),
        ("../0001-x.md", None),
        ("0001 x.md", None),
        ("README", None),
    ],
)
def test_cache_names(relative: str, name: str | None) -> None:
    assert discussion.cache_name(relative) == name


PLAN = """\
#!/bin/sh
# The discussion of each proposal on GitHub, for the one-way mirror on its page.
# Written by `dep discussion fetch-plan`; run in CI with GH_TOKEN set, before sphinx-build.
status=0

# deps/0001-widgets.md: tracking issue acme/enhancements#97, pull request acme/enhancements#61
f=.dep-discussion/0001-widgets.json
mkdir -p "$(dirname "$f")"
if { printf '{"fetched_at": "%s",\\n"issue": ' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" &&
     gh api repos/acme/enhancements/issues/97 &&
     printf ',\\n"issue_comments": ' &&
     gh api --paginate --slurp repos/acme/enhancements/issues/97/comments &&
     printf ',\\n"review_comments": ' &&
     gh api --paginate --slurp repos/acme/enhancements/pulls/61/comments &&
     printf '}\\n'; } > "$f.tmp"; then
  mv "$f.tmp" "$f"
else
  rm -f "$f.tmp"; echo 'dep: could not fetch the discussion of deps/0001-widgets.md' >&2; status=1
fi

# deps/0002-gone.md: pull request acme/enhancements#404
f=.dep-discussion/0002-gone.json
mkdir -p "$(dirname "$f")"
if { printf '{"fetched_at": "%s",\\n"issue": ' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" &&
     printf 'null,\\n"issue_comments": []' &&
     printf ',\\n"review_comments": ' &&
     gh api --paginate --slurp repos/acme/enhancements/pulls/404/comments &&
     printf '}\\n'; } > "$f.tmp"; then
  mv "$f.tmp" "$f"
else
  rm -f "$f.tmp"; echo 'dep: could not fetch the discussion of deps/0002-gone.md' >&2; status=1
fi

# deps/0003-jira.md: no tracking issue or pull request on github.com

exit "$status"
"""

GONE = (
    WIDGETS.replace("# Widgets", "# Gone")
    .replace(":tracking: acme/enhancements#97\n", "")
    .replace("pull/61", "pull/404")
)
JIRA = (
    WIDGETS.replace("# Widgets", "# Jira")
    .replace("acme/enhancements#97", "https://jira.example.org/browse/DYN-1")
    .replace(":pull-request: https://github.com/acme/enhancements/pull/61\n", "")
)


def _project(root: Path) -> Path:
    return write_project(
        root, {"deps/0001-widgets.md": WIDGETS, "deps/0002-gone.md": GONE, "deps/0003-jira.md": JIRA}
    )


def test_fetch_plan_prints_the_gh_calls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path / "p")
    monkeypatch.chdir(root)
    assert cli.main(["discussion", "fetch-plan"]) == 0
    out = capsys.readouterr().out
    assert out == PLAN
    # From a sub-folder, the paths lead to the same cache.
    (root / "sub").mkdir()
    monkeypatch.chdir(root / "sub")
    assert cli.main(["discussion", "fetch-plan"]) == 0
    assert "f=../.dep-discussion/0001-widgets.json\n" in capsys.readouterr().out


def test_the_docs_show_the_plan_as_printed() -> None:
    from helpers import REPO

    text = (REPO / "docs" / "discussion.md").read_text()
    shown = text.split("```sh\n", 1)[1].split("```\n", 1)[0]
    assert shown == PLAN


def test_the_plan_writes_the_cache_and_keeps_the_last_good_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path / "p")
    monkeypatch.chdir(root)
    assert cli.main(["discussion", "fetch-plan", "-o", "fetch.sh"]) == 0
    old = root / ".dep-discussion" / "0002-gone.json"
    old.parent.mkdir()
    old.write_text('{"issue": null}\n')
    bin_folder = fake_gh(tmp_path / "bin")
    env = {**os.environ, "PATH": f"{bin_folder}:{os.environ['PATH']}"}
    result = subprocess.run(["sh", "fetch.sh"], cwd=root, env=env, capture_output=True, text=True)
    # #404 is not found: the script fails, says which, and keeps the last good copy.
    assert (result.returncode, result.stderr) == (
        1,
        "gh: Not Found (HTTP 404)\ndep: could not fetch the discussion of deps/0002-gone.md\n",
    )
    assert old.read_text() == '{"issue": null}\n'
    assert sorted(p.name for p in old.parent.iterdir()) == ["0001-widgets.json", "0002-gone.json"]
    written = (root / ".dep-discussion" / "0001-widgets.json").read_text()
    stamp = re.match(r'\{"fetched_at": "([0-9T:Z-]{20})",', written)
    assert stamp is not None
    assert written == discussion_cache(stamp.group(1))
    assert (bin_folder / "calls.log").read_text().splitlines() == [
        "api repos/acme/enhancements/issues/97",
        "api --paginate --slurp repos/acme/enhancements/issues/97/comments",
        "api --paginate --slurp repos/acme/enhancements/pulls/61/comments",
        "api --paginate --slurp repos/acme/enhancements/pulls/404/comments",
    ]


def test_fetch_plan_for_github_enterprise_and_hostile_names(tmp_path: Path) -> None:
    item = discussion.GitHubItem("git.corp.example", "o", "r", "pull", 6)
    lines = discussion.fetch_commands("a/0001-x.json", "deps/a/0001-x.md", "it's here", None, item)
    assert lines[1] == "f='it'\"'\"'s here/a/0001-x.json'"
    assert (
        "     gh api --hostname git.corp.example --paginate --slurp repos/o/r/pulls/6/comments &&"
        in "\n".join(lines).splitlines()
    )


# --------------------------------------------------------------------------------------
# The build: the section, its absence, its warnings, incremental and parallel builds
# --------------------------------------------------------------------------------------


def _section_text(html: str) -> list[str]:
    """The Discussion section as lines of text: headings, comment headers, links and bodies."""
    start = html.index('<section class="dep-discussion" id="discussion">')
    ends = [html.find(mark, start) for mark in ("</article>", '<div class="sphinxsidebar"')]
    end = min(e for e in (*ends, len(html)) if e != -1)
    part = html[start:end]
    part = re.sub(r'<a class="headerlink"[^>]*>¶</a>', "", part)
    part = re.sub(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', r"[\2](\1)", part)
    part = re.sub(r"<(h[1-6]|p|li|pre|tr)[^>]*>", "\n", part)
    part = re.sub(r"<[^>]+>", "", part)
    import html as html_module

    return [line.strip() for line in html_module.unescape(part).splitlines() if line.strip()]


def _build_widgets(tmp_path: Path, cache: str | None, *args: str) -> tuple[Path, Any]:
    src = write_project(tmp_path / "src", {"deps/0001-widgets.md": WIDGETS})
    if cache is not None:
        (src / ".dep-discussion").mkdir(exist_ok=True)
        (src / ".dep-discussion" / "0001-widgets.json").write_text(cache)
    build = sphinx_build(src, tmp_path / "out", *args)
    return src, build


def test_the_section_on_the_page(tmp_path: Path) -> None:
    _, build = _build_widgets(tmp_path, discussion_cache())
    assert (build.returncode, build.warnings) == (0, [])
    html = (tmp_path / "out" / "deps" / "0001-widgets.html").read_text()
    # After the content: the proposal's last section comes before it.
    assert html.index('id="summary"') < html.index('id="discussion"')
    text = _section_text(html)
    assert text[:12] == [
        "Discussion",
        "A read-only mirror of the discussion on GitHub, as fetched on 2026-03-20 06:00 UTC. Reply on GitHub: "
        "[tracking issue acme/enhancements#97](https://github.com/acme/enhancements/issues/97), "
        "[pull request acme/enhancements#61](https://github.com/acme/enhancements/pull/61). "
        "(1 comment by bots not shown)",
        "Tracking issue acme/enhancements#97: DEP-0001: Widgets, tracking issue (open)",
        "[@alice](https://github.com/alice) member · 2026-03-02 09:15 UTC · "
        "[Reply on GitHub](https://github.com/acme/enhancements/issues/97)",
        # A relative link in a comment leads where it leads on GitHub.
        "The tracking issue of DEP-0001. Line-level review happens on the "
        "[pull request](https://github.com/acme/enhancements/pull/61).",
        "[@bob](https://github.com/bob) member · 2026-03-03 10:00 UTC · "
        "[Reply on GitHub](https://github.com/acme/enhancements/issues/97#issuecomment-1800000001)",
        "Implementation Plan",
        "Phase 1: the widget API",
        "Phase 2: the router change",
        "See [the draft](https://github.com/acme/enhancements/pull/61/files) and widgets.py.",
        "Phase",
        "Effort",
    ]
    review = text[text.index("Review comments on acme/enhancements#61") :]
    assert review == [
        "Review comments on acme/enhancements#61",
        "deps/0001-widgets.md, line 13",
        "+",
        "+## Motivation",
        "+",
        "+Routing by cost saves 30% of GPU time.",
        "[@dave](https://github.com/dave) collaborator · 2026-03-05 11:00 UTC · "
        "[Reply on GitHub](https://github.com/acme/enhancements/pull/61#discussion_r2100000001)",
        "Where does the 30% come from? A benchmark would help.",
        "[@alice](https://github.com/alice) member · 2026-03-05 15:20 UTC · "
        "[Reply on GitHub](https://github.com/acme/enhancements/pull/61#discussion_r2100000002)",
        "From the March load test; I will link it.",
        "deps/0001-widgets.md, line 20 (outdated)",
        "+",
        "+A widget <b>registry</b>.",
        "+",
        "+Each widget declares its cost.",
        "[@erin](https://github.com/erin) member · 2026-03-06 09:00 UTC · "
        "[Reply on GitHub](https://github.com/acme/enhancements/pull/61#discussion_r2100000003)",
        "The registry must be versioned.",
        "deps/0001-widgets.md, lines 11-13",
        "+",
        "+## Motivation",
        "+",
        "+Routing by cost saves 30% of GPU time.",
        "[@dave](https://github.com/dave) collaborator · 2026-03-07 09:30 UTC · "
        "[Reply on GitHub](https://github.com/acme/enhancements/pull/61#discussion_r2100000004)",
        "These three lines say the same:",
        "Widgets route requests by cost, saving 30% of GPU time.",
    ]


def _tags(fragment: str) -> list[tuple[str, list[tuple[str, str]]]]:
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str]]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, [(name, value or "") for name, value in attrs]))

    Tags().feed(fragment)
    return found


def test_hostile_markdown_is_shown_as_text(tmp_path: Path) -> None:
    _, build = _build_widgets(tmp_path, discussion_cache())
    # Anyone can comment: what is refused is shown as text, and no warning can fail a -W build.
    assert (build.returncode, build.warnings) == (0, [])
    html = (tmp_path / "out" / "deps" / "0001-widgets.html").read_text()
    part = html[html.index('id="discussion"') :]
    mallory = part[part.index("&#64;mallory") : part.index("&#64;carol")]
    # No element a browser would run, no handler, no javascript: link (as a browser reads the page).
    tags = _tags(mallory)
    assert {name for name, _ in tags} <= {
        "a",
        "strong",
        "span",
        "p",
        "div",
        "pre",
        "code",
        "details",
        "summary",
    }
    assert [attr for _, attrs in tags for attr, _ in attrs if attr.startswith("on") or attr == "srcdoc"] == []
    hrefs = [value for _, attrs in tags for attr, value in attrs if attr in {"href", "src"}]
    assert all(value.startswith("https://github.com/") for value in hrefs), hrefs
    assert "root:" not in html  # the {include} fence is code, as on GitHub
    assert "<details><summary>More</summary>kept</details>" in mallory  # harmless HTML is kept
    assert "self.pwned7=1" in mallory  # shown as text, for the reader to see


def test_no_cache_no_section(tmp_path: Path) -> None:
    _, build = _build_widgets(tmp_path, None)
    assert (build.returncode, build.warnings) == (0, [])
    html = (tmp_path / "out" / "deps" / "0001-widgets.html").read_text()
    assert "dep-discussion" not in html.split("</head>", 1)[1]


def test_a_broken_cache_is_a_located_warning(tmp_path: Path) -> None:
    text = discussion_cache().replace('"created_at": "2026-03-03T10:00:00Z"', '"created_at": 12', 1)
    lines = text.splitlines()
    # Bob's comment: the object opening before its "created_at".
    bad = next(n for n, line in enumerate(lines, 1) if '"created_at": 12' in line)
    start = max(n for n, line in enumerate(lines[:bad], 1) if line.strip() == "{")
    _, build = _build_widgets(tmp_path, text, "-W", "--keep-going")
    assert build.returncode == 1
    assert build.warnings == [
        f".dep-discussion/0001-widgets.json:{start}: issue_comments[0]: 'created_at' is missing or not a date; "
        "left out [dep.discussion]"
    ]
    assert (
        lines[start].strip()
        == '"url": "https://api.github.com/repos/acme/enhancements/issues/comments/1800000001",'
    )
    html = (tmp_path / "out" / "deps" / "0001-widgets.html").read_text()
    assert "&#64;bob" not in html and "&#64;carol" in html  # the rest is shown


def test_conf_settings_move_the_cache_and_hosts(tmp_path: Path) -> None:
    src = write_project(
        tmp_path / "src",
        {"deps/0001-widgets.md": WIDGETS, "_mirror/0001-widgets.json": discussion_cache()},
        conf=CONF + 'dep_discussion_cache = "_mirror"\ndep_discussion_hosts = ["git.corp.example"]\n',
    )
    build = sphinx_build(src, tmp_path / "out")
    # Every address in the recordings is on github.com: none is a link to reply here.
    assert len(build.warnings) == 9  # the issue, its four comments (a bot's too), four review comments
    assert all("is not an https address on git.corp.example; no link to reply" in w for w in build.warnings)
    html = (tmp_path / "out" / "deps" / "0001-widgets.html").read_text()
    assert "Reply on GitHub" in html  # the note still says where
    assert "dep-reply-link" not in html


def _doctrees(out: Path) -> dict[str, int]:
    folder = out / ".doctrees"
    return {
        p.relative_to(folder).with_suffix("").as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*.doctree")
    }


def _incremental(src: Path, out: Path, *args: str) -> tuple[set[str], str]:
    """(the documents read, the proposal's page) of one build; read = its doctree written again."""
    before = _doctrees(out) if out.exists() else {}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", *args, str(src), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stdout + result.stderr
    after = _doctrees(out)
    read = {name for name, stamp in after.items() if before.get(name) != stamp}
    return read, (out / "deps" / "0001-widgets.html").read_text()


@pytest.mark.parametrize("jobs", [[], ["-j", "2"]], ids=["serial", "parallel"])
def test_the_page_follows_its_cache(tmp_path: Path, jobs: list[str]) -> None:
    files = {"deps/0001-widgets.md": WIDGETS, "deps/0002-other.md": WIDGETS.replace("Widgets", "Other")}
    files.update({f"deps/000{n}-x{n}.md": WIDGETS.replace("Widgets", f"X{n}") for n in range(3, 7)})
    src = write_project(tmp_path / "src", files)
    out = tmp_path / "out"
    cache = src / ".dep-discussion" / "0001-widgets.json"
    read, html = _incremental(src, out, *jobs)
    assert "deps/0001-widgets" in read and "dep-discussion" not in html.split("</head>", 1)[1]
    # Written: the page is read again, and only it.
    cache.parent.mkdir()
    cache.write_text(discussion_cache())
    read, html = _incremental(src, out, *jobs)
    assert read == {"deps/0001-widgets"}
    assert "as fetched on 2026-03-20 06:00 UTC" in html
    # Unchanged: nothing is read.
    read, _ = _incremental(src, out, *jobs)
    assert read == set()
    # Changed, even with the same size and time stamp: read again.
    stat = cache.stat()
    cache.write_text(discussion_cache("2026-03-21T06:00:00Z"))
    os.utime(cache, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    read, html = _incremental(src, out, *jobs)
    assert read == {"deps/0001-widgets"}
    assert "as fetched on 2026-03-21 06:00 UTC" in html
    # Removed: no section.
    cache.unlink()
    read, html = _incremental(src, out, *jobs)
    assert read == {"deps/0001-widgets"}
    assert "dep-discussion" not in html.split("</head>", 1)[1]


def test_parallel_build_gives_what_a_serial_one_gives(tmp_path: Path) -> None:
    files = {f"deps/000{n}-x{n}.md": WIDGETS.replace("Widgets", f"X{n}") for n in range(1, 7)}
    src = write_project(tmp_path / "src", files)
    (src / ".dep-discussion").mkdir()
    for n in range(1, 7):
        (src / ".dep-discussion" / f"000{n}-x{n}.json").write_text(
            discussion_cache(f"2026-03-2{n}T06:00:00Z")
        )
    serial = sphinx_build(src, tmp_path / "serial", check=True)
    parallel = sphinx_build(src, tmp_path / "parallel", "-j", "2", check=True)
    for n in range(1, 7):
        one = (serial.outdir / "deps" / f"000{n}-x{n}.html").read_text()
        other = (parallel.outdir / "deps" / f"000{n}-x{n}.html").read_text()
        assert _section_text(one) == _section_text(other)
        assert f"as fetched on 2026-03-2{n} 06:00 UTC" in one


def test_index_of_the_project_unaffected(tmp_path: Path) -> None:
    """A page outside the proposals folder gets no section, whatever the cache holds."""
    src = write_project(tmp_path / "src", {"deps/0001-widgets.md": WIDGETS}, index=INDEX)
    (src / ".dep-discussion").mkdir()
    (src / ".dep-discussion" / "index.json").write_text(discussion_cache())
    build = sphinx_build(src, tmp_path / "out", check=True)
    assert "dep-discussion" not in (build.outdir / "index.html").read_text().split("</head>", 1)[1]


def test_a_body_markdown_would_take_quadratic_time_on_is_shown_as_text(tmp_path: Path) -> None:
    """Red team M2: markdown-it takes quadratic time on unclosed brackets ("![" 32,768 times
    cost 8 s, and anyone can comment); such a body is shown as the text it is."""
    data = json.loads(discussion_cache())
    first = data["issue_comments"][0]
    (first[0] if isinstance(first, list) else first)["body"] = "![" * 3000  # pages, as --slurp writes
    _, build = _build_widgets(tmp_path, json.dumps(data))
    assert (build.returncode, build.warnings) == (0, [])
    html = (tmp_path / "out" / "deps" / "0001-widgets.html").read_text()
    assert '<div class="highlight"><pre><span></span>![![![' in html  # as text, not read as Markdown
