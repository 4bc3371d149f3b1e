"""Between the action forms and the services: choices, prefilled values, typed inputs."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from flask_babel import gettext as _

from casework.actions.forms import ActionPlanForm, ActionRoleForm
from casework.actions.services import (
    ActionPlan,
    leaflets_of,
    pressable_facts,
    role_candidates,
)
from casework.clock import zone_of
from casework.forms import options
from casework.letters.forms import KIND_LABELS
from casework.models import Action, ActionKind, Case
from casework.workflow.form_data import local_to_utc


def plan_form(case: Case, action: Action | None = None, *, submitted: bool = True
              ) -> ActionPlanForm:
    """The plan form with the target's pressure points and the case's leaflets to choose from;
    a form not submitted starts from the action (or from empty)."""
    form = ActionPlanForm() if submitted else ActionPlanForm(formdata=None)
    facts = pressable_facts(case)
    form.pressure_point_id.choices = options([
        ("", _("%(target)s (the target)", target=case.target.name)),
        *((str(f.id), f"{f.name} ({f.kind.label.lower()})") for f in facts)])
    form.leaflet_id.choices = options([
        ("", _("None")), *((str(letter.id), f"{KIND_LABELS[letter.kind]} · "
                         f"{letter.language_name} "
                         f"(#{letter.id})") for letter in leaflets_of(case))])
    if action is not None and not submitted:
        form.kind.data = action.kind.value
        form.title.data, form.place.data = action.title, action.place
        form.turnout_goal.data, form.materials.data = action.turnout_goal, action.materials
        if action.starts_at is not None:  # wall-clock time where the network is
            local = action.starts_at.astimezone(zone_of(case.network))
            form.starts_at.data = local.replace(tzinfo=None)
        form.pressure_point_id.data = str(action.pressure_point_id or "")
        form.leaflet_id.data = str(action.leaflet_id or "")
        form.calls.data = "all" if action.calls_supporters else "members"
    return form


def plan_from(form: ActionPlanForm, case: Case) -> ActionPlan:
    """The typed plan a validated form carries."""
    kind = ActionKind(form.kind.data)
    calls = form.calls.data
    starts_at = cast(datetime, form.starts_at.data)  # InputRequired
    return ActionPlan(
        kind=kind, starts_at=local_to_utc(starts_at, case.network),
        title=form.title.data or "", place=form.place.data or "",
        pressure_point_id=int(form.pressure_point_id.data) if form.pressure_point_id.data
        else None,
        turnout_goal=form.turnout_goal.data or 0,
        calls_supporters=kind.is_big if calls == "kind" else calls == "all",
        materials=form.materials.data or "",
        leaflet_id=int(form.leaflet_id.data) if form.leaflet_id.data else None)


def role_form(action: Action, *, submitted: bool = True) -> ActionRoleForm:
    """The role form, offering the fight's member and the people on the call list."""
    form = ActionRoleForm() if submitted else ActionRoleForm(formdata=None)
    form.person_id.choices = options([
        ("", _("Someone not listed (type the name)")),
        *((str(p.id), p.name) for p in role_candidates(action))])
    return form
