"""Dates that cannot lie: nothing recorded in the future or before what it depends on.

Every rule compares calendar days where the network is. Each check returns the message to show
next to the date field, or None when the date is possible; services raise it, forms show it.
"""

from __future__ import annotations

from datetime import date, datetime

from casework.clock import local_date_of
from casework.formatting import local_date
from casework.models import Action, Case


def logged_on(case: Case) -> date:
    """The day the case was logged, where the network is: nothing about it comes before."""
    return local_date_of(case.created_at, case.network)


def delivered_on(case: Case) -> date | None:
    """The day the letter was delivered, where the network is (None before delivery)."""
    delivery = case.delivery
    return local_date_of(delivery.delivered_at, case.network) if delivery else None


def not_future_nor_before_logged(case: Case, day: date, today: date, what: str) -> str | None:
    if day > today:
        return f"{what} can't be in the future: today is {local_date(today)}."
    if day < logged_on(case):
        return (f"This case was logged on {local_date(logged_on(case))}; {what.lower()} "
                "can't come before it.")
    return None


def delivery_date_problem(case: Case, delivered_at: datetime, today: date) -> str | None:
    """A delivery is not in the future, not before the case was logged, and (when corrected)
    not after a contact from the target or the outcome already recorded."""
    day = local_date_of(delivered_at, case.network)
    problem = not_future_nor_before_logged(case, day, today, "The delivery date")
    if problem or case.delivery is None:  # the first delivery: nothing was logged after it yet
        return problem
    contacts = [local_date_of(c.happened_at, case.network) for c in case.contacts]
    if contacts and min(contacts) < day:
        return (f"A contact from the target is logged on {local_date(min(contacts))}; the "
                "delivery can't come after it.")
    if case.outcome is not None and case.outcome.decided_on < day:
        return (f"The outcome is dated {local_date(case.outcome.decided_on)}; the delivery "
                "can't come after it.")
    return None


def contact_date_problem(case: Case, happened_at: datetime, today: date,
                         is_offer: bool) -> str | None:
    """A contact or offer from the target is not in the future nor before the delivery."""
    day = local_date_of(happened_at, case.network)
    what = "An offer" if is_offer else "A contact from the target"
    if day > today:
        return f"{what} can't be in the future: today is {local_date(today)}."
    delivered = delivered_on(case)
    if delivered is None:
        return (f"The letter has not been delivered yet; {what.lower()} is logged after "
                "the delivery.")
    if day < delivered:
        return (f"The letter was delivered on {local_date(delivered)}; {what.lower()} "
                "can't come before it.")
    return None


def outcome_date_problem(case: Case, decided_on: date, today: date) -> str | None:
    """An outcome is not in the future, nor before the delivery (or the case's logging)."""
    if decided_on > today:
        return f"The outcome can't be in the future: today is {local_date(today)}."
    delivered = delivered_on(case)
    if delivered is not None and decided_on < delivered:
        return (f"The letter was delivered on {local_date(delivered)}; the outcome can't "
                "come before it.")
    return not_future_nor_before_logged(case, decided_on, today, "The outcome")


def consent_date_problem(case: Case, given_on: date, today: date) -> str | None:
    """The member's consent is not in the future nor before the case was logged."""
    return not_future_nor_before_logged(case, given_on, today, "The consent")


def action_done_problem(action: Action, today: date) -> str | None:
    """An action is recorded as done (with turnout and result) on or after its day."""
    if action.starts_at is None:
        return None
    day = local_date_of(action.starts_at, action.case.network)
    if day > today:
        return (f"This action is planned for {local_date(day)}: record what happened on or "
                "after that day (or change its date if it already took place).")
    return None
