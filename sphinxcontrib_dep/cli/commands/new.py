"""``dep new``: a proposal from a template."""

from __future__ import annotations

import re
from importlib import resources

from ...core import editing, parsing
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


def cmd_new(ctx: Context) -> int:
    args = ctx.args
    title = " ".join(args.title.split())
    if not title:
        raise CliError("the title is empty")
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
