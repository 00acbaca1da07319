"""The master key file: 32 random bytes, mode 0600, kept outside the database.

Whoever reads this file can decrypt all evidence, so it is created private from the first
byte (never chmod-ed after the fact) and refused when group or others can read it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MASTER_KEY_SIZE = 32


class MasterKeyError(Exception):
    """The master key file is missing, malformed or unsafe."""


class InsecureKeyFileError(MasterKeyError):
    """The key file is accessible to group or others, or is not a regular file."""


def load_master_key(path: Path) -> bytes:
    """The key stored at ``path``.

    Raises:
        MasterKeyError: the file does not exist or does not hold exactly 32 bytes.
        InsecureKeyFileError: the file is a symlink or not regular, or has group/other permissions.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise MasterKeyError(f"master key file {path} does not exist") from None
    except OSError as exc:  # ELOOP: O_NOFOLLOW met a symlink
        raise InsecureKeyFileError(f"cannot open master key file {path} safely: {exc}") from None
    try:
        info = os.fstat(fd)
        _check_private(path, info)
        key = os.read(fd, MASTER_KEY_SIZE + 1)
    finally:
        os.close(fd)
    if len(key) != MASTER_KEY_SIZE:
        raise MasterKeyError(f"master key file {path} must hold exactly {MASTER_KEY_SIZE} bytes")
    return key


def load_or_create_master_key(path: Path) -> bytes:
    """The key at ``path``, creating a fresh random one (mode 0600) if there is none.

    Creation is atomic: the key is written and fsynced under a temporary name, then linked
    into place, so a crash never leaves a short key and two processes racing agree on one key.
    """
    path = Path(path)
    if path.exists() or path.is_symlink():
        return load_master_key(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.urandom(8).hex()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, os.urandom(MASTER_KEY_SIZE))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temp, path)  # unlike rename, never replaces a key another process just made
    except FileExistsError:
        pass
    finally:
        temp.unlink()
    _fsync_directory(path.parent)
    return load_master_key(path)


def _check_private(path: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise InsecureKeyFileError(f"master key file {path} is not a regular file")
    if info.st_mode & 0o077:
        raise InsecureKeyFileError(
            f"master key file {path} is accessible to group or others "
            f"(mode {stat.S_IMODE(info.st_mode):04o}); run: chmod 600 {path}")


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
