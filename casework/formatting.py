"""Jinja filters: dates in the network's time zone, numbers and money in the UI's language.

Formats per language (Babel, CLDR data):

- en: "Mon 3 Nov 2026, 14:05", "Mon 3 Nov 2026", "$1,234.50", "1,234"
- es: "lun 3 nov 2026, 14:05", "lun 3 nov 2026", "$1,234.50", "1,234" (US Spanish, ``es_US``:
  members and organizers in the US read dollars as "$1,234.50", not Spain's "1.234,50 US$")
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache, cached_property, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, dates, numbers
from flask import Flask
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context

from casework.people.languages import language_list

# The Babel locale each UI language formats with; the patterns are the same in both.
FORMAT_LOCALES = {"en": "en_US", "es": "es_US"}
DATE_PATTERN = "EEE d MMM yyyy"
MONTH_PATTERN = "MMM yyyy"
CURRENCY = "USD"
RENDER_FORMATS = "casework_formats"  # the template context's name for RenderFormats


def network_zone() -> ZoneInfo:
    """The logged-in user's network time zone (UTC for anonymous pages)."""
    name = "UTC"
    user = current_user._get_current_object() if current_user else None  # one look-up, not 3
    if user is not None and user.is_authenticated:
        name = user.network.timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def format_locale() -> str:
    """The Babel locale of the UI's current language (English outside an app)."""
    locale = get_locale()
    return FORMAT_LOCALES.get(locale.language if locale else "en", FORMAT_LOCALES["en"])


@cache
def babel_locale(name: str) -> Locale:
    """Babel's locale object, parsed once: formatting with its name parses it every time."""
    return Locale.parse(name)


@lru_cache(maxsize=4096)
def _formatted_date(value: date, pattern: str, locale: str) -> str:
    """Lists show the same few hundred days over and over."""
    return dates.format_date(value, pattern, locale=babel_locale(locale))


def local_datetime(value: datetime | None, zone: ZoneInfo | None = None,
                   locale: str | None = None) -> str:
    """A UTC timestamp shown in the network's time zone (or ``zone``), e.g.
    'Mon 3 Nov 2026, 14:05'."""
    if value is None:
        return ""
    local = value.astimezone(zone or network_zone())
    # "EEE d MMM yyyy, HH:mm" is DATE_PATTERN and the time: the day's text is kept per day
    # (Babel formats a date-time pattern in ~30 us); the time is digits in every UI language.
    day = _formatted_date(local.date(), DATE_PATTERN, locale or format_locale())
    return f"{day}, {local:%H:%M}"


def local_date(value: date | datetime | None, zone: ZoneInfo | None = None,
               locale: str | None = None) -> str:
    """A date shown as 'Mon 3 Nov 2026' (a timestamp is first moved to the network's zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(zone or network_zone()).date()
    return _formatted_date(value, DATE_PATTERN, locale or format_locale())


def month_year(value: date) -> str:
    """A month as 'Nov 2026'."""
    return _formatted_date(value, MONTH_PATTERN, format_locale())


def today_in_network() -> date:
    """Today's date where the network is."""
    return datetime.now(network_zone()).date()


def money(value: Decimal | None, locale: str | None = None) -> str:
    """An amount as '$1,234.50', or an empty string when not known."""
    if value is None:
        return ""
    return _formatted_money(str(value), locale or format_locale())


@lru_cache(maxsize=4096)
def _formatted_money(value: str, locale: str) -> str:
    """Amounts repeat (claims, recoveries) and Babel's currency formatting is slow. Keyed by
    the amount's text: equal Decimals (0 and -0) may print differently."""
    return numbers.format_currency(Decimal(value), CURRENCY, locale=babel_locale(locale))


def number(value: int | Decimal | None) -> str:
    """A count or quantity with its thousands grouped: '1,234'."""
    if value is None:
        return ""
    return numbers.format_decimal(value, locale=babel_locale(format_locale()))


def language_names(codes: str) -> str:
    """'pt,zh' as 'Portuguese, Chinese': every language a person can be recorded with."""
    return language_list(codes)


class RenderFormats:
    """The network's time zone and the UI's format locale for one render, each found when
    first needed: a list shows a hundred dates and amounts, and finding them (the user, the
    network, the locale, through Flask's request globals) cost more than formatting one.
    ``render_template`` runs inside any ``force_locale`` that chooses the language."""

    @cached_property
    def zone(self) -> ZoneInfo:
        return network_zone()

    @cached_property
    def locale(self) -> str:
        return format_locale()


def render_formats() -> dict[str, RenderFormats]:
    """Context processor: each render's own ``RenderFormats``."""
    return {RENDER_FORMATS: RenderFormats()}


def formats_of(context: Context) -> RenderFormats:
    """The render's formats (a macro imported without the context makes its own)."""
    formats = context.get(RENDER_FORMATS)
    return formats if isinstance(formats, RenderFormats) else RenderFormats()


@pass_context
def local_datetime_filter(context: Context, value: datetime | None) -> str:
    formats = formats_of(context)
    return local_datetime(value, formats.zone, formats.locale) if value is not None else ""


@pass_context
def local_date_filter(context: Context, value: date | datetime | None) -> str:
    if value is None:
        return ""
    formats = formats_of(context)
    zone = formats.zone if isinstance(value, datetime) else None
    return local_date(value, zone, formats.locale)


@pass_context
def money_filter(context: Context, value: Decimal | None) -> str:
    return money(value, formats_of(context).locale) if value is not None else ""


def register(app: Flask) -> None:
    """Make the filters and helpers available to every template."""
    app.context_processor(render_formats)
    app.add_template_filter(local_datetime_filter, "local_datetime")
    app.add_template_filter(local_date_filter, "local_date")
    app.add_template_filter(money_filter, "money")
    app.add_template_filter(number)
    app.add_template_filter(language_names)
    app.add_template_global(today_in_network)
