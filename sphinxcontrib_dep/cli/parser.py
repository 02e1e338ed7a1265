"""The command line: ``dep`` and its subcommands, with the help the docs reference shows."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from .. import __version__
from ..core import escape
from ..core.model import (
    Status,
    Template,
)
from ..migrate import command as migrate_command
from .context import Context


def _command(module: str, name: str) -> Callable[[Context], int]:
    """The handler ``name`` of ``.commands.<module>``, imported when the command runs.

    Every command's module (and what it imports: git, HTTP, templates, migration) would
    otherwise be imported by every ``dep`` run; ``dep lint`` needs only its own.
    """

    def handler(ctx: Context) -> int:
        from importlib import import_module

        found: Callable[[Context], int] = getattr(import_module(f".commands.{module}", __package__), name)
        return found(ctx)

    handler.__name__ = handler.__qualname__ = name
    return handler


cmd_gate = _command("gate", "cmd_gate")
cmd_init = _command("init", "cmd_init")
cmd_lint = _command("lint", "cmd_lint")
cmd_migrate = _command("migrate", "cmd_migrate")
cmd_new = _command("new", "cmd_new")
cmd_notify = _command("notify", "cmd_notify")
cmd_number = _command("number", "cmd_number")
cmd_renumber = _command("renumber", "cmd_renumber")
cmd_export = _command("report", "cmd_export")
cmd_index = _command("report", "cmd_index")
cmd_report = _command("report", "cmd_report")
cmd_review = _command("review", "cmd_review")
cmd_status = _command("status", "cmd_status")
cmd_supersede = _command("status", "cmd_supersede")
cmd_discussion = _command("discussion", "cmd_discussion")
cmd_related = _command("related", "cmd_related")
cmd_gaps = _command("triage", "cmd_gaps")
cmd_triage = _command("triage", "cmd_triage")


def _count(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of lines")
    return int(text)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from None


#: What each command's ``--help`` adds below its options: behaviour a user relies on.
EPILOGS = {
    "init": "Refuses to write anything if one of the files exists already.",
    "new": "The slug is ASCII letters, digits and hyphens; the file is never written outside the "
    "proposals folder and an existing one is replaced only with --force. A project's own "
    "templates/<name>.md is used before the package's. --supersedes N fills in :replaces:; --status "
    "starts the draft elsewhere than In Progress (a decision recorded after the fact); --area KEY writes "
    ":area: and creates the file in deps/<KEY>/ (numbers stay global across area folders). --retroactive "
    "--from-pr FILE writes deps/NNNN-<slug>.md with the next free number: Implemented, :retroactive: yes, "
    "the pull request's author in :authors:, its merge date in :review-date:, its address in "
    ":implementation:, and its body's sections under the template's (Why -> Motivation, Changes -> "
    "Proposal, the others under Proposal); the review-window rules skip it, the section rules do not. "
    "A pull request that has not merged, or whose JSON gives no address (ask gh for url), is refused.",
    "lint": "Exit status: 0 no problems, 1 problems found, 2 usage error or unreadable input. "
    "Each line is path:line: message [dep.code], as sphinx-build words it; a line break or a "
    "control character in a file name or a value is shown escaped (\\n, \\x1b). --since takes a "
    "commit (a value starting with '-' is refused, exit 2); it also reports a number given here that "
    "another proposal holds at REV (dep.number_taken: run dep renumber). Other projects named in "
    "dep_sources are fetched as the build fetches them (--offline: their last good copies only), and "
    "references to them (runtime:DEP-0012) checked.",
    "number": "The next free number is one more than the highest used in this work tree, in other "
    "worktrees, and on every local branch and remote-tracking ref; the project lock keeps two "
    "runs apart. Inside git the file is renamed with git mv. A proposal whose review is not "
    "complete (Not Started, In Progress, or Under Review before every required reviewer has given "
    "a verdict) is refused: the steward numbers it after review, unless the early_numbering "
    "setting allows earlier numbers.",
    "status": "A move the lifecycle graph forbids, or one that would break a rule (Approved "
    "without approvals, Implemented without a link, ...), is refused with the reason; "
    "--force writes it anyway. Moving to Under Review records :review-requested: today.",
    "supersede": "Adds OLD to NEW's :replaces: and NEW to OLD's :replaced-by:, and sets OLD "
    "Superseded, both files in one change; with --partial both references say (partial) and OLD keeps its "
    "status. NEW must be Approved or Implemented (--force writes it anyway; dep lint then reports "
    "dep.superseder until NEW is). A supersession that would make a replacement cycle (OLD already "
    "replaces NEW, directly or through others) is refused, with or without --partial or --force.",
    "renumber": "Moves OLD (a path, or a number only one file holds) to NEW (default: the next free "
    "number, counted as dep number counts): the file is renamed (git mv), its :number: set, and every "
    "reference in the proposals folder moved with it (:replaces:, :replaced-by:, :extends:, :related:, {dep} roles, links to "
    "the file), all or nothing. While another file still holds OLD, references by number name either and "
    "are left alone (links move). A NEW in use anywhere is refused. Inside git every change is staged. "
    "Exit status: 0 moved (or shown with --dry-run), 1 refused (NEW taken, no number yet), 2 usage error.",
    "review": "dep review DEP PERSON VERDICT sets PERSON's verdict in :required-reviewers: (Not Started, "
    "Reviewing, Approved, Rejected, Deferred, Changes Requested; --add adds a reviewer). PERSON is one "
    "person (@handle, Name or Name <url>): a ',', ';', '(', ')', a line break or an '@' inside a name is refused. dep review extend "
    "DEP --until DATE --by PERSON --reason TEXT records an extension in :review-extension: and moves "
    ":review-date:; only an author, a lead architect or the category's PIC may extend (--force records "
    "another anyway), and an extension needs a reason. A verdict on a decided proposal (Approved, "
    "Implemented, Rejected, Deferred, Superseded) that its approval no longer holds with is refused "
    "without --force. Exit status: 0 written or "
    "nothing to change, 1 refused (breaks a decision, not a reviewer, may not extend, extends nothing), 2 usage error.",
    "discussion": "dep discussion fetch-plan prints a POSIX shell script: for each proposal whose "
    ":tracking: names an issue or whose :pull-request: is one on a dep_discussion_hosts host, gh api calls "
    "(the issue, its comments, the pull request's review comments, --paginate --slurp) that write "
    "<dep_discussion_cache>/<proposal>.json, each moved into place only when every call succeeded (a failed "
    "fetch keeps the last good copy and makes the script exit 1). Paths are relative to the current folder: "
    "run `dep discussion fetch-plan | sh` in CI, with GH_TOKEN set, before sphinx-build. Nothing is fetched "
    "by dep itself.",
    "gate": "Finds DEP-0012, DEP 12 or DEP-12 (the configured prefix) and exits 1 unless every "
    "proposal named is Approved or Implemented; 0 when none is named, unless --require. "
    "Another project's proposal (runtime:DEP-0012, a dep_sources key) is judged by its deps.json. "
    "Both ends of --commits are checked as commits before git reads the log (a value starting "
    "with '-' is refused, exit 2). --pr FILE reads the pull request as `gh pr view N --json "
    "title,body,additions,files` prints it: its title and body are searched, and when it needs a "
    "proposal as dep gaps judges (not a bot's, gap_min_additions added lines or more, files an area "
    "owns) one is required, as with --require.",
    "notify": "Sends nothing: prints, per required reviewer who has not given a verdict, the "
    "proposals Under Review waiting on them with their review dates, as Markdown to paste into an "
    "issue or pull-request comment (only the reviewer's own @handle mentions anyone: titles and names "
    "are written inert, with no mention, issue reference or link). Embargoed proposals are always left out.",
    "triage": "The open proposals (Not Started, In Progress, Under Review) for the weekly triage: new "
    "since --since (default: 7 days ago), what is missing (an area and a PIC when dep_areas declares "
    "areas, a priority, a review date), stalled (no commit touching the file for stalled_days days, "
    "Under Review without required reviewers, a review date passed), and the reviews due in the next 7 "
    "days. When each file was created and last changed comes from one git log over the proposals "
    "folder. --prs FILE adds the pull requests merged since --since that need a proposal (as dep gaps). "
    "Markdown is ready to paste into the meeting's issue: titles and names are written inert (no "
    "mention, reference or link). Embargoed proposals are always left out.",
    "gaps": "Reads FILE as `gh pr list --state merged --json number,title,body,author,mergedAt,additions,"
    "files,url` (or the REST API: gh api repos/O/R/pulls/N with its files) prints it; - reads stdin. A "
    "pull request is flagged when it is merged, not a bot's, adds at least gap_min_additions lines "
    "(--min-additions), changes a file an area of dep_areas owns, and its title and body name no "
    "existing proposal (DEP-0012 under the configured prefix, or a link to a proposal's file or page); "
    "the areas' teams and owners are whom to ask. Every other pull request is listed in the JSON with "
    "its reason. A file that cannot be read exits 2 with the place in it (prs.json: $[3].files[0].path).",
    "related": "Each chain is followed to its end, nearest first; a proposal reached through another says "
    "which ('through DEP-0002'). Related proposals count from either side. Another project's proposals "
    "and links are listed as written. Statuses are shown under dep_status_labels. Exit status: 0 found, "
    "1 no proposal has that number or those words in its title, 2 usage error.",
    "migrate": "Writes nothing without --in-place or --output. Lines below the header that look "
    "like its fields (in the sections too), and lists nested under a field's own list, are "
    "reported [needs a human], never "
    "dropped or read silently.",
}


#: Said under every command that writes.
WRITING_EPILOG = (
    "Writing holds the project lock (.git/dep.lock, else deps/.dep.lock) from the first read "
    "to the last write, so two dep commands at once run one after the other; a file changed "
    "meanwhile by something else is not overwritten."
)


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with its messages (which quote the arguments given) escaped for the terminal."""

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            super()._print_message(escape.terminal(message), file)


def build_parser() -> argparse.ArgumentParser:
    common = ArgumentParser(add_help=False)
    group = common.add_argument_group("settings")
    group.add_argument(
        "--root", metavar="DIR", help="the project folder (default: found from the current folder)"
    )
    group.add_argument(
        "--config",
        metavar="KEY=VALUE",
        action="append",
        help="override a [tool.dep] setting, e.g. --config id_width=3 (repeatable)",
    )
    group.add_argument("--deps-dir", metavar="DIR", help="the proposals folder, relative to the project")
    group.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour and tables: auto (when stdout is a terminal and NO_COLOR is unset), always, never",
    )
    group.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="the date to judge against (default: today)"
    )

    writing = ArgumentParser(add_help=False)
    writing.add_argument(
        "--dry-run", action="store_true", help="show the diff of what would change; write nothing"
    )

    parser = ArgumentParser(
        prog="dep",
        description="Enhancement proposals (DEPs) without running Sphinx: the same rules as the extension.",
        epilog="Exit status: 0 done, 1 problems found or change refused, 2 usage error or unreadable input. "
        "Settings come from the dep_* values written as literals in the project's conf.py (as "
        "sphinx-build reads them) and from [tool.dep] in pyproject.toml; --config KEY=VALUE overrides "
        "either for one run.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(
        name: str, handler: Callable[[Context], int], help: str, *, writes: bool = False
    ) -> argparse.ArgumentParser:
        parents = [common, writing] if writes else [common]
        locks = name in WRITING_COMMANDS | OUTPUT_COMMANDS | {"migrate"}
        epilog = " ".join(part for part in (EPILOGS.get(name), WRITING_EPILOG if locks else None) if part)
        sub = commands.add_parser(name, help=help, description=help, epilog=epilog or None, parents=parents)
        sub.set_defaults(handler=handler)
        return sub

    sub = add(
        "init",
        cmd_init,
        "Scaffold a proposals repository: conf.py, index page, deps/, templates, CI, pre-commit.",
        writes=True,
    )
    sub.add_argument("dir", nargs="?", default=".", metavar="DIR", help="where (default: the current folder)")

    sub = add("new", cmd_new, "Create deps/0000-<slug>.md from a template, filled in.", writes=True)
    sub.add_argument(
        "title", nargs="?", help="the proposal's title (with --from-pr: default, the pull request's title)"
    )
    sub.add_argument("--template", choices=[t.value for t in Template], help="limited (default) or complete")
    sub.add_argument(
        "--author", action="append", metavar="PERSON", help="@handle, Name or 'Name <url>' (repeatable)"
    )
    sub.add_argument("--category", help="one of the configured categories")
    sub.add_argument("--force", action="store_true", help="replace the draft if the file exists")
    sub.add_argument(
        "--supersedes", metavar="DEP", help="the proposal this one is to replace (written in :replaces:)"
    )
    sub.add_argument(
        "--status",
        metavar="STATUS",
        help="the status to start at (default: In Progress); a decision recorded after the fact may start "
        "Approved or Implemented, as a new file may",
    )
    sub.add_argument(
        "--area",
        action="append",
        metavar="KEY",
        help="its area, a key of dep_areas (repeatable, or comma-separated): written in :area:, and the "
        "file is created in the first area's folder, deps/<KEY>/",
    )
    sub.add_argument(
        "--flat",
        action="store_true",
        help="with --area, create the file at the top of the proposals folder (only :area: names the area)",
    )
    sub.add_argument(
        "--retroactive",
        action="store_true",
        help="a record of work already merged, drafted from --from-pr: numbered, Implemented, :retroactive: yes",
    )
    sub.add_argument(
        "--from-pr",
        metavar="FILE",
        help="the merged pull request as JSON: `gh pr view N --json number,title,body,author,mergedAt,url` "
        "or the REST API's `gh api repos/O/R/pulls/N` (a list too, with --pr)",
    )
    sub.add_argument("--pr", metavar="N", type=int, help="which pull request of --from-pr's list")

    sub = add("lint", cmd_lint, "Check proposals with every rule; exit 1 when problems are found.")
    sub.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: the proposals folder)"
    )
    sub.add_argument(
        "--format",
        choices=["text", "json", "github"],
        default="text",
        help="text (path:line: message [dep.code]), json, or github (workflow annotations)",
    )
    sub.add_argument(
        "--since",
        metavar="REV",
        help="also check each changed proposal's status moved along the lifecycle since REV, and that no "
        "number given here is taken at REV",
    )
    sub.add_argument(
        "--offline",
        action="store_true",
        help="read other projects (dep_sources) from the last good copies only, fetching nothing",
    )

    sub = add(
        "number", cmd_number, "Give an unnumbered draft the next free number, renaming it.", writes=True
    )
    sub.add_argument("path", metavar="PATH", help="the draft, e.g. deps/0000-my-idea.md")

    sub = add("status", cmd_status, "Move a proposal along the lifecycle, updating its header.", writes=True)
    sub.add_argument("dep", metavar="DEP", help="a path, or a number such as 12 or DEP-0012")
    sub.add_argument("status", metavar="STATUS", help=f"the new status ({Status.allowed()})")
    sub.add_argument("--force", action="store_true", help="write even if the rules forbid the move")

    sub = add(
        "supersede",
        cmd_supersede,
        "Record that NEW replaces OLD on both sides and mark OLD Superseded.",
        writes=True,
    )
    sub.add_argument("old", metavar="OLD", help="the proposal replaced")
    sub.add_argument("new", metavar="NEW", help="the proposal that replaces it")
    sub.add_argument("--partial", action="store_true", help="NEW replaces part of OLD; OLD keeps its status")
    sub.add_argument("--force", action="store_true", help="write even if the rules forbid the move")

    sub = add(
        "renumber",
        cmd_renumber,
        "Move a proposal to another number, with every reference to it, in one change.",
        writes=True,
    )
    sub.add_argument("old", metavar="OLD", help="the proposal: a path, or a number such as 2 or DEP-0002")
    sub.add_argument("new", metavar="NEW", nargs="?", help="its new number (default: the next free one)")

    sub = add(
        "review",
        cmd_review,
        "Record a reviewer's verdict, or (dep review extend) an extension of the review deadline.",
        writes=True,
    )
    sub.add_argument(
        "words",
        nargs="+",
        metavar="ARG",
        help="DEP PERSON VERDICT, e.g. 12 @marco approved; or: extend DEP",
    )
    sub.add_argument("--add", action="store_true", help="add PERSON to the required reviewers if missing")
    sub.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help="extend: the new review date")
    sub.add_argument("--by", metavar="PERSON", help="extend: who extends (an author, lead architect or PIC)")
    sub.add_argument("--on", type=_date, metavar="YYYY-MM-DD", help="extend: when (default: today)")
    sub.add_argument("--reason", metavar="TEXT", help="extend: the extenuating circumstances")
    sub.add_argument(
        "--force",
        action="store_true",
        help="record it anyway: a verdict on a decided proposal, an extension by someone who may not extend",
    )

    sub = add("gate", cmd_gate, "Fail unless every proposal a pull request names is Approved or Implemented.")
    sub.add_argument(
        "--text", action="append", metavar="TEXT", help="text to search, e.g. the PR title and body"
    )
    sub.add_argument("--file", action="append", metavar="FILE", help="a file to search (- reads stdin)")
    sub.add_argument("--commits", action="append", metavar="REV..REV", help="commit messages to search")
    sub.add_argument("--require", action="store_true", help="also fail when no proposal is named")
    sub.add_argument(
        "--pr",
        metavar="FILE",
        help="the pull request's JSON (gh pr view N --json title,body,additions,files): search its title "
        "and body, and require a proposal when it is large and in an area's code",
    )
    sub.add_argument(
        "--min-additions",
        type=_count,
        metavar="N",
        help="with --pr: added lines from which a proposal is required (default: the gap_min_additions setting)",
    )
    sub.add_argument(
        "--offline",
        action="store_true",
        help="read other projects (dep_sources) from the last good copies only, fetching nothing "
        "(not for pull requests: the cache folder is in the tree a pull request can change)",
    )

    formats = {
        "index": (cmd_index, "The index of proposals as text, Markdown, CSV or JSON (deps.json).", "text"),
        "export": (
            cmd_export,
            "Export every proposal: deps.json, or the index and traceability tables.",
            "json",
        ),
        "report": (
            cmd_report,
            "The review report: under review and overdue, reviewers, approved without implementation, stale.",
            "text",
        ),
    }
    for name, (handler, help, default) in formats.items():
        sub = add(name, handler, help, writes=True)
        sub.add_argument(
            "--format",
            choices=["text", "markdown", "csv", "json"],
            default=default,
            help=f"output format (default: {default}); json prints the document as it is",
        )
        sub.add_argument(
            "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
        )
        sub.add_argument("--force", action="store_true", help="replace FILE if it exists")
        if name == "report":
            sub.add_argument(
                "--person",
                metavar="PERSON",
                help="one person (@handle): what waits on them, overdue first, and what they author, "
                "sponsor and review",
            )
        if name == "index":
            sub.add_argument(
                "--by",
                choices=["number", "status", "category"],
                default="number",
                help="one table by number, or one per status or category",
            )

    sub = add(
        "notify",
        cmd_notify,
        "Per required reviewer, a GitHub-ready message: the proposals under review waiting on them, and by when.",
        writes=True,
    )
    sub.add_argument(
        "--format",
        choices=["markdown", "json"],
        default="markdown",
        help="output format (default: markdown, one message per reviewer)",
    )
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    sub.add_argument("--force", action="store_true", help="replace FILE if it exists")

    sub = add(
        "triage",
        cmd_triage,
        "The weekly triage: new, untriaged and stalled proposals, reviews due, and (--prs) design gaps.",
        writes=True,
    )
    sub.add_argument(
        "--since",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the last triage: proposals created and pull requests merged on or after it are new "
        "(default: 7 days before --today)",
    )
    sub.add_argument("--prs", metavar="FILE", help="merged pull requests' JSON (as dep gaps reads it)")
    sub.add_argument(
        "--min-additions",
        type=_count,
        metavar="N",
        help="with --prs: added lines from which a pull request needs a proposal (default: gap_min_additions)",
    )
    _output_options(sub, ["text", "markdown", "json"], "text")

    sub = add(
        "gaps",
        cmd_gaps,
        "Merged pull requests that need a proposal and name none, and whom to ask.",
        writes=True,
    )
    sub.add_argument(
        "--prs",
        required=True,
        metavar="FILE",
        help="merged pull requests' JSON (gh pr list --json ...); - for stdin",
    )
    sub.add_argument(
        "--min-additions",
        type=_count,
        metavar="N",
        help="added lines from which a pull request needs a proposal (default: the gap_min_additions setting)",
    )
    sub.add_argument(
        "--since", type=_date, metavar="YYYY-MM-DD", help="only pull requests merged on or after this day"
    )
    _output_options(sub, ["text", "markdown", "json"], "text")

    sub = add(
        "discussion",
        cmd_discussion,
        "Print the gh api calls that write each proposal's discussion cache, for the mirror on its page.",
        writes=True,
    )
    sub.add_argument(
        "action", choices=["fetch-plan"], help="fetch-plan: the shell script CI runs before the build"
    )
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    sub.add_argument("--force", action="store_true", help="replace FILE if it exists")

    sub = add("migrate", cmd_migrate, "Convert legacy proposals to dep-meta headers.")
    migrate_command.add_arguments(sub)

    sub = add(
        "related",
        cmd_related,
        "A proposal's lineage (what it extends and replaces, and what extends and replaces it, "
        "along whole chains) and the proposals related to it.",
    )
    sub.add_argument(
        "query",
        metavar="DEP|WORD",
        help="a number (12, DEP-0012), or words every matching proposal's title holds (any case)",
    )
    sub.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default: text)"
    )
    return parser


def _output_options(sub: argparse.ArgumentParser, formats: list[str], default: str) -> None:
    sub.add_argument("--format", choices=formats, default=default, help=f"output format (default: {default})")
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    sub.add_argument("--force", action="store_true", help="replace FILE if it exists")


WRITING_COMMANDS = frozenset({"init", "new", "number", "status", "supersede", "renumber", "review"})


#: The commands that write a file only when given --output.
OUTPUT_COMMANDS = frozenset({"index", "export", "report", "notify", "triage", "gaps", "discussion"})


def writes(args: argparse.Namespace) -> bool:
    """Whether this run may write a file (``dep migrate`` decides for itself)."""
    if getattr(args, "dry_run", False):
        return False
    if args.command in OUTPUT_COMMANDS:
        return bool(getattr(args, "output", None))
    return args.command in WRITING_COMMANDS
