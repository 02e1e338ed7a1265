"""Files, safely: atomic replacement, paths kept inside the repository, the project lock.

Sphinx-free and used by every ``dep`` command. A write either lands whole or leaves the
original untouched; a target that resolves (through a symlink or ``..``) outside the
repository is refused before anything is written; writing commands run one after the
other under the project lock. git is :mod:`.git`'s.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from .git import git_common_dir


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


# --------------------------------------------------------------------------------------
# The project lock
# --------------------------------------------------------------------------------------

#: The lock's file name: in the repository's ``.git`` (``dep.lock``), else hidden in ``deps/``.
LOCK_NAME = "dep.lock"


class LockError(RuntimeError):
    """The lock could not be taken: its file cannot be opened, or another run held it too long."""


@contextlib.contextmanager
def file_lock(
    lock_path: Path, *, timeout: float | None = None, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold an exclusive lock between processes (``filelock``: ``flock`` on ``lock_path``) while inside.

    When another process holds it, ``on_wait`` is called once and the lock is waited for,
    at most ``timeout`` seconds (``None``: as long as it takes), then ``LockError``. The
    lock file is left in place (removing it would race with a waiting process); the
    operating system releases the lock if the process dies.
    """
    lock = FileLock(lock_path, mode=0o644, thread_local=False)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            lock.acquire(blocking=False)
        except Timeout:
            if on_wait is not None:
                on_wait()
            lock.acquire(timeout=-1 if timeout is None else timeout, poll_interval=0.05)
    except Timeout:
        raise LockError(
            f"another dep command has held the lock {lock_path} for {timeout:g} s; "
            "try again when it has finished"
        ) from None
    except OSError as err:
        raise LockError(f"cannot open the lock {lock_path}: {err.strerror or err}") from None
    try:
        yield
    finally:
        lock.release()


def lock_path_for(root: Path, deps_dir: Path) -> Path | None:
    """The project lock every writing ``dep`` command holds: in the repository's shared
    ``.git`` (so its worktrees share it), else ``deps/.dep.lock``; ``None`` when there is
    neither a repository nor a proposals folder inside ``root`` (nothing to guard there,
    and no lock file is made anywhere else)."""
    common = git_common_dir(root) if root.is_dir() else None
    if common is not None and common.is_dir():
        return common / LOCK_NAME
    if deps_dir.is_dir():
        try:
            folder = inside(root, deps_dir)
        except UnsafePath:
            return None
        return folder / f".{LOCK_NAME}"
    return None
