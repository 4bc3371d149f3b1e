"""The network's victories as an Atom feed (feedgen), for its website and social accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from feedgen.feed import FeedGenerator

from casework.clock import zone_of
from casework.formatting import local_date, money
from casework.models import Network
from casework.victories.public import PublicVictory


def entry_text(victory: PublicVictory) -> str:
    """The entry's plain text: the result, then the team's story."""
    recovered = (f", {money(victory.amount_recovered)} recovered"
                 if victory.amount_recovered else "")
    lines = [f"{victory.result} ({victory.issue.lower()}){recovered}, on "
             f"{local_date(victory.won_on)}."]
    if victory.member_name:
        lines.append(f"With {victory.member_name}.")
    return "\n\n".join([*lines, victory.write_up])


def atom_feed(network: Network, victories: list[PublicVictory], updated: datetime,
              page_url: str, feed_url: str, entry_url: Callable[[PublicVictory], str]) -> bytes:
    """The feed document. Times carry the network's UTC offset, as its readers live there."""
    zone = zone_of(network)
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(f"Victories of {network.name}")
    feed.subtitle(f"Fights {network.name} won together with the workers and tenants in them.")
    feed.author({"name": network.name, **({"email": network.contact_email}
                                          if network.contact_email else {})})
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.link(href=feed_url, rel="self", type="application/atom+xml")
    feed.language("en")
    feed.updated(updated.astimezone(zone))
    for victory in victories:
        entry = feed.add_entry(order="append")
        entry.id(entry_url(victory))
        entry.title(victory.title)
        entry.link(href=entry_url(victory), rel="alternate", type="text/html")
        entry.content(entry_text(victory), type="text")
        if victory.published_at is not None:
            entry.published(victory.published_at.astimezone(zone))
        entry.updated(victory.updated_at.astimezone(zone))
    body: bytes = feed.atom_str(pretty=True)
    return body
