"""The network's victories as an Atom feed (feedgen), for its website and social accounts.

Its words are in the language the reader asks for (Accept-Language: English by default), and
the feed says which."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from feedgen.feed import FeedGenerator
from flask_babel import get_locale
from flask_babel import gettext as _

from casework.clock import zone_of
from casework.formatting import local_date, money
from casework.models import Network
from casework.victories.public import PublicVictory


def entry_text(victory: PublicVictory) -> str:
    """The entry's plain text: the result, then the team's story."""
    if victory.amount_recovered:
        result = _("%(result)s (%(issue)s), %(amount)s recovered, on %(day)s.",
                   result=victory.result, issue=victory.issue.lower(),
                   amount=money(victory.amount_recovered), day=local_date(victory.won_on))
    else:
        result = _("%(result)s (%(issue)s), on %(day)s.", result=victory.result,
                   issue=victory.issue.lower(), day=local_date(victory.won_on))
    lines = [result]
    if victory.member_name:
        lines.append(_("With %(name)s.", name=victory.member_name))
    return "\n\n".join([*lines, victory.write_up])


def atom_feed(network: Network, victories: list[PublicVictory], updated: datetime,
              page_url: str, feed_url: str, entry_url: Callable[[PublicVictory], str]) -> bytes:
    """The feed document. Times carry the network's UTC offset, as its readers live there."""
    zone = zone_of(network)
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(_("Victories of %(network)s", network=network.name))
    feed.subtitle(_("Fights %(network)s won together with the workers and tenants in them.",
                    network=network.name))
    feed.author({"name": network.name, **({"email": network.contact_email}
                                          if network.contact_email else {})})
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.link(href=feed_url, rel="self", type="application/atom+xml")
    locale = get_locale()
    feed.language(locale.language if locale is not None else "en")
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
