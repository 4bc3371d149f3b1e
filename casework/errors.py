"""Domain exceptions that services raise and views turn into messages, 403s or 409s."""

from __future__ import annotations

from flask_babel import gettext as _


class CaseworkError(Exception):
    """Base of the errors a service raises for a user to read."""


class PermissionDenied(CaseworkError):
    """The user may not do this."""


class StaleCase(CaseworkError):
    """The case changed since the user loaded it."""

    def __init__(self, changed_by: str | None = None) -> None:
        self.changed_by = changed_by
        super().__init__(
            _("This case was changed by %(name)s a moment ago — reload to see it.",
              name=changed_by) if changed_by else
            _("This case was changed by someone else a moment ago — reload to see it."))


class DuplicateEmail(CaseworkError):
    """An account with this email already exists."""
