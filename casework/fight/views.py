"""Recording the fight's facts from the case page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from casework.clock import network_today, zone_of
from casework.errors import PermissionDenied, StaleCase
from casework.extensions import db
from casework.fight import forms
from casework.fight import services as record
from casework.fight.retaliation import open_retaliation_case
from casework.formatting import money
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
    OfferStatus,
    TargetContact,
)
from casework.permissions import acting_user, load_case, roles_required
from casework.workflow.deadlines import correct_delivery_date
from casework.workflow.form_data import local_to_utc

bp = Blueprint("fight", __name__, url_prefix="/cases/<int:case_id>")

Outcome = Response | tuple[str, int] | str


F = TypeVar("F", bound=FlaskForm)


def blank_or_sent(form_class: type[F], **filled: Any) -> F:
    """The form as sent (POST), or, to show it on its own page (GET), filled with ``filled``:
    on a POST those values must not stand in for fields the browser left out."""
    prefix = filled.pop("prefix", "")
    if request.method == "GET":
        return form_class(formdata=None, prefix=prefix, **filled)
    return form_class(prefix=prefix)


def save(case: Case, form: FlaskForm, title: str, anchor: str,
         change: Callable[[], Any], done: str, then: str | None = None,
         submit: str | None = None) -> Outcome:
    """The shared shape of a record view: show the form, validate, change, commit, or show
    what is wrong.

    The case page links to each record's form on its own page (GET), so that it does not
    build and render a dozen forms on every view; a GET of a button's route (back or reload
    after it) leads to the case page, and a refused button says why there.
    """
    back = url_for("cases.show", case_id=case.id, _anchor=anchor)
    submit = submit or _("Save")
    is_button = isinstance(form, ActionForm)
    if request.method == "GET":
        if is_button:
            return redirect(back)
        return render_template("fight/form_page.html", case=case, form=form, title=title,
                               anchor=anchor, submit=submit)
    if form.validate_on_submit():
        try:
            change()
            db.session.commit()
        except record.RecordRefused as error:
            db.session.rollback()
            if is_button:
                flash(str(error), "error")
                return redirect(back)
            field = getattr(form, error.field, None) if error.field else None
            (field.errors if field is not None else form.form_errors).append(str(error))
        except (StaleCase, StaleDataError):
            db.session.rollback()
            if is_button:
                flash(str(StaleCase()), "error")
                return redirect(back)
            form.form_errors.append(str(StaleCase()))
            return render_template("fight/form_page.html", case=case, form=form,
                                   title=title, anchor=anchor, submit=submit), 409
        except PermissionDenied:
            abort(403)
        else:
            flash(done, "success")
            return redirect(then or back)
    return render_template("fight/form_page.html", case=case, form=form, title=title,
                           anchor=anchor, submit=submit), 400


@bp.route("/screening", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def screening(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = blank_or_sent(forms.ScreeningForm, obj=case)
    return save(case, form, _("Screening notes"), "screening", lambda: record.save_screening(
        case, acting_user(), form.screening_notes.data or "", form.winnability_notes.data or ""),
        _("Screening notes saved."), submit=_("Save screening notes"))


@bp.route("/decisions", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def decision(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = blank_or_sent(forms.DecisionForm, meeting_on=network_today(case.network))
    form.offer_id.choices = offer_choices(case)

    def change() -> None:
        data = form.data
        record.record_decision(case, acting_user(), record.DecisionInput(
            kind=DecisionKind(data["kind"]), meeting_on=data["meeting_on"],
            proposal=data["proposal"], votes_for=data["votes_for"],
            votes_against=data["votes_against"], votes_abstain=data["votes_abstain"],
            offer_id=int(data["offer_id"]) if data["offer_id"] else None))

    offer_id = str(form.offer_id.data or "")
    about_offer = form.kind.data == DecisionKind.ACCEPT_OFFER.value and offer_id.isascii() \
        and offer_id.isdigit()
    then = url_for("fight.offer_decision", case_id=case.id,  # on to accepting it
                   contact_id=int(offer_id)) if about_offer else None
    return save(case, form, _("Meeting decision"), "decisions", change, _("Decision recorded."),
                then, submit=_("Record decision"))


@bp.route("/consents", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def consent(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = blank_or_sent(forms.ConsentForm, prefix=forms.CONSENT_PREFIX,
                         given_on=network_today(case.network))
    form.offer_id.choices = offer_choices(case)

    def change() -> None:
        subject = ConsentSubject(form.subject.data)
        record.record_consent(case, acting_user(), record.ConsentInput(
            subject=subject, given_on=form.given_on.data, method=ConsentMethod(form.method.data),
            consented_to=form.consented_to.data or "", note=form.note.data or "",
            offer_id=int(form.offer_id.data)
            if subject == ConsentSubject.OFFER and form.offer_id.data else None))

    return save(case, form, _("The member's consent"), "consent", change,
                _("Consent recorded."), submit=_("Record consent"))


@bp.route("/demands", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def demand(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = blank_or_sent(forms.DemandForm)
    return save(case, form, _("Add a demand"), "demands", lambda: record.add_demand(
        case, acting_user(), DemandKind(form.kind.data), form.description.data or "",
        form.amount.data, form.calculation.data or ""), _("Demand added."),
        submit=_("Add demand"))


@bp.route("/demands/<int:demand_id>/delete", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def delete_demand(case_id: int, demand_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    item = db.session.scalars(select(Demand).where(Demand.id == demand_id,
                                                   Demand.case_id == case.id)).one_or_none()
    if item is None:
        abort(404)
    return save(case, ActionForm(), _("Remove a demand"), "demands",
                lambda: record.remove_demand(item, case, acting_user()), _("Demand removed."))


@bp.route("/deadline-rule", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def deadline_rule(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    default_days = case.network.default_deadline_days
    form = blank_or_sent(forms.DeadlineRuleForm,
                         deadline_days=str(case.deadline_days or default_days),
                         planned_delivery_on=case.planned_delivery_on)
    form.deadline_days.choices = forms.deadline_choices(default_days, case.deadline_days)
    return save(case, form, _("Deadline rule and planned delivery"), "demands",
                lambda: record.set_deadline_rule(case, acting_user(),
                                                 int(form.deadline_days.data or default_days),
                                                 form.planned_delivery_on.data),
                _("Deadline rule saved."), submit=_("Save deadline rule"))


@bp.route("/contacts", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def contact(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    if case.is_joined:  # one voice to the target: the network leading the fight's
        return redirect(url_for("solidarity.forward", case_id=case.id))
    form = blank_or_sent(forms.ContactForm)

    def change() -> None:
        record.log_contact(case, acting_user(), record.ContactInput(
            happened_at=local_to_utc(form.happened_at.data, case.network),
            channel=ContactChannel(form.channel.data), summary=form.summary.data or "",
            is_offer=bool(form.is_offer.data), offer_amount=form.offer_amount.data,
            offer_conditions=form.offer_conditions.data or ""))

    return save(case, form, _("Contact from the target"), "contacts", change,
                _("Contact logged."), submit=_("Log contact"))


@bp.route("/contacts/<int:contact_id>/<any(accept, reject):verdict>", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def decide_offer(case_id: int, contact_id: int, verdict: str) -> Outcome:
    case = load_case(case_id, edit=True)
    offer = load_offer(case, contact_id)
    if request.method == "GET":  # back or reload after the button: nothing to show here
        return redirect(url_for("cases.show", case_id=case.id, _anchor="contacts"))
    if (verdict == "accept" and ActionForm().validate_on_submit()
            and offer.offer_status == OfferStatus.OPEN
            and not record.offer_agreement(offer, case).can_accept):
        return redirect(url_for("fight.offer_decision", case_id=case.id, contact_id=offer.id))
    return save(case, ActionForm(), _("Decide on the offer"), "contacts",
                lambda: record.decide_offer(offer, case, acting_user(), verdict == "accept"),
                _("Offer accepted.") if verdict == "accept" else _("Offer rejected."))


@bp.route("/contacts/<int:contact_id>/decision")
@roles_required(*CASE_TEAM_ROLES)
def offer_decision(case_id: int, contact_id: int) -> Response | str:
    """What accepting an offer with conditions or below the claim needs, and the form for it."""
    case = load_case(case_id, edit=True)
    offer = load_offer(case, contact_id)
    if offer.offer_status != OfferStatus.OPEN:
        return redirect(url_for("cases.show", case_id=case.id, _anchor="contacts"))
    form = forms.DecisionForm(
        formdata=None, kind=DecisionKind.ACCEPT_OFFER.value, offer_id=str(offer.id),
        meeting_on=network_today(case.network), proposal=offer_proposal(offer))
    form.offer_id.choices = offer_choices(case)
    return render_template("fight/offer_decision.html", case=case, offer=offer, form=form,
                           agreement=record.offer_agreement(offer, case),
                           action_form=ActionForm())


def load_offer(case: Case, contact_id: int) -> TargetContact:
    """One of the case's contacts from the target (404 if it is not on this case)."""
    offer = db.session.scalars(select(TargetContact).where(
        TargetContact.id == contact_id, TargetContact.case_id == case.id)).one_or_none()
    if offer is None:
        abort(404)
    return offer


def offer_proposal(offer: TargetContact) -> str:
    """The proposal a meeting votes on, in words: accept this offer, with its conditions."""
    amount = money(offer.offer_amount) if offer.offer_amount is not None else ""
    conditions = offer.offer_conditions.strip()
    if amount and conditions:
        return _("Accept the offer of %(amount)s with these conditions: %(conditions)s",
                 amount=amount, conditions=conditions)
    if amount:
        return _("Accept the offer of %(amount)s", amount=amount)
    if conditions:
        return _("Accept the offer with these conditions: %(conditions)s",
                 conditions=conditions)
    return _("Accept the offer")


@bp.route("/delivery-date", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def delivery_date(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = blank_or_sent(forms.DeliveryDateForm, version=case.version)
    if request.method == "GET" and case.delivery:
        # The form shows wall-clock time where the network is, as the user typed it.
        local = case.delivery.delivered_at.astimezone(zone_of(case.network))
        form.delivered_at.data = local.replace(tzinfo=None)
    return save(case, form, _("Correct the delivery date"), "delivery",
                lambda: correct_delivery_date(
                    case.id, acting_user(),
                    local_to_utc(form.delivered_at.data, case.network),
                    form.version.data or 0),
                _("Delivery date corrected: the deadline and its tasks moved."),
                submit=_("Correct date"))


@bp.route("/notes", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def note(case_id: int) -> Outcome:
    case = load_case(case_id, edit=True)
    form = blank_or_sent(forms.NoteForm)
    return save(case, form, _("Add a note"), "timeline",
                lambda: record.add_note(case, acting_user(), form.note.data or ""),
                _("Note added."), submit=_("Add note"))


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
    flash(_("Retaliation case %(new)s opened, linked to %(old)s.", new=new_case.reference,
            old=case.reference), "success")
    return redirect(url_for("cases.show", case_id=new_case.id))


def offer_choices(case: Case) -> list[Any]:
    """The case's offers, for a decision about one."""
    offers = [c for c in case.contacts if c.is_offer]
    return options([("", _("No offer")), *((str(o.id), _("Offer of %(amount)s",
                                                         amount=o.offer_amount or "—"))
                                           for o in offers)])

