"""A git repository of proposals with a long history, written by one ``git fast-import``.

``write_repo(folder, proposals=1000, commits=10000)``: the first ``proposals`` commits each
add a proposal (In Progress); every later commit changes one proposal, chosen at random
(seeded): one in three moves it a step along In Progress, Under Review, Approved,
Implemented, the others edit its text. Every version is about 3 KB. Dates advance an hour
per commit. Returns how many status changes were made.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

STATUSES = ("In Progress", "Under Review", "Approved", "Implemented")

_PARAGRAPH = (
    "The proposal describes the change, why it is needed, and how it is rolled out. "
    "Reviewers ask about compatibility, cost and the alternatives considered. "
)


def proposal_text(number: int, status: str, revision: int) -> str:
    body = "\n\n".join(f"{_PARAGRAPH * 3}(revision {revision}, part {part})" for part in range(4))
    return (
        f"# Proposal {number}\n\n```{{dep-meta}}\n:number: {number}\n:status: {status}\n"
        f":authors: @author{number % 37}\n:category: Architecture\n```\n\n"
        f"## Summary\n\n{body}\n\n## Motivation\n\nText.\n\n## Proposal\n\nText.\n\n"
        "## Alternate Solutions\n\nN/A\n"
    )


def write_repo(folder: Path, proposals: int = 1000, commits: int = 10000, seed: int = 15) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    rng = random.Random(seed)
    state = {n: [0, 0] for n in range(1, proposals + 1)}  # number -> [status index, revision]
    moves = 0
    chunks: list[bytes] = []
    start = 1_700_000_000
    for index in range(commits):
        if index < proposals:
            number = index + 1
        else:
            number = rng.randint(1, proposals)
            entry = state[number]
            if rng.random() < 1 / 3 and entry[0] < len(STATUSES) - 1:
                entry[0] += 1
                moves += 1
            else:
                entry[1] += 1
        status_index, revision = state[number]
        text = proposal_text(number, STATUSES[status_index], revision).encode()
        message = f"change {index}".encode()
        author = f"Author {number % 53} <a{number % 53}@example.org> {start + 3600 * index} +0000"
        chunks += [
            b"commit refs/heads/main\n",
            f"author {author}\n".encode(),
            f"committer {author}\n".encode(),
            f"data {len(message)}\n".encode() + message + b"\n",
        ]
        name = f"deps/{number:04d}-proposal-{number}.md"
        chunks.append(f"M 100644 inline {name}\ndata {len(text)}\n".encode() + text + b"\n")
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=folder, input=b"".join(chunks), check=True, capture_output=True
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=folder, check=True)
    return moves
