"""Jinja filters: dates in the network's time zone, money, and enum labels."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask
from flask_login import current_user

from casework.people.languages import language_list


def network_zone() -> ZoneInfo:
    """The logged-in user's network time zone (UTC for anonymous pages)."""
    name = "UTC"
    if current_user and current_user.is_authenticated:
        name = current_user.network.timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_datetime(value: datetime | None) -> str:
    """A UTC timestamp shown in the network's time zone, e.g. 'Mon 3 Nov 2026, 14:05'."""
    if value is None:
        return ""
    local = value.astimezone(network_zone())
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def local_date(value: date | datetime | None) -> str:
    """A date shown as 'Mon 3 Nov 2026' (a timestamp is first moved to the network's zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(network_zone()).date()
    return f"{value:%a} {value.day} {value:%b %Y}"


def today_in_network() -> date:
    """Today's date where the network is."""
    return datetime.now(network_zone()).date()


def money(value: Decimal | None) -> str:
    """An amount as '$1,234.50', or an empty string when not known."""
    if value is None:
        return ""
    return f"${value:,.2f}"


def language_names(codes: str) -> str:
    """'pt,zh' as 'Portuguese, Chinese': every language a person can be recorded with."""
    return language_list(codes)


def register(app: Flask) -> None:
    """Make the filters and helpers available to every template."""
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(money)
    app.add_template_filter(language_names)
    app.add_template_global(today_in_network)
