"""Documents of a case: adding, removing and checking them. The caller commits."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework.documents.sniffing import DocumentRefused
from casework.documents.storage import DocumentStore, file_sha256
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.models import CASE_TEAM_ROLES, Case, Document, Event, EventKind, User
from casework.system_text import N_, system_note

__all__ = ["DocumentRefused", "add_document", "check_documents", "remove_document"]

MAX_NAME_LENGTH = 120


@contextmanager
def add_document(store: DocumentStore, case: Case, uploader: User, stream: BinaryIO,
                 file_name: str | None) -> Iterator[Document]:
    """Store an upload and add its row; commit inside the block. The file is in place before
    the row is flushed, and is removed again if the block (the commit) fails."""
    if not (uploader.has_role(*CASE_TEAM_ROLES) and case.can_edit(uploader)):
        raise PermissionDenied(_("Only the case team may add documents."))
    name = clean_file_name(file_name)
    with store.receive(stream) as stored:
        document = Document(case_id=case.id, file_name=name, stored_name=stored.stored_name,
                            content_type=stored.content_type, size_bytes=stored.size_bytes,
                            sha256=stored.sha256, uploaded_by=uploader)
        db.session.add(document)
        db.session.add(Event(case=case, actor=uploader, kind=EventKind.UPDATED,
                             changed_fields=["documents"],
                             **system_note(N_("Added document “%(name)s”"), name=name)))
        db.session.flush()
        yield document


def remove_document(document: Document, remover: User) -> str:
    """Delete a document's row and log it; returns the stored name, whose file the caller
    discards after the commit (a crash in between leaves an orphan for ``documents check``)."""
    case = document.case
    if not (remover.has_role(*CASE_TEAM_ROLES) and case.can_edit(remover)):
        raise PermissionDenied(_("Only the case team may remove documents."))
    db.session.add(Event(case=case, actor=remover, kind=EventKind.UPDATED,
                         changed_fields=["documents"],
                         **system_note(N_("Removed document “%(name)s”"),
                                       name=document.file_name)))
    db.session.delete(document)
    db.session.flush()
    return document.stored_name


def documents_of(case: Case) -> list[Document]:
    """A case's documents, newest first, with who uploaded each."""
    return list(db.session.scalars(
        select(Document).options(selectinload(Document.uploaded_by))
        .where(Document.case_id == case.id).order_by(Document.id.desc())
    ))


def find_document(document_id: int, network_id: int) -> Document | None:
    """A document of a case in the network, or None."""
    return db.session.scalars(
        select(Document).join(Case)
        .where(Document.id == document_id, Case.network_id == network_id)
    ).one_or_none()


def clean_file_name(name: str | None) -> str:
    """The uploader's file name made safe to show: no folders, control or direction-changing
    characters, leading dots or runaway length. Display only; the file is stored by token."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    kept = "".join(" " if ch.isspace() else ch for ch in name
                   if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
                   or ch.isspace())
    name = " ".join(kept.split()).lstrip(".").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 2] + "…." + extension
        else:
            name = name[: MAX_NAME_LENGTH - 1] + "…"
    return name or "document"


@dataclass
class StorageReport:
    """What ``documents check`` found and fixed."""

    partial_removed: list[str] = field(default_factory=list)
    orphans_removed: list[str] = field(default_factory=list)
    checked: int = 0
    missing: list[Document] = field(default_factory=list)
    damaged: list[Document] = field(default_factory=list)

    @property
    def is_healthy(self) -> bool:
        return not self.missing and not self.damaged


def check_documents(store: DocumentStore, *, verify_hashes: bool = False) -> StorageReport:
    """Remove leftovers of interrupted uploads and deletes, then check every document row
    has its complete file (size always, SHA-256 when asked)."""
    report = StorageReport()
    report.partial_removed = store.remove_partial_files()
    report.orphans_removed = store.remove_orphans(referenced_names)
    kept = select(Document).where(Document.purged_at.is_(None)).order_by(Document.id)
    for document in db.session.scalars(kept):  # a purged document has no file any more
        report.checked += 1
        path = store.path_of(document.stored_name)
        if not path.is_file():
            report.missing.append(document)
        elif path.stat().st_size != document.size_bytes or (
                verify_hashes and file_sha256(path) != document.sha256):
            report.damaged.append(document)
    db.session.rollback()
    return report


def referenced_names(names: Collection[str]) -> set[str]:
    """Which of these stored names a document row holds, read in a new transaction."""
    db.session.rollback()  # see rows committed up to now, not an older snapshot
    if not names:
        return set()
    # A purged document's file is an orphan: the purge deletes it after its commit, and
    # this removes it if that did not happen (a crash, or a backup running then).
    found = db.session.scalars(select(Document.stored_name)
                               .where(Document.stored_name.in_(list(names)),
                                      Document.purged_at.is_(None)))
    result = set(found)
    db.session.rollback()
    return result
