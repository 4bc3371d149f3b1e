"""The stretch of time a report covers: whole local calendar days in the network's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from casework.formatting import month_year

# A chosen range may cover at most this many days (ten years): the monthly figures group
# by one SQL CASE branch per month.
MAX_DAYS = 3660


class PeriodKind(StrEnum):
    THIS_YEAR = "year"
    LAST_12_MONTHS = "12m"
    YEAR = "in_year"
    RANGE = "range"


@dataclass(frozen=True)
class Month:
    """One calendar month of a period, cut to the period's ends."""

    first_day: date
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC, exclusive

    @property
    def label(self) -> str:
        return month_year(self.first_day)

    @property
    def key(self) -> str:
        return f"{self.first_day:%Y-%m}"


@dataclass(frozen=True)
class Period:
    """From the first to the last local day (both included) in the time zone ``zone``."""

    kind: PeriodKind
    first_day: date
    last_day: date
    zone: str

    @classmethod
    def this_year(cls, zone: str, today: date) -> Period:
        """1 January to 31 December of the year ``today`` is in."""
        return cls(PeriodKind.THIS_YEAR, date(today.year, 1, 1), date(today.year, 12, 31), zone)

    @classmethod
    def year(cls, zone: str, year: int) -> Period:
        """A whole calendar year, e.g. for the year in review."""
        return cls(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31), zone)

    @classmethod
    def last_12_months(cls, zone: str, today: date) -> Period:
        """The twelve months up to and including today."""
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return cls(PeriodKind.LAST_12_MONTHS, year_ago + timedelta(days=1), today, zone)

    @classmethod
    def between(cls, zone: str, first_day: date, last_day: date) -> Period:
        """A chosen range; raises ValueError when it is backwards or longer than ten years."""
        if first_day.year < 1900 or last_day.year > 2999:
            raise ValueError(_("Choose days between the years 1900 and 2999."))
        if last_day < first_day:
            raise ValueError(_("The end of the range is before its start."))
        if (last_day - first_day).days >= MAX_DAYS:
            raise ValueError(_("Choose a range of at most ten years."))
        return cls(PeriodKind.RANGE, first_day, last_day, zone)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def moment(self, day: date) -> datetime:
        """The UTC moment a local day starts."""
        return datetime.combine(day, time(0), self.tz).astimezone(UTC)

    @property
    def starts_at(self) -> datetime:
        return self.moment(self.first_day)

    @property
    def ends_at(self) -> datetime:
        """The UTC moment just after the period (exclusive bound)."""
        return self.moment(self.last_day + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def label(self) -> str:
        if self.first_day.month == 1 and self.first_day.day == 1 and \
                self.last_day == date(self.first_day.year, 12, 31):
            return str(self.first_day.year)
        return f"{self.first_day:%-d %b %Y} – {self.last_day:%-d %b %Y}"

    def months(self) -> list[Month]:
        """The calendar months the period touches, each cut to the period."""
        found = []
        first = self.first_day
        while first <= self.last_day:
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            last = min(following - timedelta(days=1), self.last_day)
            found.append(Month(first.replace(day=1), self.moment(first),
                               self.moment(last + timedelta(days=1))))
            first = following
        return found
