"""The solidarity page's forms: link with a network here, redeem an invitation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, URLField
from wtforms.validators import DataRequired, Length

from casework.forms import printable_text, strip_whitespace


class LocalLinkForm(FlaskForm):
    """Choose a network on this installation to ask to link."""

    network_id = SelectField(_l("Network"), validators=[DataRequired(
        message=_l("Choose a network."))])


class RedeemForm(FlaskForm):
    """The invitation another installation's coordinator gave: its address and code."""

    url = URLField(_l("Invitation address"), filters=[strip_whitespace], validators=[
        DataRequired(message=_l("Paste the invitation's address.")),
        Length(max=500, message=_l("An invitation's address is at most 500 characters.")),
        printable_text], render_kw={"placeholder": "https://", "autocomplete": "off"})
    code = StringField(_l("Code"), filters=[strip_whitespace], validators=[
        DataRequired(message=_l("Paste the invitation's code.")),
        Length(max=100, message=_l("An invitation's code is at most 100 characters.")),
        printable_text], render_kw={"autocomplete": "off", "spellcheck": "false"})
