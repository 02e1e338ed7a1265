"""The discussion on GitHub, mirrored one way onto each proposal's page (a "Discussion" section).

At ``doctree-read`` (after the proposals' policy has acted on the page, before Sphinx
collects its images and table of contents), a proposal whose cache file exists
(:mod:`sphinxcontrib_dep.core.discussion`) gets a section after its content: a note that
it is a read-only mirror and when it was fetched, with links to reply on the tracking
issue and the pull request; the tracking issue's opening post and comments; the pull
request's review comments, one thread per first comment with the file and line it is about
(the last lines of its diff hunk), its replies below. Every comment shows its author, date
and a link to reply on GitHub.

Comment bodies are GitHub-flavoured Markdown written by anyone who can comment, rendered by
the proposals' own renderer (:class:`~.gfm.ProposalRenderer`) under a stricter policy:
MyST's GitHub-only syntax (no directive, no role, no target, no substitution: a
```` ```{include} ```` fence is code, as on GitHub), no heading that would enter the
page's outline (each is a rubric), no footnote, every relative link and image made
absolute against the comment's address on GitHub (nothing on the build machine is read),
and then :func:`.sources.refuse_unsafe`, the function that judges proposals: raw HTML
through the html5lib judge, links and images through the URL policy (``dep_raw_html =
"all"`` trusts proposal authors, not commenters: comments are judged as under ``safe``).
What is refused is shown as text and is no warning: anyone can comment, and a warning
would let anyone fail a ``-W`` build. A cache that cannot be read is a warning
(``dep.discussion``), located at the file.

A page is read again when its cache file is written, changed or removed
(``env-get-outdated``, by the file's digest); what each page saw is kept in the
environment and merged from parallel readers (``-j``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core import discussion as core
from ..core.diagnostics import Diagnostic
from ..core.sanitize import url_scheme
from . import config as sphinx_config
from . import gfm, sources
from .reading import area_folder, current

#: The environment's attribute holding, per page, its cache file and the digest it was read with.
_SEEN = "dep_discussion_seen"


def cache_folder(app: Sphinx | Any) -> Path:
    """``dep_discussion_cache`` under the folder of conf.py (as ``dep_sources_cache``)."""
    return Path(app.confdir) / sphinx_config.get(app.config).discussion_cache


def _seen(env: BuildEnvironment) -> dict[str, tuple[str, str]]:
    found = getattr(env, _SEEN, None)
    if not isinstance(found, dict):
        found = {}
        setattr(env, _SEEN, found)
    return found


# --------------------------------------------------------------------------------------
# Comment bodies: GitHub's Markdown under the proposals' policy
# --------------------------------------------------------------------------------------


def _absolute(url: str, base: str) -> str:
    """``url`` as GitHub's page ``base`` would follow it (a relative link leads there, not here)."""
    if not url or url_scheme(url) is not None:
        return url
    return urljoin(base, url) if base else url


class CommentRenderer(gfm.ProposalRenderer):
    """The proposals' renderer, for a comment: rubrics for headings, links absolute on GitHub."""

    #: The comment's address on GitHub: what relative links and images are resolved against.
    base: str = ""

    def render_heading(self, token: Any) -> None:
        rubric = nodes.rubric(token.content, "", classes=["dep-comment-heading"])
        self.add_line_and_source_path(rubric, token)
        with self.current_node_context(rubric, append=True):
            self.render_children(token)

    def render_link_url(self, token: Any, conversion: Any = None) -> None:
        token.attrs["href"] = _absolute(str(token.attrGet("href") or ""), self.base)
        super().render_link_url(token, conversion)

    def render_image(self, token: Any) -> None:
        token.attrs["src"] = _absolute(str(token.attrGet("src") or ""), self.base)
        super().render_image(token)

    def render_fence(self, token: Any) -> None:
        parts = (token.info or "").strip().split(maxsplit=1)
        if parts and parts[0].lower() == "mermaid":
            token.info = "text"  # the page may load no diagram script for a comment
        super().render_fence(token)

    def _render_finalise(self) -> None:
        """Nothing of a comment reaches the page's metadata (word count, heading slugs)."""


def _parser() -> Any:
    """MyST's GitHub-only Markdown (no directives, roles or targets), without footnotes."""
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    md = create_md_parser(MdParserConfig(gfm_only=True), CommentRenderer)
    # A footnote's label would be a name of the page, shared by every comment's "[^1]".
    md.disable(["footnote_def", "footnote_ref", "footnote_inline", "footnote_tail"], True)
    return md


#: A comment with more ``[`` than this is shown as plain text, not read as Markdown.
MAX_BRACKETS = 2_000
#: Characters of comments one page renders as Markdown; later bodies are shown as plain text.
PAGE_MARKDOWN_BUDGET = 500_000


class Bodies:
    """Comment bodies rendered into one page, judged as a proposal's page is.

    A parser and its renderer are made and set up once per page (MyST's set-up builds a
    throwaway docutils document, about 10 ms), then each body's tokens are rendered into a
    box of its own. Nothing is kept in the module: pages are read in several processes.
    """

    def __init__(self, document: nodes.document, mode: str) -> None:
        self.document = document
        self.mode = "none" if mode == "none" else "safe"
        self.md = _parser()
        self.renderer = self.md.renderer
        self.renderer.link_report = None
        self.renderer.setup_render({**self.md.options, "document": document}, {})
        #: Characters of comments still rendered as Markdown on this page.
        self.budget = PAGE_MARKDOWN_BUDGET

    def render(self, text: str, base: str) -> nodes.container:
        box = nodes.container(classes=["dep-comment-body"])
        if not text.strip():
            return box
        self.budget -= len(text)
        if text.count("[") > MAX_BRACKETS or self.budget < 0:
            # markdown-it takes quadratic time on unclosed brackets ("![" 32,768 times: 8 s),
            # and anyone can comment: such a body, or one past the page's budget, is shown as
            # the text it is, which costs nothing to render (red team M2).
            box += nodes.literal_block(text, text, language="text")
            return box
        renderer = self.renderer
        renderer.base = base
        renderer.current_node = box
        renderer.md_env = {}
        renderer._render_tokens(self.md.parse(text, renderer.md_env))
        for node in box.findall(nodes.Element):
            node.line = None  # a comment's lines are not the page's
        for image in list(box.findall(nodes.image)):
            # Every image is absolute by now; one that is not would be a file of the build machine.
            if "://" not in image.get("uri", ""):
                alt = image.get("alt", "")
                image.replace_self(nodes.inline(alt, alt, classes=["dep-refused"]))
        sources.refuse_unsafe(box, self.mode)
        for image in box.findall(nodes.image):
            image["candidates"] = {"?": image["uri"]}
        return box


# --------------------------------------------------------------------------------------
# The section
# --------------------------------------------------------------------------------------


def _when(comment: core.Comment) -> str:
    return comment.created.strftime("%Y-%m-%d %H:%M UTC")


def _link(text: str, url: str | None, classes: list[str] | None = None) -> nodes.Node:
    if url is None:
        return nodes.inline(text, text, classes=classes or [])
    return nodes.reference(text, text, refuri=url, classes=classes or [])


def _comment(comment: core.Comment, bodies: Bodies, kind: str) -> nodes.container:
    box = nodes.container(classes=["dep-comment", f"dep-comment-{kind}"])
    header = nodes.paragraph(classes=["dep-comment-header"])
    header += nodes.strong("", "", _link(f"@{comment.author}", comment.author_url, ["dep-comment-author"]))
    if comment.association and comment.association != "NONE":
        label = comment.association.replace("_", " ").lower()
        header += nodes.Text(" ")
        header += nodes.inline(label, label, classes=["dep-comment-association"])
    header += nodes.Text(" · ")
    when = _when(comment) + (" (edited)" if comment.edited else "")
    header += nodes.inline(when, when, classes=["dep-comment-date"])
    if comment.url:
        header += nodes.Text(" · ")
        header += _link("Reply on GitHub", comment.url, ["dep-reply-link"])
    box += header
    box += bodies.render(comment.body, comment.url or "")
    if comment.cut:
        note = f"({comment.cut} more characters on GitHub)"
        box += nodes.paragraph(note, note, classes=["dep-comment-cut"])
    return box


def _thread(thread: core.Thread, bodies: Bodies) -> nodes.container:
    box = nodes.container(classes=["dep-thread"])
    where = thread.first.where
    box += nodes.paragraph(where, where, classes=["dep-thread-where"])
    if thread.first.hunk:
        text = "\n".join(thread.first.hunk)
        box += nodes.literal_block(text, text, language="diff", classes=["dep-thread-hunk"])
    box += _comment(thread.first, bodies, "review")
    for reply in thread.replies:
        box += _comment(reply, bodies, "reply")
    return box


def _section(title: str, document: nodes.document, wanted: str, classes: list[str]) -> nodes.section:
    section = nodes.section(classes=classes)
    ident, n = wanted, 0
    while ident in document.ids:
        n += 1
        ident = f"{wanted}-{n}"
    section["ids"].append(ident)
    document.ids[ident] = section
    section += nodes.title(title, title)
    return section


def section(
    found: core.Discussion,
    issue: core.GitHubItem | None,
    pull: core.GitHubItem | None,
    document: nodes.document,
    mode: str,
) -> nodes.section:
    """The "Discussion" section of one proposal's page."""
    bodies = Bodies(document, mode)
    top = _section("Discussion", document, "discussion", ["dep-discussion"])
    note = nodes.paragraph(classes=["dep-discussion-note"])
    fetched = f", as fetched on {found.fetched_at.strftime('%Y-%m-%d %H:%M UTC')}" if found.fetched_at else ""
    note += nodes.Text(f"A read-only mirror of the discussion on GitHub{fetched}. Reply on GitHub: ")
    places = [(f"tracking issue {issue.label}", issue.url) if issue else None]
    places.append((f"pull request {pull.label}", pull.url) if pull else None)
    links = [place for place in places if place is not None]
    for index, (text, url) in enumerate(links):
        if index:
            note += nodes.Text(", ")
        note += _link(text, url)
    if not links:
        note += nodes.Text("the proposal names no tracking issue or pull request there")
    note += nodes.Text(".")
    left = []
    if found.bots:
        left.append(f"{found.bots} comment{'s' if found.bots != 1 else ''} by bots not shown")
    if found.more:
        left.append(f"{found.more} more comment{'s' if found.more != 1 else ''} on GitHub")
    if left:
        note += nodes.Text(" (" + "; ".join(left) + ")")
    top += note
    if found.issue is not None or found.comments:
        label = issue.label if issue else "the tracking issue"
        title = f"Tracking issue {label}"
        if found.issue is not None:
            state = f" ({found.issue.state})" if found.issue.state else ""
            title = f"Tracking issue {label}: {found.issue.title}{state}"
        part = _section(title, document, "discussion-tracking-issue", ["dep-discussion-issue"])
        if found.issue is not None and found.issue.opening is not None:
            part += _comment(found.issue.opening, bodies, "opening")
        for comment in found.comments:
            part += _comment(comment, bodies, "issue")
        top += part
    if found.threads:
        label = pull.label if pull else "the pull request"
        part = _section(
            f"Review comments on {label}", document, "discussion-review", ["dep-discussion-review"]
        )
        for thread in found.threads:
            part += _thread(thread, bodies)
        top += part
    return top


# --------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------


def add_section(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: a proposal with a cache file gets its Discussion section."""
    env = app.env
    reading = current(env)
    if reading is None or not reading.proposal or reading.analysis.dep is None:
        return
    settings = sphinx_config.get(app.config)
    folder = area_folder(env.docname, settings.deps_dir)
    relative = reading.path[len(folder) + 1 :] if folder else reading.path
    name = core.cache_name(relative)
    if name is None:
        return
    path = cache_folder(app) / name
    _seen(env)[env.docname] = (str(path), core.fingerprint(path))
    found, problems = core.read(path, str(path), settings.discussion_hosts)
    # Kept with the page's other problems, emitted on every build (reading.store_diagnostics).
    reading.build_only.extend(Diagnostic(p.code, p.message, p.path, p.line or 1) for p in problems)
    if found is None or found.empty:
        return
    dep = reading.analysis.dep
    issue = core.tracking_issue(dep, settings.discussion_hosts)
    pull = core.pull_request(dep, settings.discussion_hosts)
    part = section(found, issue, pull, doctree, settings.raw_html)
    top = next((child for child in doctree.children if isinstance(child, nodes.section)), None)
    (top if top is not None else doctree).append(part)


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _seen(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    """``env-merge-info``: what the parallel readers' pages saw joins the main environment."""
    theirs = _seen(other)
    mine = _seen(env)
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]


def outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: the proposals whose cache file was written, changed or removed."""
    found = []
    for docname, (path, digest) in sorted(_seen(env).items()):
        if docname in added or docname in changed or docname not in env.found_docs:
            continue
        if core.fingerprint(Path(path)) != digest:
            found.append(docname)
    return found


def register(app: Sphinx) -> None:
    # Priority 150: after the proposals' policy acted on the page (100), before Sphinx
    # collects images and the table of contents (500) and the page's problems are kept (900).
    app.connect("doctree-read", add_section, priority=150)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", outdated)
