"""The public inquiry form: the intake form's critical facts, asked of the person themselves.

Labels and messages come from the page's language table (``texts``), so the fields carry no
validators of their own: ``validate`` checks every field's size, characters and meaning and
puts a message in the page's language next to the field.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    RadioField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Email, ValidationError

from casework.forms import PHONE_INPUT, strip_whitespace
from casework.models import IssueType
from casework.public.services import WebInquiry
from casework.public.texts import ISSUE_LABELS

# The most each text field accepts, in characters (the database allows at least as much).
MAX_LENGTHS = {"name": 120, "phone": 40, "email": 254, "safe_contact": 2000, "target": 200,
               "what_happened": 5000, "amount": 30, "website": 200}
REQUIRED = ("name", "target", "what_happened")
MAX_AMOUNT = Decimal("99999999.99")
CONTACT_LANGUAGES = ("en", "es", "other")
STILL_THERE = ("yes", "no", "unknown")
# Printable text only: control characters (other than newlines and tabs) and NUL are refused.
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# "1250", "1250.50", "1,250.50" (English) or "1.250,50", "1250,50" (Spanish), maybe with "$".
ENGLISH_AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?", re.ASCII)
SPANISH_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d+(?:,\d{1,2})?", re.ASCII)


def parse_amount(text: str) -> Decimal | None:
    """An amount as people write it in either language; None when it is not one."""
    cleaned = re.sub(r"[\s$]|US|USD", "", text, flags=re.IGNORECASE)
    if ENGLISH_AMOUNT.fullmatch(cleaned):
        return Decimal(cleaned.replace(",", ""))
    if SPANISH_AMOUNT.fullmatch(cleaned):
        return Decimal(cleaned.replace(".", "").replace(",", "."))
    return None


def text_field(kind: type[Field] = StringField, **kwargs: Any) -> Any:
    return kind(filters=[strip_whitespace], **kwargs)


class InquiryForm(FlaskForm):
    """Who, how to reach them safely and when, against whom, what happened, how much."""

    name = text_field(render_kw={"autocomplete": "name", "aria-required": "true"})
    phone = text_field(TelField, render_kw=PHONE_INPUT)
    email = text_field(EmailField, render_kw={"autocomplete": "email"})
    safe_contact = text_field(TextAreaField, render_kw={"rows": 2})
    language = RadioField(choices=CONTACT_LANGUAGES, validate_choice=False)
    target = text_field(render_kw={"autocomplete": "off", "aria-required": "true"})
    issue = RadioField(choices=[issue.value for issue in IssueType], validate_choice=False)
    what_happened = text_field(TextAreaField, render_kw={"rows": 5, "aria-required": "true"})
    amount = text_field(render_kw={"inputmode": "decimal", "autocomplete": "off"})
    still_there = RadioField(choices=STILL_THERE, default="unknown", validate_choice=False)
    urgent = BooleanField()
    # The honeypot: hidden from people by the page's CSS, filled in by form-filling robots.
    website = text_field(render_kw={"tabindex": "-1", "autocomplete": "off"})

    def __init__(self, texts: dict[str, str], language: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.texts = texts
        self.amount_value: Decimal | None = None
        for name in ("name", "phone", "email", "safe_contact", "language", "target", "issue",
                     "what_happened", "amount", "still_there", "urgent"):
            self[name].label.text = texts[name]
            self[name].description = texts.get(f"{name}_help", "")
        self.website.label.text = texts["honeypot"]
        self.language.choices = [(code, texts[f"language_{code}"]) for code in CONTACT_LANGUAGES]
        self.issue.choices = list(ISSUE_LABELS[language].items())
        self.still_there.choices = [("yes", texts["yes"]), ("no", texts["no"]),
                                    ("unknown", texts["not_sure"])]
        if self.language.data is None:
            self.language.data = language

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.website.data)

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)  # the CSRF token, and the filters
        for name, limit in MAX_LENGTHS.items():
            self.check_text(self[name], limit, required=name in REQUIRED)
        self.check_choice(self.language, CONTACT_LANGUAGES)
        self.check_choice(self.issue, [issue.value for issue in IssueType])
        self.check_choice(self.still_there, STILL_THERE)
        if self.email.data and not self.email.errors:
            try:
                Email()(self, self.email)
            except ValidationError:
                self.email.errors.append(self.texts["bad_email"])
        if self.amount.data and not self.amount.errors:
            self.amount_value = parse_amount(self.amount.data)
            if self.amount_value is None:
                self.amount.errors.append(self.texts["bad_amount"])
            elif self.amount_value > MAX_AMOUNT:
                self.amount.errors.append(self.texts["amount_too_large"])
        if not (self.phone.data or self.email.data or self.safe_contact.data):
            self.phone.errors.append(self.texts["no_contact"])
        return not self.errors

    def check_text(self, field: Field, limit: int, *, required: bool) -> None:
        """A size limit, printable characters, and an answer where one is needed."""
        field.errors = []
        value = field.data if isinstance(field.data, str) else ""
        if len(value) > limit:
            field.errors.append(self.texts["too_long"].format(max=limit))
        elif UNPRINTABLE.search(value):
            field.errors.append(self.texts["unprintable"])
        elif required and not value:
            field.errors.append(self.texts["needed"])

    def check_choice(self, field: RadioField, allowed: list[str] | tuple[str, ...]) -> None:
        field.errors = [] if field.data in allowed else [self.texts["choose_one"]]


def inquiry_from_form(form: InquiryForm) -> WebInquiry:
    """The validated form as plain values for the service."""
    return WebInquiry(
        name=form.name.data or "", target=form.target.data or "",
        issue_type=IssueType(form.issue.data), what_happened=form.what_happened.data or "",
        phone=form.phone.data or "", email=form.email.data or "",
        safe_contact=form.safe_contact.data or "", language=form.language.data or "en",
        amount=form.amount_value,
        still_there={"yes": True, "no": False}.get(form.still_there.data or ""),
        urgent=bool(form.urgent.data))
