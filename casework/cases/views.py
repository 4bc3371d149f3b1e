"""Case pages: intake, the list, the case record and editing."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from casework.actions.page import action_sections
from casework.audit.recorder import record_view
from casework.cases.duplicates import (
    PossibleDuplicate,
    existing_person_for,
    facts_for_existing,
    possible_duplicates,
)
from casework.cases.form_data import facts_from_form, filters_from_form, prefill_form
from casework.cases.forms import NO_ORGANIZER, CaseEditForm, CaseFilterForm, IntakeForm, TeamForm
from casework.cases.queries import CaseFilters, list_cases
from casework.cases.records import load_case_records
from casework.cases.search_session import args_without_query, recall_into, remember_search
from casework.cases.services import create_case, facts_of, target_proposal_of, update_case
from casework.cases.summary import summary_of
from casework.cases.team import (
    RequestNotOpen,
    answer_join_request,
    ask_to_join_case_team,
    join_case_team,
    set_case_team,
    team_section,
)
from casework.cases.timeline import changed_field_names
from casework.documents.services import documents_of
from casework.errors import PermissionDenied, StaleCase
from casework.extensions import db
from casework.fight.page import fight_sections
from casework.forms import options
from casework.ids import parse_id
from casework.kept_pages import keep_page
from casework.models import (
    CASE_TEAM_ROLES,
    STAFF_ROLES,
    Case,
    Event,
    Role,
    Target,
    Task,
    TeamJoinRequest,
    User,
)
from casework.permissions import acting_user, load_case, roles_required
from casework.tasks.forms import TaskForm, assignee_choices
from casework.workflow.states import state_label

bp = Blueprint("cases", __name__, url_prefix="/cases")

FILTERS_IN_LINKS = ("state", "issue_type", "urgency", "organizer", "deadline", "my_tasks")


@bp.route("/")
@roles_required(*STAFF_ROLES)
@keep_page
def index() -> str:
    user = acting_user()
    form = filter_form(user, args_without_query())
    is_valid = form.validate()
    token = recall_into(form.q, user)
    text = form.q.data
    filters = filters_from_form(form) if is_valid else CaseFilters(text=text)
    return case_list(user, form, filters, list_args(form, token) if is_valid else {})


@bp.route("/search", methods=["POST"])
@roles_required(*STAFF_ROLES)
def search() -> Response | tuple[str, int]:
    """The list's search box: the text is kept on the server and the URL gets a token."""
    user = acting_user()
    form = filter_form(user)
    if not form.validate_on_submit():
        return case_list(user, form, CaseFilters(), {}), 400
    token = remember_search(user, form.q.data) if form.q.data else ""
    db.session.commit()
    return redirect(url_for("cases.index", **list_args(form, token)))


def filter_form(user: User, args: MultiDict[str, str] | None = None) -> CaseFilterForm:
    """The search and filter form, from the list's link (``args``) or from the POST."""
    form = CaseFilterForm(args, meta={"csrf": False}) if args is not None else CaseFilterForm()
    form.organizer.choices = options([("", _("Anyone")), (NO_ORGANIZER, _("No organizer yet")),
                                      *organizer_choices(user)])
    return form


def list_args(form: CaseFilterForm, search_token: str) -> dict[str, Any]:
    """The list's URL parameters: the filters in use and the search's token, never its text."""
    args = {name: str(form[name].data) for name in FILTERS_IN_LINKS if form[name].data}
    return {**args, "search": search_token} if search_token else args


def case_list(user: User, form: CaseFilterForm, filters: CaseFilters,
              args: dict[str, Any]) -> str:
    """The list page: one page of cases after the ``after`` cursor, with keyset links."""
    after = parse_id(request.args.get("after"))  # a damaged cursor: the first page
    page = list_cases(user, filters, after, current_app.config["CASES_PER_PAGE"])
    return render_template(
        "cases/index.html", form=form, page=page, user=user,
        first_url=url_for("cases.index", **args) if after else None,
        next_url=url_for("cases.index", **args, after=page.next_after) if page.next_after else None,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def new() -> Response | str:
    """Log an inquiry; a person who looks like one the network has is asked about first."""
    form = IntakeForm()
    duplicates: list[PossibleDuplicate] = []
    if form.validate_on_submit():
        user, facts = acting_user(), facts_from_form(form)
        choice, person = form.duplicate.data or "", None
        if choice.startswith("person:"):
            person = existing_person_for(user, facts, parse_id(choice[7:]) or 0)
            if person is None:
                form.form_errors.append(_("That person is not a match you can choose: choose "
                                          "again below."))
        if person is None and choice != "new":
            duplicates = possible_duplicates(user, facts)
        if not duplicates and not form.form_errors:
            case = create_case(user, facts_for_existing(facts, person) if person else facts,
                               person)
            db.session.commit()
            flash(_("Inquiry %(reference)s logged.", reference=case.reference), "success")
            flash_target_proposal(case)
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/new.html", form=form, targets=target_names(),
                           duplicates=duplicates)


@bp.route("/<int:case_id>")
@roles_required(*STAFF_ROLES)
@keep_page
def show(case_id: int) -> str:
    case = load_case(case_id, loading=CASE_PAGE_LOADING)
    has = load_case_records(case)
    user = acting_user()
    full = case.can_view_full_record(user)
    can_edit = case.can_edit(user)
    tasks = events = []
    if full:
        record_view(case)
        tasks = list(db.session.scalars(CASE_TASKS, {"case_id": case.id}))
        events = list(db.session.scalars(CASE_EVENTS, {"case_id": case.id}))
    task_form = None
    if can_edit:
        task_form = TaskForm()
        task_form.assignee_id.choices = assignee_choices(case)
    fight = fight_sections(case, user, has_appeals=has.appeals)
    return render_template(
        "cases/show.html", case=case, full=full, can_edit=can_edit, tasks=tasks,
        events=events, task_form=task_form,
        summary=summary_of(case, user, tasks, fight["today"]),
        team_candidates=organizer_choices(user) if user.role == Role.COORDINATOR else [],
        team=team_section(case, user, has_requests=has.join_requests),
        target_proposal=target_proposal_of(case) if full and has.target_proposal else None,
        documents=documents_of(case) if full and has.documents else [],
        state_label=state_label, changed_field_names=changed_field_names,
        **fight,
        **action_sections(case, user),
    )


# What the case page shows of the case itself: the one-to-one parts joined to it (its records
# are read by load_case_records, its team when first read). Its network is the user's, loaded
# with the user: case.network reads it from the session, without SQL.
CASE_PAGE_LOADING = (joinedload(Case.person), joinedload(Case.target))
# Its tasks and timeline, with who does and who did each; built once (building a statement
# with a joinedload cost more than running it).
CASE_TASKS = (select(Task).options(joinedload(Task.assignee))
              .where(Task.case_id == bindparam("case_id"))
              .order_by(Task.is_done, Task.due_on, Task.id))
CASE_EVENTS = (select(Event).options(joinedload(Event.actor))
               .where(Event.case_id == bindparam("case_id")).order_by(Event.id.desc()))


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def edit(case_id: int) -> Response | tuple[str, int] | str:
    case = load_case(case_id, edit=True)
    form = CaseEditForm()
    if request.method == "GET":
        prefill_form(form, facts_of(case), case.version)
    elif form.validate_on_submit():
        try:
            changed = update_case(case, acting_user(), facts_from_form(form), form.version.data)
            db.session.commit()
        except (StaleCase, StaleDataError) as error:
            db.session.rollback()
            message = str(error) if isinstance(error, StaleCase) else str(StaleCase(None))
            form.form_errors.append(message)
            return render_template("cases/edit.html", form=form, case=case,
                                   targets=target_names()), 409
        flash(_("Saved.") if changed else _("Nothing changed."), "success")
        flash_target_proposal(case)
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/edit.html", form=form, case=case, targets=target_names())


@bp.route("/<int:case_id>/team", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def team(case_id: int) -> Response | tuple[str, int]:
    case = load_case(case_id)
    user = acting_user()
    form = TeamForm()
    form.member_ids.choices = options(organizer_choices(user))
    if not form.validate_on_submit():
        offered = {choice.value for choice in form.member_ids.choices}
        ticked = [value for value in form.member_ids.data or [] if value in offered]
        return render_template("cases/team.html", case=case, team_form=form, team_checked=ticked,
                               team_candidates=organizer_choices(user)), 400
    if user.role == Role.COORDINATOR and "member_ids" in request.form:
        set_case_team(case, user, [int(value) for value in form.member_ids.data or []])
        done = _("Case team updated.")
    elif user.role == Role.COORDINATOR:
        join_case_team(case, user)
        done = _("You joined the case team.")
    else:
        asked = ask_to_join_case_team(case, user)
        done = (_("You are on the case team.") if asked is None else
                _("You asked to join the case team. A coordinator or an organizer on the team "
                  "will answer; until then you see the summary only."))
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="team"))


@bp.route("/<int:case_id>/team/requests/<int:request_id>/<any(accept, reject):verdict>",
          methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def answer_join(case_id: int, request_id: int, verdict: str) -> Response:
    """A coordinator or an organizer on the team approves or refuses a request to join."""
    case = load_case(case_id)
    join_request = load_join_request(case, request_id)
    name = join_request.user.name
    try:
        answer_join_request(join_request, acting_user(), approve=verdict == "accept")
        db.session.commit()
    except RequestNotOpen as error:
        db.session.rollback()
        flash(str(error), "error")
    except PermissionDenied:
        abort(403)
    else:
        flash(_("%(name)s joined the case team.", name=name) if verdict == "accept"
              else _("%(name)s's request to join was refused.", name=name), "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="team"))


def load_join_request(case: Case, request_id: int) -> TeamJoinRequest:
    """A request to join this case's team (404 otherwise)."""
    found = db.session.scalars(select(TeamJoinRequest).where(
        TeamJoinRequest.id == request_id, TeamJoinRequest.case_id == case.id)).one_or_none()
    if found is None:
        abort(404)
    return found


def flash_target_proposal(case: Case) -> None:
    """Say so when the target's details the form gave wait for review instead of applying."""
    if target_proposal_of(case) is not None:
        flash(_("%(target)s is one of the network's targets already, so its kind and address "
                "were not changed: what you gave differently waits for an organizer to review "
                "it.", target=case.target.name), "success")


def organizer_choices(user: User) -> list[tuple[str, str]]:
    """Organizers and coordinators of the user's network, for filters and team pickers."""
    people = db.session.execute(ORGANIZERS, {"network_id": user.network_id})
    return [(str(person_id), name) for person_id, name in people]


# Built once: the case page, the case list and the board ask on every view.
ORGANIZERS = (select(User.id, User.name)
              .where(User.network_id == bindparam("network_id"), User.role.in_(CASE_TEAM_ROLES),
                     User.is_disabled.is_(False))
              .order_by(User.name))


def target_names() -> list[str]:
    """Existing target names of the network, offered while typing (a datalist)."""
    return list(db.session.scalars(
        select(Target.name).where(Target.network_id == acting_user().network_id)
        .order_by(Target.name).limit(500)
    ))

