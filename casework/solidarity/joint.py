"""The receiving side of appeals: answering one, the linked fight a joint fight makes, and
the handlers of the appeal messages (registered on the inbox's registry).

A linked fight's state only ever changes here, from the initiator's messages: the workflow
refuses every move on it (``casework.workflow.service``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from casework.cases.services import find_target, next_reference
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.models import (
    ActionKind,
    Appeal,
    AppealDirection,
    AppealKind,
    AppealStatus,
    Case,
    Demand,
    DemandKind,
    Event,
    EventKind,
    IssueType,
    Network,
    Outcome,
    OutcomeKind,
    PeerStatus,
    Person,
    Role,
    Target,
    TargetFact,
    TargetFactKind,
    TargetKind,
    User,
)
from casework.models.base import utcnow
from casework.reports.fight_figures import refresh_fight_figures
from casework.solidarity.appeals import (
    APPEAL,
    CONTACT_NOTE,
    JOINT_ACTION,
    JOINT_FIGHT,
    AppealError,
    relay_action,
)
from casework.solidarity.inbox import Received, Refused, handles
from casework.solidarity.messages import activity
from casework.solidarity.outbox import enqueue
from casework.system_text import N_, date_value, enum_value, system_note
from casework.workflow.states import ENDED_STATES, CaseState


@dataclass(frozen=True)
class ActionReport:
    """How a one-off action asked by another network went, as its coordinator tells it."""

    done_on: date
    place: str = ""
    turnout: int | None = None
    result: str = ""


def text(value: Any, limit: int = 4000) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def parsed_enum(kind: type[Any], value: Any, default: Any) -> Any:
    return kind(value) if isinstance(value, str) and value in kind._value2member_map_ \
        else default


def day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def amount(value: Any) -> Decimal | None:
    """An amount another network sent: dollars and cents from 0 to under a billion."""
    try:
        money = Decimal(value).quantize(Decimal("0.01")) if isinstance(value, str) else None
    except InvalidOperation:
        return None
    return money if money is not None and money.is_finite() and 0 <= money < 10**9 else None


def may_answer(network: Network, user: User) -> bool:
    """Coordinators and the network's appeals delegate answer appeals."""
    return user.network_id == network.id and (
        user.role == Role.COORDINATOR or network.appeals_delegate_id == user.id)


def received_appeals(network: Network) -> list[Appeal]:
    return list(db.session.scalars(select(Appeal).where(
        Appeal.network_id == network.id, Appeal.direction == AppealDirection.RECEIVED)
        .order_by(Appeal.status != AppealStatus.NEW, Appeal.id.desc())))


def get_received(network: Network, appeal_id: int) -> Appeal | None:
    return db.session.scalars(select(Appeal).where(
        Appeal.id == appeal_id, Appeal.network_id == network.id,
        Appeal.direction == AppealDirection.RECEIVED)).one_or_none()


def answer_appeal(appeal: Appeal, user: User, accept: bool, note: str, offer: str) -> Case | None:
    """Accept (a joint fight: till the end) or decline, maybe offering a one-off action
    instead. No counter-proposals: the terms are the initiator's. Returns the linked fight
    an accepted joint fight makes."""
    network = db.session.get_one(Network, appeal.network_id)
    if not may_answer(network, user):
        raise PermissionDenied(_("Only a coordinator or the appeals delegate answers appeals."))
    if appeal.status != AppealStatus.NEW:
        raise AppealError(_("This appeal was answered already."))
    if appeal.peer.status != PeerStatus.LINKED:
        raise AppealError(_("The network that sent this appeal is no longer linked."))
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.DECLINED
    appeal.answer_note, appeal.offered_action = note.strip(), "" if accept else offer.strip()
    appeal.answered_by_id, appeal.answered_at = user.id, utcnow()
    linked = linked_fight(appeal, user) if accept and appeal.is_joint else None
    enqueue(network, appeal.peer, activity(
        network, appeal.peer.actor_id, "Accept" if accept else "Reject",
        {"type": APPEAL, "id": appeal.uid, "network": network.name,
         "note": appeal.answer_note, "offer": appeal.offered_action}))
    db.session.flush()
    return linked


def linked_fight(appeal: Appeal, user: User) -> Case:
    """The joined network's own fight: its team, ladder and call lists, the initiator's
    target, demands and state."""
    terms = appeal.terms
    network = db.session.get_one(Network, appeal.network_id)
    initiator = appeal.peer.name
    target = joint_target(network, terms.get("target") or {})
    # The fight's "member" is the initiating network: no person's data ever came here.
    person = Person(network_id=network.id, name=initiator[:120], stands_for_network=True)
    fight = terms.get("fight") or {}
    case = Case(network_id=network.id, reference=next_reference(network, utcnow().year),
                created_by=user, person=person, target=target, joint_with=initiator[:120],
                issue_type=parsed_enum(IssueType, terms.get("issue"), IssueType.OTHER),
                summary=_("Joint fight with %(network)s against %(target)s",
                          network=initiator, target=target.name)[:200],
                what_happened=text(terms.get("ask")),
                state=parsed_enum(CaseState, fight.get("state"), CaseState.DELIVERED),
                strategy=text(fight.get("strategy")),
                end_conditions=text(fight.get("endConditions")),
                deadline_on=day(fight.get("deadline")))
    for position, demand in enumerate(terms.get("demands") or []):
        if isinstance(demand, dict):
            case.demands.append(Demand(
                position=position, kind=parsed_enum(DemandKind, demand.get("kind"),
                                                   DemandKind.ACTION),
                description=text(demand.get("description")), amount=amount(demand.get("amount"))))
    db.session.add(Event(case=case, actor=user, kind=EventKind.CREATED, to_state=case.state,
                         **system_note(N_("Joined the joint fight led by %(network)s"),
                                       network=initiator)))
    if user.role == Role.ORGANIZER:
        case.team.append(user)
    case.refresh_search_text()
    db.session.add(case)
    db.session.flush()
    appeal.case_id = case.id
    refresh_fight_figures(case)
    return case


def joint_target(network: Network, terms: dict[str, Any]) -> Target:
    """The network's record of the target (its own if it has one of that name)."""
    name = text(terms.get("name"), 200) or "?"
    target = find_target(network.id, name)
    if target is not None:
        return target
    target = Target(network_id=network.id, name=name,
                    kind=parsed_enum(TargetKind, terms.get("kind"), TargetKind.COMPANY),
                    role=text(terms.get("role"), 80), leverage_points=text(terms.get("leverage")))
    for fact in terms.get("research") or []:
        if isinstance(fact, dict) and text(fact.get("name"), 200):
            target.facts.append(TargetFact(
                kind=parsed_enum(TargetFactKind, fact.get("kind"), TargetFactKind.SOURCE),
                name=text(fact.get("name"), 200), details=text(fact.get("details")),
                source=text(fact.get("source"), 300)))
    db.session.add(target)
    return target


# Handlers.

def appeal_of(message: Received, uid: Any, direction: AppealDirection) -> Appeal | None:
    assert message.peer is not None  # noqa: S101 - only linked peers reach these handlers
    return db.session.scalars(select(Appeal).where(
        Appeal.network_id == message.network.id, Appeal.peer_id == message.peer.id,
        Appeal.uid == str(uid), Appeal.direction == direction)).one_or_none()


def joint_event(case: Case, msgid: str, **values: Any) -> None:
    """A note from the fight's other networks on the timeline, in the reader's language."""
    db.session.add(Event(case=case, kind=EventKind.JOINT_STATUS, **system_note(msgid, **values)))


@handles("Offer", APPEAL)
def appeal_received(message: Received) -> None:
    """A new appeal: it waits on the Solidarity page; the delegate is emailed by the tick."""
    assert message.peer is not None  # noqa: S101
    obj = message.object
    uid = obj.get("id")
    if not isinstance(uid, str) or not uid or len(uid) > 100 \
            or obj.get("kind") not in AppealKind._value2member_map_:
        raise Refused(400, "an appeal needs an id and a kind")
    if appeal_of(message, uid, AppealDirection.RECEIVED) is None:
        db.session.add(Appeal(network_id=message.network.id, peer_id=message.peer.id, uid=uid,
                              direction=AppealDirection.RECEIVED, kind=AppealKind(obj["kind"]),
                              terms=obj))


def answered(message: Received, accepted: bool) -> None:
    appeal = appeal_of(message, message.object.get("id"), AppealDirection.SENT)
    if appeal is None or appeal.status != AppealStatus.NEW:
        return
    appeal.status = AppealStatus.ACCEPTED if accepted else AppealStatus.DECLINED
    appeal.answer_note = text(message.object.get("note"))
    appeal.offered_action = "" if accepted else text(message.object.get("offer"))
    appeal.answered_at = utcnow()
    if appeal.case is not None:
        name = message.peer.name if message.peer else "?"
        msgid = {
            (True, False, False): N_("%(network)s accepted the appeal (%(kind)s)"),
            (True, True, False): N_("%(network)s accepted the appeal (%(kind)s): %(note)s"),
            (False, False, False): N_("%(network)s declined the appeal (%(kind)s)"),
            (False, True, False): N_("%(network)s declined the appeal (%(kind)s): %(note)s"),
            (False, False, True): N_("%(network)s declined the appeal (%(kind)s). Offers "
                                     "instead: %(offer)s"),
            (False, True, True): N_("%(network)s declined the appeal (%(kind)s): %(note)s. "
                                    "Offers instead: %(offer)s"),
        }[(accepted, bool(appeal.answer_note), bool(appeal.offered_action))]
        joint_event(appeal.case, msgid, network=name, kind=enum_value(appeal.kind),
                    note=appeal.answer_note, offer=appeal.offered_action)
        refresh_fight_figures(appeal.case)  # an accepted joint appeal makes the fight joint


@handles("Accept", APPEAL)
def appeal_accepted(message: Received) -> None:
    answered(message, True)


@handles("Reject", APPEAL)
def appeal_declined(message: Received) -> None:
    answered(message, False)


@handles("Update", JOINT_FIGHT)
def fight_moved(message: Received) -> None:
    """The initiator's fight moved, or its strategy changed: the linked fight follows."""
    appeal = appeal_of(message, message.object.get("id"), AppealDirection.RECEIVED)
    if appeal is None or appeal.case is None:
        return
    follow(appeal, message.object, message.peer.name if message.peer else "?")


def follow(appeal: Appeal, status: dict[str, Any], initiator: str) -> None:
    from casework.workflow.service import lock_case

    case = lock_case(appeal.case_id or 0)
    state = parsed_enum(CaseState, status.get("state"), case.state)
    if state != case.state:
        db.session.add(Event(case=case, kind=EventKind.TRANSITION, from_state=case.state,
                             to_state=state, trigger="joint",
                             **system_note(N_("%(network)s moved the joint fight"),
                                           network=initiator)))
        if state in ENDED_STATES:
            case.ended_from = case.state
        case.state, case.state_changed_at = state, utcnow()
    outcome = status.get("outcome")
    if state in ENDED_STATES and isinstance(outcome, dict) and (
            case.outcome is None or case.outcome.kind.value != outcome.get("kind")):
        # A win of the joint fight is this network's win too, and so is the money won
        # (it went to the initiator's member: each network's reports count it).
        db.session.add(Outcome(case=case, kind=parsed_enum(OutcomeKind, outcome.get("kind"),
                                                          OutcomeKind.MOOT),
                               decided_on=day(outcome.get("decidedOn")) or utcnow().date(),
                               amount_recovered=amount(outcome.get("amount")),
                               conditions=""))  # the page says whose fight it is, translated
        appeal.status = AppealStatus.ENDED
    changed = []
    for field, key in (("strategy", "strategy"), ("end_conditions", "endConditions")):
        if isinstance(status.get(key), str) and getattr(case, field) != text(status[key]):
            setattr(case, field, text(status[key]))
            changed.append(field)
    if changed:
        db.session.add(Event(case=case, kind=EventKind.UPDATED, changed_fields=changed,
                             **system_note(N_("Updated by %(network)s"), network=initiator)))
    deadline = day(status.get("deadline"))
    if deadline and deadline != case.deadline_on:
        case.deadline_on = deadline
    if status.get("deadlinePassed") and case.deadline_passed_at is None:
        case.deadline_passed_at = utcnow()
        joint_event(case, N_("%(network)s: the deadline (%(day)s) passed"), network=initiator,
                    day=date_value(deadline))
    db.session.flush()
    refresh_fight_figures(case)


def action_text(summary: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """"Portland SolNet: picket at Acme's Portland office, Sat 5 Dec 2026, 40 people", and
    its result as typed: the msgid and its values (translated when shown)."""
    kind = parsed_enum(ActionKind, summary.get("kind"), ActionKind.OTHER)
    place = text(summary.get("place"), 300)
    turnout = summary.get("turnout")
    counted = isinstance(turnout, int) and not isinstance(turnout, bool) and turnout >= 0
    msgid = {
        (False, False): N_("%(network)s: %(kind)s, %(day)s"),
        (True, False): N_("%(network)s: %(kind)s at %(place)s, %(day)s"),
        (False, True): N_("%(network)s: %(kind)s, %(day)s, %(turnout)s people"),
        (True, True): N_("%(network)s: %(kind)s at %(place)s, %(day)s, %(turnout)s people"),
    }[(bool(place), counted)]
    result = text(summary.get("result"))
    if result:
        msgid = {
            N_("%(network)s: %(kind)s, %(day)s"): N_("%(network)s: %(kind)s, %(day)s. "
                                                      "%(result)s"),
            N_("%(network)s: %(kind)s at %(place)s, %(day)s"): N_(
                "%(network)s: %(kind)s at %(place)s, %(day)s. %(result)s"),
            N_("%(network)s: %(kind)s, %(day)s, %(turnout)s people"): N_(
                "%(network)s: %(kind)s, %(day)s, %(turnout)s people. %(result)s"),
            N_("%(network)s: %(kind)s at %(place)s, %(day)s, %(turnout)s people"): N_(
                "%(network)s: %(kind)s at %(place)s, %(day)s, %(turnout)s people. %(result)s"),
        }[msgid]
    return msgid, {"network": text(summary.get("network"), 120),
                   "kind": enum_value(kind, lower=True), "place": place,
                   "day": date_value(day(summary.get("date"))),
                   "turnout": turnout if counted else 0, "result": result}


def reported(summary: dict[str, Any]) -> dict[str, Any]:
    """What a network reported of an action, as ``action_text`` reads it, cut to size."""
    turnout = summary.get("turnout")
    return {"network": text(summary.get("network"), 120), "kind": text(summary.get("kind"), 40),
            "date": text(summary.get("date"), 10), "place": text(summary.get("place"), 300),
            "turnout": turnout if isinstance(turnout, int) and not isinstance(turnout, bool)
            and 0 <= turnout < 10**6 else None, "result": text(summary.get("result"))}


def action_note(case: Case, summary: dict[str, Any]) -> None:
    """The action on the fight's timeline."""
    msgid, values = action_text(summary)
    joint_event(case, msgid, **values)


def report_one_off(appeal: Appeal, user: User, report: ActionReport) -> None:
    """Tell the network that asked how the one-off action went (once): it goes on its
    fight's timeline, as a joint fight's actions do."""
    network = db.session.get_one(Network, appeal.network_id)
    if not may_answer(network, user):
        raise PermissionDenied(_("Only a coordinator or the appeals delegate answers appeals."))
    if appeal.kind != AppealKind.ONE_OFF or appeal.status != AppealStatus.ACCEPTED:
        raise AppealError(_("Only an accepted one-off action is reported back."))
    if appeal.report:
        raise AppealError(_("You told them how it went already."))
    if appeal.peer.status != PeerStatus.LINKED:
        raise AppealError(_("The network that sent this appeal is no longer linked."))
    asked = appeal.terms.get("action")
    asked = asked if isinstance(asked, dict) else {}
    summary = {"type": JOINT_ACTION, "appeal": appeal.uid, "network": network.name,
               "kind": parsed_enum(ActionKind, asked.get("kind"), ActionKind.OTHER).value,
               "date": report.done_on.isoformat(), "place": report.place.strip()[:300],
               "turnout": report.turnout, "result": report.result.strip()[:4000]}
    appeal.report = summary
    enqueue(network, appeal.peer, activity(network, appeal.peer.actor_id, "Announce", summary))
    db.session.flush()


@handles("Announce", JOINT_ACTION)
def action_announced(message: Received) -> None:
    """An action of a network in the fight: on the timeline; the initiator passes it on."""
    assert message.peer is not None  # noqa: S101
    uid = message.object.get("appeal")
    appeal = appeal_of(message, uid, AppealDirection.RECEIVED) or appeal_of(
        message, uid, AppealDirection.SENT)
    if appeal is None or appeal.case is None:
        return
    if appeal.kind == AppealKind.ONE_OFF:  # the peer's report on the one-off action asked
        if appeal.direction != AppealDirection.SENT or appeal.status != AppealStatus.ACCEPTED \
                or appeal.report:
            return
        appeal.report = reported(message.object)
    action_note(appeal.case, message.object)
    if appeal.direction == AppealDirection.SENT:
        relay_action(appeal.case, message.object, message.peer)


@handles("Announce", CONTACT_NOTE)
def contact_forwarded(message: Received) -> None:
    """A joined network was contacted by the target and refers it to us."""
    appeal = appeal_of(message, message.object.get("appeal"), AppealDirection.SENT)
    if appeal is None or appeal.case is None:
        return
    joint_event(appeal.case, N_("%(network)s forwards a contact from the target: %(note)s"),
                network=text(message.object.get("network"), 120),
                note=text(message.object.get("note")))
