"""Recording the fight's facts from the case page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from casework.errors import PermissionDenied, StaleCase
from casework.extensions import db
from casework.fight import forms
from casework.fight import services as record
from casework.fight.retaliation import open_retaliation_case
from casework.forms import ActionForm, options
from casework.models import (
    CASE_TEAM_ROLES,
    STAFF_ROLES,
    Case,
    ConsentMethod,
    ConsentSubject,
    ContactChannel,
    DecisionKind,
    Demand,
    DemandKind,
    TargetContact,
)
from casework.permissions import acting_user, load_case, roles_required
from casework.workflow.deadlines import correct_delivery_date
from casework.workflow.form_data import local_to_utc

bp = Blueprint("fight", __name__, url_prefix="/cases/<int:case_id>")

Outcome = Response | tuple[str, int]


def save(case: Case, form: FlaskForm, title: str, anchor: str,
         change: Callable[[], Any], done: str) -> Outcome:
    """The shared shape of a record view: validate, change, commit, or show what is wrong."""
    if form.validate_on_submit():
        try:
            change()
            db.session.commit()
        except record.RecordRefused as error:
            db.session.rollback()
            field = getattr(form, error.field, None) if error.field else None
            (field.errors if field is not None else form.form_errors).append(str(error))
        except (StaleCase, StaleDataError):
            db.session.rollback()
            form.form_errors.append(str(StaleCase()))
            return render_template("fight/form_page.html", case=case, form=form,
                                   title=title, anchor=anchor), 409
        except PermissionDenied:
            abort(403)
        else:
            flash(done, "success")
            return redirect(url_for("cases.show", case_id=case.id, _anchor=anchor))
    return render_template("fight/form_page.html", case=case, form=form, title=title,
                           anchor=anchor), 400


@bp.route("/screening", methods=["POST"])
@roles_required(*STAFF_ROLES)
def screening(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = forms.ScreeningForm()
    return save(case, form, "Screening notes", "screening", lambda: record.save_screening(
        case, acting_user(), form.screening_notes.data or "", form.winnability_notes.data or ""),
        "Screening notes saved.")


@bp.route("/decisions", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def decision(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = forms.DecisionForm()
    form.offer_id.choices = offer_choices(case)

    def change() -> None:
        data = form.data
        record.record_decision(case, acting_user(), record.DecisionInput(
            kind=DecisionKind(data["kind"]), meeting_on=data["meeting_on"],
            proposal=data["proposal"], votes_for=data["votes_for"],
            votes_against=data["votes_against"], votes_abstain=data["votes_abstain"],
            offer_id=int(data["offer_id"]) if data["offer_id"] else None))

    return save(case, form, "Meeting decision", "decisions", change, "Decision recorded.")


@bp.route("/consents", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def consent(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = forms.ConsentForm(prefix=forms.CONSENT_PREFIX)
    form.offer_id.choices = offer_choices(case)

    def change() -> None:
        subject = ConsentSubject(form.subject.data)
        record.record_consent(case, acting_user(), record.ConsentInput(
            subject=subject, given_on=form.given_on.data, method=ConsentMethod(form.method.data),
            consented_to=form.consented_to.data or "", note=form.note.data or "",
            offer_id=int(form.offer_id.data)
            if subject == ConsentSubject.OFFER and form.offer_id.data else None))

    return save(case, form, "The member's consent", "consent", change, "Consent recorded.")


@bp.route("/demands", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def demand(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = forms.DemandForm()
    return save(case, form, "Add a demand", "demands", lambda: record.add_demand(
        case, acting_user(), DemandKind(form.kind.data), form.description.data or "",
        form.amount.data, form.calculation.data or ""), "Demand added.")


@bp.route("/demands/<int:demand_id>/delete", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def delete_demand(case_id: int, demand_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    item = db.session.scalars(select(Demand).where(Demand.id == demand_id,
                                                   Demand.case_id == case.id)).one_or_none()
    if item is None:
        abort(404)
    return save(case, ActionForm(), "Remove a demand", "demands",
                lambda: record.remove_demand(item, case, acting_user()), "Demand removed.")


@bp.route("/deadline-rule", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def deadline_rule(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = forms.DeadlineRuleForm()
    return save(case, form, "Deadline rule", "demands", lambda: record.set_deadline_rule(
        case, acting_user(), int(form.deadline_days.data or 14), form.planned_delivery_on.data),
        "Deadline rule saved.")


@bp.route("/contacts", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def contact(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = forms.ContactForm()

    def change() -> None:
        record.log_contact(case, acting_user(), record.ContactInput(
            happened_at=local_to_utc(form.happened_at.data, case.network),
            channel=ContactChannel(form.channel.data), summary=form.summary.data or "",
            is_offer=bool(form.is_offer.data), offer_amount=form.offer_amount.data,
            offer_conditions=form.offer_conditions.data or ""))

    return save(case, form, "Contact from the target", "contacts", change, "Contact logged.")


@bp.route("/contacts/<int:contact_id>/<any(accept, reject):verdict>", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def decide_offer(case_id: int, contact_id: int, verdict: str) -> Outcome:
    case = load_case(case_id, edit=True)
    offer = db.session.scalars(select(TargetContact).where(
        TargetContact.id == contact_id, TargetContact.case_id == case.id)).one_or_none()
    if offer is None:
        abort(404)
    return save(case, ActionForm(), "Decide on the offer", "contacts",
                lambda: record.decide_offer(offer, case, acting_user(), verdict == "accept"),
                f"Offer {verdict}ed.")


@bp.route("/delivery-date", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def delivery_date(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = forms.DeliveryDateForm()
    return save(case, form, "Correct the delivery date", "delivery",
                lambda: correct_delivery_date(
                    case.id, acting_user(),
                    local_to_utc(form.delivered_at.data, case.network),
                    form.version.data or 0),
                "Delivery date corrected: the deadline and its tasks moved.")


@bp.route("/notes", methods=["POST"])
@roles_required(*STAFF_ROLES)
def note(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = forms.NoteForm()
    return save(case, form, "Add a note", "timeline",
                lambda: record.add_note(case, acting_user(), form.note.data or ""), "Note added.")


@bp.route("/retaliation", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def retaliation(case_id: int) -> Response:
    case = load_case(case_id, edit=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        new_case = open_retaliation_case(case, acting_user())
    except PermissionDenied:
        abort(403)
    except record.RecordRefused as error:
        flash(str(error), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    db.session.commit()
    flash(f"Retaliation case {new_case.reference} opened, linked to {case.reference}.",
          "success")
    return redirect(url_for("cases.show", case_id=new_case.id))


def offer_choices(case: Case) -> list[Any]:
    """The case's offers, for a decision about one."""
    offers = [c for c in case.contacts if c.is_offer]
    return options([("", "No offer"), *((str(o.id), f"Offer of {o.offer_amount or '—'}")
                                        for o in offers)])

