"""The victory page's forms: the write-up, and the member's consent to publishing it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField
from wtforms.validators import InputRequired

from casework.fight.forms import NEEDED, text
from casework.forms import options, plausible_date
from casework.models import ConsentMethod
from casework.models.victory import MAX_TITLE, MAX_WRITE_UP

CONSENT_PREFIX = "publication"


class WriteUpForm(FlaskForm):
    title = text(_l("Title"), MAX_TITLE, required=True, area=False,
                 description=_l("e.g. 'Bistro pays back $2,160 in stolen wages'"))
    write_up = text(_l("The story"), MAX_WRITE_UP, required=True,
                    description=_l("What happened, what we did together, what we won. Name the "
                                   "member only if they agreed; never their phone or email."))


class PublicationConsentForm(FlaskForm):
    """Made with ``prefix=CONSENT_PREFIX``, as the case page's consent form is with its own."""

    may_name = RadioField(_l("The member agrees to publishing it"), default="no",
                          choices=options([("no", _l("Without their name")),
                                           ("yes", _l("With their name"))]),
                          validators=[InputRequired(message=_l("Choose one."))])
    given_on = DateField(_l("Given on"), validators=[InputRequired(message=NEEDED),
                                                     plausible_date])
    method = RadioField(_l("How they gave it"),
                        choices=options((m.value, m.label) for m in ConsentMethod),
                        validators=[InputRequired(message=_l("Choose how they gave it."))])
    note = text(_l("Note"), 2000)
