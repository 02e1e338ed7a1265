"""Each proposal's history from git: created, last changed, and every status change.

:func:`read_history` runs ONE ``git log`` over the proposals folder for the whole build,
whatever the number of proposals: the mainline (first parents) oldest first, each commit
with its diff. Files are followed through renames (``0000-x.md`` numbered as
``0012-x.md``), and each file's text is rebuilt by applying the diffs in order, so the
status at every version is read by the core's own reader (:func:`header_status`), as the
build reads it, not guessed from diff lines: a ``:status:`` line in a code block or a
re-spelt status (``under review`` to ``Under Review``) is no change.

Where the history cannot be complete it says so once, in :attr:`History.note`: outside a
git work tree, without git, in a repository with no commits, or in a shallow clone (the
history then starts at the shallow boundary, whose files look created there).

A merge counts as one change on the mainline, dated when it was merged and by whom it was
committed; a squash or rebase merge keeps each commit's own author.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import git
from .config import DepConfig
from .model import DECIDED_STATUSES, Status

#: Separates the fields of a commit's header line (ASCII unit separator: never in a name).
_FIELD = "\x1f"
#: Starts a commit's header line; a diff's own lines start with a letter, a space, ``+``,
#: ``-``, ``@`` or ``\``, never with this.
_COMMIT = "\x01"
_FORMAT = _COMMIT + _FIELD.join(("%H", "%P", "%cI", "%an", "%D", "%s"))

#: Options that make the output one shape whatever the user's git configuration says.
LOG_OPTIONS = (
    "--reverse",
    "--first-parent",
    "--diff-merges=first-parent",
    "--patch",
    "--unified=0",
    "--full-index",
    "--find-renames",
    "--text",
    "--no-textconv",
    "--no-ext-diff",
    "--no-color",
    "--no-show-signature",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--relative",
    f"--format=format:{_FORMAT}",
)

_HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ATX_HEADING_RE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")


@dataclass(frozen=True)
class Commit:
    """A commit of the mainline: its id, when it was committed, and its author's name."""

    id: str
    date: datetime
    author: str
    subject: str = ""

    @property
    def short(self) -> str:
        return self.id[:10]


@dataclass(frozen=True)
class StatusChange:
    """A commit that moved a proposal from one status to another (``None``: no status read)."""

    commit: Commit
    old: str | None
    new: str | None


@dataclass
class FileHistory:
    """One proposal file's history, under its current name."""

    path: str
    #: The commit that added the file (or the shallow boundary that first shows it).
    created: Commit
    #: The status the file had when it was added.
    created_status: str | None
    #: The last commit that changed it.
    last_changed: Commit
    changes: list[StatusChange] = field(default_factory=list)
    #: Names it had before, oldest first.
    former_paths: list[str] = field(default_factory=list)
    #: Commits that changed the file, its creation included.
    commits: int = 1

    @property
    def decided(self) -> StatusChange | None:
        """The latest move from an undecided status into a decided one (Approved,
        Implemented, Rejected, Superseded)."""
        finals = {status.value for status in DECIDED_STATUSES}
        for change in reversed(self.changes):
            if change.new in finals and change.old not in finals:
                return change
        return None

    def events(self) -> Iterator[Event]:
        yield Event("created", self.path, self.created, None, self.created_status)
        for change in self.changes:
            yield Event("status", self.path, change.commit, change.old, change.new)


@dataclass(frozen=True)
class Event:
    """One line of a timeline: a proposal created, or its status changed."""

    kind: str  # "created" or "status"
    path: str
    commit: Commit
    old: str | None
    new: str | None


@dataclass
class History:
    """What git says of the proposals folder; ``note`` says why it is incomplete, if it is."""

    files: dict[str, FileHistory] = field(default_factory=dict)
    note: str | None = None
    shallow: bool = False
    #: Commits of the mainline that touched the folder.
    commits: int = 0

    def get(self, path: str) -> FileHistory | None:
        return self.files.get(path)

    def events(self, paths: Iterable[str] | None = None) -> list[Event]:
        """Every event of the given files (all when ``None``), newest first."""
        wanted = set(self.files) if paths is None else set(paths)
        found = [event for path in wanted if path in self.files for event in self.files[path].events()]
        # Newest first; at one time, creations before status changes, then by file name.
        return sorted(found, key=lambda e: (-e.commit.date.timestamp(), e.kind != "created", e.path))


#: Reads a status from a file's text: ``(text, path) -> status value or None``.
StatusReader = Callable[[str, str], "str | None"]


def header_prefix(text: str) -> str:
    """The text up to its second ATX heading (the title's section, where the header is).

    Reading this prefix instead of the whole file is what keeps the history affordable:
    the header sits right below the title, and the Markdown blocks before a heading read
    the same in the prefix as in the whole file.
    """
    headings = 0
    offset = 0
    for line in text.split("\n"):
        if _ATX_HEADING_RE.match(line):
            headings += 1
            if headings == 2:
                return text[:offset]
        offset += len(line) + 1
    return text


def status_reader(config: DepConfig, myst: Any = None) -> StatusReader:
    """A :data:`StatusReader` by the core's reader and header parser, as the build reads files."""
    from . import parsing, reader

    def read(text: str, path: str) -> str | None:
        if path.endswith(".md"):
            # The header's prefix first: the same header as the whole file when it has one.
            found = _status(reader, parsing, header_prefix(text), path, config, myst)
            if found is not None:
                return found
        return _status(reader, parsing, text, path, config, myst)

    return read


def _status(reader: Any, parsing: Any, text: str, path: str, config: DepConfig, myst: Any) -> str | None:
    try:
        doc = reader.read(text, path, myst, file_settings=False)
        dep, _, _ = parsing.parse_document(doc, config)
    except Exception:  # a version the reader cannot read has no status; the build reads the file as it is now
        return None
    status: Status | None = dep.status if dep is not None else None
    return status.value if status is not None else None


# --------------------------------------------------------------------------------------
# Reading git's output
# --------------------------------------------------------------------------------------


@dataclass
class _FileDiff:
    old: str | None
    new: str | None
    blob: str | None = None
    hunks: list[tuple[int, int, list[str], list[str]]] = field(default_factory=list)
    binary: bool = False


@dataclass
class _Tracked:
    lines: list[str] | None
    status: str | None
    history: FileHistory


def unquote_path(text: str) -> str:
    """A path as git prints it: C-quoted (``"a\\tb"``) when it holds unusual characters."""
    if not (len(text) >= 2 and text.startswith('"') and text.endswith('"')):
        return text
    body = text[1:-1]
    out = bytearray()
    index = 0
    simple = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            if following in simple:
                out.append(simple[following])
                index += 2
                continue
            if re.match(r"[0-7]{3}", body[index + 1 : index + 4]):
                out.append(int(body[index + 1 : index + 4], 8))
                index += 4
                continue
        out += char.encode("utf-8", "surrogateescape")
        index += 1
    return out.decode("utf-8", "replace")


def _side(text: str, prefix: str) -> str | None:
    """The path of a ``---``/``+++`` line's value: ``/dev/null`` is no file."""
    text = text.rstrip("\t")  # git ends a name holding a space with a tab (for GNU patch)
    if text == "/dev/null":
        return None
    path = unquote_path(text)
    return path[len(prefix) :] if path.startswith(prefix) else path


def _same_paths(header: str) -> str | None:
    """The path of ``diff --git a/P b/P`` when both sides name the same file."""
    rest = header[len("diff --git ") :]
    if rest.startswith('"'):
        match = re.match(r'^("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*")$', rest)
        if match:
            a, b = unquote_path(match.group(1)), unquote_path(match.group(2))
            return a[2:] if a[2:] == b[2:] else None
        return None
    half = (len(rest) - 1) // 2
    a, b = rest[:half], rest[half + 1 :]
    return a[2:] if a.startswith("a/") and b.startswith("b/") and a[2:] == b[2:] else None


def parse_log(output: str) -> Iterator[tuple[Commit, list[str], str, list[_FileDiff]]]:
    """``(commit, parents, decorations, file diffs)`` for each commit of the log's output."""
    commit: tuple[Commit, list[str], str] | None = None
    diffs: list[_FileDiff] = []
    current: _FileDiff | None = None
    hunk: tuple[int, int, list[str], list[str]] | None = None
    for line in output.split("\n"):
        if line.startswith(_COMMIT):
            if commit is not None:
                yield (*commit, diffs)
            parts = line[1:].split(_FIELD)
            parts += [""] * (6 - len(parts))
            commit_id, parents, date, author, decorations, subject = parts[:6]
            commit = (
                Commit(commit_id, datetime.fromisoformat(date), author, subject),
                parents.split(),
                decorations,
            )
            diffs, current, hunk = [], None, None
        elif line.startswith("diff --git "):
            current = _FileDiff(old=None, new=None)
            same = _same_paths(line)
            current.old = current.new = same
            diffs.append(current)
            hunk = None
        elif current is None:
            continue
        elif hunk is not None and line[:1] in ("+", "-"):
            (hunk[3] if line[0] == "+" else hunk[2]).append(line[1:])
        elif line.startswith("@@ "):
            match = _HUNK_RE.match(line)
            if match is None:
                current.binary = True
                continue
            start, count = int(match.group(1)), match.group(2)
            hunk = (start, 1 if count is None else int(count), [], [])
            current.hunks.append(hunk)
        elif hunk is None and line.startswith("--- "):
            current.old = _side(line[4:], "a/")
        elif hunk is None and line.startswith("+++ "):
            current.new = _side(line[4:], "b/")
        elif line.startswith("rename from "):
            current.old = unquote_path(line[len("rename from ") :])
        elif line.startswith("rename to "):
            current.new = unquote_path(line[len("rename to ") :])
        elif line.startswith("new file mode"):
            current.old = None
        elif line.startswith("deleted file mode"):
            current.new = None
        elif line.startswith("index "):
            ids = line[len("index ") :].split(" ", 1)[0]
            current.blob = ids.split("..", 1)[-1] if ".." in ids else None
        elif line.startswith("Binary files "):
            current.binary = True
    if commit is not None:
        yield (*commit, diffs)


def apply_hunks(lines: list[str], hunks: list[tuple[int, int, list[str], list[str]]]) -> list[str] | None:
    """``lines`` with the zero-context hunks applied; ``None`` when one does not fit them."""
    result: list[str] = []
    position = 0  # lines of the old text copied or replaced so far
    for start, count, removed, added in hunks:
        # A hunk that removes nothing names the line after which it inserts.
        first = start if count == 0 else start - 1
        if first < position or first + count > len(lines) or len(removed) != count:
            return None
        if lines[first : first + count] != removed:
            return None
        result += lines[position:first]
        result += added
        position = first + count
    result += lines[position:]
    return result


def replay(
    log: Iterable[tuple[Commit, list[str], str, list[_FileDiff]]],
    read_status: StatusReader,
    cache: dict[str, str | None] | None = None,
) -> History:
    """Follow every file through the commits, oldest first; its status read at each version.

    ``cache`` maps a blob id to the status read from it, so an unchanged version is never
    read twice (the Sphinx layer keeps it between builds).
    """
    cache = {} if cache is None else cache
    tracked: dict[str, _Tracked] = {}
    history = History()
    for commit, _parents, decorations, diffs in log:
        history.commits += 1
        if "grafted" in [d.strip() for d in decorations.split(",")]:
            history.shallow = True
        # Every source is taken before any file is written: a commit may swap two names.
        sources = {d.old: tracked.pop(d.old) for d in diffs if d.old is not None and d.old in tracked}
        for diff in diffs:
            if diff.new is None:
                continue  # deleted: its history goes with it
            before = sources.get(diff.old) if diff.old is not None else None
            if before is None:
                lines = apply_hunks([], diff.hunks) if not diff.binary else None
            elif diff.hunks:
                lines = apply_hunks(before.lines, diff.hunks) if before.lines is not None else None
            else:
                lines = before.lines  # a rename or a mode change: the text is the same
            status = before.status if before is not None else None
            if before is None or (lines is not None and _may_change_status(before, diff)):
                # A text that could not be rebuilt keeps the status it had: unknown is no change.
                status = _read(lines, diff, read_status, cache)
            if before is None:
                entry = _Tracked(lines, status, FileHistory(diff.new, commit, status, commit))
            else:
                entry = before
                entry.lines = lines
                entry.history.last_changed = commit
                entry.history.commits += 1
                if diff.new != entry.history.path:
                    entry.history.former_paths.append(entry.history.path)
                    entry.history.path = diff.new
                if status != entry.status:
                    entry.history.changes.append(StatusChange(commit, entry.status, status))
                entry.status = status
            tracked[diff.new] = entry
    history.files = {path: entry.history for path, entry in sorted(tracked.items())}
    return history


def _header_end(lines: list[str]) -> int:
    """The index of the line :func:`header_prefix` cuts at (the second ATX heading)."""
    headings = 0
    for index, line in enumerate(lines):
        if _ATX_HEADING_RE.match(line):
            headings += 1
            if headings == 2:
                return index
    return len(lines)


def _may_change_status(before: _Tracked, diff: _FileDiff) -> bool:
    """Whether the diff can change the status read from the file.

    The status of a Markdown file is read from its header prefix (:func:`header_prefix`)
    when that prefix holds one: a change below the prefix leaves it as it was. Any other
    file, or one whose status came from the whole text, is read again on every change.
    """
    if not diff.hunks:
        return False
    if before.status is None or before.lines is None or not (diff.new or "").endswith(".md"):
        return True
    end = _header_end(before.lines)
    return any((start if count == 0 else start - 1) <= end for start, count, _, _ in diff.hunks)


def _read(
    lines: list[str] | None, diff: _FileDiff, read_status: StatusReader, cache: dict[str, str | None]
) -> str | None:
    if diff.blob and diff.blob in cache:
        return cache[diff.blob]
    status = read_status("\n".join(lines), diff.new or "") if lines is not None else None
    if diff.blob and lines is not None:
        cache[diff.blob] = status
    return status


# --------------------------------------------------------------------------------------
# The one git call
# --------------------------------------------------------------------------------------

SHALLOW_NOTE = (
    "the history starts at {date}: this is a shallow clone, so proposals older than that look "
    "created then and earlier status changes are not known (fetch the whole history: "
    "git fetch --unshallow, or fetch-depth: 0 in actions/checkout)"
)


def read_history(
    folder: Path,
    read_status: StatusReader,
    cache: dict[str, str | None] | None = None,
    *,
    timeout: float = 300,
) -> History:
    """The history of every file in ``folder`` (paths relative to it), from one ``git log``."""
    real = folder.resolve()
    try:
        result = git.log_of_folder(real, LOG_OPTIONS, timeout=timeout)
    except git.GitError as err:
        return History(note=f"no history: {err}")
    if result.returncode != 0:
        return History(note=f"no history: {_git_reason(result.stderr)}")
    history = replay(parse_log(result.stdout), read_status, cache)
    if history.commits == 0:
        history.note = "no history: no commit touches the proposals folder yet"
    elif history.shallow:
        first = min((f.created.date for f in history.files.values()), default=None)
        history.note = SHALLOW_NOTE.format(date=first.date().isoformat() if first else "its first commit")
    return history


def _git_reason(stderr: str) -> str:
    text = stderr.strip().splitlines()[-1] if stderr.strip() else "git log failed"
    text = text.removeprefix("fatal: ")
    if "not a git repository" in text:
        return "not a git work tree"
    if "does not have any commits" in text:
        return "the repository has no commits yet"
    return text


def history_record(entry: FileHistory | None) -> dict[str, Any] | None:
    """A file's history as plain data (``deps.json``): dates in ISO 8601."""
    if entry is None:
        return None

    def commit(c: Commit) -> dict[str, str]:
        return {"date": c.date.isoformat(), "commit": c.id, "author": c.author}

    decided = entry.decided
    return {
        "created": {**commit(entry.created), "status": entry.created_status},
        "last_changed": commit(entry.last_changed),
        "decided": {**commit(decided.commit), "status": decided.new} if decided else None,
        "status_changes": [{**commit(c.commit), "from": c.old, "to": c.new} for c in entry.changes],
        "former_paths": list(entry.former_paths),
    }


def by_dep_path(history: History, paths: Mapping[str, str]) -> dict[str, FileHistory]:
    """``dep.path -> its history``; ``paths`` maps each dep.path to its path in the folder."""
    return {dep_path: entry for dep_path, rel in paths.items() if (entry := history.get(rel)) is not None}
