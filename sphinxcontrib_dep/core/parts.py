"""The parts of a proposal written as directives: ``dep-alternative`` and ``dep-phase``.

Their bodies are bold labels followed by bullet lists, as the legacy template wrote them::

    ```{dep-alternative} Keep proposals in Google Docs
    **Pros:**
    - Real-time collaboration
    **Reason rejected:**
    - The team should own its template
    ```

The Sphinx directives and ``dep lint`` both read a body with :func:`parse_alternative` /
:func:`parse_phase`, so the same text gives the same model and the same warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .diagnostics import Code, Diagnostic
from .model import (
    NUMBER_PATTERN,
    Alternative,
    Dep,
    Link,
    Phase,
    PhaseStatus,
    alternative_numbers,
    normalize_key,
)
from .parsing import Block, Option, ScannedFile, _Reporter, check_url, is_empty, parse_ref, split_list

#: Labels of a ``dep-alternative`` body: normalized label -> Alternative attribute.
ALTERNATIVE_LABELS: dict[str, str] = {
    "pros": "pros",
    "pro": "pros",
    "advantages": "pros",
    "cons": "cons",
    "con": "cons",
    "disadvantages": "cons",
    "reasonrejected": "reason_rejected",
    "reasonsrejected": "reason_rejected",
    "reasontoreject": "reason_rejected",
    "reasonstoreject": "reason_rejected",
    "reasonforrejection": "reason_rejected",
    "reasonsforrejection": "reason_rejected",
    "whyrejected": "reason_rejected",
    "rejectedbecause": "reason_rejected",
    "notes": "notes",
    "note": "notes",
}
ALTERNATIVE_LABEL_NAMES = "Pros, Cons, Reason rejected, Notes"

#: Labels of a ``dep-phase`` body.
PHASE_LABELS: dict[str, str] = {
    "supported": "supported",
    "supportedbehavior": "supported",
    "supportedbehaviour": "supported",
    "supportedapibehavior": "supported",
    "supportedapibehaviour": "supported",
    "supportedapi": "supported",
    "notsupported": "not_supported",
    "unsupported": "not_supported",
    "notsupportedbehavior": "not_supported",
    "notsupportedbehaviour": "not_supported",
}
PHASE_LABEL_NAMES = "Supported, Not supported"

#: Options of ``dep-phase``: accepted spelling -> canonical name.
PHASE_OPTIONS: dict[str, str] = {
    "release-target": "release-target",
    "release_target": "release-target",
    "release": "release-target",
    "effort": "effort",
    "effort-estimate": "effort",
    "effort_estimate": "effort",
    "work-items": "work-items",
    "work_items": "work-items",
    "work-item": "work-items",
    "status": "status",
    "moved-to": "moved-to",
    "moved_to": "moved-to",
}
PHASE_OPTION_NAMES = "release-target, effort, work-items, status, moved-to"

# ``**Pros:**``, ``**Pros**:``, ``**Reason Rejected:** text on the same line``.
_LABEL_RE = re.compile(r"^\*\*([^*]+?)\s*(?::\s*\*\*|\*\*\s*:)\s*(.*)$")
_BULLET_RE = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_PHASE_ARG_RE = re.compile(rf"^(?:phase\s*)?#?{NUMBER_PATTERN}\s*(?:[:.\-–—]\s*)?(.*)$", re.I)
#: ``Alt 2 Title``, ``Alternative 2: Title``: the seed's numbered alternative (line 233).
_ALTERNATIVE_ARG_RE = re.compile(rf"^alt(?:ernative)?\s*#?{NUMBER_PATTERN}\s*(?:[:.\-–—]\s*)?(.*)$", re.I)


@dataclass
class _Body:
    """Labelled lists read from a body: attribute -> items, and problems."""

    lists: dict[str, list[str]] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)


def read_labelled_lists(lines: list[str], first_line: int, labels: dict[str, str], names: str) -> _Body:
    """Bold labels each followed by a bullet list (or a paragraph, which gives one item).

    ``first_line`` is the 1-based line of ``lines[0]``; problems carry their own line.
    """
    body = _Body()
    current: list[str] | None = None
    item_open = False  # the last item may take continuation lines
    skipping = False  # under an unknown label, which is reported once
    for offset, raw in enumerate(lines):
        lineno = first_line + offset
        text = raw.strip()
        if not text:
            # A blank line ends a paragraph item; the next text starts a new one.
            item_open = False
            continue
        label = _LABEL_RE.match(text)
        if label:
            key = normalize_key(label.group(1))
            attribute = labels.get(key)
            if attribute is None:
                body.problems.append(
                    (lineno, f"unknown label **{label.group(1).strip()}:** (known: {names})")
                )
                current, item_open, skipping = None, False, True
                continue
            current, skipping = body.lists.setdefault(attribute, []), False
            rest = label.group(2).strip()
            item_open = False
            if rest:
                current.append(rest)
                item_open = True
            continue
        if current is None:
            if not skipping:
                body.problems.append((lineno, f"text before the first label is ignored (labels: {names})"))
                skipping = True
            continue
        bullet = _BULLET_RE.match(raw)
        if bullet:
            current.append(bullet.group(2).strip())
            item_open = True
        elif item_open and current:
            current[-1] = f"{current[-1]} {text}"
        else:
            current.append(text)
            item_open = True
    return body


def parse_alternative(block: Block, path: str) -> tuple[Alternative, list[Diagnostic]]:
    """A ``dep-alternative`` block: its title (the argument) and labelled lists."""
    diagnostics: list[Diagnostic] = []
    title = block.argument.strip()
    number = None
    numbered = _ALTERNATIVE_ARG_RE.match(title)
    if numbered:
        number, title = int(numbered.group(1)), numbered.group(2).strip()
    if not title:
        diagnostics.append(Diagnostic(Code.ALTERNATIVE, "dep-alternative needs a title", path, block.line))
    for name, line in block.option_lines.items():
        diagnostics.append(
            Diagnostic(
                Code.ALTERNATIVE,
                f"dep-alternative takes no options (:{name}:); write labelled lists",
                path,
                line,
            )
        )
    body = read_labelled_lists(block.body, block.body_line, ALTERNATIVE_LABELS, ALTERNATIVE_LABEL_NAMES)
    alternative = Alternative(title=title, line=block.line, number=number, **body.lists)
    for line, message in body.problems:
        diagnostics.append(Diagnostic(Code.ALTERNATIVE, f"dep-alternative: {message}", path, line))
    if not alternative.reason_rejected:
        shown = f" {title!r}" if title else ""
        diagnostics.append(
            Diagnostic(
                Code.ALTERNATIVE, f"dep-alternative{shown} gives no **Reason rejected:**", path, block.line
            )
        )
    return alternative, sorted(diagnostics, key=lambda d: d.line or 0)


def check_alternative_number(alternatives: list[Alternative], index: int, path: str) -> Diagnostic | None:
    """Alternatives are numbered upwards without repeats (Alt 1, Alt 2, ...), so each can be cited."""
    numbers = alternative_numbers(alternatives[: index + 1])
    number, earlier = numbers[-1], numbers[:-1]
    alternative = alternatives[index]
    if number in earlier:
        first = alternatives[earlier.index(number)].line
        return Diagnostic(
            Code.ALTERNATIVE,
            f"alternative {number} appears twice (first on line {first})",
            path,
            alternative.line,
        )
    if earlier and number < max(earlier):
        return Diagnostic(
            Code.ALTERNATIVE,
            f"alternative {number} comes after alternative {max(earlier)}; number alternatives upwards",
            path,
            alternative.line,
        )
    return None


def parse_phase(block: Block, path: str, prefix: str = "DEP-") -> tuple[Phase, list[Diagnostic]]:
    """A ``dep-phase`` block: number and title (the argument), options and labelled lists."""
    diagnostics: list[Diagnostic] = []
    match = _PHASE_ARG_RE.match(block.argument.strip())
    if match:
        number, title = int(match.group(1)), match.group(2).strip()
    else:
        number, title = -1, block.argument.strip()
        diagnostics.append(
            Diagnostic(
                Code.PHASE,
                f"dep-phase needs a number before its title: '0 {title or 'Title'}'",
                path,
                block.line,
            )
        )
    # Lines by canonical name too, so a bad work item is reported at its option.
    lines = {**block.option_lines}
    values: dict[str, str | None] = {}
    first_line: dict[str, int] = {}
    options = block.option_list or [
        Option(n, v or "", block.option_lines.get(n, block.line)) for n, v in block.options.items()
    ]
    for option in options:
        name, value = option.name, option.value
        canonical = PHASE_OPTIONS.get(name.strip().lower())
        if canonical is None:
            diagnostics.append(
                Diagnostic(
                    Code.PHASE,
                    f"unknown option :{name}: in dep-phase (known: {PHASE_OPTION_NAMES})",
                    path,
                    option.line or block.line,
                )
            )
            continue
        if canonical in values:
            diagnostics.append(
                Diagnostic(
                    Code.DUPLICATE_OPTION,
                    f"option :{name}: is given a second time (first on line {first_line[canonical]}); "
                    "this one is ignored",
                    path,
                    option.line or block.line,
                )
            )
            continue
        values[canonical] = value
        first_line[canonical] = option.line or block.line
        lines.setdefault(canonical, option.line or block.line)
    report = _Reporter(path, block.line, lines)
    work_items = [
        Link(url)
        for item in split_list(values.get("work-items"))
        if (url := check_url(item, report, "work-items"))
    ]
    moved_to = [
        ref
        for item in split_list(values.get("moved-to"))
        if (ref := parse_ref(item, report, "moved-to", prefix))
    ]
    status = None
    status_text = values.get("status")
    if not is_empty(status_text):
        assert status_text is not None
        status = PhaseStatus.lookup(status_text)
        if status is None:
            report(
                Code.PHASE,
                f"dep-phase: unknown :status: {status_text.strip()!r} (allowed: {PhaseStatus.allowed()}; "
                "a phase of the final version has none)",
                "status",
            )
    if moved_to and status is None:
        status = PhaseStatus.MOVED
    if status is PhaseStatus.MOVED and not moved_to:
        report(Code.PHASE, "dep-phase: a phase moved to another proposal names it in :moved-to:", "status")
    body = read_labelled_lists(block.body, block.body_line, PHASE_LABELS, PHASE_LABEL_NAMES)
    phase = Phase(
        status=status,
        moved_to=moved_to,
        number=number,
        title=title,
        release_target=None
        if is_empty(values.get("release-target"))
        else (values["release-target"] or "").strip(),
        effort=None if is_empty(values.get("effort")) else (values["effort"] or "").strip(),
        work_items=work_items,
        line=block.line,
        **body.lists,
    )
    for line, message in body.problems:
        report.diagnostics.append(Diagnostic(Code.PHASE, f"dep-phase: {message}", path, line))
    return phase, sorted(diagnostics + report.diagnostics, key=lambda d: d.line or 0)


def check_phase_number(earlier: list[Phase], phase: Phase, path: str) -> Diagnostic | None:
    """Phases are numbered upwards without repeats (Phase 0, Phase 1, ...)."""
    if phase.number < 0:
        return None
    for other in earlier:
        if other.number == phase.number:
            return Diagnostic(
                Code.PHASE,
                f"phase {phase.number} appears twice (first on line {other.line})",
                path,
                phase.line,
            )
    highest = max((p.number for p in earlier), default=-1)
    if phase.number < highest:
        return Diagnostic(
            Code.PHASE,
            f"phase {phase.number} comes after phase {highest}; number phases upwards",
            path,
            phase.line,
        )
    return None


def parse_parts(scanned: ScannedFile, dep: Dep, prefix: str = "DEP-") -> list[Diagnostic]:
    """Read every ``dep-alternative`` and ``dep-phase`` of a scanned file into ``dep``."""
    diagnostics: list[Diagnostic] = []
    for block in scanned.blocks:
        if block.parent is not None or block.name not in {"dep-alternative", "dep-phase"}:
            continue  # nested parts are never read (the policy reports them)
        diagnostics += [
            Diagnostic(
                Code.ALTERNATIVE if block.name == "dep-alternative" else Code.PHASE,
                f"{block.name} {message}",
                scanned.path,
                line,
            )
            for line, message in block.problems
        ]
        if block.name == "dep-alternative":
            alternative, found = parse_alternative(block, scanned.path)
            dep.alternatives.append(alternative)
            diagnostics += found
            problem = check_alternative_number(dep.alternatives, len(dep.alternatives) - 1, scanned.path)
            diagnostics += [problem] if problem else []
        elif block.name == "dep-phase":
            phase, found = parse_phase(block, scanned.path, prefix)
            diagnostics += found
            problem = check_phase_number(dep.phases, phase, scanned.path)
            diagnostics += [problem] if problem else []
            dep.phases.append(phase)
    return diagnostics
