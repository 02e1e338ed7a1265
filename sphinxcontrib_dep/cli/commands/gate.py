"""``dep gate``: the proposals a pull request names must be Approved or Implemented."""

from __future__ import annotations

import re
import sys
from collections.abc import Collection
from pathlib import Path

from ...core import corpus, escape, gaps, git, sources
from ...core.config import DepConfig
from ...core.model import (
    GATE_STATUSES,
    Dep,
    find_mentions,
    in_lifecycle_order,
    number_from_filename,
    split_project_ref,
)
from ..console import Console
from ..context import (
    EXIT_OK,
    EXIT_PROBLEMS,
    CliError,
    Context,
    load_proposal,
    load_sources,
    proposal_files,
    read_text,
    work_tree,
)


def mentioned_numbers(text: str, config: DepConfig, console: Console | None = None) -> list[int]:
    """The proposals a text names (``DEP-0012``, ``DEP 12``, ``dep-12``), in order, once each.

    A mention written with look-alike characters (a non-breaking hyphen, an en dash,
    full-width or non-ASCII digits) counts too, and is pointed out.
    """
    seen: dict[int, None] = {}
    for number, written in find_mentions(text, config.id_prefix, config.id_width):
        if console is not None and number not in seen and not written.isascii():
            shown = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(written) if not c.isascii())
            console.note(
                f"note: {escape.text(written)!r} (with {shown}) is read as {config.format_id(number)}"
            )
        elif console is not None and number not in seen and written.endswith("(after NFKC)"):
            console.note(f"note: a full-width or compatibility form is read as {config.format_id(number)}")
        seen.setdefault(number, None)
    return list(seen)


#: ``runtime:DEP-0012`` in free text: a source's key, a colon, an id under any prefix.
_PROJECT_MENTION_RE = re.compile(
    r"(?<![\w:/.-])([a-z][a-z0-9_-]{0,31}):([A-Za-z]{1,16}[-_ ]?[0-9]{1,9})(?![\w-])"
)


def project_mentions(
    text: str, keys: Collection[str], prefix: str = "DEP-"
) -> tuple[list[tuple[str, str, int]], str]:
    """Other projects' proposals a text names (``runtime:DEP-0012``), once each, and the text
    without them (so ``DEP-0012`` there is not read as this project's).

    Only a ``key:`` that is a source of ``dep_sources`` (``keys``) names another project's
    proposal, under whatever prefix that project numbers with (``runtime:RT-7``). An
    unknown key before an id with this project's own ``prefix`` (``rutnime:DEP-0012``) is
    kept too, for the gate to fail as a likely typo rather than guess. Anything else of the
    form ``word:ABC-123`` (``jira:DYN-123``, ``cve:CVE-2024-1234``) is ordinary text.
    """
    found: dict[tuple[str, int], tuple[str, str, int]] = {}
    own = prefix.rstrip("-_ ").upper()

    def take(match: re.Match[str]) -> str:
        parts = split_project_ref(match.group(0))
        if parts is None:
            return match.group(0)
        key, written, _ = parts
        if key not in keys and re.sub(r"[-_ ]?[0-9]+\Z", "", written) != own:
            return match.group(0)
        found.setdefault((parts[0], parts[2]), parts)
        return " " * len(match.group(0))

    rest = _PROJECT_MENTION_RE.sub(take, text)
    return list(found.values()), rest


def _gate_projects(ctx: Context, mentions: list[tuple[str, str, int]]) -> int:
    """Each other project's proposal named: ok when Approved or Implemented. Returns failures."""
    registry = load_sources(ctx, offline=bool(ctx.args.offline))
    for diagnostic in registry.diagnostics:
        ctx.console.note(diagnostic.format())
    # What the gate reads of other projects must not come from the pull request it judges.
    named = {key for key, _, _ in mentions}
    for spec in sources.specs(ctx.config.sources):
        if spec.key in named and not spec.is_url:
            ctx.console.note(
                f"note: source {spec.key!r} is a path ({spec.deps}) in the tree a pull request can change; "
                "gate with its http(s) deps.json instead (see Many repositories)"
            )
    if ctx.args.offline and named & set(registry.keys):
        ctx.console.note(
            "note: --offline reads only the cache folder, which a pull request can change; "
            "do not gate a pull request offline"
        )
    allowed = " or ".join(ctx.config.status_text(s) for s in in_lifecycle_order(GATE_STATUSES))
    failed = 0
    for key, written, number in mentions:
        if key not in registry.keys:
            failed += 1
            known = ", ".join(registry.keys) or "none"
            ctx.console.print(
                f"{ctx.console.style('FAIL', 'red')} {escape.text(key)}:{escape.text(written)}: "
                f"no source {escape.text(key)!r} in dep_sources (known: {known})"
            )
            continue
        found = registry.find(key, number)
        source = registry.sources.get(key)
        shown = source.ref_text(number) if source else f"{key}:{written}"
        if found is None:
            failed += 1
            why = f"no such proposal in {key}'s deps.json" if source else f"{key}'s deps.json cannot be read"
            ctx.console.print(f"{ctx.console.style('FAIL', 'red')} {escape.text(shown)}: {why}")
            continue
        dep = found[1]
        status = ctx.config.status_text(dep.status) if dep.status else "without a status"
        label = f"{shown} ({escape.text(dep.title)})"
        if dep.status in GATE_STATUSES:
            ctx.console.print(f"{ctx.console.style('ok', 'green')}   {label}: {status}")
        else:
            failed += 1
            ctx.console.print(
                f"{ctx.console.style('FAIL', 'red')} {label}: {status}; it must be {allowed} before this merges"
            )
    return failed


def cmd_gate(ctx: Context) -> int:
    args = ctx.args
    texts: list[str] = list(args.text or [])
    for name in args.file or []:
        if name == "-":
            texts.append(sys.stdin.read())
        else:
            texts.append(read_text(Path(name)))
    for span in args.commits or []:
        if ".." not in span:
            raise CliError(f"--commits takes a range REV..REV, not {span!r}")
        top = work_tree("--commits", Path.cwd())
        # Both ends are checked and resolved first: git gets commit ids, never the text given.
        try:
            commits = git.commit_range(span, top)
        except git.BadRevision as err:
            raise CliError(f"--commits: {err}") from None
        try:
            texts.append(git.commit_messages(commits, top))
        except git.GitError as err:
            raise CliError(f"--commits {span!r}: {err}") from None
    required_by = ""
    if args.min_additions is not None and not args.pr:
        raise CliError("--min-additions goes with --pr FILE")
    if args.pr:
        from .triage import read_pulls

        pulls = read_pulls("--pr", args.pr)
        if len(pulls) != 1:
            raise CliError(f"--pr: {escape.text(args.pr)} holds {len(pulls)} pull requests, not one")
        pull = pulls[0]
        texts.append(f"{pull.title}\n{pull.body}")
        touched = gaps.design_areas(pull, ctx.config, args.min_additions)
        if touched:
            names = ", ".join(escape.text(area.name) for area in touched)
            required_by = f" (#{pull.number} adds {pull.additions:,} lines in {names} code)"
    if not (args.text or args.file or args.commits or args.pr):
        raise CliError(
            "give what to check: --text TEXT, --file FILE (- for stdin), --commits REV..REV or --pr FILE"
        )
    require = bool(args.require or required_by)
    text = "\n".join(texts)
    mentions, text = project_mentions(text, ctx.config.sources, ctx.config.id_prefix)
    numbers = mentioned_numbers(text, ctx.config, ctx.console)
    # A link to a proposal's file or page names it too (as dep gaps reads it).
    listed = proposal_files(ctx, numbered_only=False) if ctx.deps_dir.is_dir() else []
    files = {path.stem.casefold(): path for path in listed}
    drafts: list[Path] = []
    for stem in gaps.linked_files(text, files):
        number = number_from_filename(files[stem].name)
        if number is None:
            drafts.append(files[stem])
        elif number not in numbers:
            numbers.append(number)
    for draft in drafts:
        ctx.console.print(
            f"{ctx.console.style('FAIL', 'red')} {ctx.rel(draft)}: a draft without a number; "
            "it must be Approved or Implemented before this merges"
        )
    if drafts and not numbers:
        return EXIT_PROBLEMS
    if not numbers and not mentions:
        ctx.console.print("no proposal is named" + (f"; one is required{required_by}" if require else ""))
        return EXIT_PROBLEMS if require else EXIT_OK
    failed = (_gate_projects(ctx, mentions) if mentions else 0) + len(drafts)
    if not numbers:
        return EXIT_PROBLEMS if failed else EXIT_OK
    loaded_deps = []
    for path in proposal_files(ctx, numbered_only=False):
        try:
            loaded_deps.append(load_proposal(ctx, path).dep)
        except CliError:
            continue
    # The holder of each number as the site shows it (a file named with it wins).
    deps: dict[int, Dep] = corpus.by_number(loaded_deps)
    allowed = " or ".join(ctx.config.status_text(s) for s in in_lifecycle_order(GATE_STATUSES))
    for number in numbers:
        shown = ctx.config.format_id(number)
        dep = deps.get(number)
        if dep is None:
            failed += 1
            ctx.console.print(
                f"{ctx.console.style('FAIL', 'red')} {shown}: no such proposal in {ctx.config.deps_dir}/"
            )
            continue
        status = ctx.config.status_text(dep.status) if dep.status else "without a status"
        label = f"{shown} ({escape.text(dep.title)})" if dep.title else shown
        if dep.status in GATE_STATUSES:
            ctx.console.print(f"{ctx.console.style('ok', 'green')}   {label}: {status}")
        else:
            failed += 1
            ctx.console.print(
                f"{ctx.console.style('FAIL', 'red')} {label}: {status}; it must be {allowed} before this merges"
            )
    return EXIT_PROBLEMS if failed else EXIT_OK
