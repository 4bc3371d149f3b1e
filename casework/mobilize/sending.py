"""Sending the queued mobilization emails from `flask casework tick`, each at most once.

The same SMTP path as the reminders. Each copy is claimed (its ``sent_at`` committed) before it
is sent, so a crash can lose one but never sends one twice; a failed send clears the claim, so
the next tick tries again. Consent is read again at sending time: someone who unsubscribed
after Send was pressed gets nothing.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from casework.audit.recorder import acting_as
from casework.extensions import db
from casework.mobilize import texts
from casework.mobilize.services import link_token, texts_of
from casework.models import (
    Action,
    ActionStatus,
    Case,
    MobilizationEmail,
    MobilizationRecipient,
    Person,
)
from casework.models.base import utcnow
from casework.reminders.mail import (
    NOT_CONFIGURED,
    MailSettings,
    SendingReport,
    compose,
    smtp_connection,
)
from casework.reminders.services import app_url

log = logging.getLogger(__name__)
MOBILIZATION_EMAILS = "Mobilization emails"  # what the tick command says it sent

MAX_PER_TICK = 2000  # the rest go at the next tick


@dataclass(frozen=True)
class Outgoing:
    """One copy, ready to send (plain data: no session needed while talking to the server)."""

    recipient_id: int
    network_id: int
    message: EmailMessage


def send_mobilization_emails() -> SendingReport:
    """Send the queued copies that may still go out. Commits: it is a batch boundary."""
    settings = MailSettings.from_config(current_app.config)
    if settings is None:
        return SendingReport(MOBILIZATION_EMAILS, problem=NOT_CONFIGURED)
    pending, report = [], SendingReport(MOBILIZATION_EMAILS)
    copies = due_copies()
    emails = {email.action_id: email for email in db.session.scalars(
        select(MobilizationEmail).where(
            MobilizationEmail.action_id.in_({copy.action_id for copy in copies})))}
    for recipient in copies:
        try:
            pending.append(outgoing(settings, recipient, emails[recipient.action_id]))
        except ValueError:  # an address no header can hold: left for someone to correct
            report.not_sent += 1
    db.session.commit()  # ends the reading transaction; each claim below is its own
    if not pending:
        return report
    try:
        with smtp_connection(settings) as smtp:
            while pending:
                copy = pending[0]
                if claim(copy):
                    try:
                        smtp.send_message(copy.message)
                    except smtplib.SMTPRecipientsRefused:
                        release(copy)
                        report.not_sent += 1
                    except (smtplib.SMTPException, OSError):
                        release(copy)
                        raise
                    else:
                        report.sent += 1
                pending.pop(0)
    except (smtplib.SMTPException, OSError) as error:
        report.not_sent += len(pending)
        report.problem = f"the SMTP server failed: {type(error).__name__}"
    log.info("Mobilization emails: %d sent, %d not sent", report.sent, report.not_sent)
    return report


def due_copies() -> list[MobilizationRecipient]:
    """Queued copies not sent yet, of planned actions still to come, to people who consent."""
    return list(db.session.scalars(
        select(MobilizationRecipient)
        .join(MobilizationRecipient.person).join(MobilizationRecipient.action)
        .join(Case, Case.id == Action.case_id)
        .join(MobilizationEmail, MobilizationEmail.action_id == Action.id)
        .where(MobilizationRecipient.sent_at.is_(None), MobilizationEmail.sent_at.is_not(None),
               Action.status == ActionStatus.PLANNED, Action.starts_at > utcnow(),
               Person.email_consent.is_(True), func.trim(Person.email) != "",
               Person.network_id == Case.network_id)
        .options(contains_eager(MobilizationRecipient.person),
                 contains_eager(MobilizationRecipient.action).contains_eager(Action.case)
                 .joinedload(Case.network),
                 contains_eager(MobilizationRecipient.action).joinedload(Action.pressure_point))
        .order_by(MobilizationRecipient.id).limit(MAX_PER_TICK)))


def outgoing(settings: MailSettings, recipient: MobilizationRecipient,
             email: MobilizationEmail) -> Outgoing:
    """The copy for one person: the organizer's text in their language, then the answer
    links, why they get it and how to stop; RFC 8058 one-click unsubscribe headers."""
    action, network = recipient.action, recipient.action.case.network
    language = texts.language_of(recipient.language)
    written = texts_of(action, email)[language]
    token = link_token(recipient)
    unsubscribe = app_url("mobilize.unsubscribe", token=token)
    body = render_template(
        "mobilize/email.txt", body=written["body"], words=texts.WORDS[language],
        network=network, yes=app_url("mobilize.rsvp", token=token, answer="yes"),
        no=app_url("mobilize.rsvp", token=token, answer="no"), unsubscribe=unsubscribe)
    message = compose(settings, recipient.person.email.strip(), written["subject"], body,
                      reply_to=network.contact_email)
    # From the network by name (the address stays the app's own, which the server may send).
    message.replace_header("From", formataddr((network.name, settings.sender)))
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Content-Language"] = language
    return Outgoing(recipient.id, network.id, message)


def claim(copy: Outgoing) -> bool:
    """Mark the copy sent and commit, unless another tick did it first."""
    with acting_as("tick", network_id=copy.network_id):
        row = db.session.get(MobilizationRecipient, copy.recipient_id, with_for_update=True,
                             populate_existing=True)
        if row is None or row.sent_at is not None:
            db.session.rollback()
            return False
        row.sent_at = utcnow()
        db.session.commit()
    return True


def release(copy: Outgoing) -> None:
    """Forget a claim whose message could not be sent, so the next tick sends it."""
    with acting_as("tick", network_id=copy.network_id):
        row = db.session.get(MobilizationRecipient, copy.recipient_id)
        if row is not None:
            row.sent_at = None
        db.session.commit()
