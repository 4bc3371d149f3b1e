"""Letters pages: drafts and previews, approval, review, frozen downloads, the week's print."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from casework.clock import network_today
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.formatting import local_date
from casework.forms import ActionForm
from casework.kept_pages import keep_page
from casework.letters import services
from casework.letters.context import LetterKind
from casework.letters.due import MAX_LISTED, DuePrint, letters_due
from casework.letters.fetcher import ASSETS_DIR
from casework.letters.forms import (
    KIND_LABELS,
    LANGUAGE_LABELS,
    ApproveVersionForm,
    LetterTextsForm,
    NewLetterForm,
    PlannedDateForm,
    ReviewVersionForm,
    letter_language,
    letter_status,
    letter_texts_form,
    review_label,
    texts_of,
)
from casework.models import CASE_TEAM_ROLES, STAFF_ROLES, Case, Letter, LetterVersion, Role
from casework.permissions import acting_user, load_case, roles_required
from casework.privacy.gone import purged_page

bp = Blueprint("letters", __name__)
for helper in (letter_language, letter_status, review_label):
    bp.add_app_template_global(helper)


def load_letter(letter_id: int) -> tuple[Letter, Case]:
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        abort(404)
    return letter, load_case(letter.case_id, full_record=True)


def load_version(version_id: int) -> tuple[LetterVersion, Case]:
    version = db.session.get(LetterVersion, version_id)
    if version is None:
        abort(404)
    return version, load_case(version.letter.case_id, full_record=True)


@bp.route("/cases/<int:case_id>/letters", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@keep_page
def index(case_id: int) -> BaseResponse | tuple[str, int] | str:
    case = load_case(case_id, full_record=True)
    form = NewLetterForm()
    if case.is_joined:  # letters to the target are the leading network's
        form.kind.choices = [(LetterKind.LEAFLET.value, KIND_LABELS[LetterKind.LEAFLET])]
        form.kind.description = _("All communication with the target goes through "
                                  "%(network)s: a joined fight makes leaflets only.",
                                  network=case.joint_with)
        # It has no member whose language to follow: its own default, named.
        default = services.letter_language(case)
        form.language.choices = [("", LANGUAGE_LABELS[default]), *(
            (code, label) for code, label in LANGUAGE_LABELS.items() if code != default)]
    if form.validate_on_submit():
        try:
            letter = services.create_letter(case, acting_user(), LetterKind(form.kind.data),
                                            form.language.data or None)
        except PermissionDenied:
            abort(403)
        except services.LetterRefused as error:
            db.session.rollback()
            form[error.field or "kind"].errors = [str(error)]
            return letters_page(case, form), 400
        db.session.commit()
        flash(_("%(kind)s started: version 1 is a draft.", kind=KIND_LABELS[letter.kind]),
              "success")
        return redirect(url_for("letters.show", letter_id=letter.id))
    return letters_page(case, form), 400 if form.errors else 200


def letters_page(case: Case, form: NewLetterForm) -> str:
    letters = db.session.scalars(select(Letter).where(Letter.case_id == case.id)
                                 .order_by(Letter.id)).all()
    return render_template("letters_ui/index.html", case=case, letters=letters, form=form,
                           labels=KIND_LABELS)


@bp.route("/letters/<int:letter_id>", methods=["GET"])
@roles_required(*STAFF_ROLES)
def show(letter_id: int) -> str:
    letter, case = load_letter(letter_id)
    latest = letter.latest
    texts = letter_texts_form(letter, services.version_texts(latest) if latest else {},
                              formdata=None)
    return letter_page(letter, case, texts)


def letter_page(letter: Letter, case: Case, texts_form: LetterTextsForm) -> str:
    latest = letter.latest
    draft = latest is not None and not latest.is_approved and not latest.is_purged
    return render_template(
        "letters_ui/show.html", letter=letter, case=case, labels=KIND_LABELS,
        texts_form=texts_form, approve_form=ApproveVersionForm(formdata=None),
        review_form=ReviewVersionForm(formdata=None), action_form=ActionForm(),
        can_work=case.can_move(acting_user()), user=acting_user(),
        missing=services.missing_texts(latest) if draft and latest else {},
        reviews_missing=services.reviews_missing(latest) if latest and latest.is_approved
        else "")


@bp.route("/letters/<int:letter_id>/versions", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def new_version(letter_id: int) -> BaseResponse | tuple[str, int]:
    """Save the letter's texts: into its draft, or as a new draft after an approved version."""
    letter, case = load_letter(letter_id)
    latest = letter.latest
    form = letter_texts_form(letter, services.version_texts(latest) if latest else {})
    if not form.validate_on_submit():
        return letter_page(letter, case, form), 400
    try:
        version = services.save_texts(letter, acting_user(), texts_of(form, letter))
    except PermissionDenied:
        abort(403)
    except services.LetterRefused as error:
        db.session.rollback()
        field = form[error.field] if error.field and error.field in form else None
        (field.errors if field is not None else form.form_errors).append(str(error))
        return letter_page(letter, case, form), 400
    db.session.commit()
    flash(_("Draft version %(number)s saved.", number=version.number), "success")
    return redirect(url_for("letters.show", letter_id=letter.id))


@bp.route("/letters/versions/<int:version_id>/approve", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def approve(version_id: int) -> BaseResponse:
    version, _case = load_version(version_id)
    form = ApproveVersionForm()
    if form.validate_on_submit():
        return apply(version, lambda: services.approve_version(
            version, acting_user(), form.member_note.data or ""),
            _("Version %(number)s approved: its text is kept as approved.",
              number=version.number))
    flash(" ".join(sum(form.errors.values(), [])), "error")
    return redirect(url_for("letters.show", letter_id=version.letter_id))


@bp.route("/letters/versions/<int:version_id>/review", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def review(version_id: int) -> BaseResponse:
    version, _case = load_version(version_id)
    form = ReviewVersionForm()
    if form.validate_on_submit():
        return apply(version, lambda: services.review_version(
            version, acting_user(), form.passed.data == "yes", form.note.data or ""),
            _("Review recorded."))
    flash(_("Choose passed or rejected."), "error")
    return redirect(url_for("letters.show", letter_id=version.letter_id))


@bp.route("/letters/versions/<int:version_id>/freeze", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def freeze(version_id: int) -> BaseResponse:
    version, case = load_version(version_id)
    if version.letter.kind == LetterKind.DEMAND:
        flash(_("A demand letter is frozen when its delivery is recorded (the Deliver move)."),
              "error")
        return redirect(url_for("letters.show", letter_id=version.letter_id))
    ActionForm().validate_on_submit()
    return apply(version, lambda: services.freeze_version(
        version, acting_user(), network_today(case.network), case.deadline_on),
        _("Version %(number)s frozen as sent: it will always download exactly as now.",
          number=version.number))


def apply(version: LetterVersion, change: Callable[[], None], done: str) -> BaseResponse:
    """Run a letter change, commit, and come back to the letter page with the outcome."""
    try:
        change()
        db.session.commit()
        flash(done, "success")
    except services.LetterRefused as error:
        db.session.rollback()
        flash(str(error), "error")
    except PermissionDenied:
        abort(403)
    return redirect(url_for("letters.show", letter_id=version.letter_id))


@bp.route("/letters/versions/<int:version_id>/preview")
@roles_required(*STAFF_ROLES)
def preview(version_id: int) -> Response | tuple[str, int]:
    """The letter as HTML, from the same template and data as its PDF."""
    from casework.letters.rendering import render_html

    version, _case = load_version(version_id)
    if version.purged_at is not None:
        return purged_letter(version, version.purged_at)
    html = render_html(services.context_of(version),
                       stylesheet_href=url_for("letters.asset", name="letter.css"))
    return Response(html, mimetype="text/html")


@bp.route("/letters/versions/<int:version_id>/pdf")
@roles_required(*STAFF_ROLES)
def pdf(version_id: int) -> BaseResponse | tuple[str, int]:
    version, case = load_version(version_id)
    if version.purged_at is not None:  # never re-rendered from the purged case
        return purged_letter(version, version.purged_at)
    if version.is_frozen and version.pdf is not None:
        body = version.pdf
    else:
        from casework.letters.rendering import LetterTooLong, RendererBusy, render_pdf

        try:
            body = render_pdf(services.context_of(version))
        except (LetterTooLong, RendererBusy) as error:
            flash(str(error), "error")
            return redirect(url_for("letters.show", letter_id=version.letter_id))
    response = Response(body, mimetype="application/pdf")
    name = f"{case.reference}-{version.letter.kind.value}-v{version.number}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    if version.sha256:
        response.set_etag(version.sha256)
    return response


def purged_letter(version: LetterVersion, purged_at: datetime) -> tuple[str, int]:
    return purged_page(_("Version %(number)s of this letter", number=version.number),
                       purged_at,
                       url_for("letters.show", letter_id=version.letter_id))


@bp.route("/letters/assets/<path:name>")
@roles_required(*STAFF_ROLES)
def asset(name: str) -> Response:
    """The letter stylesheet and fonts, for the HTML preview."""
    return send_from_directory(ASSETS_DIR, name, max_age=3600)


@bp.route("/letters/due", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
@keep_page
def due() -> BaseResponse | str:
    """The letters to print: list them, and on POST download them all as one PDF."""
    from casework.letters.batch import render_combined
    from casework.letters.rendering import LetterTooLong, RendererBusy

    network = acting_user().network
    found = letters_due(network, network_today(network))
    form = ActionForm()
    if form.validate_on_submit() and found.all_letters:
        try:
            body = render_combined([d.context for d in found.all_letters])
        except (LetterTooLong, RendererBusy) as error:
            flash(str(error), "error")
            return redirect(url_for("letters.due"))
        response = Response(body, mimetype="application/pdf")
        name = f"{network.code}-letters-due-{network_today(network).isoformat()}.pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return due_page(found, form)


def due_page(found: DuePrint, form: ActionForm,
             failed: tuple[int, PlannedDateForm] | None = None) -> str:
    """The print page; ``failed`` is the date form (of a case) that came back with errors."""
    date_forms = {
        d.case_id: PlannedDateForm(formdata=None, prefix=f"case{d.case_id}",
                                   data={"planned_on": d.planned_on})
        for d in found.all_letters if d.kind == LetterKind.DEMAND}
    problems: list[str] = []
    if failed is not None:
        if failed[0] in date_forms:
            date_forms[failed[0]] = failed[1]
        else:  # no longer listed (delivered, say): say why at the top of the page
            problems = [str(error) for error in failed[1].planned_on.errors]
    return render_template("letters_ui/due.html", found=found, form=form,
                           date_forms=date_forms, problems=problems, kind_labels=KIND_LABELS,
                           max_listed=MAX_LISTED)


@bp.route("/letters/due/cases/<int:case_id>/planned-date", methods=["POST"])
@roles_required(Role.COORDINATOR)
def plan_delivery(case_id: int) -> BaseResponse | tuple[str, int]:
    """Set or change the day a fight's demand letter is to be delivered (until delivery)."""
    case = load_case(case_id, full_record=True)
    form = PlannedDateForm(prefix=f"case{case.id}")
    if form.validate_on_submit() and form.planned_on.data is not None:
        try:
            services.plan_delivery(case, acting_user(), form.planned_on.data)
            db.session.commit()
            flash(_("%(reference)s: delivery planned for %(day)s.", reference=case.reference,
                    day=local_date(form.planned_on.data)), "success")
            return redirect(url_for("letters.due"))
        except PermissionDenied:
            abort(403)
        except services.LetterRefused as error:
            db.session.rollback()
            form.planned_on.errors = [*form.planned_on.errors, str(error)]
    network = acting_user().network
    found = letters_due(network, network_today(network))
    return due_page(found, ActionForm(), (case.id, form)), 400
