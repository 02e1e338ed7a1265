"""Source files the build cannot use as they are: undecodable bytes, hostile HTML and links.

Sphinx reads each source with a strict decoder, so one file with stray Latin-1 bytes stops
the whole build with a traceback. These handlers turn such files into located warnings
with the same wording ``dep lint`` uses, and the rest of the build goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core import parsing, policy, sanitize
from ..core.diagnostics import Code, Diagnostic
from ..core.model import is_proposal_name, number_from_filename
from . import config as sphinx_config
from .logging import emit
from .reading import area_folder, current


def skip_undecodable(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Warn about, and leave out of the build, every document that is not valid text.

    ``env-before-read-docs``: the list may be changed in place. A document left out is
    also dropped from the project, so no builder asks for its (never read) doctree.
    """
    encoding = env.settings.get("input_encoding", "utf-8-sig")
    deps_dir = sphinx_config.get(app.config).deps_dir
    for docname in list(docnames):
        path = env.doc2path(docname)
        area = area_folder(docname, deps_dir)
        if area is not None and (
            not docname.isprintable()
            or not _inside(path, Path(env.srcdir) / area)
            or _under_linked_folder(path, Path(env.srcdir) / area)
        ):
            # A link leading out of the proposals folder, or a linked folder inside it
            # (reported as dep.filename by the folder check): not read.
            docnames.remove(docname)
            env.project.docnames.discard(docname)
            continue
        try:
            data = path.read_bytes()
        except OSError as err:
            problems = [Diagnostic(Code.ENCODING, f"cannot read: {err.strerror}", str(path))]
        else:
            if encoding.replace("_", "-").lower() in {"utf-8", "utf-8-sig", "utf8"}:
                problems = parsing.decode(data, str(path))[1]
            else:
                try:
                    data.decode(encoding)
                    problems = []
                except (UnicodeDecodeError, LookupError) as err:
                    problems = [
                        Diagnostic(Code.ENCODING, f"cannot decode as {encoding}: {err}", str(path), 1)
                    ]
        if problems:
            emit(problems, docname)
            docnames.remove(docname)
            env.project.docnames.discard(docname)


def enforce_policy(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: in the proposals folder, what the policy refuses never reaches a page.

    The core has reported every problem (:mod:`.reading`); this acts on the document
    docutils or MyST built, whatever its reading: raw HTML that is not plainly harmless
    and links that could run script become text, images and downloads the policy refuses
    become their text, ``<meta>`` a proposal asks for is judged. It runs once the document
    is complete (every reference resolved to its target, a footnote's and a table's too),
    before Sphinx collects images and downloads to copy (priority 500) and before the
    title reaches the table of contents or the search index. Anything it refuses that the
    core did not report is reported as ``dep.unread``.
    """
    EnforcePolicy(doctree, app.env).enforce()


class EnforcePolicy:
    def __init__(self, document: nodes.document, env: BuildEnvironment) -> None:
        self.document = document
        self.env = env
        self.config = env.config

    def enforce(self) -> None:
        reading = current(self.env)
        if reading is None:
            return
        settings = sphinx_config.get(self.config)
        doc = reading.analysis.doc
        fragments = [fragment for _, fragment in doc.html]
        judged = sanitize.html_problems(fragments, settings.raw_html)
        unsafe_html = {_squash(f) for f, why in zip(fragments, judged, strict=True) if why is not None}
        unsafe_links = {_scheme(link.url) for link in doc.links if sanitize.unsafe_url(link.url)}

        def unread(node: nodes.Element, reason: str) -> None:
            """Note what the core did not report (its reading missed it)."""
            if isinstance(node, nodes.raw):
                if _squash(node.astext()) not in unsafe_html:
                    message = sanitize.RAW_HTML_MESSAGE.format(reason=reason) + " (not seen by dep lint)"
                    reading.note(Code.UNREAD, message, _line_of(node))
            elif isinstance(node, nodes.reference):
                if _scheme(node.get("refuri", "")) not in unsafe_links:
                    reading.note(
                        Code.UNREAD, f"{reason}; shown as text (not seen by dep lint)", _line_of(node)
                    )
            elif not any(link.url == node.get("uri") for link in doc.links):
                reading.note(Code.UNREAD, f"{reason}; shown as text (not seen by dep lint)", _line_of(node))

        refuse_unsafe(self.document, settings.raw_html, unread)
        area = area_folder(self.env.docname, settings.deps_dir)
        folder = Path(self.env.srcdir) / area if area else Path(self.env.srcdir)
        here = Path(self.env.doc2path(self.env.docname))
        # <meta> in the page head: a proposal cannot ask for one (front matter settings and
        # the meta directive are refused); one that arrives all the same is judged.
        for meta in list(self.document.findall(nodes.meta)):
            problem = sanitize.meta_problem(meta.non_default_attributes())
            if problem is not None:
                reading.note(
                    Code.UNREAD, f"{problem}; left out of the page (not seen by dep lint)", _line_of(meta)
                )
                meta.parent.remove(meta)
        reported = {use.target for use in doc.files}
        found: list[nodes.Element] = [
            node
            for node in self.document.findall(nodes.Element)
            if isinstance(node, (nodes.image, addnodes.download_reference))
        ]
        for node in found:
            is_image = isinstance(node, nodes.image)
            target = node.get("uri") if is_image else node.get("reftarget")
            if not target:
                continue
            if is_image and _remote(target):
                continue  # a remote image's URL (or a data: one) is a link: judged above
            problem = policy.local_file_problem(target, here, folder, "image" if is_image else "download")
            if problem is None:
                continue
            if target not in reported:
                reading.note(Code.UNREAD, f"{problem} (not seen by dep lint)", _line_of(node))
            text = node.get("alt", "") if isinstance(node, nodes.image) else node.astext()
            node.replace_self(nodes.inline(text, text, classes=["dep-refused"]))


def _remote(target: str) -> bool:
    return "://" in target or bool(_scheme(target))


def refuse_unsafe(
    tree: nodes.Element, mode: str, refused: Callable[[nodes.Element, str], None] | None = None
) -> None:
    """In ``tree``, what the link and HTML policy refuses becomes text, under ``dep_raw_html = mode``.

    Raw HTML :func:`~sphinxcontrib_dep.core.sanitize.raw_html_problem` refuses is shown as
    code, a link :func:`~sphinxcontrib_dep.core.sanitize.unsafe_url` refuses as its text,
    a remote image it refuses as its alternative text. ``refused`` hears of each (the node,
    why) before it is replaced. Proposals' pages and the comments mirrored on them (see
    :mod:`.discussion`) are judged by this one function.
    """
    if mode == "all":
        return
    found: list[tuple[nodes.Element, str]] = []
    raws = [raw for raw in tree.findall(nodes.raw) if "html" in raw.get("format", "").lower().split()]
    for raw, reason in zip(raws, sanitize.html_problems([raw.astext() for raw in raws], mode), strict=True):
        if reason is not None:
            found.append((raw, reason))
    for reference in tree.findall(nodes.reference):
        uri = reference.get("refuri")
        if uri and (reason := sanitize.unsafe_url(uri)) is not None:
            found.append((reference, reason))
    for image in tree.findall(nodes.image):
        uri = image.get("uri", "")
        if uri and _remote(uri) and (reason := sanitize.unsafe_url(uri)) is not None:
            found.append((image, reason))
    for node, reason in found:
        if refused is not None:
            refused(node, reason)
        if isinstance(node, nodes.raw):
            text = node.astext()
            inline = isinstance(node.parent, nodes.TextElement)
            # As plain text: a highlighter would split the markup into tokens no reader could copy.
            shown: nodes.Element = (
                nodes.literal(text, text) if inline else nodes.literal_block(text, text, language="text")
            )
        elif isinstance(node, nodes.reference):
            shown = nodes.inline(node.rawsource, "", *node.children)
        else:
            alt = node.get("alt", "")
            shown = nodes.inline(alt, alt, classes=["dep-refused"])
        node.replace_self(shown)


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
    except ValueError:
        return False
    return True


def _under_linked_folder(path: Path, area: Path) -> bool:
    """Whether a folder between the proposals folder and ``path`` is a symbolic link."""
    try:
        parts = path.relative_to(area).parts[:-1]
    except ValueError:
        return False
    current = area
    for part in parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def _squash(text: str) -> str:
    return "".join(text.split())


def _scheme(url: str) -> str:
    cleaned = "".join(ch for ch in url if ch not in "\t\n\r").strip("\x00 ")
    head = cleaned.split(":", 1)[0].lower() if ":" in cleaned else ""
    return head if head.isascii() else "?"


def _line_of(node: nodes.Node) -> int | None:
    while node is not None:
        if node.line:
            return int(node.line)
        node = node.parent
    return None


def reread_number_twins(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: proposals sharing a number with one that came, changed or went.

    Which of them holds the number (and its needs) depends on the others, so they are read
    again; an incremental build then gives what a fresh one does.
    """
    deps_dir = sphinx_config.get(app.config).deps_dir

    def is_proposal(docname: str, deps_dir: str) -> bool:
        return area_folder(docname, deps_dir) is not None and is_proposal_name(docname)

    touched = {number_from_filename(d) for d in (*added, *changed, *removed) if is_proposal(d, deps_dir)}
    touched.discard(None)
    if not touched:
        return []
    return sorted(
        name
        for name in env.found_docs
        if name not in added
        and name not in changed
        and is_proposal(name, deps_dir)
        and number_from_filename(name) in touched
    )
