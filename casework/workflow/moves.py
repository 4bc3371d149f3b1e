"""What a user supplies with a move (a reason, a delivery record, an outcome), as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from casework.models import DeclineReason, OutcomeKind


@dataclass(frozen=True)
class DeliveryInput:
    delivered_at: datetime
    place: str
    handed_over_by: str
    turnout: int = 0
    target_reaction: str = ""
    police_present: bool = False
    notes: str = ""


@dataclass(frozen=True)
class OutcomeInput:
    kind: OutcomeKind
    decided_on: date
    amount_recovered: Decimal | None = None
    conditions: str = ""
    debrief: str = ""


@dataclass(frozen=True)
class MoveInput:
    """Everything a move form can carry; each trigger reads the parts it needs."""

    reason: str = ""
    decline_reason: DeclineReason | None = None
    referred_to: str = ""
    delivery: DeliveryInput | None = None
    outcome: OutcomeInput | None = None
