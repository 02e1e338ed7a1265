"""``dep-meta``: parse options, call the core, report located warnings, emit needs and the card."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from .. import parsing, parts, rules
from ..diagnostics import Code, Diagnostic
from ..model import Dep, number_from_filename
from . import card, needs
from . import config as sphinx_config
from .domain import get_domain
from .logging import emit
from .sources import is_proposal


class AnyOptions(dict[str, Any]):
    """An ``option_spec`` that takes every option as text, so the core judges unknown ones.

    docutils and MyST both look options up with ``spec[name]``; answering every name lets
    the option reach :func:`~sphinxcontrib_dep.parsing.parse_meta`, which reports an unknown
    one with the same wording ``dep lint`` uses, instead of the parser dropping it.
    """

    def __missing__(self, key: str) -> Any:
        return directives.unchanged

    def __contains__(self, key: object) -> bool:
        return True

    def __bool__(self) -> bool:
        # docutils and MyST skip option parsing for an empty (falsy) spec.
        return True


def read_block(block_text: str, lineno: int, path: str) -> tuple[dict[str, int], list[Diagnostic]]:
    """The line of each option, and why the option block could not be read, from the core.

    A MyST directive's ``block_text`` is its whole fence, which the core scans exactly as
    ``dep lint`` does; reStructuredText keeps the line-by-line reading.
    """
    if not block_text.lstrip().startswith(("`", "~", ":")):
        return option_lines(block_text, lineno), []
    blocks = parsing.scan_markdown(block_text, path).blocks
    if not blocks:
        return option_lines(block_text, lineno), []
    shift = lineno - blocks[0].line
    lines = {name: line + shift for name, line in blocks[0].option_lines.items()}
    problems = [
        Diagnostic(d.code, d.message, d.path, (d.line or 0) + shift)
        for d in parsing.meta_block_problems(blocks[0], path)
    ]
    return lines, problems


def option_lines(block_text: str, lineno: int) -> dict[str, int]:
    """The source line of each ``:name:`` option, from the directive's own text."""
    found: dict[str, int] = {}
    for offset, text in enumerate(block_text.splitlines()):
        match = re.match(r"^\s*:([^:\s][^:]*?):(?:\s|$)", text)
        if match and match.group(1) not in found:
            found[match.group(1)] = lineno + offset
    return found


_PLAIN_WORDS_RE = re.compile(r"^[A-Za-z0-9]+(?:,? [A-Za-z0-9]+)*\.?$")


class DepDirective(SphinxDirective):
    """Base of our directives: bound to one Sphinx app (``env.app`` is deprecated in Sphinx 9)."""

    app: ClassVar[Sphinx]

    @classmethod
    def bound_to(cls, app: Sphinx) -> type[DepDirective]:
        return type(cls.__name__, (cls,), {"app": app})

    def settings(self) -> Any:
        return sphinx_config.get(self.config)

    def source_path(self) -> str:
        """The file relative to the source folder, as the core names it (``deps/0001-x.md``)."""
        return str(self.env.doc2path(self.env.docname, False)).replace("\\", "/")

    def emit(self, diagnostics: list[Diagnostic]) -> None:
        emit(diagnostics, self.env.docname)


def _document_title(directive: SphinxDirective) -> str | None:
    """The document's first heading, if the parser has met one before this directive.

    Both parsers build the document in source order, so a title that exists now stands
    above the directive (MyST's directive state offers no ``parent`` to walk instead).
    """
    title = next(iter(directive.state.document.findall(nodes.title)), None)
    return title.astext() if title is not None else None


class DepMetaDirective(DepDirective):
    """The header of a proposal: ``dep-meta`` with one option per piece of metadata."""

    has_content = True
    option_spec = AnyOptions()

    def run(self) -> list[nodes.Node]:
        settings = self.settings()
        domain = get_domain(self.env)
        docname = self.env.docname
        path = self.source_path()
        existing = domain.deps.get(docname)
        if existing is not None:
            message = parsing.DUPLICATE_META_MESSAGE.format(first=existing.line)
            self.emit([Diagnostic(Code.DUPLICATE_META, message, path, self.lineno)])
            return []

        title = _document_title(self)
        lines, diagnostics = read_block(self.block_text, self.lineno, path)
        if not self.block_text.lstrip().startswith(("`", "~", ":")):
            # reStructuredText: docutils has already split the options from the content.
            body = parsing.Block(
                self.name, "", {}, {}, list(self.content), self.content_offset + 1, self.lineno
            )
            while body.body and not body.body[0].strip():
                body.body, body.body_line = body.body[1:], body.body_line + 1
            diagnostics += parsing.meta_block_problems(body, path)
        if title is None:
            diagnostics.append(Diagnostic(Code.TITLE, parsing.TITLE_MESSAGE, path, self.lineno))
        elif not title.strip():
            diagnostics.append(Diagnostic(Code.TITLE, parsing.EMPTY_TITLE_MESSAGE, path, self.lineno))
        dep, found = parsing.parse_meta(
            {name: value for name, value in self.options.items()},
            path=path,
            line=self.lineno,
            option_lines=lines,
            title=title or "",
            config=settings,
        )
        found += rules.check_dep(dep, settings)
        self.emit(diagnostics + found)
        dep.docname = docname
        domain.add(dep)
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
        holders = [
            name
            for name in _number_holders(self.env.found_docs, self.settings().deps_dir).get(dep.number, [])
            if name != self.env.docname
        ]
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
            impl_id = f"{settings.impl_prefix}{need_id.removeprefix(settings.id_prefix)}-{index}"
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


#: (found_docs, deps_dir, table): the number -> files table, built once per read, not per proposal.
_holders_cache: list[Any] = [None, None, {}]


def _number_holders(found_docs: set[str], deps_dir: str) -> dict[int, list[str]]:
    """Proposal documents by the number their file name carries, each list sorted by name."""
    if _holders_cache[0] is not found_docs or _holders_cache[1] != (len(found_docs), deps_dir):
        table: dict[int, list[str]] = {}
        for name in sorted(found_docs):
            number = number_from_filename(name)
            if number is not None and is_proposal(name, deps_dir):
                table.setdefault(number, []).append(name)
        _holders_cache[:] = [found_docs, (len(found_docs), deps_dir), table]
    return _holders_cache[2]  # type: ignore[no-any-return]


class DepPartDirective(DepDirective):
    """Base of ``dep-alternative`` and ``dep-phase``: a title argument and a labelled body."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = AnyOptions()

    def block(self) -> parsing.Block:
        """The directive as the core's :class:`~sphinxcontrib_dep.parsing.Block`, lines and all."""
        body = list(self.content)
        if self.source_path().endswith(".rst"):
            body_line = self.content_offset + 1  # docutils: 0-based line of the content
        else:
            body_line = self.lineno + 1 + self.content_offset  # MyST: lines after the fence
        while body and not body[0].strip():
            body, body_line = body[1:], body_line + 1
        return parsing.Block(
            name=self.name,
            argument=" ".join(self.arguments),
            options={name: value for name, value in self.options.items()},
            option_lines=option_lines(self.block_text, self.lineno),
            body=body,
            body_line=body_line,
            line=self.lineno,
        )

    def proposal(self, what: str) -> Dep | None:
        """The proposal of this page (its ``dep-meta`` comes first), else a warning."""
        dep = get_domain(self.env).deps.get(self.env.docname)
        if dep is None:
            code = Code.ALTERNATIVE if what == "dep-alternative" else Code.PHASE
            self.emit(
                [
                    Diagnostic(
                        code,
                        f"{what} outside a proposal: put it below the page's dep-meta",
                        self.source_path(),
                        self.lineno,
                    )
                ]
            )
        return dep

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
        alternative, found = parts.parse_alternative(self.block(), self.source_path())
        self.emit(found)
        dep = self.proposal("dep-alternative")
        settings = self.settings()
        result: list[nodes.Node] = []
        need_id = None
        if dep is not None:
            dep.alternatives.append(alternative)
            need_id = f"{needs.dep_need_id(dep, settings)}-ALT-{len(dep.alternatives)}"
            result += needs.create(
                self,
                self.app,
                need_type="alt",
                need_id=need_id,
                title=alternative.title or need_id,
                status="Rejected",
                fields=needs.alternative_fields(alternative, needs.dep_need_id(dep, settings)),
                lineno=self.lineno,
            )
        result.append(card.alternative_card(alternative, need_id, self.inline))
        return result


class DepPhaseDirective(DepPartDirective):
    """An implementation phase: number and title, release target, effort, work items, scope."""

    def run(self) -> list[nodes.Node]:
        path = self.source_path()
        settings = self.settings()
        phase, found = parts.parse_phase(self.block(), path, settings)
        dep = self.proposal("dep-phase")
        result: list[nodes.Node] = []
        need_id = None
        if dep is not None:
            problem = parts.check_phase_number(dep.phases, phase, path)
            found += [problem] if problem else []
            dep.phases.append(phase)
            dep_id = needs.dep_need_id(dep, settings)
            number = phase.number if phase.number >= 0 else len(dep.phases) - 1
            need_id = f"{dep_id}-PHASE-{number}"
            if problem is None:
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
                impl_stem = f"{settings.impl_prefix}{dep_id.removeprefix(settings.id_prefix)}-PHASE-{number}"
                for index, link in enumerate(phase.work_items, start=1):
                    result += needs.create(
                        self,
                        self.app,
                        need_type="impl",
                        need_id=f"{impl_stem}-{index}",
                        title=link.label,
                        status=None,
                        fields={"url": link.url, "impl_kind": link.kind, "implements": [need_id, dep_id]},
                        lineno=self.lineno,
                    )
            else:
                need_id = None
        self.emit(found)
        result.append(card.phase_card(phase, need_id, self.inline))
        return result
