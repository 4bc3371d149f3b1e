"""Uploading, downloading and removing a case's documents."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from casework.audit.recorder import record_access
from casework.documents import services
from casework.documents.forms import ACCEPT, DocumentUploadForm, upload_form
from casework.documents.services import DocumentRefused
from casework.documents.storage import DocumentStore
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.forms import ActionForm
from casework.models import CASE_TEAM_ROLES, STAFF_ROLES, Document
from casework.permissions import acting_user, load_case, roles_required
from casework.privacy.gone import purged_page

bp = Blueprint("documents", __name__)
log = logging.getLogger(__name__)


@bp.record_once
def remove_unfinished_uploads(state: BlueprintSetupState) -> None:
    """At startup, remove temporary files of uploads that a crash or kill interrupted."""
    removed = DocumentStore.from_config(state.app.config).remove_partial_files()
    if removed:
        log.warning("Removed %d unfinished upload(s) left by an interrupted server.", len(removed))


@bp.route("/cases/<int:case_id>/documents", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def upload(case_id: int) -> Response | tuple[str, int]:
    case = load_case(case_id, edit=True)
    form = upload_form(store().max_mb)
    if form.validate_on_submit():
        file = form.upload.data
        try:
            with services.add_document(store(), case, acting_user(), file.stream,
                                       file.filename) as document:
                db.session.commit()
        except DocumentRefused as error:
            form.upload.errors.append(str(error))
        except PermissionDenied:
            abort(403)
        else:
            flash(_("Added “%(name)s”.", name=document.file_name), "success")
            return redirect(url_for("cases.show", case_id=case.id, _anchor="documents"))
    return render_template("documents/upload.html", form=form, case=case, accept=ACCEPT), 400


@bp.route("/documents/<int:document_id>")
@roles_required(*STAFF_ROLES)
def download(document_id: int) -> Response | tuple[str, int]:
    document = load_document(document_id)
    if document.purged_at is not None:
        return purged_document(document, document.purged_at)
    path = store().path_of(document.stored_name)
    if not path.is_file():
        log.error("The file of document %d is missing.", document.id)
        abort(404)
    record_access("document.download", network_id=document.case.network_id,
                  object_type="document", object_id=str(document.id), case_id=document.case_id)
    response = send_file(path, mimetype=document.content_type.value, as_attachment=True,
                         download_name=document.download_name, max_age=0)
    # The browser must take the type we sniffed and must not run anything it finds.
    response.headers["Content-Type"] = document.content_type.value
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.private = True
    return response


@bp.route("/documents/<int:document_id>/delete", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def delete(document_id: int) -> Response | tuple[str, int] | str:
    document = load_document(document_id, edit=True)
    if document.purged_at is not None:  # the marker stays: it is the record of the purge
        return purged_document(document, document.purged_at)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("documents/confirm_delete.html", document=document, form=form)
    case_id, name = document.case_id, document.file_name
    try:
        stored_name = services.remove_document(document, acting_user())
    except PermissionDenied:
        abort(403)
    db.session.commit()
    store().discard(stored_name)  # after the commit: a failed commit keeps its file
    flash(_("Removed “%(name)s”.", name=name), "success")
    return redirect(url_for("cases.show", case_id=case_id, _anchor="documents"))


def purged_document(document: Document, purged_at: datetime) -> tuple[str, int]:
    return purged_page(_("This document"), purged_at,
                       url_for("cases.show", case_id=document.case_id, _anchor="documents"))


@bp.app_template_global()
def document_upload_form() -> DocumentUploadForm:
    """An empty upload form for the case page."""
    return upload_form(store().max_mb, formdata=None)


@bp.app_template_global()
def document_accept() -> str:
    """The file picker's hint of acceptable types."""
    return ACCEPT


def load_document(document_id: int, *, edit: bool = False) -> Document:
    """A document of the user's network (404) whose full case record they may see (403)."""
    document = services.find_document(document_id, acting_user().network_id)
    if document is None:
        abort(404)
    load_case(document.case_id, full_record=True, edit=edit)
    return document


def store() -> DocumentStore:
    """The configured upload directory."""
    return DocumentStore.from_config(current_app.config)
