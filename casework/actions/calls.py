"""Call lists: who to call for an action, split among callers, their answers, the check-in,
and how reliable each person has been."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from casework.actions.services import (
    ActionRefused,
    can_run_actions,
    checked_in_count,
    require_team,
)
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.models import (
    CASE_TEAM_ROLES,
    Action,
    ActionStatus,
    CallAnswer,
    CallListEntry,
    Case,
    Person,
    Role,
    Tier,
    User,
)
from casework.models.base import utcnow
from casework.workflow.states import CaseState

CALLS_PER_CALLER = range(10, 21)  # a caller can ring 10 to 20 people in an evening
DEFAULT_CALLS_PER_CALLER = 15
MAX_MEMBER_CALLERS = 200  # the split form lists them all: keep the page bounded
# A caller is a staff account ("user", id) or a person marked as a caller ("person", id).
CallerKey = tuple[Literal["user", "person"], int]
K = TypeVar("K")
# The check-in page puts those who said yes first, then the likeliest to come.
CHECK_IN_ORDER = (CallAnswer.YES, CallAnswer.MAYBE, CallAnswer.REACHED, CallAnswer.NOT_CALLED,
                  CallAnswer.NO, CallAnswer.WRONG_NUMBER)
# The caller's buttons, the commonest answers first (one tap each).
ANSWERS = (CallAnswer.YES, CallAnswer.MAYBE, CallAnswer.NO, CallAnswer.REACHED,
           CallAnswer.WRONG_NUMBER)
# Someone who only called the hotline, or whose fight was declined, is not a member: a person
# whose fights are all inquiries or declined is left off call lists. Once organizers have met
# them (screening on), asking them to stand with others is part of the practice.
NOT_YET_TAKEN_ON = (CaseState.INQUIRY, CaseState.DECLINED)


@dataclass(frozen=True)
class Reliability:
    """How often a person who said yes to a done action came."""

    said_yes: int = 0
    came: int = 0
    came_after_yes: int = 0

    @property
    def rate(self) -> float | None:
        return self.came_after_yes / self.said_yes if self.said_yes else None

    @property
    def summary(self) -> str:
        if not (self.said_yes or self.came):
            return _("no record yet")
        return _("said yes %(yes)s×, came %(came)s×", yes=self.said_yes, came=self.came)


@dataclass(frozen=True)
class SplitResult:
    assigned: int
    unassigned: int


def languages(codes: str) -> list[str]:
    """'es, en' as ['es', 'en'], preferred first."""
    return [code.strip().lower() for code in codes.split(",") if code.strip()]


def require_open(action: Action) -> None:
    if action.status != ActionStatus.PLANNED:
        raise ActionRefused(_("This action is cancelled: its call list is closed.")
                            if action.status == ActionStatus.CANCELLED else
                            _("This action is done: its call list is closed."))


def build_call_list(action: Action, actor: User) -> int:
    """Add the network's members (and supporters for big actions) with a phone who are not on
    the list yet; returns how many were added. Inquirers not met yet, and people whose fight
    was declined, are not members."""
    require_team(action.case, actor)
    db.session.refresh(action, with_for_update=True)  # two builds at once queue here
    require_open(action)
    already = select(CallListEntry.person_id).where(CallListEntry.action_id == action.id)
    new_ids = db.session.scalars(select(Person.id).where(
        *mobilized_people(action), func.trim(Person.phone) != "", Person.id.not_in(already))
        .order_by(Person.id)).all()
    db.session.add_all(CallListEntry(action_id=action.id, person_id=person_id)
                       for person_id in new_ids)
    db.session.flush()
    return len(new_ids)


def mobilized_people(action: Action) -> list[sa.ColumnElement[bool]]:
    """SQL conditions on Person: whom the action mobilizes (by phone or by email). The
    network's members, and its supporters for big actions; not inquirers not met yet, nor
    people whose fight was declined."""
    tiers = [Tier.MEMBER, Tier.SUPPORTER] if action.calls_supporters else [Tier.MEMBER]
    has_fights = select(Case.id).where(Case.person_id == Person.id).exists()
    taken_on = select(Case.id).where(Case.person_id == Person.id,
                                     Case.state.not_in(NOT_YET_TAKEN_ON)).exists()
    return [Person.network_id == action.case.network_id, Person.tier.in_(tiers),
            Person.stands_for_network.is_(False),
            sa.or_(Person.tier != Tier.MEMBER, ~has_fights, taken_on)]


def caller_choices(action: Action) -> list[User]:
    """Staff who may take calls: the active organizers and coordinators of the network."""
    return list(db.session.scalars(select(User).where(
        User.network_id == action.case.network_id, User.role.in_(CASE_TEAM_ROLES),
        User.is_disabled.is_(False)).order_by(User.name, User.id)))


def member_caller_choices(action: Action) -> list[Person]:
    """Members who may take calls: the network's people marked as callers."""
    return list(db.session.scalars(select(Person).where(
        Person.network_id == action.case.network_id, Person.is_caller.is_(True))
        .order_by(Person.name, Person.id).limit(MAX_MEMBER_CALLERS)))


def split_call_list(action: Action, actor: User, caller_ids: Sequence[int],
                    size: int, member_caller_ids: Sequence[int] = ()) -> SplitResult:
    """Share out the people not called yet among staff (``caller_ids``) and members marked as
    callers (``member_caller_ids``): at most ``size`` each, a shared language first."""
    require_team(action.case, actor)
    require_open(action)
    if size not in CALLS_PER_CALLER:
        raise ActionRefused(_("Give each caller 10 to 20 people."))
    staff = [u for u in caller_choices(action) if u.id in set(caller_ids)]
    members = [p for p in member_caller_choices(action) if p.id in set(member_caller_ids)]
    if not (staff or members) or len(staff) != len(set(caller_ids)) \
            or len(members) != len(set(member_caller_ids)):
        raise ActionRefused(_("Choose callers among the network's organizers and members marked "
                              "as callers."))
    callers: list[tuple[CallerKey, list[str]]] = [
        *((("user", u.id), languages(u.languages)) for u in staff),
        *((("person", p.id), languages(p.languages)) for p in members)]
    entries = list(db.session.scalars(select(CallListEntry).options(
        joinedload(CallListEntry.person)).where(CallListEntry.action_id == action.id)
        .order_by(CallListEntry.id)))
    # Someone on the list only for the mobilization email (no phone) is nobody's call.
    to_share = [e for e in entries if e.answer == CallAnswer.NOT_CALLED and e.person.phone.strip()]
    kept = [e for e in entries if e.answer != CallAnswer.NOT_CALLED]
    room = {key: size - sum(1 for e in kept if caller_key(e) == key) for key, _ in callers}
    # Nobody calls themselves: a member caller on the list is left to the others.
    plan = share_out([(e.id, languages(e.person.languages)) for e in to_share], callers, room,
                     excluded={e.id: ("person", e.person_id) for e in to_share})
    for entry in to_share:
        if caller_key(entry) != plan.get(entry.id):  # untouched rows stay clean: no UPDATE
            set_caller(entry, plan.get(entry.id))
    db.session.flush()
    assigned = sum(1 for caller in plan.values() if caller is not None)
    return SplitResult(assigned=assigned, unassigned=len(to_share) - assigned)


def caller_key(entry: CallListEntry) -> CallerKey | None:
    """Who calls the entry's person, as ("user", id) or ("person", id)."""
    if entry.caller_id is not None:
        return ("user", entry.caller_id)
    if entry.caller_person_id is not None:
        return ("person", entry.caller_person_id)
    return None


def set_caller(entry: CallListEntry, key: CallerKey | None) -> None:
    entry.caller_id = key[1] if key is not None and key[0] == "user" else None
    entry.caller_person_id = key[1] if key is not None and key[0] == "person" else None


def match_level(person: Sequence[str], caller: Sequence[str]) -> int:
    """0: the caller speaks the person's preferred language; 1: another language of theirs;
    2: no language in common."""
    if person and person[0] in caller:
        return 0
    return 1 if set(person) & set(caller) else 2


def share_out(people: Sequence[tuple[int, Sequence[str]]],
              callers: Sequence[tuple[K, Sequence[str]]],
              room: dict[K, int], excluded: dict[int, K] | None = None) -> dict[int, K | None]:
    """Assign each person to a caller with room: the best language match, then the caller
    with the fewest so far, then the one speaking fewer languages (kept for those who need
    them). People no caller has room for get None; ``excluded`` names, for a person, a caller
    who may not call them (themselves).

    People who share a language with the fewest callers choose first; people who share none
    with anyone choose last and are spread evenly.
    """
    spoken = dict(callers)
    load = {caller: 0 for caller in spoken}
    excluded = excluded or {}

    def sharing(langs: Sequence[str]) -> int:
        return sum(1 for caller in spoken if match_level(langs, spoken[caller]) < 2)

    result: dict[int, K | None] = {}
    for person, langs in sorted(people, key=lambda p: (sharing(p[1]) == 0, sharing(p[1]))):
        with_room = [caller for caller in spoken if load[caller] < room.get(caller, 0)
                     and excluded.get(person) != caller]
        if not with_room:
            result[person] = None
            continue
        chosen = min(with_room, key=lambda c: (match_level(langs, spoken[c]), load[c],
                                               len(spoken[c])))
        result[person], load[chosen] = chosen, load[chosen] + 1
    return result


def is_member_caller(user: User) -> bool:
    """Is the user a member's portal login whose person is marked as a caller?"""
    if user.role != Role.MEMBER or user.person_id is None:
        return False
    return bool(db.session.scalar(select(Person.is_caller).where(
        Person.id == user.person_id, Person.network_id == user.network_id)))


def calls_entry(entry: CallListEntry, user: User) -> bool:
    """Was the entry given to the user to call (as staff, or as a member marked a caller)?"""
    if user.role == Role.MEMBER:
        return entry.caller_person_id is not None and \
            entry.caller_person_id == user.person_id and is_member_caller(user)
    return entry.caller_id == user.id


def record_answer(entry: CallListEntry, actor: User, answer: CallAnswer) -> None:
    """What the person said when their caller rang."""
    action = entry.action
    if not calls_entry(entry, actor) and (
            actor.role == Role.MEMBER or not can_run_actions(action.case, actor)):
        raise PermissionDenied(_("This person is on someone else's list."))
    set_answer(entry, answer)


def set_answer(entry: CallListEntry, answer: CallAnswer) -> None:
    """Record the person's answer on the call list, given to a caller or through the links of
    a mobilization email (whoever may record it was checked by the caller of this)."""
    if entry.action.status == ActionStatus.CANCELLED:
        raise ActionRefused(_("This action was cancelled."))
    entry.answer, entry.answered_at = answer, utcnow()
    db.session.flush()


def set_checked_in(entry: CallListEntry, actor: User, present: bool) -> None:
    """Check a person in at the action (or undo it); a done action's turnout follows."""
    action = entry.action
    require_team(action.case, actor)
    if action.status == ActionStatus.CANCELLED:
        raise ActionRefused(_("This action was cancelled."))
    entry.is_checked_in = present
    entry.checked_in_at = utcnow() if present else None
    db.session.flush()
    if action.status == ActionStatus.DONE:
        action.turnout_actual = checked_in_count(action)
        db.session.flush()


def given_to(user: User) -> sa.ColumnElement[bool]:
    """The call list entries given to the user: a staff account's own, or for a member's
    portal login those of their person (only while the person is marked as a caller)."""
    if user.role != Role.MEMBER:
        return CallListEntry.caller_id == user.id
    if user.person_id is None or not is_member_caller(user):
        return sa.false()
    return CallListEntry.caller_person_id == user.person_id


def my_calls(action: Action, user: User) -> list[CallListEntry]:
    """The people the user is to call for the action."""
    return list(db.session.scalars(select(CallListEntry).options(
        joinedload(CallListEntry.person)).join(
        Person, Person.id == CallListEntry.person_id).where(
        CallListEntry.action_id == action.id, given_to(user))
        .order_by(Person.name, CallListEntry.id)))


def is_caller(action: Action, user: User) -> bool:
    """Has the user been given people to call for this action?"""
    return db.session.scalar(select(CallListEntry.id).where(
        CallListEntry.action_id == action.id, given_to(user)).limit(1)) is not None


def answer_rank() -> sa.Case[int]:
    return sa.case({answer: rank for rank, answer in enumerate(CHECK_IN_ORDER)},
                   value=CallListEntry.answer, else_=len(CHECK_IN_ORDER))


def call_list_page(action: Action, page: int, per_page: int, *,
                   for_check_in: bool = False) -> tuple[list[CallListEntry], bool]:
    """One page of the call list, by caller (or, for the check-in, those who said yes first);
    returns the entries and whether another page follows."""
    calling = aliased(Person)
    query = (select(CallListEntry).options(joinedload(CallListEntry.person),
                                           joinedload(CallListEntry.caller),
                                           joinedload(CallListEntry.caller_person))
             .join(Person, Person.id == CallListEntry.person_id)
             .outerjoin(User, User.id == CallListEntry.caller_id)
             .outerjoin(calling, calling.id == CallListEntry.caller_person_id)
             .where(CallListEntry.action_id == action.id))
    if for_check_in:
        query = query.order_by(answer_rank(), Person.name, CallListEntry.id)
    else:
        caller_name = func.coalesce(User.name, calling.name)
        query = query.order_by(caller_name.is_(None), caller_name, Person.name,
                               CallListEntry.id)
    rows = list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


@dataclass(frozen=True)
class CallerLoad:
    name: str
    people: int
    answered: int
    yes: int


@dataclass(frozen=True)
class CallListSummary:
    people: int
    unassigned: int
    answers: dict[CallAnswer, int]
    checked_in: int
    callers: list[CallerLoad]

    @property
    def yes(self) -> int:
        return self.answers.get(CallAnswer.YES, 0)


def summary_of(action: Action) -> CallListSummary:
    """Counts for the call list: by answer, by caller, unassigned, checked in."""
    answers = {CallAnswer(a): n for a, n in db.session.execute(
        select(CallListEntry.answer, func.count()).where(CallListEntry.action_id == action.id)
        .group_by(CallListEntry.answer))}
    is_answered = sa.case((CallListEntry.answer != CallAnswer.NOT_CALLED, 1), else_=0)
    is_yes = sa.case((CallListEntry.answer == CallAnswer.YES, 1), else_=0)
    callers = sorted(
        (CallerLoad(name, people, answered or 0, yes or 0) for model, column in (
            (User, CallListEntry.caller_id), (Person, CallListEntry.caller_person_id))
         for name, people, answered, yes in db.session.execute(
             select(model.name, func.count(), func.sum(is_answered), func.sum(is_yes))
             .join(CallListEntry, column == model.id)
             .where(CallListEntry.action_id == action.id)
             .group_by(model.id, model.name))),
        key=lambda load: load.name)
    unassigned = db.session.scalar(select(func.count()).where(
        CallListEntry.action_id == action.id, CallListEntry.caller_id.is_(None),
        CallListEntry.caller_person_id.is_(None))) or 0
    return CallListSummary(people=sum(answers.values()), unassigned=unassigned,
                           answers=answers, checked_in=checked_in_count(action),
                           callers=callers)


def reliability(person_ids: Iterable[int]) -> dict[int, Reliability]:
    """For each person: how often they said yes to a done action, came, and came after a yes."""
    ids = sorted(set(person_ids))
    found = {person_id: Reliability() for person_id in ids}
    said_yes = CallListEntry.answer == CallAnswer.YES
    came = CallListEntry.is_checked_in.is_(True)
    for start in range(0, len(ids), 500):  # stay well under any database's parameter limit
        chunk = ids[start:start + 500]
        rows = db.session.execute(
            select(CallListEntry.person_id,
                   func.sum(sa.case((said_yes, 1), else_=0)),
                   func.sum(sa.case((came, 1), else_=0)),
                   func.sum(sa.case((sa.and_(said_yes, came), 1), else_=0)))
            .join(Action, Action.id == CallListEntry.action_id)
            .where(Action.status == ActionStatus.DONE, CallListEntry.person_id.in_(chunk))
            .group_by(CallListEntry.person_id))
        for person_id, yes, present, kept in rows:
            found[person_id] = Reliability(int(yes or 0), int(present or 0), int(kept or 0))
    return found
