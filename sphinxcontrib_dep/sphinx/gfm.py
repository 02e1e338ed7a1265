"""A proposal rendered as GitHub renders it: the MyST renderer for files of the proposals folder.

The core read the file with GitHub-flavoured Markdown on
(:func:`~sphinxcontrib_dep.core.reader.proposal_config`) and decided what its links do
(:mod:`~sphinxcontrib_dep.core.links`); this renderer draws what the core read, the way a
GitHub reader sees it:

* the first heading is the title and every other heading nests under it
  (:func:`~sphinxcontrib_dep.core.reader.outline_levels`), so a legacy proposal's several
  ``#`` sections sit under its title in every navigation;
* a link to a heading (``#Part-1``) or to another proposal's file (``../x/0005-y.md``)
  leads where GitHub would lead; one that leads nowhere, reported once by the core as
  ``dep.link``, is shown as its text;
* a ````mermaid```` code block is a diagram (sphinxcontrib-mermaid), a code block in a
  language Pygments does not know, or cannot lex, is shown as plain code, ``~~struck~~``
  text and ``- [x]`` task lists render without raw HTML (nothing for the sanitizer to refuse);
* a table scrolls sideways in a box of its own when wider than the column;
* a ``---`` rule where docutils allows none (first or last in a section, two in a row) is
  left out, as GitHub draws nothing there either.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer

from ..core import reader


class dep_task_checkbox(nodes.inline):
    """The box of a task list item (``- [x] done``); other builders show it as an inline."""


def visit_task_checkbox_html(self: Any, node: dep_task_checkbox) -> None:
    checked = ' checked="checked"' if node.get("checked") else ""
    self.body.append(f'<input class="task-list-item-checkbox" type="checkbox" disabled="disabled"{checked}>')
    raise nodes.SkipNode


def visit_task_checkbox_text(self: Any, node: dep_task_checkbox) -> None:
    self.add_text("[x] " if node.get("checked") else "[ ] ")
    raise nodes.SkipNode


def _lexer_known(language: str) -> bool:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound
    from sphinx.highlighting import lexer_classes, lexers

    if language in {"", "none", "default", "python", "py", "pycon", "guess"} or language in lexers:
        return True
    if language in lexer_classes:
        return True
    try:
        get_lexer_by_name(language)
    except ClassNotFound:
        return False
    return True


class ProposalRenderer(SphinxRenderer):  # type: ignore[misc]
    """MyST's Sphinx renderer, drawing a proposal as GitHub does (see the module)."""

    #: The core's link report for the file being rendered (set by the parser).
    link_report: Any = None

    # -- links -----------------------------------------------------------------------

    def _plain(self, token: Any) -> None:
        """A link that leads nowhere (reported by the core): its text, without the link."""
        node = nodes.inline("", "", classes=["dep-dead-link"])
        self.add_line_and_source_path(node, token)
        with self.current_node_context(node, append=True):
            self.render_children(token)

    def _target(self, token: Any) -> str | None:
        """The link's target as the site follows it, or ``None`` when it leads nowhere."""
        href = str(token.attrGet("href") or "")
        report = self.link_report
        if report is None:
            return href
        if href in report.broken:
            return None
        if href in report.rewrite:
            new = str(report.rewrite[href])
            token.attrs["href"] = new
            return new
        return href

    def render_link_anchor(self, token: Any, target: str) -> None:
        new = self._target(token)
        if new is None:
            return self._plain(token)
        return super().render_link_anchor(token, new)

    def render_link_unknown(self, token: Any) -> None:
        new = self._target(token)
        if new is None:
            return self._plain(token)
        if new.startswith("#"):
            return super().render_link_anchor(token, new)
        return super().render_link_unknown(token)

    # -- GitHub's additions to CommonMark ----------------------------------------------

    def render_s(self, token: Any) -> None:
        """``~~struck~~``: GitHub's ``<del>``, as a class (MyST's raw ``<s>`` warns on every use)."""
        node = nodes.inline(classes=["dep-strikethrough"])
        self.add_line_and_source_path(node, token)
        with self.current_node_context(node, append=True):
            self.render_children(token)

    def render_list_item(self, token: Any) -> None:
        """A task list item's box as a node of its own, not raw HTML for the sanitizer to refuse."""
        super().render_list_item(token)
        if "checked" not in (token.meta or {}):
            return
        item = self.current_node.children[-1]
        assert isinstance(item, nodes.Element)
        item["classes"].append("task-list-item")
        for raw in list(item.findall(nodes.raw)):
            if "task-list-item-checkbox" in raw.astext():
                raw.replace_self(dep_task_checkbox("", "", checked=bool(token.meta["checked"])))
                break
        parent = item.parent
        if (
            isinstance(parent, nodes.bullet_list | nodes.enumerated_list)
            and "contains-task-list" not in parent["classes"]
        ):
            parent["classes"].append("contains-task-list")

    def render_table(self, token: Any) -> None:
        """A table in a box of its own that scrolls sideways when wider than the column, as
        GitHub shows one (whatever the theme does with tables)."""
        before = len(self.current_node.children)
        super().render_table(token)
        for table in list(self.current_node.children[before:]):
            if isinstance(table, nodes.table):
                box = nodes.container(classes=["dep-table-scroll"])
                table.replace_self(box)
                box += table

    def render_fence(self, token: Any) -> None:
        """A ````mermaid```` block is a diagram; code in a language Pygments cannot read is plain."""
        parts = (token.info or "").strip().split(maxsplit=1)
        language = parts[0] if parts else ""
        if language.lower() == "mermaid" and "mermaid" not in self.md_config.fence_as_directive:
            from sphinxcontrib.mermaid import mermaid

            node = mermaid()
            node["code"] = token.content
            node["options"] = {}
            self.add_line_and_source_path(node, token)
            self.current_node.append(node)
            return
        before = len(self.current_node.children)
        super().render_fence(token)
        for new in self.current_node.children[before:]:
            for block in new.findall(nodes.literal_block):
                # GitHub highlights what it can and shows the rest as it is: no warning.
                block["force"] = True
                if not _lexer_known(str(block.get("language", ""))):
                    block["language"] = "none"


def set_outline(tokens: list[Any]) -> None:
    """Give the top-level headings of ``tokens`` their level in the proposal's outline."""
    opening = [t for t in tokens if t.type == "heading_open" and t.level == 0]
    levels = reader.outline_levels([int(t.tag[1:]) for t in opening])
    closing = [t for t in tokens if t.type == "heading_close" and t.level == 0]
    for open_token, close_token, level in zip(opening, closing, levels, strict=False):
        open_token.tag = close_token.tag = f"h{level}"


def tidy_transitions(document: nodes.document) -> None:
    """Leave out the ``---`` rules docutils refuses: first in a section, right after another,
    or last in the document (GitHub draws them; docutils warns, or stops on one in a quote)."""
    for transition in list(document.findall(nodes.transition)):
        parent = transition.parent
        if parent is None:
            continue
        index = parent.index(transition)
        first = index == 0 or (index == 1 and isinstance(parent[0], nodes.title))
        adjacent = index > 0 and isinstance(parent[index - 1], nodes.transition)
        if first or adjacent or _ends_document(transition):
            parent.remove(transition)


def _ends_document(node: nodes.Node) -> bool:
    """Whether nothing follows ``node`` in its document."""
    while node.parent is not None:
        if node.parent.children[-1] is not node:
            return False
        node = node.parent
    return True


def register(app: Any) -> None:
    app.add_node(
        dep_task_checkbox,
        html=(visit_task_checkbox_html, None),
        text=(visit_task_checkbox_text, None),
    )
