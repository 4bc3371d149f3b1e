"""'My work': my open and overdue tasks and my cases."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from casework.actions.page import calls_to_make_of, upcoming_actions_of
from casework.cases.queries import on_team_of
from casework.dashboard.inquiries import unassigned_inquiries
from casework.extensions import db
from casework.formatting import today_in_network
from casework.models import STAFF_ROLES, Case, Role
from casework.permissions import acting_user, roles_required
from casework.tasks.services import open_tasks_of
from casework.workflow.deadlines import WATCHED_STATES
from casework.workflow.states import OPEN_STATES

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@roles_required(*STAFF_ROLES)
def my_work() -> str:
    user = acting_user()
    today = today_in_network()
    tasks = open_tasks_of(user)
    mine = on_team_of(user.id) if user.role != Role.INTAKE else Case.created_by_id == user.id
    cases = list(db.session.scalars(
        select(Case)
        .where(Case.network_id == user.network_id, mine, Case.state.in_(OPEN_STATES))
        .order_by(Case.id.desc())
        .limit(100)
    ))
    past_deadline, calls, actions = [], [], []
    if user.role != Role.INTAKE:
        calls, actions = calls_to_make_of(user), upcoming_actions_of(user, today)
        past_deadline = list(db.session.scalars(
            select(Case)
            .where(Case.network_id == user.network_id, Case.state.in_(WATCHED_STATES),
                   Case.deadline_on < today)
            .order_by(Case.deadline_on, Case.id)
            .limit(100)
        ))
    return render_template(
        "dashboard/my_work.html",
        overdue=[t for t in tasks if t.is_overdue(today)],
        upcoming=[t for t in tasks if not t.is_overdue(today)],
        cases=cases,
        deadlines=sorted((c for c in cases if c.deadline_on), key=lambda c: c.deadline_on),
        past_deadline=past_deadline,
        calls_to_make=calls,
        upcoming_actions=actions,
        waiting_inquiries=unassigned_inquiries(user, today),
        today=today,
    )
