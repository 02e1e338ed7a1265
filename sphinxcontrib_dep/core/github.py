"""Merged pull requests read from JSON that GitHub's tools print: the ``PullRequest`` record.

Two shapes are read, and may be mixed in one file:

- what ``gh pr list --state merged --json number,title,body,author,mergedAt,additions,files``
  (or ``gh pr view N --json ...``) prints: ``author`` is ``{login, name, is_bot}``, the date
  is ``mergedAt``, the address ``url``, each file ``{path, additions, deletions}``;
- the REST API's (``gh api repos/O/R/pulls/N``, or ``.../pulls?state=closed``, with or
  without ``--paginate --slurp``): ``user`` is ``{login, type}``, the date ``merged_at``,
  the address ``html_url``, each file (``.../pulls/N/files``, attached as ``files``)
  ``{filename, additions, deletions}``.

A file holds one pull request (an object), a list of them, or a list of such lists (the
pages ``gh api --paginate --slurp`` prints). What a file holds is untrusted: its size, the
number of pull requests and files, and every text are bounded; every value is checked for
its type; anything else is a :class:`PullRequestsError` naming the file and the place in
it (``pulls.json: [3].files[2].path: ...``), never a traceback. The texts are kept as
GitHub holds them; whoever shows one escapes it for its format (:mod:`.escape`), and the
address is kept only if it is an http(s) URL a browser reads as it is written
(:func:`.sanitize.header_url_problem`). Sphinx-free.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .sanitize import header_url_problem

#: The most bytes a file of pull requests may be (a thousand pull requests with their files
#: take a few MB).
MAX_BYTES = 32 * 1024 * 1024
#: The most pull requests read from one file.
MAX_PULLS = 20_000
#: The most files of one pull request (GitHub lists at most 3,000).
MAX_FILES = 3_000
#: The most characters of a title (GitHub allows 256) and of a body (GitHub allows 65,536).
MAX_TITLE = 1_000
MAX_BODY = 262_144
#: The most characters of a login, a name, a path, an address.
MAX_NAME = 200
MAX_PATH = 4_096
MAX_URL = 2_048
#: The largest number or count of lines accepted.
MAX_COUNT = 10**9

#: A GitHub login as ``gh`` and the API print them (``app/dependabot`` for an app in ``gh``,
#: ``dependabot[bot]`` in the API).
_LOGIN_RE = re.compile(r"(?:app/)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?\Z", re.ASCII)


class PullRequestsError(ValueError):
    """A file of pull requests that cannot be read; the message names the file and the place."""


@dataclass(frozen=True)
class PullAuthor:
    """Who opened a pull request."""

    #: Their login, as GitHub prints it (``rpei``; ``app/dependabot`` or ``dependabot[bot]``).
    login: str
    #: Their display name, when the JSON holds one (``gh`` prints it; the REST API does not).
    name: str = ""
    #: Whether the account is a bot or an app.
    is_bot: bool = False

    @property
    def handle(self) -> str:
        """``@login``, as a proposal's header names a person (``@dependabot`` for an app)."""
        login = self.login.removeprefix("app/").removesuffix("[bot]")
        return f"@{login}"


@dataclass(frozen=True)
class ChangedFile:
    """One file a pull request changes."""

    #: Its path in the repository, ``/``-separated.
    path: str
    #: Lines added and deleted, when the JSON says.
    additions: int | None = None
    deletions: int | None = None


@dataclass(frozen=True)
class PullRequest:
    """One pull request, from either shape."""

    number: int
    title: str
    #: Its description, ``""`` when it has none.
    body: str
    #: ``None`` when the JSON names no author (a deleted account: GitHub's "ghost").
    author: PullAuthor | None
    #: When it merged (UTC), ``None`` when it has not.
    merged_at: datetime | None
    #: Lines it adds: the JSON's ``additions``, else the sum over its files when each says,
    #: else ``None`` (the REST API's list of pull requests does not count them).
    additions: int | None
    files: tuple[ChangedFile, ...]
    #: Its page on GitHub, ``None`` when the JSON does not give it (``gh`` prints it only when
    #: ``url`` is asked for).
    url: str | None

    @property
    def paths(self) -> tuple[str, ...]:
        """The paths of the files it changes."""
        return tuple(changed.path for changed in self.files)


def read_pull_requests(path: Path) -> list[PullRequest]:
    """Every pull request in the JSON file ``path``, in the file's order; see the module."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as err:
        raise PullRequestsError(f"{name}: cannot be read: {err.strerror or err}") from None
    if len(data) > MAX_BYTES:
        raise PullRequestsError(f"{name}: larger than {MAX_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise PullRequestsError(f"{name}: not UTF-8 (byte {err.start})") from None
    return parse_pull_requests(text, name)


def read_pull_request(path: Path, number: int | None = None) -> PullRequest:
    """The one pull request of the file ``path`` (or the one numbered ``number`` in it)."""
    pulls = read_pull_requests(path)
    if number is not None:
        for pull in pulls:
            if pull.number == number:
                return pull
        raise PullRequestsError(f"{path}: holds no pull request #{number}")
    if len(pulls) != 1:
        raise PullRequestsError(f"{path}: holds {len(pulls)} pull requests, not one; say which")
    return pulls[0]


def parse_pull_requests(text: str, source: str = "<input>") -> list[PullRequest]:
    """Every pull request in the JSON ``text``; errors are located in ``source``."""
    if len(text) > MAX_BYTES:
        raise PullRequestsError(f"{source}: larger than {MAX_BYTES:,} bytes")
    try:
        loaded = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise PullRequestsError(
            f"{source}: line {err.lineno} column {err.colno}: not JSON: {err.msg}"
        ) from None
    except (ValueError, RecursionError) as err:
        # NaN/Infinity, an integer of more digits than Python converts, nesting too deep.
        raise PullRequestsError(f"{source}: not JSON GitHub prints: {_short(str(err))}") from None
    reader = _Reader(source)
    found: list[PullRequest] = []
    if isinstance(loaded, dict):
        found.append(reader.pull(loaded, "$"))
    elif isinstance(loaded, list):
        for index, item in enumerate(loaded):
            if isinstance(item, list):  # a page of `gh api --paginate --slurp`
                for inner, page_item in enumerate(item):
                    found.append(reader.pull(page_item, f"$[{index}][{inner}]"))
                    reader.count(len(found))
            else:
                found.append(reader.pull(item, f"$[{index}]"))
                reader.count(len(found))
    else:
        raise PullRequestsError(
            f"{source}: $: expected a pull request or a list of them, found {_kind(loaded)}"
        )
    return found


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


#: A pull request's page: what a PR's ``url`` (gh) or ``html_url`` (REST) must be. It
#: becomes a link in the triage, the site and a retroactive record's :implementation:.
_PULL_URL_RE = re.compile(
    r"https://[A-Za-z0-9.-]+(?::[0-9]+)?/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/pull/[0-9]{1,9}"
)


def timestamp(text: str) -> tuple[datetime | None, str | None]:
    """A time GitHub's API wrote (``2025-06-12T18:04:33Z``) in UTC, or why it is none: the one
    reader of GitHub's times (pull requests here, comments in :mod:`.discussion`)."""
    if len(text) > 40:
        return None, "is not a date and time (2025-06-12T18:04:33Z)"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None, "is not a date and time (2025-06-12T18:04:33Z)"
    if moment.tzinfo is None:
        return None, "says no time zone (GitHub writes ...Z)"
    try:
        return moment.astimezone(UTC), None
    except OverflowError:  # 9999-12-31T23:59:59-23:59 is past the last day UTC can name
        return None, "is out of range"


def _short(text: str, limit: int = 80) -> str:
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[: limit + 1])
    return text if len(text) <= limit else text[:limit] + "..."


class _Reader:
    """Reads the records of one file; every error names the file and the JSON path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> PullRequestsError:
        return PullRequestsError(f"{self.source}: {where}: {problem}")

    def count(self, total: int) -> None:
        if total > MAX_PULLS:
            raise PullRequestsError(f"{self.source}: more than {MAX_PULLS:,} pull requests")

    # -- values ------------------------------------------------------------------------

    def text(self, value: Any, where: str, limit: int, *, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            raise self.fail(where, f"expected text, found {_kind(value)}")
        if "\x00" in value:
            raise self.fail(where, "holds a NUL character")
        if len(value) > limit:
            raise self.fail(where, f"{len(value):,} characters; at most {limit:,} are read")
        return value

    def whole(self, value: Any, where: str, *, low: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, f"expected a whole number, found {_kind(value)}")
        if not low <= value <= MAX_COUNT:
            raise self.fail(where, f"{value} is not between {low} and {MAX_COUNT:,}")
        return value

    def first(self, record: dict[str, Any], where: str, *keys: str) -> tuple[str | None, Any]:
        """The first of ``keys`` present in ``record`` (gh's name, then the REST API's)."""
        for key in keys:
            if key in record:
                return f"{where}.{key}", record[key]
        return None, None

    # -- records -----------------------------------------------------------------------

    def pull(self, record: Any, where: str) -> PullRequest:
        if not isinstance(record, dict):
            raise self.fail(where, f"expected a pull request (an object), found {_kind(record)}")
        if "number" not in record:
            raise self.fail(where, "has no 'number'")
        number = self.whole(record["number"], f"{where}.number", low=1)
        if "title" not in record:
            raise self.fail(where, "has no 'title'")
        title = self.text(record["title"], f"{where}.title", MAX_TITLE)
        body = self.text(record.get("body"), f"{where}.body", MAX_BODY, required=False)
        author_at, author_value = self.first(record, where, "author", "user")
        author = None if author_at is None else self.author(author_value, author_at)
        merged_at_at, merged_value = self.first(record, where, "mergedAt", "merged_at")
        merged_at = None if merged_at_at is None else self.moment(merged_value, merged_at_at)
        files_at, files_value = self.first(record, where, "files")
        files = () if files_at is None else self.files(files_value, files_at)
        additions: int | None
        if "additions" in record:
            additions = self.whole(record["additions"], f"{where}.additions")
        elif files and all(changed.additions is not None for changed in files):
            additions = sum(changed.additions or 0 for changed in files)
        else:
            additions = None
        # The REST API's ``url`` is its own address (api.github.com); its page is ``html_url``.
        url_at, url_value = self.first(record, where, "html_url", "url")
        if isinstance(url_value, str) and url_value.startswith("https://api.github.com/"):
            url_at = None
        url = None if url_at is None else self.url(url_value, url_at)
        if url is not None and not url.endswith(f"/pull/{number}"):
            raise self.fail(
                url_at or where, f"{_short(url)!r} is the page of another pull request than #{number}"
            )
        return PullRequest(
            number=number,
            title=title,
            body=body,
            author=author,
            merged_at=merged_at,
            additions=additions,
            files=files,
            url=url,
        )

    def author(self, value: Any, where: str) -> PullAuthor | None:
        if value is None:
            return None  # a deleted account
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an account (an object), found {_kind(value)}")
        if "login" not in value:
            raise self.fail(where, "has no 'login'")
        login = self.text(value["login"], f"{where}.login", MAX_NAME)
        if not _LOGIN_RE.match(login):
            raise self.fail(f"{where}.login", f"{_short(login)!r} is not a GitHub login")
        name = self.text(value.get("name"), f"{where}.name", MAX_NAME, required=False)
        if "is_bot" in value:
            is_bot = value["is_bot"]
            if not isinstance(is_bot, bool):
                raise self.fail(f"{where}.is_bot", f"expected true or false, found {_kind(is_bot)}")
        else:
            kind = self.text(value.get("type"), f"{where}.type", MAX_NAME, required=False)
            is_bot = kind == "Bot"
        is_bot = is_bot or login.endswith("[bot]") or login.startswith("app/")
        return PullAuthor(login=login, name=name, is_bot=is_bot)

    def moment(self, value: Any, where: str) -> datetime | None:
        if value is None:
            return None  # the REST API's "not merged"
        text = self.text(value, where, 40)
        moment, problem = timestamp(text)
        if problem is not None:
            raise self.fail(where, f"{_short(text)!r} {problem}")
        return moment

    def files(self, value: Any, where: str) -> tuple[ChangedFile, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list of files, found {_kind(value)}")
        if len(value) > MAX_FILES:
            raise self.fail(where, f"{len(value):,} files; at most {MAX_FILES:,} are read")
        return tuple(self.changed_file(item, f"{where}[{index}]") for index, item in enumerate(value))

    def changed_file(self, value: Any, where: str) -> ChangedFile:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a file (an object), found {_kind(value)}")
        path_at, path_value = self.first(value, where, "path", "filename")
        if path_at is None:
            raise self.fail(where, "has no 'path' (gh) or 'filename' (REST API)")
        path = self.text(path_value, path_at, MAX_PATH)
        if (
            not path
            or path.startswith("/")
            or any(not c.isprintable() for c in path)
            or {".", ".."} & set(path.split("/"))
        ):
            raise self.fail(path_at, f"{_short(path)!r} is not a path in a repository")
        counts: dict[str, int | None] = {}
        for key in ("additions", "deletions"):
            counts[key] = None if value.get(key) is None else self.whole(value[key], f"{where}.{key}")
        return ChangedFile(path=path, additions=counts["additions"], deletions=counts["deletions"])

    def url(self, value: Any, where: str) -> str | None:
        if value is None:
            return None
        url = self.text(value, where, MAX_URL)
        problem = header_url_problem(url)
        if problem is None and not _PULL_URL_RE.fullmatch(url):
            problem = "is not a pull request's page (https://HOST/OWNER/REPO/pull/N)"
        if problem is not None:
            raise self.fail(where, f"{_short(url)!r} {problem}")
        return url
