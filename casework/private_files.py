"""Files and folders only the app's own user may read: every one the app creates holds or
guards members' data (the database, uploads, backups, letters, the development secret).

Modes are given when a file is created (``os.open(..., 0o600)``), not fixed afterwards, so
there is no moment at which another local user could open it. Files that a library creates
itself (SQLite's database, ``-wal`` and ``-shm``) are narrowed by :func:`restrict_to_owner`.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700
log = logging.getLogger(__name__)


def make_private_dir(path: Path) -> None:
    """Create ``path`` and any missing parents as 0700 folders (existing ones are left as
    they are: an operator may have set them up on purpose)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            folder.mkdir(mode=DIR_MODE)
            folder.chmod(DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened


def create_private_file(path: Path, *, exclusive: bool = True) -> BinaryIO:
    """Open a new file for writing, readable by the app's user only. With ``exclusive``
    (the default) an existing file is an error; otherwise it is emptied and narrowed."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    descriptor = os.open(path, flags, FILE_MODE)
    if not exclusive:
        os.fchmod(descriptor, FILE_MODE)  # an existing file keeps its mode through O_TRUNC
    return os.fdopen(descriptor, "wb")


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write (or overwrite) a file that only the app's user may read."""
    with create_private_file(path, exclusive=False) as handle:
        handle.write(data)


def restrict_to_owner(*paths: Path) -> None:
    """Narrow existing files to 0600 (those a library made with its own mode). A file owned
    by another account is left alone with a warning: the app could not change it anyway."""
    for path in paths:
        try:
            mode = path.stat().st_mode & 0o777
            if mode & ~FILE_MODE:
                path.chmod(mode & FILE_MODE)
        except FileNotFoundError:
            continue
        except PermissionError:
            log.warning("Cannot make %s readable by this user only", path)
