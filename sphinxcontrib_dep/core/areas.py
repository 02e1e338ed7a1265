"""Areas: who owns which proposals and which code (``dep_areas``).

The real maintainers' model (``0000-dep-area-taxonomy.md``): each area maps to a team that
owns the area's code paths in CODEOWNERS and is the PIC group for the area's proposals;
one member is the PIC of each proposal. Declared once, in ``[tool.dep.areas.<key>]`` or
``dep_areas`` in conf.py::

    [tool.dep.areas.router]
    name = "Router"
    label = "area/router"
    team = "@ai-dynamo/router"
    owners = ["@rpei", "@grahamking"]
    paths = ["components/src/dynamo/router/", "lib/llm/src/kv_router/"]

``paths`` are CODEOWNERS patterns (gitignore syntax without negation): ``dir/`` is
everything under ``dir``, a pattern without ``/`` matches a name at any depth (``*.md``),
``*`` stays within one path segment and ``**`` crosses them. Everything here is Sphinx-free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: What an area key may be: it is a folder name (``deps/<key>/``), a CSS class and a label.
AREA_KEY_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")

#: The keys an area's table may hold.
AREA_FIELDS = ("name", "label", "team", "owners", "paths")

#: Longest code-path pattern accepted (patterns are compiled to regular expressions).
MAX_PATTERN = 200


@dataclass(frozen=True)
class Area:
    """One declared area."""

    #: Its key: ``:area:`` values, the folder ``deps/<key>/``.
    key: str
    #: Its display name (``Backend: vLLM``); the key when not given.
    name: str
    #: The issue-tracker label of its proposals (``area/router``); ``area/<key>`` when not given.
    label: str
    #: The team that owns it (``@ai-dynamo/router``), when named.
    team: str | None
    #: The people who may be PIC of its proposals (``@handle``).
    owners: tuple[str, ...]
    #: The code paths it owns, CODEOWNERS patterns.
    paths: tuple[str, ...]

    def owns(self, path: str) -> bool:
        """Whether ``path`` (repository-relative, ``/``-separated) is under one of its patterns."""
        return any(_matches(pattern, path) for pattern in self.paths)

    def is_owner(self, handle: str) -> bool:
        """Whether ``handle`` (``@who``, any case) is one of its owners."""
        wanted = handle.casefold()
        return any(owner.casefold() == wanted for owner in self.owners)


def problem(key: Any, table: Any) -> str | None:
    """What is wrong with one area's declaration, as the rest of "dep_areas must ...", or ``None``."""
    if not isinstance(key, str) or not AREA_KEY_RE.fullmatch(key):
        return f"use keys of lower-case letters, digits and '-' (at most 40), not {key!r}"
    if not isinstance(table, dict):
        return f"map {key!r} to a table (name, label, team, owners, paths), not {table!r}"
    unknown = sorted(set(table) - set(AREA_FIELDS))
    if unknown:
        return f"give area {key!r} only {', '.join(AREA_FIELDS)}, not {', '.join(map(repr, unknown))}"
    for text_field in ("name", "label", "team"):
        value = table.get(text_field)
        if value is not None and (not isinstance(value, str) or not value.strip() or len(value) > 100):
            return f"give area {key!r} a {text_field} of 1 to 100 characters, not {value!r}"
    team = table.get("team")
    if team is not None and not team.startswith("@"):
        return f"name area {key!r}'s team as @org/team, not {team!r}"
    for list_field in ("owners", "paths"):
        items = table.get(list_field, [])
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            return f"give area {key!r} {list_field} as a list of non-empty strings, not {items!r}"
    for owner in table.get("owners", []):
        if not re.fullmatch(r"@[A-Za-z0-9][A-Za-z0-9-]{0,38}", owner):
            return f"list area {key!r}'s owners as @handle, not {owner!r}"
    for pattern in table.get("paths", []):
        if (
            len(pattern) > MAX_PATTERN
            or pattern.count("*") > 6
            or pattern.startswith("!")
            or ".." in pattern.split("/")
        ):
            return (
                f"give area {key!r} paths of at most {MAX_PATTERN} characters and 6 '*', without '!' "
                f"or '..', "
                f"not {pattern[:60]!r}"
            )
    return None


def areas(config: Any) -> dict[str, Area]:
    """The declared areas of ``config`` (a :class:`~.config.DepConfig`), by key, in declared order."""
    return _areas(_freeze(config.areas))


def _freeze(value: Mapping[str, Any]) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    return tuple(
        (key, tuple((name, tuple(item) if isinstance(item, list) else item) for name, item in table.items()))
        for key, table in value.items()
    )


@lru_cache(maxsize=8)
def _areas(frozen: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]) -> dict[str, Area]:
    found: dict[str, Area] = {}
    for key, items in frozen:
        table = dict(items)
        found[key] = Area(
            key=key,
            name=table.get("name") or key,
            label=table.get("label") or f"area/{key}",
            team=table.get("team"),
            owners=tuple(table.get("owners", ())),
            paths=tuple(table.get("paths", ())),
        )
    return found


def areas_touching(config: Any, files: Iterable[str]) -> list[Area]:
    """The areas owning at least one of ``files``, in declared order."""
    paths = [f for f in files]
    return [area for area in areas(config).values() if any(area.owns(path) for path in paths)]


def area_of_folder(config: Any, relative: str) -> str | None:
    """The area whose folder holds a proposal, from its path relative to the proposals folder
    (``router/0012-x.md`` -> ``router``); ``None`` at the top or in an undeclared folder."""
    parts = relative.replace("\\", "/").split("/")
    if len(parts) < 2:
        return None
    return parts[0] if parts[0] in areas(config) else None


@lru_cache(maxsize=1024)
def _segments(pattern: str) -> tuple[tuple[str, ...], bool]:
    """A CODEOWNERS pattern as its segments (``**`` standing for any number of folders), and
    whether it names only a folder (a trailing ``/``). A pattern without a ``/`` but at its
    end matches at any depth: it starts with ``**``."""
    folder_only = pattern.endswith("/")
    body = pattern.strip("/")
    parts = tuple(part for part in body.split("/") if part)
    if "/" not in body:
        parts = ("**", *parts)
    return parts, folder_only


def _segment_matches(pattern: str, text: str) -> bool:
    """``*`` and ``?`` within one path segment: the two-pointer wildcard match, at most
    ``len(pattern) * len(text)`` steps (no regular expression, no backtracking blow-up)."""
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and pattern[p] in ("?", text[t]) and pattern[p] != "*":
            p += 1
            t += 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif star >= 0:
            p = star + 1
            mark += 1
            t = mark
        else:
            return False
    return all(char == "*" for char in pattern[p:])


def _matches(pattern: str, path: str) -> bool:
    """Whether ``path`` is what ``pattern`` names, or under it. The set of path positions
    reachable after each pattern segment is carried along, so the cost is the pattern's
    segments times the path's, whatever the ``**`` (a regular expression backtracked:
    ``**/**/**/x`` took 46 s on one long path)."""
    parts, folder_only = _segments(pattern)
    names = [name for name in path.split("/") if name]
    reachable = {0}
    for part in parts:
        if not reachable:
            return False
        if part == "**":
            reachable = set(range(min(reachable), len(names) + 1))
        else:
            reachable = {j + 1 for j in reachable if j < len(names) and _segment_matches(part, names[j])}
    # A pattern names a file or a folder: what follows a match is under it.
    return any(j < len(names) if folder_only else j <= len(names) for j in reachable)
