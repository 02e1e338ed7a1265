"""Every rule over a file, for ``dep lint`` and the Sphinx build alike.

:func:`analyze` is the one per-file pipeline: read the text (:func:`~.reader.read`), apply
the content policy (:func:`~.policy.check`), parse the header (:mod:`~.parsing`), the
lifecycle and review rules (:mod:`~.rules`), the parts and the sections. ``dep lint``
calls it on each discovered file; the Sphinx layer calls it on the text it is about to
parse and renders what it returns, so both report the same lines. :func:`lint_paths`
adds the rules over all proposals (:func:`~.corpus.check_corpus`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import corpus, links, parsing, parts, policy, reader, rules, sections
from .config import DepConfig
from .diagnostics import CONSEQUENCES, Code, Diagnostic
from .model import Dep
from .project import PROPOSAL_SUFFIXES, Project, discover

__all__ = ["PROPOSAL_SUFFIXES", "Analysis", "LintResult", "analyze", "lint_paths", "lint_text"]


@dataclass
class Analysis:
    """What one file holds and what is wrong with it."""

    dep: Dep | None
    doc: reader.Document
    diagnostics: list[Diagnostic]
    #: What the site does with the file's links to headings and files (:mod:`~.links`).
    link_report: links.LinkReport = field(default_factory=links.LinkReport)


def analyze(
    text: str,
    path: str,
    config: DepConfig,
    *,
    myst: Any = None,
    file: Path | None = None,
    folder: Path | None = None,
    proposal: bool = True,
    site: links.Site | None = None,
) -> Analysis:
    """Every per-file rule over ``text``, the file ``path`` (relative, as warnings name it).

    ``myst`` is the project's MyST settings; ``file`` and ``folder`` (the file on disk and
    the proposals folder) let references to local files be checked, and ``site`` links to
    other files; ``proposal=False`` applies only the content policy and the link check (a
    page in the proposals folder, like its README). The file is read with the project's
    MyST settings plus GitHub-flavoured Markdown (:func:`~.reader.proposal_config`).
    """
    doc = reader.read(text, path, reader.proposal_config(myst), file_settings=False)
    diagnostics = policy.check(
        doc,
        raw_html=config.raw_html,
        allowed_directives=config.allowed_directives,
        allowed_roles=config.allowed_roles,
        document_file=file,
        folder=folder,
    )
    link_report = links.check_links(doc, file, site)
    diagnostics += link_report.diagnostics
    if not proposal:
        return Analysis(None, doc, diagnostics, link_report)
    dep, _, found = parsing.parse_document(doc, config)
    diagnostics += found
    if dep is None:
        for block in doc.blocks:
            if block.parent is None and block.name in reader.PART_DIRECTIVES:
                code = Code.ALTERNATIVE if block.name == "dep-alternative" else Code.PHASE
                message = f"{block.name} outside a proposal: put it below the page's dep-meta"
                diagnostics.append(Diagnostic(code, message, path, block.line))
    else:
        dep.references = [(role.line, role.content) for role in doc.roles if role.name == "dep"]
        # Embargoed as a public build decides it (fails closed): the card, `dep export`
        # and `dep index` then agree with what the build leaves out.
        dep.embargoed = dep.embargoed or parsing.embargo_reason(doc) is not None
        diagnostics += rules.check_dep(dep, config)
        diagnostics += parts.parse_parts(doc, dep, config.id_prefix)
        diagnostics += sections.check_sections(doc, text, dep, config)
    return Analysis(dep, doc, diagnostics, link_report)


def lint_text(
    text: str, path: str, config: DepConfig, *, myst: Any = None
) -> tuple[Dep | None, list[Diagnostic]]:
    """Every per-file rule over one proposal's text (see :func:`analyze`)."""
    analysis = analyze(text, path, config, myst=myst)
    return analysis.dep, analysis.diagnostics


@dataclass
class LintResult:
    deps: list[Dep] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            return path.as_posix()


def lint_paths(paths: Iterable[Path], root: Path, config: DepConfig | Project) -> LintResult:
    """Every rule over the files (and folders) given; corpus rules over all of them.

    With no paths, the project's proposals folder. Folders are searched as the build
    searches them (:func:`~.project.discover`); files named explicitly are read as
    proposals whatever their name.
    """
    project = config if isinstance(config, Project) else Project(root=root, config=config)
    settings = project.config
    result = LintResult()
    site = project.site()
    files: list[tuple[Path, bool]] = []
    for path in list(paths) or [project.folder]:
        if path.is_dir():
            shown = relative(path, root)
            found = discover(
                path,
                shown="" if shown == "." else shown,
                pages=settings.pages,
                excluded=project.exclude_patterns(),
                suffixes=project.suffixes(),
            )
            result.diagnostics += found.diagnostics
            files += [(p, True) for p in found.proposals] + [(p, False) for p in found.pages]
        else:
            files.append((path, True))
    # Each name once (resolving a path asks the file system).
    names = {path: relative(path, root) for path, _ in files}
    files.sort(key=lambda item: names[item[0]])
    for path, is_proposal in files:
        name = names[path]
        result.files.append(name)
        if path.exists() and not path.is_file():
            what = "a folder" if path.is_dir() else "not a regular file (a pipe, socket or device)"
            result.diagnostics.append(Diagnostic(Code.ENCODING, f"cannot read: {what}", name))
            continue
        try:
            data = path.read_bytes()
        except OSError as err:
            result.diagnostics.append(Diagnostic(Code.ENCODING, f"cannot read: {err.strerror}", name))
            continue
        text, problems = parsing.decode(data, name)
        result.diagnostics += problems
        if text is None:
            continue
        analysis = analyze(
            text,
            name,
            settings,
            myst=project.myst,
            file=path,
            folder=project.folder,
            proposal=is_proposal,
            site=site,
        )
        result.diagnostics += analysis.diagnostics
        if analysis.dep is not None:
            result.deps.append(analysis.dep)
    result.diagnostics += corpus.check_corpus(result.deps, settings)
    return result


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, bool, str]:
    """By file and line; on one line, a value's problem before the rules it makes fail."""
    code = diagnostic.code
    return (diagnostic.path or "", diagnostic.line or 0, code in CONSEQUENCES, code.value)
