"""What a proposal may contain: one policy, applied by ``dep lint`` and enforced by the build.

Whoever can open a pull request can write a proposal, and CI builds it. So a proposal
(every file in the proposals folder) is untrusted input, and this module decides, over
what :mod:`~sphinxcontrib_dep.core.reader` found in it:

* **directives and roles**: only those on an allowlist run. Others could read files on
  the build machine (``include``, ``literalinclude``), run code (sphinx-needs filters
  such as ``needtable :filter:`` or ``need_count`` are Python expressions), or change how
  the page is read (``default-role``, ``role``, ``meta``). Projects may add names
  (``dep_allowed_directives``, ``dep_allowed_roles``) and then trust what they add;
* **MyST settings from the front matter** (``myst:``) and **substitutions**
  (``{{ ... }}``, which MyST evaluates as Jinja templates): refused in proposals;
* **local files**: an image or download must be a path inside the proposals folder
  (nothing else on the build machine may be copied into the site), and no file may be
  included;
* **raw HTML and links**: judged by :mod:`~sphinxcontrib_dep.core.sanitize`;
* **dep-* directives nested** in another directive: never read as a header or a part.

The Sphinx layer enforces the same decisions on the document it parses (a directive
lookup that refuses what is not allowed, file insertion off, a transform over links and
raw HTML), so a reading that differs from this one can only refuse more, never less.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

from . import sanitize
from .diagnostics import Code, Diagnostic
from .reader import MAX_DEPTH, Block, Document

#: Directives a proposal may use (lower case). The ``dep-*`` directives, admonitions,
#: code, images, tables, math, raw HTML (judged by the sanitizer), layout.
PROPOSAL_DIRECTIVES = frozenset(
    {
        # this extension's parts of a proposal (its views of all proposals belong to the site)
        "dep-meta",
        "dep-alternative",
        "dep-phase",
        # admonitions and version notes
        "admonition",
        "attention",
        "caution",
        "danger",
        "error",
        "hint",
        "important",
        "note",
        "tip",
        "warning",
        "seealso",
        "todo",
        "versionadded",
        "versionchanged",
        "deprecated",
        "versionremoved",
        # code, math, text
        "code-block",
        "code",
        "sourcecode",
        "highlight",
        "math",
        "parsed-literal",
        "rubric",
        "topic",
        "sidebar",
        "epigraph",
        "highlights",
        "pull-quote",
        "compound",
        "container",
        "centered",
        "hlist",
        "glossary",
        "contents",
        "only",
        # substitution definitions that only hold text
        "replace",
        "unicode",
        # images and tables
        "image",
        "figure",
        "table",
        "list-table",
        "csv-table",
        # raw HTML: kept only when the sanitizer finds it harmless
        "raw",
        # diagrams drawn in the reader's browser (sphinxcontrib-mermaid), from text only
        "mermaid",
    }
)

#: Options of the ``mermaid`` directive a proposal may use: not ``:zoom:`` (it loads d3
#: from a CDN) nor ``:config:`` (JSON; the diagram's own ``%%{init}%%`` says the same).
MERMAID_OPTIONS = frozenset({"alt", "align", "caption", "name", "title"})

#: Roles a proposal may use (lower case); ``""`` is the project's default role.
PROPOSAL_ROLES = frozenset(
    {
        "",
        "dep",
        "ref",
        "doc",
        "numref",
        "term",
        "abbr",
        "code",
        "math",
        "eq",
        "sub",
        "sup",
        "subscript",
        "superscript",
        "kbd",
        "guilabel",
        "menuselection",
        "file",
        "samp",
        "command",
        "program",
        "option",
        "envvar",
        "dfn",
        "pep",
        "rfc",
        "emphasis",
        "strong",
        "literal",
        "title-reference",
        "title",
        "t",
        "any",
        "keyword",
        "token",
        "download",
        # sphinx-needs roles that only link to a need by its id
        "need",
        "need_outgoing",
        "need_incoming",
        "need_part",
        "np",
    }
)

#: Domains whose roles only make cross-references (``py:func``, ``std:ref``, ...).
SAFE_ROLE_DOMAINS = frozenset({"py", "std", "c", "cpp", "js", "rst", "math", "dep"})


def directive_allowed(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether a proposal may use the directive ``name`` (as written; case is ignored)."""
    key = name.strip().lower()
    return key in PROPOSAL_DIRECTIVES or key in {e.strip().lower() for e in extra}


def role_allowed(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether a proposal may use the role ``name`` (as written; case is ignored)."""
    key = name.strip().lower()
    if key in PROPOSAL_ROLES or key in {e.strip().lower() for e in extra}:
        return True
    domain, _, role = key.partition(":")
    return bool(role) and domain in SAFE_ROLE_DOMAINS


DIRECTIVE_MESSAGE = (
    "directive {name!r} is not allowed in a proposal (it could read files or run code in the "
    "build); shown as text (add it to dep_allowed_directives to trust it)"
)
ROLE_MESSAGE = (
    "role {name!r} is not allowed in a proposal (it could read files or run code in the build); "
    "shown as text (add it to dep_allowed_roles to trust it)"
)
FRONT_MATTER_MESSAGE = (
    "front matter key {key!r} would change how this proposal is read (MyST settings); "
    "proposals are read with the project's settings only, so it is ignored"
)
SUBSTITUTION_MESSAGE = (
    "MyST substitution {text!r} is not evaluated in a proposal (it is a template expression); shown as text"
)
NESTED_MESSAGE = (
    "{name} inside another directive ({parent}) is not read; put it at the top level of the proposal"
)


#: Files a proposal may show as an image or offer as a download: kinds a browser opens
#: without running script in the site's origin (no SVG, HTML, XML or scripts; and no
#: proposal source, which could be an embargoed one).
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp"})
DOWNLOAD_SUFFIXES = IMAGE_SUFFIXES | frozenset(
    {".pdf", ".txt", ".csv", ".tsv", ".json", ".yaml", ".yml", ".toml", ".zip", ".gz", ".tgz", ".log"}
)


def local_file_problem(
    target: str, document: Path | None, folder: Path | None, kind: str = "image"
) -> str | None:
    """Why the build may not read ``target`` (written in ``document``): ``None`` if it may.

    Only paths relative to the proposal that stay inside the proposals ``folder`` (after
    ``..`` and symbolic links), of a kind that cannot run script when opened
    (:data:`IMAGE_SUFFIXES`, :data:`DOWNLOAD_SUFFIXES` for ``kind="download"``), are read;
    nothing else on the build machine is copied into the site.
    """
    raw = target.strip()
    if kind == "download" and re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", raw):
        return f"{target!r} is not a file of the proposals folder (link to other places with a link)"
    path_part = re.split(r"[?#]", raw, maxsplit=1)[0]
    if not path_part:
        return None
    candidates = {path_part, unquote(path_part)}
    for candidate in candidates:
        if candidate.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", candidate):
            return f"{target!r} is an absolute path; write a path relative to the proposal, inside the proposals folder"
        if document is None or folder is None:
            continue  # where the file is on disk is not known: its kind is still judged
        resolved = Path(os.path.realpath(document.parent / candidate))
        if not _inside(resolved, Path(os.path.realpath(folder))):
            return f"{target!r} is outside the proposals folder; the build does not read it"
    suffix = Path(unquote(path_part)).suffix.lower()
    allowed = DOWNLOAD_SUFFIXES if kind == "download" else IMAGE_SUFFIXES
    if suffix not in allowed:
        shown = ", ".join(sorted(allowed))
        return f"{target!r} is a {suffix or 'suffix-less'} file; a proposal may use only {shown}"
    return None


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


#: Constructs that insert another file's text into the page: never in a proposal.
INSERTING = ("include", "literalinclude", ":file:", ":url:")


def _mermaid_problems(block: Block, path: str) -> list[Diagnostic]:
    """A ``mermaid`` directive in a proposal draws the diagram in its body, and nothing else."""
    found = []
    if block.argument:
        message = (
            f"mermaid {block.argument!r} would read a file into the page; not allowed in a proposal "
            "(write the diagram in the block); shown as text"
        )
        found.append(Diagnostic(Code.FILE, message, path, block.line))
    for option in block.option_list:
        if option.name.lower() not in MERMAID_OPTIONS:
            message = (
                f"option :{option.name}: of mermaid is not allowed in a proposal (allowed: "
                f"{', '.join(sorted(MERMAID_OPTIONS))}); ignored"
            )
            found.append(Diagnostic(Code.DIRECTIVE, message, path, option.line))
    return found


def check(
    doc: Document,
    *,
    raw_html: str = "safe",
    allowed_directives: Iterable[str] = (),
    allowed_roles: Iterable[str] = (),
    document_file: Path | None = None,
    folder: Path | None = None,
) -> list[Diagnostic]:
    """Every policy problem of one proposal, each at its line.

    ``document_file`` and ``folder`` (the proposal on disk and the proposals folder) let
    local file references be checked; without them only the inserting constructs are.
    """
    path = doc.path
    found: list[Diagnostic] = []
    extra_directives = list(allowed_directives)
    extra_roles = list(allowed_roles)
    for key in doc.front_matter_settings:
        found.append(Diagnostic(Code.FRONT_MATTER, FRONT_MATTER_MESSAGE.format(key=key), path, 1))
    for line, text in doc.substitutions:
        shown = text.strip()
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        found.append(Diagnostic(Code.SUBSTITUTION, SUBSTITUTION_MESSAGE.format(text=shown), path, line))
    for block in doc.blocks:
        if not directive_allowed(block.name, extra_directives):
            found.append(
                Diagnostic(Code.DIRECTIVE, DIRECTIVE_MESSAGE.format(name=block.name), path, block.line)
            )
        elif block.name.startswith("dep-") and block.parent is not None:
            message = NESTED_MESSAGE.format(name=block.name, parent=block.parent)
            found.append(Diagnostic(Code.NESTED, message, path, block.line))
        elif block.name == "mermaid":
            found += _mermaid_problems(block, path)
    for role in doc.roles:
        if not role_allowed(role.name, extra_roles):
            found.append(Diagnostic(Code.ROLE, ROLE_MESSAGE.format(name=role.name), path, role.line))
    if doc.too_deep is not None:
        message = (
            f"blocks nest more than {MAX_DEPTH} levels deep here; the build shows this file as text "
            "(docutils and MyST would recurse until they crash)"
        )
        found.append(Diagnostic(Code.NESTED, message, path, doc.too_deep))
    refused_lines = {d.line for d in found if d.code is Code.DIRECTIVE}
    for use in doc.files:
        if use.line in refused_lines:
            continue  # the directive itself is refused (and reported) already
        if use.construct.startswith(INSERTING) or use.construct.endswith(INSERTING):
            message = (
                f"{use.construct} {use.target!r} would insert a file into the page; not allowed in a proposal"
            )
            found.append(Diagnostic(Code.FILE, message, path, use.line))
        else:
            kind = "download" if use.construct == "download" else "image"
            problem = local_file_problem(use.target, document_file, folder, kind)
            if problem:
                found.append(Diagnostic(Code.FILE, f"{use.construct} {problem}", path, use.line))
    if raw_html != "all":
        reasons = sanitize.html_problems([fragment for _, fragment in doc.html], raw_html)
        for (line, _), reason in zip(doc.html, reasons, strict=True):
            if reason is not None:
                found.append(
                    Diagnostic(Code.RAW_HTML, sanitize.RAW_HTML_MESSAGE.format(reason=reason), path, line)
                )
        for link in doc.links:
            if link.kind == "image" and not link.url.strip():
                continue
            reason = sanitize.unsafe_url(link.url)
            if reason is not None:
                found.append(Diagnostic(Code.URL, f"{reason}; shown as text", path, link.line))
    return found
