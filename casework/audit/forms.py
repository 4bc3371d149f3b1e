"""The audit log's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from casework.forms import options, strip_whitespace


class AuditFilterForm(FlaskForm):
    """Filter the log by case reference or by user (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    case = StringField(_l("Case reference"), validators=[Optional(), Length(max=24)],
                       filters=[strip_whitespace], description=_l("For example SEA-2026-0014"))
    user = SelectField(_l("User"), choices=options([("", _l("Anyone"))]), default="")
