"""Moving a proposal to another number, and every reference to it with it (``dep renumber``).

Two clones that run ``dep number`` before fetching give two proposals one number; the
merge is then the first place that sees it. :func:`rewrite_references` computes, for
one file's text, the references to the old number (``:replaces:``/``:replaced-by:``/``:extends:``/``:related:``
entries, ``{dep}`` and ``:dep:`` roles, links to the old file name) rewritten to the new
one; the command writes all files at once under the project lock. Sphinx-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import editing, parsing
from .config import DepConfig
from .model import DepRef, parse_id, role_target

#: ``{dep}`target``` (MyST) and ``:dep:`target``` (reStructuredText).
_ROLE_RE = re.compile(r"(?P<open>\{dep\}`|:dep:`)(?P<content>[^`\n]*)`")


@dataclass
class Rewritten:
    """One file's text with its references moved, and what moved, for the summary."""

    text: str
    moved: list[str] = field(default_factory=list)


def _move_list(value: str, path: str, option: str, old: int, new: int, config: DepConfig) -> str | None:
    """A ``replaces``/``replaced-by``/``extends``/``related`` value with each entry naming ``old``
    naming ``new``; ``None``: none did."""
    changed = False
    out = []
    for item in parsing.split_list(value):
        ref = parsing.parse_ref(item, parsing.collecting_reporter(path), option, config.id_prefix)
        if ref is not None and ref.number == old:
            out.append(DepRef(new, partial=ref.partial).to_text(config.id_prefix, config.id_width))
            changed = True
        else:
            out.append(item)
    return ", ".join(out) if changed else None


def rewrite_references(
    text: str,
    path: str,
    old: int,
    new: int,
    config: DepConfig,
    myst: Any = None,
    *,
    ids: bool = True,
    file_names: tuple[str, str] | None = None,
) -> Rewritten:
    """``text`` (the file ``path``) with its references to proposal ``old`` naming ``new``.

    ``ids`` moves references by number (header lists, roles); ``file_names`` (old, new)
    moves links to the renamed file. A proposal's own ``:number:`` is the caller's.
    """
    result = Rewritten(text)
    if ids:
        try:
            changes: dict[str, str | None] = {}
            for option in ("replaces", "replaced-by", "extends", "related"):
                value = editing.get_option(text, path, option, myst)
                moved = _move_list(value, path, option, old, new, config) if value is not None else None
                if moved is not None:
                    changes[option] = moved
            if changes:
                result.text = editing.set_options(result.text, path, changes, myst)
                result.moved += [f":{name}:" for name in changes]
        except editing.EditError:
            pass  # not a proposal (a page of the folder): only its roles and links move

        roles = 0

        def role(match: re.Match[str]) -> str:
            nonlocal roles
            title, target = role_target(match["content"])
            if parse_id(target, config.id_prefix) != old:
                return match.group(0)
            roles += 1
            target = config.format_id(new)
            content = f"{title} <{target}>" if title else target
            return f"{match['open']}{content}`"

        result.text = _ROLE_RE.sub(role, result.text)
        if roles:
            result.moved.append(f"{roles} role(s)")
    if file_names is not None:
        before, after = file_names
        pattern = re.compile(rf"(?<![\w.-]){re.escape(before)}(?=[)#>\s?'\"]|$)", re.M)
        text_after, count = pattern.subn(after, result.text)
        if count:
            result.text = text_after
            result.moved.append(f"{count} link(s)")
    return result
