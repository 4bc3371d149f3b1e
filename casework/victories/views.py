"""The public victories page and Atom feed, and the team's page to write and publish one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from casework.clock import local_date_of, network_today
from casework.extensions import db
from casework.forms import ActionForm
from casework.models import CASE_TEAM_ROLES, Case, ConsentMethod, Network
from casework.permissions import acting_user, load_case, public, roles_required
from casework.victories import services
from casework.victories.feed import atom_feed
from casework.victories.forms import CONSENT_PREFIX, PublicationConsentForm, WriteUpForm
from casework.victories.public import (
    PublicVictory,
    last_change,
    network_by_code,
    preview,
    published_victories,
)

bp = Blueprint("victories", __name__)

Page = Response | str | tuple[str, int]


@bp.route("/n/<code>/victories")
@public
def page(code: str) -> str:
    """Anyone's view of the network's published victories: no login, no script."""
    network = load_network(code)
    victories = published_victories(network)
    return render_template("victories/public.html", network=network, victories=victories,
                           published_on={v.id: local_date_of(v.published_at, network)
                                         for v in victories if v.published_at})


@bp.route("/n/<code>/victories.atom")
@public
def feed(code: str) -> Response:
    """The same victories as an Atom feed; an unpublished one is gone from the next fetch."""
    network = load_network(code)
    victories = published_victories(network)
    page_url = url_for("victories.page", code=network.code.lower(), _external=True)
    body = atom_feed(network, victories, last_change(network) or network.created_at, page_url,
                     url_for("victories.feed", code=network.code.lower(), _external=True),
                     lambda victory: f"{page_url}#victory-{victory.id}")
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    response.vary.add("Accept-Language")  # its words are in the reader's language
    return response


@bp.route("/cases/<int:case_id>/victory", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def edit(case_id: int) -> Page:
    """The team's page: the member's consent, the write-up, a preview, publish/unpublish.
    POST saves the write-up."""
    case = load_team_case(case_id)
    form = WriteUpForm()
    if form.is_submitted():
        if form.validate():
            try:
                services.save_write_up(case, acting_user(), form.title.data or "",
                                       form.write_up.data or "")
                db.session.commit()
            except services.VictoryRefused as error:
                db.session.rollback()
                refused(form, error)
            else:
                flash(_("Write-up saved.") if not is_published(case)
                      else _("Write-up saved: the public page shows it now."), "success")
                return redirect(url_for("victories.edit", case_id=case.id))
        return victory_page(case, write_up_form=form, status=400)
    return victory_page(case)


@bp.route("/cases/<int:case_id>/victory/consent", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def consent(case_id: int) -> Page:
    case = load_team_case(case_id)
    form = PublicationConsentForm(prefix=CONSENT_PREFIX)
    if form.validate_on_submit():
        try:
            _record, withdrawn = services.record_publication_consent(
                case, acting_user(), services.PublicationConsentInput(
                    given_on=form.given_on.data, method=ConsentMethod(form.method.data),
                    may_name=form.may_name.data == "yes", note=form.note.data or ""))
            db.session.commit()
        except services.VictoryRefused as error:
            db.session.rollback()
            refused(form, error)
        else:
            flash(_("Consent recorded. The victory was taken off the public page: its story "
                    "names the member.") if withdrawn else _("Consent recorded."), "success")
            return redirect(url_for("victories.edit", case_id=case.id))
    return victory_page(case, consent_form=form, status=400)


@bp.route("/cases/<int:case_id>/victory/<any(publish, unpublish):move>", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def publication(case_id: int, move: str) -> Response:
    """Publish or unpublish: both the page and the feed change with this one commit."""
    case = load_team_case(case_id)
    if ActionForm().validate_on_submit():
        try:
            if move == "publish":
                services.publish_victory(case, acting_user())
            else:
                services.unpublish_victory(case, acting_user())
            db.session.commit()
        except services.VictoryRefused as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(_("Published: it is on the public page and in the feed.") if move == "publish"
                  else _("Unpublished: it is off the public page and the feed."), "success")
    return redirect(url_for("victories.edit", case_id=case.id))


def load_network(code: str) -> Network:
    network = network_by_code(code)
    if network is None:
        abort(404)
    return network


def load_team_case(case_id: int) -> Case:
    case = load_case(case_id, edit=True)
    if not services.may_publish(case, acting_user()):
        abort(403)
    return case


def is_published(case: Case) -> bool:
    victory = services.victory_of(case)
    return victory is not None and victory.is_published


def refused(form: FlaskForm, error: services.VictoryRefused) -> None:
    field = getattr(form, error.field, None) if error.field else None
    (field.errors if field is not None else form.form_errors).append(str(error))


def victory_page(case: Case, *, write_up_form: WriteUpForm | None = None,
                 consent_form: PublicationConsentForm | None = None, status: int = 200) -> Page:
    victory = services.victory_of(case)
    may_name = services.may_name_member(case)
    shown: PublicVictory | None = preview(case, victory, may_name) \
        if victory is not None and case.outcome is not None else None
    if write_up_form is None:
        write_up_form = WriteUpForm(formdata=None, obj=victory)
    if consent_form is None:
        consent_form = PublicationConsentForm(formdata=None, prefix=CONSENT_PREFIX,
                                              given_on=network_today(case.network))
    html = render_template(
        "victories/edit.html", case=case, victory=victory, shown=shown,
        consent=services.publication_consent(case), may_name=may_name,
        write_up_form=write_up_form, consent_form=consent_form, action_form=ActionForm(),
        public_url=url_for("victories.page", code=case.network.code.lower()))
    return html if status == 200 else (html, status)
