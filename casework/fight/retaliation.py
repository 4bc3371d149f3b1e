"""Retaliation after a win opens a new fight linked to the old one."""

from __future__ import annotations

from flask_babel import gettext as _

from casework.cases.services import CaseFacts, create_case, facts_of
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.fight.services import RecordRefused
from casework.models import Case, Event, EventKind, IssueType, RetaliationRisk, Urgency, User
from casework.system_text import N_, system_note
from casework.workflow.states import CaseState


def open_retaliation_case(case: Case, actor: User) -> Case:
    """A new inquiry for the same person against the same target, linked to this fight."""
    if not case.can_edit(actor):
        raise PermissionDenied("Only the case team can open a retaliation case.")
    if case.state != CaseState.WON:
        raise RecordRefused(_("Retaliation cases follow a won fight; this one is not won."))
    old = facts_of(case)
    facts = CaseFacts(**{
        **vars(old), "issue_type": IssueType.HARASSMENT, "amount_claimed": None,
        "summary": f"Retaliation after {case.reference}", "what_happened": "",
        "urgency": Urgency.URGENT, "retaliation_risk": RetaliationRisk.HIGH,
    })
    new_case = create_case(actor, facts, person=case.person)
    new_case.linked_case = case
    for member in case.team:
        if not new_case.is_on_team(member):
            new_case.team.append(member)
    db.session.add(Event(case=case, actor=actor, kind=EventKind.NOTE,
                         **system_note(N_("Retaliation reported: new case %(reference)s"),
                                       reference=new_case.reference)))
    db.session.flush()
    return new_case
