"""The people directory: the list, a person's page, adding, editing and merging records.

The CSV import's pages are in ``import_views`` (the same blueprint).
"""

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
from sqlalchemy import select
from werkzeug.wrappers import Response

from casework.actions import calls
from casework.cases.search_session import args_without_query, recall_into, remember_search
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.forms import ActionForm
from casework.ids import parse_id
from casework.kept_pages import keep_page
from casework.models import CASE_TEAM_ROLES, Person, Role, Tier
from casework.people import services
from casework.people.forms import PeopleFilterForm, PersonForm
from casework.people.languages import language_list
from casework.people.queries import PeopleFilters, list_people
from casework.people.rules import TIER_LABELS
from casework.permissions import acting_user, roles_required
from casework.portal import services as portal
from casework.portal.forms import MemberLoginForm, invite_from
from casework.users.invitations import INVITATION_DAYS, person_invitation_of

bp = Blueprint("people", __name__, url_prefix="/people")
bp.add_app_template_filter(language_list)
Page = Response | str | tuple[str, int]


@bp.app_template_filter()
def tier_label(tier: Tier) -> str:
    return str(TIER_LABELS[tier])


@bp.route("/")
@roles_required(*CASE_TEAM_ROLES)
@keep_page
def index() -> tuple[str, int]:
    form = PeopleFilterForm(args_without_query(), meta={"csrf": False})
    is_valid = form.validate()
    token = recall_into(form.q, acting_user())
    text = form.q.data
    filters = filters_from(form) if is_valid else PeopleFilters(text=text)
    return directory(form, filters, list_args(form, token) if is_valid else {})


@bp.route("/search", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def search() -> Page:
    """The search box: the name typed is kept on the server and the URL gets a token."""
    form = PeopleFilterForm()
    if not form.validate_on_submit():
        return directory(form, PeopleFilters(), {}, 400)
    token = remember_search(acting_user(), form.q.data) if form.q.data else ""
    db.session.commit()
    return redirect(url_for("people.index", **list_args(form, token)))


def filters_from(form: PeopleFilterForm) -> PeopleFilters:
    return PeopleFilters(text=form.q.data or "", language=form.language.data or "",
                         tier=Tier(form.tier.data) if form.tier.data else None)


def list_args(form: PeopleFilterForm, search_token: str) -> dict[str, Any]:
    """The directory's URL parameters: the filters and the search's token, never its text."""
    args = {name: str(form[name].data) for name in ("tier", "language") if form[name].data}
    return {**args, "search": search_token} if search_token else args


def directory(form: PeopleFilterForm, filters: PeopleFilters, args: dict[str, Any],
              status: int = 200) -> tuple[str, int]:
    """One page of people after the ``after`` cursor, with keyset links."""
    after = parse_id(request.args.get("after"))  # a damaged cursor: the first page
    page = list_people(acting_user().network_id, filters, after,
                       current_app.config.get("PEOPLE_PER_PAGE", 50))
    return render_template(
        "people/index.html", form=form, page=page, filters=filters,
        first_url=url_for("people.index", **args) if after else None,
        next_url=url_for("people.index", **args, after=page.next_after)
        if page.next_after else None,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def new() -> Page:
    form = PersonForm()
    if form.validate_on_submit():
        person = services.create_person(acting_user().network_id, form.details())
        db.session.commit()
        flash(_("Person added."), "success")
        return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/form.html", form=form, person=None), 400 if form.errors else 200


@bp.route("/<int:person_id>")
@roles_required(*CASE_TEAM_ROLES)
@keep_page
def show(person_id: int) -> str:
    person = load_person(person_id)
    user = acting_user()
    fights = services.fights_of(person)
    full = services.may_see_details(user, person, fights)
    visible = services.visible_fights(user, fights)
    duplicates: list[Person] = []
    if full:
        services.record_details_shown(person, "people page")
        duplicates = [other for other in services.possible_duplicates(person)
                      if services.may_see_details(user, other)]
    return render_template(
        "people/show.html", person=person, full=full, fights=visible,
        hidden_fights=len(fights) - len(visible), duplicates=duplicates,
        reliability=calls.reliability([person.id])[person.id])


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def edit(person_id: int) -> Page:
    person = load_person(person_id)
    user = acting_user()
    fights = services.fights_of(person)
    if not services.may_see_details(user, person, fights):
        abort(403)
    form = PersonForm()
    form.needs_contact_route = bool(fights)
    if request.method == "GET":
        form.fill(services.details_of(person))
        services.record_details_shown(person, "person edit form")
    elif form.validate_on_submit():
        try:
            changed = services.update_person(person, user, form.details())
        except PermissionDenied:
            abort(403)
        db.session.commit()
        flash(_("Saved.") if changed else _("Nothing changed."), "success")
        return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/form.html", form=form, person=person), \
        400 if form.errors else 200


@bp.route("/<int:person_id>/merge/<int:duplicate_id>", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def merge(person_id: int, duplicate_id: int) -> Page:
    keep, duplicate = load_person(person_id), load_person(duplicate_id)
    user = acting_user()
    if keep.id == duplicate.id:
        abort(404)
    if not (services.may_see_details(user, keep) and services.may_see_details(user, duplicate)):
        abort(403)
    form = ActionForm()
    if form.validate_on_submit():
        services.merge_people(keep, duplicate, user)
        db.session.commit()
        flash(_("The two records are now one."), "success")
        return redirect(url_for("people.show", person_id=keep.id))
    for person in (keep, duplicate):
        services.record_details_shown(person, "merge confirmation")
    return render_template(
        "people/merge.html", keep=keep, duplicate=duplicate, form=form,
        keep_fights=services.fights_of(keep), duplicate_fights=services.fights_of(duplicate),
        same_contact=duplicate.id in {p.id for p in services.possible_duplicates(keep)})


@bp.route("/<int:person_id>/caller-login", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def caller_login(person_id: int) -> Page:
    """A coordinator gives a person marked as a caller a login that shows only their calls."""
    person = load_person(person_id)
    existing = portal.login_of(person)
    waiting = person_invitation_of(person.id, person.network_id) if existing is None else None
    form = MemberLoginForm(data={"email": person.email})
    invitation = None if existing or waiting else invite_from(form, lambda email, password: (
        portal.invite_caller(person, acting_user(), email, password)))
    if invitation is not None:
        db.session.commit()
        flash(_("An invitation was recorded for %(email)s: their login is made when they first "
                "log in with it and the first password you give them, within %(days)s days.",
                email=invitation.email, days=INVITATION_DAYS), "success")
        return redirect(url_for("people.show", person_id=person.id))
    refused = (existing is not None or waiting is not None) and form.is_submitted()
    return render_template("people/caller_login.html", person=person, form=form,
                           existing=existing, waiting=waiting,
                           invitation_days=INVITATION_DAYS), \
        400 if form.errors or refused else 200


def load_person(person_id: int) -> Person:
    """A person of the user's network, or 404."""
    person = db.session.scalars(select(Person).where(
        Person.id == person_id, Person.network_id == acting_user().network_id,
        Person.stands_for_network.is_(False))).one_or_none()
    if person is None:
        abort(404)
    return person


from casework.people import import_views  # noqa: E402,F401  (registers the import routes)
