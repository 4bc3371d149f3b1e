"""What the case page needs to show the fight: its moves, and which record forms to link to.

The record forms (screening notes, decisions, consent, demands, the deadline rule, contacts,
the delivery date) are on pages of their own (casework/fight/views.py): the case page links
to those the user may use instead of building and rendering each of them on every view.
"""

from __future__ import annotations

from typing import Any

from casework.clock import network_today
from casework.fight import forms
from casework.forms import ActionForm
from casework.letters.limits import MAX_DEMANDS
from casework.models import CASE_TEAM_ROLES, Case, User
from casework.solidarity.appeals import broken_links
from casework.workflow.service import moves_for


def may_record_fight(case: Case, user: User) -> bool:
    """May the user use the fight's record forms (decisions, demands, deadline, contacts)?
    The same check their POST routes make: a case-team role and the right to edit the case."""
    return user.role in CASE_TEAM_ROLES and case.can_edit(user)


def fight_sections(case: Case, user: User, *, has_appeals: bool = True) -> dict[str, Any]:
    """Template values for the fight's part of the case page: the moves, the forms shown on
    the page itself (``None`` for those the user may not use) and which forms to link to
    (``has_appeals``: False when the fight is known to have none, which then need not be
    read)."""
    today = network_today(case.network)
    can_edit = case.can_edit(user)
    can_record = may_record_fight(case, user)
    return {
        "today": today,
        "can_record": can_record,
        "can_record_consent": can_record and case.can_move(user),
        "moves": moves_for(case, user, today),
        "move_form": forms.ConfirmMoveForm(formdata=None, version=case.version),
        "note_form": forms.NoteForm(formdata=None) if can_edit else None,
        "demands_full": len(case.demands) >= MAX_DEMANDS,
        "action_form": ActionForm(),
        "broken_links": broken_links(case)
        if has_appeals and case.can_view_full_record(user) else [],
    }
