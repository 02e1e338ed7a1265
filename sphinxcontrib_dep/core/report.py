"""Model to reports: index, traceability and review rows, the graph in DOT, and ``deps.json``.

Every function takes the proposals (``list[Dep]``), the settings and, where time matters,
``today``, and returns plain rows (dicts of str, int, list and None) that the Sphinx
directives render as tables and the command line prints as text, Markdown, CSV or JSON.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import quote

from . import corpus, escape, process, relations, rules
from .config import DepConfig
from .model import SETTLED_STATUSES, UNKNOWN_STATUS, Dep, DepRef, Status

#: Version of the ``deps.json`` document; bump when its shape changes (and add it to
#: :data:`READABLE_SCHEMA_VERSIONS`). 2: each proposal's review extensions, decider, tracking,
#: target completion, amendments, phases and alternatives; ``site``, ``sources`` and each
#: entry's ``page``; references and implementation links may name another project's proposal.
SCHEMA_VERSION = 2
#: The versions :func:`read_deps_json` (and other projects' sources) read. Version 2 added
#: keys and changed none of version 1's: a version-1 reader that ignores unknown keys reads it.
READABLE_SCHEMA_VERSIONS = (1, 2)
#: Where the JSON Schema of ``deps.json`` ships inside the package.
SCHEMA_PATH = Path(__file__).parent / "schema" / "deps.schema.json"

UNCATEGORIZED = "Uncategorized"


# --------------------------------------------------------------------------------------
# The rows: what each report and deps.json hold, key by key
# --------------------------------------------------------------------------------------


class IndexRow(TypedDict):
    """One proposal in the index (``dep report index``, ``dep-index``)."""

    id: str | None  # DEP-0001; None for an unnumbered draft
    number: int | None
    title: str
    status: str | None  # a Status value; None when missing or unknown
    authors: list[str]
    category: str | None
    path: str  # relative to the project: deps/0001-x.md
    docname: str  # the Sphinx document, when built by Sphinx


class RefRow(TypedDict):
    """A reference to another proposal (or a URL) in a traceability row."""

    id: str | None
    number: int | None
    url: str | None
    partial: bool
    text: str  # as written in a header: DEP-0003 (partial)
    project: str | None  # another project's (runtime:DEP-0003): its source key; "" for this one's
    project_number: int | None


class LinkRow(TypedDict):
    """An implementation link: its URL, its label (``org/repo#12``) and kind (pr, issue, link)."""

    url: str
    label: str
    kind: str


class PhaseRow(TypedDict):
    number: int
    title: str
    release_target: str | None
    work_items: list[str]


class TrackingRow(TypedDict):
    """An issue that tracks the work: its key (``DYN-123``, ``org/repo#12``) and URL."""

    key: str
    url: str


class AmendmentRow(TypedDict):
    """A change after approval."""

    date: str  # YYYY-MM-DD
    pull_request: str
    summary: str


class ExtensionRow(TypedDict):
    """A review deadline moved."""

    until: str  # YYYY-MM-DD
    by: str
    on: str | None
    reason: str


class TraceabilityRow(TypedDict):
    """A proposal to its implementation, phases and replacements (both ways)."""

    id: str | None
    number: int | None
    title: str
    status: str | None
    pull_request: str | None
    implementation: list[LinkRow]
    tracking: list[TrackingRow]
    target_completion: str | None  # YYYY-MM-DD
    amendments: list[AmendmentRow]
    phases: list[PhaseRow]
    replaces: list[RefRow]
    replaced_by: list[RefRow]
    path: str
    docname: str
    #: What it builds on (``:extends:``) and what relates to it, from either side (``:related:``).
    extends: list[RefRow]
    related: list[RefRow]


class ReviewerRow(TypedDict):
    name: str
    status: str  # a ReviewStatus value


class UnderReviewRow(TypedDict):
    id: str | None
    number: int | None
    title: str
    review_date: str | None  # YYYY-MM-DD
    days_left: int | None  # negative when overdue; None without a review date
    due: str  # "3 days left", "overdue by 2 days", ...
    reviewers: list[ReviewerRow]
    approval_met: bool  # rules.approval_met
    path: str
    docname: str


class UnimplementedRow(TypedDict):
    id: str | None
    number: int | None
    title: str
    review_date: str | None
    path: str
    docname: str


class StaleRow(TypedDict):
    id: str | None
    number: int | None
    title: str
    status: str | None
    last_touched: str  # YYYY-MM-DD
    days: int
    path: str
    docname: str


class ReviewReport(TypedDict):
    """The review report's three parts."""

    under_review: list[UnderReviewRow]
    approved_unimplemented: list[UnimplementedRow]
    stale: list[StaleRow]


class _DepRecordFields(TypedDict):
    """The keys every entry of ``deps.json`` holds (see :class:`DepRecord`)."""

    id: str | None
    number: int | None
    title: str
    status: str | None
    category: str | None
    authors: list[str]
    sponsors: list[str]
    reviewers: list[ReviewerRow]
    review_date: str | None
    replaces: list[str]
    replaced_by: list[str]
    pull_request: str | None
    implementation: list[str]
    path: str
    # --- schema version 2 ---
    review_requested: str | None
    review_extensions: list[ExtensionRow]
    decision: str | None
    decider: str | None  # the @handle :decision: names first
    template: str
    tracking: list[TrackingRow]
    target_completion: str | None
    amendments: list[AmendmentRow]
    phases: list[PhaseRow]
    alternatives: list[str]  # the titles of the rejected alternatives


class _DepRecordRelations(_DepRecordFields, total=False):
    """Keys optional in schema version 2 (older writers leave them out) that this version
    always writes (:data:`ALWAYS_WRITTEN`)."""

    #: The proposals it builds on (``:extends:``), as written.
    extends: list[str]
    #: The proposals related to it, from either side (``:related:``).
    related: list[str]
    #: A record written after the fact from merged work (``:retroactive:``).
    retroactive: bool


#: The optional keys of :class:`DepRecord` every entry this version writes holds.
ALWAYS_WRITTEN = ("extends", "related", "retroactive")


class DepRecord(_DepRecordRelations, total=False):
    """One entry of ``deps.json``, keys in the documented order (``schema/deps.schema.json``).

    ``total=False`` rather than ``NotRequired``: with postponed annotations Python 3.11 cannot
    see a string ``NotRequired`` and would call every key required.
    """

    #: From git, when the build read it (:func:`~.history.history_record`).
    history: dict[str, Any]
    #: The proposal's page, relative to the site (``deps/0001-x.html``), when built by Sphinx.
    page: str
    # --- areas (issue 20): written only when the proposal has them ---
    #: Its areas (``:area:``, or the area folder holding it), keys of ``dep_areas``.
    areas: list[str]
    #: Its person in charge (``:pic:``), ``@handle``.
    pic: str
    #: Its priority (``:priority:``), one of ``dep_priorities``.
    priority: str


class _DepsJsonFields(TypedDict):
    schema_version: int
    deps: list[DepRecord]


class DepsJson(_DepsJsonFields, total=False):
    """The ``deps.json`` document."""

    #: The site's own address (``dep_base_url``), when set: how other projects know it.
    site: str
    #: Where the ``key:`` of a reference leads: each ``dep_sources`` key and its site.
    sources: dict[str, str]


def visible(deps: Iterable[Dep], config: DepConfig) -> list[Dep]:
    """The proposals a report shows, by number then drafts; embargoed ones left out of public builds."""
    return corpus.sort_deps(d for d in deps if not (config.public_build and d.embargoed))


def dep_id(dep: Dep, config: DepConfig) -> str | None:
    return config.format_id(dep.number) if dep.number is not None else None


def shown_status(status: str | None, config: DepConfig) -> str:
    """A row's status (a canonical name, or ``None``) as people read it (``dep_status_labels``)."""
    return config.status_text(Status(status) if status in {s.value for s in Status} else None)


def ref_text(ref: DepRef, config: DepConfig) -> str:
    return ref.to_text(config.id_prefix, config.id_width)


# --------------------------------------------------------------------------------------
# Index
# --------------------------------------------------------------------------------------


def index_row(dep: Dep, config: DepConfig) -> IndexRow:
    return {
        "id": dep_id(dep, config),
        "number": dep.number,
        "title": dep.title,
        "status": dep.status.value if dep.status else None,
        "authors": [person.display for person in dep.authors],
        "category": dep.category,
        "path": dep.path,
        "docname": dep.docname,
    }


def filter_deps(
    deps: Iterable[Dep], statuses: Iterable[Status] | None = None, categories: Iterable[str] | None = None
) -> list[Dep]:
    """Proposals whose status and category are among those given (``None``: any)."""
    wanted_status = set(statuses) if statuses is not None else None
    wanted_category = {c.casefold() for c in categories} if categories is not None else None
    return [
        dep
        for dep in deps
        if (wanted_status is None or dep.status in wanted_status)
        and (wanted_category is None or (dep.category or UNCATEGORIZED).casefold() in wanted_category)
    ]


def index_rows(deps: Iterable[Dep], config: DepConfig) -> list[IndexRow]:
    """The numerical index: one row per proposal, by number, drafts last."""
    return [index_row(dep, config) for dep in visible(deps, config)]


def group_by_status(deps: Iterable[Dep], config: DepConfig) -> list[tuple[str, list[IndexRow]]]:
    """Rows grouped by status, in the order of the lifecycle; empty groups left out."""
    rows = index_rows(deps, config)
    order = [status.value for status in Status] + [UNKNOWN_STATUS]
    groups = {name: [row for row in rows if (row["status"] or UNKNOWN_STATUS) == name] for name in order}
    return [(shown_status(name, config), group) for name, group in groups.items() if group]


def group_by_category(deps: Iterable[Dep], config: DepConfig) -> list[tuple[str, list[IndexRow]]]:
    """Rows grouped by category, in the configured order; empty groups left out."""
    rows = index_rows(deps, config)
    order = [*config.categories, UNCATEGORIZED]
    groups = {name: [row for row in rows if (row["category"] or UNCATEGORIZED) == name] for name in order}
    return [(name, group) for name, group in groups.items() if group]


# --------------------------------------------------------------------------------------
# Traceability
# --------------------------------------------------------------------------------------


def ref_rows(refs: Iterable[DepRef], config: DepConfig) -> list[RefRow]:
    return [
        {
            "id": config.format_id(r.number) if r.number is not None else None,
            "number": r.number,
            "url": r.url,
            "partial": r.partial,
            "text": ref_text(r, config),
            "project": r.project,
            "project_number": r.project_number,
        }
        for r in refs
    ]


def _merged(written: list[DepRef], derived: list[DepRef]) -> list[DepRef]:
    """``derived`` (both sides joined) plus written references it cannot hold (URLs, unknowns)."""
    numbers = {ref.number for ref in derived}
    extra = [ref for ref in written if ref.number is None or ref.number not in numbers]
    return sorted([*derived, *extra], key=lambda r: (r.number is None, r.number or 0, r.url or ""))


def links_both_ways(deps: Iterable[Dep]) -> dict[str, tuple[list[DepRef], list[DepRef]]]:
    """path -> (replaces, replaced by), each joined from both sides of every replacement.

    Numbers are joined within one project: another project's proposals (a portfolio's,
    :attr:`.Dep.project`) are joined among themselves, never with this project's.
    """
    groups: dict[str | None, list[Dep]] = {}
    for dep in deps:
        groups.setdefault(dep.project, []).append(dep)
    result = {}
    for group in groups.values():
        result.update(_links_one_project(group))
    return result


def _links_one_project(deps: list[Dep]) -> dict[str, tuple[list[DepRef], list[DepRef]]]:
    replaces, replaced_by = corpus.replaces(deps), corpus.replaced_by(deps)
    owners = corpus.by_number(deps)
    result = {}
    for dep in deps:
        owner = dep.number is not None and owners.get(dep.number) is dep
        derived_replaces = replaces.get(dep.number, []) if owner and dep.number is not None else []
        derived_by = replaced_by.get(dep.number, []) if owner and dep.number is not None else []
        clean = [r for r in dep.replaces if r.number != dep.number or r.number is None]
        clean_by = [r for r in dep.replaced_by if r.number != dep.number or r.number is None]
        result[dep.path] = (_merged(clean, derived_replaces), _merged(clean_by, derived_by))
    return result


def tracking_rows(dep: Dep) -> list[TrackingRow]:
    return [{"key": issue.key, "url": issue.url} for issue in dep.tracking]


def amendment_rows(dep: Dep) -> list[AmendmentRow]:
    return [
        {"date": a.on.isoformat(), "pull_request": a.pull_request, "summary": a.summary}
        for a in dep.amendments
    ]


def extension_rows(dep: Dep) -> list[ExtensionRow]:
    return [
        {
            "until": e.until.isoformat(),
            "by": e.by.display,
            "on": e.on.isoformat() if e.on else None,
            "reason": e.reason,
        }
        for e in dep.review_extensions
    ]


def traceability_rows(deps: Iterable[Dep], config: DepConfig) -> list[TraceabilityRow]:
    """One row per proposal: status, implementation, phases, replaces and replaced by (both ways)."""
    shown = visible(deps, config)
    links = links_both_ways(shown)
    related = relations.related_both_ways(shown)
    rows: list[TraceabilityRow] = []
    for dep in shown:
        replaces, replaced_by = links[dep.path]
        rows.append(
            {
                "id": dep_id(dep, config),
                "number": dep.number,
                "title": dep.title,
                "status": dep.status.value if dep.status else None,
                "pull_request": dep.pull_request,
                "implementation": [
                    {"url": link.url, "label": link.label, "kind": link.kind} for link in dep.implementation
                ],
                "tracking": tracking_rows(dep),
                "target_completion": dep.target_completion.isoformat() if dep.target_completion else None,
                "amendments": amendment_rows(dep),
                "phases": [
                    {
                        "number": phase.number,
                        "title": phase.title,
                        "release_target": phase.release_target,
                        "work_items": [link.url for link in phase.work_items],
                    }
                    for phase in dep.phases
                ],
                "replaces": ref_rows(replaces, config),
                "replaced_by": ref_rows(replaced_by, config),
                "path": dep.path,
                "docname": dep.docname,
                "extends": ref_rows(relations.extends_written(dep), config),
                "related": ref_rows(related[dep.path], config),
            }
        )
    return rows


# --------------------------------------------------------------------------------------
# Review report
# --------------------------------------------------------------------------------------


def due_text(days_left: int | None) -> str:
    if days_left is None:
        return "no review date"
    if days_left == 0:
        return "due today"
    if days_left > 0:
        return f"{days_left} day{'s' if days_left != 1 else ''} left"
    return f"overdue by {-days_left} day{'s' if days_left != -1 else ''}"


def review_report(
    deps: Iterable[Dep], config: DepConfig, today: date, touched: Mapping[str, date] | None = None
) -> ReviewReport:
    """Under review (with days left), approved without implementation, and stale proposals.

    ``touched`` maps a proposal's path to the day it last changed (see :func:`.git.last_touched`);
    without it no proposal is listed as stale.
    """
    shown = visible(deps, config)
    under_review: list[UnderReviewRow] = []
    for dep in shown:
        if dep.status is not Status.UNDER_REVIEW:
            continue
        days_left = (dep.review_date - today).days if dep.review_date else None
        under_review.append(
            {
                "id": dep_id(dep, config),
                "number": dep.number,
                "title": dep.title,
                "review_date": dep.review_date.isoformat() if dep.review_date else None,
                "days_left": days_left,
                "due": due_text(days_left),
                "reviewers": [{"name": r.person.display, "status": r.status.value} for r in dep.reviewers],
                "approval_met": rules.approval_met(dep),
                "path": dep.path,
                "docname": dep.docname,
            }
        )
    unimplemented: list[UnimplementedRow] = [
        {
            "id": dep_id(dep, config),
            "number": dep.number,
            "title": dep.title,
            "review_date": dep.review_date.isoformat() if dep.review_date else None,
            "path": dep.path,
            "docname": dep.docname,
        }
        for dep in shown
        if dep.status is Status.APPROVED
        and not dep.implementation
        and not any(phase.work_items for phase in dep.phases)
    ]
    stale: list[StaleRow] = []
    for dep in shown:
        last = (touched or {}).get(dep.path)
        if last is None or dep.status in SETTLED_STATUSES:
            continue
        days = (today - last).days
        if days >= config.stale_days:
            stale.append(
                {
                    "id": dep_id(dep, config),
                    "number": dep.number,
                    "title": dep.title,
                    "status": dep.status.value if dep.status else None,
                    "last_touched": last.isoformat(),
                    "days": days,
                    "path": dep.path,
                    "docname": dep.docname,
                }
            )
    return {"under_review": under_review, "approved_unimplemented": unimplemented, "stale": stale}


def modified_dates(paths: Iterable[str], root: Path) -> dict[str, date]:
    """path (relative to ``root``) -> the day its file was last modified on disk."""
    found: dict[str, date] = {}
    for path in paths:
        try:
            found[path] = date.fromtimestamp((root / path).stat().st_mtime)
        except OSError:
            continue
    return found


# --------------------------------------------------------------------------------------
# Graph
# --------------------------------------------------------------------------------------

#: The graph's fill per status: the badges' hues, light (Approved green and Implemented
#: teal read apart, as the badges do). The legend under the graph shows the same.
STATUS_COLOURS = _STATUS_COLOURS = {
    Status.NOT_STARTED: "#d0d7de",
    Status.IN_PROGRESS: "#b6d7ff",
    Status.UNDER_REVIEW: "#ffe08a",
    Status.APPROVED: "#aceebb",
    Status.IMPLEMENTED: "#a3dcef",
    Status.REJECTED: "#ffc1c0",
    Status.DEFERRED: "#e0d4ff",
    Status.SUPERSEDED: "#e6e6e6",
}


#: What one proposal may give graphviz. ``dot`` refuses a quoted string longer than
#: 16384 bytes (the whole graph then fails), and lays a graph out in time that grows
#: faster than its size; so labels, tooltips, links and implementation nodes are bounded,
#: and the full text stays on the proposal's page and in ``deps.json``.
GRAPH_LABEL_WIDTH = 28  # characters per label line
GRAPH_LABEL_LINES = 4  # lines of title per node
GRAPH_TOOLTIP = 300  # characters of tooltip
GRAPH_URL = 2000  # characters of a link; a longer one is left out of the graph
GRAPH_LINKS = 10  # implementation nodes per proposal; the rest become one "and N more" node


#: Characters graphviz cannot take in a string (NUL ends it early: a syntax error) or
#: that cannot be written as UTF-8 (lone surrogates): each becomes U+FFFD.
_DOT_UNSAFE_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")


def dot_quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks flattened."""
    text = _DOT_UNSAFE_RE.sub("\ufffd", text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + " ".join(text.split()) + '"' if text.strip() else '""'


def safe_url(url: str) -> str:
    """``url`` with the characters graphviz copies unescaped into SVG attributes percent-encoded.

    graphviz escapes labels and tooltips in its SVG but writes ``URL`` as it is, so a
    ``"`` or ``<`` in a link would break out of the attribute of the inline SVG.
    """
    return quote(url, safe="/:?#[]@!$&'()*+,;=%~-._", errors="replace")


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _wrap(text: str, width: int = GRAPH_LABEL_WIDTH, lines_max: int = GRAPH_LABEL_LINES) -> list[str]:
    """The first ``lines_max`` lines of ``text`` wrapped at ``width``; a longer word is cut."""
    lines: list[str] = []
    for word in text.split():
        word = clip(word, width)
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        elif len(lines) == lines_max:
            lines[-1] = clip(lines[-1] + " \u2026", width + 2)
            break
        else:
            lines.append(word)
    return lines


def _label(*lines: str) -> str:
    """A DOT label of several lines: each line escaped on its own, joined by DOT's ``\\n``."""
    return '"' + "\\n".join(dot_quote(line)[1:-1] for line in lines if line) + '"'


def _link_attrs(url: str | None) -> list[str]:
    """``URL`` and ``target`` for a link short enough to hand to graphviz, else nothing."""
    if not url:
        return []
    encoded = safe_url(url)
    if len(encoded) > GRAPH_URL:
        return []
    return [f"URL={dot_quote(encoded)}", 'target="_top"']


@dataclass
class GraphPart:
    """A connected part of the proposal graph: its proposals and its DOT statements.

    ``nodes`` holds, per proposal, the statements that draw it alone (its node and its
    implementation links); ``edges`` the replacement arrows between its proposals.
    """

    deps: list[Dep] = field(default_factory=list)
    nodes: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    edges: list[str] = field(default_factory=list)

    def statements(self) -> list[str]:
        return [line for dep in self.deps for line in self.nodes[graph_key(dep)]] + self.edges


def graph_key(dep: Dep) -> tuple[str, int]:
    """A proposal in the graph: its project (``""`` for this one's) and number."""
    return (dep.project or "", dep.number or 0)


def _node_name(project: str, kind: str) -> str:
    """A DOT node id: ``dep12`` for this project's, ``"runtime.dep12"`` for a source's (keys
    are ``[a-z0-9_-]``, so the quoted id needs no escaping)."""
    return f'"{project}.{kind}"' if project else kind


#: Text at the size of the page's own small print: the SVG is shown at its natural size
#: (scrolling sideways in its box when wider than the column), never shrunk to fit.
_GRAPH_HEAD = (
    "digraph deps {",
    '  graph [rankdir=LR, fontname="sans-serif", bgcolor="transparent"];',
    '  node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=13];',
    '  edge [fontname="sans-serif", fontsize=11];',
)
#: What the graph's arrows mean, for its legend: (label, colour, style).
GRAPH_EDGES = (
    ("replaces", "#57606a", "solid"),
    ("replaces (partial)", "#57606a", "dashed"),
    ("implemented by", "#0a6a8a", "solid"),
    ("extends", "#8250df", "dotted"),
    ("related to", "#bf8700", "dashed"),
)
#: How each relation is drawn: DOT edge attributes (kept in step with :data:`GRAPH_EDGES`).
_RELATION_EDGE_ATTRS = {
    "extends": 'color="#8250df", style="dotted", label="extends"',
    "related": 'color="#bf8700", style="dashed", dir="none", label="related to"',
}


def relation_edges(deps: Iterable[Dep]) -> list[tuple[str, tuple[str, int], tuple[str, int]]]:
    """``(kind, from, to)`` for every ``:extends:`` (child to parent) and ``:related:`` pair
    (lower number first), within each project, sorted."""
    groups: dict[str, list[Dep]] = {}
    for dep in deps:
        groups.setdefault(dep.project or "", []).append(dep)
    found = []
    for project, group in sorted(groups.items()):
        found += [("extends", (project, a), (project, b)) for a, b in relations.extensions(group)]
        found += [("related", (project, a), (project, b)) for a, b in relations.relatives(group)]
    return found


def graph_edge_texts(deps: Iterable[Dep], config: DepConfig) -> list[str]:
    """The graph's edges in words (``DEP-0002 replaces DEP-0001``, ``DEP-0003 extends DEP-0001``,
    ``DEP-0003 related to DEP-0004``) between this project's proposals, for builders without pictures."""
    own = [dep for dep in deps if dep.project is None and dep.number is not None]
    numbers = {dep.number for dep in own}
    texts = []
    for edge in corpus.replacements(own):
        if edge.successor in numbers and edge.predecessor in numbers:
            kind = "replaces (partial)" if edge.partial else "replaces"
            texts.append(f"{config.format_id(edge.successor)} {kind} {config.format_id(edge.predecessor)}")
    for kind, (_, a), (_, b) in relation_edges(own):
        if a in numbers and b in numbers:
            verb = "extends" if kind == "extends" else "related to"
            texts.append(f"{config.format_id(a)} {verb} {config.format_id(b)}")
    return texts


def graph_source(statements: Iterable[str]) -> str:
    """A whole DOT digraph around ``statements``."""
    return "\n".join([*_GRAPH_HEAD, *statements, "}"]) + "\n"


def _node_statements(
    dep: Dep,
    config: DepConfig,
    href: Callable[[Dep], str | None] | None,
    id_text: Callable[[Dep], str] | None = None,
) -> list[str]:
    """One proposal's node and its implementation links, every value bounded."""
    assert dep.number is not None
    status = config.status_text(dep.status)
    own_id = id_text(dep) if id_text else config.format_id(dep.number)
    page = href(dep) if href else None
    project = dep.project or ""
    me = _node_name(project, f"dep{dep.number}")
    attrs = [
        f"label={_label(own_id, *_wrap(dep.title), f'[{status}]')}",
        f"fillcolor={dot_quote(_STATUS_COLOURS.get(dep.status, '#ffffff') if dep.status else '#ffffff')}",
        f"tooltip={dot_quote(clip(f'{own_id}: {dep.title} ({status})', GRAPH_TOOLTIP))}",
        *_link_attrs(page),
    ]
    out = [f"  {me} [{', '.join(attrs)}];"]
    links = dep.implementation
    notes: list[tuple[str, str, str, str | None]] = [
        (
            f"impl{dep.number}_{index}",
            clip(link.short_label, GRAPH_LABEL_WIDTH),
            clip(link.url, GRAPH_TOOLTIP),
            link.url,
        )
        for index, link in enumerate(links[:GRAPH_LINKS], start=1)
    ]
    if len(links) > GRAPH_LINKS:
        # The rest are one node that opens the proposal's page, where every link is listed.
        more = f"and {len(links) - GRAPH_LINKS} more"
        notes.append((f"impl{dep.number}_more", more, f"{own_id}: {len(links)} implementation links", page))
    for node, label, tooltip, url in notes:
        attrs = [
            "shape=note",
            "style=filled",
            'fillcolor="#f6f8fa"',
            f"label={dot_quote(label)}",
            f"tooltip={dot_quote(tooltip)}",
            *_link_attrs(url),
        ]
        node = _node_name(project, node)
        out.append(f"  {node} [{', '.join(attrs)}];")
        out.append(f'  {me} -> {node} [label="implemented by", color="#0a6a8a"];')
    return out


def graph_parts(
    deps: Iterable[Dep],
    config: DepConfig,
    href: Callable[[Dep], str | None] | None = None,
    id_text: Callable[[Dep], str] | None = None,
) -> list[GraphPart]:
    """The graph as connected parts, by their first proposal's project and number.

    Each part can be drawn on its own, so a part graphviz cannot draw leaves the others
    drawn (see :mod:`sphinxcontrib_dep.sphinx.graph`). Proposals of other projects (a
    portfolio's) are drawn too, numbered within their project, with the replacements
    between projects; ``id_text`` names each proposal (``runtime:DEP-0003``).
    """
    shown = [dep for dep in visible(deps, config) if dep.number is not None]
    keys = {graph_key(dep) for dep in shown}
    edges: list[tuple[tuple[str, int], tuple[str, int], bool]] = []
    groups: dict[str, list[Dep]] = {}
    for dep in shown:
        groups.setdefault(dep.project or "", []).append(dep)
    for project, group in groups.items():
        edges += [
            ((project, edge.successor), (project, edge.predecessor), edge.partial)
            for edge in corpus.replacements(group)
            if (project, edge.successor) in keys and (project, edge.predecessor) in keys
        ]
    if len(groups) > 1:
        edges += _edges_across(shown, keys)
    related = [(kind, a, b) for kind, a, b in relation_edges(shown) if a in keys and b in keys]
    # Union-find over replacement edges: each proposal's part is its root's.
    root: dict[tuple[str, int], tuple[str, int]] = {key: key for key in keys}

    def find(key: tuple[str, int]) -> tuple[str, int]:
        while root[key] != key:
            root[key] = root[root[key]]
            key = root[key]
        return key

    for successor, predecessor in [(a, b) for a, b, _partial in edges] + [(a, b) for _k, a, b in related]:
        a, b = find(successor), find(predecessor)
        if a != b:
            root[max(a, b)] = min(a, b)
    parts: dict[tuple[str, int], GraphPart] = {}
    for dep in shown:
        part = parts.setdefault(find(graph_key(dep)), GraphPart())
        part.deps.append(dep)
        part.nodes[graph_key(dep)] = _node_statements(dep, config, href, id_text)
    for successor, predecessor, partial in edges:
        style = ', style="dashed", label="replaces (partial)"' if partial else ', label="replaces"'
        new, old = (
            _node_name(successor[0], f"dep{successor[1]}"),
            _node_name(predecessor[0], f"dep{predecessor[1]}"),
        )
        parts[find(successor)].edges.append(f'  {new} -> {old} [color="#57606a"{style}];')
    for kind, a, b in related:
        first, second = _node_name(a[0], f"dep{a[1]}"), _node_name(b[0], f"dep{b[1]}")
        parts[find(a)].edges.append(f"  {first} -> {second} [{_RELATION_EDGE_ATTRS[kind]}];")
    return [parts[key] for key in sorted(parts)]


def _edges_across(
    deps: list[Dep], keys: set[tuple[str, int]]
) -> list[tuple[tuple[str, int], tuple[str, int], bool]]:
    """Replacements between proposals of two projects, from either side, once each."""
    found: dict[tuple[tuple[str, int], tuple[str, int]], bool] = {}
    for dep in deps:
        me = graph_key(dep)
        for refs, replacing in ((dep.replaces, True), (dep.replaced_by, False)):
            for ref in refs:
                if ref.project is None or ref.project_number is None or ref.project == me[0]:
                    continue
                other = (ref.project, ref.project_number)
                if other not in keys:
                    continue
                edge = (me, other) if replacing else (other, me)
                found[edge] = found.get(edge, False) or ref.partial
    return [(a, b, partial) for (a, b), partial in sorted(found.items())]


def graph_dot(deps: Iterable[Dep], config: DepConfig, href: Callable[[Dep], str | None] | None = None) -> str:
    """Supersession and implementation as a DOT digraph; ``href`` gives each proposal's URL."""
    return graph_source(line for part in graph_parts(deps, config, href) for line in part.statements())


# --------------------------------------------------------------------------------------
# deps.json
# --------------------------------------------------------------------------------------


def dep_record(
    dep: Dep,
    config: DepConfig,
    replaces: list[DepRef],
    replaced_by: list[DepRef],
    history: Mapping[str, Any] | None = None,
    related: list[DepRef] | None = None,
) -> DepRecord:
    """One entry of ``deps.json``, keys in the documented order; ``history`` (from git,
    :func:`~.history.history_record`) only when the build read it."""
    record: DepRecord = {
        "id": dep_id(dep, config),
        "number": dep.number,
        "title": dep.title,
        "status": dep.status.value if dep.status else None,
        "category": dep.category,
        "authors": [p.display for p in dep.authors],
        "sponsors": [p.display for p in dep.sponsors],
        "reviewers": [{"name": r.person.display, "status": r.status.value} for r in dep.reviewers],
        "review_date": dep.review_date.isoformat() if dep.review_date else None,
        "replaces": [ref_text(r, config) for r in replaces],
        "replaced_by": [ref_text(r, config) for r in replaced_by],
        "pull_request": dep.pull_request,
        "implementation": [link.url for link in dep.implementation],
        "path": dep.path,
        "review_requested": dep.review_requested.isoformat() if dep.review_requested else None,
        "review_extensions": extension_rows(dep),
        "decision": dep.decision,
        "decider": decider.display if (decider := process.decider(dep.decision)) else None,
        "template": dep.template.value,
        "tracking": tracking_rows(dep),
        "target_completion": dep.target_completion.isoformat() if dep.target_completion else None,
        "amendments": amendment_rows(dep),
        "phases": [
            {
                "number": phase.number,
                "title": phase.title,
                "release_target": phase.release_target,
                "work_items": [link.url for link in phase.work_items],
            }
            for phase in dep.phases
        ],
        "alternatives": [alternative.title for alternative in dep.alternatives],
    }
    record["extends"] = [ref_text(r, config) for r in relations.extends_written(dep)]
    record["related"] = [ref_text(r, config) for r in (dep.related if related is None else related)]
    record["retroactive"] = dep.retroactive
    if history is not None:
        record["history"] = dict(history)
    if dep.areas:
        record["areas"] = list(dep.areas)
    if dep.pic is not None:
        record["pic"] = dep.pic.display
    if dep.priority is not None:
        record["priority"] = dep.priority
    return record


def deps_json(
    deps: Iterable[Dep],
    config: DepConfig,
    on_error: Callable[[Dep, Exception], None] | None = None,
    history: Mapping[str, Mapping[str, Any]] | None = None,
    pages: Mapping[str, str] | None = None,
) -> DepsJson:
    """The ``deps.json`` document: ``{"schema_version": 2, "deps": [...]}``, by number, drafts last.

    With ``on_error``, a proposal whose record cannot be built is left out and handed to
    it, and the others are written; without, the error propagates. ``history`` maps a
    proposal's path to its history record; a proposal git does not know gets none.
    ``pages`` maps a proposal's path to its page on the site (the build knows it).
    """
    from .sources import specs

    shown = visible(deps, config)
    links = links_both_ways(shown)
    related = relations.related_both_ways(shown)
    records = []
    for dep in shown:
        try:
            record = dep_record(
                dep, config, *links[dep.path], (history or {}).get(dep.path), related[dep.path]
            )
            if pages and dep.path in pages:
                record["page"] = pages[dep.path]
            records.append(record)
        except Exception as err:
            if on_error is None:
                raise
            on_error(dep, err)
    document: DepsJson = {"schema_version": SCHEMA_VERSION, "deps": records}
    if config.base_url:
        document["site"] = config.base_url
    if config.sources:
        document["sources"] = {spec.key: spec.site for spec in specs(config.sources)}
    return document


#: What a version-1 document lacks, as version 2 writes "nothing" for each key.
_VERSION_2_DEFAULTS: dict[str, Any] = {
    "review_requested": None,
    "review_extensions": [],
    "decision": None,
    "decider": None,
    "template": "limited",
    "tracking": [],
    "target_completion": None,
    "amendments": [],
    "phases": [],
    "alternatives": [],
}


def read_deps_json(data: Any) -> DepsJson:
    """A ``deps.json`` of any readable version as version 2: a version-1 document's proposals
    get version 2's keys with empty values. ``ValueError`` for anything else."""
    if not isinstance(data, dict) or not isinstance(data.get("deps"), list):
        raise ValueError("not a deps.json document (no deps list)")
    version = data.get("schema_version")
    if version not in READABLE_SCHEMA_VERSIONS:
        raise ValueError(
            f"deps.json schema_version {version!r} is not one this version reads ({READABLE_SCHEMA_VERSIONS})"
        )
    records = []
    for entry in data["deps"]:
        if not isinstance(entry, dict):
            raise ValueError("a deps.json entry that is not an object")
        records.append({**_VERSION_2_DEFAULTS, **entry})
    return {"schema_version": SCHEMA_VERSION, "deps": records}  # type: ignore[typeddict-item]


# --------------------------------------------------------------------------------------
# Plain tables for the command line
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellLink:
    """A link in a table cell: Markdown writes it as a link (http(s) only), the others as its label."""

    label: str
    url: str


#: A table cell: text, or links (written as labels joined with ``, `` where links cannot be).
Cell = str | tuple[CellLink, ...]


def cell_text(cell: Cell) -> str:
    """A cell as plain text, before any escaping."""
    return cell if isinstance(cell, str) else ", ".join(link.label for link in cell)


@dataclass
class Table:
    """A titled table of cells, for :func:`render_text`, :func:`render_markdown`, :func:`render_csv`.

    Cells hold values as they are; each renderer escapes them for its format (:mod:`.escape`).
    """

    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def _id_or_draft(row_id: str | None) -> str:
    return row_id or "draft"


def index_tables(deps: Iterable[Dep], config: DepConfig, by: str = "number") -> list[Table]:
    """The index as tables: ``by`` is ``number`` (one table), ``status`` or ``category`` (one per group)."""
    headers = ["ID", "Title", "Status", "Authors", "Category"]

    def cells(row: IndexRow) -> list[Cell]:
        return [
            _id_or_draft(row["id"]),
            row["title"],
            shown_status(row["status"], config),
            ", ".join(row["authors"]),
            row["category"] or "",
        ]

    deps = list(deps)
    if by == "number":
        return [Table("Numerical index", headers, [cells(r) for r in index_rows(deps, config)])]
    groups = group_by_status(deps, config) if by == "status" else group_by_category(deps, config)
    return [Table(name, headers, [cells(r) for r in rows]) for name, rows in groups]


#: The traceability table's columns after the proposal's id, as every output shows them.
TRACEABILITY_COLUMNS = (
    "Title",
    "Status",
    "Implementation",
    "Tracking",
    "Target completion",
    "Amendments",
    "Phases",
    "Replaces",
    "Replaced by",
    "Extends",
    "Related",
)


def traceability_table(deps: Iterable[Dep], config: DepConfig) -> Table:
    table = Table("Traceability", ["ID", *TRACEABILITY_COLUMNS])
    for row in traceability_rows(deps, config):
        table.rows.append(
            [
                _id_or_draft(row["id"]),
                row["title"],
                shown_status(row["status"], config),
                tuple(CellLink(link["label"], link["url"]) for link in row["implementation"]),
                tuple(CellLink(issue["key"], issue["url"]) for issue in row["tracking"]),
                row["target_completion"] or "",
                tuple(CellLink(a["date"], a["pull_request"]) for a in row["amendments"]),
                ", ".join(f"{p['number']}. {p['title']}".strip() for p in row["phases"]),
                ", ".join(r["text"] for r in row["replaces"]),
                ", ".join(r["text"] for r in row["replaced_by"]),
                ", ".join(r["text"] for r in row["extends"]),
                ", ".join(r["text"] for r in row["related"]),
            ]
        )
    return table


def review_tables(
    deps: Iterable[Dep], config: DepConfig, today: date, touched: Mapping[str, date] | None = None
) -> list[Table]:
    report = review_report(deps, config, today, touched)
    under = Table("Under review", ["ID", "Title", "Review date", "Due", "Reviewers", "Approval rule"])
    for review in report["under_review"]:
        reviewers = ", ".join(f"{r['name']} ({r['status']})" for r in review["reviewers"])
        under.rows.append(
            [
                _id_or_draft(review["id"]),
                review["title"],
                review["review_date"] or "",
                review["due"],
                reviewers,
                "met" if review["approval_met"] else "not met",
            ]
        )
    approved = Table("Approved, no implementation", ["ID", "Title", "Review date"])
    for unimplemented in report["approved_unimplemented"]:
        approved.rows.append(
            [_id_or_draft(unimplemented["id"]), unimplemented["title"], unimplemented["review_date"] or ""]
        )
    stale = Table(
        f"Not touched in {config.stale_days} days", ["ID", "Title", "Status", "Last touched", "Days"]
    )
    for untouched in report["stale"]:
        stale.rows.append(
            [
                _id_or_draft(untouched["id"]),
                untouched["title"],
                shown_status(untouched["status"], config),
                untouched["last_touched"],
                str(untouched["days"]),
            ]
        )
    return [under, approved, stale]


def render_text(tables: Iterable[Table]) -> str:
    """Aligned plain-text columns, each table under its title; every value escaped as
    :func:`.escape.text` (no line break, tab or control character gets through)."""
    parts = []
    for table in tables:
        rows = [[escape.text(cell_text(cell)) for cell in row] for row in table.rows]
        headers = [escape.text(header) for header in table.headers]
        widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=False)]
        lines = [escape.text(table.title), ""]
        for cells in (headers, *rows):
            lines.append(
                "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=False)).rstrip()
            )
            if cells is headers:
                lines.append("  ".join("-" * width for width in widths))
        if not table.rows:
            lines.append("(none)")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _markdown_cell(cell: Cell) -> str:
    if isinstance(cell, str):
        return escape.markdown(cell)
    return ", ".join(escape.markdown_link(link.label, link.url) for link in cell)


def render_markdown(tables: Iterable[Table]) -> str:
    """GitHub-flavoured Markdown tables: values escaped as :func:`.escape.markdown` (no raw
    HTML, no markup, pipes kept in their cell); only http(s) links are written as links."""
    parts = []
    for table in tables:
        lines = [f"## {escape.markdown(table.title)}", ""]
        lines.append("| " + " | ".join(escape.markdown(h) for h in table.headers) + " |")
        lines.append("|" + "|".join("---" for _ in table.headers) + "|")
        lines += ["| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in table.rows]
        if not table.rows:
            lines.append("")
            lines.append("_None._")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def render_csv(tables: Iterable[Table]) -> str:
    """CSV with a ``Table`` column first (the group); a header row wherever the columns change.

    Every cell is escaped as :func:`.escape.csv_cell`: no formula (``=``, ``+``, ``-``,
    ``@``, ...) for a spreadsheet to run, no control character.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    headers: list[str] | None = None
    for table in tables:
        if table.headers != headers:  # a new header row where the columns change
            writer.writerow([escape.csv_cell(cell) for cell in ["Table", *table.headers]])
            headers = table.headers
        for row in table.rows:
            writer.writerow([escape.csv_cell(cell_text(cell)) for cell in [table.title, *row]])
    return buffer.getvalue()
