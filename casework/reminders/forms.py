"""The account setting: whether ``tick`` emails you reminders."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class ReminderSettingsForm(FlaskForm):
    wants_email_reminders = BooleanField(
        _l("Email me reminders"),
        description=_l("Tasks due tomorrow or overdue, deadlines of your fights, and tomorrow's "
                       "actions, sent to your login email address."))
