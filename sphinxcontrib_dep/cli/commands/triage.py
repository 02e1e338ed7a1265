"""``dep triage`` (the weekly triage) and ``dep gaps`` (merged pull requests that need a proposal)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ...core import escape, gaps, github, history, report, triage
from ...core.model import Dep
from ..context import CliError, Context
from .report import _emit, _load_all, _render


def read_pulls(option: str, name: str) -> list[github.PullRequest]:
    """The pull requests of the JSON file ``name`` (``-``: stdin); a located error otherwise."""
    try:
        if name == "-":
            import sys

            return github.parse_pull_requests(sys.stdin.read(github.MAX_BYTES + 1), "<stdin>")
        return github.read_pull_requests(Path(name))
    except github.PullRequestsError as err:
        raise CliError(f"{option}: {escape.text(err)}") from None


def _history(ctx: Context, deps: list[Dep]) -> tuple[dict[str, history.FileHistory] | None, str | None]:
    """``dep.path -> history`` from one ``git log`` over the proposals folder (``None`` when
    git has none: no work tree, no commit), and why it is missing or incomplete."""
    folder = ctx.deps_folder()
    # The triage needs when each file was created and last changed, not the status of its
    # past versions: none is read (the build's history reads them for the timeline).
    found = history.read_history(folder, _no_status)
    paths: dict[str, str] = {}
    for dep in deps:
        try:
            paths[dep.path] = (ctx.root / dep.path).resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            continue
    return (history.by_dep_path(found, paths) if found.commits else None), found.note


def _no_status(_text: str, _path: str) -> None:
    return None


def _markdown(title: str, tables: list[Any], note: str | None) -> str:
    head = f"# {escape.markdown(title)}\n\n"
    if note:
        head += f"_{escape.markdown(note)}_\n\n"
    return head + str(report.render_markdown(tables))


def cmd_triage(ctx: Context) -> int:
    deps = _load_all(ctx)
    since: date | None = ctx.args.since
    found, note = _history(ctx, deps)
    data: dict[str, Any] = dict(triage.triage_report(deps, ctx.config, ctx.today, since, found, note))
    tables = triage.triage_tables(data, ctx.config)  # type: ignore[arg-type]
    if ctx.args.prs:
        pulls = read_pulls("--prs", ctx.args.prs)
        found_gaps = gaps.design_gaps(
            pulls,
            deps,
            ctx.config,
            min_additions=ctx.args.min_additions,
            since=date.fromisoformat(data["since"]),
        )
        data["gaps"] = found_gaps
        tables.append(gaps.gaps_table(found_gaps))
    if ctx.args.format == "markdown":
        return _emit(ctx, _markdown(f"DEP triage, {ctx.today.isoformat()}", tables, note))
    if ctx.args.format == "text" and note:
        ctx.console.note(f"dep triage: {note}")
    return _emit(ctx, _render(ctx, tables, data))


def cmd_gaps(ctx: Context) -> int:
    deps = _load_all(ctx)
    pulls = read_pulls("--prs", ctx.args.prs)
    data = gaps.design_gaps(
        pulls, deps, ctx.config, min_additions=ctx.args.min_additions, since=ctx.args.since
    )
    tables = [gaps.gaps_table(data)]
    if ctx.args.format == "markdown":
        text = _markdown(f"Design gaps, {ctx.today.isoformat()}", tables, None)
    else:
        text = _render(ctx, tables, data)
    return _emit(ctx, text)
