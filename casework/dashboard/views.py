"""'My work': my open and overdue tasks and my cases."""

from __future__ import annotations

from flask import Blueprint, render_template

from casework.actions.page import calls_to_make_of, upcoming_actions_of
from casework.dashboard import lists
from casework.dashboard.inquiries import unassigned_inquiries
from casework.formatting import today_in_network
from casework.kept_pages import keep_page
from casework.models import STAFF_ROLES, Role
from casework.permissions import acting_user, roles_required

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@roles_required(*STAFF_ROLES)
@keep_page
def my_work() -> str:
    user = acting_user()
    today = today_in_network()
    past_deadline, calls, actions = None, [], []
    if user.role != Role.INTAKE:
        calls, actions = calls_to_make_of(user), upcoming_actions_of(user, today)
        past_deadline = lists.past_deadline(user, today)
    return render_template(
        "dashboard/my_work.html",
        overdue=lists.my_tasks(user, today, overdue=True),
        upcoming=lists.my_tasks(user, today, overdue=False),
        cases=lists.my_open_cases(user),
        deadlines=lists.my_deadlines(user),
        past_deadline=past_deadline,
        calls_to_make=calls,
        upcoming_actions=actions,
        waiting_inquiries=unassigned_inquiries(user, today),
        today=today,
        me=user.id if user.role != Role.INTAKE else None,
    )
