"""Tier 2: the ``dep`` command in-process, ``main(argv)``: output, files written and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.cli import console, context
from sphinxcontrib_dep.cli.commands import init as init_command
from sphinxcontrib_dep.cli.commands import lint as lint_command
from sphinxcontrib_dep.cli.commands import new as new_command
from sphinxcontrib_dep.core import analysis, files, rules
from sphinxcontrib_dep.core.diagnostics import Code, Diagnostic
from sphinxcontrib_dep.core.model import Dep, Status

TODAY = "2026-11-01"

BODY = """
## Summary

A short summary of the change.

## Motivation

Why the change is needed.

## Proposal

What we will do.

## Alternate Solutions

N/A
"""

#: A stand-in for the package's limited template, for checkouts where it has not landed yet.
TEMPLATE = (
    """# <Title>

```{dep-meta}
:status: Not Started
:authors: @your-handle
:category: Process
:number: 0000
```
"""
    + BODY
)


def proposal(title: str, **options: str) -> str:
    lines = [f"# {title}", "", "```{dep-meta}"]
    lines += [f":{name.replace('_', '-')}: {value}" for name, value in options.items()]
    return "\n".join([*lines, "```", ""]) + BODY


REVIEWED = {
    "authors": "@nnshah1",
    "category": "Process",
    "sponsor": "@ryanolson",
    "required_reviewers": "@grahamking (approved)",
    "review_date": "2026-11-10",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of three proposals, and the current folder inside it."""
    root = tmp_path / "proj"
    deps = root / "deps"
    deps.mkdir(parents=True)
    (deps / "0001-alpha.md").write_text(proposal("Alpha", status="In Progress", **REVIEWED))
    (deps / "0002-beta.md").write_text(proposal("Beta", status="Approved", **REVIEWED))
    (deps / "0000-draft.md").write_text(proposal("Draft", status="In Progress", authors="@nnshah1"))
    (root / "templates").mkdir()
    (root / "templates" / "limited.md").write_text(TEMPLATE)
    (root / "templates" / "complete.md").write_text(TEMPLATE)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def no_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the header parser judges: the exit codes of the command, apart from other rules."""
    monkeypatch.setattr(rules, "check_dep", lambda dep, config, today=None: [])
    monkeypatch.setattr(analysis.sections, "check_sections", lambda scanned, text, dep, config: [])
    monkeypatch.setattr(analysis.corpus, "check_corpus", lambda deps, config: [])


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small lifecycle graph standing in for ``rules.check_transition``: no way back from Rejected."""

    def check(old: Status, new: Status) -> str | None:
        if old is Status.REJECTED:
            return f"{old.value} is final; nothing follows it"
        return None

    monkeypatch.setattr(rules, "check_transition", check)


# --- usage ---------------------------------------------------------------------------------------


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in (
        "init",
        "new",
        "lint",
        "number",
        "status",
        "supersede",
        "index",
        "export",
        "report",
        "gate",
        "migrate",
    ):
        assert f"    {command}" in out
    code, out, _ = run(capsys, "lint", "--help")
    assert code == 0 and "--since REV" in out and "--format {text,json,github}" in out
    code, out, _ = run(capsys, "--version")
    assert (code, out.split()[0]) == (0, "dep")


@pytest.mark.usefixtures("proj")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "usage: dep"),
        (["nonsense"], "invalid choice: 'nonsense'"),
        (["lint", "--format", "xml"], "invalid choice: 'xml'"),
        (["lint", "--config", "nonsense=1"], "unknown setting 'nonsense'"),
        (["lint", "--config", "id_width"], "--config takes KEY=VALUE"),
        (["lint", "--config", "id_width=wide"], "'wide' is not a whole number"),
        (["lint", "--config", "id_width=12"], "dep_id_width must be between 1 and 8"),
        (["lint", "--today", "yesterday"], "'yesterday' is not a date"),
        (["lint", "--root", "nowhere"], "--root nowhere: no such folder"),
        (["lint", "missing.md"], "missing.md: no such file or folder"),
        (["status", "7", "Approved"], "no proposal DEP-0007 in deps/"),
        (["status", "1", "Accepted"], "unknown status 'Accepted'"),
        (["status", "what", "Approved"], "what: no such file, and not a proposal number"),
        (["gate"], "give what to check"),
        (["new", " "], "the title is empty"),
        (["new", "Hello \u202eevil"], "the title holds the invisible control character U+202E"),
        (["new", "T", "--category", "Misc"], "unknown category 'Misc'"),
        (["new", "T", "--author", "<bad>"], "cannot read '<bad>' as a person"),
    ],
)
def test_usage_errors_exit_2_without_traceback(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_bad_pyproject_setting_is_a_usage_error(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "pyproject.toml").write_text("[tool.dep]\nid-width = 'four'\n")
    code, _, err = run(capsys, "lint")
    assert code == 2
    assert "dep lint: configuration: dep_id_width must be int, not 'four'" in err


def test_settings_come_from_pyproject_and_flags_override(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (proj / "pyproject.toml").write_text('[tool.dep]\nid-prefix = "KEP-"\n')
    (proj / "deps" / "0002-beta.md").write_text(
        proposal(
            "Beta",
            status="Approved",
            category="Ops",
            **{k: v for k, v in REVIEWED.items() if k != "category"},
        )
    )
    code, out, _ = run(capsys, "gate", "--text", "implements KEP-2")
    assert (code, out) == (0, "ok   KEP-0002 (Beta): Approved\n")
    code, out, _ = run(capsys, "lint", "deps/0002-beta.md", "--config", "categories=Ops,Process")
    assert "[dep.category]" not in out
    code, out, _ = run(capsys, "lint", "deps/0002-beta.md")
    assert "unknown category 'Ops'" in out


# --- lint ----------------------------------------------------------------------------------------


BROKEN = proposal("Broken", status="Accepted", authors="@a", category="Process")


@pytest.mark.usefixtures("proj", "no_rules")
def test_lint_clean_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "lint")
    assert (code, out) == (0, "")
    assert err == "dep lint: 3 files, no problems\n"


@pytest.mark.usefixtures("no_rules")
def test_lint_problems_exit_1_in_each_format(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "deps" / "0003-broken.md").write_text(BROKEN)
    line = 4
    message = (
        "unknown status 'Accepted' (allowed: Not Started, In Progress, Under Review, Approved, Implemented, "
        "Rejected, Deferred, Superseded; 'Draft' means In Progress, 'Replaced' means Superseded)"
    )
    code, out, err = run(capsys, "lint")
    assert code == 1
    assert out == f"deps/0003-broken.md:{line}: {message} [dep.status]\n"
    assert err == "dep lint: 1 problem(s) in 4 files\n"

    code, out, _ = run(capsys, "lint", "--format", "github", "deps/0003-broken.md")
    assert code == 1
    assert out == f"::warning file=deps/0003-broken.md,line={line},title=dep.status::{message}\n"

    code, out, _ = run(capsys, "lint", "--format", "json", "deps")
    assert code == 1
    data = json.loads(out)
    assert data["files"] == [
        "deps/0000-draft.md",
        "deps/0001-alpha.md",
        "deps/0002-beta.md",
        "deps/0003-broken.md",
    ]
    assert data["problems"] == [
        {
            "path": "deps/0003-broken.md",
            "line": line,
            "code": "dep.status",
            "severity": "warning",
            "message": message,
        }
    ]


def test_lint_github_escapes_and_names_files_from_the_repository_root(tmp_path: Path) -> None:
    ctx = context.Context.__new__(context.Context)
    ctx.root, ctx.repo = tmp_path / "docs", tmp_path
    diagnostic = Diagnostic(Code.VALUE, "100% wrong,\nreally", "deps/a,b.md", 3)
    # A line break in a message is already escaped by Diagnostic (no forged log lines);
    # the annotation escapes what GitHub's workflow commands need on top.
    assert lint_command.github_annotation(ctx, diagnostic) == (
        "::warning file=docs/deps/a%2Cb.md,line=3,title=dep.value::100%25 wrong,\\nreally"
    )


@pytest.mark.usefixtures("no_rules")
def test_lint_unreadable_input_exits_2(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "deps" / "0003-latin1.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    code, out, _ = run(capsys, "lint")
    assert code == 2
    assert (
        out == "deps/0003-latin1.md:1: not valid UTF-8 (invalid continuation byte at byte 5) [dep.encoding]\n"
    )


def test_lint_without_a_proposals_folder_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "lint")
    assert code == 2
    assert "no deps/ folder in" in err


@pytest.mark.usefixtures("no_rules")
def test_lint_colour_only_on_a_terminal(
    proj: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (proj / "deps" / "0003-broken.md").write_text(BROKEN)
    _, plain, _ = run(capsys, "lint")
    assert "\x1b[" not in plain
    _, coloured, _ = run(capsys, "lint", "--color", "always")
    assert coloured.startswith("\x1b[1mdeps/0003-broken.md:4\x1b[0m: \x1b[33munknown status")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert run(capsys, "lint")[1] == coloured
    monkeypatch.setenv("NO_COLOR", "1")
    assert run(capsys, "lint")[1] == plain


def test_wants_color() -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    class Pipe:
        def isatty(self) -> bool:
            return False

    env = dict(os.environ)
    try:
        os.environ.pop("NO_COLOR", None)
        assert console.wants_color("auto", Tty()) is True  # type: ignore[arg-type]
        assert console.wants_color("auto", Pipe()) is False  # type: ignore[arg-type]
        assert console.wants_color("never", Tty()) is False  # type: ignore[arg-type]
        os.environ["NO_COLOR"] = "1"
        assert console.wants_color("auto", Tty()) is False  # type: ignore[arg-type]
        assert console.wants_color("always", Pipe()) is True  # type: ignore[arg-type]
    finally:
        os.environ.clear()
        os.environ.update(env)


def test_lint_imports_no_sphinx(proj: Path) -> None:
    """``dep lint`` reads Markdown with MyST's own parser settings, which import docutils'
    node classes (for MyST's warnings); Sphinx and sphinx-needs stay out."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sphinxcontrib_dep.cli import main\n"
        "main(['lint'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'sphinx', 'sphinx_needs'})\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=proj)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


# --- new -----------------------------------------------------------------------------------------


def test_new_fills_the_template(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "new",
        "Ünïcode: a/b ../Title!",
        "--author",
        "@nnshah1",
        "--author",
        "Jane Doe",
        "--category",
        "architecture",
    )
    assert code == 0
    target = proj / "deps" / "0000-unicode-a-b-title.md"
    assert out == "created deps/0000-unicode-a-b-title.md from templates/limited.md\n"
    assert "dep number deps/0000-unicode-a-b-title.md" in err
    text = target.read_text()
    assert text == TEMPLATE.replace("# <Title>", "# Ünïcode: a/b ../Title!").replace(
        ":status: Not Started\n:authors: @your-handle\n:category: Process\n:number: 0000\n",
        ":status: In Progress\n:authors: @nnshah1, Jane Doe\n:category: Architecture\n:template: limited\n",
    )


def test_new_refuses_to_overwrite(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "new", "Draft")
    assert code == 1
    assert "deps/0000-draft.md already exists; not overwritten (give --force to replace it)" in err
    assert (proj / "deps" / "0000-draft.md").read_text().startswith("# Draft\n")
    code, _out, _ = run(capsys, "new", "Draft", "--force", "--template", "complete")
    assert code == 0
    assert ":template: complete" in (proj / "deps" / "0000-draft.md").read_text()


def test_new_dry_run_writes_nothing(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "new", "Fresh idea", "--dry-run")
    assert code == 0
    assert out.startswith("--- /dev/null\n+++ b/deps/0000-fresh-idea.md\n")
    assert "+# Fresh idea\n" in out
    assert err == "dry run: nothing written\n"
    assert not (proj / "deps" / "0000-fresh-idea.md").exists()


def test_new_never_writes_outside_deps(
    proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (proj / "deps" / "0000-escape.md").symlink_to(outside / "target.md")
    code, _, err = run(capsys, "new", "Escape")
    assert code == 1
    assert "a symlink leads outside the repository" in err
    assert not (outside / "target.md").exists()
    code, _, err = run(capsys, "new", "X", "--config", "deps_dir=../elsewhere")
    assert code == 1
    assert "outside the repository" in err
    assert list(outside.iterdir()) == []


def test_new_with_the_package_template(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("limited", "complete"):
        (proj / "templates" / f"{name}.md").unlink()
    code, out, _ = run(capsys, "new", "From the package", "--template", "complete")
    assert code == 0
    assert out == "created deps/0000-from-the-package.md from the package's complete template\n"
    text = (proj / "deps" / "0000-from-the-package.md").read_text()
    assert text.startswith("# From the package\n")
    assert ":template: complete" in text


# --- status --------------------------------------------------------------------------------------


def test_status_moves_and_edits_only_the_header(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (proj / "deps" / "0001-alpha.md").read_text()
    code, out, _ = run(capsys, "status", "DEP-0001", "under review", "--today", TODAY)
    assert code == 0
    assert out == "deps/0001-alpha.md: In Progress -> Under Review, :review-requested: 2026-11-01\n"
    assert (proj / "deps" / "0001-alpha.md").read_text() == before.replace(
        ":status: In Progress\n", ":status: Under Review\n"
    ).replace(":review-date: 2026-11-10\n", ":review-date: 2026-11-10\n:review-requested: 2026-11-01\n")
    code, out, _ = run(capsys, "status", "deps/0001-alpha.md", "Under Review")
    assert (code, out) == (0, "deps/0001-alpha.md: already Under Review; nothing to change\n")


def test_status_dry_run(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (proj / "deps" / "0002-beta.md").read_text()
    code, out, err = run(capsys, "status", "2", "Implemented", "--dry-run", "--force")
    assert code == 0
    assert "-:status: Approved\n+:status: Implemented\n" in out
    assert err == "dry run: nothing written\n"
    assert (proj / "deps" / "0002-beta.md").read_text() == before


@pytest.mark.usefixtures("graph")
def test_status_refuses_a_move_the_graph_forbids(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = proj / "deps" / "0002-beta.md"
    path.write_text(path.read_text().replace("Approved\n", "Rejected\n", 1))
    before = path.read_text()
    code, _, err = run(capsys, "status", "2", "In Progress")
    assert code == 1
    assert (
        err
        == "dep status: deps/0002-beta.md: cannot move from Rejected to In Progress: Rejected is final; nothing follows it\n"
    )
    assert path.read_text() == before
    code, out, _ = run(capsys, "status", "2", "In Progress", "--force")
    assert (code, out) == (0, "deps/0002-beta.md: Rejected -> In Progress\n")


def test_status_refuses_a_move_that_breaks_a_rule(
    proj: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def check(dep: Dep, config: object, today: object = None) -> list[Diagnostic]:
        if dep.status is Status.IMPLEMENTED and not dep.implementation:
            return [
                Diagnostic(
                    Code.IMPLEMENTATION_MISSING,
                    "Implemented without an implementation link",
                    dep.path,
                    dep.line,
                )
            ]
        return []

    monkeypatch.setattr(rules, "check_dep", check)
    before = (proj / "deps" / "0002-beta.md").read_text()
    code, _, err = run(capsys, "status", "2", "Implemented")
    assert code == 1
    assert err == (
        "dep status: deps/0002-beta.md: moving to Implemented would break these rules (give --force to write it anyway):\n"
        "  deps/0002-beta.md:3: Implemented without an implementation link [dep.implementation_missing]\n"
    )
    assert (proj / "deps" / "0002-beta.md").read_text() == before


@pytest.mark.usefixtures("proj")
def test_status_refuses_implemented_without_a_link_with_the_real_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "status", "2", "Implemented")
    assert code == 1
    assert "[dep.implementation_missing]" in err


def test_status_uses_the_real_lifecycle_graph(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = proj / "deps" / "0002-beta.md"
    path.write_text(path.read_text().replace("Approved\n", "Implemented\n", 1))
    code, _, err = run(capsys, "status", "2", "Not Started")
    assert code == 1
    assert "cannot move from Implemented to Not Started: " in err


# --- supersede -----------------------------------------------------------------------------------


def test_supersede_writes_both_sides(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old_before = (proj / "deps" / "0002-beta.md").read_text()
    # Alpha is In Progress: it cannot supersede anything yet, and nothing is written.
    code, out, err = run(capsys, "supersede", "2", "1")
    assert (code, out) == (1, "")
    assert "DEP-0001 (deps/0001-alpha.md) is In Progress; only an Approved or Implemented proposal" in err
    assert (proj / "deps" / "0002-beta.md").read_text() == old_before
    (proj / "deps" / "0001-alpha.md").write_text(proposal("Alpha", status="Approved", **REVIEWED))
    new_before = (proj / "deps" / "0001-alpha.md").read_text()
    code, out, _ = run(capsys, "supersede", "2", "1")
    assert code == 0
    assert out == (
        "deps/0002-beta.md: :replaced-by: DEP-0001, :status: Superseded\n"
        "deps/0001-alpha.md: :replaces: DEP-0002\n"
    )
    assert (proj / "deps" / "0002-beta.md").read_text() == old_before.replace(
        ":status: Approved\n", ":status: Superseded\n"
    ).replace(":review-date: 2026-11-10\n", ":review-date: 2026-11-10\n:replaced-by: DEP-0001\n")
    assert (proj / "deps" / "0001-alpha.md").read_text() == new_before.replace(
        ":review-date: 2026-11-10\n", ":review-date: 2026-11-10\n:replaces: DEP-0002\n"
    )
    code, out, _ = run(capsys, "supersede", "2", "1")
    assert (code, out) == (0, "DEP-0002 is already superseded by DEP-0001; nothing to change\n")


def test_supersede_partial_keeps_the_status_and_appends(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = proj / "deps" / "0002-beta.md"
    path.write_text(path.read_text().replace(":category:", ":replaces: DEP-0009\n:category:"))
    code, _out, _ = run(capsys, "supersede", "deps/0001-alpha.md", "DEP-2", "--partial")
    assert code == 0
    assert ":replaces: DEP-0009, DEP-0001 (partial)\n" in path.read_text()
    alpha = (proj / "deps" / "0001-alpha.md").read_text()
    assert ":status: In Progress\n" in alpha
    assert ":replaced-by: DEP-0002 (partial)\n" in alpha


@pytest.mark.usefixtures("graph")
def test_supersede_refusals(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "supersede", "1", "1")
    assert (code, err) == (2, "dep supersede: deps/0001-alpha.md: a proposal cannot supersede itself\n")
    code, _, err = run(capsys, "supersede", "deps/0000-draft.md", "2")
    assert code == 1
    assert "deps/0000-draft.md has no number yet; give it one with `dep number deps/0000-draft.md`" in err
    path = proj / "deps" / "0001-alpha.md"
    path.write_text(path.read_text().replace("In Progress\n", "Rejected\n", 1))
    before = {p.name: p.read_text() for p in (proj / "deps").iterdir()}
    code, _, err = run(capsys, "supersede", "1", "2")
    assert code == 1
    assert "cannot move from Rejected to Superseded: Rejected is final" in err
    assert {p.name: p.read_text() for p in (proj / "deps").iterdir()} == before


def test_supersede_changes_both_files_or_neither(
    proj: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def proposals() -> dict[str, str]:  # the project lock (.dep.lock) aside
        return {p.name: p.read_text() for p in (proj / "deps").iterdir() if not p.name.startswith(".")}

    before = proposals()
    real = files.atomic_write

    def fail_on_beta(path: Path, data: str | bytes, *, exclusive: bool = False) -> None:
        if path.name == "0002-beta.md":
            raise OSError(28, "No space left on device")
        real(path, data, exclusive=exclusive)

    monkeypatch.setattr(files, "atomic_write", fail_on_beta)
    code, _, err = run(capsys, "supersede", "1", "2", "--force")
    assert code == 2
    assert err == "dep supersede: deps/0002-beta.md: cannot write: No space left on device\n"
    assert proposals() == before


# --- gate ----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("proj")
def test_gate_passes_approved_and_implemented(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "gate", "--text", "Implements DEP-0002 (see dep 2 again)")
    assert (code, out) == (0, "ok   DEP-0002 (Beta): Approved\n")


@pytest.mark.usefixtures("proj")
def test_gate_reads_only_sources_keys_as_other_projects(capsys: pytest.CaptureFixture[str]) -> None:
    # Ordinary text of the form word:ABC-123 names no proposal (no dep_sources here).
    text = "Implements DEP-0002; fixes jira:DYN-123, cve:CVE-2024-1234, see rfc:RFC-2119 and ref:JIRA-1"
    code, out, _ = run(capsys, "gate", "--text", text)
    assert (code, out) == (0, "ok   DEP-0002 (Beta): Approved\n")
    # An unknown key before an id with this project's prefix is a likely typo: failed, and its
    # DEP-0001 is not read as this project's.
    code, out, _ = run(capsys, "gate", "--text", "Implements DEP-0002 and rutnime:DEP-0001")
    assert (code, out) == (
        1,
        "FAIL rutnime:DEP-0001: no source 'rutnime' in dep_sources (known: none)\nok   DEP-0002 (Beta): Approved\n",
    )


def test_gate_notes_sources_a_pull_request_can_change(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = {"id": "DEP-0003", "number": 3, "title": "Rt", "status": "Approved", "path": "deps/0003-rt.md"}
    (proj / "_src").mkdir()
    (proj / "_src" / "deps.json").write_text(json.dumps({"schema_version": 2, "deps": [record]}))
    (proj / "conf.py").write_text(
        'dep_sources = {"rt": {"deps": "_src/deps.json", "site": "https://rt.example.org/"}}\n'
    )
    code, out, err = run(capsys, "gate", "--text", "Implements rt:DEP-0003")
    assert (code, out) == (0, "ok   rt:DEP-0003 (Rt): Approved\n")
    assert err == (
        "note: source 'rt' is a path (_src/deps.json) in the tree a pull request can change; "
        "gate with its http(s) deps.json instead (see Many repositories)\n"
    )
    code, out, err = run(capsys, "gate", "--offline", "--text", "Implements rt:DEP-0003")
    assert (code, out) == (0, "ok   rt:DEP-0003 (Rt): Approved\n")
    assert err.splitlines()[-1] == (
        "note: --offline reads only the cache folder, which a pull request can change; "
        "do not gate a pull request offline"
    )


def test_project_mentions_are_of_configured_sources() -> None:
    from sphinxcontrib_dep.cli.commands.gate import project_mentions

    text = "runtime:RT-7, jira:DYN-123, typo:DEP-0004, runtime:DEP-0012, ml:rt_3"
    mentions, rest = project_mentions(text, {"runtime", "ml"}, "DEP-")
    assert mentions == [
        ("runtime", "RT-7", 7),
        ("typo", "DEP-0004", 4),
        ("runtime", "DEP-0012", 12),
        ("ml", "RT-3", 3),
    ]
    assert rest.split() == [",", "jira:DYN-123,", ",", ","]


def test_gate_fails_saying_why(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "body.txt").write_text("Part of DEP 1 and DEP-0002; also DEP-0042.\nNot a DEP-00000 or ADEP-3.")
    code, out, _ = run(capsys, "gate", "--file", "body.txt")
    assert code == 1
    assert out == (
        "FAIL DEP-0001 (Alpha): In Progress; it must be Approved or Implemented before this merges\n"
        "ok   DEP-0002 (Beta): Approved\n"
        "FAIL DEP-0042: no such proposal in deps/\n"
    )


@pytest.mark.usefixtures("proj")
def test_gate_with_nothing_named(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("fix a typo"))
    code, out, _ = run(capsys, "gate", "--file", "-")
    assert (code, out) == (0, "no proposal is named\n")
    code, out, _ = run(capsys, "gate", "--text", "fix a typo", "--require")
    assert (code, out) == (1, "no proposal is named; one is required\n")
    code, _, err = run(capsys, "gate", "--file", "missing.txt")
    assert (code, err) == (2, "dep gate: missing.txt: no such file\n")


# --- init ----------------------------------------------------------------------------------------


INIT_FILES = [
    ".github/workflows/deps.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "conf.py",
    "deps/README.md",
    "index.md",
    "requirements.txt",
    "review.md",
    "templates/complete.md",
    "templates/limited.md",
    "traceability.md",
]


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_init_scaffolds_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "init", str(tmp_path / "site"))
    assert code == 0
    assert _files(tmp_path / "site") == INIT_FILES
    assert sorted(out.splitlines()) == [f"created {name}" for name in INIT_FILES]
    assert err == f'next: cd {tmp_path / "site"} && dep new "Your first proposal"\n'
    site = tmp_path / "site"
    conf = (site / "conf.py").read_text()
    assert 'extensions = ["sphinxcontrib_dep"]' in conf and 'html_theme = "furo"' in conf
    # The repository's README is for readers on GitHub; the proposals folder's README is a
    # page of the site (the `pages` setting), not a proposal, listed only in the navigation.
    assert '"README.md",' in conf and "deps/README.md" not in conf
    index = (site / "index.md").read_text()
    # The home page: the status chart, the index and the graph; each view on its own page.
    for directive in ("dep-status-chart}", "dep-index}\n:by: number", "dep-graph}"):
        assert index.count(f"```{{{directive}\n```") == 1
    assert "dep-traceability" not in index and "dep-review-report" not in index
    assert "```{dep-traceability}\n```" in (site / "traceability.md").read_text()
    assert "```{dep-review-report}\n```" in (site / "review.md").read_text()
    assert (site / ".gitignore").read_text().splitlines()[-1] == "_build/"
    workflow = (site / ".github" / "workflows" / "deps.yml").read_text()
    assert "sphinx-build -nW" in workflow and "dep lint --format github" in workflow
    # CI and pre-commit install the sphinxcontrib-dep that ran dep init, as requirements.txt pins
    # it (no release on an index is assumed).
    assert "- run: python -m pip install -r requirements.txt\n" in workflow
    assert "pip install sphinxcontrib-dep" not in workflow
    requirement = (site / "requirements.txt").read_text().splitlines()[-1]
    assert requirement == init_command.installed_requirement()[0]
    (repo,) = yaml.safe_load((site / ".pre-commit-config.yaml").read_text())["repos"]
    (hook,) = repo["hooks"]
    assert repo["repo"] == "local"
    assert (hook["id"], hook["entry"], hook["language"]) == ("dep-lint", "dep lint", "python")
    assert hook["additional_dependencies"] == [requirement]
    assert re.search(hook["files"], "deps/0001-x.md") and not re.search(hook["files"], "docs/x.md")
    assert (site / "templates" / "limited.md").read_text() == new_command.package_template("limited")
    # The new project works with the other commands straight away.
    code, out, _ = run(capsys, "new", "First", "--root", str(site))
    assert (code, out) == (0, "created deps/0000-first.md from templates/limited.md\n")


@pytest.mark.parametrize(
    ("direct_url", "requirement"),
    [
        (None, "sphinxcontrib-dep==1.2.0"),
        (
            {"url": "https://example.org/dep.git", "vcs_info": {"vcs": "git", "commit_id": "ab" * 20}},
            f"sphinxcontrib-dep @ git+https://example.org/dep.git@{'ab' * 20}",
        ),
        ({"url": "file:///nowhere/dep", "dir_info": {}}, "sphinxcontrib-dep @ file:///nowhere/dep"),
        (
            {"url": "file:///w/dep-1.2.0-py3-none-any.whl", "archive_info": {}},
            "sphinxcontrib-dep @ file:///w/dep-1.2.0-py3-none-any.whl",
        ),
    ],
)
def test_init_pins_where_this_installation_came_from(direct_url: dict | None, requirement: str) -> None:
    found, note = init_command.install_requirement("1.2.0", direct_url)
    assert found == requirement
    assert ("CI cannot reach it" in note) is found.startswith("sphinxcontrib-dep @ file:")


def test_init_pins_a_checkout_at_its_remote_and_commit(tmp_path: Path) -> None:
    checkout = tmp_path / "dep"
    checkout.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(checkout)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    url = {"url": checkout.as_uri(), "dir_info": {"editable": True}}
    # No remote: the folder's own URL, with the note that CI cannot reach it.
    assert init_command.install_requirement("1.2.0", url)[0] == f"sphinxcontrib-dep @ {checkout.as_uri()}"
    subprocess.run([*git, "remote", "add", "origin", "https://example.org/dep.git"], check=True)
    head = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert init_command.install_requirement("1.2.0", url)[0] == (
        f"sphinxcontrib-dep @ git+https://example.org/dep.git@{head}"
    )


def test_init_here_says_the_next_step_without_cd(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(capsys, "init", ".")
    assert (code, err) == (0, 'next: dep new "Your first proposal"\n')


def test_init_adopts_a_repository_writing_only_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    (site / "proposals" / "0002_images").mkdir(parents=True)
    (site / "proposals" / "0002_images" / "flow.png").write_bytes(b"png")
    (site / "proposals" / "0001-first.md").write_text("# First\n\n**Status**: Draft\n")
    (site / "proposals" / "0002-second.md").write_text("# Second\n")
    (site / "NNNN-limited-template.md").write_text("# Title\n")
    (site / "CONTRIBUTING.md").write_text("# Contributing\n")
    (site / "README.md").write_text("# Proposals\n")
    (site / "conf.py").write_text("# mine\n")
    before = {name: (site / name).read_bytes() for name in _files(site)}
    code, out, err = run(capsys, "init", str(site), "--dry-run")
    assert code == 0 and _files(site) == sorted(before)
    assert "+++ b/index.md" in out and "+++ b/conf.py" not in out
    code, out, err = run(capsys, "init", str(site))
    assert code == 0
    written = [name.replace("deps/", "proposals/") for name in INIT_FILES if name != "conf.py"]
    assert sorted(out.splitlines()) == sorted(f"created {name}" for name in written)
    assert err.splitlines() == [
        "found 2 proposals in proposals/",
        "kept beside them, for their images: proposals/0002_images/",
        "left out of the site (not pages): CONTRIBUTING.md, NNNN-limited-template.md",
        "kept conf.py (it exists; dep init never overwrites)",
        'conf.py does not load sphinxcontrib-dep: add "sphinxcontrib_dep" to its extensions',
        f"next: cd {site} && dep migrate --in-place proposals, then sphinx-build -nW --keep-going . _build/html",
    ]
    assert {name: (site / name).read_bytes() for name in before} == before
    assert "\nproposals/*\n" in (site / "index.md").read_text()
    # Run again: nothing is missing, nothing is written.
    code, out, _ = run(capsys, "init", str(site))
    assert (code, out) == (0, "")


def test_init_adoption_conf_names_the_folder_and_leaves_out_what_is_not_a_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    (site / "enhancements").mkdir(parents=True)
    (site / "enhancements" / "0001-first.md").write_text("# First\n")
    (site / "NNNN-complete-template.md").write_text("# Title\n")
    assert run(capsys, "init", str(site))[0] == 0
    conf = (site / "conf.py").read_text()
    assert 'dep_deps_dir = "enhancements"' in conf
    assert '"README.md",\n    "NNNN-complete-template.md",\n]' in conf
    assert not (site / "pyproject.toml").exists()


def test_init_dry_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "init", str(tmp_path / "site"), "--dry-run")
    assert code == 0
    assert out.count("--- /dev/null\n") == len(INIT_FILES)
    assert err == "dry run: nothing written\n"
    assert not (tmp_path / "site").exists()


def test_init_refuses_a_file_as_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").write_text("")
    code, _, err = run(capsys, "init", str(tmp_path / "f"))
    assert code == 2
    assert "not a folder" in err


# --- index / report / migrate --------------------------------------------------------------------


def test_migrate_is_delegated(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    legacy = "# Legacy\n\n**Status**: Draft\n\n**Category**: Ops\n\n## Summary\n\nText.\n"
    path = proj / "deps" / "0003-legacy.md"
    path.write_text(legacy)
    code, out, _ = run(capsys, "migrate", "--check", "deps/0003-legacy.md")
    assert code == 1
    assert out.startswith("deps/0003-legacy.md: would be migrated")
    assert path.read_text() == legacy
    # The settings dep resolved ([tool.dep] and --config) are the ones the migration uses.
    code, out, _ = run(
        capsys, "migrate", "--in-place", "deps/0003-legacy.md", "--config", "categories=Ops,Process"
    )
    assert code == 0
    assert ":category: Ops\n" in path.read_text()
    code, _, err = run(capsys, "migrate", "deps/missing.md")
    assert (code, err) == (2, "dep migrate: deps/missing.md: no such file or folder\n")
    code, out, _ = run(capsys, "migrate", "--help")
    assert code == 0 and "--in-place" in out


# --- the pre-commit hook and a scaffolded site that builds ----------------------------------------


def test_pre_commit_hook_runs_dep_lint_on_proposals() -> None:
    import tomllib

    from helpers import REPO

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert (hook["id"], hook["entry"], hook["language"]) == ("dep-lint", "dep lint", "python")
    files = re.compile(hook["files"])
    assert files.search("deps/0001-x.md") and files.search("deps/0002-y.rst")
    assert not files.search("docs/index.md") and not files.search("deps/image.png")
    # Cross-proposal rules need every proposal, not only the staged ones.
    assert hook["pass_filenames"] is False
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["dep"] == f"{cli.__name__}:main"


def test_init_site_builds_with_W_and_lints_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from helpers import sphinx_build

    site = tmp_path / "site"
    assert cli.main(["init", str(site)]) == 0
    capsys.readouterr()
    build = sphinx_build(site, tmp_path / "out", "-W")
    assert (build.returncode, build.warnings) == (0, []), build.output
    assert cli.main(["lint", "--root", str(site)]) == 0


@pytest.mark.usefixtures("proj")
def test_an_unreadable_folder_is_a_message_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(ctx: object, **kwargs: object) -> list[Path]:
        raise PermissionError(13, "Permission denied", "deps")

    from sphinxcontrib_dep.cli.commands import gate

    monkeypatch.setattr(gate, "proposal_files", denied)
    code, out, err = run(capsys, "gate", "--text", "DEP-1")
    assert (code, out, err) == (2, "", "dep gate: deps: Permission denied\n")


def test_init_with_another_proposals_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    assert cli.main(["init", str(site), "--deps-dir", "proposals"]) == 0
    assert (site / "proposals" / "README.md").exists()
    assert (site / "pyproject.toml").read_text() == '[tool.dep]\ndeps-dir = "proposals"\n'
    assert "\nproposals/*\n" in (site / "index.md").read_text()
    capsys.readouterr()
    assert cli.main(["new", "First", "--root", str(site)]) == 0
    assert capsys.readouterr().out == "created proposals/0000-first.md from templates/limited.md\n"


def test_an_unknown_dep_setting_in_conf_py_is_one_note_not_a_traceback(
    proj: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """conf.py may name a setting of another release, or misspell one: Sphinx ignores it, so does dep."""
    (proj / "conf.py").write_text(
        'dep_early_numbering = True\ndep_sorces = {"a": "b"}\ndep_bogus = os.environ["X"]\n'
    )
    code, out, err = run(capsys, "lint")
    assert (code, out) == (0, ""), out
    notes = [line for line in err.splitlines() if "conf.py" in line]
    assert len(notes) == 2
    assert notes[0].startswith(
        "conf.py:2: dep_sorces is not a setting of this sphinxcontrib-dep, so it is ignored; "
        "did you mean dep_sources? (known: dep_allowed_directives, "
    )
    assert notes[1].startswith(
        "conf.py:3: dep_bogus is not a setting of this sphinxcontrib-dep, so it is ignored (known: "
    )
