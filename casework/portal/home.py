"""Where a user lands after logging in: members in the portal, staff on 'My work'."""

from __future__ import annotations

from flask import url_for

from casework.models import Role


def home_url_for(user: object) -> str:
    """The start page of ``user``: the portal for members, 'My work' for everyone else."""
    if getattr(user, "role", None) == Role.MEMBER:
        return url_for("portal.my_fight")
    return url_for("dashboard.my_work")
