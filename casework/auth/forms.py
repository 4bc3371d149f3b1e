"""Forms: logging in, the second-factor code, changing the password, setting up two-factor."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp, ValidationError

from casework.forms import options, strip_whitespace
from casework.i18n import self_named_languages
from casework.models import User
from casework.security.passwords import MAX_LENGTH, MIN_LENGTH, password_problem

CODE_HELP = _l("The 6-digit code your authenticator app shows now.")
WRONG_CODE = _l("That code is not right, or was used already. Wait for the next code and "
                "try again.")


class LoginForm(FlaskForm):
    """Email and password. No "remember me": a session ends after idling or some hours."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class CodeForm(FlaskForm):
    """A 6-digit code from an authenticator app."""

    code = StringField(
        _l("Code"), description=CODE_HELP, filters=[strip_whitespace],
        validators=[DataRequired(message=_l("Enter the code.")),
                    Regexp(r"^\d{3} ?\d{3}$", message=_l("The code is 6 digits."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 7},
    )


class EnableTwoFactorForm(CodeForm):
    """Confirm a new authenticator: the signed secret, a code from it, and the password."""

    token = HiddenField(validators=[DataRequired(), Length(max=500)])
    password = PasswordField(_l("Your password"), validators=[DataRequired(),
                                                          Length(max=MAX_LENGTH)])


class ChangePasswordForm(FlaskForm):
    """The current password, and the new one twice, checked against the password policy."""

    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired()],
        description=_l("At least %(min)s characters, not a common password and not your name "
                       "or email. A few unrelated words are easy to remember and hard to guess.",
                       min=MIN_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(),
                    EqualTo("new_password", message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_new_password(self, field: PasswordField) -> None:
        """The password policy, with this user's name and email."""
        problem = password_problem(field.data or "", email=self.user.email, name=self.user.name)
        if problem is not None:
            raise ValidationError(problem)


class LanguageForm(FlaskForm):
    """The language of one's own pages, each language named in its own words."""

    ui_language = RadioField(_l("Language of your pages"), choices=options(self_named_languages()),
                             validators=[DataRequired(message=_l("Choose a language."))])
