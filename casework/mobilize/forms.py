"""The mobilization email's form: a subject and a text in each language."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from casework.forms import printable_text, strip_whitespace
from casework.mobilize.services import BODY_LENGTH, SUBJECT_LENGTH

NEEDED = "This is needed: people who read this language get it."


def subject(label: str) -> StringField:
    return StringField(label, validators=[DataRequired(message=NEEDED),
                                          Length(max=SUBJECT_LENGTH), printable_text],
                       filters=[strip_whitespace])


def body(label: str) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(message=NEEDED),
                                            Length(max=BODY_LENGTH), printable_text],
                         filters=[strip_whitespace], render_kw={"rows": 9},
                         description="The links to answer yes or no and to stop the emails "
                                     "are added below it.")


class MobilizationEmailForm(FlaskForm):
    subject_en = subject("Subject in English")
    body_en = body("Text in English")
    subject_es = subject("Subject in Spanish")
    body_es = body("Text in Spanish")

    def texts(self) -> dict[str, dict[str, str]]:
        return {language: {"subject": self[f"subject_{language}"].data or "",
                           "body": self[f"body_{language}"].data or ""}
                for language in ("en", "es")}

    def fill(self, texts: dict[str, dict[str, str]]) -> None:
        for language, text in texts.items():
            self[f"subject_{language}"].data = text["subject"]
            self[f"body_{language}"].data = text["body"]
