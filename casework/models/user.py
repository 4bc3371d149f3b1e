"""Accounts: who can log in, in which network, with which role."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from casework.extensions import Model
from casework.i18n import lazy_pgettext
from casework.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from casework.models.network import Network


class Role(StrEnum):
    INTAKE = "intake"
    ORGANIZER = "organizer"
    COORDINATOR = "coordinator"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return {
            Role.INTAKE: lazy_pgettext("role", "Intake volunteer"),
            Role.ORGANIZER: lazy_pgettext("role", "Organizer"),
            Role.COORDINATOR: lazy_pgettext("role", "Coordinator"),
            Role.MEMBER: lazy_pgettext("role", "Member"),
        }[self]


STAFF_ROLES = (Role.INTAKE, Role.ORGANIZER, Role.COORDINATOR)
CASE_TEAM_ROLES = (Role.ORGANIZER, Role.COORDINATOR)


class User(UserMixin, Model):
    __tablename__ = "user_account"
    __table_args__ = (sa.Index("ix_user_account_network_role", "network_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Sessions that logged in before this moment are refused (logout, password change,
    # disabling): Flask's signed-cookie sessions cannot be deleted on the server.
    sessions_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Base32 TOTP secret when two-factor authentication is on, and the time step of the last
    # code accepted, so a code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_last_counter: Mapped[int | None] = mapped_column()

    # Language codes separated by commas, preferred first: call lists give organizers the
    # people who speak their language.
    languages: Mapped[str] = mapped_column(sa.String(64), default="en")
    # The language of the user's pages ("en", "es"); None: the browser's choice.
    ui_language: Mapped[str | None] = mapped_column(sa.String(8))
    # Email reminders of tasks, deadlines and actions (sent by `flask casework tick`).
    wants_email_reminders: Mapped[bool] = mapped_column(default=True)

    # Member portal: the person (worker/tenant) this member login belongs to; None for staff.
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)

    network: Mapped[Network] = relationship(foreign_keys=[network_id])

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def has_second_factor(self) -> bool:
        """True when the user has turned on two-factor authentication."""
        return bool(self.totp_secret)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users.
        return not self.is_disabled

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds one of the roles."""
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
