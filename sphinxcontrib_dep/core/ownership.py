"""Who owns a proposal: ``:area:``, ``:pic:``, ``:priority:`` read, and the rules over them.

The real maintainers' model (``0000-dep-process-improvements.md``, REQ 1 and REQ 3; the
areas of ``0000-dep-area-taxonomy.md``): every proposal belongs to one or more areas
(``dep_areas``, judged by :mod:`.areas`), one person in charge (PIC) drawn from the
owners of those areas shepherds it, and the weekly triage sets its priority. Proposals
may live in area folders, ``deps/<area>/NNNN-slug.md``; a proposal there that does not
say its area belongs to the folder's.

:func:`parse_ownership` is called by :func:`~.parsing.parse_meta` (the values, located
at their option) and :func:`check_ownership` by :func:`~.rules.check_dep` (the rules
over the whole header), so ``dep lint`` and the build report the same lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from . import areas as area_settings
from .config import DepConfig
from .diagnostics import Code, Diagnostic
from .model import Dep, Status, choice_key
from .project import proposals_area

#: The label GitHub issues give an area when ``dep_areas`` names none: ``area/<key>``.
LABEL_PREFIX = "area/"


def resolve_area(text: str, config: DepConfig) -> tuple[str | None, str | None]:
    """The key of the area ``text`` names, and ``None``; or ``None`` and why it names none.

    A key matches first (``router``); then the name (``Router``, ``Backend: vLLM``) or the
    label (``area/router``, ``router``) of exactly one area. Compared as choices are
    (:func:`~.model.choice_key`: case, blanks, ``-``, ``_`` and ``/`` do not count).
    """
    declared = area_settings.areas(config)
    wanted = choice_key(text)
    for key in declared:
        if choice_key(key) == wanted:
            return key, None
    found = [
        area.key
        for area in declared.values()
        if wanted
        in {choice_key(area.name), choice_key(area.label), choice_key(area.label.removeprefix(LABEL_PREFIX))}
    ]
    if len(found) == 1:
        return found[0], None
    if found:
        return None, f"{text!r} is the name or label of several areas ({', '.join(found)}); write the key"
    return None, f"unknown area {text!r} (declared: {', '.join(declared)})" + suggest(text, config)


def suggest(text: str, config: DepConfig) -> str:
    """``"; did you mean router?"``: the key of the area whose key, name or label ``text`` is
    closest to (a typo), else ``""``."""
    import difflib

    declared = area_settings.areas(config)
    keys: dict[str, str] = {}
    for area in declared.values():
        for written in (area.label, area.name, area.key):  # the key wins a tie
            keys[choice_key(written)] = area.key
    # 0.8, not 0.75: "backends" is not "backend-sglang" (0.76), "routr" is "router" (0.91).
    found = difflib.get_close_matches(choice_key(text), list(keys), n=1, cutoff=0.8)
    return f"; did you mean {keys[found[0]]}?" if found else ""


def folder_area(path: str, config: DepConfig) -> str | None:
    """The sub-folder of the proposals folder that holds ``path`` (``deps/router/0012-x.md`` ->
    ``router``), whether or not it is a declared area; ``None`` at the top of the folder."""
    folder = proposals_area(path, config.deps_dir)
    if folder is None:
        return None
    relative = path.replace("\\", "/")[len(folder) + 1 :] if folder else path.replace("\\", "/")
    parts = relative.split("/")
    return parts[0] if len(parts) > 1 else None


def parse_ownership(
    dep: Dep, seen: Mapping[str, str | None], report: Callable[[Code, str, str], None], config: DepConfig
) -> None:
    """Read ``:area:``, ``:pic:`` and ``:priority:`` of one header into ``dep``, reporting each
    value that names nothing (``report`` is :func:`~.parsing.parse_meta`'s reporter)."""
    from .parsing import did_you_mean, is_empty, parse_person, split_list

    declared = area_settings.areas(config)
    written = split_list(seen.get("area"))
    if written and not declared:
        report(
            Code.AREA,
            f":area: {', '.join(written)} given, but no areas are declared (dep_areas); it is ignored",
            "area",
        )
        written = []
    for item in written:
        key, problem = resolve_area(item, config)
        if key is None:
            report(Code.AREA, f":area: {problem}", "area")
        elif key in dep.areas:
            report(Code.AREA, f":area: names area {key!r} twice; it is kept once", "area")
        else:
            dep.areas.append(key)
    if not dep.areas:
        # The folder gives the area of a proposal that does not say it: deps/router/x.md is
        # Router's. One that says another is reported by check_ownership.
        folder = folder_area(dep.path, config)
        if folder is not None and folder in declared:
            dep.areas.append(folder)

    pic_items = split_list(seen.get("pic"))
    if len(pic_items) > 1:
        report(Code.PIC, f":pic: takes one person, not {len(pic_items)}; the first is kept", "pic")
    if pic_items:
        person = parse_person(pic_items[0], report, "pic")  # type: ignore[arg-type]
        if person is not None and (not person.handle or person.name):
            report(
                Code.PIC,
                f":pic: {pic_items[0]!r} is not an @handle; a PIC is named as the area's owners are "
                "(@handle); it is left out",
                "pic",
            )
        elif person is not None:
            dep.pic = person

    priority = seen.get("priority")
    if not is_empty(priority):
        assert priority is not None
        wanted = choice_key(priority)
        found = next((p for p in config.priorities if choice_key(p) == wanted), None)
        if found is None:
            report(
                Code.PRIORITY,
                f"unknown priority {priority.strip()!r} (allowed: {', '.join(config.priorities)})"
                + did_you_mean(priority, config.priorities),
                "priority",
            )
        dep.priority = found


def check_ownership(dep: Dep, config: DepConfig) -> list[Diagnostic]:
    """The rules over a proposal's areas, folder and PIC (see the module's docstring)."""
    found: list[Diagnostic] = []

    def report(code: Code, message: str, *options: str) -> None:
        found.append(Diagnostic(code, message, dep.path, dep.line_of(*options, "status")))

    declared = area_settings.areas(config)
    if not declared:
        return found
    folder = folder_area(dep.path, config)
    if folder is not None and folder not in declared:
        report(
            Code.AREA_FOLDER,
            f"the folder {folder}/ is not a declared area (declared: {', '.join(declared)}): move the file "
            f"to its area's folder, or declare {folder} in dep_areas" + suggest(folder, config),
            "area",
        )
    elif folder is not None and dep.areas and folder not in dep.areas:
        report(
            Code.AREA_FOLDER,
            f"in the folder of area {folder!r}, but :area: names {', '.join(dep.areas)}; add {folder} "
            "to :area:, or move the file to the folder of its area",
            "area",
        )
    if dep.pic is not None:
        handle = f"@{dep.pic.handle}"
        owned = [declared[key] for key in dep.areas if key in declared]
        if not owned:
            report(
                Code.PIC,
                f":pic: {handle} is PIC of no area: name the proposal's :area: (declared: "
                f"{', '.join(declared)})",
                "pic",
            )
        elif not any(area.is_owner(handle) for area in owned):
            owners = sorted({owner for area in owned for owner in area.owners})
            names = ", ".join(area.key for area in owned)
            report(
                Code.PIC,
                f":pic: {handle} is not an owner of {names} (owners: {', '.join(owners) or 'none declared'})",
                "pic",
            )
    if dep.status is Status.UNDER_REVIEW and dep.pic is None:
        owners = sorted({owner for key in dep.areas for owner in declared[key].owners})
        hint = f" (owners of {', '.join(dep.areas)}: {', '.join(owners)})" if owners else ""
        report(
            Code.PIC_MISSING,
            f"Under Review needs a person in charge: name one of its areas' owners in :pic:{hint}",
        )
    return found
