"""``dep init``: a proposals project, or what an existing repository of proposals lacks.

In an empty folder it writes the whole scaffold. In a folder that already holds files (a
repository of proposals read on GitHub today) it adopts them: it finds the proposals
folder (``deps/``, or the one folder whose files are named ``NNNN-slug.md``), keeps every
file that exists (never overwriting one), and writes only what is missing, with a
``conf.py`` that leaves out what is not a page of the site (templates and other Markdown
at the root, such as ``NNNN-limited-template.md`` and ``CONTRIBUTING.md``). ``--dry-run``
shows the diff of what would be written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ... import __version__
from ...core import escape, files, git
from ...core.config import DepConfig
from ...core.model import PROPOSAL_NAME_RE
from ..context import EXIT_OK, Change, CliError, Context, Refused, apply
from .new import package_template

#: The scaffold's files (package data), each with the path it is written to.
SCAFFOLD = {
    "conf.py": "conf.py.in",
    "index.md": "index.md.in",
    "traceability.md": "traceability.md.in",
    "review.md": "review.md.in",
    "@deps_dir@/README.md": "deps-README.md.in",
    # The templates `dep new` copies: the package's own (``dep new --template``).
    "templates/limited.md": "template:limited",
    "templates/complete.md": "template:complete",
    ".gitignore": "gitignore.in",
    ".github/workflows/deps.yml": "deps.yml.in",
    ".pre-commit-config.yaml": "pre-commit-config.yaml.in",
}


def scaffold_text(name: str) -> str:
    """A scaffold file shipped with the package (``sphinxcontrib_dep/cli/scaffold/<name>``), or
    ``template:NAME``, a proposal template."""
    if name.startswith("template:"):
        return package_template(name.removeprefix("template:"))
    resource = resources.files("sphinxcontrib_dep").joinpath("cli", "scaffold", name)
    try:
        return resource.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        raise CliError(f"{name} is missing from this installation of sphinxcontrib-dep") from None


def install_requirement(version: str, direct_url: dict[str, Any] | None) -> tuple[str, str]:
    """The pip requirement that installs this sphinxcontrib-dep elsewhere (CI, pre-commit), and a note.

    ``direct_url`` is the installation's PEP 610 record (``None``: installed from an index,
    so the release is pinned). From a git URL: that commit. From a folder that is a git
    checkout with a remote: the remote at the checkout's commit. From a folder without one
    (or a file): its ``file:`` URL, which works on this machine only, and the note says so.
    """
    if direct_url is None:
        return f"sphinxcontrib-dep=={version}", "A release from the package index."
    url = str(direct_url.get("url", ""))
    vcs = direct_url.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return (
            f"sphinxcontrib-dep @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}",
            "The commit it was installed from.",
        )
    if url.startswith("file://") and "dir_info" in direct_url:
        source = git.checkout_source(Path(unquote(urlsplit(url).path)))
        if source is not None and "://" in source[0]:
            remote, commit = source
            return (
                f"sphinxcontrib-dep @ git+{remote}@{commit}",
                "The commit of the checkout it was installed from (commit and push any local change).",
            )
    return (
        f"sphinxcontrib-dep @ {url}",
        "A path on the machine that ran dep init: CI cannot reach it; replace it with a URL it can "
        "(git+https://...@COMMIT) or, once released, sphinxcontrib-dep==VERSION.",
    )


def installed_requirement() -> tuple[str, str]:
    """:func:`install_requirement` for the sphinxcontrib-dep running now."""
    try:
        dist = metadata.distribution("sphinxcontrib-dep")
    except metadata.PackageNotFoundError:  # run from a source tree on sys.path
        return install_requirement(
            __version__, {"url": Path(__file__).resolve().parents[3].as_uri(), "dir_info": {}}
        )
    record = dist.read_text("direct_url.json")
    return install_requirement(dist.version, json.loads(record) if record else None)


def requirements_text(requirement: str, note: str) -> str:
    return (
        "# What the checks and the site need: the CI workflow installs this file, and the\n"
        "# pre-commit hook (.pre-commit-config.yaml) names the same requirement.\n"
        f"# {note}\n{requirement}\n"
    )


#: Always left out of the site.
BASE_EXCLUDED = ("_build", "templates", ".github", "README.md")


@dataclass
class Layout:
    """What ``dep init`` found in the folder."""

    deps_dir: str
    proposals: list[str] = field(default_factory=list)
    #: Markdown and reStructuredText files at the root that are not pages (templates, ...).
    not_pages: list[str] = field(default_factory=list)
    #: Folders of images (or other files) beside the proposals.
    image_folders: list[str] = field(default_factory=list)
    adopting: bool = False
    #: Folders of proposal-named files whose names cannot be written into the scaffold.
    skipped: list[str] = field(default_factory=list)


#: A proposals folder ``dep init`` writes into conf.py, index.md's toctree and the pre-commit
#: hook's pattern: a plain relative path (letters, digits, ``_``, ``-``, ``.``; ``/`` between
#: parts). Anything else (a line break, a backtick, a quote, a glob character, a name that
#: starts with ``-`` and reads as an option) would be written into those trusted files as
#: markup, code or a pattern.
PLAIN_FOLDER_RE = re.compile(r"^(?!-)[\w.-]+(?:/(?!-)[\w.-]+)*$", re.ASCII)


def plain_folder(name: str) -> bool:
    """Whether ``name`` may be written into the scaffold as the proposals folder."""
    parts = name.split("/")
    return PLAIN_FOLDER_RE.match(name) is not None and not any(p in {".", ".."} for p in parts)


def find_layout(root: Path, configured: str) -> Layout:
    """The proposals folder, and the files at the root that are not pages."""
    layout = Layout(configured)
    if not root.is_dir():
        return layout
    entries = sorted(root.iterdir())
    layout.adopting = any(not p.name.startswith(".") or p.name == ".github" for p in entries)
    if not (root / configured).is_dir():
        # The one top-level folder whose files are named like proposals.
        counts = {
            folder.name: sum(1 for p in folder.iterdir() if p.is_file() and _proposal_name(p.name))
            for folder in entries
            if folder.is_dir() and not folder.name.startswith((".", "_"))
        }
        layout.skipped = sorted(name for name, count in counts.items() if count and not plain_folder(name))
        counts = {name: count for name, count in counts.items() if plain_folder(name)}
        best = [name for name, count in counts.items() if count and count == max(counts.values())]
        if len(best) == 1:
            layout.deps_dir = best[0]
    folder = root / layout.deps_dir
    if folder.is_dir():
        layout.proposals = sorted(p.name for p in folder.iterdir() if p.is_file() and _proposal_name(p.name))
        layout.image_folders = sorted(
            p.name
            for p in folder.iterdir()
            if p.is_dir()
            and any(c.is_file() and not c.name.startswith(".") for c in p.iterdir())
            and not any(c.suffix in {".md", ".rst"} for c in p.iterdir())
        )
    layout.not_pages = sorted(
        p.name
        for p in entries
        if p.is_file()
        and p.suffix.lower() in {".md", ".rst"}
        and p.name not in {"index.md", "index.rst", "README.md"}
    )
    return layout


def _proposal_name(name: str) -> bool:
    return PROPOSAL_NAME_RE.match(name) is not None and name.endswith((".md", ".rst"))


def _settings(layout: Layout, *, setting: bool) -> str:
    if not setting:
        return ""
    return f"# The proposals folder, found by `dep init`.\ndep_deps_dir = {json.dumps(layout.deps_dir)}\n"


def _excluded(layout: Layout) -> str:
    excluded = [*BASE_EXCLUDED, *layout.not_pages]
    return "[\n" + "".join(f"    {json.dumps(name)},\n" for name in excluded) + "]"


def cmd_init(ctx: Context) -> int:
    args = ctx.args
    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        raise CliError(f"{escape.text(target)}: not a folder")
    default_deps = DepConfig().deps_dir
    root = target.resolve()
    if not plain_folder(ctx.config.deps_dir):
        raise Refused(
            f"the proposals folder {escape.text(repr(ctx.config.deps_dir))} is not a plain relative path "
            "(letters, digits, '_', '-', '.'); dep init writes it into conf.py, index.md and the "
            "pre-commit hook, so it writes nothing"
        )
    layout = find_layout(root, ctx.config.deps_dir)
    deps = layout.deps_dir
    requirement, note = installed_requirement()
    values = {
        "@deps_dir@": deps,
        "@requirement@": requirement.replace('"', "%22"),
        # An adopted repository's proposals folder is named in conf.py (its pyproject.toml,
        # if it has one, is its own); a new one's in [tool.dep], which both dep and Sphinx read.
        "@settings@": _settings(layout, setting=layout.adopting and deps != default_deps),
        "@excluded@": _excluded(layout),
    }
    scaffold = {}
    for name, source in SCAFFOLD.items():
        text = scaffold_text(source)
        for key, value in values.items():
            if key == "@deps_dir@" and source.startswith("pre-commit"):
                value = re.escape(deps)  # a regular expression there
            text = text.replace(key, value)
        scaffold[name.replace("@deps_dir@", deps)] = text
    scaffold["requirements.txt"] = requirements_text(requirement, note)
    if deps != default_deps and not layout.adopting:
        # In [tool.dep], which sphinx-build and the dep command both read.
        scaffold["pyproject.toml"] = f"[tool.dep]\ndeps-dir = {json.dumps(deps)}\n"
    changes = []
    kept = []
    for name, text in scaffold.items():
        try:
            path = files.inside(root, root / name)
        except files.UnsafePath as err:
            raise Refused(str(err)) from None
        if path.exists() or path.is_symlink():
            kept.append(name)
            continue
        changes.append(Change(path, name, None, text, f"created {escape.text(name)}"))
    if kept and not layout.adopting:
        raise Refused(f"{target}: already has {', '.join(kept)}; nothing written (dep init never overwrites)")
    console = ctx.console
    if layout.adopting:
        _describe(ctx, layout, kept)
    apply(ctx, changes, exclusive=True)
    if ctx.dry_run:
        return EXIT_OK
    here = target.resolve() == Path.cwd().resolve()
    go = "" if here else f"cd {escape.text(target)} && "
    if layout.proposals:
        console.note(
            f"next: {go}dep migrate --in-place {escape.text(deps)}, then "
            "sphinx-build -nW --keep-going . _build/html"
        )
    else:
        console.note(f'next: {go}dep new "Your first proposal"')
    return EXIT_OK


def _describe(ctx: Context, layout: Layout, kept: list[str]) -> None:
    """What adoption found and keeps, before the files it writes."""
    console = ctx.console
    deps = escape.text(layout.deps_dir)
    if layout.proposals:
        console.note(f"found {len(layout.proposals)} proposals in {deps}/")
    else:
        console.note(f"no proposals found; {deps}/ will hold them")
    for name in layout.skipped:
        console.note(
            f"not taken as the proposals folder: {escape.text(name)} (its name is not a plain folder name; "
            "rename it, then run dep init again)"
        )
    if layout.image_folders:
        shown = ", ".join(f"{deps}/{escape.text(name)}/" for name in layout.image_folders)
        console.note(f"kept beside them, for their images: {shown}")
    if layout.not_pages:
        shown = ", ".join(escape.text(name) for name in layout.not_pages)
        console.note(f"left out of the site (not pages): {shown}")
    for name in kept:
        console.note(f"kept {escape.text(name)} (it exists; dep init never overwrites)")
    if "conf.py" in kept:
        conf = (Path(ctx.args.dir) / "conf.py").read_text(encoding="utf-8", errors="replace")
        if "sphinxcontrib_dep" not in conf:
            console.note('conf.py does not load sphinxcontrib-dep: add "sphinxcontrib_dep" to its extensions')
