"""What the case page needs to show the fight: its moves and the forms of its records."""

from __future__ import annotations

from datetime import date
from typing import Any

from casework.clock import network_today, zone_of
from casework.fight import forms
from casework.fight.views import offer_choices
from casework.forms import ActionForm
from casework.letters.limits import MAX_DEMANDS
from casework.models import CASE_TEAM_ROLES, Case, User
from casework.workflow.service import moves_for


def may_record_fight(case: Case, user: User) -> bool:
    """May the user use the fight's record forms (decisions, demands, deadline, contacts)?
    The same check their POST routes make: a case-team role and the right to edit the case."""
    return user.role in CASE_TEAM_ROLES and case.can_edit(user)


def fight_sections(case: Case, user: User) -> dict[str, Any]:
    """Template values for the fight's part of the case page: only the forms the user may use
    are built (``None`` for the others)."""
    today = network_today(case.network)
    can_edit = case.can_edit(user)
    can_record = may_record_fight(case, user)
    return {
        "today": today,
        "can_record": can_record,
        "moves": moves_for(case, user, today),
        "move_form": forms.ConfirmMoveForm(formdata=None, version=case.version),
        "screening_form": forms.ScreeningForm(formdata=None, obj=case) if can_edit else None,
        "note_form": forms.NoteForm(formdata=None) if can_edit else None,
        "demands_full": len(case.demands) >= MAX_DEMANDS,
        "action_form": ActionForm(),
        **(record_forms(case, user, today) if can_record else {}),
    }


def record_forms(case: Case, user: User, today: date) -> dict[str, Any]:
    """The case team's forms for the fight's records, empty or filled from the case."""
    decision = forms.DecisionForm(formdata=None, meeting_on=today)
    decision.offer_id.choices = offer_choices(case)
    consent = forms.ConsentForm(formdata=None, prefix=forms.CONSENT_PREFIX, given_on=today)
    consent.offer_id.choices = decision.offer_id.choices
    # A fight without a rule yet is offered the network's default deadline.
    default_days = case.network.default_deadline_days
    deadline_rule = forms.DeadlineRuleForm(formdata=None,
                                           deadline_days=str(case.deadline_days or default_days),
                                           planned_delivery_on=case.planned_delivery_on)
    deadline_rule.deadline_days.choices = forms.deadline_choices(default_days, case.deadline_days)
    delivery_date = forms.DeliveryDateForm(formdata=None, version=case.version)
    if case.delivery:
        # The form shows wall-clock time where the network is, as the user typed it.
        local = case.delivery.delivered_at.astimezone(zone_of(case.network))
        delivery_date.delivered_at.data = local.replace(tzinfo=None)
    return {
        "decision_form": decision,
        "consent_form": consent,
        "can_record_consent": case.can_move(user),
        "demand_form": forms.DemandForm(formdata=None),
        "deadline_rule_form": deadline_rule,
        "contact_form": forms.ContactForm(formdata=None),
        "delivery_date_form": delivery_date,
    }
