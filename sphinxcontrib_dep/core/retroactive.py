"""Retroactive records: a proposal drafted after the fact from a merged pull request.

The real drafts ask for it ("a lightweight path from implementation PRs to retroactive
design documentation", ``0000-dep-process-improvements.md``): a change that merged with its
design only in the pull request's body gets a record. :func:`draft` writes one from a
:class:`~.github.PullRequest`: its title, its author, its merge date as the review date, the
pull request as the implementation, status Implemented, ``:retroactive: yes``; the body's
sections are mapped onto the template's (``## Why`` to Motivation, ``## Changes`` to
Proposal, ...), and what maps to none is kept under Proposal. The review-window rules do
not apply to such a record (its review date is the merge, before the file existed); the
section rules do. Sphinx-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import editing
from .github import PullRequest
from .model import Template, normalize_key
from .sections import sections_for

#: Headings of a pull request's body, as people write them, and the section each fills.
SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "Summary": (
        "summary",
        "overview",
        "description",
        "what",
        "whatdoesthisprdo",
        "tldr",
        "abstract",
        "about",
    ),
    "Motivation": (
        "motivation",
        "why",
        "background",
        "context",
        "problem",
        "rationale",
        "whyisthischangeneeded",
        "whyisthisneeded",
    ),
    "Proposal": (
        "proposal",
        "changes",
        "details",
        "design",
        "implementation",
        "approach",
        "solution",
        "whatchanged",
        "changesmade",
        "how",
        "howitworks",
    ),
    "Alternate Solutions": (
        "alternatives",
        "alternatesolutions",
        "alternativesconsidered",
        "alternativesolutions",
    ),
}

_HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Part:
    """A part of a pull request's body: under a heading (``None``: before the first one)."""

    heading: str | None
    level: int
    text: str


def _headings(lines: list[str]) -> list[tuple[int, int]]:
    """``(index, level)`` of each Markdown heading outside fenced code blocks."""
    found = []
    fence: str | None = None
    for index, line in enumerate(lines):
        opened = _FENCE_RE.match(line)
        if fence is not None:
            if opened and opened.group("fence")[0] == fence[0] and len(opened.group("fence")) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group("fence")
            continue
        heading = _HEADING_RE.match(line)
        if heading:
            found.append((index, len(heading.group("hashes"))))
    return found


def body_parts(body: str) -> list[Part]:
    """The body cut at its highest headings (never inside a fenced code block); deeper
    headings stay in their part. HTML comments (the pull request template's hints) are dropped."""
    body = _COMMENT_RE.sub("", body.replace("\r\n", "\n").replace("\r", "\n"))
    lines = body.split("\n")
    found = _headings(lines)
    top = min((level for _, level in found), default=0)
    cuts = {index for index, level in found if level == top}
    parts: list[Part] = []
    heading: str | None = None
    level = 0
    current: list[str] = []
    for index, line in enumerate(lines):
        if index in cuts:
            match = _HEADING_RE.match(line)
            assert match is not None
            parts.append(Part(heading, level, "\n".join(current).strip("\n")))
            heading, level, current = match.group("text").strip(), top, []
            continue
        current.append(line)
    parts.append(Part(heading, level, "\n".join(current).strip("\n")))
    return [part for part in parts if part.text.strip() or part.heading]


def section_of(heading: str) -> str | None:
    """The template section a body heading fills (``## Why`` -> Motivation), or ``None``."""
    key = normalize_key(re.sub(r"[^\w\s]", " ", heading))
    return next((name for name, words in SECTION_WORDS.items() if key in words), None)


def _demoted(text: str, floor: int) -> str:
    """``text`` with its headings moved so that the highest is at level ``floor``, the others below it."""
    lines = text.split("\n")
    found = _headings(lines)
    if not found:
        return text
    shift = floor - min(level for _, level in found)  # the highest becomes ``floor``
    for index, _level in found:
        heading = _HEADING_RE.match(lines[index])
        assert heading is not None
        lines[index] = (
            "#" * max(1, min(6, len(heading.group("hashes")) + shift)) + " " + heading.group("text")
        )
    return "\n".join(lines)


def draft(
    pull: PullRequest,
    *,
    title: str,
    authors: str,
    category: str | None,
    template: Template,
    number: int,
    path: str,
    myst: object = None,
) -> str:
    """The record's text: the header, then the template's required sections filled from the body."""
    assert pull.url is not None  # the caller refuses a pull request without its address
    merged = pull.merged_at.date().isoformat() if pull.merged_at else None
    skeleton = f"# {title}\n\n```{{dep-meta}}\n:status: Implemented\n```\n"
    changes: dict[str, str | None] = {
        "number": str(number),
        "status": "Implemented",
        "authors": authors,
        "category": category,
        "review-date": merged,
        "implementation": pull.url,
        "template": template.value,
        "retroactive": "yes",
    }
    header = editing.set_options(skeleton, path, {k: v for k, v in changes.items() if v is not None}, myst)
    filled: dict[str, list[str]] = {
        "Summary": [],
        "Motivation": [],
        "Proposal": [],
        "Alternate Solutions": [],
    }
    extra: list[str] = []
    for part in body_parts(pull.body):
        if part.heading is None:
            filled["Summary"].append(_demoted(part.text, 3))
            continue
        name = section_of(part.heading)
        if name is not None:
            if part.text.strip():
                filled[name].append(_demoted(part.text, 3))
        else:
            extra.append(f"### {part.heading}\n\n{_demoted(part.text, 4)}".rstrip())
    by = f" by {pull.author.handle}" if pull.author is not None else ""
    when = f" on {merged}" if merged else ""
    record = (
        f"This record was written after the fact from pull request [#{pull.number}]({pull.url}), "
        f"merged{when}{by}; the design was reviewed in the pull request itself."
    )
    defaults = {
        "Summary": pull.title,
        "Motivation": f"Pull request #{pull.number} states no motivation of its own; see its discussion.",
        "Proposal": "",
        "Alternate Solutions": f"N/A: pull request #{pull.number} records no alternatives.",
    }
    out = [header.rstrip("\n"), ""]
    for section in sections_for(template):
        need = section.need(template)
        if section.parent is not None or need is None or not need.required:
            continue
        parts = filled.get(section.name, [])
        if section.name == "Proposal":
            parts = [record, *parts, *extra]
        text = "\n\n".join(p for p in parts if p.strip()) or defaults.get(section.name, "N/A")
        out += [f"## {section.name}", "", text.strip(), ""]
    return "\n".join(out)
