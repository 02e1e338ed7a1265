"""The metadata card at the top of a proposal, built from standard docutils nodes.

Standard nodes render in every builder (HTML, LaTeX, text); the look comes from
``dep.css`` through the ``dep-*`` classes.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes

from ..config import DepConfig
from ..model import Dep, DepRef, Person, ReviewStatus, Status


def status_badge(status: Status | None) -> nodes.inline:
    text = status.value if status is not None else "Unknown"
    slug = status.slug if status is not None else "unknown"
    return nodes.inline(text, text, classes=["dep-badge", f"dep-status-{slug}"])


def review_badge(status: ReviewStatus) -> nodes.inline:
    return nodes.inline(status.value, status.value, classes=["dep-badge", f"dep-review-{status.slug}"])


def person_node(person: Person) -> nodes.Node:
    url = person.profile_url
    if url:
        return nodes.reference(person.display, person.display, refuri=url, classes=["dep-person"])
    return nodes.inline(person.display, person.display, classes=["dep-person"])


def dep_xref(ref: DepRef, settings: DepConfig) -> nodes.Node:
    """A cross-reference to another proposal, resolved (with its title) by the dep domain."""
    if ref.number is None:
        url = ref.url or ""
        node: nodes.Node = nodes.reference(url, url, refuri=url)
    else:
        target = settings.format_id(ref.number)
        node = addnodes.pending_xref(
            "", nodes.inline(target, target), refdomain="dep", reftype="dep",
            reftarget=target, refexplicit=False, refwarn=False,
        )
    if ref.partial:
        container = nodes.inline()
        container += [node, nodes.Text(" (partial)")]
        return container
    return node


def _joined(items: list[nodes.Node]) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    for index, item in enumerate(items):
        if index:
            paragraph += nodes.Text(", ")
        paragraph += item
    return paragraph


def _field(name: str, body: nodes.Node, key: str) -> nodes.field:
    field = nodes.field(classes=[f"dep-field-{key}"])
    field += nodes.field_name(name, name)
    field_body = nodes.field_body()
    field_body += body
    field += field_body
    return field


def build(dep: Dep, need_id: str, settings: DepConfig) -> nodes.container:
    """The card: status badge and id on top, then one field per piece of metadata."""
    # The card carries the need id as its anchor: the hidden need renders no target of
    # its own, and both the {dep} role and sphinx-needs' tables link to ``page#DEP-0001``.
    card = nodes.container(classes=["dep-card"], ids=[need_id])
    header = nodes.paragraph(classes=["dep-card-header"])
    header += status_badge(dep.status)
    header += nodes.Text(" ")
    header += nodes.strong(need_id, need_id, classes=["dep-id"])
    if dep.category:
        header += nodes.inline(dep.category, dep.category, classes=["dep-category"])
    if dep.embargoed:
        header += nodes.inline("Embargoed", "Embargoed", classes=["dep-badge", "dep-embargoed"])
    card += header

    fields = nodes.field_list(classes=["dep-fields"])
    if dep.authors:
        fields += _field("Authors", _joined([person_node(p) for p in dep.authors]), "authors")
    if dep.sponsors:
        fields += _field("Sponsor", _joined([person_node(p) for p in dep.sponsors]), "sponsor")
    if dep.reviewers:
        reviewers = nodes.bullet_list(classes=["dep-reviewers"])
        for reviewer in dep.reviewers:
            item = nodes.list_item()
            paragraph = nodes.paragraph()
            paragraph += person_node(reviewer.person)
            paragraph += nodes.Text(" ")
            paragraph += review_badge(reviewer.status)
            item += paragraph
            reviewers += item
        fields += _field("Required reviewers", reviewers, "reviewers")
    if dep.review_requested:
        text = dep.review_requested.isoformat()
        fields += _field("Review requested", nodes.paragraph(text, text), "review-requested")
    if dep.review_date:
        text = dep.review_date.isoformat()
        fields += _field("Review date", nodes.paragraph(text, text), "review-date")
    if dep.replaces:
        fields += _field("Replaces", _joined([dep_xref(r, settings) for r in dep.replaces]), "replaces")
    if dep.replaced_by:
        fields += _field("Replaced by", _joined([dep_xref(r, settings) for r in dep.replaced_by]), "replaced-by")
    if dep.pull_request:
        url = dep.pull_request
        fields += _field("Pull request", _joined([nodes.reference(url, url, refuri=url)]), "pull-request")
    if dep.implementation:
        links = [nodes.reference(link.label, link.label, refuri=link.url) for link in dep.implementation]
        fields += _field("Implementation", _joined(links), "implementation")
    if dep.decision:
        fields += _field("Decision", nodes.paragraph(dep.decision, dep.decision), "decision")
    for name, value in dep.unmapped.items():
        label = f"{name} (unmapped)"
        fields += _field(label, nodes.paragraph(value, value), "unmapped")
    template = dep.template.value
    fields += _field("Template", nodes.paragraph(template, template), "template")
    card += fields
    return card
