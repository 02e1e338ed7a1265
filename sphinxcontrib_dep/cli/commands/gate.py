"""``dep gate``: the proposals a pull request names must be Approved or Implemented."""

from __future__ import annotations

import sys
from pathlib import Path

from ...core import corpus, escape, git
from ...core.config import DepConfig
from ...core.model import GATE_STATUSES, Dep, find_mentions, in_lifecycle_order
from ..console import Console
from ..context import (
    EXIT_OK,
    EXIT_PROBLEMS,
    CliError,
    Context,
    load_proposal,
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
    if not (args.text or args.file or args.commits):
        raise CliError("give what to check: --text TEXT, --file FILE (- for stdin) or --commits REV..REV")
    numbers = mentioned_numbers("\n".join(texts), ctx.config, ctx.console)
    if not numbers:
        ctx.console.print("no proposal is named" + ("; one is required" if args.require else ""))
        return EXIT_PROBLEMS if args.require else EXIT_OK
    loaded_deps = []
    for path in proposal_files(ctx, numbered_only=False):
        try:
            loaded_deps.append(load_proposal(ctx, path).dep)
        except CliError:
            continue
    # The holder of each number as the site shows it (a file named with it wins).
    deps: dict[int, Dep] = corpus.by_number(loaded_deps)
    failed = 0
    allowed = " or ".join(s.value for s in in_lifecycle_order(GATE_STATUSES))
    for number in numbers:
        shown = ctx.config.format_id(number)
        dep = deps.get(number)
        if dep is None:
            failed += 1
            ctx.console.print(
                f"{ctx.console.style('FAIL', 'red')} {shown}: no such proposal in {ctx.config.deps_dir}/"
            )
            continue
        status = dep.status.value if dep.status else "without a status"
        label = f"{shown} ({escape.text(dep.title)})" if dep.title else shown
        if dep.status in GATE_STATUSES:
            ctx.console.print(f"{ctx.console.style('ok', 'green')}   {label}: {status}")
        else:
            failed += 1
            ctx.console.print(
                f"{ctx.console.style('FAIL', 'red')} {label}: {status}; it must be {allowed} before this merges"
            )
    return EXIT_PROBLEMS if failed else EXIT_OK
