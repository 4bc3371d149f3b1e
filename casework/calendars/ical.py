"""Writing a feed as iCalendar (RFC 5545) with the ``icalendar`` library."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import icalendar
from flask_babel import gettext as _

from casework.calendars.services import Entry
from casework.models.base import utcnow

PRODID = "-//Casework//Casework calendar feed//EN"
REFRESH = timedelta(hours=1)  # a hint to calendar apps of how often to fetch again


def calendar_bytes(name: str, timezone: str, entries: Iterable[Entry],
                   link_to_case: Callable[[int], str]) -> bytes:
    """The feed: one VEVENT per entry, timed ones in UTC and the rest as all-day events."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = utcnow()
    for entry in entries:
        calendar.add_component(vevent(entry, stamp, link_to_case(entry.case_id)))
    return calendar.to_ical()


def vevent(entry: Entry, stamp: datetime, link: str) -> icalendar.Event:
    """One event; DTSTAMP is when the feed was made, the UID is stable across fetches."""
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.starts)
    event.add("dtend", entry.ends)
    event.add("summary", _("Cancelled: %(event)s", event=entry.summary) if entry.is_cancelled
              else entry.summary)
    if entry.location:
        event.add("location", " ".join(entry.location.split()))
    event.add("url", link)
    event.add("description", _("Open the case in Casework: %(link)s", link=link))
    event.add("status", "CANCELLED" if entry.is_cancelled else "CONFIRMED")
    if isinstance(entry.starts, datetime):
        event.add("transp", "OPAQUE")
    else:
        event.add("transp", "TRANSPARENT")  # an all-day reminder does not make you busy
    return event
