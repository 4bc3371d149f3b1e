"""The upload form."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from casework.models import DocumentType

# What the file picker offers; the server decides from the bytes regardless.
ACCEPT = ",".join([*(ext for kind in DocumentType for ext in kind.extensions),
                   "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
                   "text/plain"])


class DocumentUploadForm(FlaskForm):
    """One file, checked for size and type by the storage service as it is saved."""

    upload = FileField(_l("Add a document"),
                       validators=[FileRequired(_l("Choose a file to upload."))])


def upload_form(max_mb: int, **kwargs: Any) -> DocumentUploadForm:
    """The form, telling the user what they may upload."""
    form = DocumentUploadForm(**kwargs)
    form.upload.description = _("A PDF, a photo or scan (PNG, JPEG, GIF, WebP) or a plain text "
                                "file, up to %(size)s MB.", size=max_mb)
    return form
