"""The banner at the top of a proposal's page: Superseded, Rejected, Deferred, Not yet decided.

Drawn at ``doctree-resolved`` (the successors come from both sides of every replacement,
known only once all proposals are read), right above the card. In HTML it is a
``<div class="dep-banner dep-banner-<kind>" role="region" aria-label="...">``: a landmark
screen readers list, its kind said in words (``Superseded``) before the text, so colour is
never the only signal. Other builders get its paragraphs.
"""

from __future__ import annotations

import html
from types import MappingProxyType
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..core.banner import Banner, banner_for
from ..core.model import Dep
from . import config as sphinx_config
from .domain import get_domain
from .tables import VIEW_ITEMS, Renderer

#: A glyph per kind, beside the label (decorative: hidden from screen readers).
ICONS = MappingProxyType(
    {"superseded": "\u21aa", "rejected": "\u2715", "deferred": "\u23f8", "undecided": "\u270e"}
)


class dep_banner(nodes.General, nodes.Element):
    """The banner; ``kind`` and ``label`` are attributes, the text its children."""


def visit_banner_html(self: Any, node: dep_banner) -> None:
    kind, label = node["kind"], node["label"]
    self.body.append(
        f'<div class="dep-banner dep-banner-{html.escape(kind)}" role="region" '
        f'aria-label="{html.escape(label)} proposal">'
        f'<span class="dep-banner-icon" aria-hidden="true">{ICONS.get(kind, "")}</span>'
    )


def depart_banner_html(self: Any, node: dep_banner) -> None:
    self.body.append("</div>\n")


def visit_banner_other(self: Any, node: dep_banner) -> None:
    pass


def depart_banner_other(self: Any, node: dep_banner) -> None:
    pass


def _successors(renderer: Renderer, dep: Dep) -> list[nodes.Node]:
    _, replaced_by = get_domain(renderer.app.env).links_both_ways()[dep.path]
    found: list[nodes.Node] = []
    for ref in replaced_by[:VIEW_ITEMS]:
        target = renderer.by_number.get(ref.number) if ref.number is not None else None
        if target is not None:
            text = f"{renderer.settings.format_id(ref.number or 0)}: {target.title}"
            node: nodes.Node = renderer.link(target, text, ["dep-banner-successor"])
        elif ref.url:
            node = nodes.reference(ref.url, ref.url, refuri=ref.url, classes=["dep-banner-successor"])
        else:
            text = ref.to_text(renderer.settings.id_prefix, renderer.settings.id_width)
            node = nodes.inline(text, text)
        if ref.partial:
            wrapper = nodes.inline()
            wrapper += [node, nodes.Text(" (in part)")]
            node = wrapper
        found.append(node)
    if len(replaced_by) > VIEW_ITEMS:
        found.append(nodes.Text(f"and {len(replaced_by) - VIEW_ITEMS} more (see the card)"))
    return found


def build(renderer: Renderer, dep: Dep, banner: Banner) -> dep_banner:
    node = dep_banner(kind=banner.kind, label=banner.label)
    node += nodes.paragraph("", "", nodes.strong(banner.label, banner.label), classes=["dep-banner-label"])
    paragraph = nodes.paragraph(classes=["dep-banner-text"])
    if banner.kind == "superseded":
        successors = _successors(renderer, dep)
        if successors:
            paragraph += nodes.Text(banner.text + " ")
            for index, successor in enumerate(successors):
                if index:
                    paragraph += nodes.Text(", " if index < len(successors) - 1 else " and ")
                paragraph += successor
            paragraph += nodes.Text(".")
        else:
            paragraph += nodes.Text("No successor is recorded.")
    else:
        paragraph += nodes.Text(banner.text)
    node += paragraph
    return node


def add_banner(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the banner above the proposal's card (or below its title)."""
    dep = get_domain(app.env).deps.get(docname)
    if dep is None:
        return
    banner = banner_for(dep, sphinx_config.get(app.config))
    if banner is None:
        return
    node = build(Renderer(app, docname), dep, banner)
    card = next((n for n in doctree.findall(nodes.container) if "dep-card" in n["classes"]), None)
    if card is not None and card.parent is not None:
        card.parent.insert(card.parent.index(card), node)
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None:
        section.insert(1, node)


def register(app: Sphinx) -> None:
    other = (visit_banner_other, depart_banner_other)
    app.add_node(
        dep_banner,
        html=(visit_banner_html, depart_banner_html),
        latex=other,
        text=other,
        man=other,
        texinfo=other,
    )
    # After the card is completed (default priority): the successors are the card's.
    app.connect("doctree-resolved", add_banner, priority=600)
