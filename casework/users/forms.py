"""Form to invite someone to the network."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from casework.forms import options, printable_text, strip_whitespace
from casework.models import STAFF_ROLES
from casework.security.passwords import MIN_LENGTH, PasswordPolicy

MIN_PASSWORD_LENGTH = MIN_LENGTH


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120), printable_text],
                       filters=[strip_whitespace])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[strip_whitespace])
    role = SelectField(_l("Role"),
                       choices=options((role.value, role.label) for role in STAFF_ROLES))
    password = PasswordField(
        _l("First password"),
        validators=[DataRequired(), PasswordPolicy(email_field="email", name_field="name")],
        description=_l("At least 12 characters, not a common password and not their name or "
                       "email. Give it to them in person."),
    )


class RoleForm(FlaskForm):
    """Choose a new role, then confirm on the page that says what changes."""

    role = SelectField(_l("New role"),
                       choices=options((role.value, role.label) for role in STAFF_ROLES))
    confirmed = HiddenField(default="")
