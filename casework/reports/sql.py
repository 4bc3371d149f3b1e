"""SQL building blocks that read the same on SQLite and PostgreSQL: medians by group.

A median needs its values in order. SQLite has no percentile_cont, and its window functions
(a rank and a count over each group) cost three times the sort itself at 100,000 fights. So
the reports count each group's values first (they show those counts anyway, and read them
from their indexes alone), then read every group's middle value, or two, in one statement:
each group's values sorted on their own, ``ORDER BY value LIMIT 1 or 2 OFFSET (count - 1) / 2``
(a bounded sort of the group's own index range). The day counts they take the median of are
worked out when a fight's figures row is written (casework/reports/fight_figures.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from casework.extensions import db


@dataclass(frozen=True)
class Values:
    """One group's values: a statement selecting them (one column, without NULLs), and how
    many it selects."""

    statement: sa.Select[Any] | sa.CompoundSelect
    count: int


def medians(groups: Mapping[str, Values]) -> dict[str, Any]:
    """Each group's median (the mean of the two middle values of an even count), by key;
    groups without values are left out. One statement."""
    parts = []
    for key, values in groups.items():
        if values.count <= 0:
            continue
        found = values.statement.subquery()
        middle = (sa.select(found.c[0].label("value")).order_by(found.c[0])
                  .limit(2 - values.count % 2).offset((values.count - 1) // 2).subquery())
        parts.append(sa.select(sa.literal(key).label("grp"),
                               sa.func.avg(middle.c.value).label("median")))
    if not parts:
        return {}
    statement = parts[0] if len(parts) == 1 else sa.union_all(*parts)
    return {grp: median for grp, median in db.session.execute(statement)}
