"""Mobilization emails: the draft, who receives it, queuing it for `tick`, and the answers and
unsubscribes that come back through its links.

Who receives it: the people the action mobilizes (its network's members, and supporters for a
big action, as the call list picks them) who agreed to email and have an address. Sending
queues one row per person and action (unique), and puts anyone not on the call list yet on
it, so their answer lands where the callers' answers do.

The links carry the recipient row's id, signed with the app's secret (itsdangerous). A link
answers only while the action is planned and until a little after it starts; unsubscribing
works as long as the link is valid at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select

from casework.actions.calls import mobilized_people, require_open, set_answer
from casework.actions.services import ActionRefused, require_team
from casework.audit.recorder import add_entry
from casework.clock import zone_of
from casework.extensions import db
from casework.mobilize import texts
from casework.models import (
    Action,
    ActionStatus,
    CallAnswer,
    CallListEntry,
    MobilizationEmail,
    MobilizationRecipient,
    Person,
    User,
)
from casework.models.base import utcnow
from casework.people.languages import language_name

LINK_SALT = "casework.mobilization-link"
LINK_MAX_AGE = timedelta(days=400)  # unsubscribing from an old email still works for a year
MAX_TOKEN_LENGTH = 200
# Answers are taken until a little after the start: "running late, but coming" still counts.
ANSWERS_CLOSE_AFTER_START = timedelta(hours=2)
SUBJECT_LENGTH, BODY_LENGTH = 150, 5000


class LinkExpired(Exception):
    """The link is genuine but its action is over, cancelled or done."""


def serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.secret_key), salt=LINK_SALT)


def link_token(recipient: MobilizationRecipient) -> str:
    """The secret part of a recipient's links: their row's id, signed and dated."""
    return str(serializer().dumps(recipient.id))


def recipient_of(token: str) -> MobilizationRecipient | None:
    """The recipient a link was made for; None when it was altered, cut or is too old."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        recipient_id = serializer().loads(token, max_age=int(LINK_MAX_AGE.total_seconds()))
    except BadData:
        return None
    if not isinstance(recipient_id, int) or isinstance(recipient_id, bool) \
            or not 0 < recipient_id < 2**63:
        return None
    return db.session.get(MobilizationRecipient, recipient_id)


def answers_open(action: Action) -> bool:
    """Do the action's RSVP links still take answers?"""
    return (action.status == ActionStatus.PLANNED and action.starts_at is not None
            and utcnow() < action.starts_at + ANSWERS_CLOSE_AFTER_START)


def draft_of(action: Action) -> MobilizationEmail | None:
    return db.session.scalars(select(MobilizationEmail).where(
        MobilizationEmail.action_id == action.id)).one_or_none()


def default_texts(action: Action) -> dict[str, dict[str, str]]:
    """The text for the action's kind, in each language, from its time, place and target."""
    if action.starts_at is None:
        return {language: {"subject": "", "body": ""} for language in texts.LANGUAGES}
    aimed_at = action.pressure_point.name if action.pressure_point else action.case.target.name
    network = action.case.network
    return {language: texts.default_text(
        language, kind=action.kind, starts_at=action.starts_at, zone=zone_of(network),
        place=action.place, target=aimed_at, network=network.name)
        for language in texts.LANGUAGES}


def texts_of(action: Action, email: MobilizationEmail | None) -> dict[str, dict[str, str]]:
    """The email's texts per language: the draft's where written, the defaults elsewhere."""
    found = default_texts(action)
    stored: dict[str, Any] = email.texts if email is not None else {}
    for language in texts.LANGUAGES:
        own = stored.get(language) or {}
        found[language] = {part: str(own.get(part) or found[language][part])
                           for part in ("subject", "body")}
    return found


def save_draft(action: Action, actor: User, written: dict[str, dict[str, str]]) -> None:
    """Keep the organizer's text, to review before sending. Refused once it was sent."""
    require_team(action.case, actor)
    require_open(action)
    email = draft_of(action)
    if email is not None and email.is_sent:
        raise ActionRefused(_("This email was already sent: its text no longer changes."))
    if email is None:
        email = MobilizationEmail(action_id=action.id)
        db.session.add(email)
    email.texts = {language: {"subject": written[language]["subject"][:SUBJECT_LENGTH],
                              "body": written[language]["body"][:BODY_LENGTH]}
                   for language in texts.LANGUAGES}
    email.written_by_id, email.updated_at = actor.id, utcnow()
    db.session.flush()


def not_yet_mailed(action: Action) -> list[sa.ColumnElement[bool]]:
    """SQL conditions on Person: mobilized by the action, agreed to email, has an address,
    and not given this action's email yet."""
    already = select(MobilizationRecipient.person_id).where(
        MobilizationRecipient.action_id == action.id)
    return [*mobilized_people(action), Person.email_consent.is_(True),
            func.trim(Person.email) != "", Person.id.not_in(already)]


@dataclass(frozen=True)
class Audience:
    """How many people pressing Send would mail, by the language they would get."""

    by_language: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_language.values())

    def summary(self) -> str:
        """'12 people: 8 in English, 4 in Spanish'."""
        parts = [_("%(num)s in %(language)s", num=count, language=language_name(language))
                 for language, count in sorted(self.by_language.items()) if count]
        people = ngettext("%(num)d person", "%(num)d people", self.total)
        return _("%(people)s: %(languages)s", people=people, languages=", ".join(parts)) \
            if parts else people


def audience_of(action: Action) -> Audience:
    """Who Send would mail now (one row per distinct language list, so the query is small)."""
    found: Counter[str] = Counter()
    for languages, count in db.session.execute(
            select(Person.languages, func.count()).where(*not_yet_mailed(action))
            .group_by(Person.languages)):
        found[texts.language_of(languages)] += count
    return Audience(dict(found))


def send_email(action: Action, actor: User) -> int:
    """Queue the email for everyone it has not gone to yet (`tick` sends it); returns how many.

    The first Send freezes the text. People not on the call list are put on it, so their
    answer is recorded where the callers' are."""
    require_team(action.case, actor)
    db.session.refresh(action, with_for_update=True)  # two Sends at once queue here
    require_open(action)
    if not answers_open(action):
        raise ActionRefused(_("This action has started or has no date: it is too late to invite "
                              "people by email."))
    email = draft_of(action)
    if email is None:
        raise ActionRefused(_("Write the email first."))
    people = db.session.execute(select(Person.id, Person.languages).where(
        *not_yet_mailed(action)).order_by(Person.id)).all()
    if not people:
        raise ActionRefused(_("Nobody is left to send it to: everyone the action mobilizes who "
                              "agreed to email has it already."))
    on_list = set(db.session.scalars(select(CallListEntry.person_id).where(
        CallListEntry.action_id == action.id)))
    db.session.add_all(CallListEntry(action_id=action.id, person_id=person_id)
                       for person_id, _languages in people if person_id not in on_list)
    db.session.add_all(MobilizationRecipient(action_id=action.id, person_id=person_id,
                                             language=texts.language_of(languages))
                       for person_id, languages in people)
    email.sent_at = email.sent_at or utcnow()
    db.session.flush()
    return len(people)


def answer_by_link(recipient: MobilizationRecipient, answer: CallAnswer) -> None:
    """Record a yes or no given through the email, on the call list as a caller would."""
    action = recipient.action
    if not answers_open(action):
        raise LinkExpired
    entry = db.session.scalars(select(CallListEntry).where(
        CallListEntry.action_id == action.id,
        CallListEntry.person_id == recipient.person_id)).one_or_none()
    if entry is None:  # taken off the list since: the answer still belongs on it
        entry = CallListEntry(action=action, person_id=recipient.person_id)
        db.session.add(entry)
    set_answer(entry, answer)
    recipient.answer, recipient.answered_at = answer.value, utcnow()
    db.session.flush()


def unsubscribe_by_link(recipient: MobilizationRecipient) -> None:
    """Withdraw the person's consent to email (RFC 8058 one-click); pressing twice is
    harmless. The withdrawal is its own audit entry, beside the change to the person."""
    person = recipient.person
    if person.email_consent:
        person.email_consent = False
        add_entry("person.email_consent_withdrawn", network_id=person.network_id,
                  object_type="person", object_id=str(person.id),
                  detail=f"unsubscribe link of the email for action {recipient.action_id}")
    recipient.unsubscribed_at = recipient.unsubscribed_at or utcnow()
    db.session.flush()


@dataclass(frozen=True)
class EmailCounts:
    """What became of an action's email: sent, still to send, and the answers by its links."""

    queued: int = 0
    sent: int = 0
    yes: int = 0
    no: int = 0
    unsubscribed: int = 0

    @property
    def waiting(self) -> int:
        return self.queued - self.sent


def counts_of(action: Action) -> EmailCounts:
    """One aggregate query over the action's recipients."""
    row = db.session.execute(select(
        func.count(), func.count(MobilizationRecipient.sent_at),
        func.count().filter(MobilizationRecipient.answer == CallAnswer.YES.value),
        func.count().filter(MobilizationRecipient.answer == CallAnswer.NO.value),
        func.count(MobilizationRecipient.unsubscribed_at))
        .where(MobilizationRecipient.action_id == action.id)).one()
    return EmailCounts(*(int(value or 0) for value in row))


def move_email_copies(keep: Person, duplicate: Person) -> None:
    """When two records of a person are merged: the duplicate's emails become ``keep``'s; where
    both got one action's email, one row stays, holding what either one knew."""
    kept = {row.action_id: row for row in db.session.scalars(select(MobilizationRecipient).where(
        MobilizationRecipient.person_id == keep.id))}
    for row in list(db.session.scalars(select(MobilizationRecipient).where(
            MobilizationRecipient.person_id == duplicate.id))):
        twin = kept.get(row.action_id)
        if twin is None:
            row.person_id = keep.id
            continue
        twin.sent_at = twin.sent_at or row.sent_at
        twin.answer, twin.answered_at = (twin.answer, twin.answered_at) if twin.answer \
            else (row.answer, row.answered_at)
        twin.unsubscribed_at = twin.unsubscribed_at or row.unsubscribed_at
        db.session.delete(row)
    db.session.flush()
