"""The outcome figures of one network for one period: plain dataclasses of numbers.

``network_report(network, period)`` is the one entry point; the reports page, its CSV
downloads, its charts and the year in review all read the ``Report`` it returns. Every figure
comes from a handful of SQL aggregates (casework/reports/queries.py), never from Python loops
over cases; most add up the network's tallies per local month and day (ReportTally:
casework/reports/tallies.py), kept in step with each fight's row of figures (FightFigures:
casework/reports/fight_figures.py) and each action carried out, so that a period's figures
cost about the same at any number of fights. Each thing counts on the day it happened,
where the network is (casework/reports/period.py):

- inquiries: cases logged in the period; screened, proposed (the latest proposal), taken on:
  the fight made that move in the period; delivered: the demand letter was handed over in
  the period (the delivery's own date and time, as recorded);
- won, partial, lost, closed: the day the fight's outcome was decided (the outcome's own
  date, not the day it was entered) is in the period, and the fight still stands won or
  closed (a reopened fight counts only when it ends again, with its latest outcome);
  declined: the fight was declined in the period and still stands declined;
- delivery to win: whole days from the delivery's local day to the day the win was decided;
- actions, turnout and calls: actions carried out (done) that started in the period;
- load: open fights today, whatever the period.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from casework.kept import kept_or_made
from casework.models import Network
from casework.reports.period import Month, Period


@dataclass(frozen=True)
class Count:
    """A labelled count, e.g. one step of the funnel or one decline reason."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Funnel:
    inquiries: int
    screened: int
    proposed: int
    taken: int
    delivered: int
    won: int  # in full or more than owed
    partial: int
    lost: int
    closed: int  # withdrawn, referred out or moot
    declined: int
    decline_reasons: list[Count]

    def steps(self) -> list[Count]:
        """The funnel from inquiry to outcome, in the order a fight moves."""
        return [
            Count("inquiries", "Inquiries", self.inquiries),
            Count("screened", "Screened", self.screened),
            Count("proposed", "Proposed to the meeting", self.proposed),
            Count("taken", "Taken on", self.taken),
            Count("delivered", "Demand delivered", self.delivered),
            Count("won", "Won", self.won),
            Count("partial", "Partial win", self.partial),
            Count("lost", "Lost", self.lost),
            Count("closed", "Closed otherwise", self.closed),
        ]


@dataclass(frozen=True)
class OutcomeRow:
    """How the fights of one kind (or all of them) ended in the period."""

    key: str
    label: str
    won: int
    partial: int
    lost: int
    closed: int
    # Of these fights, those fought jointly with other networks (led or joined): a joint
    # fight counts for every network in it (DESIGN.md §8).
    joint: int = 0

    @property
    def decided(self) -> int:
        """Fights that ended in a win, a partial win or a loss (the win rate's base)."""
        return self.won + self.partial + self.lost

    @property
    def win_rate(self) -> float | None:
        return self.won / self.decided if self.decided else None

    @property
    def partial_rate(self) -> float | None:
        return self.partial / self.decided if self.decided else None

    @property
    def lost_rate(self) -> float | None:
        return self.lost / self.decided if self.decided else None


@dataclass(frozen=True)
class Outcomes:
    overall: OutcomeRow
    by_issue: list[OutcomeRow]
    by_target_kind: list[OutcomeRow]


@dataclass(frozen=True)
class MoneyRow:
    """Money demanded and recovered in the fights that ended won, partial or lost."""

    key: str
    label: str
    fights: int
    demanded: Decimal
    recovered: Decimal
    median_demanded: Decimal | None  # per decided fight
    median_recovered: Decimal | None  # per fight won in full or in part

    @property
    def recovered_share(self) -> float | None:
        return float(self.recovered / self.demanded) if self.demanded else None


@dataclass(frozen=True)
class Money:
    overall: MoneyRow
    by_issue: list[MoneyRow]


@dataclass(frozen=True)
class Duration:
    """The median of a measure over the fights it applies to, and how many there were."""

    key: str
    label: str
    fights: int
    median: float | None


@dataclass(frozen=True)
class Timing:
    inquiry_to_decision: Duration  # days, for fights taken on or declined in the period
    decision_to_delivery: Duration  # days, for letters delivered in the period
    delivery_to_win: Duration  # days, for fights won (in full or in part) in the period
    actions_before_win: Duration  # actions carried out, same fights

    def durations(self) -> list[Duration]:
        return [self.inquiry_to_decision, self.decision_to_delivery, self.delivery_to_win]


@dataclass(frozen=True)
class MonthActivity:
    month: Month
    by_kind: dict[str, int]  # ActionKind value -> actions carried out
    median_turnout: float | None
    with_turnout: int  # actions whose turnout was recorded

    @property
    def actions(self) -> int:
        return sum(self.by_kind.values())


@dataclass(frozen=True)
class CallConversion:
    """The call lists of the period's actions: people called, who said yes, who came."""

    listed: int
    called: int
    said_yes: int
    came: int

    @property
    def yes_rate(self) -> float | None:
        return self.said_yes / self.called if self.called else None

    @property
    def came_rate(self) -> float | None:
        return self.came / self.said_yes if self.said_yes else None


@dataclass(frozen=True)
class ReliableMember:
    name: str
    said_yes: int
    came: int
    came_after_yes: int


@dataclass(frozen=True)
class Mobilization:
    months: list[MonthActivity]
    kinds: list[Count]  # every action kind with its total, busiest first
    actions: int
    median_turnout: float | None
    with_turnout: int
    calls: CallConversion
    reliable_members: list[ReliableMember] | None  # None: not shown to this user


@dataclass(frozen=True)
class OrganizerLoad:
    name: str
    open_fights: int
    past_deadline: int


@dataclass(frozen=True)
class RepeatTarget:
    name: str
    kind: str
    fights: int
    won: int


@dataclass(frozen=True)
class Load:
    """Today's load, whatever the period: open fights and who carries them."""

    open_fights: int
    past_deadline: int
    per_organizer: list[OrganizerLoad] | None  # None: not shown to this user
    repeat_targets: list[RepeatTarget]  # targets of 2+ fights logged in the period


@dataclass(frozen=True)
class Report:
    network_name: str
    period: Period
    today: date
    funnel: Funnel
    outcomes: Outcomes
    money: Money
    timing: Timing
    mobilization: Mobilization
    load: Load
    includes_people: bool

    @property
    def is_empty(self) -> bool:
        """Nothing happened in the period (today's load may still show)."""
        return (self.funnel.inquiries == 0 and sum(s.count for s in self.funnel.steps()) == 0
                and self.funnel.declined == 0 and self.mobilization.actions == 0)


def network_report(network: Network, period: Period, *, include_people: bool = False,
                   today: date | None = None) -> Report:
    """Every figure of the network for the period; per-person figures (reliable members,
    load per organizer) only with ``include_people`` (coordinators).

    Kept while the database is unchanged: a second view of the same period (or its CSV
    downloads, or another coordinator's view) reads one row instead of the fights' figures.
    """
    from casework.clock import network_today

    today = today or network_today(network)
    return kept_or_made(
        ("report", network.id, network.name, period, include_people, today),
        lambda: worked_out_report(network, period, include_people=include_people, today=today))


def worked_out_report(network: Network, period: Period, *, include_people: bool,
                      today: date) -> Report:
    """The report, from the database's aggregates (about a dozen statements); the
    per-person figures are read alongside the others (casework/reports/alongside.py)."""
    from casework.reports import queries
    from casework.reports.alongside import alongside

    queries.without_jit()
    people = None
    if include_people:
        people = alongside(lambda: (queries.reliable_members(network.id, period),
                                    queries.organizer_load(network.id, today)),
                           prepare=queries.without_jit)
    outcomes, money = queries.outcomes_and_money(network.id, period)
    mobilization = queries.mobilization(network.id, period, include_people=False)
    load = queries.load(network.id, period, today, include_people=False)
    funnel = queries.funnel(network.id, period, outcomes.overall)
    timing = queries.timing(network.id, period)
    if people is not None:
        reliable, per_organizer = people()
        mobilization = replace(mobilization, reliable_members=reliable)
        load = replace(load, per_organizer=per_organizer)
    return Report(
        network_name=network.name,
        period=period,
        today=today,
        funnel=funnel,
        outcomes=outcomes,
        money=money,
        timing=timing,
        mobilization=mobilization,
        load=load,
        includes_people=include_people,
    )
