"""The bridge into sphinx-needs: need types, fields and links, and the needs of a proposal.

Only ``sphinx_needs.api`` is used to register and create needs, with two exceptions the
API does not yet cover and sphinx-needs' own docs point to: link types are declared by
writing ``needs_links`` before sphinx-needs loads its config (there is no ``add_link``),
and a page whose only needs come from our directives is recorded with ``add_doc``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxDirective
from sphinx_needs.api import InvalidNeedException, add_field, add_need, add_need_type, get_need_types
from sphinx_needs.need_item import NeedItemSourceDirective
from sphinx_needs.utils import add_doc

from ..core.config import DepConfig
from ..core.diagnostics import Code
from ..core.model import Alternative, Dep, Phase, slugify, split_proposal_name
from .logging import warn

if TYPE_CHECKING:
    from sphinx_needs.schema.config import FieldSchemaTypes


@dataclass(frozen=True)
class NeedType:
    directive: str
    title: str
    prefix: str
    color: str


#: The need types this extension creates. ``impl`` is also a sphinx-needs default type;
#: where it already exists it is used as it is.
NEED_TYPES: tuple[NeedType, ...] = (
    NeedType("dep", "Enhancement Proposal", "DEP-", "#BFD8D2"),
    NeedType("impl", "Implementation", "IMPL-", "#DF744A"),
    NeedType("alt", "Rejected Alternative", "ALT-", "#DCB239"),
    NeedType("phase", "Implementation Phase", "PHASE-", "#9DC5BB"),
)

#: The JSON types of our fields (:func:`_schema` makes each its sphinx-needs schema).
_STRING, _STRINGS, _INTEGER = "string", "strings", "integer"


def _schema(kind: str) -> FieldSchemaTypes:
    """A field's JSON schema for sphinx-needs, a new one for every call."""
    if kind == _INTEGER:
        return {"type": "integer"}
    if kind == _STRINGS:
        return {"type": "array", "items": {"type": "string"}}
    return {"type": "string"}


#: Fields of our needs: name -> (description, JSON type). Named so as not to clash with
#: sphinx-needs' own need fields (``template`` is one, hence ``dep_template``).
FIELDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "number": ("The proposal's number", _INTEGER),
        "authors": ("Authors", _STRINGS),
        "category": ("Category", _STRING),
        "sponsors": ("Sponsors / stewards", _STRINGS),
        "reviewers": ("Required reviewers with their review status", _STRINGS),
        "review_date": ("Review date (YYYY-MM-DD)", _STRING),
        "review_requested": ("Date the review was requested (YYYY-MM-DD)", _STRING),
        "pull_request": ("The proposal's own pull request", _STRING),
        "dep_template": ("The template the proposal follows", _STRING),
        "decision": ("Who made the final call, and why", _STRING),
        "url": ("Link of an implementation pull request or issue", _STRING),
        "impl_kind": ("pr, issue or link", _STRING),
        "pros": ("Pros of a rejected alternative", _STRINGS),
        "cons": ("Cons of a rejected alternative", _STRINGS),
        "reason_rejected": ("Why the alternative was rejected", _STRINGS),
        "notes": ("Notes on a rejected alternative", _STRINGS),
        "release_target": ("Release target of a phase", _STRING),
        "effort": ("Effort estimate of a phase", _STRING),
        "supported": ("Behaviour a phase supports", _STRINGS),
        "not_supported": ("Behaviour a phase leaves out", _STRINGS),
        "work_items": ("Issue and pull request links of a phase", _STRINGS),
        "shortened": ("What of this need's links did not become needs, and where they are", _STRING),
    }
)

#: Link types: name -> (outgoing title, incoming title, target types).
LINKS: Mapping[str, tuple[str, str, tuple[str, ...]]] = MappingProxyType(
    {
        "replaces": ("replaces", "replaced by", ("dep",)),
        "replaced_by": ("replaced by", "replaces", ("dep",)),
        "implements": ("implements", "implemented by", ("dep", "phase")),
        "alternative_of": ("alternative of", "alternatives", ("dep",)),
        "phase_of": ("phase of", "phases", ("dep",)),
        "extends": ("extends", "extended by", ("dep",)),
        "related": ("related to", "related to", ("dep",)),
    }
)

_SPHINX_NEEDS_DEFAULT_ID_REGEX = "^[A-Z0-9_]{5,}"

#: The most needs one document makes. sphinx-needs' cost grows with the square of the
#: needs on a page (each need scans the page's earlier nodes for a signature, each
#: back-link scans the target's earlier back-links): 2000 alternatives took 27 s. A real
#: proposal makes a few dozen; past this, the rest are shown on the page but not made
#: needs, and the need whose links were cut says so in its ``shortened`` field.
MAX_NEEDS_PER_DOCUMENT = 500


def configure(app: Sphinx, config: Config) -> None:
    """Register types, fields and links with sphinx-needs (config-inited, priority 13).

    Priority 13: after sphinx-needs resolves ``needs_types`` (12), before it loads the
    rest of its configuration (500), which is when ``needs_links`` is read.
    """
    existing = set(get_need_types(app))
    for need_type in NEED_TYPES:
        if need_type.directive not in existing:
            add_need_type(app, need_type.directive, need_type.title, need_type.prefix, need_type.color)
    user_fields = config.needs_fields or {}
    for name, (description, kind) in FIELDS.items():
        if name not in user_fields:  # the project's own declaration wins
            # Values come from proposals, i.e. from pull requests: sphinx-needs must never
            # read ``[[...]]`` (dynamic functions, whose filters are Python) or ``<<...>>``
            # (variants, evaluated expressions) in them.
            add_field(
                name,
                description,
                schema=_schema(kind),
                nullable=True,
                parse_dynamic_functions=False,
                parse_variants=False,
            )
    # The same for the core fields our needs fill from a proposal: its title and status.
    # A project that declares these fields itself keeps its own choice.
    core = {
        name: {"parse_dynamic_functions": False} for name in ("title", "status") if name not in user_fields
    }
    if core:
        config.needs_fields = {**user_fields, **core}
    links: dict[str, dict[str, Any]] = {
        name: {
            "outgoing": out,
            "incoming": incoming,
            "target_types": list(targets),
            "parse_dynamic_functions": False,
            "parse_variants": False,
        }
        for name, (out, incoming, targets) in LINKS.items()
    }
    for name in ("replaces", "replaced_by", "extends", "related"):
        # The corpus check reports a reference to an unknown proposal (dep.unknown_ref).
        links[name]["allow_dead_links"] = True
    config.needs_links = {**links, **(config.needs_links or {})}
    if "needs_build_json" not in config._raw_config:
        # sphinx-needs' need permalinks (permalink.html) fetch needs.json from the site.
        config.needs_build_json = True
    if config.needs_id_regex == _SPHINX_NEEDS_DEFAULT_ID_REGEX:
        # Our ids carry hyphens (DEP-0001, IMPL-0001-1), which the default rejects.
        config.needs_id_regex = r"^[A-Za-z][A-Za-z0-9_-]{2,}$"
    if config.needs_flow_engine == "plantuml" and "needs_flow_engine" not in config._raw_config:
        # PlantUML needs Java and a jar and fails silently without them; graphviz works offline.
        config.needs_flow_engine = "graphviz"


def dep_need_id(dep: Dep, settings: DepConfig) -> str:
    """``DEP-0001``; an unnumbered draft gets ``DEP-DRAFT-<SLUG>`` from its file name."""
    if dep.number is not None:
        return settings.format_id(dep.number)
    name = dep.path.rsplit("/", 1)[-1]
    parts = split_proposal_name(name)
    stem = (parts[1] if parts else name).rsplit(".", 1)[0]
    return f"{settings.id_prefix}DRAFT-{slugify(stem).upper()}"


def impl_need_id(settings: DepConfig, owner_id: str, *parts: object) -> str:
    """An implementation link's need id: ``IMPL-0001-2`` for a proposal's second link,
    ``IMPL-0001-PHASE-1-3`` for the third work item of its phase 1 (``owner_id`` is the
    proposal's need id, ``parts`` what follows it)."""
    return "-".join([f"{settings.impl_prefix}{owner_id.removeprefix(settings.id_prefix)}", *map(str, parts)])


def _ref_ids(refs: list[Any], settings: DepConfig) -> list[str]:
    return [settings.format_id(ref.number) for ref in refs if ref.number is not None]


def dep_fields(dep: Dep, settings: DepConfig) -> dict[str, Any]:
    """The metadata of a proposal as need fields and links (``None`` where unset)."""
    return {
        "number": dep.number,
        "authors": [p.display for p in dep.authors],
        "category": dep.category,
        "sponsors": [p.display for p in dep.sponsors],
        "reviewers": [f"{r.person.display} ({r.status.value})" for r in dep.reviewers],
        "review_date": dep.review_date.isoformat() if dep.review_date else None,
        "review_requested": dep.review_requested.isoformat() if dep.review_requested else None,
        "pull_request": dep.pull_request,
        "dep_template": dep.template.value,
        "decision": dep.decision,
        "replaces": _ref_ids(dep.replaces, settings),
        "replaced_by": _ref_ids(dep.replaced_by, settings),
        "extends": _ref_ids(dep.extends, settings),
        "related": _ref_ids(dep.related, settings),
        # The proposal's need is the first of its page, so its links get the rest of the budget.
        "shortened": _shortened("implementation", len(dep.implementation), MAX_NEEDS_PER_DOCUMENT - 1),
    }


def _shortened(field: str, links: int, room: int) -> str | None:
    """The note for a need whose ``links`` get only ``room`` link needs (``None`` if all fit)."""
    if links <= room:
        return None
    made = max(room, 0)
    return (
        f"{field}: {made} of {links} links are impl needs (a page makes at most "
        f"{MAX_NEEDS_PER_DOCUMENT} needs); every link is on the proposal's page"
        + (" and in deps.json" if field == "implementation" else " and in work_items")
    )


def alternative_fields(alternative: Alternative, dep_id: str) -> dict[str, Any]:
    """A rejected alternative's parts as need fields, linked to its proposal."""
    return {
        "pros": list(alternative.pros),
        "cons": list(alternative.cons),
        "reason_rejected": list(alternative.reason_rejected),
        "notes": list(alternative.notes),
        "alternative_of": [dep_id],
    }


def phase_fields(phase: Phase, dep_id: str) -> dict[str, Any]:
    """An implementation phase as need fields, linked to its proposal."""
    return {
        "number": phase.number if phase.number >= 0 else None,
        "release_target": phase.release_target,
        "effort": phase.effort,
        "supported": list(phase.supported),
        "not_supported": list(phase.not_supported),
        "work_items": [link.url for link in phase.work_items],
        "phase_of": [dep_id],
    }


def create(
    directive: SphinxDirective,
    app: Sphinx,
    *,
    need_type: str,
    need_id: str,
    title: str,
    status: str | None,
    fields: dict[str, Any],
    lineno: int,
) -> list[nodes.Node]:
    """Create one hidden need (we render our own card) and return its nodes.

    A comment node goes first: sphinx-needs takes the closest preceding need node as
    the parent of a hidden need, and our needs have no parent.

    Values go in already typed (``int``, ``str``, ``list[str]``), with
    ``allow_type_coercion=False``: sphinx-needs then checks their types and keeps them as
    they are. With coercion on, it reads every string as a directive option, splitting it
    for ``[[...]]`` dynamic functions and ``<<...>>`` variants one character at a time
    (time that grows with the square of the length: 230 s for a 2 MB ``:decision:``), and
    a proposal's text that looks like a function would be run as one.
    """
    # The ids of the needs this document made so far (per-document data, cleared with it).
    made: list[str] = directive.env.temp_data.setdefault("dep_needs_made", [])  # type: ignore[assignment]
    if len(made) >= MAX_NEEDS_PER_DOCUMENT:
        _note_budget_spent(directive, need_type, need_id, lineno)
        return []
    if need_type == "phase" and fields.get("work_items"):
        room = MAX_NEEDS_PER_DOCUMENT - len(made) - 1
        fields = {**fields, "shortened": _shortened("work_items", len(fields["work_items"]), room)}
    source = NeedItemSourceDirective(docname=directive.env.docname, lineno=lineno, lineno_content=lineno)
    try:
        created = add_need(
            app,
            directive.state,
            need_source=source,
            need_type=need_type,
            title=title or need_id,
            id=need_id,
            status=status,
            content="",
            hide=True,
            allow_type_coercion=False,
            **fields,
        )
    except InvalidNeedException as err:
        if err.type == "duplicate_id" and need_type == "dep":
            # The corpus check reports a duplicate number once, naming both files.
            return []
        code = Code.DUPLICATE_NUMBER if err.type == "duplicate_id" else Code.VALUE
        warn(code, f"{need_id}: {err.message}", (directive.env.docname, lineno))
        return []
    add_doc(directive.env, directive.env.docname)
    made.append(need_id)
    return [nodes.comment(), *created]


def _note_budget_spent(directive: SphinxDirective, need_type: str, need_id: str, lineno: int) -> None:
    """Warn once per document, at the first part past the budget that no need can mention.

    Link needs past the budget are already noted in their proposal's or phase's
    ``shortened`` field; an alternative or a phase has no need left to carry a note.
    """
    if need_type not in ("alt", "phase") or directive.env.temp_data.get("dep_needs_warned"):
        return
    directive.env.temp_data["dep_needs_warned"] = True
    what = "dep-alternative" if need_type == "alt" else "dep-phase"
    warn(
        Code.ALTERNATIVE if need_type == "alt" else Code.PHASE,
        f"{need_id}: this page already makes {MAX_NEEDS_PER_DOCUMENT} needs, so this {what} and "
        "every later part are shown on the page but are not needs (not in needs.json)",
        (directive.env.docname, lineno),
    )


def purge_read_docs_only(app: Sphinx) -> None:
    """Call sphinx-needs' ``env-purge-doc`` handler only for documents read before.

    Sphinx purges every document before reading it, on a fresh build too, and
    sphinx-needs' purge walks every need read so far: quadratic in the number of needs
    (at 1000 proposals, a few seconds). sphinx-needs records a document's needs, docs,
    extends and diagrams only while reading it, and Sphinx notes a document in
    ``env.all_docs`` once it is read; a document not there has nothing to purge, so the
    call is skipped for it and made, unchanged, for every other.
    """
    # The one place we touch sphinx-needs beyond its API, for speed only: if the handler
    # moves in a later release, nothing is changed and sphinx-needs purges as it always did.
    try:
        from sphinx_needs.directives.need import purge_needs
    except ImportError:
        return

    def purge_if_read(app: Sphinx, env: Any, docname: str) -> None:
        if docname in env.all_docs:
            purge_needs(app, env, docname)

    for listener in list(app.events.listeners.get("env-purge-doc", [])):
        if listener.handler is purge_needs:
            app.disconnect(listener.id)
            app.connect("env-purge-doc", purge_if_read, priority=listener.priority)


#: The body of sphinx-needs' ``NeedsList.write_json`` that :func:`fast_needs_json` replaces.
_WRITE_JSON_BODY = "json.dump(self.needs_list, f, sort_keys=True)"


def fast_needs_json() -> None:
    """Have sphinx-needs write ``needs.json`` with the C JSON encoder (same bytes, 6x faster).

    sphinx-needs writes the file with ``json.dump(..., f)``, which always runs Python's
    pure-Python encoder (the C one serves ``json.dumps`` only): at 1000 proposals, 1.5 s
    of every build, incremental ones included. ``json.dumps`` then one write gives the
    same text. Replaced only while the method is exactly the one read here (its source
    is checked); any other version of sphinx-needs writes the file as it always did.
    """
    try:
        import inspect

        from sphinx_needs.needsfile import NeedsList
    except ImportError:
        return
    original = NeedsList.__dict__.get("write_json")
    if original is None or getattr(original, "_dep_fast", False):
        return
    try:
        source = inspect.getsource(original)
    except (OSError, TypeError):
        return
    if source.count(_WRITE_JSON_BODY) != 1 or not callable(getattr(NeedsList, "_finalise", None)):
        return

    def write_json(self: Any, needs_file: str = "needs.json", needs_path: str = "") -> None:
        self._finalise()
        needs_dir = needs_path if needs_path else self.outdir
        text = json.dumps(self.needs_list, sort_keys=True)
        with open(os.path.join(needs_dir, needs_file), "w") as f:
            f.write(text)

    write_json._dep_fast = True  # type: ignore[attr-defined]
    setattr(NeedsList, "write_json", write_json)  # noqa: B010
