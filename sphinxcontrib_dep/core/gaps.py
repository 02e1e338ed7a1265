"""Design gaps: merged pull requests large enough to need a proposal, in an area's code, naming none.

The real maintainers found "substantial features landing without corresponding design
review" (``0000-dep-process-improvements.md``: the unix domain socket transport, #7197,
+1,934 lines; the concurrent KV event consumer, #7293, +1,276; the standalone KV indexer
runtime, #7295, +1,139), and the Friday triage is to "flag merged PRs (large feature PRs)
that lack corresponding design documentation; assign retroactive DEP authoring to the area
PIC". :func:`design_gaps` does that over pull requests read by :mod:`.github`:

- a pull request needs a proposal (:func:`design_areas`) when it is not a bot's, adds at
  least ``gap_min_additions`` lines (``dep gate --pr`` uses the same test), and changes a
  file one of the ``dep_areas`` owns (their ``paths``, CODEOWNERS patterns);
- it names a proposal (:func:`named_proposals`) when its title or body holds an id of an
  existing proposal as every gate reads one (:func:`.model.find_mentions`: ``DEP-0012``,
  ``DEP 12``, under the configured prefix) or a link to a proposal's file or page (the
  file's name without its suffix, ``0012-kv-routing``);
- a merged one that needs a proposal and names none is a gap, and the areas it touches say
  whom to ask: the area's team and owners (its possible PICs).

Every pull request that is not a gap is listed with the reason, so a report can be checked
by hand. Sphinx-free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import PurePosixPath
from typing import TypedDict

from .areas import Area, areas_touching
from .config import DepConfig
from .github import PullRequest
from .model import Dep, find_mentions, is_proposal_name
from .report import CellLink, Table

#: A word of a link's path: a proposal's file name without its suffix is one (``0012-kv-routing``).
_PATH_WORD_RE = re.compile(r"[\w-]+")


class AskRow(TypedDict):
    area: str  # its key
    name: str
    team: str | None
    owners: list[str]


class GapRow(TypedDict):
    number: int
    title: str
    url: str | None
    author: str | None  # the login
    merged_at: str | None  # YYYY-MM-DD
    additions: int
    areas: list[AskRow]
    #: Ids the pull request names that no proposal holds (a typo, or a proposal not written yet).
    unknown_ids: list[str]


class PassedRow(TypedDict):
    number: int
    reason: str


class GapsReport(TypedDict):
    """What ``dep gaps --format json`` prints."""

    min_additions: int
    since: str | None
    pull_requests: int
    gaps: list[GapRow]
    passed: list[PassedRow]


def design_areas(pull: PullRequest, config: DepConfig, min_additions: int | None = None) -> list[Area]:
    """The areas whose design a pull request changes enough to need a proposal: not a bot's,
    at least ``min_additions`` (default ``gap_min_additions``) added lines, in files the areas
    own. ``[]`` when it needs none."""
    return [] if _why_not_needed(pull, config, min_additions) else areas_touching(config, pull.paths)


def _why_not_needed(pull: PullRequest, config: DepConfig, min_additions: int | None) -> str | None:
    threshold = config.gap_min_additions if min_additions is None else min_additions
    if pull.author is not None and pull.author.is_bot:
        return f"by a bot ({pull.author.login})"
    if pull.additions is None:
        return "its size is unknown (the JSON has no additions)"
    if pull.additions < threshold:
        return f"adds {pull.additions:,} lines, fewer than {threshold:,}"
    if not config.areas:
        return "no areas are declared (dep_areas)"
    if not areas_touching(config, pull.paths):
        return "changes no file an area owns" if pull.files else "lists no files (ask gh for 'files')"
    return None


def named_proposals(text: str, deps: Iterable[Dep], config: DepConfig) -> tuple[list[str], list[str]]:
    """The proposals ``text`` names, as ``(known, unknown)`` ids: known ones are held by one of
    ``deps`` (by number, or by a link to its file or page); unknown ones by none."""
    local = [dep for dep in deps if dep.project is None]
    numbers = {dep.number for dep in local if dep.number is not None}
    stems = {PurePosixPath(dep.path).stem.casefold(): dep for dep in local}
    known: dict[str, None] = {}
    unknown: dict[str, None] = {}
    for number, _ in find_mentions(text, config.id_prefix, config.id_width):
        (known if number in numbers else unknown).setdefault(config.format_id(number), None)
    for stem in linked_files(text, stems):
        dep = stems[stem]
        known.setdefault(config.format_id(dep.number) if dep.number is not None else dep.path, None)
    return list(known), [shown for shown in unknown if shown not in known]


def linked_files(text: str, stems: Iterable[str]) -> list[str]:
    """The proposal files ``text`` links to, by their names without suffix (``stems``, case
    folded): ``.../deps/0012-kv-routing.md`` or ``.../0012-kv-routing.html``. Once each, in order."""
    wanted = {stem.casefold() for stem in stems}
    found: dict[str, None] = {}
    for match in _PATH_WORD_RE.finditer(text):
        word = match.group(0).casefold()
        if word in wanted and is_proposal_name(word):
            found.setdefault(word, None)
    return list(found)


def design_gaps(
    pulls: Iterable[PullRequest],
    deps: Iterable[Dep],
    config: DepConfig,
    *,
    min_additions: int | None = None,
    since: date | None = None,
) -> GapsReport:
    """The merged pull requests (merged on or after ``since``, when given) that need a
    proposal and name none, largest first; every other one with the reason it is not."""
    threshold = config.gap_min_additions if min_additions is None else min_additions
    deps = list(deps)
    gaps: list[GapRow] = []
    passed: list[PassedRow] = []
    count = 0
    for pull in pulls:
        count += 1
        if pull.merged_at is None:
            passed.append({"number": pull.number, "reason": "not merged"})
            continue
        if since is not None and pull.merged_at.date() < since:
            passed.append({"number": pull.number, "reason": f"merged before {since.isoformat()}"})
            continue
        why = _why_not_needed(pull, config, threshold)
        if why is not None:
            passed.append({"number": pull.number, "reason": why})
            continue
        known, unknown = named_proposals(f"{pull.title}\n{pull.body}", deps, config)
        if known:
            passed.append({"number": pull.number, "reason": f"names {', '.join(known)}"})
            continue
        gaps.append(
            {
                "number": pull.number,
                "title": pull.title,
                "url": pull.url,
                "author": pull.author.login if pull.author is not None else None,
                "merged_at": pull.merged_at.date().isoformat(),
                "additions": pull.additions or 0,
                "areas": [
                    {"area": a.key, "name": a.name, "team": a.team, "owners": list(a.owners)}
                    for a in areas_touching(config, pull.paths)
                ],
                "unknown_ids": unknown,
            }
        )
    gaps.sort(key=lambda row: (-row["additions"], row["number"]))
    return {
        "min_additions": threshold,
        "since": since.isoformat() if since else None,
        "pull_requests": count,
        "gaps": gaps,
        "passed": passed,
    }


def ask(row: GapRow) -> list[str]:
    """Whom to ask for the record, once each: every touched area's team, then its owners."""
    found: dict[str, None] = {}
    for area in row["areas"]:
        if area["team"]:
            found.setdefault(area["team"], None)
        for owner in area["owners"]:
            found.setdefault(owner, None)
    return list(found)


def gaps_table(data: GapsReport) -> Table:
    """The gaps as a table (text, Markdown)."""
    table = Table(
        f"Merged without a proposal: {data['min_additions']:,}+ added lines in an area's code",
        ["PR", "Title", "Author", "Merged", "Added", "Areas", "Ask"],
    )
    for row in data["gaps"]:
        label = f"#{row['number']}"
        pr: str | tuple[CellLink, ...] = (CellLink(label, row["url"]),) if row["url"] else label
        title = row["title"]
        if row["unknown_ids"]:
            title += f" (names {', '.join(row['unknown_ids'])}, which no proposal holds)"
        table.rows.append(
            [
                pr,
                title,
                row["author"] or "",
                row["merged_at"] or "",
                f"+{row['additions']:,}",
                ", ".join(area["name"] for area in row["areas"]),
                ", ".join(ask(row)),
            ]
        )
    return table
