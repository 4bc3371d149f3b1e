"""Domain exceptions that services raise and views turn into messages, 403s or 409s."""

from __future__ import annotations


class CaseworkError(Exception):
    """Base of the errors a service raises for a user to read."""


class PermissionDenied(CaseworkError):
    """The user may not do this."""


class StaleCase(CaseworkError):
    """The case changed since the user loaded it."""

    def __init__(self, changed_by: str | None = None) -> None:
        self.changed_by = changed_by
        who = changed_by or "someone else"
        super().__init__(f"This case was changed by {who} a moment ago — reload to see it.")


class DuplicateEmail(CaseworkError):
    """An account with this email already exists."""
