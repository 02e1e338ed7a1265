"""``dep discussion fetch-plan``: the ``gh api`` calls that write each proposal's discussion cache."""

from __future__ import annotations

import os
from pathlib import Path

from ...core import discussion
from ..context import Context
from .report import _emit, _load_all


def cmd_discussion(ctx: Context) -> int:
    """Print (or write with ``--output``) the shell script CI runs before the build.

    Paths in the script are relative to the current folder, so ``dep discussion fetch-plan | sh``
    writes where the build reads: ``dep_discussion_cache`` under the folder of conf.py.
    """
    deps = _load_all(ctx)
    conf = ctx.project.conf.path
    base = conf.parent if conf is not None else ctx.root
    cache = base / ctx.config.discussion_cache
    hosts = ctx.config.discussion_hosts
    entries = []
    for dep in sorted(deps, key=lambda d: d.path):
        if dep.embargoed:
            # Never named, never fetched: the script and its output land in CI logs, and the
            # page of an embargoed proposal is not published (red team M3).
            continue
        try:
            relative = Path(ctx.root, dep.path).relative_to(ctx.deps_dir).as_posix()
        except ValueError:
            continue
        name = discussion.cache_name(relative)
        if name is None:
            continue
        issue, pull = discussion.tracking_issue(dep, hosts), discussion.pull_request(dep, hosts)
        entries.append((name, ctx.rel(Path(ctx.root, dep.path)), issue, pull))
    shown = os.path.relpath(cache, Path.cwd()).replace(os.sep, "/")
    if not any(issue or pull for _, _, issue, pull in entries):
        ctx.console.note(
            f"dep discussion: no proposal names a tracking issue or pull request on {', '.join(hosts)}"
        )
    return _emit(ctx, discussion.fetch_plan(entries, shown, hosts))
