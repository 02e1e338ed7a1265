"""``dep migrate``: legacy bold-field headers into ``dep-meta``."""

from __future__ import annotations

from ...migrate import command
from ..context import Context


def cmd_migrate(ctx: Context) -> int:
    # The resolved settings ([tool.dep] with --config applied), where migrate.run looks for them.
    ctx.args.dep_config = ctx.config
    # migrate.run holds it while it reads and rewrites files (--in-place, --output).
    ctx.args.project_lock = ctx.locked
    return int(command.run(ctx.args))
