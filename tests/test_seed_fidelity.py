"""The process document (the seed), word for word (issue 19).

- ``docs/process.md``'s table names only settings, options, warnings and commands that
  exist, and quotes the seed at the lines it cites;
- the shipped templates have the sections of the seed's linked templates, in order, with
  the same markers and the same sub-fields of alternatives and phases;
- the seed's words for statuses and categories mean the same to ``dep-meta`` and the migrator;
- ``dep number`` waits for the review; ``dep notify`` words a message per reviewer.

The seed and its templates live outside the repository, in ``../shared`` beside the
checkout (``DEP_SHARED`` points elsewhere); without them those tests skip and say so.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from helpers import REPO, SHARED

from sphinxcontrib_dep import cli
from sphinxcontrib_dep.core import config, parts, sections
from sphinxcontrib_dep.core.diagnostics import Code
from sphinxcontrib_dep.core.model import (
    CATEGORY_ALIASES,
    DEFAULT_CATEGORIES,
    STATUS_WORDS,
    Template,
    lookup_category,
    normalize_key,
)
from sphinxcontrib_dep.core.parsing import META_OPTIONS, parse_meta

#: ``DEP_SHARED`` points elsewhere (a worktree's ``../shared`` may not be the shared folder).
SHARED_DIR = Path(os.environ.get("DEP_SHARED", SHARED))
SEED_DIR = SHARED_DIR / "seed"
TEMPLATES_DIR = SHARED_DIR / "corpus" / "dynamo-enhancements"
PROCESS = REPO / "docs" / "process.md"


def _seed_lines() -> list[str]:
    found = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not found:
        pytest.skip(
            f"the seed is not at {SEED_DIR} (it lives in ../shared beside the checkout; set DEP_SHARED)"
        )
    return found[0].read_text(encoding="utf-8").splitlines()


def _seed_template(name: str) -> str:
    path = TEMPLATES_DIR / f"NNNN-{name}-template.md"
    if not path.is_file():
        pytest.skip(
            f"the seed's linked templates are not in {TEMPLATES_DIR} (../shared beside the checkout; set DEP_SHARED)"
        )
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------
# docs/process.md: its references are real, its quotes are the seed's
# --------------------------------------------------------------------------------------


def _commands() -> set[str]:
    import argparse

    from sphinxcontrib_dep.cli.parser import build_parser

    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(actions[0].choices)


def test_the_process_page_names_only_real_settings_options_codes_and_commands() -> None:
    text = PROCESS.read_text(encoding="utf-8")
    table = text[text.index("(seed-table)=") :]
    assert table.count("\n| ") >= 20  # the table is there, one row per rule

    codes = set(re.findall(r"`dep\.([a-z_]+)`", text))
    settings = set(re.findall(r"\{confval\}`dep_([a-z_]+)`", text))
    options = set(re.findall(r"`:([a-z-]+):`", text))
    commands = set(re.findall(r"`dep ([a-z]+)\b", text))
    assert {"early_number", "verdict", "section_unknown", "primary_author"} <= codes
    assert {"early_numbering", "review_window_days"} <= settings
    assert {"primary-author", "no-implementation", "moved-to"} <= options
    assert {"number", "notify", "status"} <= commands

    assert codes - {code.value for code in Code} == set()
    assert settings - {s.name for s in config.settings()} == set()
    assert options - set(META_OPTIONS) - set(parts.PHASE_OPTIONS) == set()
    assert commands - _commands() == set()


def _fold(text: str) -> str:
    text = text.replace("\\", "").replace("*", "").replace("’", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().casefold()


#: ``"quoted words" (line 158)``, ``"..." (lines 181-183)`` and the table's rows.
_QUOTE_RE = re.compile(r'"([^"\n]{10,}?)"\s*\(lines? (\d+)(?:-(\d+))?')
_ROW_RE = re.compile(r'^\| (\d+)(?:-(\d+))? \| "([^"]+)" \|', re.M)


def _quotes(text: str) -> list[tuple[str, int, int]]:
    found = []
    for match in _QUOTE_RE.finditer(re.sub(r"\s*\n\s*", " ", text)):
        start = int(match.group(2))
        found.append((match.group(1), start, int(match.group(3) or start)))
    for match in _ROW_RE.finditer(text):
        start = int(match.group(1))
        found.append((match.group(3), start, int(match.group(2) or start)))
    return found


def test_the_process_page_quotes_the_seed_at_the_lines_it_cites() -> None:
    seed = _seed_lines()
    quotes = _quotes(PROCESS.read_text(encoding="utf-8"))
    assert len(quotes) >= 30
    wrong = []
    for quote, start, end in quotes:
        # A quote may begin on the line before the one cited (a wrapped sentence).
        around = _fold(" ".join(seed[max(start - 2, 0) : end]))
        for fragment in quote.split("..."):
            if _fold(fragment) not in around:
                wrong.append(f"line {start}-{end}: {fragment.strip()!r}")
    assert wrong == []


# --------------------------------------------------------------------------------------
# The templates: the seed's linked templates, section by section
# --------------------------------------------------------------------------------------

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^(```+|~~~+)\s*(\{dep-(?:alternative|phase)\})?\s*(.*)$")
_BOLD_LABEL_RE = re.compile(r"^\*\*([^*:]+?)\s*(?::\s*\*\*|\*\*\s*:)")
_OPTION_RE = re.compile(r"^:([a-z-]+):")


def _outline(text: str) -> dict[str, list[tuple[str, ...]]]:
    """A template's sections (name, depth below the first section, marker), and the
    sub-fields of its alternative and its phase, as canonical names."""
    lines = text.splitlines()
    result: dict[str, list[tuple[str, ...]]] = {"sections": [], "alternative": [], "phase": []}
    headings = []
    part: str | None = None
    in_fence = False
    for index, line in enumerate(lines):
        fence = _FENCE_RE.match(line.strip())
        if fence:
            in_fence = not in_fence
            part = ("alternative" if "alternative" in fence.group(2) else "phase") if fence.group(2) else None
            continue
        if in_fence and part is None:
            continue
        heading = None if in_fence else _HEADING_RE.match(line)
        if heading:
            text_ = heading.group(2).replace("\\", "")
            part = (
                "alternative" if text_.startswith("Alt ") else "phase" if text_.startswith("Phase ") else None
            )
            if part is None:
                headings.append((len(heading.group(1)), text_, index))
            continue
        if part is not None:
            label = _BOLD_LABEL_RE.match(line.strip())
            option = _OPTION_RE.match(line.strip())
            name = label.group(1) if label else option.group(1) if option else None
            if name is not None:
                result[part].append((_part_field(part, name),))
    levels = [level for level, _, _ in headings[1:]]  # the title aside
    top = min(levels)
    parents: list[str] = []
    for level, text_, index in headings[1:]:
        depth = level - top
        del parents[depth:]
        section = sections.match_section(text_, parents[0] if parents else None) or sections.match_section(
            text_, None
        )
        if section is None:
            continue  # "REQ <#> <Title>": an example heading inside a section
        parents.append(section.name)
        after = next((line.strip() for line in lines[index + 1 :] if line.strip()), "")
        marker = sections.MARKER_RE.fullmatch(after)
        # Section or sub-section: the seed nests Non Goals in Goals, the process's section
        # list (and so the templates) puts it in Motivation beside Goals.
        nesting = "section" if depth == 0 else "sub-section"
        result["sections"].append(
            (section.name, nesting, marker.group(0).replace("\\", "") if marker else "")
        )
    return result


def _part_field(part: str, name: str) -> str:
    """A sub-field as the parser reads it: the attribute a label fills, or the option's name."""
    key = normalize_key(name)
    if part == "alternative":
        return parts.ALTERNATIVE_LABELS.get(key, name)
    options = {normalize_key(k): v for k, v in parts.PHASE_OPTIONS.items()}
    return parts.PHASE_LABELS.get(key) or options.get(key, name)


@pytest.mark.parametrize("template", list(Template), ids=lambda t: t.value)
def test_the_templates_have_the_seeds_sections_in_order_with_its_markers(template: Template) -> None:
    seed = _outline(_seed_template(template.value))
    ours = _outline(sections.template_text(template))
    assert ours["sections"] == seed["sections"]
    assert ours["alternative"] == seed["alternative"]
    assert ours["phase"] == seed["phase"]
    # Every section of the seed's template is one of the process's sections for this template.
    assert [name for name, _, _ in ours["sections"]] == [s.name for s in sections.sections_for(template)]


def test_the_complete_template_holds_terminology_and_acronyms() -> None:
    outline = _outline(sections.template_text(Template.COMPLETE))["sections"]
    assert outline[-2:] == [
        ("Terminology & Definitions", "sub-section", "**[Optional - if not applicable omit]**"),
        ("Acronyms & Abbreviations", "sub-section", "**[Optional - if not applicable omit]**"),
    ]
    assert _outline(_seed_template("complete"))["phase"] == [
        ("release-target",),
        ("effort",),
        ("work-items",),
        ("supported",),
        ("not_supported",),
    ]


# --------------------------------------------------------------------------------------
# The seed's words: one mapping for dep-meta and the migrator
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("word", [*STATUS_WORDS, "replaced", "REPLACED"])
def test_the_seeds_status_words_mean_the_same_to_dep_meta_and_the_migrator(word: str) -> None:
    from sphinxcontrib_dep.migrate import migrate_text

    expected = STATUS_WORDS[word.capitalize()]
    dep, found = parse_meta({"status": word}, path="deps/0001-x.md")
    assert (dep.status, found) == (expected, [])
    assert migrate_text(f"# T\n\n**Status**: {word}\n", "deps/0001-x.md").options["status"] == expected.value


@pytest.mark.parametrize("alias", list(CATEGORY_ALIASES))
def test_the_seeds_category_names_mean_one_canonical_category(alias: str) -> None:
    from sphinxcontrib_dep.migrate import migrate_text

    canonical = CATEGORY_ALIASES[alias]
    assert canonical in DEFAULT_CATEGORIES
    dep, found = parse_meta({"status": "Draft", "category": alias}, path="deps/0000-x.md")
    assert (dep.category, found) == (canonical, [])
    migrated = migrate_text(f"# T\n\n**Status**: Draft\n**Category**: {alias}\n", "deps/0000-x.md")
    assert migrated.options["category"] == canonical
    # Only while the canonical name is configured: a project's own list decides.
    assert lookup_category(alias, ("Process",)) is None


# --------------------------------------------------------------------------------------
# dep number waits for the review; dep notify
# --------------------------------------------------------------------------------------

#: The process's numbering moment (seed lines 181-183): the default, said explicitly.
SEED_MOMENT = "dep_early_numbering = False\n"

_DRAFT = "# Idea\n\n```{{dep-meta}}\n:status: {status}\n:authors: @alice\n:category: Process\n{extra}```\n"


def _project(tmp_path: Path, status: str, extra: str = "", conf: str = "") -> Path:
    (tmp_path / "deps").mkdir()
    (tmp_path / "conf.py").write_text(f'extensions = ["sphinxcontrib_dep"]\n{conf}')
    (tmp_path / "deps" / "0000-idea.md").write_text(_DRAFT.format(status=status, extra=extra))
    return tmp_path


@pytest.mark.parametrize(
    ("status", "extra", "conf", "numbered"),
    [
        ("In Progress", "", SEED_MOMENT, False),
        ("Not Started", "", SEED_MOMENT, False),
        ("Under Review", ":required-reviewers: @bob (approved), @carol (reviewing)\n", SEED_MOMENT, False),
        ("Under Review", ":required-reviewers: @bob (approved), @carol (deferred)\n", SEED_MOMENT, True),
        (
            "Under Review",
            ":required-reviewers: @bob (changes requested)\n:decision: @dave\n",
            SEED_MOMENT,
            True,
        ),
        ("In Progress", "", "dep_early_numbering = True\n", True),
    ],
)
def test_dep_number_waits_until_the_review_is_complete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], status: str, extra: str, conf: str, numbered: bool
) -> None:
    root = _project(tmp_path, status, extra, conf)
    code = cli.main(["number", "--root", str(root), str(root / "deps" / "0000-idea.md"), "--color", "never"])
    _, err = capsys.readouterr()
    assert (root / "deps" / "0001-idea.md").exists() is numbered
    if numbered:
        assert code == 0
    else:
        assert code != 0
        assert "deps/0000-idea.md is not numbered yet: " in err
        assert "(the early_numbering setting allows earlier numbers)" in err


def test_dep_notify_words_one_github_message_per_reviewer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    today = date.today().toordinal()
    soon = date.fromordinal(today + 3).isoformat()
    root = _project(
        tmp_path,
        "Under Review",
        f":sponsor: @dave\n:required-reviewers: @bob (approved), @carol (changes requested), Erin Doe\n"
        f":review-date: {soon}\n",
    )
    code = cli.main(["notify", "--root", str(root), "--color", "never"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out == (
        "### @carol\n\n"
        "@carol, you are a required reviewer of 1 proposal under review:\n\n"
        f"- Draft Idea (deps/0000-idea.md): review by **{soon}** (in 3 days); your review: Changes Requested\n\n"
        "Please give your verdict (approved, rejected, deferred or changes requested) by the review date.\n\n"
        "### Erin Doe\n\n"
        "Erin Doe, you are a required reviewer of 1 proposal under review:\n\n"
        f"- Draft Idea (deps/0000-idea.md): review by **{soon}** (in 3 days); your review: Not Started\n\n"
        "Please give your verdict (approved, rejected, deferred or changes requested) by the review date.\n"
    )
    assert cli.main(["notify", "--root", str(root), "--format", "json"]) == 0
    assert '"handle": "carol"' in capsys.readouterr().out


def test_dep_notify_says_when_nobody_is_waited_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, "In Progress")
    assert cli.main(["notify", "--root", str(root)]) == 0
    assert capsys.readouterr().out == (
        "No required reviewer is waited on: no proposal under review lacks a verdict.\n"
    )


# --------------------------------------------------------------------------------------
# The site: numbered alternatives are citable; the new marks show on the cards
# --------------------------------------------------------------------------------------

_SITE_PROPOSAL = """# Site

```{dep-meta}
:status: Approved
:authors: @alice, @bob
:primary-author: @bob
:category: Architecture / Design
:required-reviewers: @carol (approved)
:implementation: https://github.com/o/r/pull/1 (beta) (reviewed by @carol)
```

## Summary

Text; see {need}`DEP-0001-ALT-2`.

## Motivation

Text.

## Proposal

Text.

## Implementation Phases

```{dep-phase} 0 Core
```

```{dep-phase} 1 Extras
:status: deferred
```

```{dep-phase} 2 Tools
:moved-to: DEP-0001
```

## Alternate Solutions

```{dep-alternative} Alt 1 Keep Google Docs
**Reason Rejected:**

- Costly
```

```{dep-alternative} Alt 2 Use existing templates
**Reason Rejected:**

- Not ours
```
"""


def test_a_numbered_alternative_is_cited_by_its_number_and_marks_show(tmp_path: Path) -> None:
    from helpers import build_in_process, write_project

    srcdir = write_project(tmp_path / "src", {"deps/0001-site.md": _SITE_PROPOSAL})
    build = build_in_process(srcdir, tmp_path / "out")
    assert build.warnings == []
    html = (build.outdir / "deps" / "0001-site.html").read_text(encoding="utf-8")
    assert 'id="DEP-0001-ALT-2"' in html
    assert 'href="#DEP-0001-ALT-2"' in html  # the {need} role cites it
    assert "Rejected alternative 2" in html
    assert '<span class="dep-category">Architecture</span>' in html  # the canonical name
    assert 'class="dep-badge dep-primary-author"' in html
    assert 'class="dep-badge dep-provisional"' in html
    assert "(code review: " in html
    assert len(re.findall(r'<dt class="dep-field-phase-status [^"]*">Status', html)) == 2
    assert len(re.findall(r'<dt class="dep-field-moved-to [^"]*">Moved to', html)) == 1


def test_dep_notify_writes_proposal_text_inert_and_leaves_embargoed_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F1, F26: only the reviewer's own @handle mentions; no ping, reference or link from a title."""
    root = _project(tmp_path, "Under Review", ":sponsor: @dave\n:required-reviewers: @carol, Joe Bloggs\n")
    idea = root / "deps" / "0000-idea.md"
    idea.write_text(
        idea.read_text().replace(
            "# Idea", "# Ping @everyone, @octo-org/admins, a@b.io: https://evil.example/x #1 www.evil.example"
        )
    )
    (root / "deps" / "0000-secret.md").write_text(
        _DRAFT.format(status="Under Review", extra=":required-reviewers: @carol\n:embargoed:\n").replace(
            "# Idea", "# Secret"
        )
    )
    assert cli.main(["notify", "--root", str(root), "--color", "never"]) == 0
    out = capsys.readouterr().out
    wj = "&#8288;"  # U+2060 WORD JOINER
    item = (
        f"- Draft Ping @{wj}everyone, @{wj}octo-org/admins, a@{wj}b.io: https:{wj}//evil.example/x \\#{wj}1 "
        f"www{wj}.evil.example (deps/0000-idea.md): no review date set yet; your review: Not Started"
    )
    assert out.count(item) == 2
    assert "### @carol\n\n@carol, you are a required reviewer of 1 proposal under review:" in out
    assert "Secret" not in out and "0000-secret" not in out
    assert cli.main(["notify", "--root", str(root), "--format", "json"]) == 0
    assert "Secret" not in capsys.readouterr().out
