"""Moving values between the case forms and the services' plain data."""

from __future__ import annotations

from casework.cases.forms import (
    ANY_OPEN_STATE,
    NO_ORGANIZER,
    CaseEditForm,
    CaseFactsForm,
    CaseFilterForm,
)
from casework.cases.queries import CaseFilters, DeadlineFilter, TaskFilter
from casework.cases.services import CaseFacts
from casework.ids import parse_id
from casework.models import IssueType, RetaliationRisk, TargetKind, Urgency
from casework.workflow.states import CaseState

TRI_STATE_TO_BOOL = {"yes": True, "no": False, "unknown": None}


def facts_from_form(form: CaseFactsForm) -> CaseFacts:
    """The validated form as CaseFacts."""
    return CaseFacts(
        person_name=form.person_name.data or "",
        person_phone=form.person_phone.data or "",
        person_email=form.person_email.data or "",
        safe_contact_notes=form.safe_contact_notes.data or "",
        language=form.language.data or "en",
        target_name=form.target_name.data or "",
        target_kind=TargetKind(form.target_kind.data),
        target_address=form.target_address.data or "",
        issue_type=IssueType(form.issue_type.data),
        summary=form.summary.data or "",
        what_happened=form.what_happened.data or "",
        amount_claimed=form.amount_claimed.data,
        urgency=Urgency(form.urgency.data),
        retaliation_risk=RetaliationRisk(form.retaliation_risk.data),
        still_employed_or_housed=TRI_STATE_TO_BOOL[form.still_employed_or_housed.data or "unknown"],
    )


def prefill_form(form: CaseEditForm, facts: CaseFacts, version: int) -> None:
    """Fill the edit form with a case's current facts."""
    for name, value in vars(facts).items():
        field = getattr(form, name)
        field.data = value.value if hasattr(value, "value") else value
    form.still_employed_or_housed.data = {True: "yes", False: "no", None: "unknown"}[
        facts.still_employed_or_housed
    ]
    form.version.data = version


def filters_from_form(form: CaseFilterForm | None) -> CaseFilters:
    """The list filters from the (valid) filter form; no filters without one."""
    if form is None:
        return CaseFilters()
    state = form.state.data or ""
    return CaseFilters(
        text=form.q.data or "",
        state=CaseState(state) if state and state != ANY_OPEN_STATE else None,
        is_open=state == ANY_OPEN_STATE,
        issue_type=IssueType(form.issue_type.data) if form.issue_type.data else None,
        urgency=Urgency(form.urgency.data) if form.urgency.data else None,
        organizer_id=parse_id(form.organizer.data),
        unassigned=form.organizer.data == NO_ORGANIZER,
        deadline=DeadlineFilter(form.deadline.data) if form.deadline.data else None,
        my_tasks=TaskFilter(form.my_tasks.data) if form.my_tasks.data else None,
    )
