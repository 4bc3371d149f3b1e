"""SQL building blocks that read the same on SQLite and PostgreSQL: medians by group (window
functions, which both have; SQLite has no percentile_cont). The day counts they take the median
of are worked out when a fight's figures row is written (casework/reports/fight_figures.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement


def medians(rows: sa.Subquery) -> sa.Select[Any]:
    """For a subquery of (``grp``, ``value``) rows: each group's median value and row count.

    Rows whose value is NULL are left out. The median of an even count is the mean of the
    two middle values.
    """
    present = sa.select(rows.c.grp, rows.c.value).where(rows.c.value.is_not(None)).subquery()
    ranked = sa.select(
        present.c.grp, present.c.value,
        sa.func.row_number().over(partition_by=present.c.grp, order_by=present.c.value)
        .label("rank"),
        # The same window as the rank's (one sort of the rows, not two), over all of it.
        sa.func.count().over(partition_by=present.c.grp, order_by=present.c.value,
                             rows=(None, None)).label("n"),
    ).subquery()
    middle: ColumnElement[bool] = sa.and_(ranked.c.rank >= (ranked.c.n + 1) // 2,
                                          ranked.c.rank <= (ranked.c.n + 2) // 2)
    return (sa.select(ranked.c.grp, sa.func.avg(ranked.c.value), sa.func.max(ranked.c.n))
            .where(middle).group_by(ranked.c.grp))
