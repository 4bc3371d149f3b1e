"""Dates that cannot lie: nothing recorded in the future or before what it depends on.

Every rule compares calendar days where the network is. Each check returns the message to show
next to the date field, or None when the date is possible; services raise it, forms show it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from flask_babel import gettext as _

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


Dated = Literal["delivery", "outcome", "consent"]


def in_future_message(what: Dated, today: date) -> str:
    """Why the date of ``what`` is refused: it is after today."""
    day = local_date(today)
    if what == "delivery":
        return _("The delivery date can't be in the future: today is %(today)s.", today=day)
    if what == "outcome":
        return _("The outcome can't be in the future: today is %(today)s.", today=day)
    return _("The consent can't be in the future: today is %(today)s.", today=day)


def before_logged_message(what: Dated, logged: date) -> str:
    """Why the date of ``what`` is refused: it is before the case was logged."""
    day = local_date(logged)
    if what == "delivery":
        return _("This case was logged on %(day)s; the delivery date can't come before it.",
                 day=day)
    if what == "outcome":
        return _("This case was logged on %(day)s; the outcome can't come before it.", day=day)
    return _("This case was logged on %(day)s; the consent can't come before it.", day=day)


def not_future_nor_before_logged(case: Case, day: date, today: date,
                                 what: Dated) -> str | None:
    if day > today:
        return in_future_message(what, today)
    if day < logged_on(case):
        return before_logged_message(what, logged_on(case))
    return None


def delivery_date_problem(case: Case, delivered_at: datetime, today: date) -> str | None:
    """A delivery is not in the future, not before the case was logged, and (when corrected)
    not after a contact from the target or the outcome already recorded."""
    day = local_date_of(delivered_at, case.network)
    problem = not_future_nor_before_logged(case, day, today, "delivery")
    if problem or case.delivery is None:  # the first delivery: nothing was logged after it yet
        return problem
    contacts = [local_date_of(c.happened_at, case.network) for c in case.contacts]
    if contacts and min(contacts) < day:
        return _("A contact from the target is logged on %(day)s; the delivery can't come "
                 "after it.", day=local_date(min(contacts)))
    if case.outcome is not None and case.outcome.decided_on < day:
        return _("The outcome is dated %(day)s; the delivery can't come after it.",
                 day=local_date(case.outcome.decided_on))
    return None


def contact_date_problem(case: Case, happened_at: datetime, today: date,
                         is_offer: bool) -> str | None:
    """A contact or offer from the target is not in the future nor before the delivery."""
    day = local_date_of(happened_at, case.network)
    if day > today:
        return (_("An offer can't be in the future: today is %(today)s.",
                  today=local_date(today)) if is_offer else
                _("A contact from the target can't be in the future: today is %(today)s.",
                  today=local_date(today)))
    delivered = delivered_on(case)
    if delivered is None:
        return (_("The letter has not been delivered yet; an offer is logged after the "
                  "delivery.") if is_offer else
                _("The letter has not been delivered yet; a contact from the target is logged "
                  "after the delivery."))
    if day < delivered:
        return (_("The letter was delivered on %(day)s; an offer can't come before it.",
                  day=local_date(delivered)) if is_offer else
                _("The letter was delivered on %(day)s; a contact from the target can't come "
                  "before it.", day=local_date(delivered)))
    return None


def outcome_date_problem(case: Case, decided_on: date, today: date) -> str | None:
    """An outcome is not in the future, nor before the delivery (or the case's logging)."""
    if decided_on > today:
        return in_future_message("outcome", today)
    delivered = delivered_on(case)
    if delivered is not None and decided_on < delivered:
        return _("The letter was delivered on %(day)s; the outcome can't come before it.",
                 day=local_date(delivered))
    return not_future_nor_before_logged(case, decided_on, today, "outcome")


def consent_date_problem(case: Case, given_on: date, today: date) -> str | None:
    """The member's consent is not in the future nor before the case was logged."""
    return not_future_nor_before_logged(case, given_on, today, "consent")


def action_done_problem(action: Action, today: date) -> str | None:
    """An action is recorded as done (with turnout and result) on or after its day."""
    if action.starts_at is None:
        return None
    day = local_date_of(action.starts_at, action.case.network)
    if day > today:
        return _("This action is planned for %(day)s: record what happened on or after that "
                 "day (or change its date if it already took place).", day=local_date(day))
    return None
