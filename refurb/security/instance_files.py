"""instance/ holds the database, the keys and config.py: readable by the service account only.

Permissions are set when a file is created (never a world-readable moment in between), and
tightened at start for files an older version created with the umask's 0644.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600

log = logging.getLogger(__name__)


def private_dir(path: Path) -> Path:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _restrict(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty and owner-only if missing (its directory too)."""
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        _restrict(path, FILE_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a new owner-only file atomically: readers see the whole content or nothing."""
    private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)


def tighten(instance: Path) -> None:
    """Owner-only instance/ and files directly in it, whatever created them."""
    if not instance.is_dir():
        return
    _restrict(instance, DIR_MODE)
    for entry in instance.iterdir():
        if entry.is_file() and not entry.is_symlink():
            _restrict(entry, FILE_MODE)


def _restrict(path: Path, mode: int) -> None:
    current = stat.S_IMODE(path.stat().st_mode)
    if current & ~mode:
        try:
            path.chmod(current & mode)
        except PermissionError:  # not ours (a mounted secret): say so, do not fail the start
            log.warning("%s is readable by others (%o) and cannot be changed", path, current)
