"""Letters of a case and their versions: drafts, approvals, reviews and the frozen PDF."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.letters.context import LetterKind
from casework.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from casework.models.case import Case
    from casework.models.user import User


class ReviewStatus(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    REJECTED = "rejected"


# What a letter's ``language`` may be, and the versions each prints, in order.
LETTER_LANGUAGES: dict[str, tuple[str, ...]] = {"en": ("en",), "es": ("es",), "es+en": ("es", "en")}
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "es+en": "Spanish + English"}


class Letter(Model):
    """A document of the fight (demand letter, notices, leaflet) in English, in Spanish, or in
    both (``es+en``: the Spanish letter followed by the English one)."""

    __tablename__ = "letter"
    __table_args__ = (sa.Index("ix_letter_case", "case_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    kind: Mapped[LetterKind] = mapped_column(enum_column(LetterKind))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    versions: Mapped[list[LetterVersion]] = relationship(
        back_populates="letter", order_by="LetterVersion.number", passive_deletes=True)

    @property
    def latest(self) -> LetterVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def languages(self) -> tuple[str, ...]:
        return LETTER_LANGUAGES.get(self.language, ("en",))

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language)

    @property
    def needs_member_approval(self) -> bool:
        return self.kind == LetterKind.DEMAND


class LetterVersion(Model):
    """One version. A draft renders from the case's current data; approving it stores the data
    snapshot it shows from then on; delivering it freezes the HTML and PDF bytes forever."""

    __tablename__ = "letter_version"
    __table_args__ = (sa.UniqueConstraint("letter_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letter.id", ondelete="CASCADE"))
    number: Mapped[int]
    # Texts typed for this kind of letter (settlement terms, leaflet headline...); versions
    # made before ``texts`` existed keep theirs here, for every language.
    extra: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The letter's own words per language: {"es": {"wrongs": ..., "demands": {"<demand id>":
    # {"description": ..., "calculation": ...}}, "extra": {"note": ...}}}.
    texts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Who last wrote its texts: with the creator, the authors, who may not review it.
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    member_approval_note: Mapped[str] = mapped_column(sa.Text, default="")
    review_status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus),
                                                        default=ReviewStatus.PENDING)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    review_note: Mapped[str] = mapped_column(sa.Text, default="")
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source_html: Mapped[str | None] = mapped_column(sa.Text)
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    # When the retention purge removed its texts: the version stays, marked, in the list.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    letter: Mapped[Letter] = relationship(back_populates="versions")
    reviews: Mapped[list[LetterReview]] = relationship(
        back_populates="version", order_by="LetterReview.id", passive_deletes=True)
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def author_ids(self) -> set[int]:
        """Who wrote this version's text (drafted it or last edited it)."""
        return {user_id for user_id in (self.created_by_id, self.edited_by_id) if user_id}

    @property
    def passed_reviewer_ids(self) -> set[int]:
        return {review.reviewer_id for review in self.reviews if review.is_passed}

    @property
    def is_approved(self) -> bool:
        return self.snapshot is not None

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None

    @property
    def status(self) -> str:
        if self.is_purged:
            return "delivered, then purged" if self.is_frozen else "purged"
        if self.is_frozen:
            return "delivered (frozen)"
        if self.review_status == ReviewStatus.REJECTED:
            return "rejected by the reviewer"
        if self.is_approved:
            return "approved, review passed" if self.review_status == ReviewStatus.PASSED \
                else "approved, waiting for review"
        return "draft"


class LetterReview(Model):
    """One reviewer's check of an approved version for anything self-incriminating."""

    __tablename__ = "letter_review"
    __table_args__ = (sa.UniqueConstraint("version_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letter_version.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    is_passed: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[LetterVersion] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()
