"""The calendar page (make or rotate a feed's address) and the feeds at their secret URLs."""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, make_response, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from casework.calendars.ical import calendar_bytes
from casework.calendars.services import (
    FeedOwner,
    feed_entries,
    feed_of,
    find_feed,
    rotate_feed,
)
from casework.clock import network_today
from casework.extensions import db
from casework.forms import ActionForm
from casework.i18n import DEFAULT_LANGUAGE, LANGUAGES
from casework.kept import kept_or_made
from casework.kept_pages import keep_page
from casework.models import STAFF_ROLES, Role
from casework.permissions import acting_user, public, roles_required

bp = Blueprint("calendars", __name__)

Page = Response | tuple[str, int]
FEED_MAX_AGE_SECONDS = 300


@bp.route("/calendar")
@roles_required(*STAFF_ROLES)
@keep_page
def index() -> Page:
    """The user's feed, and for coordinators the network's: made when, and buttons."""
    return calendar_page()


@bp.route("/calendar/mine", methods=["POST"])
@roles_required(*STAFF_ROLES)
def rotate_mine() -> Page:
    """Make (or replace) the address of the user's own feed and show it, this once."""
    return rotated(network_wide=False)


@bp.route("/calendar/network", methods=["POST"])
@roles_required(Role.COORDINATOR)
def rotate_network() -> Page:
    """Make (or replace) the address of the network's feed and show it, this once."""
    return rotated(network_wide=True)


@bp.route("/calendar/<token>.ics")
@public
def feed(token: str) -> Response:
    """A feed for calendar apps: the secret in the URL is the credential (404 otherwise).

    Built once per change in the database (and per day), then served as built; a calendar
    app that sends the ETag back gets a 304 while nothing changed. Its texts are in the
    language of the user whose feed it is (the network's feed: English), as a calendar app
    sends no language of its own worth following."""
    owner = find_feed(token)
    if owner is None:
        abort(404)
    language = feed_language(owner)
    key = ("feed", owner.feed.id, owner.feed.token_hash, network_today(owner.network),
           language)
    with force_locale(language):
        body, etag = kept_or_made(key, lambda: tagged(calendar_bytes(
            feed_name(owner), owner.network.timezone, feed_entries(owner), case_link)))
    response = make_response(body)
    response.set_etag(etag)
    response.mimetype = "text/calendar"  # text/* gets "; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="casework.ics"'
    response.cache_control.private = True
    response.cache_control.max_age = FEED_MAX_AGE_SECONDS
    return response.make_conditional(request)


def feed_language(owner: FeedOwner) -> str:
    """The UI language of the feed's user when they chose one, else English."""
    chosen = getattr(owner.user, "ui_language", None)
    return str(chosen) if chosen in LANGUAGES else DEFAULT_LANGUAGE


def feed_name(owner: FeedOwner) -> str:
    if owner.user is None:
        return _("Casework %(network)s: network", network=owner.network.code)
    return _("Casework %(network)s: %(name)s's fights", network=owner.network.code,
             name=owner.user.name)


def tagged(body: bytes) -> tuple[bytes, str]:
    """The feed and its ETag."""
    return body, hashlib.sha256(body).hexdigest()[:32]


def rotated(*, network_wide: bool) -> Page:
    form = ActionForm()
    if not form.validate_on_submit():
        return calendar_page(status=400)
    token = rotate_feed(acting_user(), network_wide=network_wide)
    db.session.commit()
    # Shown in this response only: the secret is not kept, nor put in a flash or session.
    address = url_for("calendars.feed", token=token, _external=True)
    return calendar_page(new_address=address, new_for="network" if network_wide else "mine")


def calendar_page(*, new_address: str = "", new_for: str = "", status: int = 200) -> Page:
    user = acting_user()
    network_feed = feed_of(user.network_id, None) if user.role == Role.COORDINATOR else None
    return render_template(
        "calendars/index.html", form=ActionForm(), my_feed=feed_of(user.network_id, user.id),
        network_feed=network_feed, is_coordinator=user.role == Role.COORDINATOR,
        new_address=new_address, new_for=new_for), status


def case_link(case_id: int) -> str:
    return url_for("cases.show", case_id=case_id, _external=True)
