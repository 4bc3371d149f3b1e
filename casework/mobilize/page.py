"""What the action page shows of its mobilization email: the form, who would get it, counts."""

from __future__ import annotations

from typing import Any

from casework.mobilize import services
from casework.mobilize.forms import MobilizationEmailForm
from casework.models import Action, ActionStatus


def email_section(action: Action) -> dict[str, Any]:
    """Template values for the action page's email section (three small queries)."""
    email = services.draft_of(action)
    is_open = services.answers_open(action)
    form = MobilizationEmailForm(formdata=None)
    if is_open and not (email and email.is_sent):
        form.fill(services.texts_of(action, email))
    return {
        "email": email, "email_form": form, "email_open": is_open,
        "email_counts": services.counts_of(action) if email and email.is_sent else None,
        "audience": services.audience_of(action)
        if is_open and action.status == ActionStatus.PLANNED else None,
    }
