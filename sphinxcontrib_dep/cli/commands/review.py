"""``dep review``: a reviewer's verdict, and ``dep review extend``: a review deadline moved."""

from __future__ import annotations

from datetime import date

from ...core import editing, parsing, process
from ...core.diagnostics import Code
from ...core.model import Extension, Person, Reviewer, ReviewStatus, Status
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
)

#: What one person given on the command line may not hold: list and verdict syntax of
#: ``:required-reviewers:`` (``,`` ``;`` ``(`` ``)``) and line breaks, which would write other
#: reviewers or verdicts than the one asked for.
_NOT_IN_ONE_PERSON = frozenset(",;()\r\n\t\v\f\x85\u2028\u2029")


def _person(text: str, what: str) -> Person:
    bad = sorted({ch for ch in text if ch in _NOT_IN_ONE_PERSON or (ch.isspace() and ch != " ")})
    name = text.strip()
    if bad or ("@" in name[1:] and "<" not in name and "](" not in name):
        shown = ", ".join(repr(ch) for ch in bad) or "'@' inside a name"
        raise CliError(f"{what}: {text!r} is not one person ({shown}); write @handle, Name or Name <url>")
    person = parsing.parse_person(text)
    if person is None:
        raise CliError(f"{what}: cannot read {text!r} as a person (write @handle, Name or Name <url>)")
    return person


def _same(a: Person, b: Person) -> bool:
    if a.handle and b.handle:
        return process.handle_key(a.handle) == process.handle_key(b.handle)
    return a.display.casefold() == b.display.casefold()


def _written_by(item: str, handle: str) -> bool:
    first = item.split(maxsplit=1)[0] if item.split() else ""
    return first.startswith("@") and process.handle_key(first) == process.handle_key(handle)


#: Statuses reached by a decision: a verdict on one of these that the approval rule no
#: longer holds with is refused without --force.
DECIDED = frozenset(
    {Status.APPROVED, Status.IMPLEMENTED, Status.REJECTED, Status.DEFERRED, Status.SUPERSEDED}
)


def cmd_review(ctx: Context) -> int:
    words = list(ctx.args.words)
    if words and words[0] == "extend":
        if len(words) != 2:
            raise CliError("usage: dep review extend DEP --until YYYY-MM-DD --by PERSON --reason TEXT")
        return _extend(ctx, words[1])
    if len(words) != 3:
        raise CliError("usage: dep review DEP PERSON VERDICT (or: dep review extend DEP ...)")
    for option in ("until", "by", "reason", "on"):
        if getattr(ctx.args, option) is not None:
            raise CliError(f"--{option} belongs to `dep review extend`")
    return _verdict(ctx, *words)


def _verdict(ctx: Context, ref: str, who: str, verdict_text: str) -> int:
    verdict = ReviewStatus.lookup(verdict_text)
    if verdict is None:
        hint = parsing.did_you_mean(verdict_text, [s.value for s in ReviewStatus])
        raise CliError(f"unknown verdict {verdict_text!r} (allowed: {ReviewStatus.allowed()}){hint}")
    person = _person(who, "PERSON")
    with ctx.locked():
        loaded = load_proposal(ctx, resolve_proposal(ctx, ref))
        current = editing.get_option(loaded.text, loaded.rel, "required-reviewers", ctx.project.myst)
        items = parsing.split_list(current)
        report = parsing.collecting_reporter(loaded.rel)
        out: list[str] = []
        before: ReviewStatus | None = None
        for item in items:
            reviewer = parsing.parse_reviewer(item, report)
            if reviewer is not None and before is None and _same(reviewer.person, person):
                before = reviewer.status
                out.append(Reviewer(reviewer.person, verdict).to_text())
            elif reviewer is None and before is None and person.handle and _written_by(item, person.handle):
                # ``@marco approved``: the verdict outside its parentheses (dep.person); now written right.
                before = ReviewStatus.NOT_STARTED
                out.append(Reviewer(person, verdict).to_text())
            else:
                out.append(item)
        if before is None:
            if not ctx.args.add:
                names = ", ".join(r.person.display for r in loaded.dep.reviewers) or "none"
                raise Refused(
                    f"{loaded.rel}: {person.display} is not a required reviewer (required: {names}); "
                    "give --add to add them with this verdict"
                )
            out.append(Reviewer(person, verdict).to_text())
        if before is verdict:
            ctx.console.print(f"{loaded.rel}: {person.display} is already {verdict.value}; nothing to change")
            return EXIT_OK
        text = edit_header(ctx, loaded, {"required-reviewers": ", ".join(out)})
        decided = loaded.dep.status
        if decided in DECIDED and not ctx.args.force:
            # The verdicts are the record of a decision taken: a late approval is welcome, a
            # verdict the decision no longer holds with is refused.
            broken = [d for d in new_problems(ctx, loaded, text) if d.code is Code.APPROVAL]
            if broken:
                raise Refused(
                    f"{loaded.rel}: {decided.value}, and this verdict breaks the decision: {broken[0].message}; "
                    "give --force to record it anyway"
                )
        was = before.value if before is not None else "not a reviewer"
        summary = f"{loaded.rel}: {person.display} {was} -> {verdict.value}"
        apply(ctx, [Change(loaded.path, loaded.rel, loaded.text, text, summary)])
    return EXIT_OK


def _extend(ctx: Context, ref: str) -> int:
    args = ctx.args
    if args.until is None or args.by is None or not (args.reason or "").strip():
        raise CliError("dep review extend needs --until YYYY-MM-DD, --by PERSON and --reason TEXT")
    reason = " ".join(args.reason.split())
    if ";" in reason:
        raise CliError("--reason: a ';' separates extensions; write the reason without one")
    by = _person(args.by, "--by")
    on: date = args.on or ctx.today
    if on > ctx.today:
        raise CliError(
            f"--on {on.isoformat()} is after today ({ctx.today.isoformat()}): record an extension once granted"
        )
    with ctx.locked():
        loaded = load_proposal(ctx, resolve_proposal(ctx, ref))
        dep = loaded.dep
        if not process.may_extend(dep, ctx.config, by) and not args.force:
            who = ", ".join(process.extenders(dep, ctx.config))
            raise Refused(
                f"{loaded.rel}: {by.display} may not extend the review (an author, a lead architect or the "
                f"category's PIC may: {who}); give --force to record it anyway"
            )
        if dep.review_date is not None and args.until <= dep.review_date:
            raise Refused(
                f"{loaded.rel}: the review date is {dep.review_date.isoformat()} already; "
                f"--until {args.until.isoformat()} extends nothing"
            )
        extension = Extension(args.until, by, on, reason)
        problem = process.extension_problem(extension, ctx.config)
        if problem is not None:
            raise Refused(f"{loaded.rel}: the extension to {args.until.isoformat()} {problem}")
        current = editing.get_option(loaded.text, loaded.rel, "review-extension", ctx.project.myst)
        value = (
            extension.to_text()
            if parsing.is_empty(current)
            else f"{(current or '').strip()}; {extension.to_text()}"
        )
        changes: dict[str, str | None] = {"review-extension": value, "review-date": args.until.isoformat()}
        text = edit_header(ctx, loaded, changes)
        summary = (
            f"{loaded.rel}: review extended to {args.until.isoformat()} by {by.display}"
            f" (:review-date: {args.until.isoformat()}, :review-extension: {extension.to_text()})"
        )
        apply(ctx, [Change(loaded.path, loaded.rel, loaded.text, text, summary)])
    return EXIT_OK
