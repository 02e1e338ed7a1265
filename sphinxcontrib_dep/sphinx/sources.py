"""Source files the build cannot use as they are: undecodable bytes, no header, hostile HTML.

Sphinx reads each source with a strict decoder, so one file with stray Latin-1 bytes stops
the whole build with a traceback. These handlers turn such files into located warnings
with the same wording ``dep lint`` uses, and the rest of the build goes on.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform

from .. import parsing, sanitize
from ..diagnostics import Code, Diagnostic
from ..model import number_from_filename
from . import config as sphinx_config
from .domain import get_domain
from .logging import emit

_PROPOSAL_NAME_RE = re.compile(r"^\d{4,}-")


def skip_undecodable(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Warn about, and leave out of the build, every document that is not valid text.

    ``env-before-read-docs``: the list may be changed in place. A document left out is
    also dropped from the project, so no builder asks for its (never read) doctree.
    """
    encoding = env.settings.get("input_encoding", "utf-8-sig")
    for docname in list(docnames):
        path = env.doc2path(docname)
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


def is_proposal(docname: str, deps_dir: str) -> bool:
    """A document ``dep lint`` treats as a proposal: ``<deps_dir>/NNNN-*``."""
    folder, _, name = docname.rpartition("/")
    # The project root may not be the Sphinx source folder (docs/deps linking ../deps),
    # so the folder's own name is what is compared.
    last = deps_dir.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return folder.rsplit("/", 1)[-1] == last and _PROPOSAL_NAME_RE.match(name) is not None


def check_has_meta(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: a proposal file whose text holds no ``dep-meta`` gets the lint warning."""
    env = app.env
    settings = sphinx_config.get(app.config)
    docname = env.docname
    if not is_proposal(docname, settings.deps_dir) or docname in get_domain(env).deps:
        return
    path = str(env.doc2path(docname, False)).replace("\\", "/")
    emit([Diagnostic(Code.MISSING_META, parsing.MISSING_META_MESSAGE, path, 1)], docname)


def raw_html_problem(fragment: str, mode: str) -> str | None:
    """Why a proposal's raw HTML is shown as text under ``dep_raw_html = mode`` (``None``: kept)."""
    return sanitize.raw_html_problem(fragment, mode)


#: Link schemes that run script or read local files; markdown-it refuses the same, so a
#: reStructuredText proposal gets what a MyST one does.
_SCRIPT_SCHEMES = re.compile(
    r"^\s*(?:javascript|vbscript|file|data(?!:image/(?:gif|png|jpeg|webp);))\s*:", re.I
)


class NeutralizeRawHtml(SphinxTransform):
    """In proposals, raw HTML that is not plainly harmless, and script links, become text.

    A transform, so it runs while the document is parsed: before the title reaches the
    table of contents, the search index or any other page.
    """

    default_priority = 200

    def apply(self, **kwargs: object) -> None:
        settings = sphinx_config.get(self.config)
        docname = self.env.docname
        if settings.raw_html == "all" or not is_proposal(docname, settings.deps_dir):
            return
        path = str(self.env.doc2path(docname, False)).replace("\\", "/")
        for raw in list(self.document.findall(nodes.raw)):
            if "html" not in raw.get("format", "").split():
                continue
            text = raw.astext()
            reason = raw_html_problem(text, settings.raw_html)
            if reason is None:
                continue
            line = raw.line or _line_of(raw)
            emit(
                [Diagnostic(Code.RAW_HTML, sanitize.RAW_HTML_MESSAGE.format(reason=reason), path, line)],
                docname,
            )
            inline = isinstance(raw.parent, nodes.TextElement)
            # As plain text: a highlighter would split the markup into tokens no reader could copy.
            shown = nodes.literal(text, text) if inline else nodes.literal_block(text, text, language="text")
            raw.replace_self(shown)
        for reference in list(self.document.findall(nodes.reference)):
            uri = _URL_NOISE_RE.sub("", reference.get("refuri", ""))
            if _SCRIPT_SCHEMES.match(uri):
                line = _line_of(reference)
                emit(
                    [Diagnostic(Code.URL, f"link {uri[:40]!r} could run script; shown as text", path, line)],
                    docname,
                )
                reference.replace_self(nodes.inline(reference.rawsource, "", *reference.children))


_URL_NOISE_RE = re.compile(r"[\t\n\r\x00-\x1f]")


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
