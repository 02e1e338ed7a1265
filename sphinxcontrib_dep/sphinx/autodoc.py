"""Reference pages generated from the code's own declarations, so the docs cannot drift.

A separate extension (``extensions = ["sphinxcontrib_dep", "sphinxcontrib_dep.sphinx.autodoc"]``)
offering directives, each reading one declaration:

* ``dep-settings-reference``: every field of :class:`~sphinxcontrib_dep.core.config.DepConfig`,
  as a ``confval`` (``dep_<name>`` in conf.py, ``<name>`` in ``[tool.dep]``);
* ``dep-warnings-reference``: every :class:`~sphinxcontrib_dep.core.diagnostics.Code` with its
  doc, optionally with the exact warning a broken example gives (``:examples: cases.toml``);
* ``dep-directives-reference``: every ``dep-*`` directive registered by the extension, with
  its argument and options (``dep-meta``'s from :data:`~sphinxcontrib_dep.core.parsing.META_OPTIONS`);
* ``dep-cli-reference``: ``dep --help`` and the help of every subcommand, from the argparse
  parser of :mod:`sphinxcontrib_dep.cli`;
* ``dep-lifecycle-graph``: the allowed status moves, from the rules' transition table;
* ``dep-needs-reference``: the sphinx-needs types, fields and links of the proposals'
  needs, from :mod:`sphinxcontrib_dep.sphinx.needs`.

Each generates markup in the language of the page it is on (MyST or reStructuredText)
and parses it in place, so the output is made of Sphinx's own objects: ``{confval}`` and
``{rst:dir}`` cross-references and index entries work.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from .. import __version__
from ..core import config as core_config
from ..core import diagnostics, parsing
from ..core.diagnostics import Code
from ..core.parsing import META_ALIASES

#: Our own directives are documentation tools, not part of the proposal format.
_SELF = __name__


class _Markup:
    """Directive blocks in MyST (backtick fences, nested by length) or reStructuredText."""

    def __init__(self, myst: bool) -> None:
        self.myst = myst

    def directive(
        self,
        name: str,
        argument: str = "",
        options: dict[str, str] | None = None,
        body: str = "",
        depth: int = 0,
    ) -> str:
        options = options or {}
        if self.myst:
            fence = "`" * (3 + depth)
            lines = [f"{fence}{{{name}}} {argument}".rstrip()]
            lines += [f":{key}: {value}".rstrip() for key, value in options.items()]
            if body:
                lines += ["", body]
            lines.append(fence)
            return "\n".join(lines)
        lines = [f".. {name}:: {argument}".rstrip()]
        lines += [f"   :{key}: {value}".rstrip() for key, value in options.items()]
        if body:
            lines += [""] + ["   " + line if line else "" for line in body.splitlines()]
        return "\n".join(lines)

    def literal(self, text: str) -> str:
        """Inline code, safe for text holding backticks."""
        if self.myst:
            fence = "``" if "`" in text else "`"
            pad = " " if "`" in text else ""
            return f"{fence}{pad}{text}{pad}{fence}"
        return f"``{text}``"

    def code_block(self, text: str, language: str = "text") -> str:
        if self.myst:
            # Three backticks: directive blocks around it use four or more.
            return f"```{language}\n{text}\n```"
        indented = "\n".join("   " + line if line else "" for line in text.splitlines())
        return f".. code-block:: {language}\n\n{indented}"

    def link_settings(self, text: str) -> str:
        """Help text with each ````dep_<setting>```` turned into a link to its entry."""
        names = {f"dep_{setting.name}" for setting in core_config.settings()}

        def link(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in names:
                return match.group(0)
            return f"{{confval}}`{name}`" if self.myst else f":confval:`{name}`"

        return re.sub(r"``(dep_[a-z_]+)``", link, text)

    def heading(self, text: str, level: int) -> str:
        if self.myst:
            return f"{'#' * level} {text}"
        return f"{text}\n{'=-~^'[level - 1] * len(text)}"


class _ReferenceDirective(SphinxDirective):
    """Generate markup, then parse it where the directive stands."""

    has_content = False

    def markup(self) -> _Markup:
        return _Markup(str(self.env.doc2path(self.env.docname)).endswith(".md"))

    def generate(self, markup: _Markup) -> str:
        raise NotImplementedError

    def depends_on(self, *modules: Any) -> None:
        """Reread the page when a module it documents changes (``nox -s docs-live`` too)."""
        for module in (*modules, importlib.import_module(__name__)):
            self.env.note_dependency(module.__file__)

    def run(self) -> list[nodes.Node]:
        text = self.generate(self.markup())
        return self.parse_text_to_nodes(text, allow_section_headings=True)


# --------------------------------------------------------------------------------------
# settings
# --------------------------------------------------------------------------------------


def toml_value(value: Any) -> str:
    """A value as TOML writes it (``true``, ``"DEP-"``, ``["a", "b"]``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


class SettingsReference(_ReferenceDirective):
    """Every setting: ``dep_<name>`` in conf.py and ``<name>`` under ``[tool.dep]``.

    ``:no-index:`` shows them again without making them link targets a second time.
    """

    option_spec: ClassVar[dict[str, Any]] = {"no-index": directives.flag}

    def generate(self, markup: _Markup) -> str:
        self.depends_on(core_config)
        blocks = []
        for setting in core_config.settings():
            default = setting.default_value()
            python = repr(default)
            toml = f"[tool.dep]\n{setting.name} = {toml_value(default)}"
            body = "\n\n".join(
                [
                    setting.help,
                    f"In pyproject.toml ({markup.literal(setting.name.replace('_', '-'))} is accepted too):",
                    markup.code_block(toml, "toml"),
                ]
            )
            blocks.append(
                markup.directive(
                    "confval",
                    f"dep_{setting.name}",
                    {
                        "type": markup.literal(setting.type.annotation),
                        "default": markup.literal(python),
                        **({"no-index": ""} if "no-index" in self.options else {}),
                    },
                    body,
                    depth=1,
                )
            )
        return "\n\n".join(blocks)


# --------------------------------------------------------------------------------------
# warnings
# --------------------------------------------------------------------------------------


def load_examples(path: Path) -> dict[str, list[str]]:
    """Warning subtype -> example warning lines, from a ``cases.toml`` of broken inputs."""
    cases = tomllib.loads(path.read_text(encoding="utf-8"))
    examples: dict[str, list[str]] = {}
    for case in cases.values():
        for line in case.get("warnings", []):
            # Only our own warnings: a case may also expect a Sphinx or MyST line.
            match = re.search(r"\[dep\.(\w+)\]$", line)
            if match:
                examples.setdefault(match.group(1), []).append(line)
    return examples


class WarningsReference(_ReferenceDirective):
    """Every warning type, one per rule, in the order the enum declares them."""

    option_spec: ClassVar[dict[str, Any]] = {"examples": directives.unchanged}

    def generate(self, markup: _Markup) -> str:
        self.depends_on(diagnostics)
        examples: dict[str, list[str]] = {}
        if "examples" in self.options:
            _, path = self.env.relfn2path(self.options["examples"], self.env.docname)
            self.env.note_dependency(path)
            examples = load_examples(Path(path))
        blocks = []
        for code in Code:
            body = [markup.link_settings(code.doc)]
            if code.value in examples:
                body += ["Example:", markup.code_block("\n".join(examples[code.value][:1]))]
            silence = markup.literal(f'suppress_warnings = ["{code.tag}"]')
            body.append(f"Silence it with {silence}.")
            blocks.append(markup.directive("dep-warning", code.tag, body="\n\n".join(body), depth=1))
        return "\n\n".join(blocks)


# --------------------------------------------------------------------------------------
# directives and their options
# --------------------------------------------------------------------------------------


def registered_directives() -> Iterator[tuple[str, type]]:
    """``(name, class)`` of every ``dep-*`` directive the extension registered, by name."""
    from docutils.parsers.rst import directives as registry

    found = {}
    registered: dict[str, Any] = vars(registry)["_directives"]  # the registry Sphinx writes to
    for name, directive in registered.items():
        if not name.startswith("dep-") or not inspect.isclass(directive):
            continue
        if directive.__module__ == _SELF:
            continue
        found[name] = directive
    yield from sorted(found.items())


#: Help for options whose directive declares a name but no help (the name still comes from
#: the code: an option the code drops disappears from the page, a new one shows up bare).
_OPTION_HELP: Mapping[str, str] = MappingProxyType(
    {
        "release-target": "When the phase is due to ship: a release or a date.",
        "effort": "The effort the phase takes: time and people.",
        "work-items": "Comma-separated issue and pull request URLs that carry the phase's work.",
        "status": "Comma-separated statuses: show only proposals in these.",
        "category": "Comma-separated categories: show only proposals in these.",
        "by": "Comma-separated tables to show: status, category, number (default: all three; "
        "number alone lists each proposal once).",
    }
)

#: Where a directive that judges its own options (``AnyOptions``) declares them:
#: directive -> (module, attribute); the attribute maps option (or alias) -> help or canonical name.
_OPTION_TABLES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "dep-meta": ("sphinxcontrib_dep.core.parsing", "META_OPTIONS"),
        "dep-phase": ("sphinxcontrib_dep.core.parts", "PHASE_OPTIONS"),
    }
)

#: Bold labels a directive's body is made of: directive -> (module, attribute).
_BODY_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "dep-alternative": ("sphinxcontrib_dep.core.parts", "ALTERNATIVE_LABEL_NAMES"),
        "dep-phase": ("sphinxcontrib_dep.core.parts", "PHASE_LABEL_NAMES"),
    }
)


def _declared(table: Mapping[str, tuple[str, str]], name: str) -> Any:
    if name not in table:
        return None
    module, attribute = table[name]
    try:
        return getattr(importlib.import_module(module), attribute, None)
    except ImportError:
        return None


def option_docs(name: str, directive: type) -> dict[str, str]:
    """Option -> help, in declaration order.

    ``dep-meta`` judges its options itself: they come from the core's ``META_OPTIONS``
    (with help); ``dep-phase``'s from ``PHASE_OPTIONS`` (canonical names). Other
    directives name theirs in ``option_spec`` and may document them in ``option_docs``.
    """
    declared = _declared(_OPTION_TABLES, name)
    documented: dict[str, str] = {}
    if name == "dep-meta" and declared:
        return dict(declared)
    if declared:
        for canonical in dict.fromkeys(declared.values()):
            documented[canonical] = _OPTION_HELP.get(canonical, "")
        return documented
    documented = dict(getattr(directive, "option_docs", {}) or {})
    spec = getattr(directive, "option_spec", None) or {}
    if type(spec) is dict:  # AnyOptions answers every name; it lists none
        for option in spec:
            documented.setdefault(option, _OPTION_HELP.get(option, ""))
    return documented


def body_labels(name: str) -> str | None:
    labels = _declared(_BODY_LABELS, name)
    return str(labels) if labels else None


def first_paragraph(text: str | None) -> str:
    text = inspect.cleandoc(text or "")
    return text.split("\n\n", 1)[0].replace("\n", " ").strip()


def directive_docs(directive: type) -> str:
    """The directive's own class docstring (through ``bound_to`` copies, which have none),
    never a base class's: a directive without one has no description."""
    for klass in directive.__mro__:
        if klass.__dict__.get("__doc__"):
            return inspect.cleandoc(klass.__dict__["__doc__"])
        bases = klass.__bases__
        if not (len(bases) == 1 and bases[0].__name__ == klass.__name__):
            break  # not a copy: its base is another directive, whose description is not this one's
    return ""


class DirectivesReference(_ReferenceDirective):
    """Every ``dep-*`` directive with its argument and options."""

    def generate(self, markup: _Markup) -> str:
        blocks = []
        for name, directive in registered_directives():
            self.depends_on(parsing, importlib.import_module(directive.__module__))
            argument = ""
            if getattr(directive, "required_arguments", 0):
                argument = "<argument>"
            elif getattr(directive, "optional_arguments", 0):
                argument = "[argument]"
            options = []
            for option, help_text in option_docs(name, directive).items():
                body_text = markup.link_settings(help_text or "")
                options.append(markup.directive("rst:directive:option", option, body=body_text, depth=0))
            body = [directive_docs(directive)]
            if name == "dep-meta":
                aliases = ", ".join(
                    f"{markup.literal(':' + alias + ':')} for {markup.literal(':' + canonical + ':')}"
                    for alias, canonical in META_ALIASES.items()
                    if alias != canonical.replace("-", "_")
                )
                body.append(f"Also accepted: {aliases}; and ``_`` in place of ``-`` in every option name.")
            labels = body_labels(name)
            if labels:
                shown = ", ".join(markup.literal(f"**{label.strip()}:**") for label in labels.split(","))
                body.append(f"Its content is bold labels ({shown}), each followed by a bullet list.")
            if not getattr(directive, "has_content", False):
                body.append("Takes no content.")
            body += options
            blocks.append(
                markup.directive(
                    "rst:directive", f"{name} {argument}".strip(), body="\n\n".join(body), depth=1
                )
            )
        return "\n\n".join(blocks)


# --------------------------------------------------------------------------------------
# the lifecycle graph
# --------------------------------------------------------------------------------------


class LifecycleGraph(_ReferenceDirective):
    """The allowed status moves, drawn from the rules' own transition table
    (:func:`sphinxcontrib_dep.core.rules.lifecycle_dot`) with ``sphinx.ext.graphviz``."""

    option_spec: ClassVar[dict[str, Any]] = {"caption": directives.unchanged, "alt": directives.unchanged}

    def generate(self, markup: _Markup) -> str:
        from ..core import rules

        self.depends_on(rules)
        dot = rules.lifecycle_dot()
        options = {"align": "center"}
        options["alt"] = self.options.get(
            "alt", "The lifecycle of a proposal: its statuses and the moves between them"
        )
        if "caption" in self.options:
            options["caption"] = self.options["caption"]
        return markup.directive("graphviz", "", options, dot.strip(), depth=1)


# --------------------------------------------------------------------------------------
# the command line
# --------------------------------------------------------------------------------------


def find_parser(module: Any) -> argparse.ArgumentParser:
    """The CLI's parser: from a ``build_parser()``/``make_parser()``/``parser()`` factory or
    a module-level ``parser``."""
    for factory in ("build_parser", "make_parser", "create_parser", "get_parser", "parser"):
        candidate = getattr(module, factory, None)
        if isinstance(candidate, argparse.ArgumentParser):
            return candidate
        if callable(candidate):
            result = candidate()
            if isinstance(result, argparse.ArgumentParser):
                return result
    raise LookupError(f"{module.__name__} has no argparse parser factory")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public way to walk subparsers
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def help_text(parser: argparse.ArgumentParser, prog: str) -> str:
    parser.prog = prog
    import os

    # argparse wraps help to the terminal; pin it so the page is the same everywhere.
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"
    try:
        return parser.format_help().rstrip()
    finally:
        if previous is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = previous


class NeedsReference(_ReferenceDirective):
    """The sphinx-needs need types, fields and links the extension declares, as filters name them.

    Read from :mod:`sphinxcontrib_dep.sphinx.needs` (``NEED_TYPES``, ``FIELDS``, ``LINKS``):
    the names a ``needtable`` column, a ``:filter:`` string or ``needs.json`` uses. They are
    stable: renaming one is a breaking change.
    """

    def generate(self, markup: _Markup) -> str:
        from . import needs

        self.depends_on(needs)
        lit = markup.literal
        types = [f"* {lit(t.directive)}: {t.title}, ids {lit(t.prefix + '...')}" for t in needs.NEED_TYPES]
        fields = [
            f"* {lit(name)} ({_schema_text(schema)}): {description}"
            for name, (description, schema) in needs.FIELDS.items()
        ]
        links = [
            f'* {lit(name)} (to {", ".join(lit(t) for t in targets)}): shown as "{out}"; '
            f'back-links {lit(name + "_back")}, shown as "{incoming}"'
            for name, (out, incoming, targets) in needs.LINKS.items()
        ]
        return "\n\n".join(
            [
                "Need types (``type`` in a filter):"
                if not markup.myst
                else "Need types (`type` in a filter):",
                "\n".join(types),
                "Fields, besides sphinx-needs' own (`id`, `title`, `status`, `type`, `docname`, ...):"
                if markup.myst
                else "Fields, besides sphinx-needs' own (``id``, ``title``, ``status``, ``type``, ``docname``, ...):",
                "\n".join(fields),
                "Links:",
                "\n".join(links),
            ]
        )


def _schema_text(kind: str) -> str:
    """A need field's kind (:data:`~.needs.FIELDS`) as the reference names it."""
    return {"strings": "list of string"}.get(kind, kind)


class CliReference(_ReferenceDirective):
    """``dep --help`` and the help of each subcommand, a section each."""

    option_spec: ClassVar[dict[str, Any]] = {"module": directives.unchanged, "prog": directives.unchanged}

    def generate(self, markup: _Markup) -> str:
        module = importlib.import_module(self.options.get("module", "sphinxcontrib_dep.cli"))
        self.depends_on(module)
        prog = self.options.get("prog", "dep")
        parser = find_parser(module)
        # Every part is a section: text before the first heading would land after the
        # sections, which MyST attaches to the page as it parses them.
        blocks = [markup.heading(prog, 2), markup.code_block(help_text(parser, prog), "text")]
        for name, sub in subcommands(parser).items():
            blocks.append(markup.heading(f"{prog} {name}", 2))
            description = first_paragraph(sub.description)
            if description:
                blocks.append(description)
            blocks.append(markup.code_block(help_text(sub, f"{prog} {name}"), "text"))
        return "\n\n".join(blocks)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib_dep")
    # A warning type is an object: ``{dep-warning}`dep.status``` links to its entry.
    app.add_object_type(
        "dep-warning", "dep-warning", indextemplate="pair: %s; warning type", objname="warning type"
    )
    app.add_directive("dep-settings-reference", SettingsReference)
    app.add_directive("dep-warnings-reference", WarningsReference)
    app.add_directive("dep-directives-reference", DirectivesReference)
    app.add_directive("dep-cli-reference", CliReference)
    app.add_directive("dep-needs-reference", NeedsReference)
    app.add_directive("dep-lifecycle-graph", LifecycleGraph)
    app.setup_extension("sphinx.ext.graphviz")
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
