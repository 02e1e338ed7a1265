"""``dep lint``: every rule over the proposals, as text, JSON or GitHub annotations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...core import analysis, crossproject, editing, escape, git, parsing, sources
from ...core.diagnostics import SEVERITY, Code, Diagnostic
from ..console import Console
from ..context import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    CliError,
    Context,
    load_sources,
    sources_where,
    transition_problem,
    work_tree,
)


def cmd_lint(ctx: Context) -> int:
    args = ctx.args
    paths = [Path(p) for p in args.paths]
    for path in paths:
        if not path.exists():
            raise CliError(f"{escape.text(path)}: no such file or folder")
    if not paths and ctx.config.portfolio and not ctx.deps_dir.exists():
        # A portfolio has no proposals of its own: only the checks across its sources.
        result = analysis.LintResult()
    else:
        if not paths:
            ctx.deps_folder()
        result = analysis.lint_paths(paths, ctx.root, ctx.project)
    diagnostics = list(result.diagnostics)
    # Other projects, fetched (or read from the cache) exactly as the build reads them;
    # with no dep_sources, every key: is one no source has.
    registry = load_sources(ctx, offline=args.offline) if ctx.config.sources else sources.Registry()
    diagnostics += registry.diagnostics
    diagnostics += crossproject.check(
        result.deps, ctx.config, registry, portfolio=ctx.config.portfolio, where=sources_where(ctx)
    )
    if args.since:
        diagnostics += since_diagnostics(ctx, result, args.since)
    diagnostics.sort(key=analysis.sort_key)
    if args.format == "json":
        ctx.console.print(escape.json_dumps(lint_json(result, diagnostics)))
    elif args.format == "github":
        for diagnostic in diagnostics:
            ctx.console.print(github_annotation(ctx, diagnostic))
    else:
        for diagnostic in diagnostics:
            ctx.console.print(styled_diagnostic(ctx.console, diagnostic))
    files = len(result.files)
    noun = "file" if files == 1 else "files"
    if diagnostics:
        ctx.console.note(f"dep lint: {len(diagnostics)} problem(s) in {files} {noun}")
    else:
        ctx.console.note(f"dep lint: {files} {noun}, no problems")
    if any(d.code is Code.ENCODING for d in diagnostics):
        return EXIT_USAGE
    return EXIT_PROBLEMS if diagnostics else EXIT_OK


def styled_diagnostic(console: Console, diagnostic: Diagnostic) -> str:
    if not console.color:
        return diagnostic.format()
    where = escape.text(diagnostic.path or "<unknown>")
    if diagnostic.line is not None:
        where = f"{where}:{diagnostic.line}"
    return (
        f"{console.style(where, 'bold')}: {console.style(diagnostic.message, 'yellow')} "
        f"{console.style(f'[{diagnostic.code.tag}]', 'dim')}"
    )


def lint_json(result: analysis.LintResult, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    return {
        "version": 1,
        "files": result.files,
        "problems": [
            {
                "path": d.path,
                "line": d.line,
                "code": d.code.tag,
                "severity": SEVERITY,
                "message": d.message,
            }
            for d in diagnostics
        ],
    }


def github_annotation(ctx: Context, diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the line of the pull request's diff."""
    properties = []
    if diagnostic.path:
        # Annotations name files from the repository root, which may lie above the project.
        path = analysis.relative(ctx.root / diagnostic.path, ctx.repo)
        properties.append(f"file={escape.github_property(path)}")
    if diagnostic.line is not None:
        properties.append(f"line={diagnostic.line}")
    properties.append(f"title={escape.github_property(diagnostic.code.tag)}")
    return f"::{SEVERITY} {','.join(properties)}::{escape.github_data(diagnostic.message)}"


def since_diagnostics(ctx: Context, result: analysis.LintResult, rev: str) -> list[Diagnostic]:
    """Status moves since ``rev`` that the lifecycle graph does not allow, one per proposal."""
    top = work_tree("--since", ctx.root)
    # The revision is checked and resolved first: git gets a commit id, never the text given.
    try:
        commit = git.commit_id(rev, top)
    except git.BadRevision as err:
        raise CliError(f"--since: {err}") from None
    previous = git.changed_since(commit, top)
    by_path = {dep.path: dep for dep in result.deps}
    found: list[Diagnostic] = numbers_taken(ctx, result, commit, rev, top, previous)
    for name in result.files:
        dep = by_path.get(name)
        in_repo = analysis.relative(ctx.root / name, top)
        if dep is None or dep.status is None or in_repo not in previous:
            continue
        old_text = git.file_at(commit, previous[in_repo], top)
        if old_text is None:
            continue
        old_dep, _, _ = parsing.parse_file(editing.normalized(old_text), name, ctx.config, ctx.project.myst)
        old = old_dep.status if old_dep is not None else None
        reason = transition_problem(old, dep.status)
        if old is None or reason is None:
            continue
        text = (ctx.root / name).read_text(encoding="utf-8", errors="replace")
        block = parsing.scan(editing.normalized(text), name, ctx.project.myst).blocks_named("dep-meta")
        line = block[0].option_lines.get("status", dep.line) if block else dep.line
        found.append(
            Diagnostic(
                Code.TRANSITION,
                f"status moved from {old.value} to {dep.status.value} since {rev}: {reason}",
                name,
                line,
            )
        )
    return found


def numbers_taken(
    ctx: Context, result: analysis.LintResult, commit: str, rev: str, top: Path, previous: dict[str, str]
) -> list[Diagnostic]:
    """Numbers given on this branch that another file holds at ``commit``: two clones that ran
    ``dep number`` before fetching. Each branch passes alone; the merge would not."""
    folder = ctx.deps_dir
    if not folder.is_dir():
        return []
    there = git.numbers_at(commit, folder)
    # Renames are judged from where the branches parted: against REV itself, git would
    # take two drafts numbered alike on either side for one file renamed.
    base = git.merge_base(commit, top)
    renamed = git.changed_since(base, top) if base is not None else previous
    found = []
    for dep in result.deps:
        if dep.number is None or dep.number not in there:
            continue
        in_repo = analysis.relative(ctx.root / dep.path, top)
        if renamed.get(in_repo, in_repo) in there[dep.number]:
            continue  # the same file (perhaps renamed since): its own number
        others = ", ".join(there[dep.number])
        shown = ctx.config.format_id(dep.number)
        found.append(
            Diagnostic(
                Code.NUMBER_TAKEN,
                f"{shown} is taken at {rev} by {others}; give this proposal another number: "
                f"`dep renumber {dep.path}`",
                dep.path,
                dep.line_of("number"),
            )
        )
    return found
