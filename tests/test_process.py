"""The process by command: a month acted out by three people in three clones, and each command alone.

Ana, Bo and Cy share one repository (a bare ``origin``). They draft, number (two of
them before fetching: a collision), renumber, review, extend a review, and a category
PIC takes the final call; every command's output, exit status and file is asserted.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sphinxcontrib_dep import cli

pytestmark = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="git is not installed"
)

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}

#: This team's settings. It numbers a proposal when its draft is opened (dep_early_numbering),
#: as the month of issue 14 tells it, rather than at the seed's moment (after review).
AUTHORITY = (
    'dep_lead_architects = ["@lee"]\ndep_category_pics = {"Architecture": ["@pia"]}\n'
    "dep_early_numbering = True\n"
)

BODY = """
## Summary

What and why, in short.

## Motivation

Why now.

## Proposal

The change.

## Alternate Solutions

N/A
"""


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class Person:
    """One clone, and the ``dep`` commands run in it."""

    def __init__(
        self, root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.root = root
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def dep(self, *argv: str) -> tuple[int, str, str]:
        self.monkeypatch.chdir(self.root)
        self.capsys.readouterr()
        code = cli.main(["--color", "never", *argv] if argv[0] == "--version" else list(argv))
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def git(self, *args: str) -> str:
        return git(self.root, *args)

    def write(self, name: str, text: str) -> None:
        (self.root / name).write_text(text, encoding="utf-8")

    def read(self, name: str) -> str:
        return (self.root / name).read_text(encoding="utf-8")

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)


def draft(title: str, author: str, *, reviewers: str = "@bo, @cy", review_date: str = "2026-01-19") -> str:
    """What an author has written by the time the draft is ready: the header a person fills in."""
    return (
        f"# {title}\n\n```{{dep-meta}}\n:status: In Progress\n:authors: {author}\n:category: Architecture\n"
        f":sponsor: @sam\n:required-reviewers: {reviewers}\n:review-date: {review_date}\n"
        f":template: limited\n```\n{BODY}"
    )


@pytest.fixture
def team(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Person]:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    ana = Person(tmp_path / "ana", capsys, monkeypatch)
    git(tmp_path, "clone", "-q", str(origin), str(ana.root))
    ana.git("checkout", "-q", "-B", "main")
    code, _, _ = ana.dep("init", ".")
    assert code == 0
    ana.write("conf.py", ana.read("conf.py") + AUTHORITY)
    ana.commit("dep init")
    ana.git("push", "-q", "origin", "main")
    people = {"ana": ana}
    for name in ("bo", "cy"):
        person = Person(tmp_path / name, capsys, monkeypatch)
        git(tmp_path, "clone", "-q", str(origin), str(person.root))
        people[name] = person
    return people


def test_a_month_of_the_process_in_three_clones(team: dict[str, Person]) -> None:
    ana, bo, cy = team["ana"], team["bo"], team["cy"]

    # Week 1. Ana drafts the cache layer and numbers it on main: DEP-0001.
    code, out, _ = ana.dep("new", "Cache layer", "--author", "@ana", "--category", "Architecture")
    assert (code, out) == (0, "created deps/0000-cache-layer.md from templates/limited.md\n")
    ana.write("deps/0000-cache-layer.md", draft("Cache layer", "@ana"))
    ana.commit("draft: cache layer")
    code, out, _ = ana.dep("number", "deps/0000-cache-layer.md")
    assert (code, out) == (
        0,
        "deps/0000-cache-layer.md -> deps/0001-cache-layer.md (git mv, staged): numbered DEP-0001, :number: 1\n",
    )
    assert ana.git("status", "--porcelain") == "R  deps/0000-cache-layer.md -> deps/0001-cache-layer.md\n"
    ana.commit("DEP-0001: cache layer")
    ana.git("push", "-q", "origin", "main")

    # Week 2. Bo and Cy pull, then each drafts and numbers on a branch without fetching the other's.
    for person, title, branch in ((bo, "Retry budget", "retry"), (cy, "Trace ids", "trace")):
        person.git("pull", "-q", "origin", "main")
        person.git("checkout", "-q", "-b", branch)
        slug = title.lower().replace(" ", "-")
        code, _, _ = person.dep("new", title, "--author", f"@{person.root.name}")
        assert code == 0
        person.write(f"deps/0000-{slug}.md", draft(title, f"@{person.root.name}", reviewers="@ana"))
        code, out, _ = person.dep("number", f"deps/0000-{slug}.md")
        assert (code, out) == (
            0,
            f"deps/0000-{slug}.md -> deps/0002-{slug}.md: numbered DEP-0002, :number: 2\n",
        )
        person.commit(f"DEP-0002: {title}")
        code, _, _ = person.dep("lint", "--since", "origin/main")
        assert code == 0  # alone, each branch is fine

    # Bo merges first.
    bo.git("push", "-q", "origin", "retry:main")

    # Cy fetches: the branch's number is taken on main, and lint --since says so.
    cy.git("fetch", "-q", "origin")
    code, out, _ = cy.dep("lint", "--since", "origin/main")
    assert (code, out) == (
        1,
        "deps/0002-trace-ids.md:11: DEP-0002 is taken at origin/main by deps/0002-retry-budget.md; "
        "give this proposal another number: `dep renumber deps/0002-trace-ids.md` [dep.number_taken]\n",
    )
    # Cy's own proposal links to itself by file name: the renumber moves the link too.
    cy.write(
        "deps/0002-trace-ids.md",
        cy.read("deps/0002-trace-ids.md").replace(
            "The change.", "The change; see [this page](0002-trace-ids.md)."
        ),
    )
    cy.commit("link")
    code, out, _ = cy.dep("renumber", "deps/0002-trace-ids.md")
    assert (code, out) == (
        0,
        "deps/0002-trace-ids.md -> deps/0003-trace-ids.md: DEP-0002 -> DEP-0003 (git mv, staged)\n",
    )
    moved = cy.read("deps/0003-trace-ids.md")
    assert ":number: 3\n" in moved and "[this page](0003-trace-ids.md)" in moved
    assert cy.git("status", "--porcelain") == "R  deps/0002-trace-ids.md -> deps/0003-trace-ids.md\n"
    cy.commit("DEP-0003: trace ids (renumbered)")
    code, _, _ = cy.dep("lint", "--since", "origin/main")
    assert code == 0
    cy.git("pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    cy.git("push", "-q", "origin", "trace:main")

    # Week 3. Ana puts DEP-0001 under review; Bo approves, Cy asks for changes.
    ana.git("pull", "-q", "origin", "main")
    code, out, _ = ana.dep("status", "1", "Under Review", "--today", "2026-01-05")
    assert (code, out) == (
        0,
        "deps/0001-cache-layer.md: In Progress -> Under Review, :review-requested: 2026-01-05\n",
    )
    code, out, _ = ana.dep("review", "1", "@bo", "approved")
    assert (code, out) == (0, "deps/0001-cache-layer.md: @bo Not Started -> Approved\n")
    code, out, _ = ana.dep("review", "1", "@cy", "changes requested")
    assert (code, out) == (0, "deps/0001-cache-layer.md: @cy Not Started -> Changes Requested\n")
    code, out, _ = ana.dep("review", "1", "@eve", "approved")
    assert (code, out) == (1, "")

    # The review date passes without agreement: Ana extends it, with the reason.
    code, out, err = ana.dep(
        "review",
        "extend",
        "1",
        "--until",
        "2026-02-02",
        "--by",
        "@ana",
        "--reason",
        "Cy's benchmark needs a GPU week",
        "--today",
        "2026-01-19",
    )
    assert (code, err) == (0, "")
    assert out == (
        "deps/0001-cache-layer.md: review extended to 2026-02-02 by @ana (:review-date: 2026-02-02, "
        ":review-extension: 2026-02-02 by @ana on 2026-01-19: Cy's benchmark needs a GPU week)\n"
    )
    code, out, _ = ana.dep("lint")
    assert (code, out) == (0, "")

    # Still no agreement: Approved is refused until the category PIC takes the final call.
    code, out, err = ana.dep("status", "1", "Approved")
    assert code == 1 and "[dep.approval]" in err
    header = ana.read("deps/0001-cache-layer.md")
    ana.write(
        "deps/0001-cache-layer.md",
        header.replace(
            ":template: limited\n", ":template: limited\n:decision: @pia: 2 GB now, revisited in phase 2\n"
        ),
    )
    code, out, _ = ana.dep("status", "1", "Approved")
    assert (code, out) == (0, "deps/0001-cache-layer.md: Under Review -> Approved\n")
    code, out, _ = ana.dep("lint")
    assert (code, out) == (0, "")

    # Week 4. Cy would mark DEP-0001 superseded by the still-draft DEP-0003: refused.
    code, out, err = ana.dep("supersede", "1", "3")
    assert (code, out) == (1, "")
    assert "DEP-0003 (deps/0003-trace-ids.md) is In Progress; only an Approved or Implemented proposal" in err
    assert ":replaced-by: DEP-0003" not in ana.read("deps/0001-cache-layer.md")


# --- each command alone ----------------------------------------------------------------------------


def header(status: str, extra: str = "", number: str | None = None) -> str:
    number_line = f":number: {number}\n" if number else ""
    return (
        f"# T\n\n```{{dep-meta}}\n{number_line}:status: {status}\n:authors: @ana\n:category: Architecture\n"
        f"{extra}```\n{BODY}"
    )


MARCO = "deps/0002-two.md:8: :required-reviewers: cannot read '@marco approved' as a person [dep.person]"


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Person:
    """A git repository with DEP-0001 (Approved), DEP-0002 (replaces 1, links and roles to it), DEP-0003."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    root = tmp_path / "p"
    (root / "deps").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "conf.py").write_text('project = "p"\nextensions = ["sphinxcontrib_dep"]\n' + AUTHORITY)
    person = Person(root, capsys, monkeypatch)
    person.write(
        "deps/0001-one.md",
        header(
            "Superseded",
            ":sponsor: @sam\n:required-reviewers: @bo (approved)\n:replaced-by: DEP-0002 (partial)\n",
        ),
    )
    person.write(
        "deps/0002-two.md",
        header(
            "Approved",
            ":sponsor: @sam\n:required-reviewers: @marco approved, @cy (reviewing)\n"
            ":replaces: DEP-0001 (partial)\n:decision: @pia: enough\n",
        )
        + "\nSee {dep}`1`, {dep}`the first <DEP-0001>`, {dep}`3` and [one](0001-one.md).\n",
    )
    person.write("deps/0003-three.md", header("In Progress"))
    person.commit("three proposals")
    return person


def test_renumber_moves_every_reference_at_once(project: Person) -> None:
    code, out, err = project.dep("renumber", "1", "7")
    assert (code, err) == (0, "")
    assert out == (
        "deps/0001-one.md -> deps/0007-one.md: DEP-0001 -> DEP-0007 (git mv, staged)\n"
        "deps/0002-two.md: :replaces:, 2 role(s), 1 link(s) -> DEP-0007\n"
    )
    two = project.read("deps/0002-two.md")
    assert ":replaces: DEP-0007 (partial)\n" in two
    assert "{dep}`7`" not in two and "{dep}`DEP-0007`, {dep}`the first <DEP-0007>`, {dep}`3`" in two
    assert "[one](0007-one.md)" in two
    assert (
        project.git("status", "--porcelain")
        == "M  deps/0002-two.md\nR  deps/0001-one.md -> deps/0007-one.md\n"
    )
    code, out, _ = project.dep("lint")  # no reference left behind: only the fixture's own reviewer typo
    assert (code, out) == (1, f"{MARCO}\n")


def test_renumber_refuses_and_touches_nothing(project: Person) -> None:
    before = {p.name: p.read_text() for p in (project.root / "deps").iterdir()}
    assert project.dep("renumber", "1", "3")[:2] == (1, "")
    assert project.dep("renumber", "1", "1")[:2] == (2, "")
    assert project.dep("renumber", "1", "zero")[:2] == (2, "")
    project.write("deps/0000-draft.md", header("In Progress"))
    code, _, err = project.dep("renumber", "deps/0000-draft.md", "9")
    assert (code, err) == (
        1,
        "dep renumber: deps/0000-draft.md has no number yet; give it one with `dep number deps/0000-draft.md`\n",
    )
    (project.root / "deps/0000-draft.md").unlink()
    assert {p.name: p.read_text() for p in (project.root / "deps").iterdir()} == before
    code, out, err = project.dep("renumber", "1", "--dry-run")
    assert code == 0 and out.startswith("rename deps/0001-one.md -> deps/0004-one.md\n")
    assert {p.name: p.read_text() for p in (project.root / "deps").iterdir()} == before


def test_renumber_of_a_shared_number_leaves_references_by_number(project: Person) -> None:
    project.write("deps/0001-other.md", header("In Progress"))
    code, _, err = project.dep("renumber", "1")
    assert (code, err) == (
        2,
        "dep renumber: DEP-0001 is held by 2 files (deps/0001-one.md, deps/0001-other.md); give the path of the one to move\n",
    )
    code, out, err = project.dep("renumber", "deps/0001-other.md")
    assert code == 0
    assert out == "deps/0001-other.md -> deps/0004-other.md: DEP-0001 -> DEP-0004\n"
    assert err == (
        "references by number to DEP-0001 are left alone: DEP-0001 also names deps/0001-one.md, which keeps "
        "them; move any that meant this proposal by hand\n"
    )


def test_review_records_a_verdict(project: Person) -> None:
    # ``@marco approved`` (no parentheses) was a dep.person problem; the command writes it right.
    code, out, _ = project.dep("review", "2", "@marco", "approved")
    assert (code, out) == (0, "deps/0002-two.md: @marco Not Started -> Approved\n")
    assert ":required-reviewers: @marco (approved), @cy (reviewing)\n" in project.read("deps/0002-two.md")
    code, out, _ = project.dep("review", "2", "@cy", "Reviewing")
    assert (code, out) == (0, "deps/0002-two.md: @cy is already Reviewing; nothing to change\n")
    code, _, err = project.dep("review", "2", "@cy", "aproved")
    assert (code, err) == (
        2,
        "dep review: unknown verdict 'aproved' (allowed: Not Started, Reviewing, Approved, Rejected, Deferred, "
        "Changes Requested); did you mean Approved?\n",
    )
    code, _, err = project.dep("review", "2", "@dee", "approved")
    assert (code, err) == (
        1,
        "dep review: deps/0002-two.md: @dee is not a required reviewer (required: @marco, @cy); give --add to add them with this verdict\n",
    )
    code, out, _ = project.dep("review", "2", "@dee", "rejected", "--add")
    assert (code, out) == (0, "deps/0002-two.md: @dee not a reviewer -> Rejected\n")
    assert project.dep("review", "2", "@cy")[0] == 2


def test_a_verdict_that_breaks_a_decision_is_refused(project: Person) -> None:
    """F20: on a decided proposal, a late approval is recorded; a verdict the approval rule no
    longer holds with is refused (nothing written) unless --force, and lint then reports it."""
    body = ":sponsor: @sam\n:required-reviewers: @bo (approved), @cy (reviewing)\n:decision: @pia: enough\n"
    project.write("deps/0004-four.md", header("Approved", body))
    code, out, _ = project.dep("review", "4", "@cy", "approved")
    assert (code, out) == (0, "deps/0004-four.md: @cy Reviewing -> Approved\n")
    project.write(
        "deps/0005-five.md",
        header(
            "Implemented",
            ":sponsor: @sam\n:required-reviewers: @bo (approved)\n:implementation: https://github.com/o/r/pull/1\n",
        ),
    )
    before = project.read("deps/0005-five.md")
    code, _, err = project.dep("review", "5", "@bo", "rejected")
    assert (code, err) == (
        1,
        "dep review: deps/0005-five.md: Implemented, and this verdict breaks the decision: Implemented, but "
        "required reviewers have not all approved or deferred: @bo (Rejected); record who made the final "
        "call, and why, in :decision:; give --force to record it anyway\n",
    )
    assert project.read("deps/0005-five.md") == before
    code, out, _ = project.dep("review", "5", "@bo", "rejected", "--force")
    assert (code, out) == (0, "deps/0005-five.md: @bo Approved -> Rejected\n")


def test_an_extension_is_bounded(project: Person) -> None:
    """F8: an extension to 9999-12-31 parked a review forever; one extension moves a review at
    most four windows from the day it is granted, and is granted on or before that day."""
    project.write(
        "deps/0004-four.md",
        header(
            "Under Review",
            ":sponsor: @sam\n:required-reviewers: @bo\n:review-requested: 2026-01-05\n:review-date: 2026-01-19\n",
        ),
    )
    before = project.read("deps/0004-four.md")
    args = ("--by", "@ana", "--reason", "holidays", "--on", "2026-01-10")
    code, _, err = project.dep("review", "extend", "4", "--until", "9999-12-31", *args)
    assert (code, err) == (
        1,
        "dep review: deps/0004-four.md: the extension to 9999-12-31 moves the review 2912433 days past the day "
        "it was granted (2026-01-10); one extension may move it at most 4 review windows (56 days): extend "
        "again when the time comes\n",
    )
    code, _, err = project.dep(
        "review",
        "extend",
        "4",
        "--until",
        "2026-02-01",
        "--by",
        "@ana",
        "--reason",
        "x",
        "--on",
        "2099-01-01",
    )
    assert code == 2 and "--on 2099-01-01 is after today" in err
    assert project.read("deps/0004-four.md") == before
    code, out, _ = project.dep("review", "extend", "4", "--until", "2026-03-07", *args)
    assert code == 0, out


def test_review_extend_is_for_authors_architects_and_pics(project: Person) -> None:
    project.write(
        "deps/0003-three.md",
        header(
            "Under Review",
            ":sponsor: @sam\n:required-reviewers: @bo\n:review-requested: 2026-01-05\n:review-date: 2026-01-19\n",
        ),
    )
    before = project.read("deps/0003-three.md")
    code, _, err = project.dep(
        "review", "extend", "3", "--until", "2026-02-01", "--by", "@eve", "--reason", "busy"
    )
    assert (code, err) == (
        1,
        "dep review: deps/0003-three.md: @eve may not extend the review (an author, a lead architect or the category's "
        "PIC may: @ana, @pia, @lee); give --force to record it anyway\n",
    )
    code, _, err = project.dep(
        "review", "extend", "3", "--until", "2026-01-10", "--by", "@pia", "--reason", "x"
    )
    assert (code, err) == (
        1,
        "dep review: deps/0003-three.md: the review date is 2026-01-19 already; --until 2026-01-10 extends nothing\n",
    )
    assert project.dep("review", "extend", "3", "--until", "2026-02-01", "--by", "@pia")[0] == 2
    assert project.read("deps/0003-three.md") == before
    code, _, _ = project.dep(
        "review",
        "extend",
        "3",
        "--until",
        "2026-02-01",
        "--by",
        "@pia",
        "--reason",
        "a benchmark",
        "--on",
        "2026-01-18",
    )
    assert code == 0
    text = project.read("deps/0003-three.md")
    assert ":review-date: 2026-02-01\n" in text
    assert ":review-extension: 2026-02-01 by @pia on 2026-01-18: a benchmark\n" in text
    assert project.dep("lint", "deps/0003-three.md")[:2] == (0, "")


def test_supersede_needs_a_decided_replacer(project: Person) -> None:
    project.write(
        "deps/0004-four.md", header("Approved", ":sponsor: @sam\n:required-reviewers: @bo (approved)\n")
    )
    project.write(
        "deps/0003-three.md", header("Approved", ":sponsor: @sam\n:required-reviewers: @bo (approved)\n")
    )
    project.write("deps/0005-five.md", header("Rejected", ":decision: @lee: no\n"))
    code, _, err = project.dep("supersede", "3", "5")
    assert (code, err) == (
        1,
        "dep supersede: DEP-0005 (deps/0005-five.md) is Rejected; only an Approved or Implemented proposal supersedes "
        "another (approve it first, or give --force to record it anyway)\n",
    )
    code, out, _ = project.dep("supersede", "3", "5", "--force")
    assert code == 0
    code, out, _ = project.dep("lint")
    assert (code, out) == (
        1,
        f"{MARCO}\n"
        "deps/0003-three.md:9: DEP-0003 is Superseded by DEP-0005, which is Rejected; only an Approved or "
        "Implemented proposal supersedes another (approve DEP-0005 first) [dep.superseder]\n",
    )


def test_new_supersedes_writes_replaces(project: Person) -> None:
    code, _, err = project.dep("new", "Better one", "--supersedes", "1")
    assert code == 0
    assert ":replaces: DEP-0001\n" in project.read("deps/0000-better-one.md")
    assert "once it is approved: `dep supersede DEP-0001 <its number>`" in err
    assert project.dep("new", "Nothing", "--supersedes", "42")[0] == 2


def test_report_person_says_what_waits_on_them_overdue_first(project: Person) -> None:
    project.write(
        "deps/0003-three.md",
        header(
            "Under Review",
            ":sponsor: @sam\n:required-reviewers: @bo, @cy (approved)\n:review-date: 2026-01-19\n",
        ),
    )
    project.write(
        "deps/0004-four.md",
        header(
            "Under Review", ":sponsor: @bo\n:required-reviewers: @bo (reviewing)\n:review-date: 2026-02-10\n"
        ),
    )
    project.write(
        "deps/0005-five.md",
        header(
            "Approved",
            ":sponsor: @sam\n:required-reviewers: @cy (approved)\n:target-completion: 2026-01-31\n",
        ),
    )
    code, out, _ = project.dep("report", "--person", "@bo", "--today", "2026-02-01", "--format", "csv")
    assert code == 0
    assert out.splitlines() == [
        "Table,ID,Title,What,Due,When",
        "Waiting on @bo,DEP-0003,T,your verdict (dep review),2026-01-19,overdue by 13 days",
        "Waiting on @bo,DEP-0004,T,your verdict (dep review),2026-02-10,9 days left",
        "Table,ID,Title,Status,Role",
        "'@bo in the proposals,DEP-0001,T,Superseded,reviewer (Approved)",
        "'@bo in the proposals,DEP-0003,T,Under Review,reviewer (Not Started)",
        "'@bo in the proposals,DEP-0004,T,Under Review,sponsor",
        "'@bo in the proposals,DEP-0004,T,Under Review,reviewer (Reviewing)",
    ]
    code, out, _ = project.dep("report", "--person", "@pia", "--today", "2026-02-01", "--format", "csv")
    assert (
        "Waiting on @pia,DEP-0003,T,the final call (:decision:): the reviewers did not agree by the review date,"
        in out
    )
    code, out, _ = project.dep("report", "--person", "@ana", "--today", "2026-02-01", "--format", "csv")
    waiting = [line for line in out.splitlines() if line.startswith("Waiting on @ana")]
    assert waiting == [
        "Waiting on @ana,DEP-0003,T,a review past its date: extend it (dep review extend) or see it decided,"
        "2026-01-19,overdue by 13 days",
        'Waiting on @ana,DEP-0005,T,"the implementation, past its target completion",2026-01-31,overdue by 1 day',
    ]


def test_a_numbered_draft_keeps_its_draft_link(tmp_path: Path) -> None:
    """The page a draft had while it was reviewed leads to the proposal once it is numbered."""
    from gitrepo import ScriptedRepo
    from helpers import build_in_process

    repo = ScriptedRepo(tmp_path / "repo")
    repo.commit(
        "2026-01-01T00:00:00",
        "Ana",
        {
            "conf.py": 'project = "p"\nextensions = ["sphinxcontrib_dep"]\n' + AUTHORITY,
            "index.md": "# P\n\n```{toctree}\n:glob:\n\ndeps/*\n```\n",
            "deps/0000-cache-layer.md": header("In Progress"),
        },
    )
    repo.commit(
        "2026-01-08T00:00:00",
        "Ana",
        {"deps/0001-cache-layer.md": header("In Progress", number="1")},
        renames={"deps/0000-cache-layer.md": "deps/0001-cache-layer.md"},
    )
    build = build_in_process(repo.root, tmp_path / "out")
    assert build.warnings == []
    old = (build.outdir / "deps" / "0000-cache-layer.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=0001-cache-layer.html#DEP-0001">' in old
    assert '<a href="0001-cache-layer.html#DEP-0001">DEP-0001: T</a>' in old


def test_new_records_a_decision_after_the_fact(project: Person) -> None:
    """`dep status` refuses In Progress -> Implemented; a retroactive record starts where it stands."""
    code, _, _ = project.dep("new", "Old decision", "--status", "Implemented")
    assert code == 0
    assert ":status: Implemented\n" in project.read("deps/0000-old-decision.md")
    code, _, err = project.dep("new", "Typo", "--status", "Implmented")
    assert (code, err) == (
        2,
        "dep new: unknown status 'Implmented' (allowed: Not Started, In Progress, Under Review, Approved, "
        "Implemented, Rejected, Deferred, Superseded; 'Draft' means In Progress, 'Replaced' means Superseded); "
        "did you mean Implemented?\n",
    )


def test_review_person_is_one_person_or_refused(project: Person) -> None:
    """F7: a PERSON holding list or verdict syntax would write other reviewers and verdicts."""
    before = project.read("deps/0002-two.md")
    for person, shown in [
        ("Zed (approved), @x", "'(', ')', ','"),
        ("Eve, @mallory (approved)", "'(', ')', ','"),
        ("Joe @dave", "'@' inside a name"),
        ("Al\n:status: Approved", "'\\n'"),
    ]:
        code, out, err = project.dep("review", "2", person, "rejected", "--add")
        assert (code, out, err) == (
            2,
            "",
            f"dep review: PERSON: {person!r} is not one person ({shown}); write @handle, Name or Name <url>\n",
        )
    assert project.read("deps/0002-two.md") == before


def test_supersede_refuses_a_replacement_cycle(project: Person) -> None:
    """F9: --partial skips the status guard; a cycle is still refused, nothing written."""
    for name in ("deps/0003-three.md", "deps/0004-four.md", "deps/0005-five.md"):
        project.write(name, header("Approved", ":sponsor: @sam\n:required-reviewers: @bo (approved)\n"))
    assert project.dep("supersede", "--partial", "3", "4")[0] == 0
    assert project.dep("supersede", "--partial", "4", "5")[0] == 0
    before = {name: project.read(name) for name in ("deps/0003-three.md", "deps/0005-five.md")}
    for args in (["--partial", "5", "3"], ["5", "3", "--force"]):
        code, out, err = project.dep("supersede", *args)
        assert (code, out, err) == (
            1,
            "",
            "dep supersede: DEP-0003 superseding DEP-0005 would make a replacement cycle: "
            "DEP-0003 replaces DEP-0005 replaces DEP-0004 replaces DEP-0003\n",
        )
    assert {name: project.read(name) for name in before} == before
