"""The mobilization email's form: a subject and a text in each language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from casework.forms import printable_text, strip_whitespace
from casework.mobilize.services import BODY_LENGTH, SUBJECT_LENGTH

NEEDED = _l("This is needed: people who read this language get it.")


def subject(label: Any) -> StringField:
    return StringField(label, validators=[DataRequired(message=NEEDED),
                                          Length(max=SUBJECT_LENGTH), printable_text],
                       filters=[strip_whitespace])


def body(label: Any) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(message=NEEDED),
                                            Length(max=BODY_LENGTH), printable_text],
                         filters=[strip_whitespace], render_kw={"rows": 9},
                         description=_l("The links to answer yes or no and to stop the emails "
                                        "are added below it."))


class MobilizationEmailForm(FlaskForm):
    subject_en = subject(_l("Subject in English"))
    body_en = body(_l("Text in English"))
    subject_es = subject(_l("Subject in Spanish"))
    body_es = body(_l("Text in Spanish"))

    def texts(self) -> dict[str, dict[str, str]]:
        return {language: {"subject": self[f"subject_{language}"].data or "",
                           "body": self[f"body_{language}"].data or ""}
                for language in ("en", "es")}

    def fill(self, texts: dict[str, dict[str, str]]) -> None:
        for language, text in texts.items():
            self[f"subject_{language}"].data = text["subject"]
            self[f"body_{language}"].data = text["body"]
