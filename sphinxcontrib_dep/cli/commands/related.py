"""``dep related DEP|WORD``: a proposal's lineage (extends and replaces chains, both ways) and relatives."""

from __future__ import annotations

from typing import Any

from ...core import analysis, corpus, escape, relations
from ...core.config import DepConfig
from ...core.model import Dep, DepRef, parse_id
from ..context import EXIT_OK, EXIT_PROBLEMS, Context

#: The chains, in the order they are printed: (key, heading).
CHAINS = (
    ("extends", "extends"),
    ("extended_by", "extended by"),
    ("replaces", "replaces"),
    ("replaced_by", "replaced by"),
)


def matches(deps: list[Dep], query: str, config: DepConfig) -> list[Dep]:
    """The proposal ``query`` names (``12``, ``DEP-0012``), else those whose title holds it as words."""
    number = parse_id(query, config.id_prefix)
    if number is not None:
        found = corpus.by_number(deps).get(number)
        return [found] if found is not None else []
    words = query.casefold().split()
    return [dep for dep in corpus.sort_deps(deps) if words and all(w in dep.title.casefold() for w in words)]


def _entry(number: int, via: int | None, known: dict[int, Dep], config: DepConfig) -> dict[str, Any]:
    dep = known.get(number)
    return {
        "id": config.format_id(number),
        "number": number,
        "title": dep.title if dep else None,
        "status": dep.status.value if dep and dep.status else None,
        "via": config.format_id(via) if via is not None else None,
    }


def _outside(refs: list[DepRef], config: DepConfig) -> list[str]:
    """References the walks do not follow: another project's proposals, links."""
    return [ref.to_text(config.id_prefix, config.id_width) for ref in refs if ref.number is None]


def record(dep: Dep, deps: list[Dep], config: DepConfig) -> dict[str, Any]:
    """One proposal's lineage and relatives, as ``--format json`` prints it."""
    known = corpus.by_number(deps)
    found = relations.lineage(deps, dep)
    result: dict[str, Any] = {
        "id": config.format_id(dep.number) if dep.number is not None else None,
        "number": dep.number,
        "title": dep.title,
        "status": dep.status.value if dep.status else None,
        "path": dep.path,
    }
    for key, _heading in CHAINS:
        result[key] = [_entry(n, via, known, config) for n, via in getattr(found, key)]
    result["related"] = [_entry(n, None, known, config) for n in found.related]
    result["elsewhere"] = {
        "extends": _outside(dep.extends, config),
        "related": _outside(dep.related, config),
        "replaces": _outside(dep.replaces, config),
        "replaced_by": _outside(dep.replaced_by, config),
    }
    return result


def _line(entry: dict[str, Any], config: DepConfig) -> str:
    if entry["title"] is None:
        text = f"{entry['id']} (not a proposal of this project)"
    else:
        status = config.lookup_status(entry["status"]) if entry["status"] else None
        text = f"{entry['id']} {entry['title']} [{config.status_text(status)}]"
    if entry["via"]:
        text += f" (through {entry['via']})"
    return escape.text(text)


def text(found: dict[str, Any], config: DepConfig) -> str:
    """One proposal's lineage as indented lines; statuses under the project's labels."""
    status = config.lookup_status(found["status"]) if found["status"] else None
    ident = found["id"] or f"draft {found['path']}"
    lines = [escape.text(f"{ident} {found['title']} [{config.status_text(status)}]")]
    sections = [*((heading, found[key]) for key, heading in CHAINS), ("related", found["related"])]
    for heading, entries in sections:
        key = heading.replace(" ", "_")
        elsewhere = found["elsewhere"].get(key, [])
        if not entries and not elsewhere:
            continue
        lines.append(f"  {heading}:")
        lines += [f"    {_line(entry, config)}" for entry in entries]
        lines += [f"    {escape.text(other)}" for other in elsewhere]
    if len(lines) == 1:
        lines.append("  no extends, replaces or related proposals")
    return "\n".join(lines) + "\n"


def cmd_related(ctx: Context) -> int:
    ctx.deps_folder()
    result = analysis.lint_paths([], ctx.root, ctx.config)
    deps = [dep for dep in result.deps if not (ctx.config.public_build and dep.embargoed)]
    chosen = matches(deps, ctx.args.query, ctx.config)
    if not chosen:
        ctx.console.note(f"dep related: no proposal is {ctx.args.query!r} or has it in its title")
        return EXIT_PROBLEMS
    found = [record(dep, deps, ctx.config) for dep in chosen]
    if ctx.args.format == "json":
        ctx.console.write(escape.json_dumps({"query": ctx.args.query, "proposals": found}) + "\n")
    else:
        ctx.console.write("\n".join(text(entry, ctx.config) for entry in found))
    return EXIT_OK
