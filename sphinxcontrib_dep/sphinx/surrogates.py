"""Characters no output can hold: lone surrogates become U+FFFD before any writer sees them.

reStructuredText's ``unicode`` directive (``.. |s| unicode:: U+D800``) puts a lone
surrogate into the text; no UTF-8 file can hold one, so the first writer to meet it
(Sphinx's ``objects.inv``, the search index, ``deps.json``) stops the whole build with a
traceback. One proposal's title must not take every page down: the character becomes
U+FFFD with a located ``dep.encoding`` warning, and the build goes on.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.transforms import SphinxTransform

from ..core.diagnostics import Code
from .logging import warn

_SURROGATE_RE = re.compile("[\ud800-\udfff]")


class ReplaceSurrogates(SphinxTransform):
    """Replace lone surrogates in the text of every document (after substitutions)."""

    # Substitutions are applied at 220; the title is collected at doctree-read (880).
    default_priority = 700

    def apply(self, **kwargs: object) -> None:
        found: set[str] = set()
        places: list[tuple[bool, int]] = []
        for text in list(self.document.findall(nodes.Text)):
            if not _SURROGATE_RE.search(text):
                continue
            found |= {f"U+{ord(ch):04X}" for ch in _SURROGATE_RE.findall(text)}
            parent = text.parent
            parent.replace(text, nodes.Text(_SURROGATE_RE.sub("\ufffd", text)))
            # Where the text is used, not the substitution that defines it, if both.
            in_definition = any(isinstance(n, nodes.substitution_definition) for n in _ancestors(parent))
            line = _line(parent)
            if line is not None:
                places.append((in_definition, line))
        if found:
            first = min(places)[1] if places else None
            warn(
                Code.ENCODING,
                f"{', '.join(sorted(found))} (a lone surrogate) cannot be written as UTF-8; shown as U+FFFD",
                (self.env.docname, first),
            )


def _ancestors(node: nodes.Node | None) -> list[nodes.Node]:
    found = []
    while node is not None:
        found.append(node)
        node = node.parent
    return found


def _line(node: nodes.Node | None) -> int | None:
    while node is not None:
        if node.line:
            return int(node.line)
        node = node.parent
    return None
