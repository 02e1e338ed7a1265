"""``dep-meta``, ``dep-alternative``, ``dep-phase``: render what the core read, emit the needs.

The directives judge nothing. The core has read the whole file before Sphinx parses it
(:mod:`.reading`): the header, the parts and every warning, exactly as ``dep lint`` does.
A directive finds what the core read at its own line and renders it: the card and the
sphinx-needs needs. A ``dep-*`` directive the core did not take as the proposal's header
or part (a second header, one nested in a note) renders nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..core import parts
from ..core.diagnostics import Code, Diagnostic
from ..core.model import Alternative, Dep, Phase, alternative_numbers, number_from_filename
from . import card, needs
from . import config as sphinx_config
from .domain import get_domain
from .reading import AnyOptions, Reading, area_folder, current

_PLAIN_WORDS_RE = re.compile(r"^[A-Za-z0-9]+(?:,? [A-Za-z0-9]+)*\.?$")


class DepDirective(SphinxDirective):
    """Base of our directives: bound to one Sphinx app (``env.app`` is deprecated in Sphinx 9)."""

    app: ClassVar[Sphinx]
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = AnyOptions()

    @classmethod
    def bound_to(cls, app: Sphinx) -> type[DepDirective]:
        return type(cls.__name__, (cls,), {"app": app})

    def settings(self) -> Any:
        return sphinx_config.get(self.config)

    def source_path(self) -> str:
        """The file relative to the source folder, as the core names it (``deps/0001-x.md``)."""
        return str(self.env.doc2path(self.env.docname, False)).replace("\\", "/")

    def note(self, code: Code, message: str) -> None:
        """A located problem of this directive, kept with its page and emitted on every build."""
        reading = current(self.env)
        if reading is not None:
            reading.note(code, message, self.lineno)
        else:
            diagnostic = Diagnostic(code, message, self.source_path(), self.lineno)
            get_domain(self.env).note_diagnostic(self.env.docname, diagnostic)

    def reading(self) -> Reading | None:
        """What the core read of this file; ``None`` (and a warning) outside the proposals folder."""
        reading = current(self.env)
        if reading is None:
            message = (
                f"{self.name} outside the proposals folder ({self.settings().deps_dir}/) is not read "
                "as a proposal; move the file there"
            )
            get_domain(self.env).note_diagnostic(
                self.env.docname, Diagnostic(Code.MISPLACED, message, self.source_path(), self.lineno)
            )
        return reading


class DepMetaDirective(DepDirective):
    """The header of a proposal: ``dep-meta`` with one option per piece of metadata."""

    def run(self) -> list[nodes.Node]:
        reading = self.reading()
        if reading is None:
            return []
        dep = reading.analysis.dep
        meta = reading.analysis.doc.meta
        reading.runs["dep-meta"] = reading.runs.get("dep-meta", 0) + 1
        if dep is None or meta is None or meta.line != self.lineno or "meta" in reading.claimed:
            # Not the header the core read (a second one, one nested in another directive):
            # the core has reported it; nothing of it is rendered. (docutils may place a
            # nested one a line off, so the runs are counted, not matched by line.)
            if reading.runs["dep-meta"] > len(reading.analysis.doc.blocks_named("dep-meta", nested=True)):
                reading.note(
                    Code.UNREAD, f"a dep-meta on line {self.lineno} that dep lint does not see", self.lineno
                )
            return []
        reading.claimed.add("meta")
        dep.docname = self.env.docname
        return self.render(dep)

    def yields_number(self, dep: Dep) -> bool:
        """Whether another proposal file holds this number first, so this one makes no needs.

        Decided from file names alone, which every parallel reader sees the same: the
        first file by name carrying the number wins, and a ``:number:`` that disagrees
        with its own file name yields to a file carrying that number. (Left to
        sphinx-needs, the winner of a duplicate id under ``-j`` is whichever reader
        finishes first.) The corpus check reports the duplicate, once.
        """
        if dep.number is None:
            return False
        own = number_from_filename(self.env.docname)
        table = get_domain(self.env).number_holders(self.env.found_docs, self.settings().deps_dir)
        holders = [name for name in table.get(dep.number, []) if name != self.env.docname]
        return bool(holders) and (own != dep.number or holders[0] < self.env.docname)

    def render(self, dep: Dep) -> list[nodes.Node]:
        settings = self.settings()
        need_id = needs.dep_need_id(dep, settings)
        result: list[nodes.Node] = []
        if self.yields_number(dep):
            return [card.build(dep, need_id, settings)]
        result += needs.create(
            self,
            self.app,
            need_type="dep",
            need_id=need_id,
            title=dep.title,
            status=dep.status.value if dep.status else None,
            fields=needs.dep_fields(dep, settings),
            lineno=self.lineno,
        )
        for index, link in enumerate(dep.implementation, start=1):
            impl_id = needs.impl_need_id(settings, need_id, index)
            result += needs.create(
                self,
                self.app,
                need_type="impl",
                need_id=impl_id,
                title=link.label,
                status=None,
                fields={"url": link.url, "impl_kind": link.kind, "implements": [need_id]},
                lineno=self.lineno,
            )
        result.append(card.build(dep, need_id, settings))
        return result


def holders_table(found_docs: set[str], deps_dir: str) -> dict[int, list[str]]:
    """Proposal documents by the number their file name carries, each list sorted by name."""
    table: dict[int, list[str]] = {}
    for name in sorted(found_docs):
        number = number_from_filename(name)
        if number is not None and area_folder(name, deps_dir) is not None:
            table.setdefault(number, []).append(name)
    return table


class DepPartDirective(DepDirective):
    """Base of ``dep-alternative`` and ``dep-phase``: a title argument and a labelled body."""

    optional_arguments = 1
    final_argument_whitespace = True

    def proposal(self) -> tuple[Dep, int] | None:
        """The proposal of this page and the index of this part in it (``None``: not read)."""
        reading = self.reading()
        if reading is None:
            return None
        reading.runs[self.name] = reading.runs.get(self.name, 0) + 1
        if reading.analysis.dep is None:
            return None
        dep = reading.analysis.dep
        items: Sequence[Alternative | Phase] = (
            dep.alternatives if self.name == "dep-alternative" else dep.phases
        )
        for index, item in enumerate(items):
            if item.line == self.lineno:
                key = (self.name, index)
                if key in reading.claimed:
                    return None
                reading.claimed.add(key)
                return dep, index
        if reading.runs[self.name] > len(reading.analysis.doc.blocks_named(self.name, nested=True)):
            reading.note(
                Code.UNREAD, f"a {self.name} on line {self.lineno} that dep lint does not see", self.lineno
            )
        return None

    def inline(self, text: str) -> list[nodes.Node]:
        """An item's inline markup (links, emphasis, code), parsed by the page's own parser."""
        if _PLAIN_WORDS_RE.match(text):
            # Words, spaces, commas and a final full stop are text to either parser (no
            # markup, link, replacement or smart quote can start in them): skip the parse.
            return [nodes.Text(text)]
        parsed, messages = self.parse_inline(text, lineno=self.lineno)
        # Raw HTML in an item is shown as text, never passed through: ``<Title>`` stays
        # visible, and an item cannot inject markup into the page.
        result: list[nodes.Node] = []
        for node in parsed:
            if isinstance(node, nodes.raw):
                result.append(nodes.Text(node.astext()))
                continue
            for raw in list(node.findall(nodes.raw)):
                raw.replace_self(nodes.Text(raw.astext()))
            result.append(node)
        return [*result, *messages]


class DepAlternativeDirective(DepPartDirective):
    """A rejected alternative: title, then **Pros:**, **Cons:**, **Reason rejected:**, **Notes:**."""

    def run(self) -> list[nodes.Node]:
        found = self.proposal()
        if found is None:
            return []
        dep, index = found
        settings = self.settings()
        alternative = dep.alternatives[index]
        result: list[nodes.Node] = []
        need_id: str | None = None
        # Cited as DEP-0001-ALT-2 (seed: "Alt <#> <Title>"); a number that repeats or goes
        # down is reported by the core, and gets no need.
        if parts.check_alternative_number(dep.alternatives, index, self.source_path()) is None:
            dep_id = needs.dep_need_id(dep, settings)
            need_id = f"{dep_id}-ALT-{alternative_numbers(dep.alternatives)[index]}"
            result += needs.create(
                self,
                self.app,
                need_type="alt",
                need_id=need_id,
                title=alternative.title or need_id,
                status="Rejected",
                fields=needs.alternative_fields(alternative, dep_id),
                lineno=self.lineno,
            )
        result.append(card.alternative_card(alternative, need_id, self.inline))
        return result


class DepPhaseDirective(DepPartDirective):
    """An implementation phase: number and title, release target, effort, work items, scope."""

    def run(self) -> list[nodes.Node]:
        found = self.proposal()
        if found is None:
            return []
        dep, index = found
        settings = self.settings()
        phase = dep.phases[index]
        result: list[nodes.Node] = []
        need_id: str | None = None
        # A phase whose number repeats or goes down is reported by the core; it gets no need.
        if parts.check_phase_number(dep.phases[:index], phase, self.source_path()) is None:
            dep_id = needs.dep_need_id(dep, settings)
            number = phase.number if phase.number >= 0 else index
            need_id = f"{dep_id}-PHASE-{number}"
            result += needs.create(
                self,
                self.app,
                need_type="phase",
                need_id=need_id,
                title=f"Phase {number}: {phase.title}" if phase.title else f"Phase {number}",
                status=None,
                fields=needs.phase_fields(phase, dep_id),
                lineno=self.lineno,
            )
            for item_index, link in enumerate(phase.work_items, start=1):
                result += needs.create(
                    self,
                    self.app,
                    need_type="impl",
                    need_id=needs.impl_need_id(settings, dep_id, "PHASE", number, item_index),
                    title=link.label,
                    status=None,
                    fields={"url": link.url, "impl_kind": link.kind, "implements": [need_id, dep_id]},
                    lineno=self.lineno,
                )
        result.append(card.phase_card(phase, need_id, self.inline, settings))
        return result
