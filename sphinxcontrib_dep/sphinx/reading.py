"""How the build reads a file of the proposals folder: through the core, then under its policy.

Sphinx hands every source to a parser. For files in the proposals folder, this module's
parsers (one for MyST, one for reStructuredText) first give the exact text to the core
(:func:`~sphinxcontrib_dep.analysis.analyze`, the function ``dep lint`` calls), keep the
result for the directives on the page, and only then let MyST or docutils parse it, under
the same policy the core applied:

* the project's MyST settings only (a proposal's front matter cannot change them, and
  MyST substitutions, which are Jinja templates, are off);
* directives and roles looked up through an allowlist (what is not on it is shown as
  text: it could read files or run code in the build);
* no file insertion (``include``, ``:file:``, ``:url:``).

So every ``dep`` warning of a proposal comes from the core, identical to ``dep lint``'s,
and what Sphinx renders can only be stricter than what the core read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.parsers import RSTParser
from sphinx.util.docutils import CustomReSTDispatcher

from ..core import links, policy, project, reader
from ..core.analysis import Analysis, analyze
from ..core.diagnostics import Code, Diagnostic
from . import config as sphinx_config
from . import gfm

#: Key of the current document's reading in ``env.temp_data`` (cleared after each document).
_KEY = "sphinxcontrib_dep_reading"


@dataclass
class Reading:
    """The core's analysis of the document being parsed, and what the build adds to it."""

    analysis: Analysis
    path: str
    proposal: bool
    #: What the directives have rendered already (``"meta"``), so a second run renders nothing.
    claimed: set[Any] = field(default_factory=set)
    #: How often each ``dep-*`` directive ran on the page (to tell one the core did not see).
    runs: dict[str, int] = field(default_factory=dict)
    #: Problems only the build can see (a reader that missed something, a refused directive).
    build_only: list[Diagnostic] = field(default_factory=list)

    def note(self, code: Code, message: str, line: int | None) -> None:
        diagnostic = Diagnostic(code, message, self.path, line)
        if diagnostic not in self.build_only:
            self.build_only.append(diagnostic)

    def reported(self, code: Code) -> list[Diagnostic]:
        return [d for d in self.analysis.diagnostics if d.code is code]


def current(env: BuildEnvironment) -> Reading | None:
    """The reading of the document being parsed, if it is in the proposals folder."""
    reading = env.temp_data.get(_KEY)
    return reading if isinstance(reading, Reading) else None


def area_folder(docname: str, deps_dir: str) -> str | None:
    """The proposals folder as a prefix of ``docname``, if it is in it (see :func:`~sphinxcontrib_dep.core.project.proposals_area`)."""
    return project.proposals_area(docname, deps_dir)


def proposals_folder(srcdir: Path, deps_dir: str) -> Path | None:
    """The proposals folder inside the Sphinx source folder (see :func:`area_folder`)."""
    folder = deps_dir.replace("\\", "/").strip("/")
    for candidate in (srcdir / folder, srcdir / folder.rsplit("/", 1)[-1]):
        if candidate.is_dir():
            return candidate
    return None


def document_path(env: BuildEnvironment, docname: str) -> str:
    """The file of ``docname`` relative to the source folder (``deps/0001-x.md``)."""
    return str(env.doc2path(docname, False)).replace("\\", "/")


def _analyze(text: str, document: nodes.document) -> Reading | None:
    env: BuildEnvironment = document.settings.env
    docname = env.docname
    settings = sphinx_config.get(env.config)
    folder = area_folder(docname, settings.deps_dir)
    if folder is None:
        return None
    path = document_path(env, docname)
    relative = path[len(folder) + 1 :] if folder else path
    proposal = not project.is_page(relative, settings.pages)
    myst = getattr(env, "myst_config", None)
    srcdir = Path(env.srcdir)

    def is_page(path: Path) -> bool:
        name = env.path2doc(str(path))
        return name is not None and name in env.found_docs

    analysis = analyze(
        text,
        path,
        settings,
        myst=myst,
        file=Path(env.doc2path(docname)),
        folder=srcdir / folder if folder else srcdir,
        proposal=proposal,
        site=links.Site(srcdir, srcdir / folder if folder else srcdir, is_page),
    )
    reading = Reading(analysis, path, proposal)
    env.temp_data[_KEY] = reading
    # No file insertion in untrusted text: ``include``, ``csv-table :file:``, ``raw :url:``.
    document.settings.file_insertion_enabled = False
    return reading


class ProposalDispatcher(CustomReSTDispatcher):
    """Directive and role lookup for a proposal: what the policy does not allow is shown as text."""

    def __init__(self, reading: Reading, settings: Any) -> None:
        super().__init__()
        self.reading = reading
        self.extra_directives = list(settings.allowed_directives)
        self.extra_roles = list(settings.allowed_roles)

    def directive(self, directive_name: str, language_module: Any, document: nodes.document) -> Any:
        if policy.directive_allowed(directive_name, self.extra_directives):
            if directive_name.strip().lower() == "mermaid":
                from .mermaid import proposal_directive

                return proposal_directive(), []
            return super().directive(directive_name, language_module, document)
        name = directive_name.lower()
        if not any(name in d.message for d in self.reading.reported(Code.DIRECTIVE)):
            self.reading.note(
                Code.UNREAD, policy.DIRECTIVE_MESSAGE.format(name=name) + " (not seen by dep lint)", None
            )
        return RefusedDirective, []

    def role(self, role_name: str, language_module: Any, lineno: int, reporter: Any) -> Any:
        if policy.role_allowed(role_name, self.extra_roles):
            return super().role(role_name, language_module, lineno, reporter)
        name = role_name.lower()
        if not any(name in d.message for d in self.reading.reported(Code.ROLE)):
            self.reading.note(
                Code.UNREAD, policy.ROLE_MESSAGE.format(name=name) + " (not seen by dep lint)", lineno
            )
        return refused_role, []


class AnyOptions(dict[str, Any]):
    """An ``option_spec`` that takes every option as text, so the core judges unknown ones."""

    def __missing__(self, key: str) -> Any:
        return directives.unchanged

    def __contains__(self, key: object) -> bool:
        return True

    def __bool__(self) -> bool:
        # docutils and MyST skip option parsing for an empty (falsy) spec.
        return True


class RefusedDirective(Directive):
    """A directive a proposal may not use: its text, shown as a literal block."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = AnyOptions()

    def run(self) -> list[nodes.Node]:
        text = self.block_text.rstrip("\n")
        node = nodes.literal_block(text, text, classes=["dep-refused"], language="text")
        node.line = self.lineno
        return [node]


def refused_role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Any, options: Any = None, content: Any = None
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """A role a proposal may not use: its text, shown as code."""
    return [nodes.literal(rawtext, rawtext, classes=["dep-refused"])], []


def _as_text(reading: Reading, text: str, document: nodes.document) -> None:
    """A file nested too deep for docutils and MyST: its title, then its text as it is."""
    title = reading.analysis.doc.title.text if reading.analysis.doc.title else reading.path
    section = nodes.section(
        ids=[nodes.make_id(title) or "proposal"], names=[nodes.fully_normalize_name(title)]
    )
    section += nodes.title(title, title)
    section += nodes.literal_block(text, text, language="text")
    document += section


def _settings(document: nodes.document) -> Any:
    return sphinx_config.get(document.settings.env.config)


def _finish(reading: Reading, document: nodes.document) -> None:
    """After parsing: the proposal joins the domain, with every diagnostic of the file."""
    from .domain import get_domain

    env: BuildEnvironment = document.settings.env
    domain = get_domain(env)
    dep = reading.analysis.dep
    if dep is not None:
        dep.docname = env.docname
        domain.add(dep)
        rst_refused = reading.path.endswith(".rst") and any(
            d.code is Code.DUPLICATE_OPTION for d in reading.analysis.diagnostics
        )
        # docutils refuses a directive whose option repeats; the core has said so already.
        shown_as_text = reading.analysis.doc.too_deep is not None
        if "meta" not in reading.claimed and not rst_refused and not shown_as_text:
            reading.note(
                Code.UNREAD,
                f"the dep-meta on line {dep.line} was not rendered by Sphinx (not seen as a directive)",
                dep.line,
            )


def store_diagnostics(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: the document's diagnostics are kept in the domain, emitted every build."""
    from .domain import get_domain

    env = app.env
    reading = current(env)
    if reading is None:
        return
    get_domain(env).set_diagnostics(env.docname, [*reading.analysis.diagnostics, *reading.build_only])


def _myst_parser_class() -> type:
    from myst_parser.parsers.sphinx_ import MystParser

    class DepMystParser(MystParser):
        """MyST's Sphinx parser, reading proposals through the core first (see the module)."""

        def parse(self, inputstring: str, document: nodes.document) -> None:
            reading = _analyze(inputstring, document)
            if reading is None:
                super().parse(inputstring, document)
                return
            from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
            from myst_parser.parsers.mdit import create_md_parser

            # The project's settings (a proposal's front matter may not change them), with
            # GitHub-flavoured Markdown, as the core read the file.
            config = reader.proposal_config(document.settings.env.myst_config)
            if "substitution" in config.enable_extensions:
                # MyST substitutions are Jinja templates: code, never run from a proposal.
                config = config.copy(enable_extensions=config.enable_extensions - {"substitution"})
            if reading.analysis.doc.too_deep is not None:
                parser = create_md_parser(config, SphinxRenderer)
                parser.options["document"] = document
                parser.render("")  # MyST's own settings on the document, for its transforms
                _as_text(reading, inputstring, document)
            else:
                parser = create_md_parser(config, gfm.ProposalRenderer)
                parser.options["document"] = document
                parser.renderer.link_report = reading.analysis.link_report  # type: ignore[attr-defined]
                with ProposalDispatcher(reading, _settings(document)):
                    env_md: dict[str, Any] = {}
                    tokens = parser.parse(inputstring, env_md)
                    gfm.set_outline(tokens)
                    parser.renderer.render(tokens, parser.options, env_md)
                gfm.tidy_transitions(document)
            _finish(reading, document)

    return DepMystParser


class DepRSTParser(RSTParser):
    """Sphinx's reStructuredText parser, reading proposals through the core first."""

    def parse(self, inputstring: Any, document: nodes.document) -> None:
        text = inputstring if isinstance(inputstring, str) else "\n".join(inputstring)
        reading = _analyze(text, document)
        if reading is None:
            super().parse(inputstring, document)
            return
        if reading.analysis.doc.too_deep is not None:
            _as_text(reading, text, document)
            _finish(reading, document)
            return
        with ProposalDispatcher(reading, _settings(document)):
            super().parse(inputstring, document)
        _finish(reading, document)


def register(app: Sphinx) -> None:
    app.add_source_parser(_myst_parser_class(), override=True)
    app.add_source_parser(DepRSTParser, override=True)
    app.connect("builder-inited", check_parsers)


def check_parsers(app: Sphinx) -> None:
    """``builder-inited``: proposals are read by our parsers, or the build stops.

    Another extension registering its own Markdown parser after this one would let
    proposals be parsed without the policy above; failing is safer than publishing.
    """
    for filetype, base in (("markdown", "DepMystParser"), ("restructuredtext", "DepRSTParser")):
        parser = app.registry.source_parsers.get(filetype)
        if parser is not None and base not in {cls.__name__ for cls in parser.__mro__}:
            raise ExtensionError(
                f"sphinxcontrib-dep: the {filetype} parser was replaced by {parser.__module__}.{parser.__name__}; "
                "proposals would be read without their checks. Load sphinxcontrib_dep after that extension."
            )
