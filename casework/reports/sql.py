"""SQL building blocks that read the same on SQLite and PostgreSQL: days between two
timestamps or two dates, and medians by group (window functions, which both have; SQLite has no
percentile_cont)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class days_between(FunctionElement[float]):  # noqa: N801 - reads as a SQL function
    """Days (with fractions) from the first timestamp to the second."""

    type = sa.Float()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    end_sql, start_sql = compiler.process(end, **kw), compiler.process(start, **kw)
    return f"(julianday({end_sql}) - julianday({start_sql}))"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (f"(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - "
            f"{compiler.process(start, **kw)})) / 86400.0)")


class days_between_days(FunctionElement[float]):  # noqa: N801 - reads as a SQL function
    """Whole days from the first date to the second."""

    type = sa.Float()
    inherit_cache = True
    name = "days_between_days"


@compiles(days_between_days, "sqlite")
def _days_between_days_sqlite(element: days_between_days, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    end_sql, start_sql = compiler.process(end, **kw), compiler.process(start, **kw)
    return f"(julianday({end_sql}) - julianday({start_sql}))"


@compiles(days_between_days, "postgresql")
def _days_between_days_postgresql(element: days_between_days, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"CAST(({compiler.process(end, **kw)} - {compiler.process(start, **kw)}) AS FLOAT)"


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
        sa.func.count().over(partition_by=present.c.grp).label("n"),
    ).subquery()
    middle: ColumnElement[bool] = sa.and_(ranked.c.rank >= (ranked.c.n + 1) // 2,
                                          ranked.c.rank <= (ranked.c.n + 2) // 2)
    return (sa.select(ranked.c.grp, sa.func.avg(ranked.c.value), sa.func.max(ranked.c.n))
            .where(middle).group_by(ranked.c.grp))
