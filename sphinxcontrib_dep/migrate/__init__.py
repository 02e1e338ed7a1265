"""Legacy proposals to ``dep-meta``: read a hand-written header, write the block, keep the body.

A legacy proposal carries its metadata as lines under the title (``**Status**: Draft``,
``**Status:** Draft``, ``Status: Draft``, ``- **Status**: Draft``), as small headings
(``## Status`` followed by the value) or as a table (``| Status | Draft |``). :func:`migrate_text`
finds that header (:mod:`.headers`), reads each value with the core's parsers
(:mod:`.values`), and replaces it with one ``dep-meta`` block right after the title. Every
other byte of the file stays as it was. Each decision is recorded (:mod:`.decisions`), so
``dep migrate`` prints what it did to each value, with file and line.
"""

from __future__ import annotations

import dataclasses
import json
import re

from ..core import parsing
from ..core.config import DepConfig
from ..core.diagnostics import Code
from ..core.model import (
    UNNUMBERED_STATUSES,
    Status,
    number_from_filename,
)
from ..core.parsing import META_OPTIONS, UNMAPPED_PREFIX
from . import relations
from .areas import map_ownership
from .decisions import Decision, Kind, Migration
from .fields import _LIST_FIELDS, _PEOPLE_FIELDS, _REF_FIELDS
from .headers import (
    _LIST_ITEM_RE,
    _Field,
    _front_matter_end,
    _indent,
    _left_behind,
    _read_header,
    _title_range,
)
from .values import (
    _category,
    _checked_option,
    _Context,
    _date,
    _empty_or_placeholder,
    _legacy_name,
    _links,
    _people,
    _plain,
    _ref_number,
    _refs,
    _short,
    _status,
    _strip_comments,
)


def format_value(value: str) -> str:
    """A value as MyST reads an option: one line; quoted when it would read otherwise.

    MyST reads the options of a fenced directive as a YAML subset: `` #`` starts a comment
    and a leading quote, ``|`` or ``>`` change the meaning, so such values are double-quoted.
    """
    value = " ".join(value.split())
    unsafe = not value or value[0] in "\"'|>#" or " #" in value
    return json.dumps(value, ensure_ascii=False) if unsafe else value


def render_block(options: dict[str, str], newline: str = "\n") -> str:
    """The ``dep-meta`` block; its fence is longer than any run of backticks in a value."""
    body = [f":{name}: {format_value(value)}" if value else f":{name}:" for name, value in options.items()]
    longest = max((len(run) for line in body for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return newline.join([f"{fence}{{dep-meta}}", *body, fence]) + newline


def migrate_text(text: str, path: str, config: DepConfig | None = None) -> Migration:
    """Migrate one proposal's text; ``path`` (relative, ``deps/0001-x.md``) names it in the report."""
    config = config or DepConfig()
    result = Migration(path=path, text=text, new_text=text)
    decisions = result.decisions

    def note(kind: Kind, message: str, line: int | None = None, name: str = "") -> None:
        decisions.append(Decision(kind, path, line, name, message))

    if path.endswith(".rst"):
        note(Kind.NOTE, "reStructuredText is not migrated; left as it is")
        return result
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    newline = "\r\n" if "\r\n" in body else "\n"
    scanned = parsing.scan(body, path)
    has_meta = bool(scanned.blocks_named("dep-meta"))
    lines = body.splitlines(keepends=True)
    title = _title_range(body, lines, path)
    fields: list[_Field] = []
    if title is not None:
        first, after = title
        fields, begin, end = _read_header(lines, after)
        if not _is_header(fields):
            # A header above the title ("**Status**: Draft" before "# Title").
            fields, begin, end = _read_header(lines, _front_matter_end(lines))
            if end > first:
                fields = []
    if has_meta:
        result.outcome = "unchanged"
        if _is_header(fields):
            note(Kind.HUMAN, "a dep-meta block and a legacy header both; merge them by hand", fields[0].line)
        else:
            note(Kind.NOTE, "already has a dep-meta block; left as it is")
        return result
    if title is None:
        note(Kind.HUMAN, "no '# Title' heading to put the dep-meta block under; left as it is", 1)
        return result
    if not _is_header(fields):
        note(Kind.HUMAN, "no legacy header (such as '**Status**: Draft') found; left as it is", first + 1)
        return result

    options, legacy, comments = _read_fields(fields, path, config, decisions)
    map_ownership(lines, fields, path, config, options, legacy, decisions)
    _read_related_section(lines, options, path, config, decisions)
    _report_left_behind(lines, fields, end, first if begin < first else len(lines), path, decisions)

    file_number = number_from_filename(path)
    number_text = options.pop("number", None)
    if number_text is not None:
        given = _ref_number(number_text)
        if given is not None and given == file_number:
            note(
                Kind.NORMALISED,
                f"{number_text!r} is the file name's number; left to the file name",
                _line_of(fields, "number"),
                "number",
            )
        else:
            legacy.setdefault("number", number_text)
            note(
                Kind.HUMAN,
                f"{number_text!r} disagrees with the file name; kept as :legacy-number:",
                _line_of(fields, "number"),
                "number",
            )
    if file_number is not None:
        note(Kind.NOTE, f"number {config.format_id(file_number)} from the file name")
    else:
        status = Status.lookup(options.get("status", ""))
        if status is not None and status not in UNNUMBERED_STATUSES:
            note(
                Kind.HUMAN,
                f"the file name carries no number, but the status is {status.value}; "
                "give the file its number",
                1,
            )
        else:
            note(Kind.NOTE, "the file name carries no number: an unnumbered draft")

    _validate(options, legacy, path, config, fields, decisions)

    # One line per option, as MyST reads them: runs of white space become one space.
    ordered = {name: " ".join(options[name].split()) for name in META_OPTIONS if name in options}
    for name, value in legacy.items():
        ordered[f"{UNMAPPED_PREFIX}{name}"] = " ".join(value.split())
    title_lines = lines[first:after]
    if not title_lines[-1].endswith("\n"):
        title_lines[-1] += newline

    def migrated(options: dict[str, str]) -> list[str]:
        block = render_block(options, newline) + "".join(f"{comment}{newline}" for comment in comments)
        if begin >= after:
            # Title, the block, whatever stood between title and header, then the body as it was.
            between = lines[after:begin]
            if not "".join(between).strip():
                between = []
            return lines[:first] + title_lines + [newline, block] + between + lines[end:]
        # The header stood above the title: the title stays first, the block goes under it.
        before = lines[:begin]
        gap = [line for line in lines[end:first] if line.strip()]
        return before + gap + title_lines + [newline, block] + lines[after:]

    new_lines = migrated(ordered)
    # Migration never makes an embargoed proposal publishable: a legacy header's embargo
    # may be folded into another value or kept under a legacy name; then the block says
    # so in the form the build reads.
    if parsing.embargo_reason(scanned) is not None and (
        parsing.embargo_reason(parsing.scan("".join(new_lines), path)) is None
    ):
        ordered["embargoed"] = "yes"
        ordered = {
            **{name: ordered[name] for name in META_OPTIONS if name in ordered},
            **{name: value for name, value in ordered.items() if name not in META_OPTIONS},
        }
        new_lines = migrated(ordered)
        note(
            Kind.HUMAN,
            "the legacy header names an embargo the migrated header would have lost; written as "
            ":embargoed: yes, so a public build still leaves the file out (check it)",
            fields[0].line,
            "embargoed",
        )
    result.options = ordered
    result.new_text = bom + "".join(new_lines)
    result.header = (begin, end)
    result.insert_at = after
    result.outcome = "migrated"
    return result


def _read_related_section(
    lines: list[str], options: dict[str, str], path: str, config: DepConfig, decisions: list[Decision]
) -> None:
    """The ``Related Proposals`` section's items into ``:related:`` (``:extends:`` where the item
    says this proposal extends it), where an item names a number; the others are reported. The
    section itself stays in the body."""
    taken: set[int] = set()
    for option in ("replaces", "replaced-by", "extends", "related"):
        for written in (options.get(option) or "").split(","):
            number = _ref_number(written.split("(")[0].strip()) if written.strip() else None
            if number is not None:
                taken.add(number)
    own = number_from_filename(path)
    for line, option, text, named in relations.front_matter(lines, _front_matter_end(lines)):
        if named.number is None:
            decisions.append(
                Decision(Kind.HUMAN, path, line, option, f"front matter {text!r} {named.why}; not read")
            )
        elif named.number != own:
            shown = config.format_id(named.number)
            if named.number not in taken:
                options[option] = _join(options.get(option), shown, ", ")
                taken.add(named.number)
            decisions.append(
                Decision(
                    Kind.NORMALISED,
                    path,
                    line,
                    option,
                    f"front matter {text!r} -> {shown} (the front matter is left as it is)",
                )
            )
    for item in relations.related_section(lines):
        number = item.named.number
        if number is None:
            decisions.append(
                Decision(
                    Kind.HUMAN,
                    path,
                    item.line,
                    "related",
                    f"{_short(item.text)} {item.named.why}; left in the Related Proposals section "
                    "(name it in :related: once it has a number)",
                )
            )
            continue
        shown = config.format_id(number)
        if number in taken or number == own:
            why = "this proposal itself" if number == own else "already named in the header"
            decisions.append(Decision(Kind.NOTE, path, item.line, "related", f"{shown}: {why}"))
            continue
        option = "extends" if item.extends else "related"
        options[option] = _join(options.get(option), shown, ", ")
        taken.add(number)
        decisions.append(
            Decision(
                Kind.NORMALISED,
                path,
                item.line,
                option,
                f"{_short(item.text)} -> {shown} (Related Proposals)",
            )
        )


def _report_left_behind(
    lines: list[str], fields: list[_Field], end: int, stop: int, path: str, decisions: list[Decision]
) -> None:
    """A ``needs a human`` line for each line below the header that looks like one of its
    fields (see :func:`~.headers._left_behind`), and for a list that may be the last field's
    value: what stays in the body is never left there in silence."""
    for line, name, text in _left_behind(lines, end, stop):
        decisions.append(
            Decision(
                Kind.HUMAN,
                path,
                line,
                _legacy_name(name),
                f"{_short(text)} looks like a header field but lies below the header; "
                "left in the body (move it into dep-meta by hand)",
            )
        )
    last = fields[-1] if fields else None
    if last is None or last.form == "heading" or last.head or last.below:
        return
    after = end
    while after < min(stop, len(lines)) and not lines[after].strip():
        after += 1
    if after > end and after < min(stop, len(lines)) and _LIST_ITEM_RE.match(lines[after].rstrip("\r\n")):
        decisions.append(
            Decision(
                Kind.HUMAN,
                path,
                last.line,
                last.canonical or _legacy_name(last.name),
                f"empty; the list at line {after + 1}, after a blank line, may be its value: "
                "left in the body (move it into dep-meta by hand)",
            )
        )


def _is_header(fields: list[_Field]) -> bool:
    """A run of known fields that is a header: a status, or at least two known fields."""
    known = [f for f in fields if f.canonical]
    return any(f.canonical == "status" for f in known) or len(known) >= 2


def _line_of(fields: list[_Field], option: str) -> int | None:
    return next((f.line for f in fields if f.canonical == option), None)


def _read_fields(
    fields: list[_Field], path: str, config: DepConfig, decisions: list[Decision]
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    options: dict[str, str] = {}
    legacy: dict[str, str] = {}
    comments: list[str] = []
    for fld in fields:
        ctx = _Context(path, fld, decisions, config)
        raw = fld.value
        option = fld.canonical
        if option is not None:
            raw, nested = _without_nested_lists(fld)
            if nested:
                first, last = nested[0][0], nested[-1][0]
                where = f"line {first}" if first == last else f"lines {first}-{last}"
                what = "names" if option in _PEOPLE_FIELDS else "values"
                left_out = "; ".join(_item_text(text) for _, text in nested)
                legacy[option] = _join(legacy.get(option), left_out, "; ")
                ctx.add(
                    Kind.HUMAN,
                    f"a nested list ({where}) is not read as {what}; kept as :legacy-{option}:",
                )
        value = _strip_comments(raw, ctx)
        comments += fld.comments
        if option is None:
            name = _legacy_name(fld.name)
            if _empty_or_placeholder(value, ctx):
                continue
            legacy[name] = _join(legacy.get(name), value, "; ")
            ctx.add(Kind.HUMAN, f"unknown field {fld.name!r}; kept as :legacy-{name}:")
            continue
        if option not in {"status", "category"} and _empty_or_placeholder(value, ctx):
            continue
        if option == "replaces" and (aside := relations.split_aside(value)) is not None:
            # "N/A (extends [X](x.md))": no replacement; the relation the aside names is read
            # as that option's value, reported at this line under its name.
            value, other, inner = aside
            ctx.add(Kind.NORMALISED, f"the aside names a relation, not a replacement: read as :{other}:")
            other_fld = dataclasses.replace(fld, canonical=other, partial=False)
            new, kept = _refs(inner, _Context(path, other_fld, decisions, config))
            if new:
                options[other] = _join(options.get(other), new, ", ")
            if kept:
                legacy[other] = _join(legacy.get(other), kept, "; ")
        if option in {"status", "category"}:
            checked = _checked_option(value, _Context(path, fld, [], config))
            if _empty_or_placeholder(checked, ctx):
                continue
        reader = {
            "status": _status,
            "category": _category,
            "review-date": _date,
            "review-requested": _date,
            "pull-request": lambda v, c: _links(v, c, single=True),
            "implementation": lambda v, c: _links(v, c, single=False),
        }.get(option)
        if reader is None and option in _PEOPLE_FIELDS:
            reader = _people
        elif reader is None and option in _REF_FIELDS:
            reader = _refs
        new, kept = (reader or _plain)(value, ctx)
        if new:
            if option in options and option not in _LIST_FIELDS:
                if options[option] != new:
                    name = _legacy_name(fld.name)
                    legacy[name] = _join(legacy.get(name), value, "; ")
                    ctx.add(Kind.HUMAN, f"a second {option} field ({fld.name!r}); kept as :legacy-{name}:")
            else:
                options[option] = _join(options.get(option), new, ", ")
        if kept:
            legacy[option] = _join(legacy.get(option), kept, "; ")
    return options, legacy, comments


def _without_nested_lists(fld: _Field) -> tuple[str, list[tuple[int, str]]]:
    """The field's value without its nested lists, and the lines left out.

    The field's own list is the least indented list below it; an item of that list that
    has items under it (``- Team Infra`` over ``  - @a``) is a group, not a value: the item
    and everything under it are left out, to be kept as legacy text and reported.
    """
    items = [_indent(text) for _, text in fld.below if _LIST_ITEM_RE.match(text)]
    if not items or min(items) == max(items):
        return fld.value, []
    base = min(items)
    groups: list[tuple[list[tuple[int, str]], bool]] = []  # (lines, has items under it)
    loose: list[tuple[int, str]] = []  # text before the first item
    for number, text in fld.below:
        is_item = _LIST_ITEM_RE.match(text) is not None
        if is_item and _indent(text) <= base:
            groups.append(([(number, text)], False))
        elif groups:
            lines, nested = groups[-1]
            lines.append((number, text))
            groups[-1] = (lines, nested or is_item)
        else:
            loose.append((number, text))
    kept = [fld.head, *(text.strip() for _, text in loose)]
    dropped: list[tuple[int, str]] = []
    for lines, nested in groups:
        if nested:
            dropped += lines
        else:
            kept += [text.strip() for _, text in lines]
    return "\n".join(part for part in kept if part).strip(), dropped


def _item_text(line: str) -> str:
    """A line of a list without its marker, on one line."""
    item = _LIST_ITEM_RE.match(line)
    return " ".join((item.group("text") if item else line).split())


def _join(old: str | None, new: str, separator: str) -> str:
    if not old:
        return new
    return old if new in old.split(separator) else f"{old}{separator}{new}"


def _validate(
    options: dict[str, str],
    legacy: dict[str, str],
    path: str,
    config: DepConfig,
    fields: list[_Field],
    decisions: list[Decision],
) -> None:
    """Read the options back with the core's own ``parse_meta``; a value it refuses goes to legacy."""
    names = [n for n in options if n in META_OPTIONS]
    probe = {name: options[name] for name in names}
    probe.setdefault("status", "Draft")  # a missing status is reported on its own below
    option_lines = {name: index + 1 for index, name in enumerate(probe)}
    _, found = parsing.parse_meta(probe, path=path, line=0, option_lines=option_lines, config=config)
    by_line = {line: name for name, line in option_lines.items()}
    for diagnostic in found:
        if diagnostic.code is Code.NUMBER:
            continue
        name = by_line.get(diagnostic.line or 0)
        if name is None or name not in options:
            continue
        value = options.pop(name)
        legacy[name] = _join(legacy.get(name), value, "; ")
        decisions.append(
            Decision(
                Kind.HUMAN,
                path,
                _line_of(fields, name),
                name,
                f"{diagnostic.message}; kept as :legacy-{name}:",
            )
        )
    if "status" not in options:
        decisions.append(
            Decision(
                Kind.HUMAN,
                path,
                _line_of(fields, "status"),
                "status",
                "no status the process knows; set :status: by hand",
            )
        )
