"""Calendar feeds: making and rotating their secret addresses, finding a feed by its secret,
and what each feed shows (actions, deliveries, deadlines; a user's feed adds their tasks).

A feed is read by calendar providers, so what it says is chosen to be safe there: case
references, action kinds, target names and places, never the member's name or phone.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import aliased

from casework.audit.recorder import add_entry
from casework.clock import network_today, zone_of
from casework.extensions import db
from casework.models import (
    STAFF_ROLES,
    Action,
    ActionKind,
    ActionStatus,
    CalendarFeed,
    Case,
    Delivery,
    Network,
    Person,
    Role,
    Target,
    TargetFact,
    Task,
    User,
    case_team,
)
from casework.models.base import utcnow
from casework.system_text import standard_title
from casework.workflow.states import CaseState

# The feed's window: what happened in the last two weeks and what is planned in the coming
# six months (README, "Calendar"). Each kind of event is capped, earliest first: a calendar
# app chokes on thousands, and building them costs the server ~1 ms each.
DAYS_BACK, DAYS_AHEAD = 14, 183
MAX_PER_KIND = 500
ACTION_HOURS = timedelta(hours=2)  # actions record when they start, not when they end
DELIVERY_HOURS = timedelta(hours=1)
NOT_YET_DELIVERED = (CaseState.DRAFTING, CaseState.READY)
MAX_TOKEN_LENGTH = 100
UTC = ZoneInfo("UTC")


def token_hash(token: str) -> str:
    """The SHA-256 of a feed's secret, which is all that is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(network_id: int, user_id: int | None) -> CalendarFeed | None:
    """The user's own feed, or (user_id None) the network's feed."""
    owner = CalendarFeed.user_id.is_(None) if user_id is None \
        else CalendarFeed.user_id == user_id
    return db.session.scalars(
        select(CalendarFeed).where(CalendarFeed.network_id == network_id, owner)
        .order_by(CalendarFeed.id).limit(1)).first()


def rotate_feed(actor: User, *, network_wide: bool) -> str:
    """Give the actor's feed (or the network's) a new secret; the old address stops working.

    Returns the new secret, to be shown once: only its hash is kept.
    """
    user_id = None if network_wide else actor.id
    owner = select(Network).where(Network.id == actor.network_id) if network_wide \
        else select(User).where(User.id == actor.id)
    db.session.scalars(owner.with_for_update()).one()  # two rotations at once: one waits
    token = secrets.token_urlsafe(32)
    feed = feed_of(actor.network_id, user_id)
    action = "calendar_feed.rotate" if feed else "calendar_feed.create"
    if feed is None:
        feed = CalendarFeed(network_id=actor.network_id, user_id=user_id)
        db.session.add(feed)
    feed.token_hash = token_hash(token)
    feed.created_at = utcnow()
    feed.created_by_id, feed.revoked_at = actor.id, None
    db.session.flush()
    add_entry(action, network_id=actor.network_id, object_type="calendar_feed",
              object_id=str(feed.id), detail="network feed" if network_wide else "own feed")
    db.session.flush()
    return token


def revoke_feeds_of(user: User) -> list[CalendarFeed]:
    """Stop, for good, every feed address ``user`` holds: their own feed's and any network
    feed's they made. Returns the feeds that stopped.

    The stored hash is replaced by the hash of a secret nobody is shown, and ``revoked_at``
    tells the calendar page why the address is dead: a network feed needs a new address from
    a coordinator who still has access. Called when the user is disabled (and should be on
    any change of role).
    """
    feeds = db.session.scalars(
        select(CalendarFeed)
        .where((CalendarFeed.user_id == user.id) | (CalendarFeed.created_by_id == user.id),
               CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id)).all()
    now = utcnow()
    for feed in feeds:
        feed.token_hash = token_hash(secrets.token_urlsafe(32))
        feed.revoked_at = now
    db.session.flush()
    for feed in feeds:
        add_entry("calendar_feed.revoke", network_id=feed.network_id,
                  object_type="calendar_feed", object_id=str(feed.id),
                  detail="own feed" if feed.user_id is not None else "network feed")
    db.session.flush()
    return list(feeds)


@dataclass(frozen=True)
class FeedOwner:
    """Whose feed a secret opens: a network's, or one active staff user's."""

    feed: CalendarFeed
    network: Network
    user: User | None


def find_feed(token: str) -> FeedOwner | None:
    """The feed whose secret this is; None for unknown, rotated or revoked secrets, and for
    feeds whose holder (the user, or the coordinator who made a network feed's address) is
    disabled or no longer has the role to read it."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.execute(
        select(CalendarFeed, Network, User).join(Network, Network.id == CalendarFeed.network_id)
        .outerjoin(User, User.id == CalendarFeed.created_by_id)
        .where(CalendarFeed.token_hash == token_hash(token),
               CalendarFeed.revoked_at.is_(None))).first()
    if row is None:
        return None
    feed, network, holder = row
    is_own_feed = feed.user_id is not None
    if not may_hold(feed, network, holder):
        return None
    return FeedOwner(feed, network, holder if is_own_feed else None)


def may_hold(feed: CalendarFeed, network: Network, holder: User | None) -> bool:
    """May ``holder``, who made the feed's address, still read the feed?"""
    if holder is None or holder.is_disabled or holder.network_id != network.id:
        return False
    if feed.user_id is None:
        return holder.role == Role.COORDINATOR
    return holder.id == feed.user_id and holder.role in STAFF_ROLES


@dataclass(frozen=True)
class Entry:
    """One event of a feed: timed (UTC datetimes) or all-day (dates, end exclusive)."""

    uid: str
    summary: str
    starts: datetime | date
    ends: datetime | date
    case_id: int
    location: str = ""
    is_cancelled: bool = False


@dataclass(frozen=True)
class Window:
    first_day: date
    last_day: date
    zone: ZoneInfo

    @classmethod
    def around_today(cls, network: Network) -> Window:
        today = network_today(network)
        return cls(today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD),
                   zone_of(network))

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.first_day, time(), self.zone).astimezone(UTC)

    @property
    def ends(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time(), self.zone
                                ).astimezone(UTC)


def feed_entries(owner: FeedOwner) -> list[Entry]:
    """What the feed shows, in at most five queries whatever its size."""
    window = Window.around_today(owner.network)
    cases = fights_in_feed(owner)
    code = owner.network.code.lower()
    entries = [*action_entries(cases, window, code), *delivery_entries(cases, window, code),
               *planned_delivery_entries(cases, window, code),
               *deadline_entries(cases, window, code)]
    if owner.user is not None:
        entries += task_entries(owner.user, window, code)
    return entries


def fights_in_feed(owner: FeedOwner) -> ColumnElement[bool]:
    """SQL condition on Case: the network's fights, or only the user's if not a coordinator."""
    in_network = Case.network_id == owner.network.id
    if owner.user is None or owner.user.role == Role.COORDINATOR:
        return in_network
    on_team = Case.id.in_(select(case_team.c.case_id).where(case_team.c.user_id == owner.user.id))
    return in_network & on_team


def action_entries(cases: ColumnElement[bool], window: Window, code: str) -> list[Entry]:
    """Scheduled actions, timed; cancelled ones stay, marked cancelled."""
    pressed = aliased(TargetFact)
    rows = db.session.execute(
        select(Action.id, Action.kind, Action.starts_at, Action.place, Action.status, Case.id,
               Case.reference, Target.name, pressed.name)
        .join(Case, Case.id == Action.case_id).join(Target, Target.id == Case.target_id)
        .outerjoin(pressed, pressed.id == Action.pressure_point_id)
        .where(cases, Action.starts_at >= window.starts, Action.starts_at < window.ends)
        .order_by(Action.starts_at, Action.id).limit(MAX_PER_KIND))
    entries = []
    for action_id, kind, starts, place, status, case_id, reference, target, point in rows:
        if starts is None:  # filtered out by the query; here for the type checker
            continue
        label = ActionKind(kind).label
        entries.append(Entry(
            uid=f"action-{action_id}@casework-{code}", case_id=case_id,
            summary=_("%(action)s: %(target)s — %(case)s", action=label, target=point or target,
                      case=reference), starts=starts,
            ends=starts + ACTION_HOURS, location=place,
            is_cancelled=status == ActionStatus.CANCELLED))
    return entries


def delivery_entries(cases: ColumnElement[bool], window: Window, code: str) -> list[Entry]:
    """Recorded deliveries of demand letters, timed."""
    rows = db.session.execute(
        select(Delivery.id, Delivery.delivered_at, Delivery.place, Case.id, Case.reference,
               Target.name)
        .join(Case, Case.id == Delivery.case_id).join(Target, Target.id == Case.target_id)
        .where(cases, Delivery.delivered_at >= window.starts,
               Delivery.delivered_at < window.ends)
        .order_by(Delivery.delivered_at, Delivery.id).limit(MAX_PER_KIND))
    return [Entry(uid=f"delivery-{delivery_id}@casework-{code}", case_id=case_id,
                  summary=_("Demand letter delivered: %(target)s — %(case)s", target=target,
                            case=reference),
                  starts=delivered_at, ends=delivered_at + DELIVERY_HOURS, location=place)
            for delivery_id, delivered_at, place, case_id, reference, target in rows]


def planned_delivery_entries(cases: ColumnElement[bool], window: Window,
                             code: str) -> list[Entry]:
    """Days a demand letter is planned to be delivered (fights not delivered yet), all day."""
    rows = db.session.execute(
        select(Case.id, Case.planned_delivery_on, Case.reference, Target.name)
        .join(Target, Target.id == Case.target_id)
        .where(cases, Case.state.in_(NOT_YET_DELIVERED),
               Case.planned_delivery_on >= window.first_day,
               Case.planned_delivery_on <= window.last_day)
        .order_by(Case.planned_delivery_on, Case.id).limit(MAX_PER_KIND))
    return [all_day(f"planned-delivery-{case_id}@casework-{code}", case_id, day,
                    _("Deliver the demand letter: %(target)s — %(case)s", target=target,
                      case=reference))
            for case_id, day, reference, target in rows if day is not None]


def deadline_entries(cases: ColumnElement[bool], window: Window, code: str) -> list[Entry]:
    """Deadlines of demand letters, all day."""
    rows = db.session.execute(
        select(Case.id, Case.deadline_on, Case.reference, Target.name)
        .join(Target, Target.id == Case.target_id)
        .where(cases, Case.deadline_on >= window.first_day, Case.deadline_on <= window.last_day)
        .order_by(Case.deadline_on, Case.id).limit(MAX_PER_KIND))
    return [all_day(f"deadline-{case_id}@casework-{code}", case_id, day,
                    _("Deadline: %(target)s — %(case)s", target=target, case=reference))
            for case_id, day, reference, target in rows if day is not None]


def task_entries(user: User, window: Window, code: str) -> list[Entry]:
    """The user's open tasks with a due date, all day; the member's name taken out."""
    rows = db.session.execute(
        select(Task.id, Task.title, Task.rule_key, Task.due_on, Case.id, Case.reference,
               Person.name, Person.phone)
        .join(Case, Case.id == Task.case_id).join(Person, Person.id == Case.person_id)
        .where(Task.assignee_id == user.id, Task.is_done.is_(False),
               Case.network_id == user.network_id, Task.due_on >= window.first_day,
               Task.due_on <= window.last_day)
        .order_by(Task.due_on, Task.id).limit(MAX_PER_KIND))
    return [all_day(f"task-{task_id}@casework-{code}", case_id, due_on,
                    _("Task: %(task)s — %(case)s", case=reference, task=without_member(
                        _(standard) if (standard := standard_title(title, rule_key)) else title,
                        name, phone)))
            for task_id, title, rule_key, due_on, case_id, reference, name, phone in rows
            if due_on is not None]


def all_day(uid: str, case_id: int, day: date, summary: str) -> Entry:
    return Entry(uid=uid, case_id=case_id, summary=summary, starts=day,
                 ends=day + timedelta(days=1))


def without_member(title: str, name: str, phone: str) -> str:
    """A typed task title with the member's name (or any word of it) and phone taken out."""
    words = sorted({name.strip(), *name.split()}, key=len, reverse=True)
    the_member = _("the member")
    for word in (w for w in words if len(w) >= 3):
        title = re.sub(rf"\b{re.escape(word)}\b", lambda _found: the_member, title,
                       flags=re.IGNORECASE)
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 7:
        phone_word = _("(phone)")
        title = re.sub(r"\+?\(?\d[\d().\- ]{5,}\d", lambda found: phone_word if re.sub(
            r"\D", "", found.group()).endswith(digits[-7:]) else found.group(), title)
    return title
