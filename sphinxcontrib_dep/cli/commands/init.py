"""``dep init``: a proposals project, or what an existing one lacks."""

from __future__ import annotations

import json
import re
from importlib import metadata, resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ... import __version__
from ...core import escape, files, git
from ...core.config import DepConfig
from ..context import EXIT_OK, Change, CliError, Context, Refused, apply
from .new import package_template

#: The scaffold's files (package data), each with the path it is written to.
SCAFFOLD = {
    "conf.py": "conf.py.in",
    "index.md": "index.md.in",
    "@deps_dir@/README.md": "deps-README.md.in",
    ".github/workflows/deps.yml": "deps.yml.in",
    ".pre-commit-config.yaml": "pre-commit-config.yaml.in",
}


def scaffold_text(name: str) -> str:
    """A scaffold file shipped with the package (``sphinxcontrib_dep/cli/scaffold/<name>``)."""
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


def cmd_init(ctx: Context) -> int:
    args = ctx.args
    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        raise CliError(f"{escape.text(target)}: not a folder")
    deps = ctx.config.deps_dir
    requirement, note = installed_requirement()
    scaffold = {
        name.replace("@deps_dir@", deps): scaffold_text(source)
        .replace("@deps_dir@", re.escape(deps) if source.startswith("pre-commit") else deps)
        .replace("@requirement@", requirement.replace('"', "%22"))
        for name, source in SCAFFOLD.items()
    }
    scaffold["requirements.txt"] = requirements_text(requirement, note)
    scaffold["templates/limited.md"] = package_template("limited")
    scaffold["templates/complete.md"] = package_template("complete")
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
