"""Form to add a user."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from casework.forms import options, printable_text, strip_whitespace
from casework.models import STAFF_ROLES

MIN_PASSWORD_LENGTH = 12


class UserForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120), printable_text],
                       filters=[strip_whitespace])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[strip_whitespace])
    role = SelectField("Role", choices=options((role.value, role.label) for role in STAFF_ROLES))
    password = PasswordField(
        "First password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200,
                                           message="Use 12 to 200 characters.")],
        description="At least 12 characters. Give it to them in person.",
    )
