"""Form pieces shared by features."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from babel import support
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, IntegerField, SelectChoice, SelectField, widgets
from wtforms.csrf.core import CSRFTokenField
from wtforms.i18n import messages_path
from wtforms.meta import DefaultMeta
from wtforms.validators import InputRequired, NumberRange, StopValidation, ValidationError
from wtforms.widgets import HiddenInput, Select
from wtforms.widgets.core import clean_key

# Every phone field: a phone keypad on mobiles and the browser's saved number offered.
PHONE_INPUT = {"autocomplete": "tel", "inputmode": "tel"}
# Printable text only: control characters (other than newlines and tabs) and NUL are refused.
_FORBIDDEN_CHARACTERS = {chr(code) for code in range(32) if chr(code) not in "\n\r\t"} | {"\x7f"}


class HiddenInputWithoutId(HiddenInput):
    """A hidden input with no id: a page with several forms repeats their hidden fields (the
    CSRF token, the record's version), and ids must be unique; no label points at them."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", False)  # WTForms leaves out attributes whose value is False
        return super().__call__(field, **kwargs)


class SelectWithPlaceholder(Select):
    """A required select starts with an empty "Choose…" option unless one of its own options
    is empty already (HTML requires it, and nothing is chosen for the user by accident)."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        html = super().__call__(field, **kwargs)
        first_value = next((choice[0] for choice in field.iter_choices()), "")
        if not field.flags.required or self.multiple or first_value in ("", None):
            return html
        opening, _bracket, rest = str(html).partition(">")
        placeholder = Markup.escape(_("Choose…"))
        return Markup(f'{opening}><option value="">{placeholder}</option>{rest}')  # noqa: S704 - escaped parts

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs: Any) -> Markup:
        """WTForms' option, written directly when it has only a value (the people list's
        language filter has 50): the same HTML as ``html_params`` makes, in a fifth of the
        time."""
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        attribute = escape(value).replace(Markup('"'), Markup("&quot;"))
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{attribute}">{label}</option>')  # noqa: S704 - escaped parts


def html_params(**attributes: Any) -> Markup:
    """WTForms' ``html_params``, the same HTML in a third of the time: it formats each
    attribute through ``Markup.format``, and the case page writes about 40 of them."""
    params = []
    for key, value in sorted(attributes.items()):
        if value is False:
            continue
        name = escape(clean_key(key))
        if value is True:
            params.append(str(name))
        else:
            quoted = escape(value).replace(Markup('"'), Markup("&quot;"))
            params.append(f'{name}="{quoted}"')
    return Markup(" ".join(params))  # noqa: S704 - every part escaped


class WTFormsMessages:
    """WTForms' own messages ("Not a valid choice") in the UI's language. Flask-WTF reads
    their catalog from disk on every request that shows one (~0.3 ms); this reads it once
    per language."""

    def __init__(self) -> None:
        self.catalogs: dict[str, support.NullTranslations] = {}

    def catalog(self) -> support.NullTranslations | None:
        locale = get_locale() if has_request_context() else None
        if locale is None:
            return None
        key = str(locale)
        found = self.catalogs.get(key)
        if found is None:
            found = self.catalogs[key] = support.Translations.load(
                messages_path(), [locale], domain="wtforms")
        return found

    def gettext(self, string: str) -> str:
        catalog = self.catalog()
        return string if catalog is None else catalog.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalog = self.catalog()
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ungettext(singular, plural, n)


WTFORMS_MESSAGES = WTFormsMessages()


def wtforms_messages(meta: Any, form: Any) -> Any:
    if not current_app.config.get("WTF_I18N_ENABLED", True):  # as Flask-WTF does
        return DefaultMeta.get_translations(meta, form)
    return WTFORMS_MESSAGES


# Every form of the app: attributes written directly, hidden fields without ids, required
# selects with a placeholder, WTForms' messages from a catalog read once.
widgets.html_params = widgets.core.html_params = html_params
widgets.Input.html_params = widgets.Button.html_params = staticmethod(html_params)
CSRFTokenField.widget = HiddenInputWithoutId()
SelectField.widget = SelectWithPlaceholder()
FlaskForm.Meta.get_translations = wtforms_messages


class ActionForm(FlaskForm):
    """An empty form: a POST button that carries only the CSRF token."""


class VersionedForm(FlaskForm):
    """A form that posts back the version of the record the user saw."""

    version = IntegerField(widget=HiddenInputWithoutId(),
                           validators=[InputRequired(), NumberRange(min=1)])


def printable_text(_form: Any, field: Field) -> None:
    """Refuse control characters, which no one types and which break exports and letters."""
    if isinstance(field.data, str) and any(ch in _FORBIDDEN_CHARACTERS for ch in field.data):
        raise ValidationError(_("This contains characters that cannot be stored (control codes)."))


def finite_amount(_form: Any, field: Field) -> None:
    """Refuse NaN and infinities first: a range check cannot even compare a signalling NaN."""
    if isinstance(field.data, Decimal) and not field.data.is_finite():
        raise StopValidation(_("Enter an amount such as 1250 or 1250.50."))


# Dates anyone means. Year 1 or 9999 is a typo, and overflows the deadline arithmetic and the
# conversion to UTC later (a 500 instead of a message next to the field).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def plausible_date(_form: Any, field: Field) -> None:
    """Refuse dates (and date-times) outside 1900-2100."""
    if isinstance(field.data, date) and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise ValidationError(_("Enter a date between %(first)s and %(last)s.",
                                first=EARLIEST_YEAR, last=LATEST_YEAR))


def strip_whitespace(value: Any) -> Any:
    """A WTForms filter that trims text input."""
    return value.strip() if isinstance(value, str) else value


def options(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Select and radio options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
