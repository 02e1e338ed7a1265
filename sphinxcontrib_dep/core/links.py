"""Links inside the repository, followed as GitHub follows them: to a heading, to another file.

A proposal written for GitHub links its own headings by their GitHub anchor
(``[Part 1](#part-1-add-a-method)``, in any case: ``#Performance-Tests``) and other
proposals by their file (``[DEP 5](0005-migration.md)``, ``../README.md``, or
repository-absolute ``/deps/0005-migration.md``). :func:`check_links` decides, for each
such link of a Markdown file in the proposals folder, what the site does with it:

* it leads where it says (a heading's anchor, a page of the site): kept as written;
* it leads there once read as GitHub reads it (an anchor in another case, a proposal's
  file named under another folder): kept, its target rewritten (:attr:`LinkReport.rewrite`);
* it leads nowhere: one located ``dep.link`` warning saying what to write, and the link
  shown as its text (:attr:`LinkReport.broken`), so the build does not warn a second time.

``dep lint`` and the build call it on the same reading, so they report the same lines.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from . import policy
from .diagnostics import Code, Diagnostic
from .reader import Document

#: Suffixes of the files a link may name as a page (MyST's and docutils' sources).
DOCUMENT_SUFFIXES = (".md", ".rst")


@dataclass(frozen=True)
class Site:
    """Where links lead: the source folder (the root of ``/...`` links), the proposals
    folder, and which files are pages of the site."""

    root: Path
    folder: Path
    is_page: Callable[[Path], bool]


@dataclass
class LinkReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Link targets as written (``href``) -> what the site links instead.
    rewrite: dict[str, str] = field(default_factory=dict)
    #: Link targets that lead nowhere: shown as their text, reported once.
    broken: set[str] = field(default_factory=set)


_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def check_links(doc: Document, file: Path | None, site: Site | None) -> LinkReport:
    """What the site does with each link of ``doc`` (the file ``file``) inside the repository."""
    report = LinkReport()
    if doc.is_rst:
        return report  # reStructuredText links are URLs to docutils; only Markdown ones are followed
    anchors = set(doc.anchors)
    lowered = {anchor.lower(): anchor for anchor in reversed(doc.anchors)}
    seen: set[tuple[str, int]] = set()
    for link in doc.links:
        href = link.url
        if link.kind not in {"link", ""} or not href or _SCHEME_RE.match(href) or href.startswith("//"):
            continue
        if href.startswith("#"):
            anchor = unquote(href[1:])
            if not anchor or anchor in anchors:
                continue
            if anchor.lower() in lowered:
                report.rewrite[href] = "#" + lowered[anchor.lower()]
                continue
            report.broken.add(href)
            if (href, link.line) not in seen:
                seen.add((href, link.line))
                report.diagnostics.append(_anchor_problem(doc, anchor, link.line))
            continue
        if file is None or site is None:
            continue
        written = href.split("#", 1)[0]
        path = unquote(written.split("?", 1)[0])
        if not path:
            continue
        fragment = href[len(written) :]
        target = _resolve(path, file, site)
        if target is not None and target.suffix.lower() not in DOCUMENT_SUFFIXES:
            # A local file of another kind: a download, if the policy lets the build read it.
            problem = policy.local_file_problem(written, file, site.folder, "download")
            if problem is None:
                if written != path:
                    report.rewrite[href] = path + fragment
                continue
            report.broken.add(href)
            if (href, link.line) not in seen:
                seen.add((href, link.line))
                report.diagnostics.append(Diagnostic(Code.FILE, f"link {problem}", doc.path, link.line))
            continue
        if target is not None and site.is_page(target):
            anchor = unquote(fragment[1:])
            if anchor and _same_file(target, file) and anchor not in anchors:
                # A heading of this very file, named with the file ('0001-x.md#part-1').
                if anchor.lower() in lowered:
                    report.rewrite[href] = "#" + lowered[anchor.lower()]
                    continue
                report.broken.add(href)
                if (href, link.line) not in seen:
                    seen.add((href, link.line))
                    report.diagnostics.append(_anchor_problem(doc, anchor, link.line))
                continue
            if written != path:
                # GitHub decodes %-escapes and leaves out the query; MyST would look for a
                # page named as written ('0002-x.md?plain=1', '..%2F0002-x.md').
                report.rewrite[href] = path + fragment
            continue
        named = _page_named(Path(path).name, site)
        if named is not None and target is None:
            report.rewrite[href] = Path(os.path.relpath(named, file.parent)).as_posix() + fragment
            continue
        report.broken.add(href)
        if (href, link.line) not in seen:
            seen.add((href, link.line))
            report.diagnostics.append(_file_problem(doc, href, target, path, site, link.line))
    return report


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError):
        return False


def _resolve(path: str, file: Path, site: Site) -> Path | None:
    """The file ``path`` names, as GitHub resolves it (``/`` at the repository's root)."""
    base = site.root if path.startswith("/") else file.parent
    candidate = Path(os.path.normpath(base / path.lstrip("/")))
    # A folder named as '.', '..' or '/' has no name to add a suffix to.
    options = [candidate]
    if candidate.name:
        options += [candidate.with_name(candidate.name + s) for s in DOCUMENT_SUFFIXES]
    for option in options:
        try:
            if option.is_file():
                return option
        except (OSError, ValueError):
            return None
    return None


def _page_named(name: str, site: Site) -> Path | None:
    """The one page of the proposals folder called ``name`` (a link written from another folder)."""
    if not name:
        return None
    found = []
    for candidate in (name, *(name + s for s in DOCUMENT_SUFFIXES)):
        path = site.folder / candidate
        try:
            if path.is_file() and site.is_page(path):
                found.append(path)
        except (OSError, ValueError):
            continue
    return found[0] if len(found) == 1 else None


def _anchor_problem(doc: Document, anchor: str, line: int) -> Diagnostic:
    close = difflib.get_close_matches(anchor.lower(), [a.lower() for a in doc.anchors], n=1, cutoff=0.6)
    hint = (
        f"; did you mean '#{close[0]}'?"
        if close
        else "; a heading's anchor is its text in lower case, spaces as '-', punctuation dropped"
    )
    return Diagnostic(
        Code.LINK, f"link to '#{anchor}': no heading of this file has that anchor{hint}", doc.path, line
    )


def _file_problem(
    doc: Document, href: str, target: Path | None, path: str, site: Site, line: int
) -> Diagnostic:
    shown = unquote(href)
    bracketed = shown.startswith("[") and shown.endswith("]")
    if shown.startswith("!--"):
        reason = "a placeholder (an HTML comment) where the link's target goes; write its URL"
    elif target is not None:
        reason = "a file the site does not publish; link to it with its full URL (https://...)"
    else:
        reason = "no file of the repository"
        try:
            pages = sorted(p.name for p in site.folder.iterdir() if p.is_file() and site.is_page(p))
        except OSError:
            pages = []
        close = difflib.get_close_matches(Path(path).name, pages, n=1, cutoff=0.6)
        if bracketed:
            reason += "; a reference's target is written without brackets ([name]: ../file.md)"
        elif close:
            reason += f"; did you mean '{close[0]}'?"
    return Diagnostic(Code.LINK, f"link to {shown!r}: {reason}", doc.path, line)
