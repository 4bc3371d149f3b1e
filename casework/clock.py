"""Dates where the network is: deadlines and due dates are local calendar days."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from casework.models import Network


def zone_of(network: Network) -> ZoneInfo:
    """The network's time zone (UTC if its name is unknown)."""
    try:
        return ZoneInfo(network.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def network_today(network: Network) -> date:
    """Today's date in the network's time zone."""
    return datetime.now(zone_of(network)).date()


def local_date_of(moment: datetime, network: Network) -> date:
    """The calendar day a UTC moment falls on where the network is."""
    return moment.astimezone(zone_of(network)).date()
