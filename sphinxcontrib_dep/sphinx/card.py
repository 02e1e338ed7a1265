"""The metadata card at the top of a proposal, built from standard docutils nodes.

Standard nodes render in every builder (HTML, LaTeX, text); the look comes from
``dep.css`` through the ``dep-*`` classes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from docutils import nodes
from sphinx import addnodes

from ..core import process, rules
from ..core.areas import areas
from ..core.config import DepConfig
from ..core.model import (
    Alternative,
    Dep,
    DepRef,
    Link,
    Person,
    Phase,
    ReviewStatus,
    Status,
    status_slug,
)


def status_badge(status: Status | None, settings: DepConfig) -> nodes.inline:
    """A status as a badge, under the project's label for it (``dep_status_labels``)."""
    text, slug = settings.status_text(status), status_slug(status)
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
    if ref.project:
        node: nodes.Node = project_xref(f"{ref.project}:{ref.project_id}")
    elif ref.number is None:
        url = ref.url or ""
        node = nodes.reference(url, url, refuri=url)
    else:
        target = settings.format_id(ref.number)
        node = addnodes.pending_xref(
            "",
            nodes.inline(target, target),
            refdomain="dep",
            reftype="dep",
            reftarget=target,
            refexplicit=False,
            refwarn=False,
        )
    # Each reference gets a parent of its own: Sphinx replaces a resolved pending_xref
    # with ``replace_self``, which looks the node up among its siblings, so a thousand
    # references side by side would cost a million steps.
    container = nodes.inline(classes=["dep-ref"])
    container += node
    if ref.partial:
        container += nodes.Text(" (partial)")
    return container


def project_xref(target: str) -> addnodes.pending_xref:
    """A reference to another project's proposal (``runtime:DEP-0012``), resolved by the dep domain."""
    return addnodes.pending_xref(
        "",
        nodes.inline(target, target),
        refdomain="dep",
        reftype="dep",
        reftarget=target,
        refexplicit=False,
        refwarn=False,
    )


def _implementation_node(link: Link) -> nodes.Node:
    """An implementation link (or another project's proposal), with its provisional (BETA)
    mark and code reviewers."""
    reference: nodes.Node
    if link.project is not None:
        reference = nodes.inline(classes=["dep-ref"])
        reference += project_xref(link.url)
    else:
        reference = nodes.reference(link.label, link.label, refuri=link.url)
    if not link.provisional and not link.code_reviewers:
        return reference
    node = nodes.inline()
    node += reference
    if link.provisional:
        node += nodes.Text(" ")
        node += nodes.inline("provisional", "provisional", classes=["dep-badge", "dep-provisional"])
    if link.code_reviewers:
        node += nodes.Text(" (code review: ")
        for index, person in enumerate(link.code_reviewers):
            if index:
                node += nodes.Text(", ")
            node += person_node(person)
        node += nodes.Text(")")
    return node


def _joined(items: Sequence[nodes.Node]) -> nodes.paragraph:
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
    header += status_badge(dep.status, settings)
    header += nodes.Text(" ")
    # A draft's need id (DEP-DRAFT-<SLUG>) is an anchor, not a name a reader needs.
    shown = need_id if dep.number else "Draft"
    header += nodes.strong(shown, shown, classes=["dep-id"])
    if dep.category:
        header += nodes.inline(dep.category, dep.category, classes=["dep-category"])
    if dep.embargoed:
        header += nodes.inline("Embargoed", "Embargoed", classes=["dep-badge", "dep-embargoed"])
    if dep.retroactive:
        header += nodes.inline("Retroactive", "Retroactive", classes=["dep-badge", "dep-retroactive"])
    card += header

    fields = nodes.field_list(classes=["dep-fields"])
    if dep.authors:
        authors: list[nodes.Node] = []
        for person in dep.authors:
            node = nodes.inline()
            node += person_node(person)
            # Marked when the header names the primary author (seed line 317); else it is the first.
            if dep.primary_author_given is not None and person == dep.primary_author:
                node += nodes.Text(" ")
                node += nodes.inline("primary", "primary", classes=["dep-badge", "dep-primary-author"])
            authors.append(node)
        fields += _field("Authors", _joined(authors), "authors")
    if dep.areas:
        declared = areas(settings)
        names = [declared[key].name if key in declared else key for key in dep.areas]
        shown_areas: list[nodes.Node] = [
            nodes.inline(name, name, classes=["dep-area-name", f"dep-area-{key}"])
            for key, name in zip(dep.areas, names, strict=True)
        ]
        fields += _field("Area" if len(dep.areas) == 1 else "Areas", _joined(shown_areas), "area")
    if dep.pic is not None:
        fields += _field("PIC", _joined([person_node(dep.pic)]), "pic")
    if dep.priority is not None:
        fields += _field("Priority", nodes.paragraph(dep.priority, dep.priority), "priority")
    if dep.sponsors:
        fields += _field("Sponsor", _joined([person_node(p) for p in dep.sponsors]), "sponsor")
    if dep.review_requested:
        text = dep.review_requested.isoformat()
        fields += _field("Review requested", nodes.paragraph(text, text), "review-requested")
    if dep.review_date:
        text = dep.review_date.isoformat()
        fields += _field("Review date", nodes.paragraph(text, text), "review-date")
    for extension in dep.review_extensions:
        text = f"to {extension.until.isoformat()} by {extension.by.display}"
        text += f" on {extension.on.isoformat()}" if extension.on else ""
        text += f": {extension.reason}" if extension.reason else ""
        fields += _field("Review extended", nodes.paragraph(text, text), "review-extension")
    if dep.tracking:
        links = [nodes.reference(issue.key, issue.key, refuri=issue.url) for issue in dep.tracking]
        fields += _field("Tracking", _joined(links), "tracking")
    if dep.target_completion:
        text = dep.target_completion.isoformat()
        fields += _field("Target completion", nodes.paragraph(text, text), "target-completion")
    if dep.replaces:
        fields += _field("Replaces", _joined([dep_xref(r, settings) for r in dep.replaces]), "replaces")
    if dep.replaced_by:
        fields += _field(
            "Replaced by", _joined([dep_xref(r, settings) for r in dep.replaced_by]), "replaced-by"
        )
    if dep.extends:
        fields += _field("Extends", _joined([dep_xref(r, settings) for r in dep.extends]), "extends")
    if dep.related:
        fields += _field("Related", _joined([dep_xref(r, settings) for r in dep.related]), "related")
    if dep.pull_request:
        url = dep.pull_request
        fields += _field("Pull request", _joined([nodes.reference(url, url, refuri=url)]), "pull-request")
    if dep.implementation:
        fields += _field(
            "Implementation",
            _joined([_implementation_node(link) for link in dep.implementation]),
            "implementation",
        )
    if dep.no_implementation:
        text = dep.no_implementation
        fields += _field("No implementation", nodes.paragraph(text, text), "no-implementation")
    if dep.decision:
        fields += _field("Decision", nodes.paragraph(dep.decision, dep.decision), "decision")
    if dep.amendments:
        amendments = nodes.bullet_list(classes=["dep-amendments"])
        for amendment in dep.amendments:
            item = nodes.list_item()
            paragraph = nodes.paragraph()
            paragraph += nodes.Text(f"{amendment.on.isoformat()} ")
            paragraph += nodes.reference(
                amendment.pull_request, amendment.pull_request, refuri=amendment.pull_request
            )
            paragraph += nodes.Text(f": {amendment.summary}")
            item += paragraph
            amendments += item
        fields += _field("Amendments", amendments, "amendments")
    for name, value in dep.unmapped.items():
        label = f"{name} (unmapped)"
        fields += _field(label, nodes.paragraph(value, value), "unmapped")
    template = dep.template.value
    fields += _field("Template", nodes.paragraph(template, template), "template")
    card += fields
    # The reviewer matrix: who must review, where each stands, and whether the rule holds.
    card += review_matrix(dep)
    return card


# --------------------------------------------------------------------------------------
# The reviewer matrix
# --------------------------------------------------------------------------------------


def review_matrix(dep: Dep) -> nodes.container:
    """Required reviewers and their status as a table, and whether the approval rule is met."""
    matrix = nodes.container(classes=["dep-review-matrix"])
    if dep.reviewers:
        table = nodes.table(classes=["dep-reviewers"])
        group = nodes.tgroup(cols=2)
        table += group
        group += [nodes.colspec(colwidth=3), nodes.colspec(colwidth=2)]
        head = nodes.thead()
        group += head
        head += _row(
            [nodes.paragraph("Required reviewer", "Required reviewer"), nodes.paragraph("Review", "Review")]
        )
        body = nodes.tbody()
        group += body
        for reviewer in dep.reviewers:
            name = nodes.paragraph()
            name += person_node(reviewer.person)
            status = nodes.paragraph()
            status += review_badge(reviewer.status)
            body += _row([name, status])
        matrix += table
    met = rules.approval_met(dep)
    summary = rules.approval_summary(dep)
    state = "none" if not dep.reviewers and not dep.decision else ("met" if met else "unmet")
    if dep.status in process.NEEDS_VERDICTS:
        state = "none"  # a decision against, never shown as an approval met
    matrix += nodes.paragraph(summary, summary, classes=["dep-approval", f"dep-approval-{state}"])
    return matrix


def _row(cells: list[nodes.Node]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += cell
        row += entry
    return row


# --------------------------------------------------------------------------------------
# Alternatives and phases
# --------------------------------------------------------------------------------------

#: Parses one item's inline markup into nodes (the directive's own inline parser).
Inline = Callable[[str], list[nodes.Node]]


def _items(items: list[str], inline: Inline, key: str) -> nodes.bullet_list:
    bullets = nodes.bullet_list(classes=[f"dep-{key}"])
    for text in items:
        item = nodes.list_item()
        paragraph = nodes.paragraph()
        paragraph += inline(text)
        item += paragraph
        bullets += item
    return bullets


def _labelled(card: nodes.container, label: str, items: list[str], inline: Inline, key: str) -> None:
    if not items:
        return
    card += nodes.paragraph(label, "", nodes.strong(label, label), classes=["dep-part-label"])
    card += _items(items, inline, key)


def _part_header(kind: str, title: str, inline: Inline, key: str) -> nodes.paragraph:
    header = nodes.paragraph(classes=["dep-card-header"])
    header += nodes.inline(kind, kind, classes=["dep-badge", f"dep-{key}-badge"])
    header += nodes.Text(" ")
    strong = nodes.strong(classes=["dep-part-title"])
    strong += inline(title)
    header += strong
    return header


def alternative_card(alternative: Alternative, need_id: str | None, inline: Inline) -> nodes.container:
    """A rejected alternative: its title, then pros, cons, reasons and notes as lists."""
    card = nodes.container(classes=["dep-alternative"], ids=[need_id] if need_id else [])
    kind = (
        "Rejected alternative" if alternative.number is None else f"Rejected alternative {alternative.number}"
    )
    card += _part_header(kind, alternative.title or "Untitled", inline, "alternative")
    _labelled(card, "Pros", alternative.pros, inline, "pros")
    _labelled(card, "Cons", alternative.cons, inline, "cons")
    _labelled(card, "Reason rejected", alternative.reason_rejected, inline, "reason-rejected")
    _labelled(card, "Notes", alternative.notes, inline, "notes")
    return card


def phase_card(
    phase: Phase, need_id: str | None, inline: Inline, settings: DepConfig | None = None
) -> nodes.container:
    """An implementation phase: number and title, target, effort, work items, scope."""
    card = nodes.container(classes=["dep-phase"], ids=[need_id] if need_id else [])
    number = f"Phase {phase.number}" if phase.number >= 0 else "Phase"
    card += _part_header(number, phase.title, inline, "phase")
    fields = nodes.field_list(classes=["dep-fields"])
    if phase.release_target:
        fields += _field(
            "Release target", nodes.paragraph(phase.release_target, phase.release_target), "release-target"
        )
    if phase.effort:
        fields += _field("Effort", nodes.paragraph(phase.effort, phase.effort), "effort")
    if phase.work_items:
        links = [nodes.reference(link.label, link.label, refuri=link.url) for link in phase.work_items]
        fields += _field("Work items", _joined(links), "work-items")
    if phase.status is not None:
        text = phase.status.value
        fields += _field("Status", nodes.paragraph(text, text), "phase-status")
    if phase.moved_to:
        fields += _field(
            "Moved to", _joined([dep_xref(r, settings or DepConfig()) for r in phase.moved_to]), "moved-to"
        )
    if len(fields):
        card += fields
    _labelled(card, "Supported", phase.supported, inline, "supported")
    _labelled(card, "Not supported", phase.not_supported, inline, "not-supported")
    return card
