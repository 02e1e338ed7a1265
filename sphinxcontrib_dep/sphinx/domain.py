"""The ``dep`` domain: every proposal of the project, by document, for cross-document work.

It stores model objects (never nodes), forgets a document in ``clear_doc`` and merges
parallel readers' data in ``merge_domaindata``, so ``-j N`` and incremental builds see the
same set of proposals a fresh serial build does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from types import MappingProxyType
from typing import Any, ClassVar, cast

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxRole
from sphinx.util.nodes import make_refnode

from ..core import corpus, relations, report
from ..core.diagnostics import Diagnostic
from ..core.model import Dep, DepRef, parse_id, role_target, split_project_ref
from . import config as sphinx_config
from .card import status_badge


class DepRole(SphinxRole):
    """``{dep}`12``` / ``:dep:`DEP-0012``` / ``{dep}`the process <12>```: a link to a proposal."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        title, target = role_target(self.text)
        node = pending_xref(
            self.rawtext,
            refdomain="dep",
            reftype="dep",
            reftarget=target.strip(),
            refexplicit=bool(title),
            refdoc=self.env.docname,
        )
        node += nodes.inline(title or target, title or target, classes=["xref", "dep"])
        self.set_source_info(node)
        # Remembered so the page is rewritten when the proposal's title or status changes.
        get_domain(self.env).note_reference(self.env.docname, target.strip(), self.lineno)
        # A parent of its own: Sphinx replaces a resolved reference with ``replace_self``,
        # which looks it up among its siblings (32,000 roles in a paragraph: 142 s).
        return [nodes.inline("", "", node, classes=["dep-ref"])], []


class DepDomain(Domain):
    """All proposals of the project."""

    name = "dep"
    label = "Enhancement Proposals"
    data_version = 4
    initial_data: ClassVar[dict[str, Any]] = {
        "deps": {},
        "pages": {},
        "refs": {},
        "snapshot": {},
        "diagnostics": {},
    }

    @property
    def deps(self) -> dict[str, Dep]:
        """docname -> the proposal that document holds."""
        return cast("dict[str, Dep]", self.data["deps"])

    @property
    def pages(self) -> dict[str, set[str]]:
        """docname -> the whole-corpus directives on it (``index``, ``graph``, ...)."""
        return cast("dict[str, set[str]]", self.data.setdefault("pages", {}))

    @property
    def refs(self) -> dict[str, set[tuple[str, int | None]]]:
        """docname -> the ``{dep}`` roles on it: ``(target, line)``."""
        return cast("dict[str, set[tuple[str, int | None]]]", self.data.setdefault("refs", {}))

    @property
    def diagnostics(self) -> dict[str, list[Diagnostic]]:
        """docname -> every ``dep`` diagnostic of that document, emitted again on every build."""
        return cast("dict[str, list[Diagnostic]]", self.data.setdefault("diagnostics", {}))

    def set_diagnostics(self, docname: str, found: list[Diagnostic]) -> None:
        kept = [d for d in self.diagnostics.get(docname, []) if d not in found]
        self.diagnostics[docname] = [*found, *kept] if (found or kept) else []
        if not self.diagnostics[docname]:
            del self.diagnostics[docname]

    def note_diagnostic(self, docname: str, diagnostic: Diagnostic) -> None:
        found = self.diagnostics.setdefault(docname, [])
        if diagnostic not in found:
            found.append(diagnostic)

    @property
    def snapshot(self) -> dict[str, Any]:
        """What the last build showed of each proposal, to find the pages a change makes stale."""
        return cast("dict[str, Any]", self.data.setdefault("snapshot", {}))

    # Tables derived from the proposals, asked for once per {dep} role, view or card:
    # built once, dropped whenever a proposal comes, changes or goes (_changed). They live
    # on this object, made anew for every environment, never in the pickled data.
    _numbered: dict[int, Dep] | None = None
    _links: dict[str, tuple[list[DepRef], list[DepRef]]] | None = None
    _relations: dict[str, tuple[list[DepRef], list[DepRef]]] | None = None
    #: The views' tables of every proposal (:func:`.tables.corpus_tables`), built once per
    #: set of proposals instead of once per page written.
    view_tables: Any = None
    #: The toctree entries that list proposals (:mod:`.navigation`), found once per build
    #: when the first page is written and forgotten when documents are read again.
    navigation: list[Any] | None = None

    def _changed(self) -> None:
        self._numbered = None
        self._links = None
        self._relations = None
        self.view_tables = None

    def add(self, dep: Dep) -> None:
        self.deps[dep.docname] = dep
        self._changed()

    def note_page(self, docname: str, kind: str) -> None:
        self.pages.setdefault(docname, set()).add(kind)

    def note_reference(self, docname: str, target: str, line: int | None = None) -> None:
        self.refs.setdefault(docname, set()).add((target, line))

    def clear_doc(self, docname: str) -> None:
        self.deps.pop(docname, None)
        self._changed()
        self.pages.pop(docname, None)
        self.refs.pop(docname, None)
        self.diagnostics.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname, dep in otherdata["deps"].items():
            if docname in docnames:
                self.deps[docname] = dep
        self._changed()
        for key in ("pages", "refs"):
            for docname, found in otherdata.get(key, {}).items():
                if docname in docnames:
                    self.data.setdefault(key, {}).setdefault(docname, set()).update(found)
        for docname, found in otherdata.get("diagnostics", {}).items():
            if docname in docnames:
                self.diagnostics[docname] = list(found)

    # The number -> files table is asked once per proposal read: built once per set of documents.
    _holders: tuple[int, str, dict[int, list[str]]] | None = None

    def number_holders(self, found_docs: set[str], deps_dir: str) -> dict[int, list[str]]:
        """Proposal documents by the number their file name carries (see ``yields_number``)."""
        from .directives import holders_table

        key = (id(found_docs), f"{len(found_docs)}:{deps_dir}")
        if self._holders is None or self._holders[:2] != key:
            self._holders = (*key, holders_table(found_docs, deps_dir))
        return self._holders[2]

    def links_both_ways(self) -> dict[str, tuple[list[DepRef], list[DepRef]]]:
        """path -> (replaces, replaced by), joined from both sides (:func:`~sphinxcontrib_dep.core.report.links_both_ways`)."""
        if self._links is None:
            self._links = report.links_both_ways(self.deps.values())
        return self._links

    def relations_both_ways(self) -> dict[str, tuple[list[DepRef], list[DepRef]]]:
        """path -> (extended by, related from either side) (:mod:`~sphinxcontrib_dep.core.relations`)."""
        if self._relations is None:
            deps = list(self.deps.values())
            related = relations.related_both_ways(deps)
            children = relations.extended_by([dep for dep in deps if dep.project is None])
            owners = self._number_index()
            self._relations = {
                dep.path: (
                    [DepRef(n) for n in children.get(dep.number, [])]
                    if dep.number is not None and owners.get(dep.number) is dep
                    else [],
                    related[dep.path],
                )
                for dep in deps
            }
        return self._relations

    def by_number(self) -> dict[int, Dep]:
        """Numbered proposals, each number's holder chosen by :func:`~sphinxcontrib_dep.core.corpus.by_number`."""
        return dict(self._number_index())

    def number_index(self) -> Mapping[int, Dep]:
        """The cached table of :meth:`by_number` itself, read-only (no copy per call)."""
        return MappingProxyType(self._number_index())

    def _number_index(self) -> dict[int, Dep]:
        if self._numbered is None:
            self._numbered = corpus.by_number(self.deps.values())
        return self._numbered

    def find(self, target: str) -> Dep | None:
        number = parse_id(target, sphinx_config.get(self.env.config).id_prefix)
        return self._number_index().get(number) if number is not None else None

    # Sphinx declares ``nodes.reference | None``; any element may replace the pending
    # reference, and an unknown proposal is replaced by text, not by a link to nowhere.
    def resolve_xref(  # type: ignore[override]
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | nodes.inline | None:
        if split_project_ref(target) is not None:
            from .portfolio import external_node

            return external_node(self.env.config, target, contnode if node.get("refexplicit") else None)  # type: ignore[return-value]
        dep = self.find(target)
        if dep is None:
            if not node.get("refwarn", True):
                return None
            # Reported once per build at env-updated (dep.unknown_ref), also for pages not
            # rewritten; resolved to plain text, so Sphinx gives no second report under -n.
            missing = nodes.inline(classes=["dep-ref-missing"])
            missing += contnode
            return missing
        return self._reference(builder, fromdocname, dep, node, contnode)

    def _reference(
        self, builder: Builder, fromdocname: str, dep: Dep, node: pending_xref, contnode: Element
    ) -> nodes.reference:
        """A link to ``dep``: its id, title and status badge, or the role's own title."""
        settings = sphinx_config.get(self.env.config)
        need_id = settings.format_id(dep.number or 0)
        if node.get("refexplicit"):
            content: Element = contnode
        else:
            content = nodes.inline(classes=["dep-ref"])
            text = f"{need_id}: {dep.title}"
            content += nodes.inline(text, text)
            content += nodes.Text(" ")
            content += status_badge(dep.status, settings)
        return make_refnode(builder, fromdocname, dep.docname, need_id, content, f"{need_id}: {dep.title}")

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        dep = self.find(target)
        if dep is None:
            return []
        return [("dep:dep", self._reference(builder, fromdocname, dep, node, contnode))]

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        settings = sphinx_config.get(self.env.config)
        for dep in self.deps.values():
            if dep.number is not None:
                need_id = settings.format_id(dep.number)
                yield need_id, f"{need_id}: {dep.title}", "dep", dep.docname, need_id, 1


def get_domain(env: BuildEnvironment) -> DepDomain:
    return env.domains["dep"]  # type: ignore[return-value]
