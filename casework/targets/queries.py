"""Reading targets: who may see them, the list with its fight counts, a target's fights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Numeric,
    Select,
    and_,
    bindparam,
    false,
    func,
    select,
    type_coerce,
)
from sqlalchemy import case as when

from casework.cases.queries import visibility_for
from casework.extensions import db
from casework.kept import kept_or_made
from casework.models import (
    Action,
    ActionStatus,
    AuditEntry,
    Case,
    IssueType,
    Outcome,
    OutcomeKind,
    Role,
    Target,
    TargetFact,
    TargetFactKind,
    User,
)
from casework.workflow.states import CaseState

# A target with this many fights stands out: it wrongs people again and again.
REPEAT_OFFENDER_FIGHTS = 2
FIGHTS_SHOWN = 100
RELATED_SHOWN = 20
# Facts that relate two targets when they match. Two targets researched from the same public
# record are not related because of it.
LINKING_KINDS = tuple(kind for kind in TargetFactKind if kind is not TargetFactKind.SOURCE)


@dataclass(frozen=True)
class TargetRow:
    target: Target
    fights: int
    won: int

    @property
    def is_repeat_offender(self) -> bool:
        return self.fights >= REPEAT_OFFENDER_FIGHTS


@dataclass(frozen=True)
class TargetPage:
    rows: list[TargetRow]
    page: int
    has_more: bool


@dataclass(frozen=True)
class FightRow:
    """A fight against the target as its page lists it (a plain row: the page shows a hundred),
    linked only for those who may open the case. The outcome is the fight's latest."""

    id: int
    reference: str
    state: CaseState
    issue_type: IssueType
    amount_claimed: Decimal | None
    created_at: datetime
    outcome_kind: OutcomeKind | None
    amount_recovered: Decimal | None
    ended_on: date | None
    may_open: bool


@dataclass(frozen=True)
class FightRecord:
    """How the network has fared against a target."""

    fights: int
    won: int
    recovered: Decimal

    @property
    def is_repeat_offender(self) -> bool:
        return self.fights >= REPEAT_OFFENDER_FIGHTS


@dataclass(frozen=True)
class RelatedTarget:
    target: Target
    reasons: list[str]


def visible_targets(user: User) -> ColumnElement[bool]:
    """Targets a user may open: organizers' and coordinators' of their network.

    Intake volunteers see the name, kind and address of the target on the inquiries they
    log, never a target's page: its research and fights were gathered for every fight against
    it, and naming a target on an inquiry must not open them."""
    if user.role in (Role.ORGANIZER, Role.COORDINATOR):
        return Target.network_id == user.network_id
    return false()


def may_view_target(target: Target, user: User) -> bool:
    """May the user open this target's page?"""
    return user.network_id == target.network_id and user.role in (Role.ORGANIZER,
                                                                   Role.COORDINATOR)


def may_research(user: User) -> bool:
    """Organizers and coordinators research targets; intake volunteers only read."""
    return user.role in (Role.ORGANIZER, Role.COORDINATOR)


def list_targets(user: User, text: str, sort: str, page: int, per_page: int) -> TargetPage:
    """One page of the targets the user may see, with fight counts from one grouped query.

    The cases are counted per target first (from the index on the target and state), then
    joined to the targets: far cheaper than joining every case to its target and grouping.
    With many cases that count is still most of the page's work, so which targets a page
    shows, with their counts, is kept until something changes (casework/kept.py)."""
    key = ("targets page", user.network_id, may_research(user), text, sort, page, per_page)
    counted, has_more = kept_or_made(key, lambda: count_fights(user, text, sort, page, per_page))
    targets = {target.id: target for target in db.session.scalars(
        select(Target).where(Target.id.in_([target_id for target_id, _, _ in counted])))}
    found = [TargetRow(targets[target_id], fights, won) for target_id, fights, won in counted]
    return TargetPage(rows=found, page=page, has_more=has_more)


def count_fights(user: User, text: str, sort: str, page: int,
                 per_page: int) -> tuple[list[tuple[int, int, int]], bool]:
    """A page of the list as (target id, fights, won), and whether more pages follow."""
    tally = (select(Case.target_id.label("target_id"), func.count().label("fights"),
                    func.sum(when((Case.state == CaseState.WON, 1), else_=0)).label("won"))
             .where(Case.network_id == user.network_id)
             .group_by(Case.target_id).subquery())
    fights = func.coalesce(tally.c.fights, 0)
    query = (select(Target.id, fights, func.coalesce(tally.c.won, 0))
             .outerjoin(tally, tally.c.target_id == Target.id)
             .where(visible_targets(user)))
    if text:
        query = query.where(func.lower(Target.name).contains(text.lower(), autoescape=True))
    by_name = (func.lower(Target.name), Target.id)
    query = query.order_by(*by_name) if sort == "name" else query.order_by(
        fights.desc(), *by_name)
    rows = db.session.execute(query.limit(per_page + 1).offset((page - 1) * per_page)).all()
    return [(target_id, count, int(wins)) for target_id, count, wins in rows[:per_page]], \
        len(rows) > per_page


def fights_against(target: Target, user: User) -> list[FightRow]:
    """The latest fights against the target, newest first."""
    rows = db.session.execute(fights_statement(user.role), {
        "target_id": target.id, "user_id": user.id, "network_id": user.network_id})
    return [FightRow(case_id, reference, state, issue_type, claimed, created_at, outcome_kind,
                     recovered, ended_on, bool(may_open))
            for (case_id, reference, state, issue_type, claimed, created_at, outcome_kind,
                 recovered, ended_on, may_open) in rows]


@cache
def fights_statement(role: Role) -> Select[Any]:
    """``fights_against``'s statement for a role, built once: the target and the user's ids
    are parameters."""
    may_open = and_(*visibility_for(role, bindparam("user_id"), bindparam("network_id")))
    columns: list[Any] = [Case.id, Case.reference, Case.state, Case.issue_type,
                          Case.amount_claimed, Case.created_at, Outcome.kind,
                          Outcome.amount_recovered, Outcome.decided_on, may_open]
    return (select(*columns)
            .outerjoin(Outcome, Outcome.id == latest_outcome_id())
            .where(Case.target_id == bindparam("target_id"))
            .order_by(Case.id.desc()).limit(FIGHTS_SHOWN))


def latest_outcome_id() -> Any:
    """The id of the fight's latest outcome (per fight, from the case's outcome index)."""
    return (select(func.max(Outcome.id)).where(Outcome.case_id == Case.id)
            .correlate(Case).scalar_subquery())


def fight_record(target: Target) -> FightRecord:
    """Fights, wins and the money recovered (each won fight's latest outcome) in one query."""
    row = db.session.execute(fight_record_statement(), {"target_id": target.id}).one()
    return FightRecord(fights=row[0], won=int(row[1]), recovered=Decimal(row[2]))


@cache
def fight_record_statement() -> Select[Any]:
    """``fight_record``'s statement, built once."""
    is_won = Case.state == CaseState.WON
    recovered = func.coalesce(func.sum(when((is_won, Outcome.amount_recovered), else_=0)), 0)
    return (select(func.count(Case.id),
                   func.coalesce(func.sum(when((is_won, 1), else_=0)), 0),
                   type_coerce(recovered, Numeric(14, 2)))
            .outerjoin(Outcome, Outcome.id == latest_outcome_id())
            .where(Case.target_id == bindparam("target_id")))


def count_other_fights(case: Case) -> int:
    """How many other fights the network has had against this case's target."""
    return db.session.scalar(OTHER_FIGHTS, {"target_id": case.target_id, "case_id": case.id}) or 0


# Built once: the case page asks on every view.
OTHER_FIGHTS = select(func.count(Case.id)).where(
    Case.target_id == bindparam("target_id"), Case.id != bindparam("case_id"))


def related_targets(target: Target) -> list[RelatedTarget]:
    """Other targets of the network with the same name or a fact in common (same owner…)."""
    own_name = target.name.strip().lower()
    mine = {fact.name.strip().lower(): fact for fact in target.facts
            if fact.kind in LINKING_KINDS and fact.name.strip()}
    names = {own_name, *mine}
    others = Target.network_id == target.network_id, Target.id != target.id
    reasons: dict[int, list[str]] = {}
    found: dict[int, Target] = {}
    for other in db.session.scalars(select(Target).where(
            *others, func.lower(func.trim(Target.name)).in_(names)).limit(RELATED_SHOWN)):
        key = other.name.strip().lower()
        why = _("Same name") if key == own_name else _("%(kind)s of this target",
                                                        kind=mine[key].kind.label)
        found[other.id] = other
        reasons.setdefault(other.id, []).append(why)
    shared = db.session.execute(
        select(Target, TargetFact.kind, TargetFact.name)
        .join(TargetFact, TargetFact.target_id == Target.id)
        .where(*others, TargetFact.kind.in_(LINKING_KINDS),
               func.lower(func.trim(TargetFact.name)).in_(names))
        .order_by(Target.id, TargetFact.id).limit(RELATED_SHOWN * 5))
    for other, kind, name in shared:
        why = shared_fact_reason(kind, name.strip(), mine.get(name.strip().lower()))
        found[other.id] = other
        reasons.setdefault(other.id, []).append(why)
    ordered = sorted(found.values(), key=lambda t: (t.name.lower(), t.id))[:RELATED_SHOWN]
    return [RelatedTarget(other, list(dict.fromkeys(reasons[other.id]))) for other in ordered]


def shared_fact_reason(kind: TargetFactKind, name: str, here: TargetFact | None) -> str:
    """Why another target's fact relates it to this one, in words."""
    if here is None:
        return _("Lists this target as its %(kind)s", kind=kind.label.lower())
    if here.kind is kind:
        return _("Same %(kind)s: %(name)s", kind=kind.label.lower(), name=name)
    return _("%(name)s: %(kind)s there, %(here)s here", name=name, kind=kind.label.lower(),
             here=here.kind.label.lower())


def planned_actions_pressing(fact: TargetFact) -> int:
    """How many planned actions press this fact (a secondary target)."""
    return db.session.scalar(select(func.count(Action.id)).where(
        Action.pressure_point_id == fact.id, Action.status == ActionStatus.PLANNED)) or 0


def last_editor_of(target: Target) -> str | None:
    """Who last changed the target's own fields, from the audit log."""
    return db.session.scalar(
        select(User.name).join(AuditEntry, AuditEntry.user_id == User.id)
        .where(AuditEntry.object_type == "target", AuditEntry.object_id == str(target.id),
               AuditEntry.action == "target.update")
        .order_by(AuditEntry.id.desc()).limit(1))
