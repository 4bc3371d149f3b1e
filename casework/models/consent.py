"""The member's own consent: to the demands, or to an offer. Separate from the meeting's vote."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.i18n import lazy_pgettext
from casework.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from casework.models.case import Case
    from casework.models.fight import TargetContact
    from casework.models.user import User


class ConsentSubject(StrEnum):
    DEMANDS = "demands"
    OFFER = "offer"
    # Publishing the won fight on the network's public page, without or with their name.
    PUBLICATION = "publication"
    PUBLICATION_NAMED = "publication_named"

    @property
    def label(self) -> str:
        return {"demands": lazy_pgettext("consent subject", "The demands"),
                "offer": lazy_pgettext("consent subject", "An offer"),
                "publication": lazy_pgettext("consent subject",
                                             "Publishing the victory, without their name"),
                "publication_named": lazy_pgettext(
                    "consent subject", "Publishing the victory, with their name")}[self.value]

    @property
    def agreed_to(self) -> str:
        """How the case page lists it: "To the demands", "To the offer", ..."""
        return {"demands": lazy_pgettext("consent subject", "To the demands"),
                "offer": lazy_pgettext("consent subject", "To the offer"),
                "publication": lazy_pgettext(
                    "consent subject", "To publishing the victory, without their name"),
                "publication_named": lazy_pgettext(
                    "consent subject", "To publishing the victory, with their name")}[self.value]


PUBLICATION_SUBJECTS = (ConsentSubject.PUBLICATION, ConsentSubject.PUBLICATION_NAMED)


class ConsentMethod(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    IN_WRITING = "in_writing"
    PORTAL = "portal"

    @property
    def label(self) -> str:
        return {"in_person": lazy_pgettext("consent method", "In person"),
                "phone": lazy_pgettext("consent method", "By phone"),
                "in_writing": lazy_pgettext("consent method", "In writing"),
                "portal": lazy_pgettext("consent method", "Through the member portal")}[self.value]


class Consent(Model):
    """What the member agreed to, when and how, and who recorded it.

    The meeting votes; only the member can consent to their own demands or to settling. The
    text agreed to is kept as it read, so a later change of the demands does not rewrite it.
    """

    __tablename__ = "consent"
    __table_args__ = (sa.Index("ix_consent_case", "case_id", "subject", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    subject: Mapped[ConsentSubject] = mapped_column(enum_column(ConsentSubject))
    offer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("target_contact.id", ondelete="SET NULL"))
    given_on: Mapped[date]
    method: Mapped[ConsentMethod] = mapped_column(enum_column(ConsentMethod))
    consented_to: Mapped[str] = mapped_column(sa.Text)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="consents")
    offer: Mapped[TargetContact | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Consent {self.id} {self.subject}>"
