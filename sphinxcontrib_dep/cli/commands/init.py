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
from dataclasses import dataclass, field
from pathlib import Path

from ... import __version__
from ...core import escape, files
from ...core.config import DepConfig
from ...core.project import PROPOSAL_NAME_RE
from ..context import EXIT_OK, Change, CliError, Context, Refused, apply
from .new import package_template

#: Where CI installs sphinxcontrib-dep from: its repository, at this version's tag (the
#: package index does not have it yet).
SOURCE = "git+https://github.com/sphinx-contrib/sphinxcontrib-dep@v{version}"

INIT_CONF = '''"""Sphinx configuration of the enhancement proposals (sphinxcontrib-dep)."""

project = {project}
html_title = project
extensions = ["sphinxcontrib_dep"]
# furo reads well from a phone's width to a wide screen (and ships with sphinxcontrib-dep).
html_theme = "furo"
{settings}# Not pages of the site: the build's output, the CI's files, the templates that `dep new`
# copies, the repository's README (for readers on GitHub) and other files that are not pages.
exclude_patterns = {excluded}
'''


INIT_INDEX = """# {title}

Decisions are proposed, reviewed and recorded here. Start one with
`dep new "Title"`; check it with `dep lint`.

```{{dep-status-chart}}
```

```{{dep-index}}
:by: number
```

## How they relate

Which proposals replace which, and which pull requests implement them.

```{{dep-graph}}
```

```{{toctree}}
:hidden:
:glob:

{deps}/*
traceability
review
```
"""


INIT_TRACEABILITY = """# Traceability

Each proposal with its pull request, its implementation and what replaced it.

```{dep-traceability}
```
"""


INIT_REVIEW = """# Review report

What is under review and waits on whom, what is approved but not implemented, what is stale.

```{dep-review-report}
```
"""


INIT_DEPS_README = """# About the proposals folder

Each proposal is a file `NNNN-slug.md` here. Create a draft with `dep new "Title"`
(it starts as `0000-slug.md`), give it a number with `dep number`, move it through the
lifecycle with `dep status`, and check everything with `dep lint`.
"""


INIT_GITIGNORE = """# The site sphinx-build writes.
_build/
"""


INIT_WORKFLOW = """# Checks the proposals on every pull request: the rules (dep lint) and the site (sphinx-build -W).
name: deps

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # dep lint --since and dep number look at other refs
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      # From its repository, at the version this scaffold was written by (not yet on the
      # package index); graphviz draws the graph.
      - run: python -m pip install "sphinxcontrib-dep @ {source}"
      - run: sudo apt-get install -y graphviz
      - name: dep lint
        run: dep lint --format github
      - name: status moves follow the lifecycle
        if: github.event_name == 'pull_request'
        run: dep lint --format github --since "origin/${{BASE_REF}}"
        env:
          BASE_REF: ${{{{ github.base_ref }}}}
      - name: sphinx-build -nW
        run: sphinx-build -nW --keep-going -b html . _build/html
"""


INIT_PRE_COMMIT = """# Runs `dep lint` before each commit that touches a proposal (https://pre-commit.com).
repos:
  - repo: https://github.com/sphinx-contrib/sphinxcontrib-dep
    rev: v{version}
    hooks:
      - id: dep-lint
"""

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


def _conf(layout: Layout, *, setting: bool) -> str:
    excluded = [*BASE_EXCLUDED, *layout.not_pages]
    settings = ""
    if setting:
        settings = (
            f"# The proposals folder, found by `dep init`.\ndep_deps_dir = {json.dumps(layout.deps_dir)}\n"
        )
    title = "Enhancement Proposals"
    return INIT_CONF.format(
        project=json.dumps(title),
        settings=settings,
        excluded="[\n" + "".join(f"    {json.dumps(name)},\n" for name in excluded) + "]",
    )


def cmd_init(ctx: Context) -> int:
    args = ctx.args
    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        raise CliError(f"{escape.text(target)}: not a folder")
    default_deps = DepConfig().deps_dir
    root = target.resolve()
    layout = find_layout(root, ctx.config.deps_dir)
    deps = layout.deps_dir
    scaffold = {
        # An adopted repository's proposals folder is named in conf.py (its pyproject.toml,
        # if it has one, is its own); a new one's in [tool.dep], which both dep and Sphinx read.
        "conf.py": _conf(layout, setting=layout.adopting and deps != default_deps),
        "index.md": INIT_INDEX.format(title="Enhancement Proposals", deps=deps),
        "traceability.md": INIT_TRACEABILITY,
        "review.md": INIT_REVIEW,
        f"{deps}/README.md": INIT_DEPS_README,
        "templates/limited.md": package_template("limited"),
        "templates/complete.md": package_template("complete"),
        ".gitignore": INIT_GITIGNORE,
        ".github/workflows/deps.yml": INIT_WORKFLOW.format(source=SOURCE.format(version=__version__)),
        ".pre-commit-config.yaml": INIT_PRE_COMMIT.format(version=__version__),
    }
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
        changes.append(Change(path, name, None, text, f"created {name}"))
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
