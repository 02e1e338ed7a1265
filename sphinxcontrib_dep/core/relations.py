"""Typed relations between proposals beside replacement: ``:extends:`` and ``:related:``.

A proposal *extends* another when it builds on it without replacing it (the drafts'
"Extends" header: "DEP Process Improvements" extends DEP-0000); it is *related* to a third
when neither builds on the other. ``extends`` is a lineage, directed and acyclic;
``related`` is symmetric: written on one side, it holds on both, and neither side must
repeat it. The checks live here beside the replacement checks of :mod:`.corpus` (which
calls :func:`check_relations`); :func:`lineage` answers ``dep related``.

A proposal that extends a Rejected or Deferred one is not reported: a revised design may
rightly build on the parts of a declined one that stand, and ``dep related`` and the
card show each target's status beside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import corpus
from .config import DepConfig
from .diagnostics import Code, Diagnostic
from .model import Dep, DepRef

#: The relation options, in the order headers, cards and tables show them.
RELATION_OPTIONS = ("extends", "related")


def relation_refs(dep: Dep, option: str) -> list[DepRef]:
    """``dep.extends`` or ``dep.related``, by option name."""
    return dep.extends if option == "extends" else dep.related


def extends_written(dep: Dep) -> list[DepRef]:
    """``dep.extends`` without a reference to itself (reported on its own)."""
    return [ref for ref in dep.extends if ref.number is None or ref.number != dep.number]


def extensions(deps: Iterable[Dep]) -> list[tuple[int, int]]:
    """``(child, parent)`` for every ``:extends:`` between numbered proposals, sorted, without self-references."""
    found = set()
    for number, dep in corpus.by_number(deps).items():
        for ref in dep.extends:
            if ref.number is not None and ref.number != number:
                found.add((number, ref.number))
    return sorted(found)


def relatives(deps: Iterable[Dep]) -> list[tuple[int, int]]:
    """``(low, high)`` for every ``:related:`` pair, from either side, once each, sorted."""
    found = set()
    for number, dep in corpus.by_number(deps).items():
        for ref in dep.related:
            if ref.number is not None and ref.number != number:
                found.add((min(number, ref.number), max(number, ref.number)))
    return sorted(found)


def extended_by(deps: Iterable[Dep]) -> dict[int, list[int]]:
    """number -> the proposals that extend it."""
    result: dict[int, list[int]] = defaultdict(list)
    for child, parent in extensions(deps):
        result[parent].append(child)
    return dict(result)


def related_to(deps: Iterable[Dep]) -> dict[int, list[int]]:
    """number -> the proposals related to it, from either side."""
    result: dict[int, list[int]] = defaultdict(list)
    for low, high in relatives(deps):
        result[low].append(high)
        result[high].append(low)
    return {number: sorted(others) for number, others in result.items()}


def check_relations(deps: list[Dep], config: DepConfig) -> list[Diagnostic]:
    """Unknown targets, self-references, and cycles of ``:extends:`` (one per cycle, located)."""
    known = corpus.by_number(deps)
    found = []
    for dep in deps:
        for option in RELATION_OPTIONS:
            verb = "extend" if option == "extends" else "be related to"
            refs = relation_refs(dep, option)
            found += corpus.reference_problems(dep, option, refs, known, config, Code.SELF_RELATION, verb)
    found += _cycles(deps, config)
    return found


def _cycles(deps: list[Dep], config: DepConfig) -> list[Diagnostic]:
    """One diagnostic per strongly connected group of extensions, at its lowest number's ``:extends:``."""
    known = corpus.by_number(deps)
    graph: dict[int, list[int]] = defaultdict(list)
    for child, parent in extensions(deps):
        if parent in known:
            graph[child].append(parent)
    found = []
    for component in corpus.strongly_connected(sorted(known), graph):
        if len(component) < 2:
            continue
        start = min(component)
        chain = " extends ".join(config.format_id(n) for n in corpus.cycle_from(start, set(component), graph))
        dep = known[start]
        found.append(
            Diagnostic(
                Code.EXTENDS_CYCLE,
                f"extension cycle: {chain}; a proposal cannot build on itself, directly or through others",
                dep.path,
                dep.line_of("extends"),
            )
        )
    return found


# --------------------------------------------------------------------------------------
# dep related: lineage and relatives of one proposal
# --------------------------------------------------------------------------------------


#: One proposal on a chain: its number, and the proposal it was reached through (``None``: directly).
Step = tuple[int, int | None]


@dataclass
class Lineage:
    """What ``dep related`` shows of one proposal, every chain nearest first, then by number."""

    #: Its number; ``None`` for an unnumbered draft (whose chains start at what it names).
    number: int | None
    #: Along ``:extends:``: what it builds on, and what those build on.
    extends: list[Step] = field(default_factory=list)
    #: Along ``:extends:`` the other way: what builds on it.
    extended_by: list[Step] = field(default_factory=list)
    #: Along replacements: what it replaces, and what those replaced.
    replaces: list[Step] = field(default_factory=list)
    #: Along replacements the other way: what replaces it, and what replaced those.
    replaced_by: list[Step] = field(default_factory=list)
    #: Proposals related to it, from either side.
    related: list[int] = field(default_factory=list)


def _walk(start: int, graph: dict[int, list[int]]) -> list[Step]:
    """Every node reachable from ``start``, breadth first, each with the node it was first reached
    from (``None`` for ``start``'s own neighbours); a cycle is walked once."""
    seen = {start}
    order: list[Step] = []
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(set(graph.get(node, []))):
                if target not in seen:
                    seen.add(target)
                    order.append((target, None if node == start else node))
                    following.append(target)
        frontier = following
    return order


#: The node an unnumbered draft stands for in the walks (no proposal holds number 0).
_DRAFT = 0


def lineage(deps: Iterable[Dep], dep: Dep) -> Lineage:
    """The extends and replaces chains through ``dep``, both directions, and its relatives."""
    deps = list(deps)
    me = dep.number if dep.number is not None else _DRAFT
    up: dict[int, list[int]] = defaultdict(list)
    down: dict[int, list[int]] = defaultdict(list)
    older: dict[int, list[int]] = defaultdict(list)
    newer: dict[int, list[int]] = defaultdict(list)
    for child, parent in extensions(deps):
        up[child].append(parent)
        down[parent].append(child)
    for edge in corpus.replacements(deps):
        older[edge.successor].append(edge.predecessor)
        newer[edge.predecessor].append(edge.successor)
    related = related_to(deps).get(me, []) if dep.number is not None else []
    if dep.number is None:
        # A draft holds no number, so no other proposal can name it: only what it writes counts.
        up[me] = [r.number for r in dep.extends if r.number is not None]
        older[me] = [r.number for r in dep.replaces if r.number is not None]
        newer[me] = [r.number for r in dep.replaced_by if r.number is not None]
        related = sorted({r.number for r in dep.related if r.number is not None})
    return Lineage(
        number=dep.number,
        extends=_walk(me, up),
        extended_by=_walk(me, down) if dep.number is not None else [],
        replaces=_walk(me, older),
        replaced_by=_walk(me, newer),
        related=related,
    )


def related_both_ways(deps: Iterable[Dep]) -> dict[str, list[DepRef]]:
    """path -> the proposals related to it: as its ``:related:`` writes them, and this project's
    proposals whose ``:related:`` names it (a relation holds on both sides). Numbers are joined
    within one project, as :func:`.report.links_both_ways` joins replacements."""
    groups: dict[str | None, list[Dep]] = {}
    for dep in deps:
        groups.setdefault(dep.project, []).append(dep)
    result: dict[str, list[DepRef]] = {}
    for group in groups.values():
        owners = corpus.by_number(group)
        joined = related_to(group)
        for dep in group:
            refs = [r for r in dep.related if r.number is None or r.number != dep.number]
            if dep.number is not None and owners.get(dep.number) is dep:
                written = {r.number for r in refs}
                refs += [DepRef(n) for n in joined.get(dep.number, []) if n not in written]
            result[dep.path] = sorted(refs, key=lambda r: (r.number is None, r.number or 0))
    return result
