"""The corpus checks across projects: references to other projects' proposals, both sides of a replacement.

Run by the build and by ``dep lint`` over this project's proposals and the sources read
by :func:`.sources.load`. A check runs only where both sides are known: a source that
could not be read (and has no copy kept) is reported once by :mod:`.sources` and
otherwise left alone, and whether another project names this one back can only be
told when this project's own address (``dep_base_url``) is set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .config import DepConfig
from .corpus import by_number
from .diagnostics import Code, Diagnostic
from .model import Dep, DepRef, role_target, split_project_ref
from .sources import Registry

#: A proposal anywhere: ``("", 7)`` is this project's DEP-0007, ``("runtime", 3)`` a source's.
Node = tuple[str, int]


def _unknown_source(key: str, registry: Registry) -> str:
    known = ", ".join(registry.keys) or "none"
    return f"no source {key!r} in dep_sources (known: {known})"


def project_ref_problem(key: str, number: int, written: str, registry: Registry) -> str | None:
    """Why ``key:written`` names no proposal this run can see; ``None`` when it does, or cannot tell."""
    if key not in registry.keys:
        return _unknown_source(key, registry)
    source = registry.sources.get(key)
    if source is None:
        return None  # reported once as a source that cannot be read
    if number not in source.by_number:
        return f"{key}:{written} is not a proposal of {key} (per its deps.json)"
    return None


def unknown_project_targets(
    references: Iterable[tuple[int, str]], registry: Registry, path: str
) -> list[Diagnostic]:
    """``{dep}`` roles in ``path`` naming another project's proposal that this run cannot find."""
    found = []
    for line, text in references:
        target = role_target(text)[1]
        parts = split_project_ref(target)
        if parts is None:
            continue
        problem = project_ref_problem(parts[0], parts[2], parts[1], registry)
        if problem is not None:
            found.append(Diagnostic(Code.UNKNOWN_REF, f"{{dep}} role: {problem}", path, line))
    return found


def _references(dep: Dep, registry: Registry) -> list[Diagnostic]:
    found = []
    for option, refs in (
        ("replaces", dep.replaces),
        ("replaced-by", dep.replaced_by),
        ("extends", dep.extends),
        ("related", dep.related),
    ):
        for ref in refs:
            if ref.project is None or ref.project_number is None:
                continue
            problem = project_ref_problem(ref.project, ref.project_number, ref.project_id or "", registry)
            if problem is not None:
                found.append(
                    Diagnostic(Code.UNKNOWN_REF, f":{option}: {problem}", dep.path, dep.line_of(option))
                )
    for link in dep.implementation:
        if link.project is None or link.number is None:
            continue
        written = link.url.split(":", 1)[1]
        problem = project_ref_problem(link.project, link.number, written, registry)
        if problem is not None:
            found.append(
                Diagnostic(
                    Code.UNKNOWN_REF, f":implementation: {problem}", dep.path, dep.line_of("implementation")
                )
            )
    return found


@dataclass
class _Edge:
    #: As the successor's ``:replaces:`` writes it, and the predecessor's ``:replaced-by:`` (None: not written).
    in_replaces: bool | None = None
    in_replaced_by: bool | None = None


def _node(holder: str, ref: DepRef) -> Node | None:
    """The proposal a reference held in project ``holder`` names, if it is in another project."""
    if ref.project is None or ref.project_number is None or ref.project == holder:
        return None
    return (ref.project, ref.project_number)


def check(
    deps: Iterable[Dep],
    config: DepConfig,
    registry: Registry,
    *,
    portfolio: bool = False,
    where: tuple[str | None, int | None] = (None, None),
) -> list[Diagnostic]:
    """Every problem across projects that this project can see, sorted by file and line.

    References to other projects that name no proposal; and replacements written on one
    side only (or partial on one side only) between this project and a source, and, in a
    portfolio (``dep_portfolio``), between two sources (located at ``where``).
    """
    deps = list(deps)
    found: list[Diagnostic] = []
    for dep in deps:
        found += _references(dep, registry)
        found += unknown_project_targets(dep.references, registry, dep.path)

    local = by_number(deps)
    holders: dict[str, dict[int, Dep]] = {"": local}
    holders.update({key: source.by_number for key, source in registry.sources.items()})
    edges: dict[tuple[Node, Node], _Edge] = {}
    for project, numbered in holders.items():
        for number, dep in numbered.items():
            for ref in dep.replaces:
                target = _node(project, ref)
                if target is not None:
                    edges.setdefault(((project, number), target), _Edge()).in_replaces = ref.partial
            for ref in dep.replaced_by:
                target = _node(project, ref)
                if target is not None:
                    edges.setdefault((target, (project, number)), _Edge()).in_replaced_by = ref.partial

    def name(node: Node) -> str:
        project, number = node
        return config.format_id(number) if not project else registry.sources[project].ref_text(number)

    def named_there(node: Node) -> str:
        """How the other side should name ``node``: this project's under the key it gives it."""
        return f"this project's {name(node)}" if not node[0] else name(node)

    def located(node: Node, option: str) -> tuple[str | None, int | None]:
        if node[0] == "":
            dep = local[node[1]]
            return dep.path, dep.line_of(option)
        return where

    for (successor, predecessor), edge in sorted(edges.items()):
        if any(holders.get(p) is None or n not in holders[p] for p, n in (successor, predecessor)):
            continue  # an unknown proposal, reported above where it is this project's
        involves_local = "" in (successor[0], predecessor[0])
        if involves_local and not registry.self_site:
            continue  # whether the other side names this project cannot be told
        if not involves_local and not portfolio:
            continue
        new, old = name(successor), name(predecessor)
        if edge.in_replaced_by is None:
            partial = " (partial)" if edge.in_replaces else ""
            message = (
                f"{new} replaces {old}, but {old} does not say so: its :replaced-by: should name "
                f"{named_there(successor)}{partial}"
            )
            at = (
                located(predecessor, "replaced-by")
                if predecessor[0] == ""
                else located(successor, "replaces")
            )
        elif edge.in_replaces is None:
            partial = " (partial)" if edge.in_replaced_by else ""
            message = (
                f"{old} is replaced by {new}, but {new} does not say so: its :replaces: should name "
                f"{named_there(predecessor)}{partial}"
            )
            at = located(successor, "replaces") if successor[0] == "" else located(predecessor, "replaced-by")
        elif edge.in_replaces != edge.in_replaced_by:

            def said(partial: bool | None) -> str:
                return "partial" if partial else "in full"

            message = (
                f"{new} and {old} disagree on a partial replacement: {new} says {said(edge.in_replaces)}, "
                f"{old} says {said(edge.in_replaced_by)}; write (partial) on both sides or on neither"
            )
            at = located(successor, "replaces") if successor[0] == "" else located(predecessor, "replaced-by")
        else:
            continue
        found.append(Diagnostic(Code.REPLACES_MISMATCH, message, *at))
    return sorted(found, key=lambda d: (d.path or "", d.line or 0, d.code.value, d.message))
