"""Files uploaded to a case: pay stubs, leases, photos of the damage, texts from the boss."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.i18n import lazy_pgettext
from casework.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from casework.models.case import Case
    from casework.models.user import User


class DocumentType(StrEnum):
    """The kinds of file we accept, by MIME type; decided from the bytes, never the name."""

    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"
    GIF = "image/gif"
    WEBP = "image/webp"
    TEXT = "text/plain; charset=utf-8"

    @property
    def label(self) -> str:
        return {
            DocumentType.PDF: lazy_pgettext("document type", "PDF"),
            DocumentType.PNG: lazy_pgettext("document type", "PNG image"),
            DocumentType.JPEG: lazy_pgettext("document type", "JPEG image"),
            DocumentType.GIF: lazy_pgettext("document type", "GIF image"),
            DocumentType.WEBP: lazy_pgettext("document type", "WebP image"),
            DocumentType.TEXT: lazy_pgettext("document type", "Text"),
        }[self]

    @property
    def extensions(self) -> tuple[str, ...]:
        """File name endings that fit the type; the first is used when a name has none."""
        return {
            DocumentType.PDF: (".pdf",),
            DocumentType.PNG: (".png",),
            DocumentType.JPEG: (".jpg", ".jpeg"),
            DocumentType.GIF: (".gif",),
            DocumentType.WEBP: (".webp",),
            DocumentType.TEXT: (".txt",),
        }[self]


class Document(Model):
    """One stored file. The bytes live in the upload directory under ``stored_name``."""

    __tablename__ = "document"
    __table_args__ = (sa.Index("ix_document_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    # What the uploader called it, cleaned for display; never used to find the file.
    file_name: Mapped[str] = mapped_column(sa.String(200))
    # A random token: the only name the file has on disk.
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[DocumentType] = mapped_column(enum_column(DocumentType, length=40))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the retention purge deleted the file and its name: the row stays as a marker.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None

    @property
    def download_name(self) -> str:
        """The file name offered on download, ending as its real type does (x.exe -> x.exe.pdf)."""
        if self.file_name.lower().endswith(self.content_type.extensions):
            return self.file_name
        return self.file_name + self.content_type.extensions[0]

    def __repr__(self) -> str:  # Never the file name: it may name the member.
        return f"<Document {self.id}>"
