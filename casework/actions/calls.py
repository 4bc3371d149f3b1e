"""Call lists: who to call for an action, split among callers, their answers, the check-in,
and how reliable each person has been."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

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
    Tier,
    User,
)
from casework.models.base import utcnow
from casework.workflow.states import CaseState

CALLS_PER_CALLER = range(10, 21)  # a caller can ring 10 to 20 people in an evening
DEFAULT_CALLS_PER_CALLER = 15
# The check-in page puts those who said yes first, then the likeliest to come.
CHECK_IN_ORDER = (CallAnswer.YES, CallAnswer.MAYBE, CallAnswer.REACHED, CallAnswer.NOT_CALLED,
                  CallAnswer.NO, CallAnswer.WRONG_NUMBER)
ANSWERS = tuple(answer for answer in CallAnswer if answer != CallAnswer.NOT_CALLED)
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
            return "no record yet"
        return f"said yes {self.said_yes}×, came {self.came}×"


@dataclass(frozen=True)
class SplitResult:
    assigned: int
    unassigned: int


def languages(codes: str) -> list[str]:
    """'es, en' as ['es', 'en'], preferred first."""
    return [code.strip().lower() for code in codes.split(",") if code.strip()]


def require_open(action: Action) -> None:
    if action.status != ActionStatus.PLANNED:
        raise ActionRefused(f"This action is {action.status.value}: its call list is closed.")


def build_call_list(action: Action, actor: User) -> int:
    """Add the network's members (and supporters for big actions) with a phone who are not on
    the list yet; returns how many were added. Inquirers not met yet, and people whose fight
    was declined, are not members."""
    require_team(action.case, actor)
    db.session.refresh(action, with_for_update=True)  # two builds at once queue here
    require_open(action)
    tiers = [Tier.MEMBER, Tier.SUPPORTER] if action.calls_supporters else [Tier.MEMBER]
    already = select(CallListEntry.person_id).where(CallListEntry.action_id == action.id)
    has_fights = select(Case.id).where(Case.person_id == Person.id).exists()
    taken_on = select(Case.id).where(Case.person_id == Person.id,
                                     Case.state.not_in(NOT_YET_TAKEN_ON)).exists()
    new_ids = db.session.scalars(select(Person.id).where(
        Person.network_id == action.case.network_id, Person.tier.in_(tiers),
        func.trim(Person.phone) != "", Person.id.not_in(already),
        sa.or_(Person.tier != Tier.MEMBER, ~has_fights, taken_on)).order_by(Person.id)).all()
    db.session.add_all(CallListEntry(action_id=action.id, person_id=person_id)
                       for person_id in new_ids)
    db.session.flush()
    return len(new_ids)


def caller_choices(action: Action) -> list[User]:
    """Who may take calls: the active organizers and coordinators of the network."""
    return list(db.session.scalars(select(User).where(
        User.network_id == action.case.network_id, User.role.in_(CASE_TEAM_ROLES),
        User.is_disabled.is_(False)).order_by(User.name, User.id)))


def split_call_list(action: Action, actor: User, caller_ids: Sequence[int],
                    size: int) -> SplitResult:
    """Share out the people not called yet: at most ``size`` each, a shared language first."""
    require_team(action.case, actor)
    require_open(action)
    if size not in CALLS_PER_CALLER:
        raise ActionRefused("Give each caller 10 to 20 people.")
    callers = [u for u in caller_choices(action) if u.id in set(caller_ids)]
    if not callers or len(callers) != len(set(caller_ids)):
        raise ActionRefused("Choose callers among the network's organizers.")
    entries = list(db.session.scalars(select(CallListEntry).options(
        joinedload(CallListEntry.person)).where(CallListEntry.action_id == action.id)
        .order_by(CallListEntry.id)))
    to_share = [e for e in entries if e.answer == CallAnswer.NOT_CALLED]
    kept = [e for e in entries if e.answer != CallAnswer.NOT_CALLED]
    room = {u.id: size - sum(1 for e in kept if e.caller_id == u.id) for u in callers}
    plan = share_out([(e.id, languages(e.person.languages)) for e in to_share],
                     [(u.id, languages(u.languages)) for u in callers], room)
    for entry in to_share:
        if entry.caller_id != plan.get(entry.id):  # untouched rows stay clean: no UPDATE, no audit
            entry.caller_id = plan.get(entry.id)
    db.session.flush()
    assigned = sum(1 for caller in plan.values() if caller is not None)
    return SplitResult(assigned=assigned, unassigned=len(to_share) - assigned)


def match_level(person: Sequence[str], caller: Sequence[str]) -> int:
    """0: the caller speaks the person's preferred language; 1: another language of theirs;
    2: no language in common."""
    if person and person[0] in caller:
        return 0
    return 1 if set(person) & set(caller) else 2


def share_out(people: Sequence[tuple[int, Sequence[str]]],
              callers: Sequence[tuple[int, Sequence[str]]],
              room: dict[int, int]) -> dict[int, int | None]:
    """Assign each person to a caller with room: the best language match, then the caller
    with the fewest so far, then the one speaking fewer languages (kept for those who need
    them). People no caller has room for get None.

    People who share a language with the fewest callers choose first; people who share none
    with anyone choose last and are spread evenly.
    """
    spoken = dict(callers)
    load = {caller: 0 for caller in spoken}

    def sharing(langs: Sequence[str]) -> int:
        return sum(1 for caller in spoken if match_level(langs, spoken[caller]) < 2)

    result: dict[int, int | None] = {}
    for person, langs in sorted(people, key=lambda p: (sharing(p[1]) == 0, sharing(p[1]))):
        with_room = [caller for caller in spoken if load[caller] < room.get(caller, 0)]
        if not with_room:
            result[person] = None
            continue
        chosen = min(with_room, key=lambda c: (match_level(langs, spoken[c]), load[c],
                                               len(spoken[c])))
        result[person], load[chosen] = chosen, load[chosen] + 1
    return result


def record_answer(entry: CallListEntry, actor: User, answer: CallAnswer) -> None:
    """What the person said when their caller rang."""
    action = entry.action
    if entry.caller_id != actor.id and not can_run_actions(action.case, actor):
        raise PermissionDenied("This person is on someone else's list.")
    if action.status == ActionStatus.CANCELLED:
        raise ActionRefused("This action was cancelled.")
    entry.answer, entry.answered_at = answer, utcnow()
    db.session.flush()


def set_checked_in(entry: CallListEntry, actor: User, present: bool) -> None:
    """Check a person in at the action (or undo it); a done action's turnout follows."""
    action = entry.action
    require_team(action.case, actor)
    if action.status == ActionStatus.CANCELLED:
        raise ActionRefused("This action was cancelled.")
    entry.is_checked_in = present
    entry.checked_in_at = utcnow() if present else None
    db.session.flush()
    if action.status == ActionStatus.DONE:
        action.turnout_actual = checked_in_count(action)
        db.session.flush()


def my_calls(action: Action, user: User) -> list[CallListEntry]:
    """The people the user is to call for the action."""
    return list(db.session.scalars(select(CallListEntry).options(
        joinedload(CallListEntry.person)).join(Person).where(
        CallListEntry.action_id == action.id, CallListEntry.caller_id == user.id)
        .order_by(Person.name, CallListEntry.id)))


def is_caller(action: Action, user: User) -> bool:
    """Has the user been given people to call for this action?"""
    return db.session.scalar(select(CallListEntry.id).where(
        CallListEntry.action_id == action.id, CallListEntry.caller_id == user.id).limit(1)
    ) is not None


def answer_rank() -> sa.Case[int]:
    return sa.case({answer: rank for rank, answer in enumerate(CHECK_IN_ORDER)},
                   value=CallListEntry.answer, else_=len(CHECK_IN_ORDER))


def call_list_page(action: Action, page: int, per_page: int, *,
                   for_check_in: bool = False) -> tuple[list[CallListEntry], bool]:
    """One page of the call list, by caller (or, for the check-in, those who said yes first);
    returns the entries and whether another page follows."""
    query = (select(CallListEntry).options(joinedload(CallListEntry.person),
                                           joinedload(CallListEntry.caller))
             .join(Person, Person.id == CallListEntry.person_id)
             .outerjoin(User, User.id == CallListEntry.caller_id)
             .where(CallListEntry.action_id == action.id))
    if for_check_in:
        query = query.order_by(answer_rank(), Person.name, CallListEntry.id)
    else:
        query = query.order_by(CallListEntry.caller_id.is_(None), User.name, Person.name,
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
    callers = [CallerLoad(name, people, answered or 0, yes or 0) for name, people, answered, yes
               in db.session.execute(
                   select(User.name, func.count(), func.sum(is_answered), func.sum(is_yes))
                   .join(CallListEntry, CallListEntry.caller_id == User.id)
                   .where(CallListEntry.action_id == action.id)
                   .group_by(User.id, User.name).order_by(User.name))]
    unassigned = db.session.scalar(select(func.count()).where(
        CallListEntry.action_id == action.id, CallListEntry.caller_id.is_(None))) or 0
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
