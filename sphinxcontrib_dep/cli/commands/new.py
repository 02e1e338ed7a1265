"""``dep new``: a proposal from a template."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from ...core import analysis, editing, escape, git, github, ownership, parsing, retroactive
from ...core.model import (
    Status,
    Template,
    lookup_category,
    slugify,
)
from ..context import (
    EXIT_OK,
    Change,
    CliError,
    Context,
    Refused,
    apply,
    load_proposal,
    read_text,
    resolve_proposal,
)


def package_template(name: str) -> str:
    """A template shipped with the package (``sphinxcontrib_dep/templates/<name>.md``)."""
    resource = resources.files("sphinxcontrib_dep").joinpath("templates", f"{name}.md")
    try:
        return resource.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        raise CliError(
            f"the {name} template is missing from this installation of sphinxcontrib-dep"
        ) from None


def project_template(ctx: Context, name: str) -> tuple[str, str]:
    """The project's own ``templates/<name>.md`` (as ``dep init`` writes it), else the package's."""
    local = ctx.root / "templates" / f"{name}.md"
    if local.is_file():
        return read_text(local, ctx.rel(local)), ctx.rel(local)
    return package_template(name), f"the package's {name} template"


def _areas(ctx: Context, given: list[str]) -> list[str]:
    """The keys of the areas ``--area`` names (keys, or one area's name or label), in order."""
    written = [item.strip() for value in given for item in value.split(",") if item.strip()]
    if written and not ctx.config.areas:
        raise CliError("--area: no areas are declared (dep_areas in conf.py, or [tool.dep.areas.<key>])")
    keys: list[str] = []
    for item in written:
        key, problem = ownership.resolve_area(item, ctx.config)
        if key is None:
            raise CliError(f"--area: {problem}")
        if key not in keys:
            keys.append(key)
    return keys


def cmd_new(ctx: Context) -> int:
    args = ctx.args
    if args.retroactive or args.from_pr or args.pr is not None:
        return cmd_new_retroactive(ctx)
    if not args.title:
        raise CliError("give the proposal's title")
    title = " ".join(args.title.split())
    if not title:
        raise CliError("the title is empty")
    invisible = parsing.invisible_problem(title)
    if invisible is not None:
        raise CliError(f"the title {invisible}; it would be shown reordered or hidden")
    template = Template.lookup(args.template or ctx.config.default_template)
    if template is None:
        raise CliError(f"unknown template {args.template!r} (allowed: {Template.allowed()})")
    status = Status.IN_PROGRESS
    if args.status:
        # A new file may start at any status (as `dep lint --since` judges it): a decision
        # taken and implemented before anyone wrote it down is recorded as it stands.
        found = ctx.config.lookup_status(args.status)
        if found is None:
            hint = parsing.did_you_mean(
                args.status, [s.value for s in Status] + list(ctx.config.status_labels.values())
            )
            raise CliError(f"unknown status {args.status!r} (allowed: {ctx.config.status_allowed()}){hint}")
        status = found
    changes: dict[str, str | None] = {"number": None, "status": status.value}
    if args.author:
        people = [p.strip() for item in args.author for p in item.split(",") if p.strip()]
        for person in people:
            if parsing.parse_person(person) is None:
                raise CliError(
                    f"--author: cannot read {person!r} as a person (write @handle, Name or Name <url>)"
                )
        changes["authors"] = ", ".join(people)
    if args.category:
        category = lookup_category(args.category, tuple(ctx.config.categories))
        if category is None:
            raise CliError(
                f"unknown category {args.category!r} (allowed: {', '.join(ctx.config.categories)})"
            )
        changes["category"] = category
    areas = _areas(ctx, args.area or [])
    if areas:
        changes["area"] = ", ".join(areas)
    changes["template"] = template.value
    if args.supersedes:
        replaced = load_proposal(ctx, resolve_proposal(ctx, args.supersedes))
        if replaced.dep.number is None:
            raise Refused(f"{replaced.rel} has no number yet; a draft cannot be superseded by number")
        changes["replaces"] = ctx.config.format_id(replaced.dep.number)
    slug = slugify(title)
    # slugify promises ASCII letters, digits and single hyphens; the file name depends on it.
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise CliError(f"cannot make a safe file name from {title!r}")
    folder = ctx.deps_folder()
    if areas and not args.flat:
        folder = folder / areas[0]  # a key: lower-case letters, digits and '-' (core/areas.py)
    target = ctx.safe(folder / f"{'0' * ctx.config.id_width}-{slug}.md")
    rel = ctx.rel(target)
    text, source = project_template(ctx, template.value)
    try:
        text = editing.set_title(text, rel, title, ctx.project.myst)
        text = editing.set_options(text, rel, changes, ctx.project.myst)
    except editing.EditError as err:
        raise CliError(f"{source}: {err}") from None
    old: str | None = None
    if target.exists():
        if not args.force:
            raise Refused(f"{rel} already exists; not overwritten (give --force to replace it)")
        old = read_text(target, rel)
    apply(ctx, [Change(target, rel, old, text, f"created {rel} from {source}")], exclusive=not args.force)
    if not ctx.dry_run:
        ctx.console.note(f"next: write the proposal, then `dep number {rel}` when it is ready for a number")
        if args.supersedes:
            ctx.console.note(
                f"once it is approved: `dep supersede {changes['replaces']} <its number>` marks the old one Superseded"
            )
    return EXIT_OK


def cmd_new_retroactive(ctx: Context) -> int:
    """``dep new --retroactive --from-pr FILE [--pr N]``: a record of merged work (:mod:`.retroactive`)."""
    args = ctx.args
    if not (args.retroactive and args.from_pr):
        raise CliError("--retroactive and --from-pr FILE go together (and --pr N chooses from a list)")
    if args.supersedes or args.status:
        raise CliError(
            "a retroactive record is Implemented and replaces nothing: drop --status and --supersedes"
        )
    try:
        pull = github.read_pull_request(Path(args.from_pr), args.pr)
    except github.PullRequestsError as err:
        raise CliError(escape.text(str(err))) from None
    if pull.merged_at is None:
        raise Refused(f"pull request #{pull.number} has not merged; a retroactive record is of merged work")
    if pull.url is None:
        raise CliError(
            f"{escape.text(args.from_pr)}: pull request #{pull.number} gives no address; ask for it "
            "(gh pr view N --json ...,url) so the record can link its implementation"
        )
    template = Template.lookup(args.template or ctx.config.default_template)
    if template is None:
        raise CliError(f"unknown template {args.template!r} (allowed: {Template.allowed()})")
    title = " ".join((args.title or pull.title).split())
    if not title:
        raise CliError("the title is empty")
    if args.author:
        people = [p.strip() for item in args.author for p in item.split(",") if p.strip()]
    elif pull.author is not None and not pull.author.is_bot:
        people = [pull.author.handle]
    else:
        raise CliError(f"pull request #{pull.number} names no person as its author; give --author")
    for person in people:
        if parsing.parse_person(person) is None:
            raise CliError(
                f"--author: cannot read {person!r} as a person (write @handle, Name or Name <url>)"
            )
    category = None
    if args.category:
        category = lookup_category(args.category, tuple(ctx.config.categories))
        if category is None:
            raise CliError(
                f"unknown category {args.category!r} (allowed: {', '.join(ctx.config.categories)})"
            )
    slug = slugify(title)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise CliError(f"cannot make a safe file name from {title!r}")
    folder = ctx.deps_folder()
    # Numbered under the project lock, as `dep number` numbers: the record is decided already.
    with ctx.locked():
        try:
            number = max(git.used_numbers(folder), default=0) + 1
        except git.GitError as err:
            raise CliError(f"git: {err}") from None
        target = ctx.safe(folder / f"{number:0{ctx.config.id_width}d}-{slug}.md")
        rel = ctx.rel(target)
        try:
            text = retroactive.draft(
                pull,
                title=title,
                authors=", ".join(people),
                category=category,
                template=template,
                number=number,
                path=rel,
                myst=ctx.project.myst,
            )
        except editing.EditError as err:
            raise CliError(f"{rel}: {err}") from None
        if target.exists():
            raise Refused(f"{rel} already exists; not overwritten")
        change = Change(target, rel, None, text, f"created {rel} from pull request #{pull.number}")
        apply(ctx, [change], exclusive=True)
    # What the pull request's body brought that the rules refuse (raw HTML, a directive) is
    # said now, at its line in the record, as dep lint will say it.
    _dep, problems = analysis.lint_text(text, rel, ctx.config, myst=ctx.project.myst)
    for problem in problems:
        ctx.console.note(problem.format())
    if not ctx.dry_run:
        ctx.console.note(
            f"next: read {rel} against the pull request; it is numbered {ctx.config.format_id(number)}, "
            "Implemented and marked retroactive"
        )
    return EXIT_OK
