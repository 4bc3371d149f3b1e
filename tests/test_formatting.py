"""Dates, numbers and money in the UI's language, in the network's time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from casework import formatting
from tests.languages import app_without_data

MOMENT = datetime(2026, 11, 3, 22, 5, tzinfo=UTC)
LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def light_app(tmp_path: Path) -> Flask:
    return app_without_data(tmp_path)


@pytest.mark.parametrize(("show", "english", "spanish"), [
    (lambda: formatting.local_datetime(MOMENT), "Tue 3 Nov 2026, 22:05", "mar 3 nov 2026, 22:05"),
    (lambda: formatting.local_datetime(MOMENT, LA), "Tue 3 Nov 2026, 14:05",
     "mar 3 nov 2026, 14:05"),
    (lambda: formatting.local_date(date(2026, 9, 6)), "Sun 6 Sep 2026", "dom 6 sep 2026"),
    (lambda: formatting.local_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)),
     "Thu 31 Dec 2026", "jue 31 dic 2026"),
    (lambda: formatting.month_year(date(2026, 1, 1)), "Jan 2026", "ene 2026"),
    (lambda: formatting.money(Decimal("1234.5")), "$1,234.50", "$1,234.50"),
    (lambda: formatting.money(Decimal("-0.5")), "-$0.50", "-$0.50"),
    (lambda: formatting.money(None), "", ""),
    (lambda: formatting.number(1234567), "1,234,567", "1,234,567"),
], ids=["datetime", "datetime-in-zone", "date", "timestamp-date", "month", "money",
        "negative-money", "no-money", "number"])
def test_each_language_has_its_own_format(
    light_app: Flask, show: Callable[[], str], english: str, spanish: str,
) -> None:
    for language, expected in (("en", english), ("es", spanish)):
        with light_app.test_request_context(headers={"Accept-Language": language}):
            assert show() == expected


def test_outside_a_request_formats_are_english(light_app: Flask) -> None:
    """`flask casework tick` and other commands format dates as English pages do."""
    assert formatting.local_datetime(MOMENT, LA) == "Tue 3 Nov 2026, 14:05"
    with light_app.app_context():
        assert formatting.money(Decimal("1234.5")) == "$1,234.50"
        assert formatting.local_date(date(2026, 11, 3)) == "Tue 3 Nov 2026"
