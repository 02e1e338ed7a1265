"""History from git: one ``git log`` per build, the timeline of scripted commits exactly.

A repository is scripted commit by commit (who, when, what changed); the core's history,
the ``dep-timeline`` page, each proposal's card and ``deps.json`` must tell exactly those
commits. A shallow clone and a copy outside git build with one note and no warning.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import EXAMPLE_BLOCK, ScriptedRepo, history_project, proposal
from helpers import build_in_process, rows_of

from sphinxcontrib_dep.core import history
from sphinxcontrib_dep.core.config import DepConfig


@pytest.fixture(scope="module")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScriptedRepo, list[tuple[str, ...]]]:
    return history_project(tmp_path_factory.mktemp("history") / "repo")


@pytest.fixture(scope="module")
def built(scripted: tuple[ScriptedRepo, list[tuple[str, ...]]], tmp_path_factory: pytest.TempPathFactory):
    repo, _ = scripted
    return build_in_process(repo.root, tmp_path_factory.mktemp("history-out"))


def _short(commit_id: str) -> str:
    return commit_id[:10]


# --------------------------------------------------------------------------------------
# core
# --------------------------------------------------------------------------------------


def test_core_history_follows_renames_and_reads_each_status(scripted) -> None:
    repo, _ = scripted
    found = history.read_history(repo.root / "deps", history.status_reader(DepConfig()))
    assert found.note is None and not found.shallow
    assert found.commits == 10  # every commit touched the folder
    assert sorted(found.files) == [
        "0001-streaming-errors.md",
        "0002-request-migration.md",
        "0003-error-codes.md",
    ]
    first = found.files["0001-streaming-errors.md"]
    assert (first.created.id, first.created_status, first.created.author) == (
        repo.ids[0],
        "In Progress",
        "Ada Author",
    )
    assert [(c.commit.id, c.old, c.new) for c in first.changes] == [
        (repo.ids[1], "In Progress", "Under Review"),
        (repo.ids[3], "Under Review", "Approved"),
        (repo.ids[6], "Approved", "Superseded"),
    ]
    # The example's ``:status: Rejected`` in a code block is no change; the edit is the last.
    assert first.last_changed.id == repo.ids[6]
    assert first.decided is not None and first.decided.commit.id == repo.ids[3]
    second = found.files["0002-request-migration.md"]
    assert second.former_paths == ["0000-request-migration.md"]
    assert second.created.id == repo.ids[2] and second.commits == 4
    third = found.files["0003-error-codes.md"]
    # ``approved`` re-spelt is no change, but it is the last change of the file.
    assert third.changes == [] and third.last_changed.id == repo.ids[7]
    assert str(third.created.date) == "2025-05-01 12:00:00+00:00"


def test_core_history_rebuilds_every_version_exactly(tmp_path: Path) -> None:
    """The text handed to the status reader at each commit is the file as committed."""
    repo = ScriptedRepo(tmp_path / "repo")
    versions = []
    lines = [f"line {n}" for n in range(30)]
    edits = [
        lambda ls: [*ls[:5], "inserted", *ls[5:]],
        lambda ls: ls[2:],
        lambda ls: ls[:-3],
        lambda ls: [ls[0], "changed", *ls[2:10], "x", "y", *ls[12:]],
        lambda ls: ["top", *ls, "", "bottom"],
        lambda ls: [],
        lambda ls: ["again", "", ":status: In Progress"],
    ]
    for index, edit in enumerate([lambda ls: ls, *edits]):
        lines = edit(lines)
        text = "\n".join(lines) + ("\n" if index % 2 else "")
        versions.append(text)
        repo.commit(f"2025-01-{index + 1:02d}T00:00:00", "A", {"deps/0001-x.md": text})
    seen: list[str] = []

    def reader(text: str, path: str) -> str | None:
        seen.append(text)
        return None

    found = history.read_history(repo.root / "deps", reader)
    assert found.files["0001-x.md"].commits == len(versions)
    # Line ends aside (the reader gets lines joined), every version, in order.
    assert [t.rstrip("\n") for t in seen] == [v.rstrip("\n") for v in versions]


def test_core_history_of_names_git_quotes(tmp_path: Path) -> None:
    repo = ScriptedRepo(tmp_path / "repo")
    odd = 'deps/0001-a "quoted" name\twith tab é.md'
    repo.commit("2025-01-01T00:00:00", "A", {odd: proposal("Odd", "In Progress")})
    repo.commit(
        "2025-01-02T00:00:00",
        "A",
        {"deps/0002-b c.md": proposal("Odd", "Under Review")},
        renames={odd: "deps/0002-b c.md"},
    )
    found = history.read_history(repo.root / "deps", history.status_reader(DepConfig()))
    entry = found.files["0002-b c.md"]
    assert entry.former_paths == [odd.removeprefix("deps/")]
    assert [(c.old, c.new) for c in entry.changes] == [("In Progress", "Under Review")]


def test_core_history_reads_lone_carriage_returns_as_content(tmp_path: Path) -> None:
    """A lone CR in a file (a proposal's text, an image's bytes) is content: it neither
    breaks the log's reading nor forges a commit (a CR, then git's field separators)."""
    repo = ScriptedRepo(tmp_path / "repo")
    forged = "\x01" + "\x1f".join(("f" * 40, "", "2099-01-01T00:00:00+00:00", "Mallory", "", "forged"))
    text = proposal("Carriage", "In Progress") + f"\nA line\r{forged}\rends here.\n"
    first = repo.commit("2025-01-01T00:00:00", "A", {"deps/0001-x.md": text})
    (repo.root / "deps" / "images").mkdir(parents=True)
    (repo.root / "deps" / "images" / "flow.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\r\x01x\r" * 50)
    repo.git("add", "deps/images/flow.png")
    second = repo.commit(
        "2025-01-02T00:00:00", "B", {"deps/0001-x.md": text.replace("In Progress", "Under Review")}
    )
    found = history.read_history(repo.root / "deps", history.status_reader(DepConfig()))
    assert found.note is None
    entry = found.files["0001-x.md"]
    assert [c.commit.id for c in entry.changes] == [second]
    assert [(c.old, c.new) for c in entry.changes] == [("In Progress", "Under Review")]
    assert (entry.created.id, entry.commits) == (first, 2)
    assert entry.last_changed.id == second


def test_unquote_path_reads_c_quoting() -> None:
    assert history.unquote_path('"a\\tb\\"c\\\\d\\303\\251"') == 'a\tb"c\\dé'
    assert history.unquote_path("plain name.md") == "plain name.md"


def test_apply_hunks_refuses_what_does_not_fit() -> None:
    assert history.apply_hunks(["a", "b"], [(2, 1, ["b"], ["B"])]) == ["a", "B"]
    assert history.apply_hunks(["a", "b"], [(2, 1, ["x"], ["B"])]) is None
    assert history.apply_hunks(["a"], [(5, 1, ["a"], [])]) is None


def test_outside_git_there_is_a_note_and_no_history(tmp_path: Path) -> None:
    (tmp_path / "deps").mkdir()
    found = history.read_history(tmp_path / "deps", history.status_reader(DepConfig()))
    assert found.files == {} and found.note == "no history: not a git work tree"


# --------------------------------------------------------------------------------------
# the build
# --------------------------------------------------------------------------------------


def timeline_rows(outdir: Path) -> list[tuple[str, ...]]:
    page = (outdir / "timeline.html").read_text(encoding="utf-8")
    return [tuple(row) for row in rows_of(page, "dep-timeline-table")]


def test_timeline_page_matches_the_commits_exactly(scripted, built) -> None:
    repo, expected = scripted
    assert built.warnings == []
    rows = timeline_rows(built.outdir)
    assert [(d, i, t, c, a) for d, i, t, c, _commit, a in rows] == expected
    # Each row names its commit: the scripted ones, newest first (one commit, two events).
    commits = [_short(repo.ids[n]) for n in (9, 8, 6, 6, 5, 3, 2, 1, 0)]
    assert [row[4] for row in rows] == commits


def test_timeline_check_can_fail(scripted, built) -> None:
    """The comparison sees a commit missing from the history (the check is no tautology)."""
    _, expected = scripted
    rows = timeline_rows(built.outdir)
    assert [(d, i, t, c, a) for d, i, t, c, _commit, a in rows[1:]] != expected


def test_card_shows_created_last_changed_and_status_history(scripted, built) -> None:
    repo, _ = scripted
    page = (built.outdir / "deps" / "0001-streaming-errors.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace(" : ", ": ")
    assert "Created: 2025-01-10 (In Progress), by Ada Author" in text
    assert "Last changed: 2025-05-01, by Erin Editor" in text
    moves = re.findall(r"(2025-\d\d-\d\d): ([A-Za-z ]+ → [A-Za-z ]+) \( ?(\w+) ?, ([A-Za-z ]+)\)", text)
    assert moves == [
        ("2025-02-03", "In Progress → Under Review", _short(repo.ids[1]), "Bob Reviewer"),
        ("2025-03-05", "Under Review → Approved", _short(repo.ids[3]), "Dave Decider"),
        ("2025-05-01", "Approved → Superseded", _short(repo.ids[6]), "Erin Editor"),
    ]


def test_deps_json_carries_the_history(scripted, built) -> None:
    import jsonschema

    from sphinxcontrib_dep.core.report import SCHEMA_PATH

    repo, _ = scripted
    data = json.loads((built.outdir / "deps.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    second = next(d for d in data["deps"] if d["id"] == "DEP-0002")
    assert second["history"]["created"] == {
        "date": "2025-02-20T08:00:00+00:00",
        "commit": repo.ids[2],
        "author": "Carol Sponsor",
        "status": "Not Started",
    }
    assert second["history"]["decided"]["commit"] == repo.ids[9]
    assert [(c["from"], c["to"]) for c in second["history"]["status_changes"]] == [
        ("Not Started", "In Progress"),
        ("In Progress", "Under Review"),
        ("Under Review", "Rejected"),
    ]
    assert second["history"]["former_paths"] == ["0000-request-migration.md"]


def test_one_git_process_per_build(scripted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Timeline, cards, review report, feeds and deps.json: one ``git`` for the whole build."""
    repo, _ = scripted
    (repo.root / "review.md").write_text("---\norphan: true\n---\n# Review\n\n```{dep-review-report}\n```\n")
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(argv, *args, **kwargs):  # type: ignore[no-untyped-def]
        if argv and argv[0] == "git":
            calls.append(list(argv))
        return real_run(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting_run)
    try:
        build = build_in_process(repo.root, tmp_path / "out")
    finally:
        (repo.root / "review.md").unlink()
    assert build.warnings == []
    assert (build.outdir / "review.html").is_file() and (build.outdir / "timeline.html").is_file()
    assert len(calls) == 1, calls
    assert "log" in calls[0]


def test_a_commit_alone_rewrites_the_pages_it_changes(tmp_path: Path) -> None:
    """A commit changes the history without changing any file: the next build shows it."""
    repo = ScriptedRepo(tmp_path / "repo")
    text = proposal("Only", "In Progress", ":number: 1")
    repo.commit(
        "2025-01-01T00:00:00",
        "Ada",
        {
            "conf.py": 'extensions = ["sphinxcontrib_dep"]\n',
            "index.md": "# X\n\n```{toctree}\n:glob:\n\ndeps/*\ntimeline\n```\n",
            "timeline.md": "# T\n\n```{dep-timeline}\n```\n",
            "deps/0001-only.md": text,
        },
    )
    out = tmp_path / "out"
    build_in_process(repo.root, out)
    (repo.root / "deps/0001-only.md").write_text(
        text.replace("In Progress", "Under Review").replace(
            ":category:", ":sponsor: @s\n:required-reviewers: @r\n:review-date: 2025-02-01\n:category:"
        )
    )
    build_in_process(repo.root, out, fresh=False)
    assert len(timeline_rows(Path(out) / "html")) == 1  # not committed yet: no event
    repo.git("add", "-A")
    repo.git(
        "commit",
        "-q",
        "-m",
        "review",
        env={
            "GIT_COMMITTER_DATE": "2025-02-01T00:00:00 +0000",
            "GIT_AUTHOR_DATE": "2025-02-01T00:00:00 +0000",
            "GIT_AUTHOR_NAME": "Bob",
            "GIT_COMMITTER_NAME": "Bob",
        },
    )
    build_in_process(repo.root, out, fresh=False)
    rows = timeline_rows(Path(out) / "html")
    assert [(r[0], r[3], r[5]) for r in rows] == [
        ("2025-02-01", "In Progress → Under Review", "Bob"),
        ("2025-01-01", "created as In Progress", "Ada"),
    ]
    card = (Path(out) / "html" / "deps" / "0001-only.html").read_text(encoding="utf-8")
    assert "In Progress → Under Review" in card


def _note_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("dep: ")]


def test_shallow_clone_builds_with_one_note(scripted, tmp_path: Path) -> None:
    repo, _expected = scripted
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "3", repo.root.as_uri(), str(clone)],
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", str(clone), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env={**__import__("os").environ},
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    notes = _note_lines(result.stdout)
    assert notes == [
        "dep: the history starts at 2025-05-02: this is a shallow clone, so proposals older than that "
        "look created then and earlier status changes are not known (fetch the whole history: "
        "git fetch --unshallow, or fetch-depth: 0 in actions/checkout)"
    ]
    rows = timeline_rows(tmp_path / "out")
    # The three commits the clone holds; what came before looks created at its boundary.
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("2025-06-01", "DEP-0002", "Under Review → Rejected"),
        ("2025-05-20", "DEP-0002", "In Progress → Under Review"),
        ("2025-05-02", "DEP-0001", "created as Superseded"),
        ("2025-05-02", "DEP-0002", "created as In Progress"),
        ("2025-05-02", "DEP-0003", "created as Approved"),
    ]
    page = (tmp_path / "out" / "timeline.html").read_text(encoding="utf-8")
    assert page.count('class="dep-history-note"') == 1


def test_outside_git_builds_with_one_note(scripted, tmp_path: Path) -> None:
    repo, _ = scripted
    copy = tmp_path / "copy"
    shutil.copytree(repo.root, copy, ignore=shutil.ignore_patterns(".git"))
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", str(copy), str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert _note_lines(result.stdout) == ["dep: no history: not a git work tree"]
    assert timeline_rows(tmp_path / "out") == []
    data = json.loads((tmp_path / "out" / "deps.json").read_text(encoding="utf-8"))
    assert all("history" not in d for d in data["deps"])


def test_history_off_reads_no_git(scripted, tmp_path: Path) -> None:
    repo, _ = scripted
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-D",
            "dep_history=0",
            str(repo.root),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert _note_lines(result.stdout) == []
    data = json.loads((tmp_path / "out" / "deps.json").read_text(encoding="utf-8"))
    assert all("history" not in d for d in data["deps"])
    card = (tmp_path / "out" / "deps" / "0001-streaming-errors.html").read_text(encoding="utf-8")
    assert "dep-field-created" not in card and "dep-field-created" in _card_of(repo, EXAMPLE_BLOCK)


def _card_of(repo: ScriptedRepo, body: str) -> str:
    """A page built with the history on, to show the absence above can fail."""
    out = repo.root.parent / "history-on"
    if not out.exists():
        build_in_process(repo.root, out)
    return (out / "html" / "deps" / "0001-streaming-errors.html").read_text(encoding="utf-8")
