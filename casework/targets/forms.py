"""Forms of target research: the list's search, a researched fact, the target's notes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import HiddenInput

from casework.forms import options, printable_text, strip_whitespace
from casework.models import TargetFactKind

NEEDED = _l("This is needed.")


def text(label: Any, max_length: int, *, required: bool = False, area: bool = False,
         **kwargs: Any) -> Any:
    """A trimmed text field refusing control characters; ``area`` for several lines."""
    first = DataRequired(message=NEEDED) if required else Optional()
    field_class = TextAreaField if area else StringField
    return field_class(label, validators=[first, Length(max=max_length), printable_text],
                       filters=[strip_whitespace], **kwargs)


class TargetListForm(FlaskForm):
    """Search and order the targets list. It POSTs, so the name searched for never goes into
    a URL; the list's links carry the order and a token for the search (the case list's
    ``search_session``). Reading those links builds the form with ``csrf=False``."""

    q = text(_l("Name"), 200, description=_l("Part of the target's name"))
    sort = SelectField(_l("Order"), choices=options([("fights", _l("Most fights first")),
                                                     ("name", _l("By name"))]),
                       default="fights")


class FactForm(FlaskForm):
    """One researched fact: what kind, the name, details, and where we learned it."""

    kind = SelectField(_l("Kind of fact"),
                       choices=options((kind.value, kind.label) for kind in TargetFactKind))
    name = text(_l("Name"), 200, required=True,
                description=_l("e.g. the owner's or the other business's name, or the address"))
    details = text(_l("Details"), 10_000, area=True,
                   description=_l("What it is and why it matters. Facts, not opinions."))
    source = text(_l("Source"), 300,
                  description=_l("Where this comes from: a public record, a worker, a web page"))


class TargetNotesForm(FlaskForm):
    """The target's free-text research, with a fingerprint of what the user saw."""

    role = text(_l("Role"), 80, description=_l("Landlord, employer, property manager…"))
    address = text(_l("Address"), 10_000, area=True)
    contacts = text(_l("Contacts"), 10_000, area=True,
                    description=_l("The target's phones, emails and offices (never a member's)"))
    leverage_points = text(_l("Leverage points"), 10_000, area=True)
    research_notes = text(_l("Research notes"), 10_000, area=True)
    seen = StringField(widget=HiddenInput(), validators=[
        DataRequired(), Regexp(r"^[0-9a-f]{64}$")])
