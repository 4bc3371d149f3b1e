"""The solidarity page: the network's peers, linking, invitations. Coordinators act; organizers
see the peers (DESIGN.md §2: coordinators run everything of their network, organizers run
fights, and joint fights need them to know who they fight with)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from casework.extensions import db
from casework.forms import ActionForm, options
from casework.models import AppealStatus, Network, Role
from casework.permissions import acting_user, roles_required
from casework.solidarity import outbox
from casework.solidarity.appeals import joint_fights, may_appeal, network_sent_appeals
from casework.solidarity.forms import AnswerForm, LocalLinkForm, RedeemForm, ReportForm
from casework.solidarity.joint import may_answer, received_appeals
from casework.solidarity.services import (
    PeerError,
    answer_link_request,
    check_link,
    create_invitation,
    get_peer,
    invitation_url,
    local_candidates,
    open_invitations,
    peer_rows,
    redeem_invitation,
    request_local_link,
    resume_peer,
    suspend_peer,
    unlink_peer,
    withdraw_invitation,
)

bp = Blueprint("solidarity", __name__, url_prefix="/solidarity")

STEPS = ("accept", "decline", "suspend", "resume", "unlink", "check")


def page(network: Network, *, status: int = 200, **forms: Any) -> tuple[str, int]:
    """The page, with the forms given (a refused form keeps what was typed)."""
    link_form = forms.get("link_form") or LocalLinkForm()
    link_form.network_id.choices = options(
        [("", _("Choose a network"))] + [(str(n.id), n.name) for n in local_candidates(network)])
    user = acting_user()
    received = received_appeals(network)
    answer_forms = forms.get("answer_forms") or {}
    for appeal in received:
        if appeal.status == AppealStatus.NEW and appeal.id not in answer_forms:
            answer_forms[appeal.id] = AnswerForm(prefix=f"appeal-{appeal.id}")
    report_forms = forms.get("report_forms") or {}
    for appeal in received:
        if appeal.status == AppealStatus.ACCEPTED and not appeal.is_joint \
                and not appeal.report and appeal.id not in report_forms:
            report_forms[appeal.id] = ReportForm(prefix=f"report-{appeal.id}")
    sent = network_sent_appeals(network)
    return render_template(
        "solidarity/index.html", network=network, rows=peer_rows(network), sent=sent,
        # the fights whose appeals page the user may open (others link to the case page)
        appealable={a.case_id for a in sent if a.case and may_appeal(a.case, user)},
        received=received, answer_forms=answer_forms, report_forms=report_forms,
        can_answer=may_answer(network, user),
        joint_fights=joint_fights(network),
        link_form=link_form, redeem_form=forms.get("redeem_form") or RedeemForm(),
        action_form=ActionForm(), invitations=open_invitations(network),
        new_invitation=forms.get("new_invitation"),
        can_act=acting_user().role == Role.COORDINATOR), status


@bp.get("/")
@roles_required(Role.ORGANIZER, Role.COORDINATOR)
def index() -> tuple[str, int]:
    """Peers and their status; for coordinators the ways to link and change links."""
    return page(acting_user().network)


def deliver_now(network: Network) -> None:
    """Send at once what the request queued (the tick retries whatever does not go)."""
    outbox.deliver_due(network_id=network.id)


@bp.after_app_request
def deliver_queued(response: BaseResponse) -> BaseResponse:
    """Send at once what any request queued for other networks (a move, an action done),
    once its view committed; the tick retries what does not go."""
    if response.status_code >= 400:
        return response
    for _round in range(3):  # a network on this installation may pass a message on
        queued = g.pop("outbox_networks", set())
        if not queued:
            break
        db.session.rollback()  # what the view did not commit was not meant to happen
        for network_id in sorted(queued):
            outbox.deliver_due(network_id=network_id)
    return response


@bp.post("/link")
@roles_required(Role.COORDINATOR)
def link() -> BaseResponse | tuple[str, int]:
    """Ask a network on this installation to link."""
    network = acting_user().network
    form = LocalLinkForm()
    form.network_id.choices = options(
        [("", "")] + [(str(n.id), n.name) for n in local_candidates(network)])
    if not form.validate_on_submit():
        return page(network, status=400, link_form=form)
    try:
        peer = request_local_link(network, int(form.network_id.data or 0))
    except PeerError as error:
        db.session.rollback()
        form.network_id.errors = [str(error)]
        return page(network, status=400, link_form=form)
    db.session.commit()
    name = peer.name
    deliver_now(network)
    flash(_("Asked %(name)s to link. Their coordinator answers.", name=name), "success")
    return redirect(url_for("solidarity.index"))


@bp.post("/peers/<int:peer_id>/<any(accept,decline,suspend,resume,unlink,check):step>")
@roles_required(Role.COORDINATOR)
def change_peer(peer_id: int, step: str) -> BaseResponse:
    """Answer a link request, suspend, resume, unlink, or check a link."""
    network = acting_user().network
    peer = get_peer(network, peer_id)
    if peer is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = peer.name
    try:
        if step in ("accept", "decline"):
            answer_link_request(network, peer, accept=step == "accept")
        elif step == "suspend":
            suspend_peer(peer)
        elif step == "resume":
            resume_peer(peer)
        elif step == "unlink":
            unlink_peer(network, peer)
        else:
            check_link(network, peer)
    except PeerError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("solidarity.index"))
    db.session.commit()
    deliver_now(network)
    flash({"accept": _("Linked with %(name)s.", name=name),
           "decline": _("Declined the link with %(name)s.", name=name),
           "suspend": _("%(name)s is suspended: their messages are refused until you resume.",
                        name=name),
           "resume": _("%(name)s is linked again.", name=name),
           "unlink": _("Unlinked from %(name)s.", name=name),
           "check": _("Sent your network's name to %(name)s.", name=name)}[step], "success")
    return redirect(url_for("solidarity.index"))


@bp.post("/invitations")
@roles_required(Role.COORDINATOR)
def invite() -> tuple[str, int]:
    """A one-time invitation for a network on another installation: shown once, here."""
    coordinator = acting_user()
    network = coordinator.network
    if not ActionForm().validate_on_submit():
        abort(400)
    invitation, code = create_invitation(network, coordinator)
    db.session.commit()
    return page(network, new_invitation={"url": invitation_url(network), "code": code,
                                         "expires_at": invitation.expires_at})


@bp.post("/invitations/<int:peer_invitation_id>/withdraw")
@roles_required(Role.COORDINATOR)
def withdraw(peer_invitation_id: int) -> BaseResponse:
    network = acting_user().network
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        withdraw_invitation(network, peer_invitation_id)
    except PeerError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(_("The invitation was withdrawn: its code no longer works."), "success")
    return redirect(url_for("solidarity.index"))


@bp.post("/invitations/redeem")
@roles_required(Role.COORDINATOR)
def redeem() -> BaseResponse | tuple[str, int]:
    """Link with the network on another installation whose invitation the coordinator got."""
    network = acting_user().network
    form = RedeemForm()
    if not form.validate_on_submit():
        return page(network, status=400, redeem_form=form)
    try:
        peer = redeem_invitation(network, form.url.data or "", form.code.data or "")
    except PeerError as error:
        db.session.rollback()
        (form.url if error.field == "url" else form.code).errors = [str(error)]
        return page(network, status=400, redeem_form=form)
    db.session.commit()
    flash(_("Linked with %(name)s.", name=peer.name), "success")
    return redirect(url_for("solidarity.index"))
from casework.solidarity import appeal_views  # noqa: E402,F401 - routes on this blueprint
