"""``dep index``, ``dep export`` and ``dep report``: the views of the site, without Sphinx."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...core import analysis, escape, git, people, report
from ...core.config import DepConfig
from ...core.model import (
    Dep,
)
from ..console import STATUS_COLORS, Console
from ..context import EXIT_OK, Change, CliError, Context, Refused, apply, read_text


def _load_all(ctx: Context) -> list[Dep]:
    """Every proposal of the project, parsed with every rule; problems are only counted here."""
    ctx.deps_folder()
    result = analysis.lint_paths([], ctx.root, ctx.config)
    if result.diagnostics:
        noun = "problem" if len(result.diagnostics) == 1 else "problems"
        ctx.console.note(
            f"dep {ctx.args.command}: {len(result.diagnostics)} {noun} in the proposals (see `dep lint`)"
        )
    return result.deps


def _render(ctx: Context, tables: list[Any], data: Any) -> str:
    """The chosen format; text is aligned and coloured on a terminal, tab-separated when piped."""
    fmt = ctx.args.format
    if fmt == "json":
        return escape.json_dumps(data) + "\n"
    if fmt == "markdown":
        return str(report.render_markdown(tables))
    if fmt == "csv":
        return str(report.render_csv(tables))
    if ctx.console.color and not ctx.args.output:
        return _coloured_tables(ctx.console, str(report.render_text(tables)), tables, ctx.config)
    if ctx.args.output:
        return str(report.render_text(tables))
    parts = []
    for table in tables:
        lines = [f"# {escape.text(table.title)}", "\t".join(escape.text(h) for h in table.headers)]
        lines += ["\t".join(escape.text(report.cell_text(cell)) for cell in row) for row in table.rows]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _coloured_tables(console: Console, text: str, tables: list[Any], config: DepConfig) -> str:
    titles = {escape.text(table.title) for table in tables}
    lines = []
    for line in text.splitlines():
        if line in titles:
            line = console.style(line, "bold")
        elif match := re.search(r"overdue by \d+ days?", line):
            line = line.replace(match.group(0), console.style(match.group(0), "red"), 1)
        else:
            for status, colour in STATUS_COLORS.items():
                name = escape.text(config.status_text(status))
                if f"  {name}  " in f"{line}  ":
                    line = line.replace(f"  {name}", "  " + console.style(name, colour), 1)
                    break
        lines.append(line)
    return "\n".join(lines) + "\n"


def _emit(ctx: Context, text: str) -> int:
    """Print, or write ``--output`` atomically (an existing file only with ``--force``)."""
    if not ctx.args.output:
        ctx.console.write(text)
        return EXIT_OK
    target = Path(ctx.args.output)
    if target.is_dir():
        raise CliError(f"{escape.text(target)}: is a folder")
    old = None
    if target.exists():
        if not ctx.args.force:
            raise Refused(
                f"{escape.text(target)} already exists; not overwritten (give --force to replace it)"
            )
        old = read_text(target)
    if old == text:
        ctx.console.print(f"{escape.text(target)}: unchanged")
        return EXIT_OK
    shown = escape.text(target)
    apply(ctx, [Change(target, shown, old, text, f"wrote {shown}")], exclusive=old is None)
    return EXIT_OK


def cmd_index(ctx: Context) -> int:
    deps = _load_all(ctx)
    tables = report.index_tables(deps, ctx.config, ctx.args.by)
    return _emit(ctx, _render(ctx, tables, report.deps_json(deps, ctx.config)))


def cmd_export(ctx: Context) -> int:
    deps = _load_all(ctx)
    tables = [*report.index_tables(deps, ctx.config), report.traceability_table(deps, ctx.config)]
    return _emit(ctx, _render(ctx, tables, report.deps_json(deps, ctx.config)))


def cmd_report(ctx: Context) -> int:
    deps = _load_all(ctx)
    if ctx.args.person:
        mine = people.person_report(deps, ctx.config, ctx.today, ctx.args.person)
        return _emit(ctx, _render(ctx, people.person_tables(mine, ctx.config), mine))
    touched = git.last_touched([dep.path for dep in deps], ctx.root)
    tables = report.review_tables(deps, ctx.config, ctx.today, touched)
    data = report.review_report(deps, ctx.config, ctx.today, touched)
    return _emit(ctx, _render(ctx, tables, data))
