"""The ``dep`` command: scaffold, create, number, move, check and report on proposals without Sphinx.

Every command is a thin layer over the core the extension uses too (:mod:`sphinxcontrib_dep.core`),
so a rule exists once. ``main(argv)`` returns the exit status: 0 done (or nothing found),
1 problems found or a change refused, 2 a usage error or input that cannot be read.
Commands that change files hold the project lock, write atomically, print what they
changed, and show a diff instead with ``--dry-run``.
"""

from __future__ import annotations

import contextlib
import os
import sys

from ..core import escape, git
from .console import Console, wants_color
from .context import EXIT_PROBLEMS, EXIT_USAGE, CliError, make_context
from .parser import build_parser, writes

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run ``dep``; return the exit status."""
    console = Console(sys.stdout, sys.stderr)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, --version and usage errors
        return exit.code if isinstance(exit.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    console.color = wants_color(args.color, sys.stdout)
    try:
        ctx = make_context(args, console)
        # A command that writes holds the project lock from its first read to its last
        # write: what it reads is what it changes. ``dep migrate`` takes it itself.
        with ctx.locked() if writes(args) else contextlib.nullcontext():
            return int(args.handler(ctx))
    except CliError as err:
        console.note(f"dep {args.command}: {err}")
        return err.code
    except KeyboardInterrupt:
        console.note("interrupted")
        return 130
    except git.GitError as err:
        console.note(f"dep {args.command}: git: {err}")
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``dep index | head``): stop quietly, as other tools do.
        _silence_stdout()
        return EXIT_PROBLEMS
    except OSError as err:
        # A file or folder the command could not read or write (permissions, a full disk).
        where = f"{escape.text(err.filename)}: " if err.filename else ""
        console.note(f"dep {args.command}: {where}{err.strerror or err}")
        return EXIT_USAGE


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
