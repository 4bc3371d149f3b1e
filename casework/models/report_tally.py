"""Each network's report figures added up per local month and per local day.

A report of a year reads a year's twelve month rows (and, for a chosen range that does not
begin or end on a month's edge, the day rows of its partial months) instead of one row per
fight, so its time does not grow with the fights of the period. The rows are derived from
the fights' FightFigures rows: casework/reports/tallies.py adds a fight's change to them in
the same transaction as the change to its figures row, and rebuilds them with the figures.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import Model


class ReportTally(Model):
    __tablename__ = "report_tally"

    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"), primary_key=True)
    # "m": the row adds up a local month (``day`` is its first day); "d": one local day.
    grain: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    # What is counted (e.g. "ended", "taken", "decision"): casework/reports/tallies.py.
    tally: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    # The group within it (e.g. issue type, target kind and outcome), or "".
    grp: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    # For a measure whose median is shown: the bucket of its values (counted per bucket).
    bucket: Mapped[int] = mapped_column(primary_key=True)
    fights: Mapped[int] = mapped_column(default=0)
    # Money in cents, so that adding and taking away stays exact on every database.
    demanded_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    recovered_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    joint: Mapped[int] = mapped_column(default=0)
