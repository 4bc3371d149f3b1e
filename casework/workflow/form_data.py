"""Turning a move's form into MoveInput."""

from __future__ import annotations

from datetime import datetime

from casework.clock import zone_of
from casework.forms import VersionedForm
from casework.models import Case, DeclineReason, Network, OutcomeKind
from casework.workflow.moves import DeliveryInput, MoveInput, OutcomeInput


def local_to_utc(value: datetime, network: Network) -> datetime:
    """A wall-clock time typed by a user, read in the network's time zone."""
    return value.replace(tzinfo=zone_of(network))


def move_input_from(form: VersionedForm, case: Case) -> MoveInput:
    """What the move's form carries, whichever of the move forms it is."""
    data = form.data
    delivery = outcome = None
    if "place" in data:
        delivery = DeliveryInput(
            delivered_at=local_to_utc(data["delivered_at"], case.network),
            place=data["place"], handed_over_by=data["handed_over_by"],
            turnout=data["turnout"], target_reaction=data["target_reaction"] or "",
            police_present=bool(data["police_present"]), notes=data["notes"] or "")
    if "debrief" in data:
        outcome = OutcomeInput(
            kind=OutcomeKind(data["kind"]), decided_on=data["decided_on"],
            amount_recovered=data["amount_recovered"], conditions=data["conditions"] or "",
            debrief=data["debrief"] or "")
    decline = data.get("decline_reason")
    return MoveInput(
        reason=data.get("reason") or "",
        decline_reason=DeclineReason(decline) if decline else None,
        referred_to=data.get("referred_to") or "",
        delivery=delivery,
        outcome=outcome,
    )
