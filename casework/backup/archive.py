"""The backup file: one .tar.gz holding the database snapshot, the documents and a manifest.

    manifest.json          what the snapshot holds: row counts per table, documents, revision
    database.sqlite3       an SQLite snapshot (sqlite3 backup API), or
    database.dump          a ``pg_dump --format=custom`` archive
    uploads/<token>        each document file the snapshot names, checked against its SHA-256
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import tarfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from casework.documents.storage import CHUNK_SIZE, TOKEN, DocumentStore, fsync_directory
from casework.errors import CaseworkError
from casework.private_files import create_private_file

FORMAT = "casework-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
UPLOADS = "uploads/"
SUFFIXES = (".tar.gz", ".tgz")


class BackupError(CaseworkError):
    """A backup or restore cannot go ahead; the message says why."""


@dataclass(frozen=True)
class DocumentEntry:
    """A document file the snapshot refers to."""

    stored_name: str
    sha256: str
    size_bytes: int


@dataclass
class Manifest:
    """What a backup holds."""

    database: str
    created_at: str
    table_counts: dict[str, int]
    documents: list[DocumentEntry]
    schema_revision: str | None = None
    # Files the snapshot names that were missing or damaged on disk when it was taken.
    unreadable_files: list[str] = field(default_factory=list)

    def to_json(self) -> bytes:
        data = {"format": FORMAT, "version": FORMAT_VERSION, **asdict(self)}
        return json.dumps(data, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data: dict[str, Any] = json.loads(raw)
            if data.pop("format") != FORMAT or data.pop("version") != FORMAT_VERSION:
                raise BackupError("This is not a Casework backup of a version this app reads.")
            data["documents"] = [DocumentEntry(**entry) for entry in data["documents"]]
            manifest = cls(**data)
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError("The backup's manifest is damaged.") from error
        if manifest.database not in DATABASE_MEMBERS or not all(
                TOKEN.fullmatch(entry.stored_name) for entry in manifest.documents):
            raise BackupError("The backup's manifest is damaged.")
        return manifest

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.database]


def check_output_path(output: Path) -> None:
    """Refuse to overwrite a backup or to write one under a name that hides what it is."""
    if not output.name.endswith(SUFFIXES):
        raise BackupError(f"Name the backup file …{SUFFIXES[0]} (it is a gzipped tar archive).")
    if output.exists():
        raise BackupError(f"{output} already exists; choose a new name for this backup.")
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")


def write_archive(output: Path, manifest: Manifest, database_file: Path,
                  store: DocumentStore) -> None:
    """Write the archive under a temporary name and rename it into place once complete."""
    partial = output.with_name(f".{output.name}.{secrets.token_hex(4)}.partial")
    try:
        # Readable by the app's user only, like the database and the documents it holds.
        with create_private_file(partial) as handle:
            with tarfile.open(fileobj=handle, mode="w:gz") as tar:
                tar.add(database_file, arcname=manifest.database_member)
                for entry in manifest.documents:
                    if not add_document_file(tar, store, entry):
                        manifest.unreadable_files.append(entry.stored_name)
                info = tarfile.TarInfo(MANIFEST)
                payload = manifest.to_json()
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, output)
        fsync_directory(output.parent)
    finally:
        partial.unlink(missing_ok=True)


def add_document_file(tar: tarfile.TarFile, store: DocumentStore, entry: DocumentEntry) -> bool:
    """Add one document file; False when it is missing or does not match its checksum."""
    path = store.path_of(entry.stored_name)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after tar has read it
    except FileNotFoundError:
        return False
    with handle:
        info = tar.gettarinfo(fileobj=handle, arcname=UPLOADS + entry.stored_name)
        reader = HashingReader(handle)
        tar.addfile(info, reader)
    return info.size == entry.size_bytes and reader.hexdigest() == entry.sha256


class HashingReader:
    """A file wrapper that hashes what is read through it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._digest.update(data)
        return data

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def read_manifest(archive: Path) -> Manifest:
    """The manifest of a backup file."""
    with open_archive(archive) as tar:
        return Manifest.from_json(member_bytes(tar, MANIFEST))


def extract_database(archive: Path, into: Path) -> tuple[Manifest, Path]:
    """The manifest and the database snapshot, copied into the folder ``into``."""
    with open_archive(archive) as tar:
        manifest = Manifest.from_json(member_bytes(tar, MANIFEST))
        target = into / manifest.database_member
        with member_file(tar, manifest.database_member) as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK_SIZE)
    return manifest, target


def restore_documents(archive: Path, manifest: Manifest, store: DocumentStore) -> int:
    """Put every document file of the backup in place, each checked against the manifest."""
    expected = {entry.stored_name: entry for entry in manifest.documents
                if entry.stored_name not in manifest.unreadable_files}
    restored = 0
    with open_archive(archive) as tar:
        for member in tar:  # one pass through the compressed stream
            entry = expected.pop(member.name.removeprefix(UPLOADS), None)
            if entry is None or not member.name.startswith(UPLOADS) or not member.isfile():
                continue
            source = tar.extractfile(member)
            if source is None or not store.install(entry.stored_name, source, entry.sha256):
                raise BackupError("The backup is damaged: a document file does not match "
                                  "its checksum.")
            restored += 1
    if expected:
        raise BackupError(f"The backup is incomplete: {len(expected)} document file(s) "
                          "are missing from it.")
    return restored


def open_archive(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{archive} is not a readable backup file: {error}") from error


def member_file(tar: tarfile.TarFile, name: str) -> IO[bytes]:
    """A regular file of the archive, by exact name (nothing is extracted by its own path)."""
    try:
        member = tar.getmember(name)
    except KeyError as error:
        raise BackupError(f"The backup is incomplete: {name} is missing.") from error
    handle = tar.extractfile(member) if member.isfile() else None
    if handle is None:
        raise BackupError(f"The backup is damaged: {name} is not a file.")
    return handle


def member_bytes(tar: tarfile.TarFile, name: str) -> bytes:
    with member_file(tar, name) as handle:
        return handle.read()
