"""Header edits keep every other byte; writes are atomic and stay inside the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinxcontrib_dep.core import editing, files, parsing

MD = """# A proposal

Intro.

```{dep-meta}
:status: In Progress
:authors: @a, @b
:category: Process
```

## Summary

```{code-block}
:status: not this one
```
"""


def test_replaces_only_the_option_line() -> None:
    result = editing.set_options(MD, "deps/0001-x.md", {"status": "Under Review"})
    assert result == MD.replace(":status: In Progress", ":status: Under Review", 1)


def test_adds_an_absent_option_after_the_last() -> None:
    result = editing.set_options(MD, "deps/0001-x.md", {"number": "12"})
    assert result == MD.replace(":category: Process\n", ":category: Process\n:number: 12\n")


def test_removes_an_option() -> None:
    result = editing.set_options(MD, "deps/0001-x.md", {"category": None, "number": None})
    assert result == MD.replace(":category: Process\n", "")


def test_alias_spelling_is_kept() -> None:
    text = MD.replace(":category: Process", ":sponsors: @x")
    result = editing.set_options(text, "deps/0001-x.md", {"sponsor": "@y"})
    assert result == text.replace(":sponsors: @x", ":sponsors: @y")


def test_crlf_and_bom_are_kept() -> None:
    text = "\ufeff" + MD.replace("\n", "\r\n")
    result = editing.set_options(text, "deps/0001-x.md", {"status": "Approved", "number": "3"})
    expected = text.replace(":status: In Progress", ":status: Approved").replace(
        ":category: Process\r\n", ":category: Process\r\n:number: 3\r\n"
    )
    assert result == expected


def test_empty_block_gets_its_first_option() -> None:
    text = "# T\n\n```{dep-meta}\n```\n"
    assert (
        editing.set_options(text, "x.md", {"status": "Approved"})
        == "# T\n\n```{dep-meta}\n:status: Approved\n```\n"
    )


def test_colon_fence_and_indented_fence() -> None:
    from sphinxcontrib_dep.core.reader import myst_config

    text = "# T\n\n:::{dep-meta}\n:status: Approved\n:::\n"
    colon = myst_config({"enable_extensions": ["colon_fence"]})
    assert (
        editing.set_options(text, "x.md", {"number": "2"}, colon)
        == "# T\n\n:::{dep-meta}\n:status: Approved\n:number: 2\n:::\n"
    )
    # Without the colon_fence extension (MyST's default) it is no directive, to Sphinx or here.
    with pytest.raises(editing.EditError, match="no dep-meta block"):
        editing.set_options(text, "x.md", {"number": "2"})
    nested = "# T\n\n- item\n\n  ```{dep-meta}\n  :status: Approved\n  ```\n"
    assert editing.set_options(nested, "x.md", {"status": "Rejected"}) == nested.replace(
        "Approved", "Rejected"
    )
    added = editing.set_options(nested, "x.md", {"number": "4"})
    assert added == nested.replace("  :status: Approved\n", "  :status: Approved\n  :number: 4\n")


def test_restructuredtext() -> None:
    text = "Title\n=====\n\n.. dep-meta::\n   :status: In Progress\n   :category: Process\n\nBody.\n"
    result = editing.set_options(text, "deps/0001-x.rst", {"status": "Approved", "number": "1"})
    assert result == text.replace("In Progress", "Approved").replace(
        "   :category: Process\n", "   :category: Process\n   :number: 1\n"
    )
    assert parsing.parse_file(result, "deps/0001-x.rst")[0].status.value == "Approved"


def test_restructuredtext_continuation_lines() -> None:
    text = "Title\n=====\n\n.. dep-meta::\n   :authors: @a,\n      @b\n   :category: Process\n"
    result = editing.set_options(text, "x.rst", {"authors": "@c"})
    assert result == text.replace("   :authors: @a,\n      @b\n", "   :authors: @c\n")
    assert editing.get_option(text, "x.rst", "authors") == "@a,\n@b"


def test_only_the_first_dep_meta_is_edited() -> None:
    text = MD + "\n```{dep-meta}\n:status: Rejected\n```\n"
    result = editing.set_options(text, "x.md", {"status": "Approved"})
    assert result.count(":status: Rejected") == 1
    assert result.count(":status: Approved") == 1


def test_refusals() -> None:
    with pytest.raises(editing.EditError, match="no dep-meta"):
        editing.set_options("# T\n\ntext\n", "x.md", {"status": "Approved"})
    with pytest.raises(editing.EditError, match="one line"):
        editing.set_options(MD, "x.md", {"status": "A\nB"})


def test_add_to_list_and_get_option() -> None:
    assert editing.add_to_list("N/A", "DEP-0002") == "DEP-0002"
    assert editing.add_to_list("DEP-0001", "DEP-0002") == "DEP-0001, DEP-0002"
    assert editing.get_option(MD, "x.md", "authors") == "@a, @b"
    assert editing.get_option(MD, "x.md", "replaces") is None


def test_set_title() -> None:
    assert editing.set_title("# <Title>\n\nx\n", "x.md", "Hello") == "# Hello\n\nx\n"
    with pytest.raises(editing.EditError):
        editing.set_title("no heading\n", "x.md", "Hello")


# --- fsutil -------------------------------------------------------------------------------------


def test_atomic_write_replaces_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "f.md"
    target.write_text("old")
    target.chmod(0o640)
    files.atomic_write(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["f.md"]


def test_interrupted_write_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.md"
    target.write_text("original")

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space"):
        files.atomic_write(target, "half")
    assert target.read_text() == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["f.md"]  # no temporary file left behind


def test_exclusive_write_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "f.md"
    files.atomic_write(target, "first", exclusive=True)
    with pytest.raises(FileExistsError):
        files.atomic_write(target, "second", exclusive=True)
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["f.md"]


def test_inside_refuses_escapes(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "deps").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "deps" / "link").symlink_to(outside)
    (repo / "deps" / "ok").symlink_to(repo / "deps")
    assert files.inside(repo, Path("deps/x.md")) == (repo / "deps" / "x.md").resolve()
    assert files.inside(repo, repo / "deps" / "ok" / "x.md") == (repo / "deps" / "x.md").resolve()
    with pytest.raises(files.UnsafePath, match="symlink"):
        files.inside(repo, repo / "deps" / "link" / "x.md")
    with pytest.raises(files.UnsafePath, match="outside the repository"):
        files.inside(repo, Path("deps/../../x.md"))


def test_unified_diff() -> None:
    assert files.unified_diff("a\nb\n", "a\nc\n", "deps/x.md") == (
        "--- a/deps/x.md\n+++ b/deps/x.md\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
    )
    assert files.unified_diff("", "new\n", "x.md").startswith("--- /dev/null\n+++ b/x.md\n")


def test_a_value_is_read_back_exactly_as_asked() -> None:
    # MyST reads " #" as the start of a comment: such a value is written quoted where needed.
    value = 'Team #1 said "yes" \\ no'
    result = editing.set_options(MD, "x.md", {"decision": value})
    assert editing.get_option(result, "x.md", "decision") == value
    added = [line for line in result.splitlines() if line not in MD.splitlines()]
    assert len(added) == 1 and added[0].startswith(":decision: ")


YAML_MD = "# T\n\n```{dep-meta}\n---\nstatus: In Progress\nauthors: @a\n---\n```\n\nBody.\n"


def test_yaml_option_block() -> None:
    result = editing.set_options(YAML_MD, "x.md", {"status": "Approved", "number": "3"})
    assert result == YAML_MD.replace(
        "status: In Progress\nauthors: @a\n", "status: Approved\nauthors: @a\nnumber: 3\n"
    )


# --- properties -----------------------------------------------------------------------------------

_NAMES = ["status", "authors", "category", "sponsor", "review-date", "replaces", "decision", "number"]
_VALUE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"),
    max_size=30,
).map(str.strip)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    present=st.dictionaries(
        st.sampled_from(_NAMES),
        st.from_regex(r"[A-Za-z0-9@ ,.-]{1,20}", fullmatch=True).map(str.strip),
        min_size=1,
    ),
    name=st.sampled_from(_NAMES),
    value=_VALUE,
    eol=st.sampled_from(["\n", "\r\n"]),
)
def test_setting_an_option_changes_that_line_only(
    present: dict[str, str], name: str, value: str, eol: str
) -> None:
    options = [f":{key}: {val}".rstrip() for key, val in present.items()]
    lines = ["# Title", "", "```{dep-meta}", *options, "```", "", "## Summary", "", "Body :status: x", ""]
    text = eol.join(lines)
    result = editing.set_options(text, "deps/0001-x.md", {name: value})
    assert editing.get_option(result, "deps/0001-x.md", name) == value
    before, after = text.split(eol), result.split(eol)
    # The same lines but one: that option's, replaced or added after the last option.
    if name in present:
        assert len(after) == len(before)
        changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert all(before[i].startswith(f":{name}:") for i in changed)
    else:
        assert after[: 3 + len(options)] == before[: 3 + len(options)]
        assert after[4 + len(options) :] == before[3 + len(options) :]
