"""A proposal's discussion on GitHub, mirrored one way onto its page: the cache, read safely.

The tracking issue (``:tracking:``) is the stable anchor of a proposal's design discussion,
its pull request (``:pull-request:``) holds the line-level review. CI writes what GitHub
holds into one JSON file per proposal, in the API's own shapes, with ``gh api``
(:func:`fetch_plan` prints the commands); the build reads that file and never the network.

``<dep_discussion_cache>/<the proposal's file, relative to the proposals folder, with .json>``::

    {"fetched_at": "2026-11-20T14:03:00Z",
     "issue": <gh api repos/O/R/issues/N>  or null,
     "issue_comments": <gh api --paginate --slurp repos/O/R/issues/N/comments>,
     "review_comments": <gh api --paginate --slurp repos/O/R/pulls/N/comments>}

A list of comments may be one array or the array of pages ``--slurp`` prints. Everything
in the file is untrusted: comments are written by anyone who can comment on GitHub. The
file is read bounded (:data:`MAX_BYTES`, :data:`MAX_COMMENTS`, :data:`MAX_BODY`) and field
by field into typed records; a value of the wrong type or a missing key is a located
diagnostic (``dep.discussion``) and the entry is left out, never a traceback. A link back
to GitHub is kept only when it is an ``https://`` address on one of ``dep_discussion_hosts``.
Comment bodies stay Markdown here: the Sphinx layer renders them as GitHub-flavoured
Markdown under the proposals' policy (no directive, no role, no file; raw HTML and links
judged by :mod:`.sanitize`).
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from . import sanitize
from .diagnostics import Code, Diagnostic
from .github import timestamp
from .model import Dep

#: The most bytes one cache file may be (GitHub caps a comment at 65,536 characters).
MAX_BYTES = 32 * 1024 * 1024
#: The most comments shown of each list; the rest are counted and linked to.
MAX_COMMENTS = 1000
#: The most characters of one body (GitHub's own limit); a longer one is cut and said so.
MAX_BODY = 65536
#: Lines of a review comment's diff hunk shown above it: the lines it is about, as GitHub shows.
HUNK_LINES = 4
#: The most characters of one diff hunk line, of a path, of a title.
LINE_TEXT = 500

#: A GitHub login (letters, digits, single hyphens, up to 39), or an app's ``name[bot]``.
_LOGIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?\Z", re.ASCII)
#: What GitHub says about a commenter's relation to the repository.
ASSOCIATIONS = frozenset(
    {"OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "MANNEQUIN"}
)
_UNSHOWN_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
#: ``https://<host>/<owner>/<repo>/(issues|pull)/<n>``, as :func:`github_item` reads it.
_ITEM_RE = re.compile(
    r"^https://([A-Za-z0-9.-]+)/([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9_.-]{1,100})/(issues|pull)/([0-9]{1,9})/?\Z",
    re.ASCII,
)
#: A proposal's cache name: plain path characters, no ``..``.
_KEY_RE = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\Z", re.ASCII)


# --------------------------------------------------------------------------------------
# Where a proposal's discussion is, and what it is about
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GitHubItem:
    """An issue or pull request on a GitHub host, as ``gh api`` names it."""

    host: str
    owner: str
    repo: str
    kind: str  # "issues" or "pull"
    number: int

    @property
    def label(self) -> str:
        return f"{self.owner}/{self.repo}#{self.number}"

    @property
    def url(self) -> str:
        return f"https://{self.host}/{self.owner}/{self.repo}/{self.kind}/{self.number}"

    @property
    def api_path(self) -> str:
        """The REST path of the item (``repos/O/R/issues/N``, ``repos/O/R/pulls/N``)."""
        kind = "pulls" if self.kind == "pull" else "issues"
        return f"repos/{self.owner}/{self.repo}/{kind}/{self.number}"


def github_item(url: str | None, hosts: Iterable[str], kind: str) -> GitHubItem | None:
    """The issue (``kind="issues"``) or pull request (``"pull"``) ``url`` names on one of ``hosts``."""
    if not url:
        return None
    match = _ITEM_RE.match(url.strip())
    if match is None or match.group(4) != kind:
        return None
    host = match.group(1).lower()
    if host not in {h.lower() for h in hosts}:
        return None
    return GitHubItem(host, match.group(2), match.group(3), kind, int(match.group(5)))


def tracking_issue(dep: Dep, hosts: Iterable[str]) -> GitHubItem | None:
    """The proposal's tracking issue on GitHub: the first ``:tracking:`` entry that is one."""
    hosts = list(hosts)
    for issue in dep.tracking:
        found = github_item(issue.url, hosts, "issues")
        if found is not None:
            return found
    return None


def pull_request(dep: Dep, hosts: Iterable[str]) -> GitHubItem | None:
    """The proposal's own pull request (``:pull-request:``), when it is one on GitHub."""
    return github_item(dep.pull_request, hosts, "pull")


def cache_name(relative: str) -> str | None:
    """The cache file of the proposal at ``relative`` (to the proposals folder): ``x/0001-y.json``.

    ``None`` for a name that is not plain path characters (such a file is reported by the
    folder checks already, and gets no discussion).
    """
    relative = relative.replace("\\", "/")
    stem = str(PurePosixPath(relative).with_suffix(".json")) if "." in relative.rsplit("/", 1)[-1] else ""
    return stem if stem and _KEY_RE.match(stem) and ".." not in stem.split("/") else None


def fingerprint(path: Path) -> str:
    """What the cache file at ``path`` holds, in short: its digest, or ``absent``.

    The build keeps it per page and reads the page again when it differs (a cache written,
    changed or removed), whatever the file's time stamp says.
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return f"large:{size}:{path.stat().st_mtime_ns}"
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "absent"


# --------------------------------------------------------------------------------------
# What the cache holds
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    """One comment: an issue comment, or a review comment on a line of the pull request."""

    id: int
    author: str
    #: The author's page on the host (``None`` for a login that is not one).
    author_url: str | None
    bot: bool
    association: str | None
    created: datetime
    updated: datetime | None
    body: str
    #: Where to reply on GitHub (``html_url``), ``None`` when it is not an address there.
    url: str | None
    #: Characters of the body left out beyond :data:`MAX_BODY`.
    cut: int = 0
    # Review comments only:
    path: str | None = None
    line: int | None = None
    original_line: int | None = None
    start_line: int | None = None
    original_start_line: int | None = None
    side: str | None = None
    hunk: tuple[str, ...] = ()
    in_reply_to: int | None = None
    review: int | None = None

    @property
    def edited(self) -> bool:
        return self.updated is not None and self.updated != self.created

    @property
    def outdated(self) -> bool:
        """A review comment whose line is no longer in the pull request's diff."""
        return self.path is not None and self.line is None and self.original_line is not None

    @property
    def where(self) -> str:
        """``deps/x.md, lines 4-6`` (``(outdated)`` when the line moved on): what it is about."""
        if self.path is None:
            return ""
        end = self.line if self.line is not None else self.original_line
        start = self.start_line if self.line is not None else self.original_start_line
        if end is None:
            return f"{self.path} (the file)"
        lines = f"lines {start}-{end}" if start is not None and start != end else f"line {end}"
        return f"{self.path}, {lines}" + (" (outdated)" if self.outdated else "")


@dataclass(frozen=True)
class Thread:
    """A review comment and the replies to it, oldest first."""

    first: Comment
    replies: tuple[Comment, ...] = ()


@dataclass(frozen=True)
class Issue:
    """The tracking issue itself: its title, state, opening post."""

    number: int
    title: str
    state: str
    opening: Comment | None


@dataclass
class Discussion:
    """A proposal's discussion as the cache holds it, ready to show."""

    fetched_at: datetime | None = None
    issue: Issue | None = None
    comments: list[Comment] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    #: Comments by bots and CI, not shown (as the real mirror leaves them out).
    bots: int = 0
    #: Comments beyond :data:`MAX_COMMENTS`, not shown.
    more: int = 0

    @property
    def empty(self) -> bool:
        return self.issue is None and not self.comments and not self.threads


class _Problems:
    """Problems of one file, each at the line of the JSON object or array it is about."""

    def __init__(self, shown: str, lines: dict[int, int] | None) -> None:
        self.shown = shown
        self.lines = lines or {}
        self.found: list[Diagnostic] = []
        self.at: Any = None

    def __call__(self, message: str, about: Any = None) -> None:
        line = self.lines.get(id(about if about is not None else self.at))
        if len(self.found) < 20:
            self.found.append(Diagnostic(Code.DISCUSSION, message, self.shown, line))
        elif len(self.found) == 20:
            message = "more problems in this file are not reported"
            self.found.append(Diagnostic(Code.DISCUSSION, message, self.shown, line))


def _located(text: str) -> tuple[Any, dict[int, int]]:
    """The JSON ``text``'s value, and the line each of its objects and arrays starts on (by ``id``).

    Read with the standard library's Python scanner (the C one tells no positions): only
    for a file that has problems, to say where.
    """
    import bisect
    import json.decoder
    import json.scanner

    breaks = [i for i, ch in enumerate(text) if ch == "\n"]
    found: dict[int, int] = {}
    decoder = json.JSONDecoder()

    def located(parse: Any) -> Any:
        def parse_at(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
            value, end = parse(s_and_end, *args)
            found[id(value)] = bisect.bisect_left(breaks, s_and_end[1] - 1) + 1
            return value, end

        return parse_at

    decoder.parse_object = located(json.decoder.JSONObject)  # type: ignore[attr-defined]
    decoder.parse_array = located(json.decoder.JSONArray)  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text), found


def _text(value: str, limit: int) -> str:
    return _UNSHOWN_RE.sub("", value[:limit])


def _date(value: Any) -> datetime | None:
    """A comment's time, read as pull requests' are (:func:`.github.timestamp`)."""
    return timestamp(value)[0] if isinstance(value, str) else None


def _choice(value: Any, choices: Iterable[str]) -> str | None:
    """``value`` when it is one of ``choices`` (a list or an object is none, and no error)."""
    return value if isinstance(value, str) and value in choices else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53 else None


def link_problem(url: str, hosts: Iterable[str]) -> str | None:
    """Why ``url`` may not be a link back to GitHub; ``None`` if it may."""
    problem = sanitize.header_url_problem(url)
    if problem is not None:
        return problem
    host = re.split(r"[/:]", url[len("https://") :], maxsplit=1)[0].lower()
    if not url.startswith("https://") or host not in {h.lower() for h in hosts}:
        return f"is not an https address on {', '.join(hosts)}"
    return None


def _comment(item: Any, where: str, hosts: list[str], report: _Problems, review: bool) -> Comment | None:
    if not isinstance(item, dict):
        report(f"{where}: a comment is an object, not {type(item).__name__}; left out")
        return None
    number = _int(item.get("id"))
    created = _date(item.get("created_at"))
    body = item.get("body")
    if number is None:
        report(f"{where}: 'id' is missing or not a number; left out")
        return None
    if created is None:
        report(f"{where}: 'created_at' is missing or not a date; left out")
        return None
    if body is None:
        body = ""
    if not isinstance(body, str):
        report(f"{where}: 'body' is not text; left out")
        return None
    user = item.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    if user is not None and not isinstance(user, dict):
        report(f"{where}: 'user' is not an object; shown as ghost")
    if isinstance(login, str) and _LOGIN_RE.match(login):
        author, author_url = login, f"https://{hosts[0]}/{login}" if hosts else None
        if login.endswith("[bot]"):
            author_url = None
    else:
        if login is not None:
            report(f"{where}: 'user.login' {str(login)[:40]!r} is not a GitHub login; shown as ghost")
        author, author_url = "ghost", None
    bot = login is not None and (
        (isinstance(user, dict) and user.get("type") == "Bot") or str(login).endswith("[bot]")
    )
    association = _choice(item.get("author_association"), ASSOCIATIONS)
    url = item.get("html_url")
    if isinstance(url, str) and (problem := link_problem(url, hosts)) is None:
        reply: str | None = url
    else:
        reply = None
        shown = repr(url[:80]) if isinstance(url, str) else "missing"
        problem = "is missing" if url is None else (problem if isinstance(url, str) else "is not text")
        report(f"{where}: 'html_url' {shown} {problem}; no link to reply")
    cut = max(0, len(body) - MAX_BODY)
    fields: dict[str, Any] = {}
    if review:
        path = item.get("path")
        if not isinstance(path, str) or not path.strip():
            report(f"{where}: 'path' is missing or not text; left out")
            return None
        fields["path"] = _text(path, LINE_TEXT)
        for key in ("line", "original_line", "start_line", "original_start_line", "in_reply_to_id"):
            value = item.get(key)
            if value is not None and _int(value) is None:
                report(f"{where}: {key!r} is not a number; ignored")
            fields[key if key != "in_reply_to_id" else "in_reply_to"] = _int(value)
        fields["review"] = _int(item.get("pull_request_review_id"))
        fields["side"] = _choice(item.get("side"), {"LEFT", "RIGHT"})
        hunk = item.get("diff_hunk")
        if isinstance(hunk, str):
            lines = hunk[-HUNK_LINES * (LINE_TEXT + 1) :].splitlines()[-HUNK_LINES:]
            fields["hunk"] = tuple(_text(line, LINE_TEXT) for line in lines)
    return Comment(
        id=number,
        author=author,
        author_url=author_url,
        bot=bot,
        association=association,
        created=created,
        updated=_date(item.get("updated_at")),
        body=body[:MAX_BODY],
        url=reply,
        cut=cut,
        **fields,
    )


def _comment_list(value: Any, key: str, report: _Problems) -> list[Any]:
    """The comments of ``key``: one array, or the array of pages ``gh api --paginate --slurp`` prints."""
    if value is None:
        return []
    if not isinstance(value, list):
        report(f"{key!r} is a list of comments, not {type(value).__name__}; left out")
        return []
    if value and all(isinstance(page, list) for page in value):
        return [item for page in value for item in page]
    return value


def _threads(comments: list[Comment]) -> list[Thread]:
    """Review comments as GitHub shows them: each thread's first comment, then its replies."""
    by_id = {c.id: c for c in comments}
    replies: dict[int, list[Comment]] = {}
    firsts: list[Comment] = []
    # GitHub points every reply at the thread's first comment; follow a chain all the same,
    # each comment once (roots are remembered: a crafted chain of 8,000 replies took 21 s).
    # A reply to a comment not in the cache starts a thread; a chain that comes back on
    # itself starts a thread at each of its comments.
    root_of: dict[int, int] = {}
    for comment in comments:
        path: list[int] = []
        on_path: set[int] = set()
        current = comment
        while True:
            if current.id in root_of:
                root = root_of[current.id]
                break
            parent = current.in_reply_to
            if current.id in on_path:
                root = -1  # a loop: each comment on it is a thread of its own
                break
            path.append(current.id)
            on_path.add(current.id)
            if parent is None or parent not in by_id:
                root = current.id
                break
            current = by_id[parent]
        for member in path:
            root_of.setdefault(member, member if root == -1 else root)
        if root_of[comment.id] == comment.id:
            firsts.append(comment)
        else:
            replies.setdefault(root_of[comment.id], []).append(comment)
    order = sorted(firsts, key=lambda c: (c.created, c.id))
    return [
        Thread(first, tuple(sorted(replies.get(first.id, []), key=lambda c: (c.created, c.id))))
        for first in order
    ]


def parse(
    data: Any, shown: str, hosts: Iterable[str], lines: dict[int, int] | None = None
) -> tuple[Discussion, list[Diagnostic]]:
    """The discussion in ``data`` (a cache file's JSON value; ``shown`` names the file).

    ``lines`` (:func:`_located`) places each problem at the line of the object it is about.
    """
    hosts = list(hosts)
    report = _Problems(shown, lines)
    report.at = data
    found = Discussion()
    if not isinstance(data, dict):
        report(f"a discussion cache is a JSON object, not {type(data).__name__}; nothing is shown")
        return found, report.found
    unknown = sorted(set(data) - {"fetched_at", "issue", "issue_comments", "review_comments"})
    if unknown:
        report(f"unknown key(s) {', '.join(repr(k[:40]) for k in unknown[:5])}; ignored")
    if data.get("fetched_at") is not None:
        found.fetched_at = _date(data.get("fetched_at"))
        if found.fetched_at is None:
            report("'fetched_at' is not a date (2026-11-20T14:03:00Z); the mirror's date is not shown")
    issue = data.get("issue")
    if isinstance(issue, dict):
        report.at = issue
        number = _int(issue.get("number"))
        title = issue.get("title")
        if number is None or not isinstance(title, str):
            report("'issue': 'number' or 'title' is missing or of the wrong type; the issue is not shown")
        else:
            opening = _comment(issue, "issue", hosts, report, False) if issue.get("body") else None
            if opening is not None:
                # An issue's updated_at moves with every comment and label: no sign of an edit.
                opening = replace(opening, updated=None)
            state = _choice(issue.get("state"), {"open", "closed"}) or ""
            found.issue = Issue(number, _text(title, LINE_TEXT), state, opening)
    elif issue is not None:
        report(f"'issue' is an object, not {type(issue).__name__}; the issue is not shown")
    for key, review in (("issue_comments", False), ("review_comments", True)):
        report.at = data
        items = _comment_list(data.get(key), key, report)
        comments = []
        for index, item in enumerate(items):
            report.at = item if isinstance(item, dict | list) else data.get(key)
            comment = _comment(item, f"{key}[{index}]", hosts, report, review)
            if comment is None:
                continue
            if comment.bot:
                found.bots += 1
                continue
            comments.append(comment)
        # One id once: a page fetched twice by a retried call shows no comment twice.
        unique = list({c.id: c for c in sorted(comments, key=lambda c: (c.created, c.id))}.values())
        if review:
            threads = _threads(unique)
            kept, shown_count = [], 0
            for thread in threads:
                size = 1 + len(thread.replies)
                if shown_count + size > MAX_COMMENTS:
                    found.more += size
                    continue
                kept.append(thread)
                shown_count += size
            found.threads = kept
        else:
            found.more += max(0, len(unique) - MAX_COMMENTS)
            found.comments = unique[:MAX_COMMENTS]
    return found, report.found


def read(path: Path, shown: str, hosts: Iterable[str]) -> tuple[Discussion | None, list[Diagnostic]]:
    """The discussion cached at ``path``; ``None`` without a file (no cache, no section)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None, []
    if size > MAX_BYTES:
        message = f"{size} bytes, more than {MAX_BYTES} a discussion cache may be; nothing is shown"
        return None, [Diagnostic(Code.DISCUSSION, message, shown, 1)]
    try:
        text = path.read_bytes().decode("utf-8")
        data = json.loads(text)
    except json.JSONDecodeError as err:
        message = f"not a JSON file ({err.msg}); nothing is shown"
        return None, [Diagnostic(Code.DISCUSSION, message, shown, err.lineno)]
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        message = f"not a JSON file ({type(err).__name__}); nothing is shown"
        return None, [Diagnostic(Code.DISCUSSION, message, shown, 1)]
    hosts = list(hosts)
    discussion, problems = parse(data, shown, hosts)
    if problems:
        try:
            data, lines = _located(text)
        except (ValueError, RecursionError):  # deeper than the Python scanner goes: no lines
            return discussion, problems
        discussion, problems = parse(data, shown, hosts, lines)
    return discussion, problems


# --------------------------------------------------------------------------------------
# The CI recipe: the gh api calls that write the cache
# --------------------------------------------------------------------------------------

_STAMP = "$(date -u +%Y-%m-%dT%H:%M:%SZ)"


def _gh(item: GitHubItem, path: str, paginate: bool) -> str:
    words = ["gh", "api"]
    if item.host != "github.com":
        words += ["--hostname", item.host]
    if paginate:
        words += ["--paginate", "--slurp"]
    return " ".join([*map(shlex.quote, words), shlex.quote(path)])


def fetch_commands(
    name: str, shown: str, cache: str, issue: GitHubItem | None, pull: GitHubItem | None
) -> list[str]:
    """Shell lines that write the cache file ``name`` (in folder ``cache``) of the proposal ``shown``.

    The file is written to a temporary name and moved into place only when every call
    succeeded, so a failed fetch keeps the last good copy (and makes the script fail).
    """
    about = [f"tracking issue {issue.label}" if issue else "", f"pull request {pull.label}" if pull else ""]
    target = shlex.quote(f"{cache.rstrip('/')}/{name}")
    lines = [f"# {shown}: {', '.join(a for a in about if a)}"]
    lines.append(f"f={target}")
    lines.append('mkdir -p "$(dirname "$f")"')
    calls = [f'printf \'{{"fetched_at": "%s",\\n"issue": \' "{_STAMP}"']
    if issue is not None:
        calls.append(_gh(issue, issue.api_path, False))
        calls.append("printf ',\\n\"issue_comments\": '")
        calls.append(_gh(issue, issue.api_path + "/comments", True))
    else:
        calls.append("printf 'null,\\n\"issue_comments\": []'")
    calls.append("printf ',\\n\"review_comments\": '")
    if pull is not None:
        calls.append(_gh(pull, pull.api_path + "/comments", True))
    else:
        calls.append("printf '[]'")
    calls.append("printf '}\\n'")
    lines.append("if { " + " &&\n     ".join(calls) + '; } > "$f.tmp"; then')
    lines.append('  mv "$f.tmp" "$f"')
    lines.append("else")
    lines.append(
        f'  rm -f "$f.tmp"; echo {shlex.quote(f"dep: could not fetch the discussion of {shown}")} >&2; status=1'
    )
    lines.append("fi")
    return lines


def fetch_plan(
    entries: list[tuple[str, str, GitHubItem | None, GitHubItem | None]], cache: str, hosts: Iterable[str]
) -> str:
    """The shell script that writes every proposal's cache: ``(name, shown, issue, pull)`` each."""
    out = [
        "#!/bin/sh",
        "# The discussion of each proposal on GitHub, for the one-way mirror on its page.",
        "# Written by `dep discussion fetch-plan`; run in CI with GH_TOKEN set, before sphinx-build.",
        "status=0",
    ]
    for name, shown, issue, pull in entries:
        if issue is None and pull is None:
            out += ["", f"# {shown}: no tracking issue or pull request on {', '.join(hosts)}"]
            continue
        out.append("")
        out += fetch_commands(name, shown, cache, issue, pull)
    out += ["", 'exit "$status"', ""]
    return "\n".join(out)
