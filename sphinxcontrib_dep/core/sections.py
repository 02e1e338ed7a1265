"""The sections of the two templates, defined once, and the rules that check a proposal's sections.

:data:`SECTIONS` is the single list: names, nesting, order, whether each template requires
a section, and the other headings accepted for it. The shipped template files
(``templates/limited.md``, ``templates/complete.md``) are checked against it by the tests,
and their instruction paragraphs are what :func:`check_sections` recognizes as
"left unchanged from the template".
"""

from __future__ import annotations

import bisect
import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from . import reader
from .config import DepConfig
from .diagnostics import Code, Diagnostic
from .model import DRAFT_STATUSES, Dep, Template, normalize_key
from .parsing import STAND_IN_RE, Heading, ScannedFile, is_html_tag


class Need(enum.Enum):
    """How a template asks for a section; the value is the marker the template shows."""

    REQUIRED = "**[Required]**"
    REQUIRED_NA = "**[Required, if not applicable write N/A]**"
    OPTIONAL = "**[Optional - if not applicable omit]**"

    @property
    def required(self) -> bool:
        return self is not Need.OPTIONAL


@dataclass(frozen=True)
class Section:
    """One section of the templates."""

    name: str
    #: The enclosing section, for the sub-sections (Goals sits under Motivation).
    parent: str | None
    #: How the limited template asks for it; ``None`` when only the complete one has it.
    limited: Need | None
    complete: Need
    #: Other headings accepted for this section.
    aliases: tuple[str, ...] = ()

    def need(self, template: Template) -> Need | None:
        return self.limited if template is Template.LIMITED else self.complete

    @property
    def depth(self) -> int:
        """1 for a section, 2 for a sub-section."""
        return 1 if self.parent is None else 2

    def match_keys(self) -> set[str]:
        return {normalize_key(name) for name in (self.name, *self.aliases)}


_R, _NA, _O = Need.REQUIRED, Need.REQUIRED_NA, Need.OPTIONAL

#: Every section of the process, in the order the templates prescribe. The limited
#: template holds those with a ``limited`` need; the complete template holds them all.
SECTIONS: tuple[Section, ...] = (
    Section("Summary", None, _R, _R, ("Abstract", "Overview")),
    Section("Motivation", None, _R, _R),
    Section("Goals", "Motivation", _O, _O),
    Section("Non Goals", "Motivation", _O, _O, ("Non-Goals", "Out of Scope")),
    Section("Requirements", "Motivation", _O, _O),
    Section("Proposal", None, _R, _R, ("Proposed Solution", "Design")),
    Section("Implementation Details", None, None, _O, ("Implementation",)),
    Section("Deferred to Implementation", "Implementation Details", None, _O, ("Deferred",)),
    Section("Implementation Phases", None, None, _O, ("Phases",)),
    Section("Related Proposals", None, None, _O, ("Related", "Related Decision Records")),
    Section(
        "Alternate Solutions",
        None,
        _NA,
        _NA,
        ("Alternatives", "Alternative Solutions", "Alternatives Considered", "Rejected Alternatives"),
    ),
    Section("Background", None, None, _O),
    Section("References", "Background", None, _O),
    Section("Terminology & Definitions", "Background", None, _O, ("Terminology", "Definitions")),
    Section("Acronyms & Abbreviations", "Background", None, _O, ("Acronyms", "Abbreviations")),
)


def sections_for(template: Template) -> list[Section]:
    """The sections of one template, in order."""
    return [s for s in SECTIONS if s.need(template) is not None]


_NUMBERING_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]?|[A-Za-z][.)])\s+")


def heading_key(text: str) -> str:
    """A heading folded for matching: numbering (``1.``), punctuation and case dropped."""
    return normalize_key(_NUMBERING_RE.sub("", text.replace("\\", "")))


def match_section(text: str, parent: str | None) -> Section | None:
    """The section a heading names, among the sections under ``parent`` (None: top level)."""
    key = heading_key(text)
    for section in SECTIONS:
        if section.parent == parent and key in section.match_keys():
            return section
    return None


# --------------------------------------------------------------------------------------
# The templates as package data
# --------------------------------------------------------------------------------------


def template_text(template: Template | str) -> str:
    """The text of a shipped template (``limited`` or ``complete``)."""
    name = template.value if isinstance(template, Template) else template
    return (
        resources.files("sphinxcontrib_dep").joinpath("templates", f"{name}.md").read_text(encoding="utf-8")
    )


#: Instruction paragraphs of the legacy templates that ours reworded; still recognized.
LEGACY_INSTRUCTIONS: tuple[str, ...] = (
    "List out solutions that were considered but ultimately rejected. Consider free form - but a "
    "possible format shown below.",
    "List out any additional goals in bullet points. Goals may be aspirational / difficult to measure "
    "but guide the proposal.",
)


def _fold_paragraph(text: str) -> str:
    text = text.replace("\\", "").replace("“", '"').replace("”", '"')
    text = re.sub(r"[*_`]", "", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


@lru_cache(maxsize=1)
def instruction_paragraphs() -> frozenset[str]:
    """The folded instruction paragraphs of both templates (and the legacy ones)."""
    found = {_fold_paragraph(text) for text in LEGACY_INSTRUCTIONS}
    for template in Template:
        tokens = reader.read(template_text(template), f"{template.value}.md").tokens
        for index, token in enumerate(tokens):
            if token.type == "inline" and index and tokens[index - 1].type == "paragraph_open":
                content = _strip_markers(token.content)
                if len(_fold_paragraph(content)) >= 40 and not _stand_ins(content):
                    found.add(_fold_paragraph(token.content))
    return frozenset(found)


# --------------------------------------------------------------------------------------
# Placeholders
# --------------------------------------------------------------------------------------

#: ``**[Required]**``, ``**\[Optional \- if not applicable omit\]**`` and the like.
MARKER_RE = re.compile(
    r"(?:\*\*)?\\?\[\s*(?:Required|Optional)\s*(?:(?:[,:(–—-]|\\-)[^\]\n]*)?\\?\](?:\*\*)?", re.I
)

_CODE_SPAN_RE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.S)


def _strip_markers(text: str) -> str:
    return MARKER_RE.sub("", text)


def _stand_ins(text: str) -> list[tuple[int, str]]:
    """Stand-ins in ``text`` (inline code blanked out first), with their offsets."""
    text = _CODE_SPAN_RE.sub(_blank, text)
    found = []
    for match in STAND_IN_RE.finditer(text):
        inner = match.group(1)
        if is_html_tag(inner):
            continue
        found.append((match.start(), f"<{inner.replace(chr(92), '')}>"))
    return found


@dataclass
class _Context:
    """Where a line stands: the title, dep-meta, or a section."""

    title_line: int | None
    headings: list[Heading]
    meta_lines: tuple[int, int] | None

    def where(self, line: int) -> str:
        if self.title_line == line:
            return "in the title"
        if self.meta_lines and self.meta_lines[0] <= line <= self.meta_lines[1]:
            return "in dep-meta"
        before = [h for h in self.headings if h.line < line]
        if not before or before[-1].line == self.title_line:
            return "above the first section"
        return f"in section '{before[-1].text}'"


_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)


def _blank(match: re.Match[str]) -> str:
    """A match blanked out, its line breaks kept so offsets still give lines."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _line_problems(text: str, line: int, context: _Context, path: str) -> Iterator[Diagnostic]:
    if "[" not in text and "<" not in text:
        return  # every marker holds ``[``, every stand-in and comment ``<``: most lines have neither
    text = _COMMENT_RE.sub(_blank, text)
    # Line starts, to turn an offset into a line by bisection: counting the line breaks
    # before each match would cost time growing with the square of the text's length.
    starts = [0, *(match.end() for match in re.finditer("\n", text))]
    for marker in MARKER_RE.finditer(_CODE_SPAN_RE.sub(_blank, text)):
        at = line + bisect.bisect_right(starts, marker.start()) - 1
        shown = marker.group(0).replace("\\", "")
        yield Diagnostic(Code.PLACEHOLDER, f"template marker {shown!r} left {context.where(at)}", path, at)
    by_line: dict[int, list[str]] = {}
    for offset, stand_in in _stand_ins(text):
        by_line.setdefault(line + bisect.bisect_right(starts, offset) - 1, []).append(stand_in)
    for at, items in by_line.items():
        shown = ", ".join(repr(item) for item in items)
        noun = "placeholder" if len(items) == 1 else "placeholders"
        yield Diagnostic(
            Code.PLACEHOLDER, f"{noun} {shown} left from the template {context.where(at)}", path, at
        )


def _placeholders_markdown(text: str, scanned: ScannedFile, context: _Context) -> Iterator[Diagnostic]:
    instructions = instruction_paragraphs()
    tokens: list[Any] = list(scanned.tokens or reader.read(text, scanned.path).tokens)
    for index, token in enumerate(tokens):
        if not token.map:
            continue
        line = token.map[0] + 1
        if token.type == "inline":
            yield from _line_problems(token.content, line, context, scanned.path)
            if index and tokens[index - 1].type == "paragraph_open":
                folded = _fold_paragraph(token.content)
                if folded in instructions:
                    start = re.sub(r"\s+", " ", token.content.replace("\\", "")).strip()
                    shown = start if len(start) <= 40 else start[:40].rstrip() + "…"
                    yield Diagnostic(
                        Code.PLACEHOLDER,
                        f"template instructions left unchanged {context.where(line)}: {shown!r}",
                        scanned.path,
                        line,
                    )
        elif token.type == "html_block":
            # ``- <Goal>`` alone on a line is an HTML block to CommonMark; comments and
            # real tags are not stand-ins.
            yield from _line_problems(token.content, line, context, scanned.path)
        elif token.type in {"fence", "colon_fence"} and token.info.strip().startswith("{dep-"):
            # Stand-ins inside our own directives count (dep-meta values, an example
            # alternative); any other code block is the author's and is left alone.
            yield from _line_problems(token.info, line, context, scanned.path)
            yield from _line_problems(token.content, line + 1, context, scanned.path)


def _placeholders_rst(text: str, scanned: ScannedFile, context: _Context) -> Iterator[Diagnostic]:
    skip_indent: int | None = None
    for index, raw in enumerate(text.splitlines()):
        indent = len(raw) - len(raw.lstrip())
        if skip_indent is not None:
            if not raw.strip() or indent > skip_indent:
                continue
            skip_indent = None
        directive = reader.RST_DIRECTIVE_RE.match(raw.lstrip())
        if directive and not directive.group(1).lower().startswith("dep-"):
            skip_indent = indent
            continue
        if raw.rstrip().endswith("::") and not directive:
            yield from _line_problems(raw, index + 1, context, scanned.path)
            skip_indent = indent
            continue
        yield from _line_problems(raw, index + 1, context, scanned.path)


def find_placeholders(scanned: ScannedFile, text: str) -> list[Diagnostic]:
    """Text left from the template: stand-ins, ``[Required]`` markers, unchanged instructions."""
    title = scanned.title
    metas = scanned.blocks_named("dep-meta")
    meta_lines = None
    if metas:
        meta = metas[0]
        meta_lines = (meta.line, meta.body_line + len(meta.body))
    context = _Context(title.line if title else None, scanned.headings, meta_lines)
    if scanned.path.endswith(".rst"):
        return list(_placeholders_rst(text, scanned, context))
    return list(_placeholders_markdown(text, scanned, context))


# --------------------------------------------------------------------------------------
# The section rules
# --------------------------------------------------------------------------------------


@dataclass
class Found:
    """A heading recognized as a template section."""

    section: Section
    heading: Heading

    @property
    def index(self) -> int:
        return SECTIONS.index(self.section)


def recognize(scanned: ScannedFile) -> list[Found]:
    """The template sections among a file's headings, in document order, first of each only.

    A section is a heading nested in no other heading but the title, at whatever level
    (``##`` in our templates, ``#`` in the legacy ones, a mix in some). A sub-section
    counts inside its own section, or as a later sibling of it (the legacy templates put
    "Goals" beside "Motivation"); a "References" under "Proposal" is just a heading.
    Headings in code were never seen by the scanner.
    """
    title = scanned.title
    below = [h for h in scanned.headings if title is None or h.line > title.line]
    found: list[Found] = []
    seen: set[str] = set()
    ancestors: list[Heading] = []
    current: Found | None = None  # the section in effect
    for heading in below:
        while ancestors and ancestors[-1].level >= heading.level:
            ancestors.pop()
        nested = bool(ancestors)
        ancestors.append(heading)
        section = None
        if current is not None and heading.level >= current.heading.level:
            section = match_section(heading.text, current.section.name)
        if section is None and not nested:
            section = match_section(heading.text, None)
            current = Found(section, heading) if section is not None else None
        if section is not None and section.name not in seen:
            seen.add(section.name)
            found.append(Found(section, heading))
    return found


def unknown_sections(scanned: ScannedFile, found: list[Found]) -> list[Heading]:
    """Top-level headings (nested in none but the title) that name no section of either
    template, nor one of their other headings: sections added or renamed."""
    title = scanned.title
    known = {f.heading.line for f in found}
    every_key = set().union(*(section.match_keys() for section in SECTIONS))
    unknown: list[Heading] = []
    ancestors: list[Heading] = []
    for heading in scanned.headings:
        if title is not None and heading.line <= title.line:
            continue
        while ancestors and ancestors[-1].level >= heading.level:
            ancestors.pop()
        nested = bool(ancestors)
        ancestors.append(heading)
        if nested or heading.line in known or heading_key(heading.text) in every_key:
            continue
        unknown.append(heading)
    return unknown


def _unknown_section_message(heading: Heading, template: Template) -> str:
    import difflib

    names = [section.name for section in sections_for(template)]
    by_key = {heading_key(name): name for name in names}
    close = difflib.get_close_matches(heading_key(heading.text), list(by_key), n=1, cutoff=0.6)
    hint = f"; did you mean '{by_key[close[0]]}'?" if close else ""
    return (
        f"section '{heading.text}' is not a section of the {template.value} template, whose sections "
        f"should not be changed: make it a sub-section of one of them{hint}"
    )


def _in_order(found: list[Found]) -> set[int]:
    """Positions (into ``found``) of a longest run already in template order; the rest moved."""
    n = len(found)
    best = [1] * n
    previous = [-1] * n
    for i in range(n):
        for j in range(i):
            if found[j].index < found[i].index and best[j] + 1 > best[i]:
                best[i], previous[i] = best[j] + 1, j
    keep: set[int] = set()
    at = max(range(n), key=lambda i: (best[i], -i)) if n else -1
    while at != -1:
        keep.add(at)
        at = previous[at]
    return keep


def _is_empty(scanned: ScannedFile, text_lines: list[str], heading: Heading) -> bool:
    following = [h for h in scanned.headings if h.line > heading.line and h.level <= heading.level]
    end = following[0].line - 1 if following else len(text_lines)
    return not any(line.strip() for line in text_lines[heading.line : end])


def check_sections(scanned: ScannedFile, text: str, dep: Dep, config: DepConfig) -> list[Diagnostic]:
    """Missing, misordered and empty sections, and placeholders left from the template."""
    path = scanned.path
    template = dep.template
    found = recognize(scanned)
    diagnostics: list[Diagnostic] = []

    keep = _in_order(found)
    ordered = [found[i] for i in sorted(keep)]
    for position, item in enumerate(found):
        if position in keep:
            continue
        after = [f.section.name for f in ordered if f.index < item.index]
        before = [f.section.name for f in ordered if f.index > item.index]
        where = []
        if after:
            where.append(f"after '{after[-1]}'")
        if before:
            where.append(f"before '{before[0]}'")
        diagnostics.append(
            Diagnostic(
                Code.SECTION_ORDER,
                f"section '{item.section.name}' is out of the template's order: it belongs {' and '.join(where)}",
                path,
                item.heading.line,
            )
        )

    # An unknown status is reported already; its sections are then judged as a draft's.
    if config.require_sections_in_drafts or (dep.status is not None and dep.status not in DRAFT_STATUSES):
        for heading in unknown_sections(scanned, found):
            diagnostics.append(
                Diagnostic(
                    Code.SECTION_UNKNOWN, _unknown_section_message(heading, template), path, heading.line
                )
            )
        present = {f.section.name: f for f in found}
        text_lines = text.splitlines()
        for section in sections_for(template):
            need = section.need(template)
            if need is None or not need.required:
                continue
            hint = "; write N/A if there are none" if need is Need.REQUIRED_NA else ""
            if section.name in present:
                heading = present[section.name].heading
                if _is_empty(scanned, text_lines, heading):
                    diagnostics.append(
                        Diagnostic(
                            Code.SECTION_MISSING,
                            f"section '{section.name}' is empty; the {template.value} template requires it{hint}",
                            path,
                            heading.line,
                        )
                    )
                continue
            later = [f for f in found if f.index > SECTIONS.index(section)]
            if later:
                line: int | None = min(later, key=lambda f: f.index).heading.line
                place = f" (before '{min(later, key=lambda f: f.index).section.name}')"
            else:
                line = found[-1].heading.line if found else dep.line
                place = ""
            diagnostics.append(
                Diagnostic(
                    Code.SECTION_MISSING,
                    f"missing section '{section.name}', which the {template.value} template requires{place}{hint}",
                    path,
                    line,
                )
            )

    diagnostics += find_placeholders(scanned, text)
    return sorted(diagnostics, key=lambda d: d.line or 0)
