"""The whole set of proposals: numbering, supersession graph and cross-proposal rules.

A replacement can be written on either side: ``:replaces: DEP-0001`` in the successor,
``:replaced-by: DEP-0003`` in the predecessor. :func:`replacements` joins both sides into
one list of edges, which the checks here, the reports and the graph all read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .config import DepConfig
from .diagnostics import Code, Diagnostic
from .model import (
    SUPERSEDER_STATUSES,
    Dep,
    DepRef,
    Status,
    number_from_filename,
    parse_id,
    role_target,
    split_project_ref,
)


def sort_deps(deps: Iterable[Dep]) -> list[Dep]:
    """Numbered proposals by number, then unnumbered drafts; ties by path. Other
    projects' proposals (a portfolio's) follow this project's, by source."""
    return sorted(deps, key=lambda dep: (dep.project or "", dep.number is None, dep.number or 0, dep.path))


def by_number(deps: Iterable[Dep]) -> dict[int, Dep]:
    """The proposal holding each number, as the site shows it and every command reads it.

    Where a number is used twice, a file whose name carries it (``0007-x.md``) wins over
    one that only claims it in ``:number:`` (a draft ``0000-y.md`` cannot take DEP-0007 from
    it), then the first file by path. The duplicate is reported (``dep.duplicate_number``).
    """
    numbered: dict[int, Dep] = {}
    ordered = sorted(deps, key=lambda d: (number_from_filename(d.path) != d.number, d.path))
    for dep in ordered:
        if dep.number is not None:
            numbered.setdefault(dep.number, dep)
    return numbered


@dataclass(frozen=True)
class Replacement:
    """``successor`` replaces ``predecessor``, as written on one or both sides."""

    successor: int
    predecessor: int
    #: As the successor's ``:replaces:`` writes it (None: not written there).
    partial_in_replaces: bool | None
    #: As the predecessor's ``:replaced-by:`` writes it (None: not written there).
    partial_in_replaced_by: bool | None

    @property
    def partial(self) -> bool:
        return bool(self.partial_in_replaces or self.partial_in_replaced_by)


def replacements(deps: Iterable[Dep]) -> list[Replacement]:
    """Every replacement between numbered proposals, both sides joined, sorted.

    Self-replacements are left out (they are reported on their own).
    """
    numbered = by_number(deps)
    found: dict[tuple[int, int], list[bool | None]] = {}
    for number, dep in numbered.items():
        for ref in dep.replaces:
            if ref.number is not None and ref.number != number:
                found.setdefault((number, ref.number), [None, None])[0] = ref.partial
        for ref in dep.replaced_by:
            if ref.number is not None and ref.number != number:
                found.setdefault((ref.number, number), [None, None])[1] = ref.partial
    return [
        Replacement(successor, predecessor, sides[0], sides[1])
        for (successor, predecessor), sides in sorted(found.items())
    ]


def replaced_by(deps: Iterable[Dep]) -> dict[int, list[DepRef]]:
    """number -> the proposals replacing it, from both sides, by number."""
    result: dict[int, list[DepRef]] = defaultdict(list)
    for edge in replacements(deps):
        result[edge.predecessor].append(DepRef(edge.successor, partial=edge.partial))
    return dict(result)


def replaces(deps: Iterable[Dep]) -> dict[int, list[DepRef]]:
    """number -> the proposals it replaces, from both sides, by number."""
    result: dict[int, list[DepRef]] = defaultdict(list)
    for edge in replacements(deps):
        result[edge.successor].append(DepRef(edge.predecessor, partial=edge.partial))
    return dict(result)


def _partial(partial: bool) -> str:
    return " (partial)" if partial else ""


def check_corpus(deps: Iterable[Dep], config: DepConfig) -> list[Diagnostic]:
    """Problems that only show across proposals, sorted by file and line."""
    deps = list(deps)
    found: list[Diagnostic] = []
    found += _duplicate_numbers(deps, config)
    found += _references(deps, config)
    found += _mismatches(deps, config)
    found += _cycles(deps, config)
    found += _successors(deps, config)
    found += _superseders(deps, config)
    from .relations import check_relations  # which reads this module's graph helpers

    found += check_relations(deps, config)
    return sorted(found, key=lambda d: (d.path or "", d.line or 0, d.code.value, d.message))


def _duplicate_numbers(deps: list[Dep], config: DepConfig) -> list[Diagnostic]:
    groups: dict[int, list[Dep]] = defaultdict(list)
    for dep in sorted(deps, key=lambda d: d.path):
        if dep.number is not None:
            groups[dep.number].append(dep)
    found = []
    for number, group in groups.items():
        first = group[0]
        for dep in group[1:]:
            found.append(
                Diagnostic(
                    Code.DUPLICATE_NUMBER,
                    f"duplicate number {config.format_id(number)}: {dep.path} and {first.path} both use it",
                    dep.path,
                    dep.line_of("number"),
                )
            )
    return found


def _references(deps: list[Dep], config: DepConfig) -> list[Diagnostic]:
    """Self-replacement and references to proposals the project does not hold."""
    known = by_number(deps)
    found = []
    for dep in deps:
        for option, refs in (("replaces", dep.replaces), ("replaced-by", dep.replaced_by)):
            verb = "replace" if option == "replaces" else "be replaced by"
            found += reference_problems(dep, option, refs, known, config, Code.SELF_REPLACE, verb)
        found += unknown_role_targets(dep.references, known, config, dep.path)
    return found


def reference_problems(
    dep: Dep,
    option: str,
    refs: Iterable[DepRef],
    known: Mapping[int, object],
    config: DepConfig,
    self_code: Code,
    verb: str,
) -> list[Diagnostic]:
    """The one check of a header option naming proposals (``:replaces:``, ``:extends:``, ...):
    an entry naming the proposal itself (``self_code``: "a proposal cannot ``verb`` itself")
    or a number the project does not hold (``dep.unknown_ref``). Another project's entries
    are judged with the sources."""
    found = []
    for ref in refs:
        if ref.number is None:
            continue
        target = config.format_id(ref.number)
        if ref.number == dep.number:
            message = f":{option}: {target} is this proposal itself; a proposal cannot {verb} itself"
            found.append(Diagnostic(self_code, message, dep.path, dep.line_of(option)))
        elif ref.number not in known:
            message = f":{option}: {target} is not a proposal of this project"
            found.append(Diagnostic(Code.UNKNOWN_REF, message, dep.path, dep.line_of(option)))
    return found


def unknown_role_targets(
    references: Iterable[tuple[int, str]], known: Mapping[int, object], config: DepConfig, path: str
) -> list[Diagnostic]:
    """``{dep}`` roles in ``path`` naming no proposal of the project.

    A role naming another project's proposal (``runtime:DEP-0012``) is judged with the
    sources (:func:`.crossproject.unknown_project_targets`).
    """
    found = []
    for line, text in references:
        target = role_target(text)[1]
        if split_project_ref(target) is not None:
            continue
        number = parse_id(target, config.id_prefix)
        if number is None or number not in known:
            found.append(
                Diagnostic(
                    Code.UNKNOWN_REF, f"{{dep}} role: no proposal {target!r} in this project", path, line
                )
            )
    return found


def _mismatches(deps: list[Dep], config: DepConfig) -> list[Diagnostic]:
    """A replacement written on one side only, or written partial on one side only."""
    known = by_number(deps)
    found = []
    for edge in replacements(deps):
        if edge.successor not in known or edge.predecessor not in known:
            continue  # reported as an unknown reference
        successor, predecessor = known[edge.successor], known[edge.predecessor]
        new_id, old_id = config.format_id(edge.successor), config.format_id(edge.predecessor)
        if edge.partial_in_replaced_by is None:
            assert edge.partial_in_replaces is not None
            found.append(
                Diagnostic(
                    Code.REPLACES_MISMATCH,
                    f"{new_id} ({successor.path}) replaces {old_id}, but {old_id} does not say so: "
                    f"add {new_id}{_partial(edge.partial_in_replaces)} to :replaced-by: in {predecessor.path}",
                    predecessor.path,
                    predecessor.line_of("replaced-by"),
                )
            )
        elif edge.partial_in_replaces is None:
            found.append(
                Diagnostic(
                    Code.REPLACES_MISMATCH,
                    f"{old_id} ({predecessor.path}) is replaced by {new_id}, but {new_id} does not say so: "
                    f"add {old_id}{_partial(edge.partial_in_replaced_by)} to :replaces: in {successor.path}",
                    successor.path,
                    successor.line_of("replaces"),
                )
            )
        elif edge.partial_in_replaces != edge.partial_in_replaced_by:

            def said(partial: bool) -> str:
                return "partial" if partial else "in full"

            found.append(
                Diagnostic(
                    Code.REPLACES_MISMATCH,
                    f"{new_id} and {old_id} disagree on a partial replacement: :replaces: in {successor.path} "
                    f"says {said(edge.partial_in_replaces)}, :replaced-by: in {predecessor.path} says "
                    f"{said(edge.partial_in_replaced_by)}; write (partial) on both sides or on neither",
                    successor.path,
                    successor.line_of("replaces"),
                )
            )
    return found


def _cycles(deps: list[Dep], config: DepConfig) -> list[Diagnostic]:
    """One diagnostic per strongly connected group of replacements, at its lowest number."""
    known = by_number(deps)
    graph: dict[int, list[int]] = defaultdict(list)
    for edge in replacements(deps):
        if edge.successor in known and edge.predecessor in known:
            graph[edge.successor].append(edge.predecessor)
    found = []
    for component in strongly_connected(sorted(known), graph):
        if len(component) < 2:
            continue
        start = min(component)
        path = cycle_from(start, set(component), graph)
        chain = " replaces ".join(config.format_id(number) for number in path)
        dep = known[start]
        found.append(
            Diagnostic(
                Code.REPLACES_CYCLE,
                f"replacement cycle: {chain}",
                dep.path,
                dep.line_of("replaces") if dep.replaces else dep.line_of("replaced-by"),
            )
        )
    return found


def strongly_connected(nodes: list[int], graph: dict[int, list[int]]) -> list[list[int]]:
    """Tarjan's algorithm, iterative (no recursion limit), over nodes in a fixed order."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    components: list[list[int]] = []

    def visit(node: int) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)

    for root in nodes:
        if root in index:
            continue
        visit(root)
        calls = [(root, iter(sorted(graph.get(root, []))))]
        while calls:
            node, targets = calls[-1]
            descended = False
            for target in targets:
                if target not in index:
                    visit(target)
                    calls.append((target, iter(sorted(graph.get(target, [])))))
                    descended = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if descended:
                continue
            calls.pop()
            if calls:
                parent = calls[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def cycle_from(start: int, members: set[int], graph: dict[int, list[int]]) -> list[int]:
    """The shortest cycle through ``start`` inside its component: ``[start, ..., start]``."""
    previous: dict[int, int] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph.get(node, [])):
                if target not in members:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start] if node != start else [start, start]
                if target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    return [start, start]


def _successors(deps: list[Dep], config: DepConfig) -> list[Diagnostic]:
    """A proposal replaced in full by more than one proposal."""
    known = by_number(deps)
    full: dict[int, list[int]] = defaultdict(list)
    for edge in replacements(deps):
        if not edge.partial and edge.successor in known:
            full[edge.predecessor].append(edge.successor)
    found = []
    for number, successors in sorted(full.items()):
        if len(successors) < 2 or number not in known:
            continue
        dep = known[number]
        names = ", ".join(config.format_id(n) for n in successors)
        found.append(
            Diagnostic(
                Code.SUCCESSORS,
                f"{config.format_id(number)} is replaced in full by {len(successors)} proposals ({names}); "
                "a proposal has at most one full successor: mark the others (partial)",
                dep.path,
                dep.line_of("replaced-by"),
            )
        )
    return found


def _superseders(deps: list[Dep], config: DepConfig) -> list[Diagnostic]:
    """A proposal Superseded by one that is not decided for (In Progress, Rejected, ...)."""
    known = by_number(deps)
    found = []
    for edge in replacements(deps):
        if edge.partial or edge.successor not in known or edge.predecessor not in known:
            continue
        old, new = known[edge.predecessor], known[edge.successor]
        if old.status is not Status.SUPERSEDED or new.status is None or new.status in SUPERSEDER_STATUSES:
            continue
        found.append(
            Diagnostic(
                Code.SUPERSEDER,
                f"{config.format_id(edge.predecessor)} is Superseded by {config.format_id(edge.successor)}, "
                f"which is {new.status.value}; only an Approved or Implemented proposal supersedes another "
                f"(approve {config.format_id(edge.successor)} first)",
                old.path,
                old.line_of("replaced-by", "status"),
            )
        )
    return found
