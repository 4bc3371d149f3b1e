"""Target pages: the list with fight counts, and one target's research and fights."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from casework.cases.search_session import args_without_query, recall_into, remember_search
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.forms import ActionForm
from casework.ids import page_number
from casework.kept_pages import keep_page
from casework.models import (
    CASE_TEAM_ROLES,
    Case,
    Target,
    TargetFact,
    TargetFactKind,
    TargetProposal,
)
from casework.permissions import acting_user, roles_required
from casework.targets import proposals, queries
from casework.targets import services as research
from casework.targets.forms import FactForm, TargetListForm, TargetNotesForm
from casework.targets.page import target_page

bp = Blueprint("targets", __name__, url_prefix="/targets")

Outcome = Response | tuple[str, int] | str
SORTS = ("fights", "name")


@bp.route("/")
@roles_required(*CASE_TEAM_ROLES)
@keep_page
def index() -> str:
    form = TargetListForm(args_without_query(), meta={"csrf": False})
    if not form.validate():
        form.sort.data = form.sort.data if form.sort.data in SORTS else "fights"
    token = recall_into(form.q, acting_user())
    return target_list(form, token)


@bp.route("/search", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def search() -> Outcome:
    """The search box: the name typed is kept in the session and the URL gets a token, so
    target names stay out of URLs, browser history and access logs."""
    form = TargetListForm()
    if not form.validate_on_submit():
        form.sort.data = form.sort.data if form.sort.data in SORTS else "fights"
        return target_list(form, "", text=""), 400
    token = remember_search(acting_user(), form.q.data) if form.q.data else ""
    db.session.commit()
    return redirect(url_for("targets.index", **list_args(form.sort.data or "fights", token)))


def list_args(sort: str, search_token: str) -> dict[str, Any]:
    """The list's URL parameters: the order and the search's token, never its text."""
    return {"sort": sort, "search": search_token or None}


def target_list(form: TargetListForm, token: str, text: str | None = None) -> str:
    """One page of the targets, searched for ``text`` (default: the search box's)."""
    page = page_number()
    sort = form.sort.data or "fights"
    found = queries.list_targets(acting_user(), form.q.data if text is None else text, sort,
                                 page, current_app.config.get("TARGETS_PER_PAGE", 50))
    args = list_args(sort, token)
    return render_template(
        "targets/index.html", form=form, page=found, searched=text is None and form.q.data,
        previous_url=url_for("targets.index", **args, page=page - 1) if page > 1 else None,
        next_url=url_for("targets.index", **args, page=page + 1) if found.has_more else None)


@bp.route("/<int:target_id>")
@roles_required(*CASE_TEAM_ROLES)
@keep_page
def show(target_id: int) -> str:
    target = load_target(target_id)
    return render_template("targets/show.html", **target_page(target, acting_user()))


@bp.route("/<int:target_id>/proposals/<int:proposal_id>/<any(accept, reject):verdict>",
          methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def answer_proposal(target_id: int, proposal_id: int, verdict: str) -> Response:
    """Accept (apply to the target) or dismiss details proposed from a case form."""
    target = load_target(target_id)
    proposal = db.session.scalars(select(TargetProposal).where(
        TargetProposal.id == proposal_id, TargetProposal.target_id == target.id)).one_or_none()
    if proposal is None:
        abort(404)
    try:
        if verdict == "accept":
            changed = proposals.accept_proposal(proposal, acting_user())
            done = (_("The proposed details were accepted.") if changed else
                    _("The target already has these details."))
        else:
            proposals.dismiss_proposal(proposal, acting_user())
            done = _("The proposed details were dismissed.")
        db.session.commit()
    except proposals.ProposalAnswered as error:
        db.session.rollback()
        flash(str(error), "error")
    except PermissionDenied:
        abort(403)
    else:
        flash(done, "success")
    return redirect(url_for("targets.show", target_id=target.id, _anchor="proposals"))


@bp.route("/<int:target_id>/notes", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def notes(target_id: int) -> Outcome:
    target = load_target(target_id)
    form = TargetNotesForm()
    if not form.validate_on_submit():
        return form_page(target, form, _("Edit the notes"), "notes"), 400
    typed = {name: form[name].data or "" for name in research.NOTE_FIELDS}
    try:
        changed = research.save_notes(target, acting_user(), typed, form.seen.data or "")
        db.session.commit()
    except research.StaleTarget:
        db.session.rollback()
        form.form_errors.append(str(research.StaleTarget(queries.last_editor_of(target))))
        form.seen.data = research.notes_fingerprint(target)  # saving again keeps the merge
        return render_template("targets/notes_conflict.html", target=target, form=form,
                               saved=research.notes_of(target), typed=typed), 409
    except PermissionDenied:
        abort(403)
    flash(_("Notes saved.") if changed else _("Nothing changed."), "success")
    return redirect(url_for("targets.show", target_id=target.id, _anchor="notes"))


@bp.route("/<int:target_id>/facts", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def add_fact(target_id: int) -> Outcome:
    target = load_target(target_id)
    form = FactForm()
    if not form.validate_on_submit():
        return form_page(target, form, _("Add a fact"), "research"), 400
    try:
        fact = research.add_fact(target, acting_user(), fact_input(form))
        db.session.commit()
    except PermissionDenied:
        abort(403)
    flash(_("%(kind)s added.", kind=fact.kind.label), "success")
    return redirect(url_for("targets.show", target_id=target.id, _anchor=f"facts-{fact.kind}"))


@bp.route("/<int:target_id>/facts/<int:fact_id>/edit", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def edit_fact(target_id: int, fact_id: int) -> Outcome:
    target = load_target(target_id)
    fact = load_fact(target, fact_id)
    form = FactForm(obj=fact) if request.method == "GET" else FactForm()
    if request.method == "GET":
        title = _("Correct the %(kind)s", kind=fact.kind.label.lower())
        return form_page(target, form, title, "research")
    if not form.validate_on_submit():
        title = _("Correct the %(kind)s", kind=fact.kind.label.lower())
        return form_page(target, form, title, "research"), 400
    try:
        changed = research.update_fact(fact, acting_user(), fact_input(form))
        db.session.commit()
    except PermissionDenied:
        abort(403)
    flash(_("Fact corrected.") if changed else _("Nothing changed."), "success")
    return redirect(url_for("targets.show", target_id=target.id, _anchor=f"facts-{fact.kind}"))


@bp.route("/<int:target_id>/facts/<int:fact_id>/delete", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def delete_fact(target_id: int, fact_id: int) -> Outcome:
    target = load_target(target_id)
    fact = load_fact(target, fact_id)
    form = ActionForm()
    if form.validate_on_submit():
        kind = fact.kind
        try:
            research.remove_fact(fact, acting_user())
            db.session.commit()
        except PermissionDenied:
            abort(403)
        flash(_("%(kind)s removed.", kind=kind.label), "success")
        return redirect(url_for("targets.show", target_id=target.id, _anchor=f"facts-{kind}"))
    return render_template("targets/confirm_delete.html", target=target, fact=fact, form=form,
                           pressing=queries.planned_actions_pressing(fact))


@bp.app_template_global()
def other_fights_against(case: Case) -> int:
    """For the case page: how many other fights the network has had against its target."""
    return queries.count_other_fights(case)


def load_target(target_id: int) -> Target:
    """A target of the user's network (404 otherwise) that the user needs to see (403)."""
    user = acting_user()
    target = db.session.scalars(select(Target).where(
        Target.id == target_id, Target.network_id == user.network_id)).one_or_none()
    if target is None:
        abort(404)
    if not queries.may_view_target(target, user):
        abort(403)
    return target


def load_fact(target: Target, fact_id: int) -> TargetFact:
    """One fact of the target (404 otherwise)."""
    fact = db.session.scalars(select(TargetFact).where(
        TargetFact.id == fact_id, TargetFact.target_id == target.id)).one_or_none()
    if fact is None:
        abort(404)
    return fact


def fact_input(form: FactForm) -> research.FactInput:
    """The service's input from a valid fact form."""
    return research.FactInput(kind=TargetFactKind(form.kind.data), name=form.name.data or "",
                              details=form.details.data or "", source=form.source.data or "")


def form_page(target: Target, form: Any, title: str, anchor: str) -> str:
    """A form on a page of its own: to correct a fact, or to fix what was refused."""
    return render_template("targets/form_page.html", target=target, form=form, title=title,
                           anchor=anchor)
