"""The escalation ladder: planning actions, their roles, and recording them done or cancelled."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from casework.clock import network_today
from casework.errors import CaseworkError, PermissionDenied
from casework.extensions import db
from casework.fight.dates import action_done_problem
from casework.letters.context import LetterKind
from casework.models import (
    Action,
    ActionKind,
    ActionRole,
    ActionRoleKind,
    ActionStatus,
    CallListEntry,
    Case,
    Event,
    EventKind,
    Letter,
    Person,
    TargetFact,
    User,
)
from casework.models.base import utcnow
from casework.reports.fight_figures import refresh_fight_figures
from casework.solidarity.appeals import share_action
from casework.system_text import N_, Value, enum_value, moment_value, system_note


class ActionRefused(CaseworkError):
    """The action cannot be changed as asked; the message says why."""


@dataclass(frozen=True)
class ActionPlan:
    """What planning (or re-planning) an action sets."""

    kind: ActionKind
    starts_at: datetime
    title: str = ""
    place: str = ""
    pressure_point_id: int | None = None  # None: the fight's own target
    turnout_goal: int = 0
    calls_supporters: bool = False
    materials: str = ""
    leaflet_id: int | None = None


@dataclass(frozen=True)
class ActionReport:
    """What happened at an action; turnout is None when the check-ins count it."""

    result: str
    incidents: str = ""
    police_present: bool = False
    turnout_actual: int | None = None


@dataclass
class Ladder:
    """A case's actions as the case page shows them, with each one's check-in count."""

    done: list[Action] = field(default_factory=list)
    next: Action | None = None
    planned: list[Action] = field(default_factory=list)  # after the next one
    cancelled: list[Action] = field(default_factory=list)
    checked_in: dict[int, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.done or self.next or self.cancelled)


def can_run_actions(case: Case, user: User) -> bool:
    """Organizers on the case team and coordinators plan and record the case's actions."""
    return case.can_move(user)


def require_team(case: Case, user: User) -> None:
    if not can_run_actions(case, user):
        raise PermissionDenied(_("Only the case team plans and records this fight's actions."))


def require_planned(action: Action) -> None:
    if action.status != ActionStatus.PLANNED:
        raise ActionRefused(_("This action is already cancelled: it cannot change.")
                            if action.status == ActionStatus.CANCELLED else
                            _("This action is already done: it cannot change."))


def pressable_facts(case: Case) -> list[TargetFact]:
    """The target's facts an action can press instead of the target itself."""
    facts = db.session.scalars(select(TargetFact).where(TargetFact.target_id == case.target_id)
                               .order_by(TargetFact.kind, TargetFact.id))
    return [fact for fact in facts if fact.kind.can_be_pressed]


def leaflets_of(case: Case) -> list[Letter]:
    """The case's leaflets, which an action can hand out."""
    return list(db.session.scalars(select(Letter).where(
        Letter.case_id == case.id, Letter.kind == LetterKind.LEAFLET).order_by(Letter.id)))


def check_plan(case: Case, plan: ActionPlan) -> None:
    """The pressure point and the leaflet must belong to this fight."""
    if plan.pressure_point_id is not None and plan.pressure_point_id not in {
            fact.id for fact in pressable_facts(case)}:
        raise ActionRefused(_("That pressure point is not one of this target's facts."))
    if plan.leaflet_id is not None and plan.leaflet_id not in {
            letter.id for letter in leaflets_of(case)}:
        raise ActionRefused(_("That leaflet is not one of this case's letters."))


def plan_action(case: Case, actor: User, plan: ActionPlan) -> Action:
    """Add an action at the end of the case's ladder."""
    require_team(case, actor)
    if not case.state.is_open:
        raise ActionRefused(_("This fight has ended: it takes no new actions."))
    check_plan(case, plan)
    last = db.session.scalar(select(func.max(Action.position)).where(Action.case_id == case.id))
    action = Action(case=case, position=(last + 1) if last is not None else 0,
                    created_by_id=actor.id, **vars(plan))
    db.session.add(action)
    add_event(case, actor, EventKind.ACTION_PLANNED, system_note(
        N_("Action planned: %(action)s on %(when)s at %(place)s (turnout goal %(goal)s)")
        if plan.place else N_("Action planned: %(action)s on %(when)s (turnout goal %(goal)s)"),
        action=action_value(action), when=moment_value(plan.starts_at, case.network.timezone),
        place=plan.place, goal=str(plan.turnout_goal)))
    db.session.flush()
    return action


def update_action(action: Action, actor: User, plan: ActionPlan) -> list[str]:
    """Change a planned action; a new date is recorded as a reschedule. Returns what changed."""
    case = action.case
    require_team(case, actor)
    require_planned(action)
    check_plan(case, plan)
    old_start = action.starts_at
    changed = [f.name for f in fields(ActionPlan)
               if getattr(action, f.name) != getattr(plan, f.name)]
    for name in changed:
        setattr(action, name, getattr(plan, name))
    if "starts_at" in changed:
        add_event(case, actor, EventKind.ACTION_RESCHEDULED, system_note(
            N_("Action rescheduled: %(action)s from %(old)s to %(new)s"),
            action=action_value(action), old=moment_value(old_start, case.network.timezone),
            new=moment_value(plan.starts_at, case.network.timezone)))
    others = [name for name in changed if name != "starts_at"]
    if others:
        db.session.add(Event(case=case, actor=actor, kind=EventKind.UPDATED,
                             **system_note(N_("Action: %(action)s"),
                                           action=action_value(action)),
                             changed_fields=[name.removesuffix("_id") for name in others]))
    db.session.flush()
    return changed


def move_action(action: Action, actor: User, step: int) -> None:
    """Move a planned action one rung up (step -1) or down (+1) among the planned ones."""
    case = action.case
    require_team(case, actor)
    require_planned(action)
    actions = list(db.session.scalars(select(Action).where(Action.case_id == case.id)
                                      .order_by(Action.position, Action.id).with_for_update()))
    planned = [a for a in actions if a.status == ActionStatus.PLANNED]
    here = planned.index(action)
    if not 0 <= here + step < len(planned):
        raise ActionRefused(_("This action is already at that end of the ladder."))
    other = planned[here + step]
    i, j = actions.index(action), actions.index(other)
    actions[i], actions[j] = other, action
    for position, each in enumerate(actions):  # dense again, whatever happened before
        each.position = position
    db.session.flush()


def record_done(action: Action, actor: User, report: ActionReport) -> Action:
    """Record what happened; the turnout is the check-in count when people were checked in."""
    case = action.case
    require_team(case, actor)
    require_planned(action)
    problem = action_done_problem(action, network_today(case.network))
    if problem:
        raise ActionRefused(problem)
    checked_in = checked_in_count(action)
    turnout = checked_in if checked_in else report.turnout_actual
    if turnout is None:
        raise ActionRefused(_("Record how many people came (nobody was checked in)."))
    action.result, action.incidents = report.result, report.incidents
    action.police_present, action.turnout_actual = report.police_present, turnout
    action.status, action.done_at = ActionStatus.DONE, utcnow()
    done = {
        (False, False): N_("Action done: %(action)s: turnout %(turnout)s (goal %(goal)s)"),
        (True, False): N_("Action done: %(action)s: turnout %(turnout)s checked in "
                          "(goal %(goal)s)"),
        (False, True): N_("Action done: %(action)s: turnout %(turnout)s (goal %(goal)s); "
                          "police present"),
        (True, True): N_("Action done: %(action)s: turnout %(turnout)s checked in "
                         "(goal %(goal)s); police present"),
    }[(bool(checked_in), bool(report.police_present))]
    add_event(case, actor, EventKind.ACTION_DONE, system_note(
        done, action=action_value(action), turnout=str(turnout),
        goal=str(action.turnout_goal)))
    db.session.flush()
    refresh_fight_figures(case)
    share_action(action)
    return action


def cancel_action(action: Action, actor: User, reason: str) -> None:
    """Cancel a planned action; it stays on the ladder as cancelled."""
    case = action.case
    require_team(case, actor)
    require_planned(action)
    action.status = ActionStatus.CANCELLED
    add_event(case, actor, EventKind.ACTION_CANCELLED, system_note(
        N_("Action cancelled: %(action)s (%(when)s) — %(reason)s") if reason
        else N_("Action cancelled: %(action)s (%(when)s)"),
        action=action_value(action), when=moment_value(action.starts_at, case.network.timezone),
        reason=reason))
    db.session.flush()


def add_role(action: Action, actor: User, role: ActionRoleKind, person_id: int | None,
             name: str) -> ActionRole:
    """Give someone a role at the action: a person of the network, or a name typed in."""
    require_team(action.case, actor)
    if action.status == ActionStatus.CANCELLED:
        raise ActionRefused(_("This action was cancelled."))
    if (person_id is None) == (not name):
        raise ActionRefused(_("Choose a person or type a name (one of the two)."))
    if person_id is not None and person_id not in {p.id for p in role_candidates(action)}:
        raise ActionRefused(_("That person is not among those who can take a role here."))
    entry = ActionRole(action=action, role=role, person_id=person_id, name=name)
    db.session.add(entry)
    db.session.flush()
    return entry


def remove_role(entry: ActionRole, actor: User) -> None:
    """Take a role off the action."""
    require_team(entry.action.case, actor)
    entry.action.roles.remove(entry)  # delete-orphan removes the row
    db.session.flush()


def role_candidates(action: Action) -> list[Person]:
    """Who can be picked for a role: the fight's member and the people on its call list."""
    on_list = select(CallListEntry.person_id).where(CallListEntry.action_id == action.id)
    people = db.session.scalars(select(Person).where(
        Person.network_id == action.case.network_id, Person.stands_for_network.is_(False),
        (Person.id == action.case.person_id) | Person.id.in_(on_list),
    ).order_by(Person.name, Person.id).limit(500))
    return list(people)


def checked_in_count(action: Action) -> int:
    """How many people were checked in at the action."""
    return db.session.scalar(select(func.count()).where(
        CallListEntry.action_id == action.id, CallListEntry.is_checked_in.is_(True))) or 0


def ladder_of(case: Case) -> Ladder:
    """The case's actions: done, the next one, the rest planned, and cancelled."""
    ladder = Ladder()
    for action in case.actions:
        if action.status == ActionStatus.DONE:
            ladder.done.append(action)
        elif action.status == ActionStatus.CANCELLED:
            ladder.cancelled.append(action)
        elif ladder.next is None:
            ladder.next = action
        else:
            ladder.planned.append(action)
    ladder.done.sort(key=lambda a: (a.starts_at or a.created_at, a.id))
    ids = [a.id for a in case.actions]
    if ids:
        ladder.checked_in = dict(db.session.execute(CHECKED_IN, {"action_ids": ids}).all())
    return ladder


# Built once: every case page with actions asks.
CHECKED_IN = (select(CallListEntry.action_id, func.count())
              .where(CallListEntry.action_id.in_(bindparam("action_ids", expanding=True)),
                     CallListEntry.is_checked_in.is_(True))
              .group_by(CallListEntry.action_id))


def add_event(case: Case, actor: User, kind: EventKind, note: dict[str, Any]) -> None:
    """A timeline entry the app writes (``system_note``)."""
    db.session.add(Event(case=case, actor=actor, kind=kind, **note))


def action_value(action: Action) -> Value:
    """An action as a note names it: its typed title, else its kind (translated when shown)."""
    return action.title or enum_value(action.kind)
