"""Every concept has one home: settings, patterns, status groups and rules are defined once,
in the core, and the command line and the Sphinx layer use that definition (issue 17)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sphinxcontrib_dep.cli.context import CliError, parse_overrides
from sphinxcontrib_dep.core import config
from sphinxcontrib_dep.core.config import ConfigError, DepConfig
from sphinxcontrib_dep.core.model import Dep

# --------------------------------------------------------------------------------------
# Settings: each field declares its type, its reader from text and its validators
# --------------------------------------------------------------------------------------

#: Per type: a text ``--config`` reads, the value it gives, and a value of the wrong type.
_SAMPLES: dict[str, tuple[str, Any, Any]] = {
    "str": ("  X-  ", "X-", 7),
    "int": ("7", 7, "seven"),
    "bool": ("On", True, "yes"),
    "list[str]": ('["A", "B"]', ["A", "B"], "A, B"),
    "dict[str, list[str]]": ('{Process = ["@a"]}', {"Process": ["@a"]}, ["@a"]),
    "dict[str, str]": (
        '{"X-[0-9]+" = "https://t.example/{key}"}',
        {"X-[0-9]+": "https://t.example/{key}"},
        "x",
    ),
    "dict[str, dict[str, str]]": (
        '{rt = {deps = "https://rt.example.org/deps.json"}}',
        {"rt": {"deps": "https://rt.example.org/deps.json"}},
        "rt",
    ),
    "dict[str, dict[str, Any]]": (
        '{router = {name = "Router", owners = ["@rpei"], paths = ["lib/router/"]}}',
        {"router": {"name": "Router", "owners": ["@rpei"], "paths": ["lib/router/"]}},
        ["router"],
    ),
}


def test_each_setting_declares_the_type_of_its_annotation() -> None:
    """The declaration (used by Sphinx, --config, [tool.dep] and the docs) and the
    dataclass annotation of every field say the same type."""
    fields = {f.name: f.type for f in dataclasses.fields(DepConfig)}
    declared = config.settings()
    assert [s.name for s in declared] == list(fields)
    for setting in declared:
        assert setting.type.annotation == fields[setting.name], setting.name
        assert setting.problem(setting.default_value()) is None, setting.name


@pytest.mark.parametrize("setting", config.settings(), ids=lambda s: s.name)
def test_the_command_line_reads_each_setting_with_its_declaration(setting: config.Setting) -> None:
    text, value, _ = _SAMPLES[setting.type.annotation]
    assert setting.parse(text) == value
    assert parse_overrides([f"{setting.name.replace('_', '-')}={text}"]) == {setting.name: value}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("id_width=wide", "--config id_width: 'wide' is not a whole number"),
        ("public_build=perhaps", "--config public_build: 'perhaps' is not true or false"),
        ("pages=[1,", "--config pages: '[1,' is not a TOML list"),
    ],
)
def test_text_a_setting_cannot_read_is_a_usage_error(item: str, message: str) -> None:
    with pytest.raises(CliError, match=message.replace("[", r"\[")):
        parse_overrides([item])


@pytest.mark.parametrize("setting", config.settings(), ids=lambda s: s.name)
def test_a_value_of_the_wrong_type_is_refused_with_the_declared_name(setting: config.Setting) -> None:
    _, _, wrong = _SAMPLES[setting.type.annotation]
    expected = f"dep_{setting.name} must be {setting.type.described}, not {wrong!r}"
    assert setting.problem(wrong) == expected
    with pytest.raises(ConfigError) as caught:
        DepConfig(**{setting.name: wrong})
    assert str(caught.value) == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"id_width": 9}, "dep_id_width must be between 1 and 8, not 9"),
        ({"default_template": "huge"}, "dep_default_template must be one of limited, complete, not 'huge'"),
        ({"raw_html": "some"}, "dep_raw_html must be one of safe, none, all, not 'some'"),
        ({"review_window_days": -1}, "dep_review_window_days must not be negative, not -1"),
        ({"stale_days": -2}, "dep_stale_days must not be negative, not -2"),
        ({"navigation": "some"}, "dep_navigation must be one of current, all, not 'some'"),
        ({"categories": ["A", "a"]}, "dep_categories must be a non-empty list of distinct categories"),
        ({"id_prefix": "dep-"}, "dep_id_prefix must start with an upper-case letter, not 'dep-'"),
        (
            {"id_width": 0, "stale_days": -1},
            "dep_id_width must be between 1 and 8, not 0; dep_stale_days must not be negative, not -1",
        ),
    ],
)
def test_field_validators(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        DepConfig(**values)
    assert str(caught.value) == message


def test_sphinx_registers_each_setting_from_its_declaration() -> None:
    from sphinxcontrib_dep.sphinx import config as sphinx_config

    registered: dict[str, tuple[Any, ...]] = {}

    def add_config_value(name: str, default: Any, rebuild: str, *, types: Any, description: str) -> None:
        registered[name] = (default, rebuild, types, description)

    sphinx_config.register(SimpleNamespace(add_config_value=add_config_value))  # type: ignore[arg-type]
    assert registered == {
        f"dep_{s.name}": (s.default_value(), "env", s.type.accepts, s.help) for s in config.settings()
    }


# --------------------------------------------------------------------------------------
# git: every call, and the numbering it answers, in core/git.py
# --------------------------------------------------------------------------------------

PACKAGE = Path(config.__file__).parent.parent


def _modules(*, layer: str | None = None) -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if layer is None or relative.startswith(f"{layer}/"):
            found.append((relative, ast.parse(path.read_text(encoding="utf-8"))))
    return found


def test_every_git_call_is_made_in_core_git() -> None:
    """The command line asks core/git.py its questions (numbers in use, files changed since,
    commit messages, last touched, moves); no other module runs ``git.git``."""
    callers = []
    for relative, tree in _modules():
        if relative == "core/git.py":
            continue
        for node in ast.walk(tree):
            runs_git = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "git"
                and isinstance(node.func.value, ast.Name)
            )
            imports_git = isinstance(node, ast.ImportFrom) and any(a.name == "git" for a in node.names)
            imports_git = imports_git and (node.module or "").endswith("git")  # type: ignore[union-attr]
            if runs_git or imports_git:
                callers.append(f"{relative}:{node.lineno}")  # type: ignore[attr-defined]
    assert callers == []


# --------------------------------------------------------------------------------------
# Patterns, status groups and rules: one home each, the same object on every path
# --------------------------------------------------------------------------------------


def test_lint_and_build_use_the_core_definition_of_each_concept() -> None:
    """The command line, the core's lint path, the migrator and the Sphinx layer hold the
    very objects the core defines: a concept changed in its home changes everywhere."""
    from sphinxcontrib_dep.cli import context
    from sphinxcontrib_dep.cli.commands import gate, number
    from sphinxcontrib_dep.core import (
        corpus,
        editing,
        model,
        parsing,
        project,
        reader,
        report,
        rules,
        sections,
    )
    from sphinxcontrib_dep.migrate import paths, values
    from sphinxcontrib_dep.sphinx import config as sphinx_config
    from sphinxcontrib_dep.sphinx import directives, domain, embargo, events, needs, sources

    homes = {
        # the proposal file name
        model.is_proposal_name: [project.is_proposal_name, sources.is_proposal_name, paths.is_proposal_name],
        model.split_proposal_name: [
            number.split_proposal_name,
            needs.split_proposal_name,
            embargo.split_proposal_name,
        ],
        model.number_from_filename: [
            parsing.number_from_filename,
            corpus.number_from_filename,
            directives.number_from_filename,
            sources.number_from_filename,
            paths.number_from_filename,
        ],
        # the DEP id
        model.parse_id: [
            parsing.parse_id,
            corpus.parse_id,
            context.parse_id,
            values.parse_id,
            domain.parse_id,
            events.parse_id,
        ],
        # an option line
        reader.OPTION_LINE_RE: [editing.OPTION_LINE_RE],
        # status groups
        model.UNNUMBERED_STATUSES: [rules.UNNUMBERED_STATUSES],
        model.DRAFT_STATUSES: [sections.DRAFT_STATUSES],
        model.GATE_STATUSES: [gate.GATE_STATUSES],
        model.SETTLED_STATUSES: [report.SETTLED_STATUSES],
        # the approval rule: the review report and the card ask the rules module
        rules.approval_met: [report.rules.approval_met],
        # the settings' declarations
        config.settings: [sphinx_config.core_config.settings, context.settings],
    }
    for home, users in homes.items():
        for user in users:
            assert user is home, home


def _module_level_names(tree: ast.Module) -> list[str]:
    names = []
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        names += [t.id for t in targets if isinstance(t, ast.Name)]
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
    return names


#: Names that hold a concept with one home, and where it lives.
_HOMES = {
    "PROPOSAL_NAME_RE": "core/model.py",
    "UNNUMBERED_STATUSES": "core/model.py",
    "DRAFT_STATUSES": "core/model.py",
    "GATE_STATUSES": "core/model.py",
    "SETTLED_STATUSES": "core/model.py",
    "FINAL_STATUSES": None,  # unused, and against the lifecycle: gone
    "UNKNOWN_STATUS": "core/model.py",
    "id_pattern": "core/model.py",
    "parse_id": "core/model.py",
    "find_mentions": "core/model.py",
    "DECIDED_STATUSES": "core/model.py",
    "RETROACTIVE_STATUSES": "core/model.py",
    "SUPERSEDER_STATUSES": "core/model.py",
    "TRACKED_STATUSES": "core/model.py",
    "AMENDABLE_STATUSES": "core/model.py",
    "TRIAGE_STATUSES": "core/model.py",
    "approval_met": "core/rules.py",
    "OPTION_LINE_RE": "core/reader.py",
    "used_numbers": "core/git.py",
    "last_touched": "core/git.py",
    # second definitions this package once had, under their own names
    "FILE_NUMBER_RE": None,
    "DRAFT_NAME_RE": None,
    "PROPOSAL_RE": None,
    "OPTION_RE": None,
    "SIMPLE_OPTION_RE": None,
    "TYPES": None,
}


def test_no_module_defines_a_concept_again() -> None:
    """No second definition of a concept under its name or a look-alike (``_approval_met``,
    ``_DRAFT_NAME_RE``), and no file-name pattern (``{4,}`` digits) outside the model."""
    defined: dict[str, list[str]] = {}
    digit_patterns = []
    for relative, tree in _modules():
        for name in _module_level_names(tree):
            key = name.lstrip("_")
            if key in _HOMES or key.endswith("_STATUSES"):
                defined.setdefault(key, []).append(relative)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{4,}" in node.value:
                digit_patterns.append(f"{relative}:{node.lineno}")
    assert defined == {name: [home] for name, home in _HOMES.items() if home is not None}
    assert digit_patterns == [f"core/model.py:{_line_of('PROPOSAL_NAME_RE')}"]


def _line_of(name: str) -> int:
    from sphinxcontrib_dep.core import model

    source = Path(model.__file__).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(source, 1) if line.startswith(f"{name} = "))


# --------------------------------------------------------------------------------------
# Rows: the TypedDicts are what the reports and deps.json hold, and what the schema says
# --------------------------------------------------------------------------------------


def test_report_rows_hold_exactly_their_declared_keys() -> None:
    from datetime import date

    from sphinxcontrib_dep.core import report
    from sphinxcontrib_dep.core.model import DepRef, Link, Person, Phase, Reviewer, Status

    config_ = DepConfig()
    old = Dep(title="Old", number=1, status=Status.SUPERSEDED, path="deps/0001-old.md")
    new = Dep(
        title="New",
        number=2,
        status=Status.UNDER_REVIEW,
        path="deps/0002-new.md",
        authors=[Person(handle="a")],
        reviewers=[Reviewer(Person(handle="r"))],
        review_date=date(2026, 1, 10),
        replaces=[DepRef(number=1, partial=True)],
        implementation=[Link("https://github.com/o/r/pull/3")],
        phases=[Phase(1, "One", work_items=[Link("https://github.com/o/r/issues/4")])],
    )
    approved = Dep(title="Done", number=3, status=Status.APPROVED, path="deps/0003-done.md")
    deps = [old, new, approved]

    def keys(typed: type) -> list[str]:
        """The keys every row holds: the required ones, in declared order (``history`` is
        written only when the build read git, and this one did not)."""
        required = getattr(typed, "__required_keys__", typed.__annotations__)
        return [key for key in typed.__annotations__ if key in required]

    assert all(list(row) == keys(report.IndexRow) for row in report.index_rows(deps, config_))
    rows = report.traceability_rows(deps, config_)
    assert all(list(row) == keys(report.TraceabilityRow) for row in rows)
    assert list(rows[1]["implementation"][0]) == keys(report.LinkRow)
    assert list(rows[1]["phases"][0]) == keys(report.PhaseRow)
    assert list(rows[1]["replaces"][0]) == keys(report.RefRow)
    review = report.review_report(deps, config_, date(2026, 1, 1), {d.path: date(2020, 1, 1) for d in deps})
    assert list(review) == keys(report.ReviewReport)
    for part, typed in (
        ("under_review", report.UnderReviewRow),
        ("approved_unimplemented", report.UnimplementedRow),
        ("stale", report.StaleRow),
    ):
        assert review[part], part  # type: ignore[literal-required]
        assert all(list(row) == keys(typed) for row in review[part]), part  # type: ignore[literal-required]
    assert list(review["under_review"][0]["reviewers"][0]) == keys(report.ReviewerRow)
    document = report.deps_json(deps, config_)
    assert list(document) == keys(report.DepsJson)
    written = [*keys(report.DepRecord), *report.ALWAYS_WRITTEN]
    assert all(list(record) == written for record in document["deps"])


def test_the_deps_json_schema_and_the_record_type_agree() -> None:
    import json

    from sphinxcontrib_dep.core import report

    schema = json.loads(report.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["required"] == [
        k for k in report.DepsJson.__annotations__ if k in report.DepsJson.__required_keys__
    ]
    assert list(schema["properties"]) == list(report.DepsJson.__annotations__)
    dep = schema["$defs"]["dep"]
    assert list(dep["properties"]) == list(report.DepRecord.__annotations__)
    required = [key for key in report.DepRecord.__annotations__ if key in report.DepRecord.__required_keys__]
    assert dep["required"] == required
    assert [key for key in dep["properties"] if key not in required] == [
        *report.ALWAYS_WRITTEN,
        "history",
        "page",
        "areas",
        "pic",
        "priority",
    ]
    reviewer = dep["properties"]["reviewers"]["items"]
    assert reviewer["required"] == list(report.ReviewerRow.__annotations__)


# --------------------------------------------------------------------------------------
# Warning names: one Code per rule, and the migrator's decisions mapped onto it
# --------------------------------------------------------------------------------------


def test_the_migrators_decisions_name_their_code() -> None:
    from sphinxcontrib_dep.core.diagnostics import Code
    from sphinxcontrib_dep.migrate.decisions import Decision, Kind

    assert {kind: kind.code for kind in Kind} == {
        Kind.NORMALISED: None,
        Kind.EMPTY: None,
        Kind.HUMAN: Code.MIGRATE,
        Kind.NOTE: None,
    }
    human = Decision(Kind.HUMAN, "deps/0001-x.md", 4, "status", "'Maybe' is no status")
    assert human.format() == "deps/0001-x.md:4: status: 'Maybe' is no status [needs a human]"
    diagnostic = human.diagnostic()
    assert diagnostic is not None
    assert diagnostic.format() == "deps/0001-x.md:4: status: 'Maybe' is no status [dep.migrate]"
    assert Decision(Kind.NOTE, "deps/0001-x.md", 1, "", "number from the file name").diagnostic() is None


def test_warning_names_come_from_the_code() -> None:
    from sphinxcontrib_dep.core.diagnostics import WARNING_TYPE, Code

    assert WARNING_TYPE == "dep"
    assert [code.tag for code in Code] == [f"dep.{code.value}" for code in Code]
    for relative, tree in _modules():
        literals = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "dep.embargo" in node.value
        ]
        assert literals == [], relative
