"""Tier 1: templates, section and placeholder rules, alternatives, phases, lifecycle and review rules."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from helpers import fill

from sphinxcontrib_dep.core import analysis, parsing, parts, rules, sections
from sphinxcontrib_dep.core.config import DepConfig
from sphinxcontrib_dep.core.diagnostics import Code
from sphinxcontrib_dep.core.model import Dep, Person, Reviewer, ReviewStatus, Status, Template
from sphinxcontrib_dep.core.sections import SECTIONS, Need, sections_for, template_text

# The proposals here are numbered drafts (0001-x.md, In Progress) for brevity.
CONFIG = DepConfig(early_numbering=True)


def lint_lines(text: str, path: str = "deps/0001-x.md", config: DepConfig = CONFIG) -> list[str]:
    _, diagnostics = analysis.lint_text(text, path, config)
    return [d.format() for d in diagnostics]


def proposal(status: str = "Approved", body: str | None = None, meta: str = "", template: str = "") -> str:
    """A proposal with every required section unless ``body`` says otherwise."""
    if body is None:
        body = "".join(f"## {name}\n\nText.\n\n" for name in ("Summary", "Motivation", "Proposal"))
        body += "## Alternate Solutions\n\nN/A\n"
    reviewers = ":required-reviewers: @grahamking (approved)\n" if status == "Approved" else ""
    extra = f":template: {template}\n" if template else ""
    return f"# A proposal\n\n```{{dep-meta}}\n:status: {status}\n:authors: @a\n{reviewers}{extra}{meta}```\n\n{body}"


# --------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", list(Template))
def test_template_files_follow_the_section_list(template: Template) -> None:
    text = template_text(template)
    scanned = parsing.scan(text, f"deps/0000-{template.value}.md")
    found = sections.recognize(scanned)
    assert [f.section for f in found] == sections_for(template)
    lines = text.splitlines()
    for item in found:
        # Sections are ##, sub-sections ###, and each says how the template asks for it.
        assert item.heading.level == item.section.depth + 1, item.section.name
        assert item.heading.text == item.section.name
        marker = lines[item.heading.line + 1]
        assert marker == item.section.need(template).value, item.section.name
    dep, _, _ = parsing.parse_file(text, f"deps/0000-{template.value}.md", CONFIG)
    assert dep is not None and dep.template is template and dep.status is Status.NOT_STARTED


def test_limited_is_the_complete_template_minus_its_extra_sections() -> None:
    limited, complete = sections_for(Template.LIMITED), sections_for(Template.COMPLETE)
    assert set(limited) < set(complete)
    assert [s for s in complete if s in limited] == limited  # same order
    assert {s.name for s in limited} == {
        "Summary",
        "Motivation",
        "Goals",
        "Non Goals",
        "Requirements",
        "Proposal",
        "Alternate Solutions",
    }
    # Same text wherever the two share a section: the limited one is cut from the complete one.
    text = template_text(Template.COMPLETE).replace(":template: complete", ":template: limited")
    details, alternatives = (
        text.index("\n## Implementation Details\n"),
        text.index("\n## Alternate Solutions\n"),
    )
    text = text[:details] + text[alternatives : text.index("\n## Background\n")]
    assert text.rstrip("\n") == template_text(Template.LIMITED).rstrip("\n")


def test_required_sections_are_those_of_the_process() -> None:
    required = {s.name: s.complete for s in SECTIONS if s.complete.required}
    assert required == {
        "Summary": Need.REQUIRED,
        "Motivation": Need.REQUIRED,
        "Proposal": Need.REQUIRED,
        "Alternate Solutions": Need.REQUIRED_NA,
    }


@pytest.mark.parametrize("template", list(Template))
def test_untouched_template_reports_only_its_placeholders(template: Template) -> None:
    text = template_text(template)
    _, diagnostics = analysis.lint_text(text, f"deps/0000-{template.value}.md", CONFIG)
    assert {d.code for d in diagnostics} == {Code.PLACEHOLDER}
    lines = {d.line for d in diagnostics}
    source = text.splitlines()
    # Every marker and every stand-in of the template is reported at its own line.
    for number, line in enumerate(source, start=1):
        if "[Required" in line or "[Optional" in line or re.search(r"\\?<[^<>]+\\?>", line):
            assert number in lines, (number, line)
    # Each section's instructions are reported in that section.
    messages = [d.message for d in diagnostics]
    assert "placeholder '<Title>' left from the template in the title" in messages
    for section in sections_for(template):
        assert any(f"in section '{section.name}'" in m for m in messages), section.name


@pytest.mark.parametrize("template", list(Template))
def test_filled_template_lints_clean(template: Template) -> None:
    assert lint_lines(fill(template_text(template)), f"deps/0001-{template.value}.md") == []


# --------------------------------------------------------------------------------------
# Section rules
# --------------------------------------------------------------------------------------


def test_complete_proposal_passes() -> None:
    assert lint_lines(proposal()) == []


def test_na_is_an_answer_and_aliases_are_accepted() -> None:
    body = (
        "## Summary\n\nText.\n\n## Motivation\n\nText.\n\n### Non-Goals\n\nText.\n\n"
        "## 3. Proposal\n\nText.\n\n## Alternatives\n\nN/A\n"
    )
    assert lint_lines(proposal(body=body)) == []


def test_legacy_layout_with_level_one_sections_is_recognized() -> None:
    body = (
        "# Summary\n\nText.\n\n# Motivation\n\nText.\n\n## Goals\n\nText.\n\n### Non Goals\n\nText.\n\n"
        "# Proposal\n\nText.\n\n# Alternate Solutions\n\nN/A\n"
    )
    text = proposal(body=body)
    assert lint_lines(text) == []
    names = [f.section.name for f in sections.recognize(parsing.scan(text, "deps/0001-x.md"))]
    assert names == ["Summary", "Motivation", "Goals", "Non Goals", "Proposal", "Alternate Solutions"]


def test_mixed_levels_as_some_legacy_proposals_have_them() -> None:
    # Summary and Motivation one level below Proposal, Non-goals beside Motivation.
    body = (
        "## Summary\n\nText.\n\n## Motivation\n\nText.\n\n## Non-goals\n\nText.\n\n# Proposal\n\n"
        "## Overview\n\nText.\n\n### Motivation\n\nNested: not the section.\n\n# Alternate Solutions\n\nN/A\n"
    )
    text = proposal(body=body)
    assert lint_lines(text) == []
    found = sections.recognize(parsing.scan(text, "deps/0001-x.md"))
    assert [(f.section.name, f.heading.line) for f in found] == [
        ("Summary", 9),
        ("Motivation", 13),
        ("Non Goals", 17),
        ("Proposal", 21),
        ("Alternate Solutions", 31),
    ]


def test_sections_nested_in_another_heading_do_not_count() -> None:
    body = "## Proposal\n\n### Summary\n\n### Motivation\n\nText.\n\n## Alternate Solutions\n\nN/A\n"
    assert [line.split(": ", 1)[1] for line in lint_lines(proposal(body=body))] == [
        "missing section 'Summary', which the limited template requires (before 'Proposal') [dep.section_missing]",
        "missing section 'Motivation', which the limited template requires (before 'Proposal') [dep.section_missing]",
    ]


def test_missing_sections_are_located_before_the_next_one() -> None:
    body = "## Summary\n\nText.\n\n## Proposal\n\nText.\n"
    assert lint_lines(proposal(body=body)) == [
        "deps/0001-x.md:13: missing section 'Motivation', which the limited template requires "
        "(before 'Proposal') [dep.section_missing]",
        "deps/0001-x.md:13: missing section 'Alternate Solutions', which the limited template requires; "
        "write N/A if there are none [dep.section_missing]",
    ]


def test_headings_in_code_blocks_are_not_sections() -> None:
    body = (
        "## Summary\n\nText.\n\n```markdown\n## Motivation\n\nText.\n```\n\n"
        "## Proposal\n\nText.\n\n## Alternate Solutions\n\nN/A\n"
    )
    assert [line.rsplit("[", 1)[1] for line in lint_lines(proposal(body=body))] == ["dep.section_missing]"]


def test_sub_sections_count_only_inside_their_section() -> None:
    # "References" under Proposal is the author's own heading, not Background's sub-section.
    body = (
        "## Summary\n\nText.\n\n## Motivation\n\nText.\n\n## Proposal\n\n### References\n\nText.\n\n"
        "### Goals\n\nText.\n\n## Alternate Solutions\n\nN/A\n"
    )
    assert lint_lines(proposal(body=body)) == []


def test_drafts_may_be_incomplete_unless_configured() -> None:
    text = proposal(status="In Progress", body="## Summary\n\nText.\n")
    assert lint_lines(text) == []
    strict = DepConfig(require_sections_in_drafts=True, early_numbering=True)
    assert [line.rsplit(" ", 1)[1] for line in lint_lines(text, config=strict)] == [
        "[dep.section_missing]"
    ] * 3


def test_complete_template_requires_no_more_than_limited() -> None:
    # The complete template's extra sections are optional; it differs by offering them.
    assert lint_lines(proposal(template="complete")) == []


def test_order_reports_the_moved_section_only() -> None:
    body = (
        "## Alternate Solutions\n\nN/A\n\n## Summary\n\nText.\n\n## Motivation\n\nText.\n\n"
        "## Proposal\n\nText.\n"
    )
    assert lint_lines(proposal(body=body)) == [
        "deps/0001-x.md:9: section 'Alternate Solutions' is out of the template's order: "
        "it belongs after 'Proposal' [dep.section_order]",
    ]


# --------------------------------------------------------------------------------------
# Placeholders
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Line break<br>and <https://example.com/x> and <details>.",
        "Generic types like `Vec<T>` and Result<T, E> in prose, and a < b > c.",
        "<!-- a comment <Title> -->",
        "An [Optional feature] and a [Required input] in prose.",
    ],
)
def test_ordinary_text_is_not_a_placeholder(text: str) -> None:
    body = f"## Summary\n\n{text}\n\n## Motivation\n\nText.\n\n## Proposal\n\nText.\n\n## Alternate Solutions\n\nN/A\n"
    assert lint_lines(proposal(body=body)) == []


def test_legacy_escaped_placeholders_and_markers() -> None:
    body = (
        "## Summary\n\n**\\[Required\\]**\n\nText.\n\n## Motivation\n\nText.\n\n### Requirements\n\n"
        "#### REQ \\<\\#\\> \\<Title\\>\n\nText.\n\n## Proposal\n\nText.\n\n## Alternate Solutions\n\n"
        "List out solutions that were considered but ultimately rejected. Consider free form \\- but a "
        "possible format shown below.\n"
    )
    assert lint_lines(proposal(body=body)) == [
        "deps/0001-x.md:11: template marker '**[Required]**' left in section 'Summary' [dep.placeholder]",
        "deps/0001-x.md:21: placeholders '<#>', '<Title>' left from the template in section 'Requirements' "
        "[dep.placeholder]",
        "deps/0001-x.md:31: template instructions left unchanged in section 'Alternate Solutions': "
        "'List out solutions that were considered…' [dep.placeholder]",
    ]


def test_placeholders_in_rst() -> None:
    text = (
        "Title\n=====\n\n.. dep-meta::\n   :status: In Progress\n\nSummary\n-------\n\n**[Required]**\n\n"
        "Write <Summary> here.\n\n.. code-block:: text\n\n   <Title> in code\n"
    )
    assert lint_lines(text, "deps/0001-x.rst") == [
        "deps/0001-x.rst:10: template marker '**[Required]**' left in section 'Summary' [dep.placeholder]",
        "deps/0001-x.rst:12: placeholder '<Summary>' left from the template in section 'Summary' [dep.placeholder]",
    ]


# --------------------------------------------------------------------------------------
# Alternatives and phases
# --------------------------------------------------------------------------------------


def block(text: str) -> parsing.Block:
    return parsing.scan(text, "deps/0001-x.md").blocks[0]


def test_alternative_reads_labelled_lists() -> None:
    alternative, diagnostics = parts.parse_alternative(
        block(
            "```{dep-alternative} Keep proposals in *Google Docs*\n"
            "**Pros:**\n- Real-time collaboration\n- Comments that\n  wrap\n\n"
            "**cons**: Hard to share outside the company\n"
            "**Reasons to reject:**\n1. The team should own its template\n"
            "**Notes:**\nFree text,\nover two lines.\n\nA second paragraph.\n```\n"
        ),
        "deps/0001-x.md",
    )
    assert diagnostics == []
    assert alternative.title == "Keep proposals in *Google Docs*"
    assert alternative.pros == ["Real-time collaboration", "Comments that wrap"]
    assert alternative.cons == ["Hard to share outside the company"]
    assert alternative.reason_rejected == ["The team should own its template"]
    assert alternative.notes == ["Free text, over two lines.", "A second paragraph."]
    assert alternative.line == 1


def test_bold_text_that_is_not_a_label_stays_text() -> None:
    alternative, diagnostics = parts.parse_alternative(
        block("```{dep-alternative} X\n**Reason rejected:**\n**MUST** is too strong here.\n```\n"),
        "deps/0001-x.md",
    )
    assert (alternative.reason_rejected, diagnostics) == (["**MUST** is too strong here."], [])


def test_phase_reads_argument_options_and_lists() -> None:
    phase, diagnostics = parts.parse_phase(
        block(
            "```{dep-phase} Phase 2: Folder structure\n:release-target: 0.5\n:effort-estimate: 2 engineers, 1 week\n"
            ":work-items: https://github.com/o/r/issues/1, https://github.com/o/r/pull/2\n\n"
            "**Supported API / Behavior:**\n- Templates\n\n**Not supported:**\n- The CLI\n```\n"
        ),
        "deps/0001-x.md",
    )
    assert diagnostics == []
    assert (phase.number, phase.title, phase.release_target, phase.effort) == (
        2,
        "Folder structure",
        "0.5",
        "2 engineers, 1 week",
    )
    assert [link.label for link in phase.work_items] == ["o/r#1", "o/r#2"]
    assert (phase.supported, phase.not_supported) == (["Templates"], ["The CLI"])


def test_lint_attaches_alternatives_and_phases_to_the_proposal() -> None:
    body = (
        "## Summary\n\nText.\n\n## Motivation\n\nText.\n\n## Proposal\n\nText.\n\n## Implementation Phases\n\n"
        "```{dep-phase} 0 First\n```\n\n## Alternate Solutions\n\n"
        "```{dep-alternative} Other\n**Reason rejected:**\n- No\n```\n"
    )
    dep, diagnostics = analysis.lint_text(proposal(body=body, template="complete"), "deps/0001-x.md", CONFIG)
    assert diagnostics == []
    assert dep is not None
    assert [(a.title, a.reason_rejected) for a in dep.alternatives] == [("Other", ["No"])]
    assert [(p.number, p.title) for p in dep.phases] == [(0, "First")]


# --------------------------------------------------------------------------------------
# Lifecycle and review rules
# --------------------------------------------------------------------------------------


def check(**fields: object) -> list[tuple[Code, str]]:
    dep = Dep(path="deps/0001-x.md", line=3, number=1, **fields)  # type: ignore[arg-type]
    return [(d.code, d.message) for d in rules.check_dep(dep, CONFIG)]


REVIEWER = Reviewer(Person(handle="grahamking"), ReviewStatus.APPROVED)


def test_under_review_needs_sponsor_reviewer_and_date() -> None:
    complete = {"sponsors": [Person(handle="a")], "reviewers": [REVIEWER], "review_date": date(2025, 7, 1)}
    assert check(status=Status.UNDER_REVIEW, **complete) == []
    for missing in complete:
        found = check(status=Status.UNDER_REVIEW, **{k: v for k, v in complete.items() if k != missing})
        assert [code for code, _ in found] == [Code.REVIEW_INCOMPLETE], missing


def test_approved_needs_every_reviewer_or_a_decision() -> None:
    pending = [REVIEWER, Reviewer(Person(handle="kthui"), ReviewStatus.CHANGES_REQUESTED)]
    assert [c for c, _ in check(status=Status.APPROVED, reviewers=pending)] == [Code.APPROVAL]
    assert check(status=Status.APPROVED, reviewers=pending, decision="The PIC decided: ship it") == []
    deferred = [REVIEWER, Reviewer(Person(handle="kthui"), ReviewStatus.DEFERRED)]
    assert check(status=Status.APPROVED, reviewers=deferred) == []
    # Nobody approved what has no reviewers: the rule is not met vacuously.
    assert check(status=Status.APPROVED) == [
        (
            Code.APPROVAL,
            "Approved without required reviewers; name them in :required-reviewers: or record who made the "
            "final call, and why, in :decision:",
        )
    ]
    assert check(status=Status.APPROVED, decision="The lead architect approved it") == []


@pytest.mark.parametrize("status", list(Status))
def test_only_drafts_may_stay_unnumbered(status: Status) -> None:
    dep = Dep(
        path="deps/0000-x.md",
        status=status,
        reviewers=[REVIEWER],
        sponsors=[Person(handle="a")],
        review_date=date(2025, 7, 1),
        implementation=[],
        replaced_by=[],
    )
    codes = {d.code for d in rules.check_dep(dep, CONFIG)}
    allowed = status in {Status.NOT_STARTED, Status.IN_PROGRESS, Status.UNDER_REVIEW}
    assert (Code.UNNUMBERED not in codes) is allowed


def test_implemented_and_superseded_need_their_links() -> None:
    from sphinxcontrib_dep.core.model import DepRef, Link

    assert [c for c, _ in check(status=Status.IMPLEMENTED)] == [Code.IMPLEMENTATION_MISSING]
    assert check(status=Status.IMPLEMENTED, implementation=[Link("https://github.com/o/r/pull/1")]) == []
    assert [c for c, _ in check(status=Status.SUPERSEDED)] == [Code.SUPERSEDED_MISSING]
    assert check(status=Status.SUPERSEDED, replaced_by=[DepRef(number=2)]) == []


def test_review_window() -> None:
    base = {"status": Status.APPROVED, "reviewers": [REVIEWER], "review_requested": date(2025, 7, 1)}
    assert check(review_date=date(2025, 7, 15), **base) == []  # 14 days: inside the window
    assert check(review_date=date(2025, 7, 16), **base) == [
        (
            Code.REVIEW_WINDOW,
            "review date 2025-07-16 is 15 days after :review-requested: (2025-07-01); the review window "
            "is 14 days; an author, a lead architect or the category's PIC may extend it (dep review extend)",
        )
    ]
    assert [c for c, _ in check(review_date=date(2025, 6, 30), **base)] == [Code.REVIEW_WINDOW]
    # Without :review-requested:, the date the command line found in history is used.
    dep = Dep(
        path="deps/0001-x.md",
        number=1,
        status=Status.APPROVED,
        reviewers=[REVIEWER],
        review_date=date(2025, 8, 1),
    )
    assert rules.check_dep(dep, CONFIG) == []
    assert [d.code for d in rules.check_dep(dep, CONFIG, entered_review=date(2025, 7, 1))] == [
        Code.REVIEW_WINDOW
    ]
    assert (
        rules.check_dep(
            dep, DepConfig(review_window_days=31, early_numbering=True), entered_review=date(2025, 7, 1)
        )
        == []
    )


def test_rules_point_at_the_option_that_matters() -> None:
    text = proposal(status="Approved", meta="")
    text = text.replace("(approved)", "(reviewing)")
    assert lint_lines(text) == [
        "deps/0001-x.md:6: Approved, but required reviewers have not all approved or deferred: "
        "@grahamking (Reviewing); record who made the final call, and why, in :decision: [dep.approval]",
    ]


def test_approval_helpers() -> None:
    dep = Dep(reviewers=[REVIEWER, Reviewer(Person(name="Maksim K"))])
    assert not rules.approval_met(dep)
    assert rules.approval_summary(dep) == (
        "Approval rule not met: 1 of 2 required reviewers approved or deferred; waiting on Maksim K (Not Started)."
    )
    dep.decision = "Category PIC approved on 2025-07-21"
    assert rules.approval_met(dep)
    assert rules.approval_summary(Dep()) == "No required reviewers yet."
    # A decided proposal had none: "yet" would say it still may.
    assert rules.approval_summary(Dep(status=Status.IMPLEMENTED)) == "No required reviewers were recorded."


# --------------------------------------------------------------------------------------
# The lifecycle graph
# --------------------------------------------------------------------------------------

ALLOWED = {
    ("Not Started", "In Progress"),
    ("In Progress", "Under Review"),
    ("Under Review", "Approved"),
    ("Under Review", "Rejected"),
    ("Under Review", "Deferred"),
    ("Under Review", "In Progress"),
    ("Deferred", "In Progress"),
    # The seed: a draft may be shelved or turned down; a deferred one may be overtaken.
    ("In Progress", "Deferred"),
    ("In Progress", "Rejected"),
    ("Deferred", "Superseded"),
    ("Approved", "Implemented"),
    ("Approved", "Superseded"),
    ("Implemented", "Superseded"),
}


@pytest.mark.parametrize("old", list(Status))
@pytest.mark.parametrize("new", list(Status))
def test_transitions_are_exactly_the_process_graph(old: Status, new: Status) -> None:
    reason = rules.check_transition(old, new)
    assert (reason is None) == (old is new or (old.value, new.value) in ALLOWED)


def test_transition_reasons_and_strings() -> None:
    assert rules.check_transition("Approved", "in progress") == (
        "status change Approved -> In Progress is not allowed (from Approved: Implemented, Superseded)"
    )
    assert rules.check_transition("Rejected", "Approved") == (
        "status change Rejected -> Approved is not allowed (from Rejected: nothing: it is final)"
    )
    assert rules.check_transition(None, "Approved") is None  # a new file may start anywhere
    assert rules.check_transition("Draft", "Under Review") is None
    assert rules.check_transition("Accepted", "Approved") == "unknown previous status 'Accepted'"


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz is not installed")
def test_lifecycle_dot_renders_with_graphviz() -> None:
    dot = rules.lifecycle_dot()
    assert dot.count("->") == len(ALLOWED)
    result = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=True)
    assert all(status.value in result.stdout for status in Status)


@pytest.mark.parametrize("value", ["<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "<script>"])
def test_html_in_a_header_value_is_not_taken_for_a_stand_in(value: str) -> None:
    assert not parsing.is_empty(value)
    lines = lint_lines(proposal(status="In Progress", meta=f":sponsor: {value}\n"))
    assert len(lines) == 1 and lines[0].rsplit(" ", 1)[1] in {"[dep.person]", "[dep.url]"}


@pytest.mark.parametrize("value", ["<YYYY-MM-DD>", "\\<Title\\>", "<@handle or Name, comma-separated>"])
def test_a_stand_in_value_counts_as_not_given_and_is_reported_once(value: str) -> None:
    assert parsing.is_empty(value)
    lines = lint_lines(proposal(status="In Progress", meta=f":review-date: {value}\n"))
    assert [line.rsplit(" ", 1)[1] for line in lines] == ["[dep.placeholder]"]
