"""Changing a network's settings. The audit log's change recorder notes which fields changed
(their names, never their values) in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, fields

from flask_babel import gettext as _
from sqlalchemy import select

from casework.errors import PermissionDenied
from casework.extensions import db
from casework.models import Network, PageSize, Role, User
from casework.reports.fight_figures import rebuild_fight_figures

# Who may watch for other networks' appeals (DESIGN §8): those who run fights.
DELEGATE_ROLES = (Role.ORGANIZER, Role.COORDINATOR)


@dataclass(frozen=True)
class NetworkSettings:
    """Every setting a coordinator changes on the settings page, as validated by its form."""

    name: str
    hotline_phone: str
    contact_email: str
    address: str
    timezone: str
    page_size: PageSize
    default_deadline_days: int
    signature_line: str
    intake_email: str
    appeals_delegate_id: int | None
    public_form_open: bool

    @classmethod
    def of(cls, network: Network) -> NetworkSettings:
        """The network's settings as they are now."""
        return cls(**{f.name: getattr(network, f.name) for f in fields(cls)})


def delegate_candidates(network_id: int, current_id: int | None = None) -> list[User]:
    """The enabled organizers and coordinators of the network, by name, and the delegate
    chosen before if they are no longer one of them (so saving does not drop them silently)."""
    users = db.session.scalars(
        select(User).where(User.network_id == network_id,
                           (User.role.in_(DELEGATE_ROLES) & User.is_disabled.is_(False))
                           | (User.id == (current_id or 0)))
        .order_by(User.name)).all()
    return list(users)


def update_settings(network: Network, coordinator: User, settings: NetworkSettings) -> list[str]:
    """Set the network's settings; returns the names of those that changed (nothing is
    written when none did). Only a coordinator of the network; a delegate must be one of
    its enabled organizers or coordinators, or the one already chosen."""
    if coordinator.role != Role.COORDINATOR or coordinator.network_id != network.id:
        raise PermissionDenied(_("Only a coordinator of this network can change its settings."))
    delegate = settings.appeals_delegate_id
    if delegate is not None and delegate != network.appeals_delegate_id and delegate not in {
            user.id for user in delegate_candidates(network.id)}:
        raise PermissionDenied(_("The appeals delegate must be an organizer or a coordinator "
                                 "of this network."))
    # The intake address is written as the command line writes it (reminders compare it).
    wanted = {**vars(settings), "intake_email": settings.intake_email.lower()}
    changed = [name for name, value in wanted.items() if getattr(network, name) != value]
    for name in changed:
        setattr(network, name, wanted[name])
    db.session.flush()
    if "timezone" in changed:  # each delivery's local day moves with the zone
        rebuild_fight_figures(db.session.connection(), network.id)
    if "name" in changed:
        from casework.solidarity.services import announce_name

        announce_name(network)  # linked networks learn the new name (docs/federation.md)
    return changed
