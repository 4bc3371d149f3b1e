"""Appeals and joint fights (DESIGN.md §8): what crosses to other networks, and when.

The initiating network sends an appeal from a fight: a one-off action request, or a joint
fight on terms fixed when sent. A peer accepts or declines (maybe offering a one-off action
instead); accepting a joint fight makes a linked fight in the peer network, whose state
follows the initiator's. Moves, strategy updates and each network's actions go to every
network in the fight.

Only what ``appeal_terms``, ``fight_status`` and ``action_summary`` put in a message ever
crosses: network names, the target and its public research, demands and amounts, dates,
action kinds, places and turnout counts, and texts written for the appeal. As a safety net,
every free text is scrubbed of the member's name, phone and email before it leaves.
Services flush and never commit.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from casework.errors import CaseworkError, PermissionDenied
from casework.extensions import db
from casework.models import (
    Action,
    Appeal,
    AppealDirection,
    AppealKind,
    AppealStatus,
    Case,
    Event,
    EventKind,
    Network,
    Peer,
    PeerStatus,
    Role,
    User,
)
from casework.solidarity.messages import activity
from casework.solidarity.outbox import enqueue
from casework.system_text import N_, enum_value, system_note
from casework.workflow.states import ENDED_STATES, CaseState

APPEAL = "casework:Appeal"
JOINT_FIGHT = "casework:JointFight"
JOINT_ACTION = "casework:JointAction"
CONTACT_NOTE = "casework:ContactNote"
# A joint fight can be offered only once its demands were delivered and before it ends.
JOINABLE_STATES = (CaseState.DELIVERED, CaseState.ESCALATING, CaseState.NEGOTIATING)
MAX_TEXT = 4000
# Research about people behind the target (its owner, its managers) stays in the network.
PEOPLE_FACTS = ("owner", "manager")


class AppealError(CaseworkError):
    """An appeal that cannot be sent or answered; the message says why (``field``: the form
    field it is about)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class AppealInput:
    """What the organizer writes for an appeal."""

    kind: AppealKind
    peer_ids: list[int]
    ask: str  # what is asked of the peer
    why: str = ""
    action_kind: str = ""  # one-off: the action asked for
    place: str = ""
    when: datetime | None = None


# What crosses: every message's object is built here and nowhere else.

def scrub(text: str, case: Case) -> str:
    """``text`` without the member's name, phone or email (a slip of the organizer's pen
    must not carry them to another network)."""
    person = case.person
    text = (text or "").strip()[:MAX_TEXT]
    for secret in (person.name, person.email, person.phone):
        secret = (secret or "").strip()
        if len(secret) >= 3:
            text = re.sub(re.escape(secret), "[…]", text, flags=re.IGNORECASE)
    digits = re.sub(r"\D", "", person.phone or "")
    if len(digits) >= 7:  # the phone written another way: 206 555 0100, (206) 555-0100
        pattern = r"\D{0,3}".join(re.escape(d) for d in digits)
        text = re.sub(pattern, "[…]", text)
    return text


def target_terms(case: Case) -> dict[str, Any]:
    """The target and its public research (never its contacts, address or private notes)."""
    target = case.target
    return {"name": target.name, "kind": target.kind.value, "role": target.role,
            "leverage": scrub(target.leverage_points, case),
            "research": [{"kind": fact.kind.value, "name": fact.name,
                          "details": scrub(fact.details, case), "source": fact.source}
                         for fact in target.facts if fact.kind.value not in PEOPLE_FACTS]}


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def fight_status(case: Case) -> dict[str, Any]:
    """The state of the initiator's fight, as every network in it sees it."""
    outcome = case.outcome if case.state in ENDED_STATES else None
    delivery = case.delivery
    return {"state": case.state.value, "deadline": iso(case.deadline_on),
            "deadlinePassed": case.deadline_passed_at is not None,
            "deliveredOn": iso(delivery.delivered_at.date()) if delivery else None,
            "strategy": scrub(case.strategy, case),
            "endConditions": scrub(case.end_conditions, case),
            "outcome": {"kind": outcome.kind.value, "decidedOn": iso(outcome.decided_on),
                        "amount": str(outcome.amount_recovered)
                        if outcome.amount_recovered is not None else None}
            if outcome else None}


def appeal_terms(case: Case, uid: str, appeal: AppealInput) -> dict[str, Any]:
    """The appeal's object: the terms, fixed when sent."""
    terms: dict[str, Any] = {
        "type": APPEAL, "id": uid, "kind": appeal.kind.value, "network": case.network.name,
        "issue": case.issue_type.value, "target": target_terms(case),
        "ask": scrub(appeal.ask, case), "why": scrub(appeal.why, case),
        "demands": [{"kind": demand.kind.value, "description": scrub(demand.description, case),
                     "amount": str(demand.amount) if demand.amount is not None else None}
                    for demand in case.demands]}
    if appeal.kind == AppealKind.JOINT:
        terms["fight"] = fight_status(case)
    else:
        terms["action"] = {"kind": appeal.action_kind, "place": scrub(appeal.place, case),
                           "when": appeal.when.isoformat() if appeal.when else None}
    return terms


def action_summary(action: Action, uid: str, network: Network) -> dict[str, Any]:
    """One network's action in a joint fight: kind, date, place, turnout count, result."""
    case = action.case
    return {"type": JOINT_ACTION, "appeal": uid, "network": network.name,
            "kind": action.kind.value,
            "date": iso(action.starts_at.date()) if action.starts_at else None,
            "place": scrub(action.place, case), "turnout": action.turnout_actual,
            "result": scrub(action.result, case)}


# The initiating side.

def linked_peers(network: Network) -> list[Peer]:
    return list(db.session.scalars(select(Peer).where(
        Peer.network_id == network.id, Peer.status == PeerStatus.LINKED).order_by(Peer.name)))


def may_appeal(case: Case, user: User) -> bool:
    """The fight's organizers and the network's coordinators ask other networks."""
    return (user.role in (Role.ORGANIZER, Role.COORDINATOR) and case.can_edit(user)
            and not case.is_joined)


def joint_problems(case: Case) -> list[str]:
    """Why the fight cannot be offered as a joint fight yet (DESIGN.md §8: the initiator
    delivers the demands and writes the end conditions before asking anyone)."""
    problems = []
    if case.state not in JOINABLE_STATES:
        problems.append(_("A joint fight can be offered once the demands were delivered, "
                          "and while the fight is open."))
    if not case.strategy.strip():
        problems.append(_("Write the fight's strategy first."))
    if not case.end_conditions.strip():
        problems.append(_("Write the end conditions first: “we end the fight when…”."))
    return problems


def save_strategy(case: Case, actor: User, strategy: str, end_conditions: str) -> None:
    """Write the strategy and end conditions; the networks in the fight are told."""
    if not may_appeal(case, actor):
        raise PermissionDenied(_("Only the fight's team can change its strategy."))
    changed = [name for name, old, new in (("strategy", case.strategy, strategy),
                                           ("end_conditions", case.end_conditions,
                                            end_conditions)) if old != new]
    if not changed:
        return
    case.strategy, case.end_conditions = strategy, end_conditions
    db.session.add(Event(case=case, actor=actor, kind=EventKind.UPDATED, changed_fields=changed))
    db.session.flush()
    share_status(case)


def send_appeal(case: Case, actor: User, appeal: AppealInput) -> list[Appeal]:
    """Send the appeal to each chosen peer (one message each, in this transaction)."""
    if not may_appeal(case, actor):
        raise PermissionDenied(_("Only the fight's team can ask other networks."))
    if appeal.kind == AppealKind.JOINT:
        problems = joint_problems(case)
        if problems:
            raise AppealError(" ".join(problems), "kind")
    peers = [peer for peer in linked_peers(case.network) if peer.id in set(appeal.peer_ids)]
    if not peers or len(peers) != len(set(appeal.peer_ids)):
        raise AppealError(_("Choose at least one linked network."), "peer_ids")
    joined = {row.peer_id for row in sent_appeals(case)
              if row.is_joint and row.status == AppealStatus.ACCEPTED}
    if appeal.kind == AppealKind.JOINT and joined & {peer.id for peer in peers}:
        raise AppealError(_("A network you chose is in this fight already."), "peer_ids")
    sent = []
    for peer in peers:
        uid = f"urn:uuid:{uuid.uuid4()}"
        terms = appeal_terms(case, uid, appeal)
        row = Appeal(network_id=case.network_id, peer_id=peer.id, uid=uid,
                     direction=AppealDirection.SENT, kind=appeal.kind, case_id=case.id,
                     terms=terms)
        db.session.add(row)
        enqueue(case.network, peer, activity(case.network, peer.actor_id, "Offer", terms))
        db.session.add(Event(case=case, actor=actor, kind=EventKind.JOINT_STATUS,
                             **system_note(N_("Appeal sent to %(network)s: %(kind)s"),
                                           network=peer.name, kind=enum_value(appeal.kind))))
        sent.append(row)
    db.session.flush()
    return sent


def sent_appeals(case: Case) -> list[Appeal]:
    return list(db.session.scalars(select(Appeal).where(
        Appeal.network_id == case.network_id, Appeal.case_id == case.id,
        Appeal.direction == AppealDirection.SENT).order_by(Appeal.id)))


def fight_partners(case: Case) -> list[Appeal]:
    """The appeals that make the fight joint, seen from this network: for the initiator, the
    accepted joint appeals it sent; for a joined network, the one it accepted."""
    direction = AppealDirection.RECEIVED if case.is_joined else AppealDirection.SENT
    return list(db.session.scalars(select(Appeal).where(
        Appeal.network_id == case.network_id, Appeal.case_id == case.id,
        Appeal.direction == direction, Appeal.kind == AppealKind.JOINT,
        Appeal.status.in_([AppealStatus.ACCEPTED, AppealStatus.ENDED])).order_by(Appeal.id)))


def broken_links(case: Case) -> list[Peer]:
    """The networks in the fight (still in progress for this network) whose link was
    suspended or ended: updates no longer arrive from them, nor go to them."""
    return [appeal.peer for appeal in fight_partners(case)
            if appeal.status == AppealStatus.ACCEPTED
            and appeal.peer.status in (PeerStatus.SUSPENDED, PeerStatus.UNLINKED)]


def share_status(case: Case) -> None:
    """Tell every network that joined the fight where it stands (after a move, a passed
    deadline or a change of strategy). Nothing for a fight nobody joined."""
    if case.is_joined:
        return
    for appeal in fight_partners(case):
        if appeal.status != AppealStatus.ACCEPTED or appeal.peer.status != PeerStatus.LINKED:
            continue
        enqueue(case.network, appeal.peer, activity(
            case.network, appeal.peer.actor_id, "Update",
            {"type": JOINT_FIGHT, "id": appeal.uid, **fight_status(case)}))
        if case.state in ENDED_STATES:
            appeal.status = AppealStatus.ENDED
    db.session.flush()


def share_action(action: Action) -> None:
    """Tell the other networks of a joint fight about an action done (by either side)."""
    case = action.case
    for appeal in fight_partners(case):
        if appeal.status != AppealStatus.ACCEPTED or appeal.peer.status != PeerStatus.LINKED:
            continue
        enqueue(case.network, appeal.peer, activity(
            case.network, appeal.peer.actor_id, "Announce",
            action_summary(action, appeal.uid, case.network)))
    db.session.flush()


def relay_action(case: Case, summary: dict[str, Any], from_peer: Peer) -> None:
    """The initiator passes a joined network's action on to the other joined networks."""
    for appeal in fight_partners(case):
        if appeal.peer_id == from_peer.id or appeal.status != AppealStatus.ACCEPTED \
                or appeal.peer.status != PeerStatus.LINKED:
            continue
        enqueue(case.network, appeal.peer, activity(
            case.network, appeal.peer.actor_id, "Announce", {**summary, "appeal": appeal.uid}))


def forward_contact_note(case: Case, actor: User, note: str) -> None:
    """A joined network refers a contact from the target to the initiator."""
    partners = fight_partners(case)
    if not case.is_joined or not partners:
        raise AppealError(_("Only a joined fight forwards contacts to the network leading it."))
    if actor.role not in (Role.ORGANIZER, Role.COORDINATOR) or not case.can_edit(actor):
        raise PermissionDenied(_("Only the fight's team can forward a contact."))
    appeal = partners[0]
    if appeal.peer.status != PeerStatus.LINKED:
        raise AppealError(_("The link with %(network)s is suspended or ended: the note cannot "
                            "be sent.", network=appeal.peer.name), field="note")
    enqueue(case.network, appeal.peer, activity(
        case.network, appeal.peer.actor_id, "Announce",
        {"type": CONTACT_NOTE, "appeal": appeal.uid, "network": case.network.name,
         "note": note.strip()[:MAX_TEXT]}))
    db.session.add(Event(case=case, actor=actor, kind=EventKind.JOINT_STATUS,
                         **system_note(N_("Contact from the target forwarded to %(network)s"),
                                       network=case.joint_with)))
    db.session.flush()


def network_sent_appeals(network: Network) -> list[Appeal]:
    """Every appeal the network sent, newest first, with each peer's answer."""
    return list(db.session.scalars(select(Appeal).where(
        Appeal.network_id == network.id, Appeal.direction == AppealDirection.SENT)
        .order_by(Appeal.id.desc())))


def joint_fights(network: Network) -> list[Case]:
    """Open fights the network leads with others, or joined."""
    ids = select(Appeal.case_id).where(
        Appeal.network_id == network.id, Appeal.kind == AppealKind.JOINT,
        Appeal.status == AppealStatus.ACCEPTED)
    return list(db.session.scalars(select(Case).where(
        Case.network_id == network.id, Case.id.in_(ids)).order_by(Case.id.desc())))
