"""core/github.py: merged pull requests from ``gh pr list --json`` and the REST API, bounded and located."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sphinxcontrib_dep.core import github
from sphinxcontrib_dep.core.github import (
    ChangedFile,
    PullAuthor,
    PullRequest,
    PullRequestsError,
    parse_pull_requests,
    read_pull_request,
    read_pull_requests,
)

#: One pull request as `gh pr list --state merged --json number,title,body,author,mergedAt,additions,files,url`
#: prints it (keys in gh's order, the author's node id included).
GH_PULL = {
    "additions": 1342,
    "author": {"id": "MDQ6VXNlcjEyMzQ1", "is_bot": False, "login": "rpei", "name": "R. Pei"},
    "body": "## Summary\r\nApproximate KV routing.\r\n",
    "files": [
        {"path": "lib/llm/src/kv_router/indexer.rs", "additions": 1200, "deletions": 40},
        {"path": "docs/router.md", "additions": 142, "deletions": 0},
    ],
    "mergedAt": "2025-06-12T18:04:33Z",
    "number": 1480,
    "title": "feat: approximate KV routing",
    "url": "https://github.com/ai-dynamo/dynamo/pull/1480",
}

#: The same pull request as `gh api repos/ai-dynamo/dynamo/pulls/1480` prints it (abridged to
#: the keys read, and a few that are not), with `.../pulls/1480/files` attached as `files`.
REST_PULL = {
    "url": "https://api.github.com/repos/ai-dynamo/dynamo/pulls/1480",
    "html_url": "https://github.com/ai-dynamo/dynamo/pull/1480",
    "number": 1480,
    "state": "closed",
    "title": "feat: approximate KV routing",
    "user": {"login": "rpei", "id": 12345, "type": "User", "site_admin": False},
    "body": "## Summary\r\nApproximate KV routing.\r\n",
    "merged_at": "2025-06-12T18:04:33Z",
    "additions": 1342,
    "deletions": 40,
    "files": [
        {
            "sha": "bbcd538c8e72b8c175046e27cc8f907076331401",
            "filename": "lib/llm/src/kv_router/indexer.rs",
            "status": "modified",
            "additions": 1200,
            "deletions": 40,
            "changes": 1240,
        },
        {"filename": "docs/router.md", "status": "added", "additions": 142, "deletions": 0, "changes": 142},
    ],
}

EXPECTED = PullRequest(
    number=1480,
    title="feat: approximate KV routing",
    body="## Summary\r\nApproximate KV routing.\r\n",
    author=PullAuthor(login="rpei", name="R. Pei", is_bot=False),
    merged_at=datetime(2025, 6, 12, 18, 4, 33, tzinfo=UTC),
    additions=1342,
    files=(
        ChangedFile("lib/llm/src/kv_router/indexer.rs", 1200, 40),
        ChangedFile("docs/router.md", 142, 0),
    ),
    url="https://github.com/ai-dynamo/dynamo/pull/1480",
)


def _parse(data: object) -> list[PullRequest]:
    return parse_pull_requests(json.dumps(data), "prs.json")


def test_gh_and_rest_shapes_read_into_the_same_record() -> None:
    assert _parse([GH_PULL]) == [EXPECTED]
    # The REST API names no display name; everything else is the same.
    assert _parse([REST_PULL]) == [
        PullRequest(**{**EXPECTED.__dict__, "author": PullAuthor(login="rpei", name="", is_bot=False)})
    ]
    assert EXPECTED.paths == ("lib/llm/src/kv_router/indexer.rs", "docs/router.md")
    assert EXPECTED.author is not None and EXPECTED.author.handle == "@rpei"


def test_one_object_a_list_and_slurped_pages_are_read() -> None:
    second = {**GH_PULL, "number": 1481}
    assert [p.number for p in _parse(GH_PULL)] == [1480]
    assert [p.number for p in _parse([GH_PULL, second])] == [1480, 1481]
    # `gh api --paginate --slurp` prints a list of pages.
    assert [p.number for p in _parse([[GH_PULL], [second]])] == [1480, 1481]
    assert _parse([]) == []


def test_what_the_rest_list_leaves_out_is_none_or_summed() -> None:
    listed = {k: v for k, v in REST_PULL.items() if k not in {"additions", "deletions", "files"}}
    (pull,) = _parse([listed])
    assert (pull.additions, pull.files) == (None, ())
    # Without a total, the files' additions add up; an unmerged pull request has no date.
    summed = {**listed, "files": REST_PULL["files"], "merged_at": None, "body": None}
    (pull,) = _parse([summed])
    assert (pull.additions, pull.merged_at, pull.body) == (1342, None, "")
    # A file without counts leaves the total unknown.
    partial = {**listed, "files": [{"filename": "a.py"}]}
    assert _parse([partial])[0].additions is None


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ({"is_bot": True, "login": "app/dependabot", "name": ""}, PullAuthor("app/dependabot", "", True)),
        ({"login": "dependabot[bot]", "type": "Bot"}, PullAuthor("dependabot[bot]", "", True)),
        ({"login": "renovate[bot]", "type": "User"}, PullAuthor("renovate[bot]", "", True)),
        ({"login": "grahamking", "type": "User"}, PullAuthor("grahamking", "", False)),
        (None, None),
    ],
)
def test_bots_are_known_in_both_shapes(author: object, expected: PullAuthor | None) -> None:
    assert _parse([{**GH_PULL, "author": author}])[0].author == expected


def test_a_bot_handle_drops_the_app_and_bot_marks() -> None:
    assert PullAuthor("app/dependabot", "", True).handle == "@dependabot"
    assert PullAuthor("dependabot[bot]", "", True).handle == "@dependabot"


def test_a_file_is_read_from_disk_and_one_pull_request_picked(tmp_path: Path) -> None:
    path = tmp_path / "prs.json"
    path.write_text(json.dumps([GH_PULL, {**GH_PULL, "number": 7}]), encoding="utf-8")
    assert [p.number for p in read_pull_requests(path)] == [1480, 7]
    assert read_pull_request(path, 7).number == 7
    with pytest.raises(PullRequestsError, match=r"prs.json: holds 2 pull requests, not one; say which$"):
        read_pull_request(path)
    with pytest.raises(PullRequestsError, match=r"prs.json: holds no pull request #8$"):
        read_pull_request(path, 8)
    single = tmp_path / "one.json"
    single.write_text(json.dumps(REST_PULL), encoding="utf-8")
    assert read_pull_request(single).number == 1480


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("[", "prs.json: line 1 column 2: not JSON: Expecting value"),
        ('[{"number": NaN}]', "prs.json: not JSON GitHub prints: NaN is not a JSON value"),
        ("[" * 100_000 + "]" * 100_000, "prs.json: not JSON GitHub prints: maximum recursion depth"),
        ('"a string"', "prs.json: $: expected a pull request or a list of them, found text"),
        ("[3]", "prs.json: $[0]: expected a pull request (an object), found a number"),
        ("[[null]]", "prs.json: $[0][0]: expected a pull request (an object), found null"),
        ('[{"title": "x"}]', "prs.json: $[0]: has no 'number'"),
        ('[{"number": 1}]', "prs.json: $[0]: has no 'title'"),
        ('[{"number": "12", "title": "x"}]', "prs.json: $[0].number: expected a whole number, found text"),
        ('[{"number": true, "title": "x"}]', "prs.json: $[0].number: expected a whole number, found true"),
        ('[{"number": 1.5, "title": "x"}]', "prs.json: $[0].number: expected a whole number, found a number"),
        ('[{"number": 0, "title": "x"}]', "prs.json: $[0].number: 0 is not between 1 and 1,000,000,000"),
        ('[{"number": 1, "title": ["x"]}]', "prs.json: $[0].title: expected text, found a list"),
        ('[{"number": 1, "title": "a\\u0000b"}]', "prs.json: $[0].title: holds a NUL character"),
        ('[{"number": 1, "title": "x", "body": 5}]', "prs.json: $[0].body: expected text, found a number"),
        (
            '[{"number": 1, "title": "x", "additions": -4}]',
            "prs.json: $[0].additions: -4 is not between 0 and 1,000,000,000",
        ),
        ('[{"number": 1, "title": "x", "author": "rpei"}]', "prs.json: $[0].author: expected an account"),
        ('[{"number": 1, "title": "x", "user": {}}]', "prs.json: $[0].user: has no 'login'"),
        (
            '[{"number": 1, "title": "x", "author": {"login": "a b"}}]',
            "prs.json: $[0].author.login: 'a b' is not a GitHub login",
        ),
        (
            '[{"number": 1, "title": "x", "author": {"login": "a", "is_bot": "no"}}]',
            "prs.json: $[0].author.is_bot: expected true or false, found text",
        ),
        (
            '[{"number": 1, "title": "x", "mergedAt": "yesterday"}]',
            "prs.json: $[0].mergedAt: 'yesterday' is not a date and time (2025-06-12T18:04:33Z)",
        ),
        (
            '[{"number": 1, "title": "x", "merged_at": "2025-06-12T18:04:33"}]',
            "prs.json: $[0].merged_at: '2025-06-12T18:04:33' says no time zone (GitHub writes ...Z)",
        ),
        ('[{"number": 1, "title": "x", "files": {}}]', "prs.json: $[0].files: expected a list of files"),
        ('[{"number": 1, "title": "x", "files": [{}]}]', "prs.json: $[0].files[0]: has no 'path' (gh)"),
        (
            '[{"number": 1, "title": "x", "files": [{"path": "a", "additions": "3"}]}]',
            "prs.json: $[0].files[0].additions: expected a whole number, found text",
        ),
        (
            '[{"number": 1, "title": "x", "files": [{"filename": "/etc/passwd"}]}]',
            "prs.json: $[0].files[0].filename: '/etc/passwd' is not a path in a repository",
        ),
        (
            '[{"number": 1, "title": "x", "files": [{"path": "a\\nb"}]}]',
            "prs.json: $[0].files[0].path: 'a\\\\x0ab' is not a path in a repository",
        ),
        (
            '[{"number": 1, "title": "x", "url": "javascript:alert(1)"}]',
            "prs.json: $[0].url: 'javascript:alert(1)' is not an http(s) URL",
        ),
        (
            '[{"number": 1, "title": "x", "html_url": "https://github.com/a\\"onmouseover=x"}]',
            "prs.json: $[0].html_url: 'https://github.com/a\"onmouseover=x' holds '\"'",
        ),
    ],
)
def test_hostile_input_is_a_located_error(data: str, message: str) -> None:
    with pytest.raises(PullRequestsError) as caught:
        parse_pull_requests(data, "prs.json")
    assert str(caught.value).startswith(message), str(caught.value)


def test_sizes_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long_title = [{"number": 1, "title": "x" * (github.MAX_TITLE + 1)}]
    with pytest.raises(PullRequestsError, match=r"^prs.json: \$\[0\].title: 1,001 characters; at most 1,000"):
        _parse(long_title)
    many_files = [{"number": 1, "title": "x", "files": [{"path": "a"}] * (github.MAX_FILES + 1)}]
    with pytest.raises(PullRequestsError, match=r"^prs.json: \$\[0\].files: 3,001 files; at most 3,000"):
        _parse(many_files)
    monkeypatch.setattr(github, "MAX_PULLS", 2)
    with pytest.raises(PullRequestsError, match=r"^prs.json: more than 2 pull requests$"):
        _parse([{"number": n, "title": "x"} for n in (1, 2, 3)])
    monkeypatch.setattr(github, "MAX_BYTES", 10)
    big = tmp_path / "big.json"
    big.write_text("[" + " " * 20 + "]", encoding="utf-8")
    with pytest.raises(PullRequestsError, match=r"big.json: larger than 10 bytes$"):
        read_pull_requests(big)


def test_unreadable_files_are_located(tmp_path: Path) -> None:
    with pytest.raises(PullRequestsError, match=r"missing.json: cannot be read: No such file or directory$"):
        read_pull_requests(tmp_path / "missing.json")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'[{"number": 1, "title": "caf\xe9"}]')
    with pytest.raises(PullRequestsError, match=r"latin.json: not UTF-8 \(byte 28\)$"):
        read_pull_requests(latin)
