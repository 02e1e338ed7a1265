"""The drafts' area language, migrated: ``:area:`` (and ``:pic:``, ``:priority:``) where clear.

The real drafts say a proposal's area four ways (``0000-dep-process-improvements.md``):
a header line (``**Area**: Router``) or heading (``## Area``), read with the other header
fields (:mod:`.fields` names them); YAML front matter (``area: process``, the draft's
"Structured Metadata"); and the folder it lives in (``deps/router/``). Each value is mapped
to the key of a declared area (``dep_areas``) when it names exactly one (its key, name or
label, as :func:`~sphinxcontrib_dep.core.ownership.resolve_area` reads it); otherwise it is
kept as ``:legacy-area:`` and reported at its line, as every value the migrator cannot map.
"""

from __future__ import annotations

import re

from ..core import ownership
from ..core.areas import areas as declared_areas
from ..core.config import DepConfig
from ..core.parsing import split_list
from .decisions import Decision, Kind
from .headers import _Field, _front_matter_end

#: Front-matter keys and the option each is (``extends`` and the like belong to other options).
FRONT_MATTER_KEYS = {"area": "area", "areas": "area", "pic": "pic", "priority": "priority"}

_KEY_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*)$")
_ITEM_RE = re.compile(r"^[ \t]+-[ \t]+(.*)$")
_BARE_HANDLE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}")


def _scalar(text: str) -> str:
    """A YAML scalar as written on one line: quotes and a trailing comment dropped."""
    text = text.strip()
    if text[:1] in {'"', "'"} and text[-1:] == text[:1] and len(text) >= 2:
        return text[1:-1].strip()
    return re.split(r"[ \t]#", text, maxsplit=1)[0].strip()


def front_matter_values(lines: list[str]) -> list[tuple[int, str, str]]:
    """``(line, option, value)`` of the area, PIC and priority keys of the YAML front matter.

    Read line by line (``key: value``, ``key: [a, b]``, or ``key:`` over ``- item`` lines), so
    each value keeps its line; other keys, and front matter this does not read, are left alone.
    """
    end = _front_matter_end(lines)
    found: list[tuple[int, str, str]] = []
    index = 1
    while index < end - 1:
        match = _KEY_RE.match(lines[index].rstrip("\r\n"))
        index += 1
        key_line = index  # 1-based
        if match is None or match.group(1).lower() not in FRONT_MATTER_KEYS:
            continue
        option, text = FRONT_MATTER_KEYS[match.group(1).lower()], match.group(2).strip()
        if text.startswith("[") and text.endswith("]"):
            value = ", ".join(_scalar(item) for item in text[1:-1].split(",") if item.strip())
        elif text:
            value = _scalar(text)
        else:
            items = []
            while index < end - 1 and (item := _ITEM_RE.match(lines[index].rstrip("\r\n"))):
                items.append(_scalar(item.group(1)))
                index += 1
            value = ", ".join(items)
        if value:
            found.append((key_line, option, value))
    return found


def map_ownership(
    lines: list[str],
    fields: list[_Field],
    path: str,
    config: DepConfig,
    options: dict[str, str],
    legacy: dict[str, str],
    decisions: list[Decision],
) -> None:
    """Fill ``options`` from the front matter where the header gives no value, map ``area`` to
    declared keys, and check the file's folder; each decision is recorded at its line."""
    lines_of = {f.canonical: f.line for f in fields if f.canonical}

    def note(kind: Kind, message: str, option: str) -> None:
        decisions.append(Decision(kind, path, lines_of.get(option), option, message))

    for line, option, value in front_matter_values(lines):
        if option in options or option in legacy:
            decisions.append(
                Decision(
                    Kind.NOTE, path, line, option, "also in the front matter; the header's value is kept"
                )
            )
            continue
        lines_of[option] = line
        if option == "pic" and _BARE_HANDLE_RE.fullmatch(value):
            # A bare handle, as the draft's own example writes it (pic: nnshah1).
            note(
                Kind.NORMALISED,
                f"{value!r} from the front matter, read as the GitHub handle @{value}",
                option,
            )
            value = f"@{value}"
        else:
            note(Kind.NORMALISED, f"{value!r} from the front matter", option)
        options[option] = value

    declared = declared_areas(config)
    if "area" in options:
        written = split_list(options.pop("area"))
        keys: list[str] = []
        unmapped: list[str] = []
        for item in written:
            if not declared:
                unmapped.append(item)
                continue
            key, problem = ownership.resolve_area(item, config)
            if key is None:
                unmapped.append(item)
                base, said, hint = (problem or "").partition("; did you mean")
                note(
                    Kind.HUMAN,
                    f"{base}; kept as :legacy-area:" + (f"; did you mean{hint}" if said else ""),
                    "area",
                )
            elif key not in keys:
                keys.append(key)
                if key != item:
                    note(Kind.NORMALISED, f"{item!r} -> {key}", "area")
        if unmapped and not declared:
            note(
                Kind.HUMAN,
                f"{', '.join(unmapped)!r} names an area, but no areas are declared (dep_areas); "
                "kept as :legacy-area:",
                "area",
            )
        if keys:
            options["area"] = ", ".join(keys)
        if unmapped:
            legacy["area"] = "; ".join([*split_list(legacy.get("area")), *unmapped])

    folder = ownership.folder_area(path, config)
    if folder is None or not declared:
        return
    lines_of.setdefault("area", 1)  # the folder: the file as a whole
    named = split_list(options.get("area"))
    if folder not in declared:
        note(
            Kind.HUMAN,
            f"in the folder {folder}/, which is no declared area (declared: {', '.join(declared)})"
            + ownership.suggest(folder, config)
            + "; move it to its area's folder, or declare the area",
            "area",
        )
    elif named and folder not in named:
        note(
            Kind.HUMAN,
            f"in the folder of area {folder!r}, but the header names {', '.join(named)}; add {folder} to "
            ":area:, or move the file",
            "area",
        )
    elif not named:
        note(Kind.NOTE, f"area {folder} from its folder (deps/{folder}/)", "area")
