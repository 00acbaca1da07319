"""Batched durability: make many freshly written files durable with as few syscalls as possible.

On Linux one ``syncfs(2)`` on a descriptor of the store directory flushes the whole
filesystem, data and directory entries alike, however many objects were written. Elsewhere
each pending file and every directory that gained an entry is fsynced. ``syncfs`` also
flushes other writers' data on the same filesystem, which is the price of its single call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from collections.abc import Callable
from typing import Literal

SyncStrategy = Literal["auto", "syncfs", "fsync"]


def _load_syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    except OSError:
        return None
    syncfs = getattr(libc, "syncfs", None)
    if syncfs is None:
        return None
    syncfs.argtypes = [ctypes.c_int]
    syncfs.restype = ctypes.c_int
    return syncfs  # type: ignore[no-any-return]


_SYNCFS = _load_syncfs()


def syncfs_available() -> bool:
    """Whether this platform offers ``syncfs(2)``."""
    return _SYNCFS is not None


class PendingWrites:
    """Files written since the last ``sync``; thread-safe."""

    def __init__(self, *, root: str, strategy: SyncStrategy = "auto") -> None:
        if strategy == "syncfs" and _SYNCFS is None:
            raise ValueError("syncfs(2) is not available on this platform")
        self._root = os.path.normpath(root)
        self._use_syncfs = strategy != "fsync" and _SYNCFS is not None
        self._lock = threading.Lock()
        self._dirty = False
        self._files: set[str] = set()
        self._dirs: set[str] = set()

    def added(self, path: str) -> None:
        """Record that ``path`` now exists (its directory entry is new too)."""
        if self._use_syncfs:  # syncfs needs no list, only to know there is work
            with self._lock:
                self._dirty = True
            return
        dirs = self._dirs_up_to_root(path)
        with self._lock:
            self._files.add(path)
            self._dirs.update(dirs)

    def removed(self, path: str) -> None:
        """Record that ``path`` was removed (only its directory needs flushing)."""
        if self._use_syncfs:
            with self._lock:
                self._dirty = True
            return
        with self._lock:
            self._files.discard(path)
            self._dirs.add(os.path.dirname(path))

    def sync(self) -> None:
        """Make everything recorded before this call durable."""
        with self._lock:
            files, dirs, dirty = self._files, self._dirs, self._dirty
            self._files, self._dirs, self._dirty = set(), set(), False
        if not (files or dirs or dirty):
            return
        try:
            if self._use_syncfs:
                self._syncfs()
            else:
                _fsync_each(files, dirs)
        except BaseException:
            with self._lock:  # keep them pending so the next sync retries
                self._files |= files
                self._dirs |= dirs
                self._dirty = True
            raise

    def _dirs_up_to_root(self, path: str) -> list[str]:
        # Fan-out directories may be new as well, so their parents need flushing too.
        dirs = []
        current = os.path.dirname(os.path.normpath(path))
        while len(current) > len(self._root) and current.startswith(self._root):
            dirs.append(current)
            current = os.path.dirname(current)
        dirs.append(self._root)
        return dirs

    def _syncfs(self) -> None:
        assert _SYNCFS is not None
        fd = os.open(self._root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            if _SYNCFS(fd) != 0:
                err = ctypes.get_errno()
                raise OSError(err, f"syncfs failed: {os.strerror(err)}")
        finally:
            os.close(fd)


def _fsync_each(files: set[str], dirs: set[str]) -> None:
    for path in files:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue  # deleted since; its directory is flushed below
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for directory in dirs:
        fsync_directory(directory)


def fsync_directory(directory: str) -> None:
    """Flush ``directory``'s entries (no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
