"""A git repository whose commits a test scripts: who, when, and which files change."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ScriptedRepo:
    """``commit(date, author, files)`` writes the files (``None`` deletes one) and commits them."""

    root: Path
    ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        base = {
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_SYSTEM": os.devnull,
            "GIT_AUTHOR_NAME": "Nobody",
            "GIT_AUTHOR_EMAIL": "nobody@example.org",
            "GIT_COMMITTER_NAME": "Nobody",
            "GIT_COMMITTER_EMAIL": "nobody@example.org",
        }
        result = subprocess.run(
            ["git", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, **base, **(env or {})},
            check=True,
        )
        return result.stdout

    def commit(
        self,
        date: str,
        author: str,
        files: dict[str, str | None],
        message: str = "",
        renames: dict[str, str] | None = None,
    ) -> str:
        """Commit at ``date`` (ISO 8601, UTC) by ``author``; ``renames`` are ``git mv``s done first."""
        for old, new in (renames or {}).items():
            (self.root / new).parent.mkdir(parents=True, exist_ok=True)
            self.git("mv", old, new)
        for name, text in files.items():
            path = self.root / name
            if text is None:
                self.git("rm", "-q", name)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.git("add", name)
        stamp = f"{date} +0000"
        env = {
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_DATE": stamp,
        }
        self.git("commit", "-q", "--allow-empty", "-m", message or f"change by {author}", env=env)
        commit_id = self.git("rev-parse", "HEAD").strip()
        self.ids.append(commit_id)
        return commit_id


# --------------------------------------------------------------------------------------
# A project whose proposals move through their statuses over six months
# --------------------------------------------------------------------------------------

HISTORY_CONF = (
    'project = "history"\n'
    'extensions = ["sphinxcontrib_dep"]\n'
    'dep_base_url = "https://example.org/proposals/"\n'
    "dep_early_numbering = True\n"
)
HISTORY_INDEX = "# Proposals\n\n```{toctree}\n:glob:\n\ndeps/*\ntimeline\n```\n\n```{dep-index}\n```\n"
TIMELINE = "# Timeline\n\n```{dep-timeline}\n```\n"

_SECTIONS = "\n## Summary\n\nText.\n\n## Motivation\n\nText.\n\n## Proposal\n\nText.\n\n## Alternate Solutions\n\nN/A\n"


def proposal(title: str, status: str, *extra: str, body: str = "") -> str:
    """A valid proposal in ``status``, with the header lines that status needs."""
    lines = [f":status: {status}", ":authors: Ada Author, @bob", ":category: Architecture"]
    if status in {"Under Review", "Approved", "Rejected", "Superseded", "Deferred"}:
        # Each status with the verdict it needs: Rejected and Deferred need a reviewer's verdict too.
        verdict = {
            "Approved": "approved",
            "Superseded": "approved",
            "Rejected": "rejected",
            "Deferred": "deferred",
        }.get(status, "reviewing")
        lines += [":sponsor: @carol", f":required-reviewers: @dave ({verdict})", ":review-date: 2025-03-01"]
    lines += list(extra)
    header = "\n".join(lines)
    return f"# {title}\n\n```{{dep-meta}}\n{header}\n```\n{_SECTIONS}{body}"


#: The code block a proposal's body shows: a ``:status:`` in it is no status change.
EXAMPLE_BLOCK = "\n### Example\n\n```text\n:status: Rejected\n```\n"


def history_project(root: Path) -> tuple[ScriptedRepo, list[tuple[str, str, str, str, str]]]:
    """The scripted project; and its timeline as ``(date, id, title, change, author)``, newest first.

    Ten commits over six months: a proposal created, reviewed, approved, edited (a status
    line in a code block, a re-spelt status: no change), superseded; a draft created,
    numbered (renamed ``0000-`` to ``0002-``) and rejected; a third created approved.
    """
    repo = ScriptedRepo(root)
    repo.commit(
        "2025-01-10T09:00:00",
        "Ada Author",
        {
            "conf.py": HISTORY_CONF,
            "index.md": HISTORY_INDEX,
            "timeline.md": TIMELINE,
            "deps/0001-streaming-errors.md": proposal("Streaming Errors", "In Progress", ":number: 1"),
        },
        "Propose streaming errors",
    )
    repo.commit(
        "2025-02-03T10:30:00",
        "Bob Reviewer",
        {"deps/0001-streaming-errors.md": proposal("Streaming Errors", "Under Review", ":number: 1")},
        "DEP-0001 under review",
    )
    repo.commit(
        "2025-02-20T08:00:00",
        "Carol Sponsor",
        {"deps/0000-request-migration.md": proposal("Request Migration", "Not Started")},
        "Draft: request migration",
    )
    repo.commit(
        "2025-03-05T16:45:00",
        "Dave Decider",
        {"deps/0001-streaming-errors.md": proposal("Streaming Errors", "Approved", ":number: 1")},
        "Approve DEP-0001",
    )
    repo.commit(
        "2025-03-15T11:00:00",
        "Ada Author",
        {
            "deps/0001-streaming-errors.md": proposal(
                "Streaming Errors", "Approved", ":number: 1", body=EXAMPLE_BLOCK
            )
        },
        "DEP-0001: an example (no status change)",
    )
    repo.commit(
        "2025-04-01T09:15:00",
        "Carol Sponsor",
        {"deps/0002-request-migration.md": proposal("Request Migration", "In Progress", ":number: 2")},
        "Number the request migration draft",
        renames={"deps/0000-request-migration.md": "deps/0002-request-migration.md"},
    )
    repo.commit(
        "2025-05-01T12:00:00",
        "Erin Editor",
        {
            "deps/0003-error-codes.md": proposal(
                "Error Codes", "Approved", ":number: 3", ":replaces: DEP-0001"
            ),
            "deps/0001-streaming-errors.md": proposal(
                "Streaming Errors", "Superseded", ":number: 1", ":replaced-by: DEP-0003", body=EXAMPLE_BLOCK
            ),
        },
        "DEP-0003 replaces DEP-0001",
    )
    repo.commit(
        "2025-05-02T07:00:00",
        "Erin Editor",
        {
            "deps/0003-error-codes.md": proposal(
                "Error Codes", "Approved", ":number: 3", ":replaces: DEP-0001"
            ).replace(":status: Approved", ":status: approved")
        },
        "Re-spell a status (no change)",
    )
    repo.commit(
        "2025-05-20T14:00:00",
        "Bob Reviewer",
        {"deps/0002-request-migration.md": proposal("Request Migration", "Under Review", ":number: 2")},
        "DEP-0002 under review",
    )
    repo.commit(
        "2025-06-01T18:00:00",
        "Dave Decider",
        {
            "deps/0002-request-migration.md": proposal(
                "Request Migration",
                "Rejected",
                ":number: 2",
                ":decision: @dave: the gateway already retries. Migration would double the traffic.",
            )
        },
        "Reject DEP-0002",
    )
    timeline = [
        ("2025-06-01", "DEP-0002", "Request Migration", "Under Review \u2192 Rejected", "Dave Decider"),
        ("2025-05-20", "DEP-0002", "Request Migration", "In Progress \u2192 Under Review", "Bob Reviewer"),
        ("2025-05-01", "DEP-0003", "Error Codes", "created as Approved", "Erin Editor"),
        ("2025-05-01", "DEP-0001", "Streaming Errors", "Approved \u2192 Superseded", "Erin Editor"),
        ("2025-04-01", "DEP-0002", "Request Migration", "Not Started \u2192 In Progress", "Carol Sponsor"),
        ("2025-03-05", "DEP-0001", "Streaming Errors", "Under Review \u2192 Approved", "Dave Decider"),
        ("2025-02-20", "DEP-0002", "Request Migration", "created as Not Started", "Carol Sponsor"),
        ("2025-02-03", "DEP-0001", "Streaming Errors", "In Progress \u2192 Under Review", "Bob Reviewer"),
        ("2025-01-10", "DEP-0001", "Streaming Errors", "created as In Progress", "Ada Author"),
    ]
    return repo, timeline
