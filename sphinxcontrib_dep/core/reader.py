"""The one reader: a proposal's text, read the way Sphinx will read it.

``dep lint`` and ``sphinx-build`` both call :func:`read` on the same text with the same
MyST settings, so they find the same title and headings, the same directives (at any
depth: a ``dep-meta`` inside a note is found, and known to be nested), the same options
(every occurrence, so a repeated option is seen), the same roles, links, raw HTML and
references to local files. Markdown is read by MyST-Parser's own markdown-it
configuration (:func:`myst_parser.parsers.mdit.create_md_parser`), including the
per-file ``myst:`` front matter MyST would merge, so a fence is a directive here exactly
when it is one in the build. reStructuredText is read line by line by the rules docutils
applies to titles, explicit markup and inline markup.

Nothing here judges what it finds: :mod:`~sphinxcontrib_dep.core.policy` and the rules do.
"""

from __future__ import annotations

import itertools
import re
import textwrap
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# --------------------------------------------------------------------------------------
# What a document holds
# --------------------------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    text: str
    line: int  # 1-based


@dataclass
class Option:
    """One ``:name: value`` line of a directive, as written (repeats are kept)."""

    name: str
    value: str
    line: int


@dataclass
class Block:
    """A directive found in a file: its argument, options and body."""

    name: str  # lower case, as docutils looks directives up
    argument: str
    options: dict[str, str | None]  # the first occurrence of each option name
    option_lines: dict[str, int]
    body: list[str]
    body_line: int  # 1-based line of the first body line
    line: int  # 1-based line of the directive itself
    #: Why the option block could not be read, as (1-based line, message); its options are then empty.
    problems: list[tuple[int, str]] = field(default_factory=list)
    #: Every option line, in order, repeats included.
    option_list: list[Option] = field(default_factory=list)
    #: The directive (or construct) this one sits in; ``None`` at the top level of the file.
    parent: str | None = None


@dataclass(frozen=True)
class RoleUse:
    name: str  # lower case
    content: str
    line: int


@dataclass(frozen=True)
class Link:
    """A link target (``href``), image source or URI as written, with where it comes from."""

    url: str
    line: int
    kind: str  # "link", "image", "autolink", "uri", "target", "option"


@dataclass(frozen=True)
class FileUse:
    """A construct that makes the build read a local file (an image, an include, ...)."""

    construct: str
    target: str
    line: int


@dataclass
class Document:
    """Everything the rules and policies look at in one file."""

    path: str
    text: str
    headings: list[Heading] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    roles: list[RoleUse] = field(default_factory=list)
    html: list[tuple[int, str]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    files: list[FileUse] = field(default_factory=list)
    #: Front matter keys that change how MyST reads this file (``myst``, ...), with their line.
    front_matter_settings: list[str] = field(default_factory=list)
    #: MyST substitutions (``{{ ... }}``): Jinja expressions the build would evaluate.
    substitutions: list[tuple[int, str]] = field(default_factory=list)
    #: The markdown-it tokens of the top level (MyST files only), for the section rules.
    tokens: tuple[Any, ...] = ()
    #: The line where blocks nest deeper than :data:`MAX_DEPTH` (nothing deeper is read).
    too_deep: int | None = None
    #: The anchors a ``#name`` link may lead to in this file: every heading's GitHub slug
    #: (as MyST gives it under :func:`proposal_config`) and every explicit target's name.
    anchors: list[str] = field(default_factory=list)

    @property
    def is_rst(self) -> bool:
        return self.path.endswith(".rst")

    @property
    def title(self) -> Heading | None:
        """The first heading, whatever its level: the proposal's title (see :func:`outline_levels`)."""
        return self.headings[0] if self.headings else None

    def blocks_named(self, name: str, *, nested: bool = False) -> list[Block]:
        """Directives called ``name`` at the top level (with ``nested``: at any depth)."""
        return [b for b in self.blocks if b.name == name and (nested or b.parent is None)]

    @property
    def meta(self) -> Block | None:
        """The proposal's header: the first top-level ``dep-meta``."""
        return next(iter(self.blocks_named("dep-meta")), None)


#: The name the rest of the package used for a read file.
ScannedFile = Document


# --------------------------------------------------------------------------------------
# MyST settings
# --------------------------------------------------------------------------------------


def myst_config(values: Mapping[str, Any] | None = None) -> Any:
    """MyST's :class:`~myst_parser.config.main.MdParserConfig` from ``myst_*`` values.

    ``values`` are keyed without the ``myst_`` prefix (``enable_extensions``); unknown keys
    and bad values raise :class:`ValueError`, as MyST itself would refuse them.
    """
    from myst_parser.config.main import MdParserConfig

    values = dict(values or {})
    known = {name for name, _, _ in MdParserConfig().as_triple()}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"unknown MyST setting(s): {', '.join('myst_' + u for u in unknown)}")
    try:
        return MdParserConfig(**values)
    except (TypeError, ValueError) as err:
        raise ValueError(f"invalid MyST settings: {err}") from None


_DEFAULT_CONFIG: list[Any] = []


def default_myst_config() -> Any:
    if not _DEFAULT_CONFIG:
        _DEFAULT_CONFIG.append(myst_config())
    return _DEFAULT_CONFIG[0]


#: Parsers by the repr of their MyST settings: building one costs more than a small file.
_PARSERS: dict[str, Any] = {}


#: The last settings object asked for and its parser: the build and ``dep lint`` ask with
#: one object for every file, and the repr of MyST's settings costs a millisecond.
_LAST: list[Any] = []


def _parser(config: Any) -> Any:
    if _LAST and _LAST[0] is config:
        return _LAST[1]
    key = repr(config)
    md = _PARSERS.get(key)
    if md is None:
        from markdown_it.renderer import RendererHTML
        from myst_parser.parsers.mdit import create_md_parser

        md = create_md_parser(config, RendererHTML)
        if len(_PARSERS) > 16:
            _PARSERS.clear()
        _PARSERS[key] = md
    _LAST[:] = [config, md]
    return md


#: Front matter keys MyST merges into its settings for this one file.
FILE_SETTINGS_KEYS = ("myst", "html_meta", "substitutions")


#: What GitHub adds to CommonMark, as MyST's extensions: ``> [!NOTE]`` alerts, bare
#: ``www.`` and ``https://`` links, ``~~struck~~`` text and ``- [ ]`` task lists. (Tables
#: and footnotes MyST reads always.) Every file of the proposals folder is read with them,
#: by ``dep lint`` and the build alike, so a proposal written for GitHub renders as there.
GFM_EXTENSIONS = frozenset({"alert", "gfm_autolink", "strikethrough", "tasklist"})


def proposal_config(config: Any = None) -> Any:
    """The MyST settings a file of the proposals folder is read with.

    The project's settings (``config``; MyST's defaults when ``None``), with
    GitHub-flavoured Markdown added (:data:`GFM_EXTENSIONS`) and every heading given
    GitHub's anchor (its slug: ``#part-1-add-a-new-method``), so the links GitHub
    readers follow lead to the same headings. A project that asked for CommonMark only
    keeps it.
    """
    config = config if config is not None else default_myst_config()
    # One settings object serves every file of a run (the build's, dep lint's): the same
    # answer each time, so the parser behind it is found without comparing settings.
    if _PROPOSAL_CONFIG and _PROPOSAL_CONFIG[0] is config:
        return _PROPOSAL_CONFIG[1]
    result = _proposal_config(config)
    _PROPOSAL_CONFIG[:] = [config, result]
    return result


#: The last settings :func:`proposal_config` was asked about, and its answer.
_PROPOSAL_CONFIG: list[Any] = []


def _proposal_config(config: Any) -> Any:
    if config.commonmark_only or config.gfm_only:
        return config
    wanted = {
        "enable_extensions": set(config.enable_extensions) | GFM_EXTENSIONS,
        "heading_anchors": 6,
        "heading_slug_func": None,
    }
    if all(getattr(config, name) == value for name, value in wanted.items()):
        return config
    return config.copy(**wanted)


def outline_levels(levels: list[int]) -> list[int]:
    """The level each heading of a proposal takes, from the levels it is written at.

    The first heading is the title (level 1), whatever its level; every later heading
    sits one level below the nearest earlier heading written at a smaller level (or below
    the title). So ``# Title``, ``# Summary``, ``### Part 1`` nest as 1, 2, 3: the sections
    of a legacy proposal written with several ``#`` headings sit under its title in every
    navigation, and a jump from ``#`` to ``###`` is not the author's error.
    """
    result: list[int] = []
    open_levels: list[int] = []  # written levels of the headings below the title still open
    for index, level in enumerate(levels):
        if index == 0:
            result.append(1)
            continue
        while open_levels and open_levels[-1] >= level:
            open_levels.pop()
        open_levels.append(level)
        result.append(len(open_levels) + 1)
    return result


def file_config(text: str, config: Any) -> tuple[Any, list[str]]:
    """The settings MyST uses for ``text``: ``config`` with the front matter's ``myst:`` merged.

    Also returns the front matter keys that asked for a change (so a policy can refuse
    them where files are not trusted).
    """
    if not text.startswith("---"):
        return config, []
    from myst_parser.config.main import TopmatterReadError, merge_file_level, read_topmatter

    try:
        topmatter = read_topmatter(text)
    except TopmatterReadError:
        return config, []
    if not topmatter:
        return config, []
    asked = [key for key in FILE_SETTINGS_KEYS if key in topmatter]
    if not asked:
        return config, []
    return merge_file_level(config, topmatter, lambda *_: None), asked


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def read(text: str, path: str, config: Any = None, *, file_settings: bool = True) -> Document:
    """Read ``text`` (the file ``path``) as Sphinx will, under MyST settings ``config``.

    ``file_settings=False`` reads a Markdown file with the project's settings only, as the
    build does for files whose front matter may not change them (proposals).
    """
    doc = Document(path, text)
    if path.endswith(".rst"):
        _RstReader(doc).read(text.splitlines(), 0, None)
        return doc
    config = config if config is not None else default_myst_config()
    merged, asked = file_config(text, config)
    doc.front_matter_settings = asked
    if file_settings:
        config = merged
    md = _parser(config)
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    doc.tokens = tuple(tokens)
    _MarkdownReader(doc, md, config, env).walk(tokens, 0, None)
    return doc


_DIRECTIVE_INFO_RE = re.compile(r"^\{([^{}\s]+)\}$")

#: How deep directives and block quotes may nest. Deeper, docutils and MyST recurse until
#: Python gives up (a crash of the whole build), so nothing deeper is read, and the build
#: shows such a file as text.
MAX_DEPTH = 16

#: Directives whose body is not Markdown (code, data, math): not searched for markup.
LITERAL_DIRECTIVES = frozenset(
    {
        "code",
        "code-block",
        "sourcecode",
        "code-cell",
        "literalinclude",
        "math",
        "mermaid",
        "graphviz",
        "graph",
        "digraph",
        "toctree",
        "include",
        "highlight",
        "raw",
        "dep-meta",
        "uml",
        "plantuml",
    }
)

#: Directives whose argument is a title MyST parses as inline Markdown (roles, raw HTML
#: and links in it reach the page), and the options every directive's renderer parses so
#: (``:caption:`` of code blocks and diagrams). Read as inline Markdown, so ``dep lint``
#: judges them as the build does.
TITLE_ARGUMENT_DIRECTIVES = frozenset(
    {"admonition", "topic", "sidebar", "rubric", "table", "list-table", "csv-table", "card", "dropdown"}
)
INLINE_OPTIONS = frozenset({"caption"})

#: Our directives whose items are rendered with raw HTML shown as text (``<Title>`` stays visible).
PART_DIRECTIVES = frozenset({"dep-alternative", "dep-phase"})

#: Directive options whose value is a URL the build turns into a link.
URL_OPTIONS = frozenset({"target", "url"})
#: Directive options naming a local file the build reads.
FILE_OPTIONS = frozenset({"file"})
#: Directives whose argument is a file (or image) the build reads or copies.
FILE_ARGUMENT_DIRECTIVES = frozenset({"include", "literalinclude", "image", "figure", "csv-table", "raw"})


def _has_scheme(url: str) -> bool:
    return re.match(r"^\s*[A-Za-z][A-Za-z0-9+.\-]*:", url) is not None


def _is_local(url: str) -> bool:
    url = url.strip()
    return bool(url) and not _has_scheme(url) and not url.startswith(("#", "//"))


def split_directive_options(
    lines: list[str], first_line: int
) -> tuple[list[Option], int, list[tuple[int, str]]]:
    """The option block at the top of a MyST directive body, read by MyST's own tokenizer.

    Same block shapes (``:name: value`` lines, or a ``---`` fenced block) and same value
    rules (quotes, folded continuation lines, ``#`` comments) as ``sphinx-build``. Returns
    every option (repeats kept, in order), the number of lines the block took, and why it
    could not be read (then no options).
    """
    from myst_parser.parsers.options import TokenizeError, options_to_tokens

    if lines and lines[0].startswith("---"):
        end = next((i for i in range(1, len(lines)) if lines[i].startswith("---")), None)
        used = end + 1 if end is not None else len(lines)
        block_first = first_line + 1
        text = textwrap.dedent("\n".join(lines[1:end]))
    else:
        used = 0
        while used < len(lines):
            stripped = lines[used].lstrip()
            if not stripped.startswith(":") or stripped.startswith(":::"):
                break
            used += 1
        block_first = first_line
        text = "\n".join(line.lstrip()[1:] for line in lines[:used])
    if not used:
        return [], 0, []
    if not lines[0].startswith("---"):
        simple = _simple_options(lines[:used], block_first)
        if simple is not None:
            return simple, used, []
    try:
        tokens, _state = options_to_tokens(text)
    except TokenizeError as err:
        line = block_first + (err.problem_mark.line if err.problem_mark is not None else 0)
        return [], used, [(line, f"options cannot be read ({err.problem}); all are ignored")]
    found = [
        Option(key.value, value.value if value is not None else "", block_first + key.start.line)
        for key, value in tokens
    ]
    return found, used, []


#: A directive's option line, ``:name: value``: a reStructuredText field, and the colon
#: options of a MyST directive. The one pattern for every reader of option lines (the
#: reader here, :mod:`.editing`); ``value`` is ``None`` on a line that ends after the name.
OPTION_LINE_RE = re.compile(r"^:(?P<name>(?:[^:\\]|\\.)+):(?:(?P<space>\s+)(?P<value>.*)|$)")
#: The option names and values the fast path below takes as they are.
_SIMPLE_NAME_RE = re.compile(r"[A-Za-z0-9_][\w.-]*", re.ASCII)
_SIMPLE_VALUE_RE = re.compile(r"^[^-?:,\[\]{}&*!#'\"|>%@`\s][^#'\"|>\t]*$")


def _simple_options(lines: list[str], first_line: int) -> list[Option] | None:
    """The common ``:name: plain value`` block without MyST's tokenizer, or ``None``.

    Only lines whose value is a plain scalar MyST reads verbatim (stripped) take this path;
    anything else (quotes, ``#`` comments, block scalars, ``: `` inside, indicators,
    escapes) goes to MyST's tokenizer, so the result is the same.
    """
    found: list[Option] = []
    for index, line in enumerate(lines):
        if "\t" in line or "\\" in line:
            return None
        match = OPTION_LINE_RE.match(line.lstrip(" \n\r\f\v"))
        if (
            match is None
            or not _SIMPLE_NAME_RE.fullmatch(match["name"])
            or (match["space"] is not None and match["space"].strip(" "))
        ):
            return None
        value = (match["value"] or "").strip()
        if value and (
            not _SIMPLE_VALUE_RE.match(value)
            or ": " in value
            or value.endswith(":")
            or value in {"...", "---"}
        ):
            return None
        found.append(Option(match["name"], value, first_line + index))
    return found


def _first_options(options: list[Option]) -> tuple[dict[str, str | None], dict[str, int]]:
    values: dict[str, str | None] = {}
    lines: dict[str, int] = {}
    for option in options:
        if option.name not in values:
            values[option.name] = option.value
            lines[option.name] = option.line
    return values, lines


def _strip_blank_start(body: list[str], line: int) -> tuple[list[str], int]:
    while body and not body[0].strip():
        body, line = body[1:], line + 1
    return body, line


class _MarkdownReader:
    def __init__(self, doc: Document, md: Any, config: Any, env: dict[str, Any]) -> None:
        self.doc = doc
        self.md = md
        self.config = config
        self.env = env
        self.directives_on = not (config.commonmark_only or config.gfm_only)
        #: Inside dep-alternative / dep-phase bodies raw HTML is rendered as text by design.
        self.html_as_text = 0
        self.depth = 0
        extensions = set(config.enable_extensions)
        self.html_image = "html_image" in extensions
        self.html_admonition = "html_admonition" in extensions
        #: Heading slugs given so far (MyST suffixes a repeated one: ``x``, ``x-1``).
        self.slugs: set[str] = set()

    def walk(self, tokens: list[Any], offset: int, parent: str | None) -> None:
        """Record what ``tokens`` hold; their line 1 is line ``offset + 1`` of the file."""
        for index, token in enumerate(tokens):
            if not token.map:
                continue
            line = token.map[0] + 1 + offset
            kind = token.type
            if kind == "heading_open":
                inline = tokens[index + 1]
                if parent is None and token.level == 0:
                    self.doc.headings.append(Heading(int(token.tag[1]), _inline_text(inline), line))
                self.anchor(inline)
            elif kind == "myst_target":
                self.doc.anchors.append(token.content.strip())
            elif kind == "inline":
                self.inline(token, line)
            elif kind == "html_block":
                if not self.html_as_text and not self.html_elements(token.content, line, parent):
                    self.doc.html.append((line, token.content))
            elif kind == "substitution_block":
                self.doc.substitutions.append((line, token.content))
            elif kind in {"fence", "colon_fence"}:
                self.fence(token, line, parent)

    def anchor(self, inline: Any) -> None:
        """The heading's slug, computed as MyST's renderer computes it (in document order)."""
        if self.config.heading_anchors < 1:
            return
        from myst_parser.slugs import github_slugify, unique_slug

        title = "".join(c.content for c in inline.children or () if c.type in {"text", "code_inline"})
        slug_func = self.config.heading_slug_func or github_slugify
        try:
            slug = unique_slug(slug_func(title), self.slugs)
        except Exception:
            return  # MyST warns about a slug function that fails (myst.heading_slug)
        if slug:
            self.slugs.add(slug)
            self.doc.anchors.append(slug)

    def inline(self, token: Any, line: int) -> None:
        for child in token.children or ():
            kind = child.type
            if kind == "myst_role":
                _role_use(self.doc, str(child.meta.get("name", "")), child.content, line)
            elif kind == "link_open":
                href = str(child.attrs.get("href", ""))
                self.doc.links.append(Link(href, line, child.markup or "link"))
            elif kind == "image":
                src = str(child.attrs.get("src", ""))
                self.doc.links.append(Link(src, line, "image"))
                if _is_local(src):
                    self.doc.files.append(FileUse("image", src, line))
            elif kind == "html_inline":
                if not self.html_as_text:
                    self.doc.html.append((line, child.content))
            elif kind == "substitution_inline":
                self.doc.substitutions.append((line, child.content))

    def fence(self, token: Any, line: int, parent: str | None) -> None:
        info = (token.info or "").strip()
        parts = info.split(maxsplit=1)
        word = parts[0] if parts else ""
        argument = parts[1] if len(parts) > 1 else ""
        content = token.content
        name: str | None = None
        if token.type == "fence":
            if not self.directives_on:
                return
            if word == "{eval-rst}":
                self.eval_rst(content, line)
                return
            match = _DIRECTIVE_INFO_RE.match(word)
            if match:
                name = match.group(1)
            elif word in self.config.fence_as_directive:
                name = word
        else:  # colon_fence
            match = _DIRECTIVE_INFO_RE.match(word)
            if match:
                name = match.group(1)
                if content.startswith(":::"):
                    content = "\n" + content  # as MyST reads it: the body starts with a fence
            else:
                # A div: its content is Markdown, rendered inside a container.
                self.nested(content, line, parent or "div")
                return
        if name is None:
            return  # a code block
        self.directive(name.lower(), argument, content, line, parent)

    def directive(self, name: str, argument: str, content: str, line: int, parent: str | None) -> None:
        body = content.splitlines()
        options, used, problems = split_directive_options(body, line + 1)
        values, lines_of = _first_options(options)
        rest, body_line = _strip_blank_start(body[used:], line + 1 + used)
        block = Block(
            name=name,
            argument=argument.strip(),
            options=values,
            option_lines=lines_of,
            body=rest,
            body_line=body_line,
            line=line,
            problems=problems,
            option_list=options,
            parent=parent,
        )
        self.doc.blocks.append(block)
        _directive_uses(self.doc, block)
        if name in TITLE_ARGUMENT_DIRECTIVES and block.argument:
            self.inline_markdown(block.argument, line)
        for option in options:
            if option.name.lower() in INLINE_OPTIONS and option.value and not name.startswith("dep-"):
                self.inline_markdown(option.value, option.line)
        if name == "raw":
            if "html" in argument.lower().split() and rest:
                self.doc.html.append((line, "\n".join(rest)))
            return
        if name in LITERAL_DIRECTIVES:
            return
        # Every other directive may parse its body as Markdown (admonitions, figures,
        # directives the reader does not know): searched, so nothing hides in one.
        parts = name in PART_DIRECTIVES
        self.html_as_text += parts
        try:
            self.nested("\n".join(rest), body_line - 1, name)
        finally:
            self.html_as_text -= parts

    def inline_markdown(self, text: str, line: int) -> None:
        """A directive's title or caption, which MyST parses as inline Markdown."""
        for token in self.md.parseInline(text, self.env):
            if token.type == "inline":
                self.inline(token, line)

    def nested(self, text: str, first_line: int, parent: str) -> None:
        """Markdown ``text`` whose first line is line ``first_line + 1`` of the file (``first_line`` is 0-based)."""
        if not text.strip():
            return
        if self.depth >= MAX_DEPTH:
            if self.doc.too_deep is None:
                self.doc.too_deep = first_line + 1
            return
        tokens = self.md.parse(text + "\n", self.env)
        if tokens and tokens[0].type == "front_matter":
            tokens = tokens[1:]
        self.depth += 1
        try:
            self.walk(tokens, first_line, parent)
        finally:
            self.depth -= 1

    def html_elements(self, text: str, line: int, parent: str | None) -> bool:
        """An HTML block MyST turns into directives (``html_image``, ``html_admonition``).

        MyST reads such a block with its own HTML tokenizer and runs the ``image`` or
        ``admonition`` directive for each element; it is read the same way here (an image,
        a note whose content is Markdown). ``False``: the block stays raw HTML.
        """
        if not (self.html_image or self.html_admonition):
            return False
        from myst_parser.parsers.parse_html import Data, tokenize_html

        try:
            root = tokenize_html(text).strip(inplace=True, recurse=False)
        except Exception:
            return False
        children = list(root)
        if not children or not all(
            (self.html_image and child.name == "img")
            or (self.html_admonition and child.name == "div" and "admonition" in child.attrs.classes)
            for child in children
        ):
            return False
        for child in children:
            if child.name == "img":
                src = str(child.attrs.get("src", ""))
                self.doc.blocks.append(Block("image", src, {}, {}, [], line, line, parent=parent))
                self.doc.links.append(Link(src, line, "image"))
                if _is_local(src):
                    self.doc.files.append(FileUse("image", src, line))
                continue
            inner = child.strip().children
            parts = []
            for item in inner:
                if item.name == "p":
                    parts += [*item.children, Data("\n\n")]
                else:
                    parts.append(item)
            content = "".join(item.render() for item in parts).lstrip()
            self.doc.blocks.append(
                Block("admonition", "", {}, {}, content.splitlines(), line, line, parent=parent)
            )
            self.nested(content, line - 1, "admonition")
        return True

    def eval_rst(self, content: str, line: int) -> None:
        _RstReader(self.doc).read(content.splitlines(), line, "eval-rst")


def _directive_uses(doc: Document, block: Block) -> None:
    """Links and file reads a directive's argument and options make."""
    for option in block.option_list:
        key = option.name.lower()
        if key in URL_OPTIONS and option.value:
            doc.links.append(Link(option.value.strip(), option.line, "option"))
        if key in FILE_OPTIONS:
            doc.files.append(FileUse(f"{block.name} :{key}:", option.value.strip(), option.line))
        if key == "url" and block.name in {"raw", "csv-table"}:
            doc.files.append(FileUse(f"{block.name} :url:", option.value.strip(), option.line))
    if block.name in FILE_ARGUMENT_DIRECTIVES and block.argument:
        target = block.argument.split()[0] if block.name != "raw" else ""
        if block.name in {"include", "literalinclude"}:
            doc.files.append(FileUse(block.name, block.argument.strip(), block.line))
        elif block.name in {"image", "figure"}:
            doc.links.append(Link(target, block.line, "image"))
            if _is_local(target):
                doc.files.append(FileUse(block.name, target, block.line))


def _role_use(doc: Document, name: str, content: str, line: int) -> None:
    """A role, and the file or link it makes the build read (``download``)."""
    name = name.lower()
    doc.roles.append(RoleUse(name, content, line))
    if name in {"download", "std:download"}:
        match = re.match(r"^.*<([^<>]+)>$", content, re.S)
        target = (match.group(1) if match else content).strip()
        doc.files.append(FileUse("download", target, line))


def _inline_text(token: Any) -> str:
    parts: list[str] = []
    children = token.children or []
    for child in children:
        if child.type in {"text", "text_special", "code_inline", "html_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif child.type == "myst_role":
            parts.append(child.content)
    text = "".join(parts) if children else token.content
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------------------
# reStructuredText
# --------------------------------------------------------------------------------------

#: docutils' section adornment characters: printable 7-bit ASCII that is not a letter or digit.
_ADORNMENT_CHARS = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
_ADORNMENT_RE = re.compile(rf"^([{_ADORNMENT_CHARS}])\1*\s*$")
_SIMPLENAME = r"(?:(?!_)\w)+(?:[-._+:](?:(?!_)\w)+)*"
#: A directive's first line, ``.. name:: argument`` (a substitution definition's too).
RST_DIRECTIVE_RE = re.compile(rf"^\.\.[ ]+(?:\|[^|]+\|[ ]+)?({_SIMPLENAME})[ ]?::(?:[ ]+(.*)|$)")
_RST_TARGET_RE = re.compile(r"^\.\.[ ]+_(?:`(?:\\.|[^`\\])*`|(?:\\.|[^:\\`])*):(?:[ ]+(.*)|$)")
_RST_FOOTNOTE_RE = re.compile(r"^\.\.[ ]+\[(?:[^\]]+)\](?:[ ]+(.*)|$)")
_GRID_BORDER_RE = re.compile(r"^\+(?:[-=]+\+)+$")
#: Lines that start a construct other than a paragraph (lists, fields, options, blocks, tables).
_RST_NOT_TEXT_RE = re.compile(
    r"^(?:[-+*\u2022\u2023\u2043](?:\s|$)|(?:\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+|#)[.)](?:\s|$)"
    r"|\((?:\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+|#)\)(?:\s|$)|:[^:\s][^:]*:(?:\s|$)|\.\.(?:\s|$)|\|(?:\s|$)"
    r"|>>>|[-+]{2,}|\+[-=+]+\+|-{1,2}[A-Za-z])"
)
#: Inline roles: ``:name:`text``` and ```text`:name:``.
_RST_ROLE_BEFORE_RE = re.compile(rf"(?<![\w`\\]):({_SIMPLENAME}):`((?:[^`\\]|\\.)+)`(?!\w)")
_RST_ROLE_AFTER_RE = re.compile(rf"(?<![\w`\\])`((?:[^`\\]|\\.)+)`:({_SIMPLENAME}):(?!\w)")
#: Embedded URIs: ```text <uri>`_`` and ```<uri>`_``.
_RST_EMBEDDED_RE = re.compile(r"`(?:[^`<]*?)<([^<>`]+)>`__?")
#: Standalone URIs docutils recognizes: a known scheme, ``:``, then a non-space.
_RST_STANDALONE_RE = re.compile(r"(?<![\w.+\-/:])([A-Za-z][A-Za-z0-9.+\-]*):(?=[^\s:])(\S+)")


def _expand(line: str) -> str:
    return line.expandtabs(8) if "\t" in line else line


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _RstReader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.styles: list[tuple[str, bool]] = []
        self.raw_roles: set[str] = set()
        self.depth = 0

    def read(self, raw_lines: list[str], offset: int, parent: str | None) -> None:
        """Read ``raw_lines``, whose first line is line ``offset + 1`` of the file."""
        if self.depth >= MAX_DEPTH:
            if self.doc.too_deep is None:
                self.doc.too_deep = offset + 1
            return
        self.depth += 1
        try:
            self._read(raw_lines, offset, parent)
        finally:
            self.depth -= 1

    def _read(self, raw_lines: list[str], offset: int, parent: str | None) -> None:
        # As docutils reads it: tabs expanded, NUL (its own escape marker) dropped.
        lines = [_expand(line).replace("\x00", "") for line in raw_lines]
        index = 0
        previous_blank = True
        literal_next = False
        while index < len(lines):
            line = lines[index]
            number = offset + index + 1
            if not line.strip():
                index += 1
                previous_blank = True
                continue
            indent = _indent(line)
            stripped = line.strip()
            if literal_next and indent > 0:
                # The indented block after ``::`` is a literal block: nothing in it is markup.
                index = self._block_end(lines, index, 0)
                literal_next = False
                previous_blank = True
                continue
            literal_next = False
            if indent == 0 and stripped.startswith(".."):
                index = self._explicit(lines, index, offset, parent)
                previous_blank = True
                continue
            if indent == 0 and (stripped == "__" or stripped.startswith("__ ")):
                # An anonymous target: ``__ https://...``.
                end = self._block_end(lines, index + 1, 0) if index + 1 < len(lines) else index + 1
                uri = "".join(ln.strip() for ln in [stripped[2:], *lines[index + 1 : max(end, index + 1)]])
                if uri and not uri.endswith("_"):
                    self.doc.links.append(Link(uri, number, "target"))
                index = max(end, index + 1)
                previous_blank = True
                continue
            if indent == 0 and _GRID_BORDER_RE.match(line.rstrip()):
                index = self._grid_table(lines, index, offset, parent)
                previous_blank = True
                continue
            if indent > 0:
                # A block quote (or the continuation of a list item): read as nested text.
                end = self._block_end(lines, index, 0)
                block = [ln[indent:] if len(ln) >= indent else ln.strip() for ln in lines[index:end]]
                self.read(block, offset + index, parent if parent else "blockquote")
                index = end
                previous_blank = True
                continue
            title = self._title(lines, index, previous_blank, parent)
            if title is not None:
                heading, consumed = title
                self.doc.headings.append(Heading(heading[0], heading[1], offset + heading[2] + 1))
                self._inline(lines[heading[2]], offset + heading[2] + 1)
                index += consumed
                previous_blank = True
                continue
            if _ADORNMENT_RE.match(stripped) and len(stripped) >= 4 and previous_blank:
                index += 1  # a transition
                continue
            self._inline(line, number)
            if stripped.endswith("::") and not stripped.startswith(".."):
                literal_next = True
            previous_blank = False
            index += 1

    def _block_end(self, lines: list[str], start: int, indent: int) -> int:
        """The end of the block of lines indented more than ``indent``, from ``start``."""
        end = start
        last = start
        while end < len(lines):
            line = lines[end]
            if line.strip() and _indent(line) <= indent:
                break
            if line.strip():
                last = end
            end += 1
        return last + 1

    def _title(
        self, lines: list[str], index: int, previous_blank: bool, parent: str | None
    ) -> tuple[tuple[int, str, int], int] | None:
        line = lines[index]
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        over = _ADORNMENT_RE.match(line.rstrip())
        if over and index + 2 < len(lines) and lines[index + 1].strip():
            under = lines[index + 2].rstrip()
            text = lines[index + 1].strip()
            if under == line.rstrip() and len(under) >= len(text) and not _ADORNMENT_RE.match(text):
                if parent is not None:
                    return None
                return (self._level(under[0], True), _title_text(text), index + 1), 3
        if not previous_blank or over or _RST_NOT_TEXT_RE.match(line):
            return None
        under_match = _ADORNMENT_RE.match(nxt.rstrip()) if nxt and not nxt[:1].isspace() else None
        if under_match is None:
            return None
        text = line.strip()
        underline = nxt.rstrip()
        if _column_width(text) > len(underline) and len(underline) < 4:
            return None  # docutils: too short to be an underline; ordinary text
        if index + 2 < len(lines) and lines[index + 2].strip() and not _ADORNMENT_RE.match(lines[index + 2]):
            # docutils reads an underline followed at once by text the same way: still a title.
            pass
        if parent is not None:
            return None
        return (self._level(underline[0], False), _title_text(text), index), 2

    def _level(self, char: str, overline: bool) -> int:
        style = (char, overline)
        if style not in self.styles:
            self.styles.append(style)
        return self.styles.index(style) + 1

    def _explicit(self, lines: list[str], index: int, offset: int, parent: str | None) -> int:
        """An explicit markup block (``..``) at ``index``: a directive, target, or comment."""
        line = lines[index]
        end = self._block_end(lines, index + 1, 0) if index + 1 < len(lines) else index + 1
        end = max(end, index + 1)
        number = offset + index + 1
        directive = RST_DIRECTIVE_RE.match(line)
        if directive:
            self._directive(
                directive.group(1).lower(), directive.group(2) or "", lines, index, end, offset, parent
            )
            return end
        footnote = _RST_FOOTNOTE_RE.match(line)
        if footnote:
            # A footnote or citation: its body is read like any other text.
            body = [footnote.group(1) or "", *lines[index + 1 : end]]
            indent = min((_indent(ln) for ln in body[1:] if ln.strip()), default=0)
            self.read([body[0], *(ln[indent:] for ln in body[1:])], offset + index, parent or "footnote")
            return end
        target = _RST_TARGET_RE.match(line)
        if target:
            uri = (target.group(1) or "").strip()
            continuation = " ".join(ln.strip() for ln in lines[index + 1 : end] if ln.strip())
            uri = (uri + continuation).replace(" ", "") if not uri.endswith("_") else uri
            if uri and not uri.endswith("_"):
                self.doc.links.append(Link(uri, number, "target"))
            return end
        return end  # a comment (or a substitution / footnote that the rules do not read)

    def _directive(
        self,
        name: str,
        argument: str,
        lines: list[str],
        index: int,
        end: int,
        offset: int,
        parent: str | None,
    ) -> None:
        block_lines = lines[index + 1 : end]
        indent = min((_indent(ln) for ln in block_lines if ln.strip()), default=3)
        dedented = [ln[indent:] if len(ln) >= indent else ln.strip() for ln in block_lines]
        first = offset + index + 2  # the file line of dedented[0]
        if argument.startswith(":"):
            # docutils reads a field list that starts on the directive's own line as its options.
            dedented = [argument, *dedented]
            argument = ""
            first -= 1
        # Arguments may go on over the lines up to the options or a blank line.
        cursor = 0
        while cursor < len(dedented) and dedented[cursor].strip() and not dedented[cursor].startswith(":"):
            if name not in {"dep-meta"}:
                argument = f"{argument} {dedented[cursor].strip()}".strip()
            else:
                break
            cursor += 1
        options, used = _rst_options(dedented[cursor:], first + cursor)
        rest, body_line = _strip_blank_start(dedented[cursor + used :], first + cursor + used)
        while rest and not rest[-1].strip():
            rest.pop()
        values, lines_of = _first_options(options)
        block = Block(
            name=name,
            argument=argument.strip(),
            options=values,
            option_lines=lines_of,
            body=rest,
            body_line=body_line,
            line=offset + index + 1,
            option_list=options,
            parent=parent,
        )
        self.doc.blocks.append(block)
        _directive_uses(self.doc, block)
        if name == "raw":
            if "html" in argument.lower().split() and rest:
                self.doc.html.append((block.line, "\n".join(rest)))
            return
        if name == "role":
            match = re.match(rf"^({_SIMPLENAME})\(({_SIMPLENAME})\)$", argument.strip())
            if match and match.group(2).lower() == "raw":
                self.raw_roles.add(match.group(1).lower())
            return
        if name in LITERAL_DIRECTIVES:
            return
        self.read(rest, body_line - 1, name)

    def _grid_table(self, lines: list[str], index: int, offset: int, parent: str | None) -> int:
        """A grid table: each column's text between borders is read as a cell of rST."""
        border = lines[index].rstrip()
        edges = [i for i, char in enumerate(border) if char == "+"]
        end = index + 1
        while end < len(lines) and lines[end][:1] in {"+", "|"}:
            end += 1
        row_start = index + 1
        for row in range(index + 1, end + 1):
            at_border = row == end or _GRID_BORDER_RE.match(lines[row].rstrip()) or lines[row].startswith("+")
            if not at_border:
                continue
            for left, right in itertools.pairwise(edges):
                cell = [ln[left + 1 : right] for ln in lines[row_start:row]]
                if any(c.strip() for c in cell):
                    indent = min((_indent(c) for c in cell if c.strip()), default=0)
                    self.read([c[indent:].rstrip() for c in cell], offset + row_start, parent or "table")
            row_start = row + 1
        return end

    def _inline(self, line: str, number: int) -> None:
        text = re.sub(r"``.*?``", lambda m: " " * len(m.group(0)), line)  # inline literals
        for match in _RST_ROLE_BEFORE_RE.finditer(text):
            self._role(match.group(1), match.group(2), number)
        for match in _RST_ROLE_AFTER_RE.finditer(text):
            self._role(match.group(2), match.group(1), number)
        for match in _RST_EMBEDDED_RE.finditer(text):
            self.doc.links.append(Link(match.group(1).strip(), number, "link"))
        without_embedded = _RST_EMBEDDED_RE.sub(" ", text)
        for match in _RST_STANDALONE_RE.finditer(without_embedded):
            if match.group(1).lower() in URI_SCHEMES:
                uri = match.group(0).rstrip(".,;:!?'\"")
                while uri.endswith(")") and uri.count(")") > uri.count("("):
                    uri = uri[:-1].rstrip(".,;:!?'\"")
                self.doc.links.append(Link(uri, number, "uri"))

    def _role(self, name: str, content: str, number: int) -> None:
        _role_use(self.doc, name, content, number)
        if name.lower() in self.raw_roles or name.lower() == "raw":
            self.doc.html.append((number, content))


def _rst_options(lines: list[str], first_line: int) -> tuple[list[Option], int]:
    """The field list of options at the top of a reStructuredText directive block."""
    options: list[Option] = []
    used = 0
    for index, text in enumerate(lines):
        match = OPTION_LINE_RE.match(text)
        if match:
            options.append(Option(match["name"].strip(), (match["value"] or "").strip(), first_line + index))
            used = index + 1
        elif options and text[:1] in (" ", "\t") and text.strip():
            last = options[-1]
            options[-1] = Option(last.name, f"{last.value}\n{text.strip()}".strip(), last.line)
            used = index + 1
        else:
            break
    return options, used


def _title_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _column_width(text: str) -> int:
    """Columns a title takes, as docutils counts them (wide East Asian characters count two)."""
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text
    )


#: The URI schemes docutils turns into links when written bare in reStructuredText
#: (``docutils.utils.urischemes.schemes``; a test keeps this list equal to docutils').
URI_SCHEMES = frozenset(
    (  # noqa: SIM905
        "about acap addbook afp afs aim callto castanet cid chttp crid data dav dict dns eid fax "
        "feed file finger freenet ftp go gopher gsm-sms h323 h324 hdl hnews http https hydra iioploc "
        "ilu im imap info ior ipp irc iris.beep iseek jar javascript jdbc ldap lifn livescript lrq "
        "mailbox mailserver mailto md5 mid mocha modem mtqp mupdate news nfs nntp opaquelocktoken phone "
        "pop pop3 pres printer prospero rdar res rtsp rvp rwhois rx sdp service shttp sip sips smb snews snmp "
        "soap.beep soap.beeps ssh t120 tag tcp tel telephone telnet tftp tip tn3270 tv urn uuid vemmi "
        "videotex view-source wais whodp whois++ x-man-page xmlrpc.beep xmlrpc.beeps z39.50r z39.50s"
    ).split()
)
