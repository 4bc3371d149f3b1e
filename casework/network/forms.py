"""The network settings form and the poster options."""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from casework.forms import PHONE_INPUT, options, printable_text, strip_whitespace
from casework.i18n import lazy_pgettext
from casework.models import PageSize

# The paper sizes by the names their readers use ("Letter" is "Carta" in Spanish).
PAPER_SIZES = {PageSize.A4.value: "A4",
               PageSize.LETTER.value: lazy_pgettext("paper size", "Letter")}

# A deadline shorter than this gives a target no fair chance; a longer one loses momentum.
MIN_DEADLINE_DAYS, MAX_DEADLINE_DAYS = 3, 60
MAX_ADDRESS = 500


@functools.cache
def time_zones() -> frozenset[str]:
    """Every time zone name the zoneinfo database knows (``US/Pacific`` and the like too)."""
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def suggested_time_zones() -> tuple[str, ...]:
    """The names to offer while typing: ``Area/City`` ones and UTC, not the legacy aliases."""
    areas = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/",
             "Europe/", "Indian/", "Pacific/")
    return ("UTC", *sorted(zone for zone in time_zones() if zone.startswith(areas)))


def known_time_zone(_form: Any, field: Any) -> None:
    if field.data and field.data not in time_zones():
        raise ValidationError(_("Choose a time zone from the list, e.g. America/Los_Angeles."))


def enough_digits(_form: Any, field: Any) -> None:
    if field.data and sum(ch.isascii() and ch.isdigit() for ch in field.data) < 7:
        raise ValidationError(_("A phone number has at least 7 digits, e.g. 206-555-0100."))


NOT_AN_EMAIL = _l("This is not an email address.")


class SettingsForm(FlaskForm):
    """What a coordinator sets about the network (DESIGN §10)."""

    name = StringField(_l("Name"),
                       validators=[DataRequired(message=_l("The network needs a name.")),
                                   Length(max=120), printable_text],
                       filters=[strip_whitespace])
    hotline_phone = TelField(
        _l("Hotline phone"),
        validators=[Optional(), Length(max=40), printable_text, enough_digits],
        filters=[strip_whitespace], render_kw=PHONE_INPUT,
        description=_l("Printed on letters, posters and flyers. Never a member's own phone."))
    contact_email = EmailField(
        _l("Public email"),
        validators=[Optional(), Email(message=NOT_AN_EMAIL), Length(max=254)],
        filters=[strip_whitespace],
        description=_l("Printed on letters; replies to reminders go here."))
    address = TextAreaField(
        _l("Postal address"), validators=[Optional(), Length(max=MAX_ADDRESS), printable_text],
        filters=[strip_whitespace],
        description=_l("The network's public address for letterheads."))
    timezone = StringField(
        _l("Time zone"),
        validators=[DataRequired(message=_l("Choose the network's time zone.")),
                    Length(max=64), known_time_zone],
        filters=[strip_whitespace], render_kw={"list": "time-zones", "autocomplete": "off"},
        description=_l("Deadlines, due dates and reports are in this zone, e.g. "
                       "America/Chicago."))
    page_size = RadioField(_l("Paper size"), choices=options(PAPER_SIZES.items()))
    default_deadline_days = IntegerField(
        _l("Default deadline (days after delivery)"),
        validators=[InputRequired(message=_l("Give a number of days.")),
                    NumberRange(min=MIN_DEADLINE_DAYS, max=MAX_DEADLINE_DAYS,
                                message=_l("Give a number of days from %(min)s to %(max)s.",
                                           min=MIN_DEADLINE_DAYS, max=MAX_DEADLINE_DAYS))],
        render_kw={"inputmode": "numeric"},
        description=_l("What a new fight's deadline rule proposes; each fight can change "
                       "it."))
    signature_line = StringField(
        _l("Signature line"), validators=[Optional(), Length(max=200), printable_text],
        filters=[strip_whitespace],
        description=_l("Under the network's signature on letters, e.g. 'Seattle Solidarity "
                    "Network, case team'. Empty: the network's name."))
    intake_email = EmailField(
        _l("Intake notification address"),
        validators=[Optional(), Email(message=NOT_AN_EMAIL), Length(max=254)],
        filters=[strip_whitespace],
        description=_l("Told of each new inquiry (its reference and a link only). Empty: no "
                       "one."))
    appeals_delegate_id = SelectField(
        _l("Appeals delegate"), choices=options([("", _l("None: the coordinators"))]), default="",
        description=_l("Told of each appeal from another network to join a fight."))
    public_form_open = BooleanField(_l("The public “get in touch” form accepts inquiries"))


POSTER_KINDS = {"poster": _l("Poster (for walls, with tear-off tabs)"),
                "flyer": _l("Flyer (two handouts per sheet)")}
POSTER_LANGUAGES = {"both": _l("English and Spanish"), "en": _l("English"), "es": _l("Spanish")}


class PosterForm(FlaskForm):
    """What to print (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    kind = RadioField(_l("What"), choices=options(POSTER_KINDS.items()), default="poster")
    paper = RadioField(_l("Paper"),
                       choices=options(PAPER_SIZES.items()))
    language = RadioField(_l("Language"), choices=options(POSTER_LANGUAGES.items()),
                          default="both")
    tabs = BooleanField(_l("Tear-off tabs with the phone and the form's address (posters)"),
                        default=True)
