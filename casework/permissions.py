"""Route permissions: every view declares the roles that may use it, checked on the server."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm.interfaces import ORMOption

from casework.extensions import db, login_manager
from casework.models import Case, Role, User

View = TypeVar("View", bound=Callable[..., Any])


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Let only logged-in users holding one of ``roles`` use the view."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        guarded.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return cast(View, guarded)

    return decorate


def public(view: View) -> View:
    """Mark a view as open to anonymous visitors (login page, static files)."""
    view.allowed_roles = None  # type: ignore[attr-defined]
    return view


def acting_user() -> User:
    """The logged-in user, typed for the services."""
    return cast(User, current_user._get_current_object())


def load_case(case_id: int, *, full_record: bool = False, edit: bool = False,
              loading: tuple[ORMOption, ...] = ()) -> Case:
    """Load a case of the user's network (404 otherwise) and check the user may see or edit it.

    ``loading``: loader options for what the page shows of the case (its records in a few
    queries rather than one lazy load each from the template), a module's constant: its
    statement is built once."""
    user = acting_user()
    case = db.session.scalars(
        case_statement(loading), {"case_id": case_id, "network_id": user.network_id}
    ).one_or_none()
    if case is None:
        abort(404)
    allowed = (
        case.can_edit(user)
        if edit
        else case.can_view_full_record(user)
        if full_record
        else case.can_view(user)
    )
    if not allowed:
        abort(403)
    return case


@lru_cache(maxsize=16)
def case_statement(loading: tuple[ORMOption, ...]) -> Select[Case]:
    """A case by id and network, with ``loading``: built once (a statement with loader
    options costs more to build than to run)."""
    return select(Case).where(Case.id == bindparam("case_id"),
                              Case.network_id == bindparam("network_id")).options(*loading)
