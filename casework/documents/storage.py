"""Document files on disk: written whole or not at all, named by random tokens, never lost.

Layout of the upload directory::

    files/<token>           finished files; a token is 32 hex digits, never a user's name
    partial/<token>.part    uploads being written; a crash leaves them behind for cleanup
    .pin.lock               held by a backup so that no finished file is removed meanwhile

A writer holds an exclusive ``flock`` on its file from creation until the database row is
committed or rolled back. Locks die with their process, so cleanup can tell a crashed writer's
leftovers (lock free) from a live upload (lock held) without guessing from timestamps.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from flask_babel import gettext as _

from casework.documents.sniffing import ContentSniffer, DocumentRefused
from casework.models.document import DocumentType
from casework.private_files import FILE_MODE, make_private_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no advisory locks (Windows)
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

CHUNK_SIZE = 256 * 1024
TOKEN = re.compile(r"[0-9a-f]{32}")
ORPHAN_BATCH = 500


@dataclass(frozen=True)
class StoredFile:
    """A file that reached its final name; its database row is not committed yet."""

    stored_name: str
    size_bytes: int
    sha256: str
    content_type: DocumentType


@dataclass(frozen=True)
class DocumentStore:
    """The upload directory and its limits (``CASEWORK_UPLOAD_DIR``, ``CASEWORK_MAX_UPLOAD_MB``)."""

    root: Path
    max_mb: int = 10

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DocumentStore:
        return cls(Path(config["CASEWORK_UPLOAD_DIR"]), int(config["CASEWORK_MAX_UPLOAD_MB"]))

    @property
    def files_dir(self) -> Path:
        return self.root / "files"

    @property
    def partial_dir(self) -> Path:
        return self.root / "partial"

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024

    def path_of(self, stored_name: str) -> Path:
        """The path of a finished file; refuses anything but a token, so no path is ever built
        from user input."""
        if not TOKEN.fullmatch(stored_name):
            raise ValueError("not a stored file name")
        return self.files_dir / stored_name

    @contextmanager
    def receive(self, stream: BinaryIO) -> Iterator[StoredFile]:
        """Write an upload to a temporary file, check it, fsync it and rename it into place,
        then yield while the caller commits its row. If the block raises, the file is removed."""
        self._make_dirs()
        handle, partial = self._new_partial_file()
        with handle:  # closing releases the lock: after the commit, or after the cleanup
            stored_name = partial.stem
            final = self.path_of(stored_name)
            try:
                size, digest, kind = self._copy_checked(stream, handle)
                handle.flush()
                os.fsync(handle.fileno())
                os.replace(partial, final)
                fsync_directory(self.files_dir)
                yield StoredFile(stored_name, size, digest, kind)
            except BaseException:
                partial.unlink(missing_ok=True)
                final.unlink(missing_ok=True)
                raise

    def discard(self, stored_name: str) -> bool:
        """Remove a finished file whose row is gone; while a backup runs, leave it for
        ``documents check``. True when the file was removed."""
        with self._pin(exclusive=False, wait=False) as pinned_by_backup:
            if pinned_by_backup:
                return False
            self.path_of(stored_name).unlink(missing_ok=True)
            return True

    def remove_partial_files(self) -> list[str]:
        """Remove temporary files that no living upload holds (left by a crash or a kill)."""
        removed: list[str] = []
        if not self.partial_dir.is_dir():
            return removed
        for path in sorted(self.partial_dir.iterdir()):
            with _locked_if_free(path) as free:
                if free:
                    path.unlink(missing_ok=True)
                    removed.append(path.name)
        return removed

    def remove_orphans(self, referenced: Callable[[Collection[str]], set[str]]) -> list[str]:
        """Remove finished files that no document row names: a crash between the rename and
        the commit, or after a delete's commit. ``referenced`` answers from the database, in a
        transaction that starts after the files are locked."""
        removed: list[str] = []
        names = self.stored_names()
        for start in range(0, len(names), ORPHAN_BATCH):
            with self._pin(exclusive=False, wait=False) as pinned_by_backup, ExitStack() as stack:
                if pinned_by_backup:
                    return removed
                free = [name for name in names[start:start + ORPHAN_BATCH]
                        if stack.enter_context(_locked_if_free(self.path_of(name)))]
                known = referenced(free)
                for name in free:
                    if name not in known:
                        self.path_of(name).unlink(missing_ok=True)
                        removed.append(name)
        return removed

    def stored_names(self) -> list[str]:
        """Names of the finished files on disk."""
        if not self.files_dir.is_dir():
            return []
        return sorted(p.name for p in self.files_dir.iterdir() if TOKEN.fullmatch(p.name))

    def install(self, stored_name: str, source: IO[bytes], sha256: str) -> bool:
        """Put a file restored from a backup in place, whole or not at all. False, changing
        nothing, when the bytes do not match ``sha256``."""
        final = self.path_of(stored_name)
        self._make_dirs()
        handle, partial = self._new_partial_file()
        digest = hashlib.sha256()
        with handle:
            try:
                while chunk := source.read(CHUNK_SIZE):
                    digest.update(chunk)
                    handle.write(chunk)
                if digest.hexdigest() != sha256:
                    partial.unlink()
                    return False
                handle.flush()
                os.fsync(handle.fileno())
                os.replace(partial, final)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
        fsync_directory(self.files_dir)
        return True

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """While held (by a backup), no finished file is removed."""
        self._make_dirs()
        with self._pin(exclusive=True, wait=True):
            yield

    def _make_dirs(self) -> None:
        for directory in (self.files_dir, self.partial_dir):
            make_private_dir(directory)

    def _new_partial_file(self) -> tuple[BinaryIO, Path]:
        """Create and lock a new temporary file. Cleanup may remove a file between its
        creation and our lock; then the path no longer names our file and we try again."""
        while True:
            path = self.partial_dir / f"{secrets.token_hex(16)}.part"
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            handle = os.fdopen(descriptor, "wb")
            _lock(handle, exclusive=True, wait=True)
            try:
                if os.stat(path).st_ino == os.fstat(descriptor).st_ino:
                    return handle, path
            except FileNotFoundError:
                pass
            handle.close()

    def _copy_checked(self, stream: BinaryIO, handle: BinaryIO) -> tuple[int, str, DocumentType]:
        size, digest, sniffer = 0, hashlib.sha256(), ContentSniffer()
        while chunk := stream.read(CHUNK_SIZE):
            size += len(chunk)
            if size > self.max_bytes:
                raise DocumentRefused(_("The file is larger than %(size)s MB.", size=self.max_mb))
            sniffer.feed(chunk)
            digest.update(chunk)
            handle.write(chunk)
        if size == 0:
            raise DocumentRefused(_("The file is empty."))
        return size, digest.hexdigest(), sniffer.verdict()

    @contextmanager
    def _pin(self, *, exclusive: bool, wait: bool) -> Iterator[bool]:
        """Take the pin lock; yields True when a backup holds it (only when not waiting)."""
        path = self.root / ".pin.lock"
        if not path.parent.is_dir():
            yield False
            return
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        with os.fdopen(descriptor, "ab") as handle:
            yield not _lock(handle, exclusive=exclusive, wait=wait)


def _lock(handle: IO[bytes], *, exclusive: bool, wait: bool) -> bool:
    """flock the open file; False when it is held elsewhere and we may not wait."""
    if fcntl is None:  # pragma: no cover
        return True
    flags = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | (0 if wait else fcntl.LOCK_NB)
    try:
        fcntl.flock(handle.fileno(), flags)
    except BlockingIOError:
        return False
    return True


@contextmanager
def _locked_if_free(path: Path) -> Iterator[bool]:
    """Yield True while holding the file's lock, False when a living writer holds it."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - held open for the lock's lifetime
    except FileNotFoundError:
        yield False
        return
    with handle:
        yield _lock(handle, exclusive=True, wait=False)


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` survive a power cut (a no-op where unsupported)."""
    with suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()
