"""Writing files safely: atomic replacement, paths kept inside the repository, a lock between runs.

Sphinx-free and used by every ``dep`` command that changes files. A write either lands
whole or leaves the original untouched; a target that resolves (through a symlink or
``..``) outside the repository is refused before anything is written.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


class UnsafePath(ValueError):
    """A target that would leave the repository, or a file that is in the way."""


def atomic_write(path: Path, data: str | bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` all at once: a temporary file in the same folder, fsync, rename.

    The original (if any) is untouched until the rename, and stays untouched if anything
    fails; the temporary file is removed. The original's permission bits are kept.
    With ``exclusive``, refuse (``FileExistsError``) when ``path`` exists, atomically:
    the file is linked into place, which fails rather than replaces.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp, mode)
        if exclusive:
            _link_no_clobber(temp, path)
        else:
            os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    _fsync_folder(folder)


def _link_no_clobber(temp: Path, path: Path) -> None:
    try:
        os.link(temp, path)
    except OSError as err:
        if err.errno == errno.EEXIST:
            raise FileExistsError(errno.EEXIST, "file exists", str(path)) from None
        # A file system without hard links: the check and the rename are not one step here.
        if path.exists():
            raise FileExistsError(errno.EEXIST, "file exists", str(path)) from None
        os.replace(temp, path)
        return
    temp.unlink()


def _fsync_folder(folder: Path) -> None:
    # The rename is durable once the folder's entry is; not every platform allows it.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def inside(root: Path, target: Path) -> Path:
    """``target`` resolved (symlinks followed, ``..`` folded), refused unless it lies within ``root``.

    A symlink that points out of the repository is refused rather than followed, and so
    is a path that climbs out with ``..``. The resolved path is returned, so a write goes
    to the file a symlink inside the repository points at, keeping the link.
    """
    base = root.resolve()
    resolved = (root / target).resolve() if not target.is_absolute() else target.resolve()
    if resolved != base and base not in resolved.parents:
        shown = target.as_posix()
        if target.is_symlink() or any(p.is_symlink() for p in _ancestors(root / target, root)):
            raise UnsafePath(
                f"{shown}: a symlink leads outside the repository ({resolved}); refusing to follow it"
            )
        raise UnsafePath(f"{shown}: outside the repository {base}; refusing to write there")
    return resolved


def _ancestors(path: Path, stop: Path) -> Iterator[Path]:
    current = path
    while current != current.parent and current != stop:
        yield current
        current = current.parent


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff of one file (``/dev/null`` as the old side of a new file)."""
    before = f"a/{path}" if old else "/dev/null"
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), before, f"b/{path}"
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def git(args: list[str], cwd: Path, *, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git; ``GitError`` with git's own message when it fails (or is not installed)."""
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError as err:
        raise GitError("git is not installed") from err
    if check and result.returncode != 0:
        raise GitError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result


class GitError(RuntimeError):
    """A git command that failed; the message is git's."""


def git_toplevel(path: Path) -> Path | None:
    """The root of the git work tree holding ``path``, or ``None`` outside one."""
    folder = path if path.is_dir() else path.parent
    try:
        result = git(["rev-parse", "--show-toplevel"], folder, check=False)
    except GitError:
        return None
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def git_common_dir(path: Path) -> Path | None:
    """The repository's shared ``.git`` folder (shared by all its worktrees), or ``None``."""
    try:
        result = git(["rev-parse", "--path-format=absolute", "--git-common-dir"], path, check=False)
    except GitError:
        return None
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


@contextlib.contextmanager
def file_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock between processes (``flock`` on ``lock_path``) while inside.

    The lock file is left in place (removing it would race with a waiting process); the
    operating system releases the lock if the process dies.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock(fd)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: lock the first byte instead, waiting as flock does
        import msvcrt

        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
                return
            except OSError:
                continue
    fcntl.flock(fd, fcntl.LOCK_EX)


def _unlock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path_for(root: Path, deps_dir: Path) -> Path:
    """Where ``dep number`` locks: in the repository's ``.git`` (so worktrees share it), else in ``deps/``."""
    common = git_common_dir(root)
    if common is not None and common.is_dir():
        return common / "dep-number.lock"
    return deps_dir / ".dep-number.lock"
