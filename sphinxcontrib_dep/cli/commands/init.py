"""``dep init``: a proposals project, or what an existing one lacks."""

from __future__ import annotations

import json
from pathlib import Path

from ... import __version__
from ...core import escape, files
from ...core.config import DepConfig
from ..context import EXIT_OK, Change, CliError, Context, Refused, apply
from .new import package_template

INIT_CONF = '''"""Sphinx configuration of the enhancement proposals (sphinxcontrib-dep)."""

project = "Enhancement Proposals"
extensions = ["sphinxcontrib_dep"]
# The templates are copied by `dep new`, not pages of the site.
exclude_patterns = ["_build", "templates", ".github", "README.md"]
'''


INIT_INDEX = """# Enhancement Proposals

Decisions are proposed, reviewed and recorded here. Start one with
`dep new "Title"`; check it with `dep lint`.

```{toctree}
:maxdepth: 1
:glob:

deps/*
```

## Index

```{dep-index}
```

## Traceability

```{dep-traceability}
```

## Review report

```{dep-review-report}
```
"""


INIT_DEPS_README = """# About the proposals folder

Each proposal is a file `NNNN-slug.md` here. Create a draft with `dep new "Title"`
(it starts as `0000-slug.md`), give it a number with `dep number`, move it through the
lifecycle with `dep status`, and check everything with `dep lint`.
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
      - run: python -m pip install sphinxcontrib-dep
      - name: dep lint
        run: dep lint --format github
      - name: status moves follow the lifecycle
        if: github.event_name == 'pull_request'
        run: dep lint --format github --since "origin/${BASE_REF}"
        env:
          BASE_REF: ${{ github.base_ref }}
      - name: sphinx-build -W
        run: sphinx-build -W --keep-going -b html . _build/html
"""


INIT_PRE_COMMIT = """# Runs `dep lint` before each commit that touches a proposal (https://pre-commit.com).
repos:
  - repo: https://github.com/sphinx-contrib/sphinxcontrib-dep
    rev: v{version}
    hooks:
      - id: dep-lint
"""


def cmd_init(ctx: Context) -> int:
    args = ctx.args
    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        raise CliError(f"{escape.text(target)}: not a folder")
    deps = ctx.config.deps_dir
    scaffold = {
        "conf.py": INIT_CONF,
        "index.md": INIT_INDEX.replace("deps/*", f"{deps}/*"),
        f"{deps}/README.md": INIT_DEPS_README,
        "templates/limited.md": package_template("limited"),
        "templates/complete.md": package_template("complete"),
        ".github/workflows/deps.yml": INIT_WORKFLOW,
        ".pre-commit-config.yaml": INIT_PRE_COMMIT.format(version=__version__),
    }
    if deps != DepConfig().deps_dir:
        # In [tool.dep], which sphinx-build and the dep command both read.
        scaffold["pyproject.toml"] = f"[tool.dep]\ndeps-dir = {json.dumps(deps)}\n"
    root = target.resolve()
    changes = []
    in_the_way = []
    for name, text in scaffold.items():
        try:
            path = files.inside(root, root / name)
        except files.UnsafePath as err:
            raise Refused(str(err)) from None
        if path.exists() or path.is_symlink():
            in_the_way.append(name)
        changes.append(Change(path, name, None, text, f"created {name}"))
    if in_the_way:
        raise Refused(
            f"{target}: already has {', '.join(in_the_way)}; nothing written (dep init never overwrites)"
        )
    apply(ctx, changes, exclusive=True)
    if not ctx.dry_run:
        ctx.console.note(f'next: cd {escape.text(target)} && dep new "Your first proposal"')
    return EXIT_OK
