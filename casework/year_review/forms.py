"""Which year, in which language: the GET form of the year in review."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired

from casework.forms import options
from casework.i18n import self_named_languages

YEARS_BACK = 10


class YearReviewForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it reads, never changes anything

    year = SelectField(_l("Year"), validators=[InputRequired(message=_l("Choose a year."))])
    # Each language in its own words, as language pickers name them.
    language = RadioField(_l("Language"), default="en",
                          choices=options(self_named_languages()),
                          validators=[InputRequired(message=_l("Choose a language."))])

    def offer_years(self, today: date) -> None:
        """The last ten years, newest first; in January and February, last year first chosen
        (the assembly that looks back on it)."""
        self.year.choices = options((str(year), str(year))
                                    for year in range(today.year, today.year - YEARS_BACK, -1))
        if not self.year.data:
            self.year.data = str(today.year - 1 if today.month <= 2 else today.year)
