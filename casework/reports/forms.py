"""The period a report covers, chosen with a GET form (nothing is stored)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField
from wtforms.validators import Optional

from casework.forms import options
from casework.reports.period import Period, PeriodKind

CHOICES = options([(PeriodKind.THIS_YEAR.value, _l("This year")),
                   (PeriodKind.LAST_12_MONTHS.value, _l("The last 12 months")),
                   (PeriodKind.RANGE.value, _l("From… to…"))])


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only reads

    period = RadioField(_l("Period"), choices=CHOICES, default=PeriodKind.THIS_YEAR.value)
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To (included)"), validators=[Optional()])

    def chosen_period(self, zone: str, today: date) -> Period | None:
        """The period asked for, or None (with the errors next to the fields)."""
        if not self.validate():
            return None
        kind = self.period.data
        if kind == PeriodKind.LAST_12_MONTHS:
            return Period.last_12_months(zone, today)
        if kind != PeriodKind.RANGE:
            return Period.this_year(zone, today)
        if self.start.data is None:
            self.start.errors = [_("Give the first day of the range.")]
        if self.end.data is None:
            self.end.errors = [_("Give the last day of the range.")]
        if self.start.data is None or self.end.data is None:
            return None
        try:
            return Period.between(zone, self.start.data, self.end.data)
        except ValueError as problem:
            self.end.errors = [str(problem)]
            return None

    def query_args(self) -> dict[str, Any]:
        """The choice as URL arguments, for the CSV links."""
        args: dict[str, Any] = {"period": self.period.data}
        if self.period.data == PeriodKind.RANGE:
            args.update(start=self.start.data, end=self.end.data)
        return args
