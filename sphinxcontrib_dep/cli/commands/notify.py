"""``dep notify``: one GitHub-ready message per required reviewer still waited on."""

from __future__ import annotations

from ...core import escape, notify
from ..context import Context
from .report import _emit, _load_all


def cmd_notify(ctx: Context) -> int:
    deps = _load_all(ctx)
    found = notify.notifications(deps)
    if ctx.args.format == "json":
        text = escape.json_dumps(notify.notification_rows(found, ctx.config)) + "\n"
    else:
        text = notify.render_markdown(found, ctx.config, ctx.today)
    return _emit(ctx, text)
