"""``dep status`` and ``dep supersede``: moves along the lifecycle, checked by the rules."""

from __future__ import annotations

from ...core import analysis, corpus, editing, parsing
from ...core.config import DepConfig
from ...core.diagnostics import Diagnostic
from ...core.model import (
    SUPERSEDER_STATUSES,
    Status,
)
from ..context import (
    EXIT_OK,
    Change,
    CliError,
    Context,
    Refused,
    apply,
    edit_header,
    load_proposal,
    new_problems,
    resolve_proposal,
    transition_problem,
)


def lookup_status(text: str, config: DepConfig) -> Status:
    """The status ``text`` names: a status, an alias, or the project's label for one (``dep_status_labels``)."""
    status = config.lookup_status(text)
    if status is None:
        hint = parsing.did_you_mean(text, [s.value for s in Status] + list(config.status_labels.values()))
        raise CliError(f"unknown status {text!r} (allowed: {config.status_allowed()}){hint}")
    return status


def _refuse_problems(problems: list[Diagnostic], what: str) -> None:
    lines = "\n".join(f"  {d.format()}" for d in problems)
    raise Refused(f"{what} would break these rules (give --force to write it anyway):\n{lines}")


def cmd_status(ctx: Context) -> int:
    args = ctx.args
    new = lookup_status(args.status, ctx.config)
    shown_new = ctx.config.status_text(new)
    loaded = load_proposal(ctx, resolve_proposal(ctx, args.dep))
    old = loaded.dep.status
    if old is new:
        ctx.console.print(f"{loaded.rel}: already {shown_new}; nothing to change")
        return EXIT_OK
    reason = transition_problem(old, new)
    old_text = ctx.config.status_text(old) if old else "(no status)"
    if reason and not args.force:
        raise Refused(f"{loaded.rel}: cannot move from {old_text} to {shown_new}: {reason}")
    changes: dict[str, str | None] = {"status": new.value}
    if new is Status.UNDER_REVIEW and loaded.dep.review_requested is None:
        changes["review-requested"] = ctx.today.isoformat()  # starts the review window
    text = edit_header(ctx, loaded, changes)
    problems = new_problems(ctx, loaded, text)
    if problems and not args.force:
        _refuse_problems(problems, f"{loaded.rel}: moving to {shown_new}")
    extra = f", :review-requested: {changes['review-requested']}" if "review-requested" in changes else ""
    apply(
        ctx,
        [
            Change(
                loaded.path, loaded.rel, loaded.text, text, f"{loaded.rel}: {old_text} -> {shown_new}{extra}"
            )
        ],
    )
    return EXIT_OK


def _replacement_path(ctx: Context, start: int, goal: int) -> list[int] | None:
    """The numbers from ``start`` to ``goal`` along existing replacements (``start`` replaces
    ... replaces ``goal``), read from every proposal of the project; ``None`` when there is none."""
    deps = analysis.lint_paths([], ctx.root, ctx.config).deps
    graph: dict[int, list[int]] = {}
    for edge in corpus.replacements(deps):
        graph.setdefault(edge.successor, []).append(edge.predecessor)
    came_from: dict[int, int | None] = {start: None}
    queue = [start]
    while queue:
        number = queue.pop(0)
        if number == goal:
            path = [number]
            while (previous := came_from[path[-1]]) is not None:
                path.append(previous)
            return path[::-1]
        for following in sorted(graph.get(number, [])):
            if following not in came_from:
                came_from[following] = number
                queue.append(following)
    return None


def cmd_supersede(ctx: Context) -> int:
    args = ctx.args
    old = load_proposal(ctx, resolve_proposal(ctx, args.old))
    new = load_proposal(ctx, resolve_proposal(ctx, args.new))
    if old.path == new.path:
        raise CliError(f"{old.rel}: a proposal cannot supersede itself")
    for side in (old, new):
        if side.dep.number is None:
            raise Refused(f"{side.rel} has no number yet; give it one with `dep number {side.rel}`")
    assert old.dep.number is not None and new.dep.number is not None
    suffix = " (partial)" if args.partial else ""
    old_id, new_id = ctx.config.format_id(old.dep.number), ctx.config.format_id(new.dep.number)

    new_changes: dict[str, str | None] = {}
    if not any(ref.number == old.dep.number for ref in new.dep.replaces):
        current = editing.get_option(new.text, new.rel, "replaces", ctx.project.myst)
        new_changes["replaces"] = editing.add_to_list(current, old_id + suffix)
    old_changes: dict[str, str | None] = {}
    if not any(ref.number == new.dep.number for ref in old.dep.replaced_by):
        current = editing.get_option(old.text, old.rel, "replaced-by", ctx.project.myst)
        old_changes["replaced-by"] = editing.add_to_list(current, new_id + suffix)
    if not args.partial and new.dep.status not in SUPERSEDER_STATUSES and not args.force:
        shown = ctx.config.status_text(new.dep.status) if new.dep.status else "(no status)"
        raise Refused(
            f"{new_id} ({new.rel}) is {shown}; only an Approved or Implemented proposal supersedes another "
            f"(approve it first, or give --force to record it anyway)"
        )
    if not args.partial and old.dep.status is not Status.SUPERSEDED:
        reason = transition_problem(old.dep.status, Status.SUPERSEDED)
        if reason and not args.force:
            shown = ctx.config.status_text(old.dep.status) if old.dep.status else "(no status)"
            raise Refused(f"{old.rel}: cannot move from {shown} to Superseded: {reason}")
        old_changes["status"] = Status.SUPERSEDED.value
    if not old_changes and not new_changes:
        ctx.console.print(f"{old_id} is already superseded by {new_id}; nothing to change")
        return EXIT_OK

    cycle = _replacement_path(ctx, old.dep.number, new.dep.number) if new_changes else None
    if cycle is not None:
        chain = " replaces ".join(ctx.config.format_id(number) for number in [new.dep.number, *cycle])
        raise Refused(f"{new_id} superseding {old_id} would make a replacement cycle: {chain}")

    changes: list[Change] = []
    for side, side_changes in ((old, old_changes), (new, new_changes)):
        if not side_changes:
            continue
        text = edit_header(ctx, side, side_changes)
        problems = new_problems(ctx, side, text)
        if problems and not args.force:
            _refuse_problems(problems, f"{side.rel}: this supersession")
        summary = ", ".join(f":{k}: {v}" for k, v in side_changes.items())
        changes.append(Change(side.path, side.rel, side.text, text, f"{side.rel}: {summary}"))
    apply(ctx, changes)
    return EXIT_OK
