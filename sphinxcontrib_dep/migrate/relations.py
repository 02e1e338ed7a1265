"""The drafts' relations to other proposals: an ``Extends`` field, an aside in ``Replaces``,
and the ``Related Proposals`` section, read into ``:extends:`` and ``:related:``.

The real drafts write them three ways (``dynamo-enhancements-drafts``)::

    **Extends**: [DEP-0000: Dynamo Enhancement Proposals](./0000-dep-process.md),
    [DEP Process Improvements](./0000-dep-process-improvements.md)

    **Replaces**: N/A (extends [DEP-0000: Dynamo Enhancement Proposals](./0000-dep-process.md))

    # Related Proposals
    * [DEP Process Improvements](./0000-dep-process-improvements.md) — PIC model, ...

A proposal is named clearly by a number (``DEP-0005``) or by a link to a file whose name
carries one (``0007-x.md``). A link to a ``0000-`` draft, ``DEP-0000`` (the drafts'
placeholder), ``DEP-XXXX`` or a title alone name none yet: each is reported at its line
("needs a human") and left where it was. The section stays in the body as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.model import number_from_filename, parse_id, split_proposal_name

#: ``N/A (extends [X](x.md))``, ``N/A (relates to X; prose)``: a relation written as an aside of ``Replaces``.
_ASIDE_RE = re.compile(
    r"^\s*(?:n/?a|none|-+|—)?\s*\(\s*(?P<verb>extends|builds on|relates to|related to|see also)\s+"
    r"(?P<rest>.*)\)\s*$",
    re.I | re.S,
)

#: ``# Related Proposals``, ``## Related Proposal``, ``### Related DEPs``.
_SECTION_RE = re.compile(r"^(?P<hashes>#{1,6})\s+Related\s+(?:Proposals?|DEPs?|Enhancements?)\s*#*\s*$", re.I)
_HEADING_RE = re.compile(r"^(#{1,6})\s")
_ITEM_RE = re.compile(r"^\s{0,3}[-*+]\s+(?P<text>.*)$")
_LINK_RE = re.compile(r"\[(?P<label>[^\]]*)\]\(\s*<?(?P<target>[^)\s>]+)>?\s*\)")
#: ``DEP-0005: Title``, ``DEP 12 — Title``: an id at the start of an item or a label.
_LEADING_ID_RE = re.compile(r"^\s*(?P<id>[A-Za-z]{2,10}[-_ ]?(?:\d+|X+|N+))\b", re.I)
#: An item that says the proposal builds on the one it names.
#: An item that is the template's placeholder (the seed's "* File") or says there is none.
_PLACEHOLDER_RE = re.compile(r"(?i)(?:file|link|dep|tbd|todo|n/?a|none|-+|\[[^\]]*\]|<[^>]*>)\.?")
_EXTENDS_WORDS_RE = re.compile(r"\b(?:this (?:proposal|DEP) extends|extends it|builds on it)\b", re.I)


def split_aside(value: str) -> tuple[str, str, str] | None:
    """``("N/A", "extends", "[X](x.md)")`` for a ``Replaces`` value holding a relation as an aside."""
    found = _ASIDE_RE.match(value)
    if found is None:
        return None
    option = "extends" if found.group("verb").lower() in {"extends", "builds on"} else "related"
    return "N/A", option, found.group("rest").strip()


@dataclass(frozen=True)
class Named:
    """What one written reference names: a number (``None``: none yet) and why there is none."""

    number: int | None
    why: str = ""


def _target_name(target: str) -> str:
    return target.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def name_of(text: str) -> Named:
    """The proposal ``text`` names: ``DEP-0005``, ``[DEP-0003: X](x.md)``, ``[X](0007-x.md)``."""
    link = _LINK_RE.search(text)
    if link is not None:
        label, target = link.group("label"), link.group("target")
        leading = _LEADING_ID_RE.match(label)
        number = parse_id(leading.group("id"), None) if leading else None
        if number:
            return Named(number)
        name = _target_name(target)
        if target.lower().startswith(("http://", "https://")):
            return Named(None, "links to a page, not to a proposal file of this project")
        from_file = number_from_filename(name)
        if from_file:
            return Named(from_file)
        parts = split_proposal_name(name)
        if parts is not None or re.match(r"^0+-", name):
            return Named(None, f"links to {name}, an unnumbered draft")
        return Named(None, f"links to {name}, which is not a proposal file (NNNN-slug.md)")
    whole = parse_id(text.strip(), None)
    if whole is not None:
        return Named(whole) if whole else Named(None, f"{text.strip()} is a placeholder, not a number")
    slug = text.strip()
    as_file = slug if slug.endswith((".md", ".rst")) else f"{slug}.md"
    if not any(c.isspace() for c in slug) and split_proposal_name(as_file) is not None:
        # A file's name or slug: 0007-router, 0000-dep-process (as the drafts' front matter writes).
        number = number_from_filename(as_file)
        return Named(number) if number else Named(None, "names an unnumbered draft")
    leading = _LEADING_ID_RE.match(text)
    if leading is not None:
        number = parse_id(leading.group("id"), None)
        if number:
            return Named(number)
        return Named(None, f"{leading.group('id')} is a placeholder, not a number")
    return Named(None, "names no proposal by number or file")


@dataclass(frozen=True)
class SectionItem:
    """One item of a ``Related Proposals`` section."""

    line: int  # 1-based
    text: str
    named: Named
    extends: bool  # the item says this proposal extends it


def related_section(lines: list[str]) -> list[SectionItem]:
    """The items of the first ``Related Proposals`` section (to the next heading as high or higher)."""
    items: list[SectionItem] = []
    start = next((i for i, line in enumerate(lines) if _SECTION_RE.match(line.rstrip("\r\n"))), None)
    if start is None:
        return items
    level = len(_SECTION_RE.match(lines[start].rstrip("\r\n")).group("hashes"))  # type: ignore[union-attr]
    fence = False
    for index in range(start + 1, len(lines)):
        line = lines[index].rstrip("\r\n")
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if fence:
            continue
        heading = _HEADING_RE.match(line)
        if heading and len(heading.group(1)) <= level:
            break
        item = _ITEM_RE.match(line)
        if item is None:
            if items and line.startswith((" ", "\t")) and line.strip():
                last = items[-1]  # a continuation line of the item above
                text = f"{last.text} {line.strip()}"
                items[-1] = SectionItem(last.line, text, last.named, bool(_EXTENDS_WORDS_RE.search(text)))
            continue
        text = item.group("text").strip()
        if not text or _PLACEHOLDER_RE.fullmatch(text):
            continue  # the template's "* File", "* N/A": nothing named
        items.append(SectionItem(index + 1, text, name_of(text), bool(_EXTENDS_WORDS_RE.search(text))))
    return items


#: ``extends: 0000-dep-process  # builds on an existing DEP``, ``related: [0007-x, DEP-0003]``.
_FRONT_RE = re.compile(r"^(?P<key>extends|related)\s*:\s*(?P<value>.*?)\s*(?:#.*)?$")


def front_matter(lines: list[str], end: int) -> list[tuple[int, str, str, Named]]:
    """``(line, option, item, what it names)`` for each item of YAML front matter's ``extends:``
    and ``related:`` (``lines[:end]`` is the front matter, fences included)."""
    found = []
    for index in range(1, max(end - 1, 1)):
        match = _FRONT_RE.match(lines[index].rstrip("\r\n"))
        if match is None:
            continue
        value = match.group("value").strip()
        if value.startswith("[") and value.endswith("]"):
            value = value[1:-1]
        for item in value.split(","):
            item = item.strip().strip("'\"")
            if not item or item.lower() in {"null", "none", "~", "n/a"}:
                continue
            found.append((index + 1, match.group("key"), item, name_of(item)))
    return found
