"""Writing, publishing and unpublishing a won fight's story, and recording the member's consent
to it. Services flush, never commit; the view commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casework.audit.recorder import add_entry
from casework.clock import network_today
from casework.errors import CaseworkError, PermissionDenied
from casework.extensions import db
from casework.fight.dates import consent_date_problem
from casework.models import Case, Consent, ConsentMethod, ConsentSubject, Event, EventKind, User
from casework.models.base import utcnow
from casework.models.consent import PUBLICATION_SUBJECTS
from casework.models.victory import MAX_TITLE, MAX_WRITE_UP, Victory
from casework.system_text import N_, date_value, enum_value, system_note
from casework.victories.privacy import mentions_of
from casework.workflow.states import CaseState


class VictoryRefused(CaseworkError):
    """The victory cannot be changed as asked; the message says why (beside ``field``)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PublicationConsentInput:
    given_on: date
    method: ConsentMethod
    may_name: bool
    note: str = ""


# What a write-up holds of the member's contact details (``privacy.mentions_of``), as said.
CONTACT_FOUND: dict[tuple[str, ...], str] = {
    ("email address",): _l("This contains the member's email address: contact details are "
                           "never published."),
    ("phone number",): _l("This contains the member's phone number: contact details are "
                          "never published."),
    ("email address", "phone number"): _l("This contains the member's email address and phone "
                                          "number: contact details are never published."),
}


def may_publish(case: Case, user: User) -> bool:
    """Organizers on the fight's team and the network's coordinators."""
    return case.can_move(user)


def require_team(case: Case, user: User) -> None:
    if not may_publish(case, user):
        raise PermissionDenied(_("Only the fight's team and coordinators publish its victory."))


def require_won(case: Case) -> None:
    if case.state != CaseState.WON:
        raise VictoryRefused(_("Only a won fight can be published: this one is %(state)s.",
                               state=case.state.label.lower()))


def victory_of(case: Case) -> Victory | None:
    """The case's write-up, if the team has written one."""
    return db.session.scalars(select(Victory).where(Victory.case_id == case.id)).one_or_none()


def publication_consent(case: Case) -> Consent | None:
    """The member's latest word on publication: it alone decides whether the name shows."""
    said = [c for c in case.consents if c.subject in PUBLICATION_SUBJECTS]
    return said[-1] if said else None


def may_name_member(case: Case) -> bool:
    consent = publication_consent(case)
    return consent is not None and consent.subject == ConsentSubject.PUBLICATION_NAMED


def privacy_problem(case: Case, title: str, write_up: str) -> tuple[str, str] | None:
    """(field, message) when the texts reach the member beyond what they agreed to."""
    may_name = may_name_member(case)
    for field, text in (("title", title), ("write_up", write_up)):
        found = mentions_of(case.person, text, may_name=may_name)
        contact = [what for what in found if what != "name"]
        if contact:
            return field, str(CONTACT_FOUND[tuple(contact)])
        if found:
            return field, _("This names the member, who has not agreed to be named: take the "
                            "name out, or record their consent to be named.")
    return None


def save_write_up(case: Case, actor: User, title: str, write_up: str) -> Victory:
    """Write (or rewrite) the victory's title and story; a published one changes at once."""
    require_team(case, actor)
    require_won(case)
    for field, text, limit in (("title", title, MAX_TITLE), ("write_up", write_up, MAX_WRITE_UP)):
        if len(text) > limit:
            raise VictoryRefused(_("Keep this under %(limit)s characters.",
                                   limit=f"{limit:,}"), field)
    problem = privacy_problem(case, title, write_up)
    if problem:
        raise VictoryRefused(problem[1], problem[0])
    victory = victory_of(case) or Victory(case=case, network_id=case.network_id)
    victory.title, victory.write_up = title, write_up
    victory.updated_at, victory.updated_by_id = utcnow(), actor.id
    db.session.add(victory)
    db.session.flush()
    return victory


def publish_victory(case: Case, actor: User) -> Victory:
    """Put the victory on the public page and in the feed."""
    require_team(case, actor)
    require_won(case)
    victory = victory_of(case)
    if victory is None:
        raise VictoryRefused(_("Write the victory's title and story first."))
    if victory.is_published:
        raise VictoryRefused(_("This victory is already published."))
    if publication_consent(case) is None:
        raise VictoryRefused(_("Record the member's consent to publishing it first."))
    problem = privacy_problem(case, victory.title, victory.write_up)
    if problem:
        raise VictoryRefused(problem[1])
    victory.published_at = victory.updated_at = utcnow()
    victory.updated_by_id = actor.id
    note(case, actor, system_note(N_("Victory published on the network's public page and "
                                     "feed.")))
    add_entry("victory.publish", network_id=case.network_id, object_type="victory",
              object_id=str(victory.id), case_id=case.id)
    db.session.flush()
    return victory


def unpublish_victory(case: Case, actor: User, reason: str = "") -> Victory:
    """Take the victory off the public page and the feed at once (its text is kept)."""
    require_team(case, actor)
    victory = victory_of(case)
    if victory is None or not victory.is_published:
        raise VictoryRefused(_("This victory is not published."))
    withdraw(case, actor, victory, reason or system_note(
        N_("Victory taken off the public page and feed.")))
    db.session.flush()
    return victory


def withdraw(case: Case, actor: User, victory: Victory, why: str | dict[str, Any]) -> None:
    victory.published_at = None
    victory.updated_at, victory.updated_by_id = utcnow(), actor.id
    note(case, actor, why)
    add_entry("victory.unpublish", network_id=case.network_id, object_type="victory",
              object_id=str(victory.id), case_id=case.id)


def record_publication_consent(case: Case, actor: User, consent: PublicationConsentInput,
                               today: date | None = None) -> tuple[Consent, bool]:
    """Record the member's consent to publication (with or without their name).

    Returns the consent and whether it took the victory off the public page: a published
    story that names the member comes down when they no longer agree to be named.
    """
    require_team(case, actor)
    problem = consent_date_problem(case, consent.given_on, today or network_today(case.network))
    if problem:
        raise VictoryRefused(problem, "given_on")
    subject = ConsentSubject.PUBLICATION_NAMED if consent.may_name \
        else ConsentSubject.PUBLICATION
    record = Consent(case=case, subject=subject, given_on=consent.given_on,
                     method=consent.method, consented_to=str(subject.label), note=consent.note,
                     recorded_by_id=actor.id)
    db.session.add(record)
    db.session.add(Event(case=case, actor=actor, kind=EventKind.CONSENT_RECORDED,
                         **system_note(N_("The member's consent recorded: %(subject)s; given "
                                          "%(method)s on %(day)s"),
                                       subject=enum_value(subject, lower=True),
                                       method=enum_value(consent.method, lower=True),
                                       day=date_value(consent.given_on))))
    victory = victory_of(case)
    withdrawn = False
    if victory is not None and victory.is_published \
            and privacy_problem(case, victory.title, victory.write_up):
        withdraw(case, actor, victory, system_note(
            N_("Victory taken off the public page: its story names the member, who no longer "
               "agrees to be named.")))
        withdrawn = True
    db.session.flush()
    return record, withdrawn


def note(case: Case, actor: User, text: str | dict[str, Any]) -> None:
    """A timeline entry: typed text, or the app's own words (``system_note``)."""
    case.updated_at = utcnow()
    db.session.add(Event(case=case, actor=actor, kind=EventKind.NOTE,
                         **(text if isinstance(text, dict) else {"note": text})))
