"""What the case page needs to show the fight: its moves and the forms of its records."""

from __future__ import annotations

from typing import Any

from casework.clock import network_today, zone_of
from casework.fight import forms
from casework.fight.views import offer_choices
from casework.forms import ActionForm
from casework.letters.limits import MAX_DEMANDS
from casework.models import Case, User
from casework.workflow.service import moves_for


def fight_sections(case: Case, user: User) -> dict[str, Any]:
    """Template values for the fight's part of the case page."""
    today = network_today(case.network)
    screening = forms.ScreeningForm(formdata=None, obj=case)
    decision = forms.DecisionForm(formdata=None, meeting_on=today)
    decision.offer_id.choices = offer_choices(case)
    consent = forms.ConsentForm(formdata=None, prefix=forms.CONSENT_PREFIX, given_on=today)
    consent.offer_id.choices = decision.offer_id.choices
    deadline_rule = forms.DeadlineRuleForm(formdata=None,
                                           deadline_days=str(case.deadline_days or 14),
                                           planned_delivery_on=case.planned_delivery_on)
    delivery_date = forms.DeliveryDateForm(formdata=None, version=case.version)
    if case.delivery:
        # The form shows wall-clock time where the network is, as the user typed it.
        local = case.delivery.delivered_at.astimezone(zone_of(case.network))
        delivery_date.delivered_at.data = local.replace(tzinfo=None)
    return {
        "today": today,
        "moves": moves_for(case, user, today),
        "move_form": forms.ConfirmMoveForm(formdata=None, version=case.version),
        "screening_form": screening,
        "decision_form": decision,
        "consent_form": consent,
        "can_record_consent": case.can_move(user),
        "demand_form": forms.DemandForm(formdata=None),
        "demands_full": len(case.demands) >= MAX_DEMANDS,
        "deadline_rule_form": deadline_rule,
        "contact_form": forms.ContactForm(formdata=None),
        "note_form": forms.NoteForm(formdata=None),
        "delivery_date_form": delivery_date,
        "action_form": ActionForm(),
    }
