"""``dep migrate``: legacy headers to ``dep-meta``, over synthetic headers and the real corpus."""

from __future__ import annotations

import argparse
import io
import os
import shutil
from datetime import date
from pathlib import Path

import docutils
import pytest
from helpers import CONF, CORPUS, INDEX, sphinx_build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinxcontrib_dep import migrate
from sphinxcontrib_dep.core.config import DepConfig
from sphinxcontrib_dep.core.parsing import guess_date, parse_file
from sphinxcontrib_dep.core.reader import split_directive_options
from sphinxcontrib_dep.migrate import Kind, format_value, migrate_text
from sphinxcontrib_dep.migrate import command as migrate_command

#: docutils' message for a document that ends in a transition (reworded in docutils 0.23).
END_TRANSITION = (
    "Transition at the end of the document."
    if docutils.__version_info__ >= (0, 23)
    else "Document may not end with a transition."
)
#: ``DEP_CORPUS`` points elsewhere (a worktree's ``../shared`` may not be the shared folder).
CORPUS = Path(os.environ.get("DEP_CORPUS", CORPUS))
DEPS = CORPUS / "deps"
needs_corpus = pytest.mark.skipif(
    not DEPS.is_dir(),
    reason=f"the legacy corpus is not at {CORPUS} (it lives in ../shared, outside the repo; set DEP_CORPUS)",
)


def options_of(text: str, path: str = "deps/0001-x.md", config: DepConfig | None = None) -> dict[str, str]:
    return migrate_text(text, path, config).options


def decisions(text: str, path: str = "deps/0001-x.md") -> list[str]:
    return [d.format() for d in migrate_text(text, path).decisions]


# --------------------------------------------------------------------------------------
# Header forms
# --------------------------------------------------------------------------------------

BODY = "\n# Summary\n\nThe body. **Status**: not a header field.\n"


@pytest.mark.parametrize(
    "header",
    [
        "**Status**: Draft\n\n**Authors**: @a, @b\n",
        "**Status:** Draft\n**Authors:** @a @b\n",
        "**Status** :   Draft   \n\n\n**Authors** : [@a](https://github.com/a), [b](https://github.com/b)\n",
        "Status: Draft\nAuthors: @a and @b\n",
        "- **Status**: Draft\n- **Authors**: @a; @b\n",
        "__Status__: Draft\n\n__Authors__: @a, @b\n",
        "## Status\nDraft\n\n## Authors\n@a, @b\n",
        "## Status:\n\nDraft\n\n## Authors\n\n@a\n@b\n",
        "**Status**: Draft <!-- Draft | Under Review | Approved -->\n**Authors**:\n- @a\n- @b\n",
        "**STATUS**: *Draft*\n**authors**: @a,\n  @b\n",
    ],
)
def test_header_forms_read_the_same(header: str) -> None:
    text = f"# Title\n\n{header}{BODY}"
    result = migrate_text(text, "deps/0001-x.md")
    assert result.options == {"status": "In Progress", "authors": "@a, @b"}
    assert result.new_text == "# Title\n\n```{dep-meta}\n:status: In Progress\n:authors: @a, @b\n```\n" + BODY


def test_a_header_above_the_title_moves_under_it() -> None:
    text = "**Status**: Approved\n**Category**: Process\n\n# Title\n\nBody.\n"
    result = migrate_text(text, "deps/0002-x.md")
    assert (
        result.new_text == "# Title\n\n```{dep-meta}\n:status: Approved\n:category: Process\n```\n\nBody.\n"
    )


def test_line_ends_and_bom_are_kept() -> None:
    text = "\ufeff# Title\r\n\r\n**Status**: Draft\r\n\r\nBody\r\n"
    result = migrate_text(text, "deps/0001-x.md")
    assert (
        result.new_text == "\ufeff# Title\r\n\r\n```{dep-meta}\r\n:status: In Progress\r\n```\r\n\r\nBody\r\n"
    )


@pytest.mark.parametrize(
    ("text", "outcome", "message"),
    [
        (
            "No title here.\n\n**Status**: Draft\n",
            "skipped",
            "deps/0001-x.md:1: no '# Title' heading to put the dep-meta block under; left as it is [needs a human]",
        ),
        (
            "# Title\n\nJust prose.\n\n**Status**: Draft\n",
            "skipped",
            "deps/0001-x.md:1: no legacy header (such as '**Status**: Draft') found; left as it is [needs a human]",
        ),
        (
            "# Title\n\n```{dep-meta}\n:status: Draft\n```\n",
            "unchanged",
            "deps/0001-x.md: already has a dep-meta block; left as it is [note]",
        ),
        (
            "# Title\n\n**Status**: Draft\n\n```{dep-meta}\n:status: Draft\n```\n",
            "unchanged",
            "deps/0001-x.md:3: a dep-meta block and a legacy header both; merge them by hand [needs a human]",
        ),
        # One known heading is a section called "Implementation", not a header.
        (
            "# Title\n\n## Implementation\n\nWe will build it.\n",
            "skipped",
            "deps/0001-x.md:1: no legacy header (such as '**Status**: Draft') found; left as it is [needs a human]",
        ),
    ],
)
def test_files_left_alone_say_why(text: str, outcome: str, message: str) -> None:
    result = migrate_text(text, "deps/0001-x.md")
    assert (result.outcome, result.new_text, [d.format() for d in result.decisions]) == (
        outcome,
        text,
        [message],
    )


def test_a_long_section_under_a_field_heading_ends_the_header() -> None:
    text = "# T\n\n## Status\nDraft\n\n## Implementation\none\ntwo\nthree\nfour\n"
    result = migrate_text(text, "deps/0001-x.md")
    assert result.options == {"status": "In Progress"}
    assert result.new_text.endswith("```\n\n## Implementation\none\ntwo\nthree\nfour\n")


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "status", "message"),
    [
        ("Accepted", "Approved", "'Accepted' -> Approved (legacy status word)"),
        ("Ready for Review", "Under Review", "'Ready for Review' -> Under Review (legacy status word)"),
        # The seed's own word: dep-meta reads it as the migrator does (one mapping, in the model).
        ("Replaced", "Superseded", "'Replaced' -> Superseded"),
        ("under-review", "Under Review", "'under-review' -> Under Review"),
        ("[ ] Draft [x] Approved [ ] Rejected", "Approved", "checked option 'Approved' read from the list"),
        (
            "\n- [ ] Draft\n- [X] Under Review",
            "Under Review",
            "checked option 'Under Review' read from the list",
        ),
    ],
)
def test_statuses(written: str, status: str, message: str) -> None:
    text = f"# T\n\n**Status**: {written}\n\n# Body\n"
    assert options_of(text)["status"] == status
    assert f"deps/0001-x.md:3: status: {message} [normalised]" in decisions(text)


def test_an_unknown_status_is_kept_and_named() -> None:
    text = "# T\n\n**Status**: Withdrawn\n**Authors**: @a\n"
    assert options_of(text) == {"authors": "@a", "legacy-status": "Withdrawn"}
    assert [d for d in decisions(text) if d.endswith("[needs a human]")] == [
        "deps/0001-x.md:3: status: 'Withdrawn' is none of the eight statuses (Not Started, In Progress, "
        "Under Review, Approved, Implemented, Rejected, Deferred, Superseded); kept as :legacy-status: [needs a human]",
        "deps/0001-x.md:3: status: no status the process knows; set :status: by hand [needs a human]",
    ]


def test_unchosen_template_choices_are_placeholders() -> None:
    text = (
        "# <Title>\n\n**Status**: Draft | Under Review | Approved | Replaced | Deferred | Rejected\n\n"
        "**Authors**: [Name/Team]\n\n**Category**: Architecture | Process | Guidelines\n\n"
        "**Review Date**: [Date for review]\n\n"
        "**Implementation PR / Tracking Issue**: [Link to Pull Request or Tracking Issue for Implementation]\n"
    )
    result = migrate_text(text, "deps/0000-x.md")
    assert result.options == {}
    assert [d.format() for d in result.decisions if d.kind is Kind.EMPTY] == [
        "deps/0000-x.md:3: status: template choices 'Draft | Under Review | Approved | Replaced | Deferred | "
        "Rejected' left unchosen -> none [empty]",
        "deps/0000-x.md:5: authors: template placeholder '[Name/Team]' -> none [empty]",
        "deps/0000-x.md:7: category: template choices 'Architecture | Process | Guidelines' left unchosen -> none [empty]",
        "deps/0000-x.md:9: review-date: template placeholder '[Date for review]' -> none [empty]",
        "deps/0000-x.md:11: implementation: template placeholder '[Link to Pull Request or Tracking Issue for "
        "Implementation]' -> none [empty]",
    ]


@pytest.mark.parametrize(
    ("name", "option"),
    [
        ("Sponser / Steward", "sponsor"),
        ("Sponsor", "sponsor"),
        ("Steward", "sponsor"),
        ("Implementation PR / Tracking Issue", "implementation"),
        ("Implementation", "implementation"),
        ("Issue(s)", "implementation"),
        ("Tracking Issues", "implementation"),
    ],
)
def test_field_name_variants(name: str, option: str) -> None:
    value = "@a" if option == "sponsor" else "https://github.com/o/r/issues/1"
    assert options_of(f"# T\n\n**Status**: Draft\n**{name}**: {value}\n")[option] == value


def test_two_implementation_fields_add_up() -> None:
    text = (
        "# T\n\n**Status**: Draft\n**Implementation**: https://github.com/o/r/pull/1\n"
        "**Issue(s)**: [#2](https://github.com/o/r/issues/2) and\n  https://github.com/o/r/issues/3\n"
    )
    assert options_of(text)["implementation"] == (
        "https://github.com/o/r/pull/1, https://github.com/o/r/issues/2, https://github.com/o/r/issues/3"
    )


@pytest.mark.parametrize(
    ("written", "category", "legacy"),
    [
        ("Architecture", "Architecture", None),
        ("process", "Process", None),
        ("Architecture - CI/CD", "Architecture", "Architecture - CI/CD"),
        ("Process - CI/CD", "Process", "Process - CI/CD"),
        ("CI/CD", None, "CI/CD"),
        ("Test Design Proposal", None, "Test Design Proposal"),
        ("Architecture, Process", None, "Architecture, Process"),
    ],
)
def test_categories_map_only_when_unambiguous(written: str, category: str | None, legacy: str | None) -> None:
    found = options_of(f"# T\n\n**Status**: Draft\n**Category**: {written}\n")
    assert (found.get("category"), found.get("legacy-category")) == (category, legacy)


def test_two_categories_with_a_pipe_are_not_a_table() -> None:
    assert options_of("# T\n\n**Status**: Draft\n**Category**: Architecture | Process\n") == {
        "status": "In Progress",
        "legacy-category": "Architecture | Process",
    }


def test_categories_follow_the_configuration() -> None:
    config = DepConfig(categories=["Architecture", "CI/CD"])
    assert options_of("# T\n\n**Status**: Draft\n**Category**: ci-cd\n", config=config)["category"] == "CI/CD"


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2025-04-16", "2025-04-16"),
        ("Jul 09 2025", "2025-07-09"),
        ("07/15/2025", "2025-07-15"),
        ("July 21 2025", "2025-07-21"),
        ("March 31, 2026", "2026-03-31"),
        ("Wednesday, July 9, 2025", "2025-07-09"),
    ],
)
def test_dates(written: str, iso: str) -> None:
    assert options_of(f"# T\n\n**Status**: Draft\n**Review Date**: {written}\n")["review-date"] == iso


def test_dates_that_cannot_be_read_are_kept() -> None:
    text = "# T\n\n**Status**: Draft\n**Review Date**: after the summit\n**Review Date**: TBD\n"
    assert options_of(text) == {"status": "In Progress", "legacy-review-date": "after the summit"}
    assert "deps/0001-x.md:5: review-date: 'TBD' -> none [empty]" in decisions(text)


def test_ambiguous_numeric_dates_say_how_they_were_read() -> None:
    text = "# T\n\n**Status**: Draft\n**Review Date**: 07/01/2025\n"
    assert (
        "deps/0001-x.md:4: review-date: '07/01/2025' -> 2025-07-01 (read month first, as US dates are "
        "written) [normalised]" in decisions(text)
    )


def test_people() -> None:
    text = (
        "# T\n\n**Status**: Draft\n"
        "**Authors**: [nnshah1](https://github.com/nnshah1) [@kthui](https://github.com/kthui), Jane Doe, "
        "[Ann Lee](https://example.org/ann)\n"
        "**Sponsor**: saturley-hall, [nv-anants], Meenakshi Sharma\n"
        "**Required Reviewers**: @a (approved), @ai-dynamo/DevOps, Ryan Olson (NVIDIA), @c ✅, @d ❌\n"
    )
    assert options_of(text) == {
        "status": "In Progress",
        "authors": "@nnshah1, @kthui, Jane Doe, Ann Lee <https://example.org/ann>",
        "sponsor": "@saturley-hall, @nv-anants, Meenakshi Sharma",
        "required-reviewers": "@a (approved), @ai-dynamo/DevOps, @c (approved), @d (rejected)",
        "legacy-required-reviewers": "Ryan Olson (NVIDIA)",
    }


def test_replaces_partial_and_pull_request_links() -> None:
    text = (
        "# T\n\n**Status**: Draft\n"
        "**Replaces (partially)**: [DEP-0003](0003-old.md), 0004\n"
        "**Replaced By**: DEP 7 (partially), https://github.com/o/r/pull/9, "
        "[new](https://example.org/deps/0012-new.md)\n"
    )
    assert options_of(text) == {
        "status": "In Progress",
        "replaces": "DEP-0003 (partial), DEP-0004 (partial)",
        "replaced-by": "DEP-0007 (partial), https://github.com/o/r/pull/9, DEP-0012",
    }


def test_links_with_labels_become_urls_and_leftovers_are_kept() -> None:
    text = (
        "# T\n\n**Status**: Draft\n"
        "**Pull Request**: [PR#1](https://github.com/o/r/pull/1) https://github.com/o/r/pull/2\n"
        "**Implementation**: [OPS-724](https://linear.app/x/OPS-724), see the wiki\n"
    )
    result = migrate_text(text, "deps/0001-x.md")
    assert result.options == {
        "status": "In Progress",
        "pull-request": "https://github.com/o/r/pull/1",
        "implementation": "https://linear.app/x/OPS-724",
        "legacy-pull-request": "https://github.com/o/r/pull/2",
        "legacy-implementation": "see the wiki",
    }
    assert [d.format() for d in result.decisions if d.kind is Kind.HUMAN] == [
        "deps/0001-x.md:4: pull-request: one URL expected, 2 found; the others are kept as "
        ":legacy-pull-request: [needs a human]",
        "deps/0001-x.md:5: implementation: 'see the wiki' is not a link; kept as :legacy-implementation: "
        "[needs a human]",
    ]


def test_unknown_fields_and_comments_are_kept() -> None:
    text = "# T\n\n**Status**: Draft <!-- decided in the May meeting -->\n**Team**: Runtime\n\nBody\n"
    result = migrate_text(text, "deps/0001-x.md")
    assert result.new_text == (
        "# T\n\n```{dep-meta}\n:status: In Progress\n:legacy-team: Runtime\n```\n"
        "<!-- decided in the May meeting -->\n\nBody\n"
    )
    assert [d.format() for d in result.decisions if d.kind is Kind.HUMAN] == [
        "deps/0001-x.md:3: status: comment '<!-- decided in the May meeting -->' kept beside the block [needs a human]",
        "deps/0001-x.md:4: team: unknown field 'Team'; kept as :legacy-team: [needs a human]",
    ]


def test_number_field_and_file_name() -> None:
    assert (
        "deps/0000-x.md:1: the file name carries no number, but the status is Approved; give the file "
        "its number [needs a human]" in decisions("# T\n\n**Status**: Approved\n", "deps/0000-x.md")
    )
    text = "# T\n\n**Status**: Draft\n**Number**: 12\n"
    assert options_of(text, "deps/0012-x.md") == {"status": "In Progress"}
    assert options_of(text, "deps/0013-x.md") == {"status": "In Progress", "legacy-number": "12"}


@pytest.mark.parametrize(
    "value", ["see #12", "#12", '"quoted"', "'single'", "| pipe", "> gt", "a: b", "@x, @y"]
)
def test_values_read_back_as_written_by_myst_and_the_scanner(value: str) -> None:
    from myst_parser.parsers.options import options_to_items

    written = format_value(value)
    assert options_to_items(f"a: {written}")[0] == [("a", value)]
    options = split_directive_options([f":a: {written}"], 1)[0]
    assert [(o.name, o.value) for o in options] == [("a", value)]


def test_guess_date_skips_a_weekday() -> None:
    assert guess_date("Wed, Jul 9 2025") == date(2025, 7, 9)
    assert guess_date("Someday Jul 9 2025") is None


def test_migrated_header_parses_without_complaint() -> None:
    text = "# T\n\n**Status**: Accepted\n**Authors**: @a\n**Category**: Architecture - CI/CD\n**Review Date**: Jul 09 2025\n"
    new = migrate_text(text, "deps/0001-x.md").new_text
    dep, _, found = parse_file(new, "deps/0001-x.md")
    assert found == []
    assert dep is not None and dep.unmapped == {"category": "Architecture - CI/CD"}
    assert (dep.status and dep.status.value, dep.category, str(dep.review_date)) == (
        "Approved",
        "Architecture",
        "2025-07-09",
    )


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

STATUS_WORDS = [
    ("Approved", "Approved"),
    ("accepted", "Approved"),
    ("Ready for Review", "Under Review"),
    ("Replaced", "Superseded"),
    ("Draft", "In Progress"),
    ("deferred", "Deferred"),
]
DATE_FORMS = ["%Y-%m-%d", "%b %d %Y", "%m/%d/%Y", "%B %d %Y", "%B %d, %Y", "%d %B %Y", "%Y/%m/%d"]
HANDLES = st.from_regex(r"[a-z][a-z0-9]{1,8}(-[a-z0-9]{1,5})?", fullmatch=True)


def casing(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.lower(), word.upper(), word.title()])


@st.composite
def legacy_header(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    """A legacy header in random form, order, spacing and casing, and the options it means."""
    status_written, status = draw(st.sampled_from(STATUS_WORDS))
    handles = draw(st.lists(HANDLES, min_size=1, max_size=3, unique=True))
    day = draw(st.dates(date(2000, 1, 1), date(2030, 12, 31)))
    category = draw(st.sampled_from(["Architecture", "Process", "Guidelines"]))
    pr = draw(st.integers(1, 9999))

    def person(handle: str) -> st.SearchStrategy[str]:
        return st.sampled_from(
            [
                f"@{handle}",
                f"[@{handle}](https://github.com/{handle})",
                f"[{handle}](https://github.com/{handle})",
            ]
        )

    authors = draw(st.sampled_from([", ", " ", ", and "])).join(draw(person(h)) for h in handles)
    url = f"https://github.com/o/r/pull/{pr}"
    fields = [
        (draw(casing("Status")), draw(casing(status_written))),
        (draw(st.sampled_from(["Authors", "Author(s)", "AUTHORS"])), authors),
        (draw(casing("Category")), draw(casing(category))),
        (
            draw(st.sampled_from(["Review Date", "review date"])),
            day.strftime(draw(st.sampled_from(DATE_FORMS))),
        ),
        (
            draw(st.sampled_from(["Pull Request", "pull request"])),
            draw(st.sampled_from([url, f"[#{pr}]({url})", f"[PR#{pr}]({url})", f"<{url}>"])),
        ),
        (
            draw(st.sampled_from(["Sponsor", "Sponser / Steward", "Steward"])),
            draw(st.sampled_from(["TBD", "N/A", "[Name of code owner or maintainer to shepard process]"])),
        ),
    ]
    fields = draw(st.permutations(fields))
    lines: list[str] = []
    for name, value in fields:
        form = draw(st.sampled_from(["outside", "inside", "spaced", "plain", "bullet", "heading"]))
        lines.append(
            {
                "outside": f"**{name}**: {value}",
                "inside": f"**{name}:** {value}",
                "spaced": f"**{name}** :  {value}  ",
                "plain": f"{name}: {value}",
                "bullet": f"- **{name}**: {value}",
                "heading": f"## {name}\n{value}",
            }[form]
        )
        lines.append("\n" * draw(st.integers(0, 2)))
    expected = {
        "status": status,
        "authors": ", ".join(f"@{h}" for h in handles),
        "category": category,
        "review-date": day.isoformat(),
        "pull-request": url,
    }
    return "\n".join(lines).rstrip("\n") + "\n", expected


BODY_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "",
                "**Status**: not header",
                "## Status",
                "```python",
                "```",
                "- [x] item",
                "<!-- comment -->",
                "---",
                "Text with trailing spaces  ",
                "\t tab",
            ]
        ),
        st.text(
            st.characters(
                blacklist_categories=["Cs"], blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
            ),
            max_size=30,
        ),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(legacy_header(), BODY_LINES, st.sampled_from(["# Summary", "## Motivation", "---", "# Proposal"]))
def test_any_header_form_migrates_to_the_same_block(
    header: tuple[str, dict[str, str]], body: list[str], first: str
) -> None:
    text, expected = header
    rest = "\n" + first + "\n" + "".join(line + "\n" for line in body)
    source = f"# A title\n\n{text}{rest}"
    result = migrate_text(source, "deps/0042-x.md")
    assert result.options == expected
    assert result.new_text == "# A title\n\n" + migrate.render_block(expected) + rest  # body byte for byte
    again = migrate_text(result.new_text, "deps/0042-x.md")
    assert again.new_text == result.new_text and again.outcome == "unchanged"


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    migrate_command.add_arguments(parser)
    out = io.StringIO()
    code = migrate_command.run(parser.parse_args(list(argv)), out=out)
    return code, out.getvalue()


LEGACY = "# T\n\n**Status**: Accepted\n**Review Date**: Jul 09 2025\n\nBody\n"


def test_dry_run_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / "0001-x.md").write_text(LEGACY)
    code, out = run("deps")
    assert code == 0
    assert (tmp_path / "deps" / "0001-x.md").read_text() == LEGACY
    assert out == (
        "deps/0001-x.md: would be migrated\n"
        "  deps/0001-x.md:3: status: 'Accepted' -> Approved (legacy status word) [normalised]\n"
        "  deps/0001-x.md:4: review-date: 'Jul 09 2025' -> 2025-07-09 [normalised]\n"
        "  deps/0001-x.md: number DEP-0001 from the file name [note]\n"
        "\n"
        "files: 1 read, 1 to migrate, 0 already migrated, 0 skipped\n"
        "values normalised: 2\n"
        "values empty or template placeholders: 0\n"
        "values needing a human: 0\n"
        "duplicate numbers found: 0\n"
        "dry run: nothing written (use --in-place or --output DIR)\n"
    )


def test_check_in_place_and_check_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "0001-x.md"
    path.write_text(LEGACY)
    code, out = run("--check", "0001-x.md", "0001-x.md", ".")
    assert (code, out.count("0001-x.md: would be migrated"), out.splitlines()[-1]) == (
        1,
        1,
        "1 file(s) would change",
    )
    assert path.read_text() == LEGACY
    code, out = run("--in-place", "0001-x.md")
    assert code == 0
    migrated = path.read_text()
    assert migrated == "# T\n\n```{dep-meta}\n:status: Approved\n:review-date: 2025-07-09\n```\n\nBody\n"
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    code, out = run("--check", "0001-x.md")
    assert (code, out.splitlines()[-1]) == (0, "nothing to migrate")
    assert run("--in-place", "0001-x.md")[0] == 0 and path.read_text() == migrated


def test_bad_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("missing.md")[0] == 2
    assert capsys.readouterr().err == "dep migrate: missing.md: no such file or folder\n"
    (tmp_path / "0001-x.md").write_bytes(b"# T\n\n**Status**: \xff\n")
    code, out = run("0001-x.md")
    assert code == 1
    assert "0001-x.md:3: not valid UTF-8 (invalid start byte at byte 17) [dep.encoding]" in out
    with pytest.raises(SystemExit):
        run("--in-place", "--output", "out", "0001-x.md")
    capsys.readouterr()
    (tmp_path / "0002-y.md").write_text(LEGACY)
    assert run("0002-y.md", "--output", ".")[0] == 2
    assert capsys.readouterr().err == (
        "dep migrate: --output . would overwrite 0002-y.md; use --in-place to rewrite files where they are\n"
    )
    assert (tmp_path / "0002-y.md").read_text() == LEGACY


def test_module_runs_on_its_own(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "0001-x.md").write_text(LEGACY)
    result = subprocess.run(
        [sys.executable, "-m", "sphinxcontrib_dep.migrate", "--check", "0001-x.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert "1 file(s) would change" in result.stdout


# --------------------------------------------------------------------------------------
# The real corpus
# --------------------------------------------------------------------------------------

#: Every header field of every corpus proposal, as the dep-meta options it becomes.
CORPUS_TABLE: dict[str, dict[str, str]] = {
    "0000-dep-process.md": {
        "status": "Approved",
        "authors": "@nnshah1, @ryanolson",
        "category": "Process",
        "sponsor": "@nnshah1",
        "required-reviewers": "@dzier, @statiraju, @kkranen, @nvda-mesharma, @ganeshku1, @hutm",
        "review-date": "2025-04-16",
        "pull-request": "https://github.com/ai-dynamo/enhancements/pull/1",
    },
    "0001-stream-res-err.md": {
        "status": "Approved",
        "authors": "@nnshah1, @kthui",
        "category": "Architecture",
        "sponsor": "@ryanolson, @grahamking",
        "required-reviewers": "@ryanolson, @grahamking",
        "review-date": "2025-07-09",
        "pull-request": "https://github.com/ai-dynamo/enhancements/pull/15",
        "implementation": "https://github.com/ai-dynamo/dynamo/pull/1671",
    },
    "0002-dep-trtllm-disagg-workflow.md": {
        "status": "Approved",
        "authors": "Tanmay Verma",
        "category": "Architecture",
        "sponsor": "@richardhuo-nv, @nnshah1, @nvrohanv",
        "required-reviewers": "@richardhuo-nv, @nnshah1",
        "review-date": "2025-07-15",
        "pull-request": "https://github.com/ai-dynamo/enhancements/pull/22",
        "implementation": "https://github.com/ai-dynamo/dynamo/pull/1884",
    },
    "0003-responses-api.md": {
        "status": "Approved",
        "authors": "Paul Hendricks",
        "category": "Architecture",
        "sponsor": "Ryan Olson",
        "required-reviewers": "Ryan Olson, Neelay Shah, Maksim Khadkevich, Ryan McCormick",
        "review-date": "2025-07-01",
        "pull-request": "https://github.com/ai-dynamo/enhancements/pull/16",
        "implementation": "https://github.com/ai-dynamo/dynamo/pull/1694",
    },
    "0005-llm-request-migration.md": {
        "status": "Approved",
        "authors": "@nnshah1, @kthui",
        "category": "Architecture",
        "sponsor": "@grahamking, @ryanolson",
        "required-reviewers": "@grahamking",
        "review-date": "2025-07-21",
        "pull-request": "https://github.com/ai-dynamo/enhancements/pull/25",
        "implementation": "https://github.com/ai-dynamo/dynamo/pull/1930",
    },
    "0006-build-and-dependency-management.md": {
        "status": "Approved",
        "authors": "@mc-nv",
        "required-reviewers": "@saturley-hall, @dmitry-tokarev-nv",
        "legacy-category": "CI/CD",
    },
    "0007-velonix-cicd-solution.md": {
        "status": "Under Review",
        "authors": "@dillon-cullinan",
        "category": "Architecture",
        "required-reviewers": "@saturley-hall, @dmitry-tokarev-nv",
        "pull-request": "https://github.com/ai-dynamo/enhancements/pull/36",
        "implementation": "https://linear.app/nvidia/issue/OPS-724/setup-a-k8-cluster-for-github-gpu-runners",
        "legacy-category": "Architecture - CI/CD",
    },
    "0008-dynamo-components-restructure.md": {
        "status": "Approved",
        "authors": "@anants",
        "category": "Architecture",
        "sponsor": "@nnshah1, @grahamking",
        "required-reviewers": "@nnshah1, @grahamking, @athreesh, @nealvaidya, @ai-dynamo/DevOps",
        "review-date": "2025-09-10",
    },
    "0008-testing-strategy.md": {
        "status": "In Progress",
        "authors": "Harrison, Pavithra, Neelay",
        "category": "Architecture",
        "sponsor": "@nnshah1",
        "required-reviewers": "Meenakshi, Neelay, Harrison, Alec",
        "review-date": "2025-09-09",
    },
    "0009-testing-in-ci-strategy.md": {
        "status": "In Progress",
        "authors": "Pavithra Vijayakrishnan",
        "required-reviewers": "Meenakshi, Harrison, Neelay",
        "legacy-category": "Test Design Proposal",
    },
    "0010-container-strategy.md": {
        "status": "Under Review",
        "authors": "@nv-tusharma",
        "category": "Architecture",
        "sponsor": "@saturley-hall, @nv-anants",
        "required-reviewers": "@nnshah1, @saturley-hall, @nv-anants, @nvda-mesharma, @mc-nv, @dmitry-tokarev-nv, "
        "@pvijayakrish",
        "review-date": "2025-07-18",
    },
    "0013-multimodal-embedding-cache.md": {
        "status": "Approved",
        "authors": "@furionw",
        "category": "Architecture",
        "sponsor": "@guanluo, @ziqifan617",
        "required-reviewers": "@guanluo, @ziqifan617, @milesial, @indrajit96, @nv-kmcgill53",
        "review-date": "2026-01-23",
    },
    "0014-automated-dependency-upgrades.md": {
        "status": "In Progress",
        "authors": "Anant",
        "category": "Process",
        "sponsor": "Meenakshi Sharma",
        "required-reviewers": "Neelay, Dillon",
        "review-date": "2026-03-31",
        "legacy-category": "Process - CI/CD",
    },
    "0014-error-standardization.md": {
        "status": "Approved",
        "authors": "@nnshah1, @kthui",
        "category": "Architecture",
        "sponsor": "@ryanolson, @grahamking, @PeaBrane",
        "required-reviewers": "@grahamking",
        "review-date": "2026-02-11",
        "pull-request": "https://github.com/ai-dynamo/enhancements/pull/70",
        "implementation": "https://github.com/ai-dynamo/dynamo/pull/6303",
        # Its Related Proposals section links two numbered files (issue 20).
        "related": "DEP-0005, DEP-0001",
    },
}


@needs_corpus
def test_corpus_table_covers_every_proposal() -> None:
    assert sorted(p.name for p in DEPS.glob("[0-9]*.md")) == sorted(CORPUS_TABLE)


@needs_corpus
@pytest.mark.parametrize("name", sorted(CORPUS_TABLE))
def test_corpus_header_fields(name: str) -> None:
    text = (DEPS / name).read_text(encoding="utf-8")
    result = migrate_text(text, f"deps/{name}")
    assert result.outcome == "migrated"
    assert result.options == CORPUS_TABLE[name]
    # Everything but the header is byte for byte the same: title, then block, then the rest.
    lines = text.splitlines(keepends=True)
    assert result.header is not None and result.insert_at == 1
    begin, end = result.header
    assert "".join(lines[1:begin]).strip() == ""
    assert result.new_text == lines[0] + "\n" + migrate.render_block(result.options) + "".join(lines[end:])
    assert migrate_text(result.new_text, f"deps/{name}").new_text == result.new_text


#: What the report says about the corpus that needs a human: its real problems.
CORPUS_HUMAN = [
    "deps/0000-dep-process.md:1: the file name carries no number, but the status is Approved; give the file its "
    "number [needs a human]",
    "deps/0006-build-and-dependency-management.md:7: category: 'CI/CD' matches no configured category "
    "(Architecture, Process, Build/Infrastructure, Guidelines); kept as :legacy-category: [needs a human]",
    "deps/0008-dynamo-components-restructure.md:1: number: DEP-0008 is also the number of "
    "deps/0008-testing-strategy.md; renumber one of them [needs a human]",
    "deps/0008-testing-strategy.md:1: number: DEP-0008 is also the number of "
    "deps/0008-dynamo-components-restructure.md; renumber one of them [needs a human]",
    "deps/0009-testing-in-ci-strategy.md:9: category: 'Test Design Proposal' matches no configured category "
    "(Architecture, Process, Build/Infrastructure, Guidelines); kept as :legacy-category: [needs a human]",
    "deps/0014-automated-dependency-upgrades.md:1: number: DEP-0014 is also the number of "
    "deps/0014-error-standardization.md; renumber one of them [needs a human]",
    "deps/0014-error-standardization.md:1: number: DEP-0014 is also the number of "
    "deps/0014-automated-dependency-upgrades.md; renumber one of them [needs a human]",
]

#: The warnings of a build of the migrated corpus: each one a real problem of the corpus.
CORPUS_WARNINGS = sorted(
    [
        # The numbers used twice.
        "deps/0008-testing-strategy.md:3: duplicate number DEP-0008: deps/0008-testing-strategy.md and "
        "deps/0008-dynamo-components-restructure.md both use it [dep.duplicate_number]",
        "deps/0014-error-standardization.md:3: duplicate number DEP-0014: deps/0014-error-standardization.md and "
        "deps/0014-automated-dependency-upgrades.md both use it [dep.duplicate_number]",
        # "<changed framework>" reads as an HTML tag, which a browser would hide; shown as text.
        "deps/0009-testing-in-ci-strategy.md:261: raw HTML shown as text: tag <changed> is not allowed [dep.raw_html]",
        # Links to files and anchors that do not exist (on GitHub either); the ones GitHub
        # follows (an anchor in another case, /enhancements/deps/0005-...md) lead to their page.
        *(
            f"deps/0000-dep-process.md:{n}: link to '[../NNNN_{kind}_template.md]': no file of the repository; "
            "a reference's target is written without brackets ([name]: ../file.md) [dep.link]"
            for n, kind in (
                (21, "limited"),
                (22, "complete"),
                (120, "limited"),
                (120, "complete"),
                (132, "limited"),
                (132, "complete"),
            )
        ),
        "deps/0008-testing-strategy.md:326: link to '#Performance-Tests': no heading of this file has that anchor; "
        "did you mean '#performance-expectations'? [dep.link]",
        *(
            f"deps/0008-testing-strategy.md:{n}: link to '#usage-in-continuous-integration-environments': no heading "
            "of this file has that anchor; a heading's anchor is its text in lower case, spaces as '-', punctuation "
            "dropped [dep.link]"
            for n in (357, 358, 379, 380)
        ),
        *(
            f"deps/0013-multimodal-embedding-cache.md:{n}: link to '!-- Add link --': a placeholder (an HTML "
            "comment) where the link's target goes; write its URL [dep.link]"
            for n in (23, 24)
        ),
        # An Approved proposal kept in a 0000 (unnumbered) file.
        "deps/0000-dep-process.md:4: a proposal that is Approved needs a number; only Not Started, In Progress and Under Review may stay unnumbered (run `dep number deps/0000-dep-process.md` to give it the next free number) [dep.unnumbered]",
        # Approved while the legacy header records no reviewer's approval (the old format had no place for it).
        "deps/0000-dep-process.md:8: Approved, but required reviewers have not all approved or deferred: @dzier (Not Started), @statiraju (Not Started), @kkranen (Not Started), @nvda-mesharma (Not Started), @ganeshku1 (Not Started), @hutm (Not Started); record who made the final call, and why, in :decision: [dep.approval]",
        "deps/0001-stream-res-err.md:8: Approved, but required reviewers have not all approved or deferred: @ryanolson (Not Started), @grahamking (Not Started); record who made the final call, and why, in :decision: [dep.approval]",
        "deps/0002-dep-trtllm-disagg-workflow.md:8: Approved, but required reviewers have not all approved or deferred: @richardhuo-nv (Not Started), @nnshah1 (Not Started); record who made the final call, and why, in :decision: [dep.approval]",
        "deps/0003-responses-api.md:8: Approved, but required reviewers have not all approved or deferred: Ryan Olson (Not Started), Neelay Shah (Not Started), Maksim Khadkevich (Not Started), Ryan McCormick (Not Started); record who made the final call, and why, in :decision: [dep.approval]",
        "deps/0005-llm-request-migration.md:8: Approved, but required reviewers have not all approved or deferred: @grahamking (Not Started); record who made the final call, and why, in :decision: [dep.approval]",
        "deps/0006-build-and-dependency-management.md:6: Approved, but required reviewers have not all approved or deferred: @saturley-hall (Not Started), @dmitry-tokarev-nv (Not Started); record who made the final call, and why, in :decision: [dep.approval]",
        "deps/0008-dynamo-components-restructure.md:8: Approved, but required reviewers have not all approved or deferred: @nnshah1 (Not Started), @grahamking (Not Started), @athreesh (Not Started), @nealvaidya (Not Started), @ai-dynamo/DevOps (Not Started); record who made the final call, and why, in :decision: [dep.approval]",
        "deps/0013-multimodal-embedding-cache.md:8: Approved, but required reviewers have not all approved or deferred: @guanluo (Not Started), @ziqifan617 (Not Started), @milesial (Not Started), @indrajit96 (Not Started), @nv-kmcgill53 (Not Started); record who made the final call, and why, in :decision: [dep.approval]",
        "deps/0014-error-standardization.md:8: Approved, but required reviewers have not all approved or deferred: @grahamking (Not Started); record who made the final call, and why, in :decision: [dep.approval]",
        # Under Review without a sponsor or review date.
        "deps/0007-velonix-cicd-solution.md:4: Under Review needs a sponsor, at least one required reviewer and a review date; missing a sponsor (:sponsor:) and a review date (:review-date:) [dep.review_incomplete]",
        # Sections the limited template requires, missing.
        "deps/0003-responses-api.md:14: missing section 'Alternate Solutions', which the limited template requires; write N/A if there are none [dep.section_missing]",
        "deps/0003-responses-api.md:14: missing section 'Motivation', which the limited template requires (before 'Proposal') [dep.section_missing]",
        "deps/0003-responses-api.md:14: missing section 'Summary', which the limited template requires (before 'Proposal') [dep.section_missing]",
        "deps/0006-build-and-dependency-management.md:19: missing section 'Alternate Solutions', which the limited template requires; write N/A if there are none [dep.section_missing]",
        "deps/0006-build-and-dependency-management.md:19: missing section 'Motivation', which the limited template requires (before 'Proposal') [dep.section_missing]",
        "deps/0006-build-and-dependency-management.md:19: missing section 'Summary', which the limited template requires (before 'Proposal') [dep.section_missing]",
        "deps/0013-multimodal-embedding-cache.md:36: missing section 'Alternate Solutions', which the limited template requires; write N/A if there are none [dep.section_missing]",
        # Top-level sections the template does not list (seed line 321: sections should not be changed).
        "deps/0006-build-and-dependency-management.md:12: section 'Observation:' is not a section of the limited template, whose sections should not be changed: make it a sub-section of one of them; did you mean 'Motivation'? [dep.section_unknown]",
        "deps/0006-build-and-dependency-management.md:15: section 'Goal:' is not a section of the limited template, whose sections should not be changed: make it a sub-section of one of them; did you mean 'Goals'? [dep.section_unknown]",
        "deps/0006-build-and-dependency-management.md:24: section 'Benefits:' is not a section of the limited template, whose sections should not be changed: make it a sub-section of one of them [dep.section_unknown]",
        # Template text left in place.
        "deps/0002-dep-trtllm-disagg-workflow.md:26: template instructions left unchanged in section 'Goals': 'List out any additional goals in bullet…' [dep.placeholder]",
        "deps/0002-dep-trtllm-disagg-workflow.md:42: placeholder '<1>' left from the template in section 'Requirements' [dep.placeholder]",
        "deps/0002-dep-trtllm-disagg-workflow.md:45: placeholders '<2>', '<Both the workflows should be properly tested>' left from the template in section 'REQ <1> <Option to control prefill-first or decode-first>' [dep.placeholder]",
        "deps/0009-testing-in-ci-strategy.md:121: template marker '[Optional]' left in section 'Python (pytest) Markers' [dep.placeholder]",
        "deps/0009-testing-in-ci-strategy.md:261: placeholder '<changed framework>' left from the template in section 'Workflows triggering CI' [dep.placeholder]",
        "deps/0010-container-strategy.md:212: placeholders '<#1>', '<Build Base Container Development>' left from the template in section 'Implementation Phases' [dep.placeholder]",
        "deps/0010-container-strategy.md:231: placeholders '<#2>', '<Restructure backend Dockerfiles to follow proposed structure>' left from the template in section 'Phase <#1> <Build Base Container Development>' [dep.placeholder]",
        "deps/0010-container-strategy.md:237: placeholder '<one or more links to github issues>' left from the template in section 'Phase <#2> <Restructure backend Dockerfiles to follow proposed structure>' [dep.placeholder]",
        "deps/0010-container-strategy.md:250: placeholders '<#3>', '<Build Caching Optimization>' left from the template in section 'Phase <#2> <Restructure backend Dockerfiles to follow proposed structure>' [dep.placeholder]",
        "deps/0010-container-strategy.md:270: template marker '**[Optional - if not applicable omit]**' left in section 'Related Proposals' [dep.placeholder]",
        "deps/0010-container-strategy.md:274: template marker '**[Required, if not applicable write N/A]**' left in section 'Alternate Solutions' [dep.placeholder]",
        "deps/0010-container-strategy.md:276: template instructions left unchanged in section 'Alternate Solutions': 'List out solutions that were considered…' [dep.placeholder]",
        "deps/0010-container-strategy.md:278: placeholders '<# 2>', '<Provide a single container with multi-backend support instead of multiple backend-specific containers>' left from the template in section 'Alternate Solutions' [dep.placeholder]",
        "deps/0010-container-strategy.md:340: template marker '**[Optional - if not applicable omit]**' left in section 'Background' [dep.placeholder]",
        "deps/0010-container-strategy.md:342: template instructions left unchanged in section 'Background': 'Add additional context and references as…' [dep.placeholder]",
        "deps/0010-container-strategy.md:346: template marker '**[Optional - if not applicable omit]**' left in section 'References' [dep.placeholder]",
        "deps/0010-container-strategy.md:348: template instructions left unchanged in section 'References': 'Add additional references as needed to h…' [dep.placeholder]",
        "deps/0010-container-strategy.md:350: placeholder '<hyper-linked title of an external reference resource>' left from the template in section 'References' [dep.placeholder]",
        "deps/0010-container-strategy.md:64: placeholders '<#1>', '<Backend Integration with Base Container>' left from the template in section 'Requirements' [dep.placeholder]",
        "deps/0010-container-strategy.md:71: placeholders '<#2>', '<Layered Container Structure>' left from the template in section 'REQ <#1> <Backend Integration with Base Container>' [dep.placeholder]",
        "deps/0010-container-strategy.md:78: placeholders '<#3>', '<Stage Purpose Definition>' left from the template in section 'REQ <#2> <Layered Container Structure>' [dep.placeholder]",
    ]
)


@needs_corpus
def test_corpus_migrates_and_builds_with_only_its_real_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "conf.py").write_text(CONF)
    (project / "index.md").write_text(INDEX)
    monkeypatch.chdir(CORPUS)
    code, out = run("deps", "--output", str(project / "deps"))
    assert code == 0
    report = out.splitlines()
    assert [line.strip() for line in report if line.endswith("[needs a human]")] == CORPUS_HUMAN
    assert report[-5:] == [
        "files: 14 read, 14 migrated, 0 already migrated, 0 skipped",
        "values normalised: 25",
        "values empty or template placeholders: 48",
        "values needing a human: 7",
        "duplicate numbers found: 2: DEP-0008 (deps/0008-dynamo-components-restructure.md, "
        "deps/0008-testing-strategy.md); DEP-0014 (deps/0014-automated-dependency-upgrades.md, "
        "deps/0014-error-standardization.md)",
    ]
    # The images beside the proposals came along.
    assert (project / "deps" / "0002_images" / "current.png").is_file()
    assert (project / "deps" / "0006" / "workflow.0.svg").is_file()

    build = sphinx_build(project, tmp_path / "html")
    assert build.returncode == 0, build.output
    assert sorted(build.warnings) == CORPUS_WARNINGS

    # A second run over the migrated copies changes nothing.
    monkeypatch.chdir(project)
    code, out = run("--check", "deps")
    assert (code, out.splitlines()[-1]) == (0, "nothing to migrate")


@needs_corpus
def test_the_corpus_is_not_copied_into_the_repository() -> None:
    repo = Path(__file__).parent.parent
    assert not any(repo.rglob("0008-testing-strategy.md"))


def test_output_copies_of_a_single_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "0001-x.md").write_text(LEGACY)
    assert run("0001-x.md", "--output", "out")[0] == 0
    assert (tmp_path / "0001-x.md").read_text() == LEGACY
    assert (tmp_path / "out" / "0001-x.md").read_text().startswith("# T\n\n```{dep-meta}\n")
    shutil.rmtree(tmp_path / "out")


@pytest.mark.parametrize(
    "table",
    [
        "| Field | Value |\n|-------|-------|\n| Status | Draft |\n| **Authors** | @a, @b |\n",
        "| Status | Draft |\n| :--- | --- |\n| Authors | @a @b |\n",
        "| Status: | Draft |\n| --- | --- |\n| Authors | @a, @b |\n",
    ],
)
def test_a_table_of_fields_is_a_header(table: str) -> None:
    result = migrate_text(f"# Title\n\n{table}{BODY}", "deps/0001-x.md")
    assert result.new_text == "# Title\n\n```{dep-meta}\n:status: In Progress\n:authors: @a, @b\n```\n" + BODY


def test_people_written_with_their_handles_and_mail() -> None:
    text = (
        "# T\n\n**Status**: Draft\n**Authors**: Ryan Olson (@ryanolson), Ann Lee ([@annl](https://github.com/annl)), "
        "Jane <jane@example.org>\n"
    )
    assert options_of(text) == {
        "status": "In Progress",
        "authors": "Ryan Olson <https://github.com/ryanolson>, Ann Lee <https://github.com/annl>",
        "legacy-authors": "Jane <jane@example.org>",
    }


def test_a_status_with_a_note_keeps_the_note() -> None:
    text = "# T\n\n**Status**: Accepted - merged in #12\n"
    assert options_of(text) == {"status": "Approved", "legacy-status": "Accepted - merged in #12"}
    new = migrate_text(text, "deps/0001-x.md").new_text
    assert ':legacy-status: "Accepted - merged in #12"' in new
    dep, _, found = parse_file(new, "deps/0001-x.md")
    assert found == [] and dep is not None and dep.unmapped == {"status": "Accepted - merged in #12"}


@needs_corpus
def test_the_migration_guide_shows_the_report_it_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    guide = (Path(__file__).parent.parent / "docs" / "migration.md").read_text(encoding="utf-8")
    marker = guide.index("<!-- report: dep migrate deps")
    shown = guide[marker:].split("```text\n", 1)[1].split("```\n", 1)[0]
    monkeypatch.chdir(CORPUS)
    code, out = run("deps")
    assert code == 0
    assert shown == out


FIELD_NAMES = [
    "Status",
    "Authors",
    "Category",
    "Sponsor",
    "Required Reviewers",
    "Review Date",
    "Replaces",
    "Replaced By",
    "Pull Request",
    "Implementation",
    "Template",
    "Decision",
    "Team",
    "Issue(s)",
]
VALUE_TEXT = st.text(
    st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"], blacklist_characters="\x85"),
    max_size=40,
).map(str.strip)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.one_of(st.sampled_from(FIELD_NAMES), VALUE_TEXT), VALUE_TEXT), min_size=1, max_size=8
    ),
    st.sampled_from(["**{}**: {}", "**{}:** {}", "- {}: {}", "| {} | {} |"]),
)
def test_any_values_give_a_block_that_reads_back_cleanly(fields: list[tuple[str, str]], form: str) -> None:
    from myst_parser.parsers.options import options_to_items

    header = "".join(form.format(name, value) + "\n" for name, value in [("Status", "Draft"), *fields])
    source = f"# Title\n\n{header}\n# Body\n"
    result = migrate_text(source, "deps/0007-x.md")
    assert result.outcome == "migrated"
    # Sphinx (through MyST) and the scanner both read every option back as the migrator meant it.
    lines = result.new_text.splitlines()
    fence = lines[2].removesuffix("{dep-meta}")
    block = lines[3 : lines.index(fence, 3)]
    myst = dict(options_to_items("\n".join(line[1:] for line in block))[0])
    assert myst == result.options
    dep, _, found = parse_file(result.new_text, "deps/0007-x.md")
    # Every value written is valid; the one gap the build reports is a status it could not read
    # (a line under "Status" that continued its value), which the report named for a human.
    expected = [] if "status" in result.options else ["dep.status"]
    assert [f"dep.{d.code.value}" for d in found] == expected
    assert ("status" in result.options) or any(
        d.message == "no status the process knows; set :status: by hand" for d in result.decisions
    )
    assert dep is not None
    assert migrate_text(result.new_text, "deps/0007-x.md").new_text == result.new_text
    assert result.new_text.endswith("\n# Body\n")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_migrates_without_a_traceback(text: str) -> None:
    result = migrate_text(text, "deps/0001-x.md")
    if result.changed:
        assert migrate_text(result.new_text, "deps/0001-x.md").new_text == result.new_text


def test_a_list_of_fields_keeps_the_unknown_ones() -> None:
    text = (
        "# Title\n\n- Feature Name: `async_drop`\n- Status: Accepted\n- Start Date: 2014-03-11\n"
        "- RFC PR: [rust-lang/rfcs#1](https://github.com/rust-lang/rfcs/pull/1)\n\n# Summary\n"
    )
    assert options_of(text) == {
        "status": "Approved",
        "legacy-feature-name": "`async_drop`",
        "legacy-start-date": "2014-03-11",
        "legacy-rfc-pr": "[rust-lang/rfcs#1](https://github.com/rust-lang/rfcs/pull/1)",
    }


def test_prose_after_the_header_stays_in_the_body() -> None:
    prose = (
        "**Important:** this proposal depends on the new runtime, which is itself still being designed "
        "and reviewed by the runtime team.\n"
    )
    text = f"# Title\n\n**Status**: Draft\n**Team**: Runtime\n\n{prose}\n# Summary\n"
    result = migrate_text(text, "deps/0001-x.md")
    assert result.options == {"status": "In Progress", "legacy-team": "Runtime"}
    assert result.new_text.endswith(f"```\n\n{prose}\n# Summary\n")


def test_a_comment_above_the_header_stays_in_place() -> None:
    text = "# Title\n\n<!-- fill in the fields below -->\n\n**Status**: Draft\n**Authors**: @a\n\n# Summary\n"
    assert migrate_text(text, "deps/0001-x.md").new_text == (
        "# Title\n\n```{dep-meta}\n:status: In Progress\n:authors: @a\n```\n"
        "\n<!-- fill in the fields below -->\n\n\n# Summary\n"
    )


def test_settings_given_by_the_caller_are_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "0001-x.md").write_text("# T\n\n**Status**: Draft\n**Category**: CI/CD\n")
    parser = argparse.ArgumentParser()
    migrate_command.add_arguments(parser)
    for extra in ({"config": ["id_width=4"]}, {"dep_config": DepConfig(categories=["CI/CD"])}):
        args = parser.parse_args(["0001-x.md"])
        vars(args).update(extra)
        out = io.StringIO()
        assert migrate_command.run(args, out=out) == 0
        mapped = "matches no configured category" not in out.getvalue()
        assert mapped is ("dep_config" in extra)


def test_every_kind_of_migrated_value_builds_cleanly(tmp_path: Path) -> None:
    from helpers import CONF, build_in_process, write_project

    legacy = {
        "deps/0003-old.md": "# Old\n\n**Status**: Replaced\n**Replaced By**: [DEP-0009](0009-new.md) (partially)\n"
        "**Authors**: @a\n\n# Summary\n\nOld.\n",
        "deps/0009-new.md": (
            "# New\n\n<!-- header -->\n\n- **Status:** [ ] Draft [x] Accepted\n"
            "- **Authors**: Ryan Olson (@ryanolson), [Ann](https://example.org/ann), jane-doe\n"
            "- **Sponser / Steward**: @b\n- **Category**: Architecture - CI/CD <!-- ask the board -->\n"
            "- **Replaces (partially)**: [DEP-0003](0003-old.md), https://github.com/o/r/pull/4\n"
            "- **Review Date**: Wed, Jul 9 2025\n- **Pull Request**: [#5](https://github.com/o/r/pull/5)\n"
            "- **Implementation PR / Tracking Issue**:\n  - [#6](https://github.com/o/r/pull/6)\n"
            "  - https://github.com/o/r/issues/7\n- **Team**: see #runtime\n\n## Summary\n\nNew.\n"
        ),
    }
    migrated = {name: migrate_text(text, name).new_text for name, text in legacy.items()}
    assert migrated["deps/0009-new.md"].startswith(
        "# New\n\n```{dep-meta}\n:status: Approved\n"
        ":authors: Ryan Olson <https://github.com/ryanolson>, Ann <https://example.org/ann>, @jane-doe\n"
        ":category: Architecture\n:sponsor: @b\n:review-date: 2025-07-09\n"
        ":replaces: DEP-0003 (partial), https://github.com/o/r/pull/4 (partial)\n"
        ":pull-request: https://github.com/o/r/pull/5\n"
        ":implementation: https://github.com/o/r/pull/6, https://github.com/o/r/issues/7\n"
        ':legacy-category: Architecture - CI/CD\n:legacy-team: "see #runtime"\n```\n<!-- ask the board -->\n'
        "\n<!-- header -->\n\n\n## Summary\n"
    )
    # The values are under test here; the one-section bodies and the missing reviewers are
    # the structure rules' business (dep.section_missing, dep.approval), not the migrator's.
    conf = CONF + 'suppress_warnings = ["dep.section_missing", "dep.approval"]\n'
    root = write_project(tmp_path / "src", migrated, conf=conf)
    build = build_in_process(root, tmp_path / "out")
    assert build.warnings == []
    html = (build.outdir / "deps" / "0009-new.html").read_text(encoding="utf-8")
    assert "see #runtime" in html and "Architecture - CI/CD" in html


# --------------------------------------------------------------------------------------
# Header forms seen in the wild (issue 13): nothing is left below the block in silence
# --------------------------------------------------------------------------------------


def test_a_qualifier_after_the_bold_name_is_read() -> None:
    text = (
        "# X\n\n**Status**: Superseded\n\n**Replaces** (partially): https://github.com/o/r/pull/4\n\n"
        "**Replaced By** (in part): DEP-0009\n\n# Summary\n\nText.\n"
    )
    assert options_of(text) == {
        "status": "Superseded",
        "replaces": "https://github.com/o/r/pull/4 (partial)",
        "replaced-by": "DEP-0009 (partial)",
    }
    # A bold lead-in followed by a parenthesis and no colon is prose, not a field.
    assert options_of("# X\n\n**Status**: Draft\n\n**Note** (see below) text.\n") == {"status": "In Progress"}


def test_a_field_whose_values_are_an_indented_list_below_it() -> None:
    text = (
        "# X\n\n**Status**: Implemented\n\n**Implements Pull Requests**:\n"
        "    - https://github.com/o/r/pull/1\n    - https://github.com/o/r/pull/2\n\n"
        "**Sponsor**: @b\n\n# Summary\n\nText.\n"
    )
    result = migrate_text(text, "deps/0001-x.md")
    assert result.options == {
        "status": "Implemented",
        "sponsor": "@b",
        "implementation": "https://github.com/o/r/pull/1, https://github.com/o/r/pull/2",
    }
    assert "pull/1" not in result.new_text.split("```", 2)[2], "the list moved into the block"
    assert [d.format() for d in result.decisions if d.kind is Kind.HUMAN] == []


def test_a_header_looking_line_in_a_section_needs_a_human() -> None:
    text = (
        "# X\n\n**Status**: Draft\n\n# Summary\n\nText.\n\n**Review Date**: 2025-01-01\n\n"
        "- **PR:** a list item's lead-in, left alone\n\n"
        "**Decision:** Rejected. A sentence that goes on well beyond what any header value would ever hold, so prose.\n\n"
        "```\n**Status**: in a code block\n```\n"
    )
    assert [d for d in decisions(text) if d.endswith("[needs a human]")] == [
        "deps/0001-x.md:9: review-date: '**Review Date**: 2025-01-01' looks like a header field but lies "
        "below the header; left in the body (move it into dep-meta by hand) [needs a human]"
    ]
