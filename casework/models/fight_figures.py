"""When each step of a fight happened and what it was worth: the reports' one row per fight.

The reports count a network's fights by these dates, so they read a small row per fight
through an index on (network, date) instead of the fights' timeline events, deliveries and
outcomes. The row is derived: casework/reports/fight_figures.py recomputes it from the
fight's records in the same transaction as every change to them, and the consistency check
(casework/consistency.py) compares it with a fresh computation.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import Model
from casework.models.base import UTCDateTime, enum_column
from casework.models.case import DeclineReason, IssueType
from casework.models.fight import OutcomeKind
from casework.models.target import TargetKind


class FightFigures(Model):
    __tablename__ = "fight_figures"
    # The reports read each step's fights of a period by one of these ranges; each index
    # holds what its step's figures need, so that they are read from the index alone.
    __table_args__ = (
        sa.Index("ix_fight_figures_screened", "network_id", "screened_at"),
        sa.Index("ix_fight_figures_proposed", "network_id", "proposed_at"),
        sa.Index("ix_fight_figures_taken", "network_id", "taken_at", "days_to_decision"),
        sa.Index("ix_fight_figures_declined", "network_id", "declined_at", "decline_reason",
                 "days_to_decision"),
        sa.Index("ix_fight_figures_delivered", "network_id", "delivered_at",
                 "days_to_delivery"),
        sa.Index("ix_fight_figures_ended", "network_id", "ended_on", "outcome_kind",
                 "issue_type", "target_kind", "demanded", "recovered", "days_to_win",
                 "actions_done"),
        # The money of one issue type's fights (its medians read that type's fights alone).
        sa.Index("ix_fight_figures_ended_issue", "network_id", "issue_type", "ended_on",
                 "outcome_kind", "demanded", "recovered"),
        # A median's middle values: the period's values in the bucket the report's tallies
        # (ReportTally) place them in, read in order (casework/reports/tallies.py).
        sa.Index("ix_fight_figures_taken_bucket", "network_id", "decision_bucket", "taken_at",
                 "days_to_decision"),
        sa.Index("ix_fight_figures_declined_bucket", "network_id", "decision_bucket",
                 "declined_at", "days_to_decision"),
        sa.Index("ix_fight_figures_delivered_bucket", "network_id", "delivery_bucket",
                 "delivered_at", "days_to_delivery"),
        sa.Index("ix_fight_figures_win_bucket", "network_id", "win_bucket", "ended_on",
                 "outcome_kind", "days_to_win"),
        sa.Index("ix_fight_figures_demanded_bucket", "network_id", "demanded_bucket",
                 "ended_on", "outcome_kind", "issue_type", "demanded"),
        sa.Index("ix_fight_figures_recovered_bucket", "network_id", "recovered_bucket",
                 "ended_on", "outcome_kind", "issue_type", "recovered"),
    )

    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("case_record.id", ondelete="CASCADE"), primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the inquiry
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the latest proposal
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the meeting took it on
    # Set while the fight stands declined: when, and why.
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[DeclineReason | None] = mapped_column(enum_column(DeclineReason))
    # The demand letter's (latest) delivery, and its day where the network is.
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_on: Mapped[date | None]
    # Set while the fight stands won or closed: its latest outcome and the day it was decided.
    ended_on: Mapped[date | None]
    outcome_kind: Mapped[OutcomeKind | None] = mapped_column(enum_column(OutcomeKind))
    recovered: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    issue_type: Mapped[IssueType] = mapped_column(enum_column(IssueType))
    # The target's kind (company or person), kept in step when a shared target's changes.
    target_kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind))
    # Days from the inquiry to the decision (taken on or declined), from the decision to the
    # delivery, and (whole days) from the delivery's local day to the day the win was decided.
    days_to_decision: Mapped[float | None]
    days_to_delivery: Mapped[float | None]
    days_to_win: Mapped[float | None]
    # The money demands of the letter, or the amount claimed when it has none.
    demanded: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), default=Decimal(0))
    actions_done: Mapped[int] = mapped_column(default=0)
    # Fought with other networks (joined, or led with a joint appeal accepted).
    is_joint: Mapped[bool] = mapped_column(default=False)
    # Which bucket of its measure each value falls in (casework/reports/tallies.py: bucket).
    decision_bucket: Mapped[int | None]
    delivery_bucket: Mapped[int | None]
    win_bucket: Mapped[int | None]
    demanded_bucket: Mapped[int | None]
    recovered_bucket: Mapped[int | None]  # of the amount recovered, none counting as 0
