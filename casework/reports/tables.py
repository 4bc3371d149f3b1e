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

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.formatting import money, number
from casework.reports.figures import Count, Duration, MoneyRow, OutcomeRow, Report

Cell = str | int | float | Decimal | None


class Kind(StrEnum):
    """How a column's values read: on the page, and (as plain numbers) in the CSV."""

    TEXT = "text"
    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"  # a share from 0 to 1, shown as a percentage
    DAYS = "days"  # a number with one decimal


# The figures' own labels (``figures``, ``queries``) by their key, in the page's language.
STEP_LABELS = {"inquiries": _l("Inquiries"), "screened": _l("Screened"),
               "proposed": _l("Proposed to the meeting"), "taken": _l("Taken on"),
               "delivered": _l("Demand delivered"), "won": _l("Won"),
               "partial": _l("Partial win"), "lost": _l("Lost"),
               "closed": _l("Closed otherwise"), "unknown": _l("No reason recorded")}
ALL_FIGHTS = {"all": _l("All fights"), "*": _l("All fights")}
# A measure's label in the table, and in the chart of days (None: not a number of days).
DURATION_LABELS = {
    "decision": (_l("Inquiry to decision (days)"), _l("Inquiry to decision")),
    "delivery": (_l("Decision to delivery (days)"), _l("Decision to delivery")),
    "win": (_l("Delivery to win (days)"), _l("Delivery to win")),
    "actions": (_l("Actions before a win"), None),
}


def count_label(count: Count) -> str:
    return str(STEP_LABELS[count.key]) if count.key in STEP_LABELS else count.label


def row_label(row: OutcomeRow | MoneyRow) -> str:
    return str(ALL_FIGHTS[row.key]) if row.key in ALL_FIGHTS else row.label


def duration_label(duration: Duration) -> str:
    return str(DURATION_LABELS[duration.key][0]) if duration.key in DURATION_LABELS \
        else duration.label


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


# The actions table's last columns, which the chart of action kinds leaves out.
ALL_ACTIONS = _l("All actions")
MEDIAN_TURNOUT = _l("Median turnout")


def outcome_table(key: str, title: str, first: str, overall: OutcomeRow,
                  rows: list[OutcomeRow]) -> Table:
    columns = [Column(first, Kind.TEXT), Column(_("Won")), Column(_("Partial")),
               Column(_("Lost")), Column(_("Closed otherwise")),
               Column(_("Of which joint fights")), Column(_("Win rate"), Kind.PERCENT)]
    body: list[list[Cell]] = [
        [row_label(r), r.won, r.partial, r.lost, r.closed, r.joint, r.win_rate]
        for r in [overall, *rows]]
    return Table(key, title, columns, body if rows else [],
                 _("No fight ended in this period."),
                 _("Win rate: fights won in full or more, out of those won, partly won or lost. "
                   "Joint fights, fought with other networks, count for every network in them."),
                 has_total_row=True)


def money_cells(row: MoneyRow) -> list[Cell]:
    return [row_label(row), row.fights, row.demanded, row.recovered, row.recovered_share,
            row.median_demanded, row.median_recovered]


def report_tables(report: Report) -> list[Table]:
    """Every table of the report, in the order the page shows them."""
    funnel, outcomes, money = report.funnel, report.outcomes, report.money
    steps = funnel.steps()
    tables = [
        Table("funnel", _("From inquiry to outcome"),
              [Column(_("Step"), Kind.TEXT), Column(_("Fights"))],
              [[count_label(s), s.count] for s in steps] if any(s.count for s in steps)
              else [],
              _("No inquiry, move or outcome in this period."),
              _("Each step counts the fights that took it in the period.")),
        Table("declined", _("Declined, and why"),
              [Column(_("Reason"), Kind.TEXT), Column(_("Fights"))],
              [[count_label(r), r.count] for r in funnel.decline_reasons],
              _("No fight was declined in this period.")),
        outcome_table("outcomes-by-issue", _("Outcomes by issue type"), _("Issue type"),
                      outcomes.overall, outcomes.by_issue),
        outcome_table("outcomes-by-target", _("Outcomes by kind of target"), _("Target kind"),
                      outcomes.overall, outcomes.by_target_kind),
        Table("money", _("Money demanded and recovered"),
              [Column(_("Issue type"), Kind.TEXT), Column(_("Fights decided")),
               Column(_("Demanded"), Kind.MONEY), Column(_("Recovered"), Kind.MONEY),
               Column(_("Recovered of demanded"), Kind.PERCENT),
               Column(_("Median demanded"), Kind.MONEY),
               Column(_("Median recovered per win"), Kind.MONEY)],
              [money_cells(r) for r in [money.overall, *money.by_issue]] if money.by_issue
              else [],
              _("No fight was won or lost in this period."),
              _("Fights won, partly won or lost in the period; the median recovered counts "
                "fights won in full or in part."), has_total_row=True),
        Table("timing", _("How long fights take"),
              [Column(_("Measure"), Kind.TEXT), Column(_("Fights")),
               Column(_("Median"), Kind.DAYS)],
              [[duration_label(d), d.fights, d.median]
               for d in [*report.timing.durations(), report.timing.actions_before_win]
               if d.fights],
              _("No fight reached a decision, a delivery or a win in this period.")),
        actions_table(report),
        Table("calls", _("Call lists: called, said yes, came"),
              [Column(_("Step"), Kind.TEXT), Column(_("People")),
               Column(_("Share of the step before"), Kind.PERCENT)],
              calls_rows(report), _("No call list for an action carried out in this period.")),
    ]
    members = report.mobilization.reliable_members
    if members is not None:
        tables.append(Table(
            "reliable-members", _("Most reliable members"),
            [Column(_("Member"), Kind.TEXT), Column(_("Said yes")), Column(_("Came")),
             Column(_("Came after saying yes"))],
            [[m.name, m.said_yes, m.came, m.came_after_yes] for m in members],
            _("Nobody was checked in at an action in this period."), people=True))
    load = report.load
    tables.append(Table(
        "load", _("Load today"), [Column(_("Fights"), Kind.TEXT), Column(_("Count"))],
        [[_("Open"), load.open_fights], [_("Past their deadline"), load.past_deadline]],
        _("No open fight.")))
    if load.per_organizer is not None:
        tables.append(Table(
            "load-per-organizer", _("Open fights per organizer today"),
            [Column(_("Organizer"), Kind.TEXT), Column(_("Open fights")),
             Column(_("Past deadline"))],
            [[o.name, o.open_fights, o.past_deadline] for o in load.per_organizer],
            _("No organizer or coordinator."), people=True))
    tables.append(Table(
        "repeat-targets", _("Repeat-offender targets"),
        [Column(_("Target"), Kind.TEXT), Column(_("Kind"), Kind.TEXT), Column(_("Fights")),
         Column(_("Won"))],
        [[t.name, t.kind, t.fights, t.won] for t in load.repeat_targets],
        _("No target had two or more inquiries in this period."),
        _("Targets of two or more inquiries logged in the period.")))
    return tables


def actions_table(report: Report) -> Table:
    mobilization = report.mobilization
    kinds = [k for k in mobilization.kinds if k.count]
    columns = [Column(_("Month"), Kind.TEXT), *(Column(k.label) for k in kinds),
               Column(ALL_ACTIONS), Column(MEDIAN_TURNOUT, Kind.DAYS)]
    rows: list[list[Cell]] = [
        [m.month.label, *(m.by_kind.get(k.key, 0) for k in kinds), m.actions,
         m.median_turnout]
        for m in mobilization.months]
    return Table("actions", _("Actions carried out per month"), columns,
                 rows if mobilization.actions else [],
                 _("No action was carried out in this period."),
                 _("Median turnout counts the actions whose turnout was recorded (%(recorded)s of "
                   "%(actions)s); over the whole period it is %(median)s.",
                   recorded=mobilization.with_turnout, actions=mobilization.actions,
                   median=format_number(mobilization.median_turnout)))


def calls_rows(report: Report) -> list[list[Cell]]:
    calls = report.mobilization.calls
    if not calls.listed:
        return []
    return [[_("On the call lists"), calls.listed, None],
            [_("Called"), calls.called, calls.called / calls.listed],
            [_("Said yes"), calls.said_yes, calls.yes_rate],
            [_("Came"), calls.came, calls.came_rate]]


def format_number(value: float | None) -> str:
    if value is None:
        return _("not known")
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
