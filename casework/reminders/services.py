"""Which reminders are due, and sending each of them at most once.

Staff (active, not opted out) are reminded of their tasks due tomorrow or overdue, of their
fights' deadlines and of tomorrow's actions; people who said yes on an action's call list are
reminded of it too, only if they consented to email. Each reminder has a key naming what it is
about and its date (``task-due-tomorrow:12:2026-12-02``), so a changed date is a new reminder.

Subjects are fixed sentences with the case reference ("Task due tomorrow on SEA-2026-0012"),
never typed text: a task title may name the member, and subjects travel through mail servers
and notification previews. Bodies show typed text (task titles, action titles and places, the
target) only to a recipient who may see the case's full record; anyone else gets the link.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from casework.clock import network_today, zone_of
from casework.extensions import db
from casework.i18n import DEFAULT_LANGUAGE
from casework.mobilize.texts import language_of
from casework.models import (
    STAFF_ROLES,
    Action,
    ActionStatus,
    Appeal,
    AppealDirection,
    AppealStatus,
    CallAnswer,
    CallListEntry,
    Case,
    Network,
    Person,
    SentReminder,
    Task,
    User,
)
from casework.models.base import utcnow
from casework.reminders.mail import (
    NOT_CONFIGURED,
    MailSettings,
    SendingReport,
    compose,
    smtp_connection,
)
from casework.workflow.states import CaseState

log = logging.getLogger(__name__)
REMINDERS = "Reminders"  # what the tick command says it sent

DEADLINE_STATES = (CaseState.DELIVERED, CaseState.NEGOTIATING)
KEYS_PER_QUERY = 500
# Inquiries logged this long ago or less are announced: an address set today does not
# announce last year's; a tick that did not run for a day or two still catches up.
INQUIRY_NOTICE_DAYS = 3
MAX_INQUIRY_NOTICES = 500


@dataclass(frozen=True)
class Reminder:
    """One message to one recipient, ready to send (plain data: no session needed)."""

    network_id: int
    key: str
    recipient_key: str
    address: str
    subject: str
    body: str
    reply_to: str = ""


@dataclass(frozen=True)
class NetworkDay:
    """A network on the day the tick runs, in its own time zone."""

    network: Network
    zone: ZoneInfo
    today: date

    @property
    def tomorrow(self) -> date:
        return self.today + timedelta(days=1)

    def utc_bounds(self, day: date) -> tuple[datetime, datetime]:
        """The UTC moments a local calendar day starts and ends."""
        start = datetime.combine(day, time(), self.zone)
        return start.astimezone(ZoneInfo("UTC")), (start + timedelta(days=1)).astimezone(
            ZoneInfo("UTC"))

    def day(self, value: date) -> str:
        """'Wed 2 Dec 2026' in the language the message is written in (``force_locale``)."""
        locale = get_locale()
        if locale is None or locale.language == "en":
            return f"{value:%a} {value.day} {value:%b %Y}"
        return format_date(value, "EEE d MMM y", locale=locale)

    def moment(self, value: datetime) -> str:
        local = value.astimezone(self.zone)
        return _("%(day)s at %(time)s (%(zone)s)", day=self.day(local.date()),
                 time=f"{local:%H:%M}", zone=f"{local:%Z}")


def send_due_reminders() -> SendingReport:
    """Send the reminders that are due and not sent yet. Commits: it is a batch boundary.

    Each message is claimed (its SentReminder row committed) before it is sent, so a crash can
    lose a reminder but never sends one twice; a failed send deletes the claim, so the next tick
    tries again. No transaction is open while talking to the SMTP server.
    """
    settings = MailSettings.from_config(current_app.config)
    if settings is None:
        return SendingReport(REMINDERS, problem=NOT_CONFIGURED)
    pending = due_reminders()
    db.session.commit()  # ends the reading transaction; each claim below is its own
    report = SendingReport(REMINDERS)
    if not pending:
        return report
    try:
        with smtp_connection(settings) as smtp:
            while pending:
                reminder = pending[0]
                claim_id = claim(reminder)
                if claim_id is not None:
                    message = compose(settings, reminder.address, reminder.subject,
                                      reminder.body, reminder.reply_to)
                    try:
                        smtp.send_message(message)
                    except smtplib.SMTPRecipientsRefused:
                        release(claim_id)
                        report.not_sent += 1
                    except (smtplib.SMTPException, OSError):
                        release(claim_id)
                        raise
                    else:
                        report.sent += 1
                pending.pop(0)
    except (smtplib.SMTPException, OSError) as error:
        report.not_sent += len(pending)
        report.problem = f"the SMTP server failed: {type(error).__name__}"
    log.info("Reminders: %d sent, %d not sent", report.sent, report.not_sent)
    return report


def claim(reminder: Reminder) -> int | None:
    """Commit the reminder's row; None when it is already there (sent, or being sent)."""
    row = SentReminder(network_id=reminder.network_id, key=reminder.key,
                       recipient_key=reminder.recipient_key)
    db.session.add(row)
    try:
        db.session.flush()
        claim_id = row.id
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return claim_id


def release(claim_id: int) -> None:
    """Forget a claim whose message could not be sent, so the next tick sends it."""
    row = db.session.get(SentReminder, claim_id)
    if row is not None:
        db.session.delete(row)
    db.session.commit()


def due_reminders() -> list[Reminder]:
    """Every reminder due now in every network, without those already sent."""
    due: list[Reminder] = []
    for network in db.session.scalars(select(Network).order_by(Network.id)):
        day = NetworkDay(network, zone_of(network), network_today(network))
        found = {(r.key, r.recipient_key): r for r in (
            *task_reminders(day), *deadline_reminders(day), *action_reminders(day),
            *inquiry_notices(day), *appeal_notices(day))}
        already = already_sent({key for key, _recipient in found})
        due += [reminder for pair, reminder in found.items() if pair not in already]
    return due


def already_sent(keys: set[str]) -> set[tuple[str, str]]:
    """The (key, recipient) pairs among ``keys`` that have a SentReminder row."""
    ordered, sent = sorted(keys), set()
    for start in range(0, len(ordered), KEYS_PER_QUERY):
        chunk = ordered[start:start + KEYS_PER_QUERY]
        sent |= {(key, recipient) for key, recipient in db.session.execute(
            select(SentReminder.key, SentReminder.recipient_key)
            .where(SentReminder.key.in_(chunk)))}
    return sent


def wants_reminders(network_id: int) -> list[ColumnElement[bool]]:
    """SQL conditions: an active staff account of the network that wants email reminders."""
    return [User.network_id == network_id, User.is_disabled.is_(False),
            User.wants_email_reminders.is_(True), User.role.in_(STAFF_ROLES)]


def may_remind(user: User, network_id: int) -> bool:
    """The same test in Python, for users loaded through a relationship (the case team)."""
    return (user.network_id == network_id and not user.is_disabled
            and user.wants_email_reminders and user.role in STAFF_ROLES)


def task_reminders(day: NetworkDay) -> Iterator[Reminder]:
    """To assignees: each open task due tomorrow, and each overdue one (once per due date)."""
    tasks = db.session.scalars(
        select(Task).join(Task.case).join(Task.assignee)
        .where(Case.network_id == day.network.id, Task.is_done.is_(False),
               or_(Task.due_on == day.tomorrow, Task.due_on < day.today),
               *wants_reminders(day.network.id))
        .options(contains_eager(Task.case).joinedload(Case.target),
                 contains_eager(Task.assignee))
        .order_by(Task.id))
    for task in tasks:
        if task.assignee is None or task.due_on is None:  # joined and filtered: for mypy
            continue
        overdue = task.due_on < day.today
        kind = "task-overdue" if overdue else "task-due-tomorrow"
        with force_locale(ui_language(task.assignee)):
            reminder = Reminder(
                network_id=day.network.id, key=f"{kind}:{task.id}:{task.due_on.isoformat()}",
                recipient_key=f"user:{task.assignee.id}", address=task.assignee.email,
                subject=_("Task overdue on %(reference)s", reference=task.case.reference)
                if overdue else
                _("Task due tomorrow on %(reference)s", reference=task.case.reference),
                body=render_template(
                    "reminders/task.txt", user=task.assignee, task=task, case=task.case,
                    may_see=task.case.can_view_full_record(task.assignee),
                    overdue=overdue, due_on=day.day(task.due_on), network=day.network,
                    link=app_url("cases.show", case_id=task.case.id, _anchor="tasks"),
                    settings_link=app_url("auth.reminders")))
        yield reminder


def deadline_reminders(day: NetworkDay) -> Iterator[Reminder]:
    """To the case team: a fight's deadline tomorrow or today (one reminder per deadline)."""
    cases = db.session.scalars(
        select(Case)
        .where(Case.network_id == day.network.id, Case.state.in_(DEADLINE_STATES),
               Case.deadline_on.in_([day.today, day.tomorrow]))
        .options(selectinload(Case.team), joinedload(Case.target))
        .order_by(Case.id))
    for case in cases:
        if case.deadline_on is None:  # filtered by the query
            continue
        is_today = case.deadline_on == day.today
        for user in team_to_remind(case, day.network.id):
            with force_locale(ui_language(user)):
                reminder = Reminder(
                    network_id=day.network.id, key=f"deadline:{case.id}:{case.deadline_on}",
                    recipient_key=f"user:{user.id}", address=user.email,
                    subject=_("Deadline today on %(reference)s", reference=case.reference)
                    if is_today else
                    _("Deadline tomorrow on %(reference)s", reference=case.reference),
                    body=render_template(
                        "reminders/deadline.txt", user=user, case=case,
                        when=_("today") if is_today else _("tomorrow"),
                        may_see=case.can_view_full_record(user),
                        deadline_on=day.day(case.deadline_on), network=day.network,
                        link=app_url("cases.show", case_id=case.id),
                        settings_link=app_url("auth.reminders")))
            yield reminder


def action_reminders(day: NetworkDay) -> Iterator[Reminder]:
    """Tomorrow's planned actions: to the case team, and to people who said yes and agreed
    to email (they are told the time and place, nothing about the member)."""
    starts, ends = day.utc_bounds(day.tomorrow)
    actions = db.session.scalars(
        select(Action).join(Action.case)
        .where(Case.network_id == day.network.id, Action.status == ActionStatus.PLANNED,
               Action.starts_at >= starts, Action.starts_at < ends)
        .options(contains_eager(Action.case).selectinload(Case.team),
                 contains_eager(Action.case).joinedload(Case.target),
                 joinedload(Action.pressure_point),
                 selectinload(Action.calls).joinedload(CallListEntry.person))
        .order_by(Action.starts_at, Action.id))
    for action in actions:
        if action.starts_at is None:  # filtered by the query
            continue
        key = f"action:{action.id}:{action.starts_at.astimezone(day.zone).date().isoformat()}"
        said_yes = [call for call in action.calls if call.answer == CallAnswer.YES]
        common = {"action": action, "case": action.case, "network": day.network,
                  "aimed_at": aimed_at(action)}
        local_time = f"{action.starts_at.astimezone(day.zone):%H:%M}"
        for user in team_to_remind(action.case, day.network.id):
            with force_locale(ui_language(user)):
                reminder = Reminder(
                    network_id=day.network.id, key=key, recipient_key=f"user:{user.id}",
                    address=user.email,
                    subject=_("%(kind)s tomorrow at %(time)s on %(reference)s",
                              kind=action.kind.label, time=local_time,
                              reference=action.case.reference),
                    body=render_template(
                        "reminders/action_team.txt", user=user, said_yes=len(said_yes),
                        may_see=action.case.can_view_full_record(user),
                        called=len(action.calls), starts=day.moment(action.starts_at),
                        link=app_url("cases.show", case_id=action.case.id),
                        settings_link=app_url("auth.reminders"), **common))
            yield reminder
        for person in people_to_remind(said_yes, day.network.id):
            # A person has no account: the language their mobilization emails are in.
            with force_locale(language_of(person.languages)):
                reminder = Reminder(
                    network_id=day.network.id, key=key, recipient_key=f"person:{person.id}",
                    address=person.email.strip(), reply_to=day.network.contact_email,
                    subject=_("%(kind)s tomorrow at %(time)s", kind=action.kind.label,
                              time=local_time),
                    body=render_template("reminders/action_person.txt",
                                         starts=day.moment(action.starts_at), **common))
            yield reminder


def inquiry_notices(day: NetworkDay) -> Iterator[Reminder]:
    """To the network's intake address: each inquiry logged lately and still an inquiry. Its
    reference and a link only, whoever reads that mailbox: no name, target or summary."""
    address = day.network.intake_email.strip()
    if not address:
        return
    since = utcnow() - timedelta(days=INQUIRY_NOTICE_DAYS)
    inquiries = db.session.execute(
        select(Case.id, Case.reference, Case.source)
        .where(Case.network_id == day.network.id, Case.state == CaseState.INQUIRY,
               Case.created_at >= since)
        .order_by(Case.id).limit(MAX_INQUIRY_NOTICES))
    for case_id, reference, source in inquiries:
        # A shared mailbox has no language of its own: the default one.
        with force_locale(DEFAULT_LANGUAGE):
            reminder = Reminder(
                network_id=day.network.id, key=f"inquiry:{case_id}",
                recipient_key=f"intake:{day.network.id}", address=address,
                subject=_("New inquiry %(reference)s", reference=reference),
                body=render_template("reminders/inquiry.txt", reference=reference,
                                     network=day.network, from_web_form=source == "web_form",
                                     link=app_url("cases.show", case_id=case_id)))
        yield reminder


def appeal_notices(day: NetworkDay) -> Iterator[Reminder]:
    """To the network's appeals delegate: each new appeal from another network, once. The
    sending network and the kind of appeal only; the terms are on the Solidarity page."""
    delegate_id = day.network.appeals_delegate_id
    delegate = db.session.get(User, delegate_id) if delegate_id else None
    if delegate is None or not may_remind(delegate, day.network.id) or not delegate.email:
        return
    since = utcnow() - timedelta(days=INQUIRY_NOTICE_DAYS)
    appeals = db.session.scalars(select(Appeal).where(
        Appeal.network_id == day.network.id, Appeal.direction == AppealDirection.RECEIVED,
        Appeal.status == AppealStatus.NEW, Appeal.created_at >= since).order_by(Appeal.id))
    for appeal in appeals:
        with force_locale(ui_language(delegate)):
            reminder = Reminder(
                network_id=day.network.id, key=f"appeal:{appeal.id}",
                recipient_key=f"user:{delegate.id}", address=delegate.email,
                subject=_("New appeal from %(network)s", network=appeal.peer.name),
                body=render_template("reminders/appeal.txt", network=appeal.peer.name,
                                     kind=appeal.kind.label,
                                     link=app_url("solidarity.index",
                                                  _anchor=f"appeal-{appeal.id}")))
        yield reminder


def set_intake_email(network: Network, address: str) -> None:
    """Where new inquiries are announced ("" to stop)."""
    network.intake_email = address.strip().lower()
    db.session.flush()


def ui_language(user: User) -> str:
    """The language a user reads Casework in (English until they choose). The tick has no
    request, hence no browser to ask: each message is written under ``force_locale``."""
    return getattr(user, "ui_language", None) or DEFAULT_LANGUAGE


def aimed_at(action: Action) -> str:
    """Who the action presses: the pressure point if it has one, else the fight's target."""
    return action.pressure_point.name if action.pressure_point else action.case.target.name


def team_to_remind(case: Case, network_id: int) -> list[User]:
    return [user for user in case.team if may_remind(user, network_id)]


def people_to_remind(calls: Iterable[CallListEntry], network_id: int) -> Iterator[Person]:
    """People who said yes, have an email address and consented to email; never others."""
    for call in calls:
        person = call.person
        if person.network_id == network_id and person.email_consent and person.email.strip():
            yield person


def app_url(endpoint: str, _anchor: str = "", **values: int | str) -> str:
    """An absolute link into the app from ``CASEWORK_BASE_URL`` (there is no request here)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    base = str(current_app.config.get("CASEWORK_BASE_URL") or "http://127.0.0.1:5000")
    return base.rstrip("/") + path + (f"#{_anchor}" if _anchor else "")


def set_reminder_preference(user: User, wants: bool) -> None:
    """Turn the user's email reminders on or off."""
    user.wants_email_reminders = wants
    db.session.flush()
