"""The report as tables: what the page shows, the CSV downloads hold and the charts draw.

One ``Table`` per figure group, built from the ``Report`` alone, so the page, its CSV and its
chart cannot disagree. Per-person tables (reliable members, load per organizer) exist only
in a report made with ``include_people``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from casework.formatting import money, number
from casework.reports.figures import MoneyRow, OutcomeRow, Report

Cell = str | int | float | Decimal | None


class Kind(StrEnum):
    """How a column's values read: on the page, and (as plain numbers) in the CSV."""

    TEXT = "text"
    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"  # a share from 0 to 1, shown as a percentage
    DAYS = "days"  # a number with one decimal


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = Kind.COUNT


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    empty_message: str
    note: str = ""
    # The first row is a total of the others (the chart leaves it out).
    has_total_row: bool = False
    people: bool = field(default=False)  # per-person figures: coordinators only

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def column(self, label: str) -> list[Cell]:
        """The values of one column, in row order, without a total row."""
        index = [c.label for c in self.columns].index(label)
        rows = self.rows[1:] if self.has_total_row else self.rows
        return [row[index] for row in rows]


def outcome_table(key: str, title: str, first: str, overall: OutcomeRow,
                  rows: list[OutcomeRow]) -> Table:
    columns = [Column(first, Kind.TEXT), Column("Won"), Column("Partial"), Column("Lost"),
               Column("Closed otherwise"), Column("Win rate", Kind.PERCENT)]
    body: list[list[Cell]] = [[r.label, r.won, r.partial, r.lost, r.closed, r.win_rate]
                              for r in [overall, *rows]]
    return Table(key, title, columns, body if rows else [],
                 "No fight ended in this period.",
                 "Win rate: fights won in full or more, out of those won, partly won or lost.",
                 has_total_row=True)


def money_cells(row: MoneyRow) -> list[Cell]:
    return [row.label, row.fights, row.demanded, row.recovered, row.recovered_share,
            row.median_demanded, row.median_recovered]


def report_tables(report: Report) -> list[Table]:
    """Every table of the report, in the order the page shows them."""
    funnel, outcomes, money = report.funnel, report.outcomes, report.money
    steps = funnel.steps()
    tables = [
        Table("funnel", "From inquiry to outcome",
              [Column("Step", Kind.TEXT), Column("Fights")],
              [[s.label, s.count] for s in steps] if any(s.count for s in steps) else [],
              "No inquiry, move or outcome in this period.",
              "Each step counts the fights that took it in the period."),
        Table("declined", "Declined, and why",
              [Column("Reason", Kind.TEXT), Column("Fights")],
              [[r.label, r.count] for r in funnel.decline_reasons],
              "No fight was declined in this period."),
        outcome_table("outcomes-by-issue", "Outcomes by issue type", "Issue type",
                      outcomes.overall, outcomes.by_issue),
        outcome_table("outcomes-by-target", "Outcomes by kind of target", "Target kind",
                      outcomes.overall, outcomes.by_target_kind),
        Table("money", "Money demanded and recovered",
              [Column("Issue type", Kind.TEXT), Column("Fights decided"),
               Column("Demanded", Kind.MONEY), Column("Recovered", Kind.MONEY),
               Column("Recovered of demanded", Kind.PERCENT),
               Column("Median demanded", Kind.MONEY),
               Column("Median recovered per win", Kind.MONEY)],
              [money_cells(r) for r in [money.overall, *money.by_issue]] if money.by_issue
              else [],
              "No fight was won or lost in this period.",
              "Fights won, partly won or lost in the period; the median recovered counts "
              "fights won in full or in part.", has_total_row=True),
        Table("timing", "How long fights take",
              [Column("Measure", Kind.TEXT), Column("Fights"), Column("Median", Kind.DAYS)],
              [[d.label, d.fights, d.median]
               for d in [*report.timing.durations(), report.timing.actions_before_win]
               if d.fights],
              "No fight reached a decision, a delivery or a win in this period."),
        actions_table(report),
        Table("calls", "Call lists: called, said yes, came",
              [Column("Step", Kind.TEXT), Column("People"), Column("Share of the step before",
                                                                   Kind.PERCENT)],
              calls_rows(report), "No call list for an action carried out in this period."),
    ]
    members = report.mobilization.reliable_members
    if members is not None:
        tables.append(Table(
            "reliable-members", "Most reliable members",
            [Column("Member", Kind.TEXT), Column("Said yes"), Column("Came"),
             Column("Came after saying yes")],
            [[m.name, m.said_yes, m.came, m.came_after_yes] for m in members],
            "Nobody was checked in at an action in this period.", people=True))
    load = report.load
    tables.append(Table(
        "load", "Load today", [Column("Fights", Kind.TEXT), Column("Count")],
        [["Open", load.open_fights], ["Past their deadline", load.past_deadline]],
        "No open fight."))
    if load.per_organizer is not None:
        tables.append(Table(
            "load-per-organizer", "Open fights per organizer today",
            [Column("Organizer", Kind.TEXT), Column("Open fights"), Column("Past deadline")],
            [[o.name, o.open_fights, o.past_deadline] for o in load.per_organizer],
            "No organizer or coordinator.", people=True))
    tables.append(Table(
        "repeat-targets", "Repeat-offender targets",
        [Column("Target", Kind.TEXT), Column("Kind", Kind.TEXT), Column("Fights"),
         Column("Won")],
        [[t.name, t.kind, t.fights, t.won] for t in load.repeat_targets],
        "No target had two or more inquiries in this period.",
        "Targets of two or more inquiries logged in the period."))
    return tables


def actions_table(report: Report) -> Table:
    mobilization = report.mobilization
    kinds = [k for k in mobilization.kinds if k.count]
    columns = [Column("Month", Kind.TEXT), *(Column(k.label) for k in kinds),
               Column("All actions"), Column("Median turnout", Kind.DAYS)]
    rows: list[list[Cell]] = [
        [m.month.label, *(m.by_kind.get(k.key, 0) for k in kinds), m.actions, m.median_turnout]
        for m in mobilization.months]
    return Table("actions", "Actions carried out per month", columns,
                 rows if mobilization.actions else [],
                 "No action was carried out in this period.",
                 "Median turnout counts the actions whose turnout was recorded "
                 f"({mobilization.with_turnout} of {mobilization.actions}); over the whole "
                 f"period it is {format_number(mobilization.median_turnout)}.")


def calls_rows(report: Report) -> list[list[Cell]]:
    calls = report.mobilization.calls
    if not calls.listed:
        return []
    return [["On the call lists", calls.listed, None],
            ["Called", calls.called, calls.called / calls.listed],
            ["Said yes", calls.said_yes, calls.yes_rate],
            ["Came", calls.came, calls.came_rate]]


def format_number(value: float | None) -> str:
    if value is None:
        return "not known"
    return f"{value:,.1f}".removesuffix(".0")


def csv_value(value: Cell, kind: Kind) -> str:
    """A cell as a spreadsheet reads it: plain numbers, percentages as 0-100."""
    if value is None:
        return ""
    if kind == Kind.PERCENT:
        return f"{float(value) * 100:.1f}"
    if kind == Kind.MONEY:
        return f"{Decimal(value):.2f}"
    if kind == Kind.DAYS:
        return f"{float(value):.1f}"
    return str(value)


def table_csv(table: Table) -> str:
    """The table as CSV text, a header row then one line per row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.label + (" (%)" if c.kind == Kind.PERCENT else "")
                     for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_safe(csv_value(v, c.kind))
                         for v, c in zip(row, table.columns, strict=True)])
    return out.getvalue()


def csv_safe(text: str) -> str:
    """Names typed by users must not run as spreadsheet formulas."""
    if text[:1] in ("=", "+", "-", "@") and not is_number(text):
        return "'" + text
    return text


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def display(value: Cell, kind: str) -> str:
    """A cell as the page shows it; an unknown figure is a dash."""
    if value is None:
        return "—"
    if kind == Kind.PERCENT:
        return f"{float(value) * 100:.0f}%"
    if kind == Kind.MONEY:
        return money(Decimal(value))
    if kind == Kind.DAYS:
        return format_number(float(value))
    if isinstance(value, int):
        return number(value)
    return str(value)
