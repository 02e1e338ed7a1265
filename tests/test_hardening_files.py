"""Files are never lost: every writing ``dep`` command, interrupted or short of disk, leaves the
originals as they were; no command follows a symlink out of the repository; ``dep new``
writes only inside ``deps/``, whatever the title.

Each command runs in-process (``cli.main``) over a small project; the whole tree is
snapshotted (every file's bytes, every symlink's target) before and compared after.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

cli = pytest.importorskip("sphinxcontrib_dep.cli")
files = pytest.importorskip("sphinxcontrib_dep.core.files")

TODAY = "2026-11-01"

BODY = "\n## Summary\n\nS.\n\n## Motivation\n\nM.\n\n## Proposal\n\nP.\n\n## Alternate Solutions\n\nN/A\n"
TEMPLATE = (
    "# <Title>\n\n```{dep-meta}\n:status: Not Started\n:authors: @your-handle\n:category: Process\n```\n"
    + BODY
)
REVIEWED = (
    ":authors: @nnshah1\n:category: Process\n:sponsor: @ryanolson\n"
    ":required-reviewers: @grahamking (approved)\n:review-date: 2026-10-20\n"
)
LEGACY = "# Legacy\n\n**Status**: Draft\n**Authors**: @nnshah1\n**Category**: Process\n" + BODY


def proposal(title: str, status: str, extra: str = REVIEWED) -> str:
    return f"# {title}\n\n```{{dep-meta}}\n:status: {status}\n{extra}```\n" + BODY


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    deps = root / "deps"
    deps.mkdir(parents=True)
    # Its drafts are numbered by `dep number` while In Progress: this project allows it.
    (root / "conf.py").write_text('extensions = ["sphinxcontrib_dep"]\ndep_early_numbering = True\n')
    (deps / "0001-alpha.md").write_text(proposal("Alpha", "In Progress"))
    (deps / "0002-beta.md").write_text(proposal("Beta", "Approved"))
    (deps / "0000-draft.md").write_text(proposal("Draft", "In Progress", ":authors: @nnshah1\n"))
    (deps / "0003-legacy.md").write_text(LEGACY)
    (root / "templates").mkdir()
    (root / "templates" / "limited.md").write_text(TEMPLATE)
    (root / "templates" / "complete.md").write_text(TEMPLATE)
    (root / "report.txt").write_text("an earlier report\n")
    monkeypatch.chdir(root)
    return root


def snapshot(top: Path) -> dict[str, object]:
    """Every file's bytes and every symlink's target under ``top`` (lock files aside)."""
    found: dict[str, object] = {}
    for path in sorted(top.rglob("*")):
        name = path.relative_to(top).as_posix()
        if path.is_symlink():
            found[name] = ("link", os.readlink(path))
        elif path.is_file() and not path.name.endswith(".lock"):
            found[name] = path.read_bytes()
    return found


#: Every command that writes, as it is given on the command line.
WRITING: dict[str, list[str]] = {
    "new": ["new", "A new idea", "--author", "@nnshah1", "--category", "Process"],
    "new --force": ["new", "Draft", "--force"],
    "status": ["status", "1", "Under Review", "--force"],
    "number": ["number", "deps/0000-draft.md"],
    "supersede": ["supersede", "2", "1", "--force"],
    "migrate --in-place": ["migrate", "--in-place", "deps/0003-legacy.md"],
    "report --output": ["report", "--output", "report.txt", "--force"],
    "index --output": ["index", "--output", "report.txt", "--force"],
    "init": ["init", "fresh"],
}


def run(argv: list[str]) -> int:
    return cli.main([*argv, "--today", TODAY] if argv[0] not in {"migrate", "init"} else argv)


def test_every_writing_command_does_write(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The premise of the tests below: each command, left alone, changes the tree."""
    for name, argv in WRITING.items():
        before = snapshot(proj)
        code = run(argv)
        out, err = capsys.readouterr()
        assert code == 0, (name, out, err)
        assert snapshot(proj) != before, name


def _fail_rename(*args: object, **kwargs: object) -> None:
    raise OSError(errno.EIO, "Input/output error (injected between write and rename)")


def _disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


class _FullFile:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, wrapped: object) -> None:
        self._wrapped = wrapped

    def write(self, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str) -> object:
        return getattr(self._wrapped, name)

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapped.close()  # type: ignore[attr-defined]


FAULTS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    # The data is written and flushed; the step that makes it the file fails.
    "rename fails": lambda mp: (
        mp.setattr(os, "replace", _fail_rename),
        mp.setattr(os, "link", _fail_rename),
        mp.setattr(os, "rename", _fail_rename),
    ),
    "fsync: disk full": lambda mp: mp.setattr(os, "fsync", _disk_full),
    "write: disk full": lambda mp: mp.setattr(os, "fdopen", lambda *a, **k: _FullFile(_real_fdopen(*a, **k))),
}
_real_fdopen = os.fdopen


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("command", sorted(WRITING))
def test_a_failed_write_leaves_every_file_as_it_was(
    command: str, fault: str, proj: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(proj)
    with monkeypatch.context() as mp:
        FAULTS[fault](mp)
        try:
            code = run(WRITING[command])
        except OSError as err:  # reported by the command itself would be better; never a lost file
            pytest.fail(f"{command}: {fault}: uncaught {err!r}")
    out, err = capsys.readouterr()
    after = snapshot(proj)
    assert after == before, f"{command} under {fault!r} changed: " + ", ".join(
        sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    )
    assert code != 0, (out, err)
    assert "Traceback" not in err and err.strip(), err


# --------------------------------------------------------------------------------------
# A process killed mid-write
# --------------------------------------------------------------------------------------

SLOW_HOOK = textwrap.dedent(
    """
    import os, sys, time
    from sphinxcontrib_dep import cli
    real_replace, real_link, real_rename = os.replace, os.link, os.rename

    def slow(real):
        def hooked(*args, **kwargs):
            print("ready", flush=True)  # the new data is written; the rename has not happened
            time.sleep(60)
            return real(*args, **kwargs)
        return hooked

    os.replace, os.link, os.rename = slow(real_replace), slow(real_link), slow(real_rename)
    sys.exit(cli.main(sys.argv[1:]))
    """
)


@pytest.mark.parametrize("command", ["status", "supersede", "migrate --in-place", "report --output", "new"])
def test_a_killed_process_leaves_the_originals(command: str, proj: Path) -> None:
    before = snapshot(proj)
    argv = WRITING[command] + (["--today", TODAY] if command != "migrate --in-place" else [])
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_HOOK, *argv],
        cwd=proj,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Wait for the hook: the command may print its own lines first.
        lines = iter(process.stdout.readline, "") if process.stdout else iter(())
        assert any(line.strip() == "ready" for line in lines), process.stderr.read() if process.stderr else ""
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    after = snapshot(proj)
    # The originals are untouched; at most a hidden temporary file is left behind, which
    # no proposal listing picks up (it starts with a dot and ends in .tmp).
    leftovers = {name for name in set(after) - set(before)}
    assert all(Path(name).name.startswith(".") and name.endswith(".tmp") for name in leftovers), leftovers
    assert {name: after[name] for name in before} == before
    cli.main(["lint", "--root", str(proj)])  # the leftovers do not upset the next run


# --------------------------------------------------------------------------------------
# Symlinks and paths out of the repository
# --------------------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "0001-alpha.md").write_text(proposal("Outside", "In Progress"))
    (folder / "secret.txt").write_text("do not touch\n")
    return folder


def test_no_command_writes_through_a_symlinked_proposal(
    proj: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = proj / "deps" / "0001-alpha.md"
    target.unlink()
    target.symlink_to(outside / "0001-alpha.md")
    before, before_outside = snapshot(proj), snapshot(outside)
    for argv in (
        ["status", "1", "Under Review"],
        ["supersede", "2", "1", "--force"],
        ["migrate", "--in-place", "deps/0001-alpha.md"],
    ):
        run(argv)
        _out, err = capsys.readouterr()
        assert snapshot(outside) == before_outside, argv
        assert snapshot(proj) == before, argv
        assert "Traceback" not in err


def test_no_command_writes_through_a_symlinked_deps_folder(
    proj: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (proj / "deps").rename(proj / "real-deps")
    (proj / "deps").symlink_to(outside)
    before_outside = snapshot(outside)
    for argv in (
        ["new", "Escape", "--author", "@a"],
        ["status", "1", "Under Review"],
        ["number", "deps/0000-draft.md"],
    ):
        run(argv)
        _out, err = capsys.readouterr()
        assert snapshot(outside) == before_outside, argv
        assert "Traceback" not in err


def test_report_output_does_not_follow_a_symlink_out(
    proj: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The link itself may be replaced by the report (the user named that path); the file
    it pointed at, outside the repository, is never written."""
    (proj / "report.txt").unlink()
    (proj / "report.txt").symlink_to(outside / "secret.txt")
    before_outside = snapshot(outside)
    run(["report", "--output", "report.txt", "--force"])
    _out, err = capsys.readouterr()
    assert snapshot(outside) == before_outside
    assert "Traceback" not in err


TITLES = [
    "../../escape",
    "../deps-sibling",
    "/etc/passwd",
    "..",
    ".",
    "a/b/c",
    "a\\b",
    "deps/../../x",
    "\u2025/\u2024\u2024/x",  # two-dot and one-dot leaders
    "\uff0e\uff0e\uff0fx",  # fullwidth "../x"
    "\u202egnp.exe",
    "con",
    "nul.md",
    "x\x00y",
    "~/.ssh/authorized_keys",
    "$(touch pwned)",
    "`id`",
    "%2e%2e%2fx",
    "x" * 500,
    "...",
    "—",
    "🙂",
    " ",
]


@pytest.mark.parametrize("title", TITLES)
def test_new_writes_only_inside_deps(title: str, proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(proj.parent)
    code = run(["new", title])
    _out, err = capsys.readouterr()
    assert "Traceback" not in err
    after = snapshot(proj.parent)
    created = sorted(set(after) - set(before))
    changed = sorted(k for k in before if after.get(k) != before[k])
    assert changed == []
    if code == 0:
        (name,) = created
        assert (
            name.startswith("proj/deps/0000-")
            and name.endswith(".md")
            and "/" not in name[len("proj/deps/") :]
        )
    else:
        assert created == [] and err.strip()
    assert not (proj.parent / "pwned").exists() and not Path("pwned").exists()


def test_lint_follows_no_symlink_out_when_writing_nothing(proj: Path, outside: Path) -> None:
    """Reading through a symlink is allowed; lint never writes, here or there."""
    (proj / "deps" / "0009-link.md").symlink_to(outside / "0001-alpha.md")
    before, before_outside = snapshot(proj), snapshot(outside)
    cli.main(["lint", "--root", str(proj)])
    assert (snapshot(proj), snapshot(outside)) == (before, before_outside)


def test_a_slow_lock_holder_does_not_lose_a_number(proj: Path) -> None:
    """Two ``dep number`` runs at once: both drafts get numbers, and different ones."""
    (proj / "deps" / "0000-second.md").write_text(proposal("Second", "In Progress", ":authors: @a\n"))
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "sphinxcontrib_dep.cli", "number", f"deps/{name}"],
            cwd=proj,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("0000-draft.md", "0000-second.md")
    ]
    results = [(p.wait(timeout=60), p.stderr.read() if p.stderr else "") for p in runs]
    assert all(code == 0 for code, _ in results), results
    names = sorted(p.name for p in (proj / "deps").glob("*.md"))
    assert names[:3] == ["0001-alpha.md", "0002-beta.md", "0003-legacy.md"]
    assert sorted(names[3:]) == ["0004-draft.md", "0005-second.md"] or sorted(names[3:]) == [
        "0004-second.md",
        "0005-draft.md",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("public", [False, True])
def test_a_pipe_named_like_a_proposal_is_reported_not_read(tmp_path: Path, public: bool) -> None:
    """Reading a FIFO never ends: ``dep lint``, ``dep renumber`` and the build (public or not)
    would hang on ``deps/0009-pipe.md``. All of them report it at the same line and go on."""
    from helpers import sphinx_build, write_project

    root = write_project(tmp_path / "p", {"deps/0001-alpha.md": proposal("Alpha", "Approved")})
    os.mkfifo(root / "deps" / "0009-pipe.md")
    message = (
        "deps/0009-pipe.md:1: not a regular file (a pipe, socket or device); it is not read [dep.filename]"
    )
    lint = subprocess.run(
        [sys.executable, "-m", "sphinxcontrib_dep.cli", "lint", "deps"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert lint.returncode == 1
    assert lint.stdout.splitlines()[0] == message
    args = ("-D", "dep_public_build=1") if public else ()
    build = sphinx_build(root, tmp_path / "out", *args)
    assert build.returncode == 0, build.output
    assert build.warnings == [message]
    assert not (tmp_path / "out" / "deps" / "0009-pipe.html").exists()
