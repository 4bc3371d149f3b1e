"""Forms of the member portal: giving a member a login, and the member's approval."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Email, Length, Regexp

from casework.errors import CaseworkError, DuplicateEmail, PermissionDenied
from casework.forms import strip_whitespace
from casework.models import Invitation
from casework.portal.services import MemberLoginRefused
from casework.users.forms import MIN_PASSWORD_LENGTH


class MemberLoginForm(FlaskForm):
    """The email and first password a coordinator gives the member of a case."""

    email = EmailField(
        _l("The member's email (they log in with it)"),
        validators=[DataRequired(message=_l("This is needed.")),
                    Email(message=_l("This is not an email address.")), Length(max=254)],
        filters=[strip_whitespace],
    )
    password = PasswordField(
        _l("First password"),
        validators=[DataRequired(message=_l("This is needed.")),
                    Length(min=MIN_PASSWORD_LENGTH, max=200,
                           message=_l("Use 12 to 200 characters."))],
        description=_l("At least 12 characters. Give it to them in person, never in the "
                       "letter."),
    )


class ApproveLetterForm(FlaskForm):
    """'I approve this version': carries the fingerprint of the letter the member was shown."""

    fingerprint = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{64}$")])


def invite_from(form: MemberLoginForm,
                invite: Callable[[str, str], Invitation]) -> Invitation | None:
    """Record the invitation the valid form asks for, or put the refusal next to its field."""
    if not form.validate_on_submit():
        return None
    try:
        return invite(form.email.data or "", form.password.data or "")
    except DuplicateEmail as error:
        form.email.errors = [str(error)]
    except MemberLoginRefused as error:
        form.form_errors.append(str(error))
    except PermissionDenied:
        abort(403)
    except CaseworkError as error:  # the password policy refusing the first password
        form.password.errors = [str(error)]
    return None
