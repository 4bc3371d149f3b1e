"""Importing a spreadsheet of people: upload, preview (errors and duplicates), confirm.

Between the preview and the confirmation the file waits on the server (``pending``),
named by a token kept in the uploader's session; the confirmation reads it again, checks
it against the people as they are then, and imports all of it or nothing. Both read it
as the importer: someone they could not edit by hand is never offered as a match.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from casework.extensions import db
from casework.forms import ActionForm
from casework.ids import page_number
from casework.models import CASE_TEAM_ROLES, Person
from casework.people import csv_import
from casework.people.csv_import import ImportRefused, ParsedFile, decision_values
from casework.people.forms import ImportConfirmForm, ImportUploadForm, confirm_form
from casework.people.pending import PendingImports, fingerprint
from casework.people.views import bp
from casework.permissions import acting_user, roles_required

IMPORT_KEY = "people_import"
# The preview's "Columns read" line: which field each column gives.
COLUMN_LABELS = {
    "name": _l("name"), "first_name": _l("first name"), "last_name": _l("last name"),
    "phone": _l("phone"), "email": _l("email"), "languages": _l("languages"),
    "tier": _l("tier"), "sms_consent": _l("sms consent"), "email_consent": _l("email consent"),
    "safe_contact_notes": _l("safe contact notes"),
}
ACCEPT = ".csv,.txt,text/csv,text/plain"
# A 5,000-row preview in one page is 1.4 MB of HTML: errors and duplicates are shown in full,
# the rows as they will be imported a page at a time.
PREVIEW_ROWS_PER_PAGE = 200
Page = Response | str | tuple[str, int]


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def import_upload() -> Page:
    form = ImportUploadForm()
    if form.validate_on_submit():
        user = acting_user()
        try:
            data = csv_import.read_limited(form.upload.data.stream)
            # The whole file's problems, here.
            csv_import.parse_csv(data, user.network_id, importer=user)
        except ImportRefused as error:
            form.upload.errors.append(str(error))
        else:
            forget_pending()
            session[IMPORT_KEY] = {"token": pending().save(data), "user_id": user.id}
            return redirect(url_for("people.import_preview"))
    return render_template("people/import.html", form=form, accept=ACCEPT,
                           max_rows=csv_import.MAX_ROWS), 400 if form.errors else 200


@bp.route("/import/preview")
@roles_required(*CASE_TEAM_ROLES)
def import_preview() -> Page:
    data = pending_data()
    if data is None:
        return nothing_pending()
    parsed = parse_or_none(data)
    if parsed is None:
        return nothing_pending()
    form = confirm_form(choices_of(parsed), formdata=None)
    form.fingerprint.data = fingerprint(data)
    return preview(parsed, form)


@bp.route("/import/confirm", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def import_confirm() -> Page:
    token = pending_token()
    data = pending().claim(token)
    if token is None or data is None:
        return nothing_pending()
    try:
        return confirm_import(data)
    finally:
        if session.get(IMPORT_KEY):  # not imported: the file waits for the next try
            pending().release(token)


def confirm_import(data: bytes) -> Page:
    """Import the claimed file as the user decided, or show the preview with what is wrong."""
    parsed = parse_or_none(data)
    if parsed is None:
        return nothing_pending()
    user = acting_user()
    form = confirm_form(choices_of(parsed))
    if not form.validate_on_submit():
        return preview(parsed, form, 400)
    if form.fingerprint.data != fingerprint(data):
        flash(_("You uploaded another file since that preview: review this one."), "error")
        return redirect(url_for("people.import_preview"))
    decisions = {row.line: str(form[f"line_{row.line}"].data) for row in parsed.duplicates}
    try:
        result = csv_import.import_rows(parsed, user.network_id, decisions, user)
    except ImportRefused as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return preview(parsed, form, 409)
    db.session.commit()
    forget_pending()
    flash(_("Imported: %(created)s new, %(merged)s merged into people already known, "
            "%(skipped)s skipped.", created=result.created, merged=result.merged,
            skipped=result.skipped), "success")
    return redirect(url_for("people.index"))


@bp.route("/import/cancel", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def import_cancel() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    forget_pending()
    flash(_("The uploaded file was discarded; nothing was imported."), "success")
    return redirect(url_for("people.import_upload"))


def preview(parsed: ParsedFile, form: ImportConfirmForm, status: int = 200) -> tuple[str, int]:
    """The preview: errors and duplicates in full; every row, a page of them at a time."""
    pages = max(1, -(-len(parsed.rows) // PREVIEW_ROWS_PER_PAGE))
    page = min(page_number(), pages)
    start = (page - 1) * PREVIEW_ROWS_PER_PAGE
    return render_template(
        "people/preview.html", parsed=parsed, form=form, cancel_form=ActionForm(),
        new_rows=sum(not row.is_duplicate for row in parsed.rows),
        page_rows=parsed.rows[start:start + PREVIEW_ROWS_PER_PAGE], page=page, pages=pages,
        column_labels=COLUMN_LABELS), status


def choices_of(parsed: ParsedFile) -> dict[int, list[tuple[str, str]]]:
    """Per duplicate row, what may be done with it, in words (its matches are people the
    importer may edit, see ``csv_import.drop_unseen_matches``)."""
    ids = {person_id for row in parsed.duplicates for person_id in row.existing}
    names = {person_id: name for person_id, name in db.session.execute(
        select(Person.id, Person.name).where(Person.id.in_(ids)))}
    choices: dict[int, list[tuple[str, str]]] = {}
    for row in parsed.duplicates:
        labels = []
        for value in decision_values(row):
            kind, _separator, number = value.partition("-")
            if kind == "person":
                who = names.get(int(number), _("someone already known"))
                labels.append((value, _("Merge into %(who)s (#%(number)s)", who=who,
                                        number=number)))
            elif kind == "line":
                labels.append((value, _("Merge into line %(number)s of this file", number=number)))
            else:
                labels.append((value, {"skip": _("Skip this row"),
                                       "new": _("Import as a new person")}[value]))
        choices[row.line] = labels
    return choices


def parse_or_none(data: bytes) -> ParsedFile | None:
    """The waiting file read again against today's people (it was checked at upload)."""
    try:
        user = acting_user()
        return csv_import.parse_csv(data, user.network_id, importer=user)
    except ImportRefused:
        return None


def pending() -> PendingImports:
    return PendingImports.from_config(current_app.config)


def pending_token() -> str | None:
    """The token of the file this user uploaded and has not yet imported or discarded."""
    saved = session.get(IMPORT_KEY)
    if not isinstance(saved, dict) or saved.get("user_id") != acting_user().id:
        return None
    token = saved.get("token")
    return token if isinstance(token, str) else None


def pending_data() -> bytes | None:
    return pending().load(pending_token())


def forget_pending() -> None:
    saved = session.pop(IMPORT_KEY, None)
    if isinstance(saved, dict):
        pending().discard(saved.get("token"))


def nothing_pending() -> Response:
    flash(_("No uploaded file is waiting (it was imported, discarded or expired): upload it "
            "again."), "error")
    return redirect(url_for("people.import_upload"))
