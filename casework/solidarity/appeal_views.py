"""Appeals from a fight, their answers, and forwarding a joined fight's contacts (DESIGN.md
§8). Routes on the solidarity blueprint; the Solidarity page lists the appeals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from casework.errors import PermissionDenied
from casework.extensions import db
from casework.formatting import local_date, local_datetime, money
from casework.forms import ActionForm
from casework.models import ActionKind, Appeal, AppealKind, Case, Network, Role, User
from casework.permissions import acting_user, load_case, roles_required
from casework.solidarity import outbox
from casework.solidarity.appeals import (
    AppealError,
    AppealInput,
    broken_links,
    forward_contact_note,
    joint_problems,
    linked_peers,
    may_appeal,
    save_strategy,
    send_appeal,
    sent_appeals,
)
from casework.solidarity.forms import (
    AnswerForm,
    AppealForm,
    ForwardForm,
    ReportForm,
    StrategyForm,
)
from casework.solidarity.joint import (
    ActionReport,
    action_text,
    answer_appeal,
    get_received,
    may_answer,
    report_one_off,
)
from casework.solidarity.views import bp
from casework.system_text import shown
from casework.workflow.form_data import local_to_utc

Page = BaseResponse | tuple[str, int]


def appealing_case(case_id: int) -> Case:
    """A fight of the user's network they may ask other networks about (404/403)."""
    case = load_case(case_id, edit=True)
    if case.is_joined:
        abort(404)
    if not may_appeal(case, acting_user()):
        abort(403)
    return case


def fight_page(case: Case, *, status: int = 200, **forms: Any) -> tuple[str, int]:
    appeal_form = forms.get("appeal_form") or AppealForm()
    appeal_form.peer_ids.choices = [(p.id, p.name) for p in linked_peers(case.network)]
    strategy_form = forms.get("strategy_form") or StrategyForm(
        data={"strategy": case.strategy, "end_conditions": case.end_conditions})
    return render_template("solidarity/fight.html", case=case, appeal_form=appeal_form,
                           strategy_form=strategy_form, appeals=sent_appeals(case),
                           joint_problems=joint_problems(case)), status


@bp.get("/fights/<int:case_id>")
@roles_required(Role.ORGANIZER, Role.COORDINATOR)
def fight(case_id: int) -> tuple[str, int]:
    """Ask linked networks for a one-off action, or to join the fight; their answers."""
    return fight_page(appealing_case(case_id))


def deliver_now(case: Case) -> None:
    outbox.deliver_due(network_id=case.network_id)


@bp.post("/fights/<int:case_id>/strategy")
@roles_required(Role.ORGANIZER, Role.COORDINATOR)
def strategy(case_id: int) -> Page:
    case = appealing_case(case_id)
    form = StrategyForm()
    if not form.validate_on_submit():
        return fight_page(case, status=400, strategy_form=form)
    save_strategy(case, acting_user(), form.strategy.data or "", form.end_conditions.data or "")
    db.session.commit()
    deliver_now(case)
    flash(_("Strategy and end conditions saved."), "success")
    return redirect(url_for("solidarity.fight", case_id=case_id))


@bp.post("/fights/<int:case_id>/appeals")
@roles_required(Role.ORGANIZER, Role.COORDINATOR)
def appeal(case_id: int) -> Page:
    case = appealing_case(case_id)
    form = AppealForm()
    form.peer_ids.choices = [(p.id, p.name) for p in linked_peers(case.network)]
    if not form.validate_on_submit():
        return fight_page(case, status=400, appeal_form=form)
    when = form.when.data
    try:
        sent = send_appeal(case, acting_user(), AppealInput(
            kind=AppealKind(form.kind.data), peer_ids=list(form.peer_ids.data or []),
            ask=form.ask.data or "", why=form.why.data or "",
            action_kind=form.action_kind.data or "", place=form.place.data or "",
            when=local_to_utc(when, case.network) if when else None))
    except AppealError as error:
        db.session.rollback()
        getattr(form, error.field or "ask").errors = [str(error)]
        return fight_page(case, status=400, appeal_form=form)
    db.session.commit()
    deliver_now(case)
    flash(_("Appeal sent to %(names)s.", names=", ".join(a.peer.name for a in sent)),
          "success")
    return redirect(url_for("solidarity.fight", case_id=case_id))


def answerable(appeal_id: int) -> tuple[User, Network, Appeal]:
    """The user, their network and its received appeal they may answer (403/404)."""
    user = acting_user()
    network = user.network
    if not may_answer(network, user):
        abort(403)
    appeal = get_received(network, appeal_id)
    if appeal is None:
        abort(404)
    return user, network, appeal


@bp.post("/appeals/<int:appeal_id>/answer")
@roles_required(Role.ORGANIZER, Role.COORDINATOR)
def answer(appeal_id: int) -> Page:
    """Accept or decline an appeal (coordinators and the appeals delegate)."""
    from casework.solidarity.views import page

    user, network, appeal = answerable(appeal_id)
    form = AnswerForm(prefix=f"appeal-{appeal.id}")
    if not form.validate_on_submit():
        return page(network, status=400, answer_forms={appeal.id: form})
    accept = form.verdict.data == "accept"
    try:
        linked = answer_appeal(appeal, user, accept, form.note.data or "", form.offer.data or "")
    except (AppealError, PermissionDenied) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("solidarity.index"))
    db.session.commit()
    outbox.deliver_due(network_id=network.id)
    if linked is not None:
        flash(_("You joined the fight. It is %(reference)s: plan your own actions there.",
                reference=linked.reference), "success")
        return redirect(url_for("cases.show", case_id=linked.id))
    flash(_("Appeal accepted.") if accept else _("Appeal declined."), "success")
    return redirect(url_for("solidarity.index"))


@bp.post("/appeals/<int:appeal_id>/report")
@roles_required(Role.ORGANIZER, Role.COORDINATOR)
def report(appeal_id: int) -> Page:
    """Tell the network that asked how the one-off action went."""
    from casework.solidarity.views import page

    user, network, appeal = answerable(appeal_id)
    form = ReportForm(prefix=f"report-{appeal.id}")
    if not form.validate_on_submit():
        return page(network, status=400, report_forms={appeal.id: form})
    try:
        report_one_off(appeal, user, ActionReport(
            done_on=form.done_on.data or date.today(), place=form.place.data or "",
            turnout=form.turnout.data, result=form.result.data or ""))
    except (AppealError, PermissionDenied) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("solidarity.index"))
    db.session.commit()
    outbox.deliver_due(network_id=network.id)
    flash(_("Sent to %(network)s.", network=appeal.peer.name), "success")
    return redirect(url_for("solidarity.index", _anchor=f"appeal-{appeal.id}"))


@bp.route("/fights/<int:case_id>/forward", methods=["GET", "POST"])
@roles_required(Role.ORGANIZER, Role.COORDINATOR)
def forward(case_id: int) -> Page:
    """A joined fight logs no contacts from the target: they go to the network leading it."""
    case = load_case(case_id, edit=True)
    if not case.is_joined:
        abort(404)
    form = ForwardForm()
    page = {"case": case, "form": form, "action_form": ActionForm(),
            "broken_links": broken_links(case)}
    if not form.validate_on_submit():
        return render_template("solidarity/forward.html", **page), \
            400 if form.is_submitted() else 200
    try:
        forward_contact_note(case, acting_user(), form.note.data or "")
    except PermissionDenied:
        db.session.rollback()
        abort(403)
    except AppealError as error:  # the link with the leading network is suspended or ended
        db.session.rollback()
        form.note.errors = [*form.note.errors, str(error)]
        return render_template("solidarity/forward.html", **page), 400
    db.session.commit()
    deliver_now(case)
    flash(_("Sent to %(network)s.", network=case.joint_with), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.context_processor
def terms_helpers() -> dict[str, Any]:
    """Reading an appeal's terms (plain JSON values) in the templates."""
    return {"action_kind_label": action_kind_label, "terms_money": terms_money,
            "terms_day": terms_day, "terms_moment": terms_moment, "report_line": report_line}


def report_line(report: dict[str, Any]) -> str:
    """A one-off action's report as the timeline says it, in the reader's language."""
    msgid, values = action_text(report)
    return shown(msgid, values)


def action_kind_label(value: Any) -> str:
    return ActionKind(value).label if value in ActionKind._value2member_map_ else "—"


def terms_money(value: Any) -> str:
    try:
        return money(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return ""


def terms_day(value: Any) -> str:
    try:
        return local_date(date.fromisoformat(str(value)))
    except ValueError:
        return ""


def terms_moment(value: Any) -> str:
    try:
        return local_datetime(datetime.fromisoformat(str(value)))
    except ValueError:
        return ""
