"""Private calendar feeds: secret addresses, what each feed shows, nothing private leaking."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.calendars import views as calendar_views
from casework.clock import network_today
from casework.extensions import db
from casework.models import (
    Action,
    ActionKind,
    ActionStatus,
    AuditEntry,
    Case,
    Delivery,
    Network,
    Role,
    TargetFact,
    TargetFactKind,
    Task,
    User,
)
from casework.workflow.states import CaseState
from casework.workflow.task_rules import STATE_TASKS
from tests.conftest import login

LA = ZoneInfo("America/Los_Angeles")
ADDRESS = re.compile(r'value="(http://localhost/calendar/[A-Za-z0-9_-]{43}\.ics)"')


@dataclass
class World:
    coordinator: int
    omar: int  # organizer on fight A and C
    lena: int  # organizer on fight B
    today: date
    refs: dict[str, str]  # fight name -> reference
    ids: dict[str, int]  # "A", "B", "C", "other", action names -> ids


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), LA).astimezone(UTC)


@pytest.fixture
def world(app: Flask, make_user: Callable[..., int], make_fight: Callable[..., tuple[int, int]],
          make_network: Callable[..., int], make_task: Callable[..., int]) -> World:
    """Fight A (Omar: a picket at a related business, a delivery, a deadline, a task naming the
    member), fight B (Lena: a call-in), fight C (Omar: delivery planned), another network's."""
    coordinator = make_user(Role.COORDINATOR, name="Cora")
    omar, lena = make_user(Role.ORGANIZER, name="Omar"), make_user(Role.ORGANIZER, name="Lena")
    a, _ = make_fight(CaseState.DELIVERED, omar, target_name="Acme Landlords")
    b, _ = make_fight(CaseState.ESCALATING, lena, target_name="Blue Fern Bistro")
    c, _ = make_fight(CaseState.READY, omar, target_name="Cedar Property Group")
    other_network = make_network("OTH")
    other_org = make_user(Role.ORGANIZER, network=other_network)
    other, _ = make_fight(CaseState.ESCALATING, other_org, target_name="Elsewhere Inc",
                          author_id=make_user(Role.INTAKE, network=other_network))
    with app.app_context():
        today = network_today(db.session.scalars(select(Network).where(Network.code == "SEA"))
                              .one())
        fight_a = db.session.get_one(Case, a)
        fight_a.deadline_on = today + timedelta(days=10)
        db.session.get_one(Case, b).deadline_on = today - timedelta(days=5)
        fight_c = db.session.get_one(Case, c)
        fight_c.planned_delivery_on, fight_c.deadline_on = today + timedelta(days=5), None
        related = TargetFact(target=fight_a.target, kind=TargetFactKind.RELATED_BUSINESS,
                             name="Acme Bakery")
        actions = {
            "picket": Action(case=fight_a, kind=ActionKind.PICKET, pressure_point=related,
                             title="Picket for Maria Example", place="12 Pine St",
                             starts_at=at(today + timedelta(days=1), 17)),
            "cancelled": Action(case=fight_a, kind=ActionKind.POSTERING,
                                starts_at=at(today + timedelta(days=3), 10),
                                status=ActionStatus.CANCELLED),
            "long_ago": Action(case=fight_a, kind=ActionKind.CALL_IN,
                               starts_at=at(today - timedelta(days=200), 10)),
            "call_in": Action(case_id=b, kind=ActionKind.CALL_IN,
                              starts_at=at(today + timedelta(days=2), 9)),
            "elsewhere": Action(case_id=other, kind=ActionKind.PICKET,
                                starts_at=at(today + timedelta(days=1), 12)),
        }
        delivery = Delivery(case=fight_a, delivered_at=at(today - timedelta(days=4), 11),
                            place="Acme office", handed_over_by="Maria Example")
        db.session.add_all([*actions.values(), delivery])
        db.session.commit()
        refs = {name: db.session.get_one(Case, case_id).reference
                for name, case_id in (("A", a), ("B", b), ("C", c), ("other", other))}
        ids = {"A": a, "B": b, "C": c, "other": other, "delivery": delivery.id,
               **{name: action.id for name, action in actions.items()}}
    ids["task"] = make_task(a, "Call Maria Example at 206-555-0100", omar,
                            today + timedelta(days=3))
    ids["done_task"] = make_task(a, "Done already", omar, today + timedelta(days=3), is_done=True)
    ids["lena_task"] = make_task(b, "Lena's task", lena, today + timedelta(days=3))
    return World(coordinator, omar, lena, today, refs, ids)


def new_address(client: FlaskClient, which: str = "mine") -> str:
    response = client.post(f"/calendar/{which}")
    assert response.status_code == 200
    found = ADDRESS.search(response.get_data(as_text=True))
    assert found is not None, "the new address is shown"
    return found.group(1)


def fetch(app: Flask, address: str) -> Any:
    return app.test_client().get(address)  # calendar apps are not logged in

NEXT_ACTION = STATE_TASKS[CaseState.ESCALATING][0]


def events(app: Flask, address: str) -> dict[str, icalendar.Event]:
    response = fetch(app, address)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def client_of(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    login(client, app, user_id)
    return client


def test_an_organizers_feed_has_their_fights_and_tasks_only(app: Flask, world: World) -> None:
    feed = events(app, new_address(client_of(app, world.omar)))
    ids, refs = world.ids, world.refs
    assert {uid: str(event["summary"]) for uid, event in feed.items()} == {
        f"action-{ids['picket']}@casework-sea": f"Picket: Acme Bakery — {refs['A']}",
        f"action-{ids['cancelled']}@casework-sea":
            f"Cancelled: Postering / leafleting: Acme Landlords — {refs['A']}",
        f"delivery-{ids['delivery']}@casework-sea":
            f"Demand letter delivered: Acme Landlords — {refs['A']}",
        f"deadline-{ids['A']}@casework-sea": f"Deadline: Acme Landlords — {refs['A']}",
        f"planned-delivery-{ids['C']}@casework-sea":
            f"Deliver the demand letter: Cedar Property Group — {refs['C']}",
        f"task-{ids['task']}@casework-sea":
            f"Task: Call the member at (phone) — {refs['A']}",
    }


def test_a_coordinators_feed_and_the_network_feed_cover_the_network(
        app: Flask, world: World) -> None:
    client = client_of(app, world.coordinator)
    own, network = (events(app, new_address(client, which)) for which in ("mine", "network"))
    every_action = {f"action-{world.ids[n]}@casework-sea"
                    for n in ("picket", "cancelled", "call_in")}
    assert every_action <= set(own) and every_action <= set(network)
    assert not any(uid.startswith("task-") for uid in network)
    assert not any(world.refs["other"] in str(e["summary"]) for e in [*own.values(),
                                                                       *network.values()])


def test_feeds_are_valid_icalendar_with_utc_times_and_all_day_dates(
        app: Flask, world: World) -> None:
    address = new_address(client_of(app, world.omar))
    response = fetch(app, address)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["version"]) == "2.0" and str(calendar["prodid"]).startswith("-//Casework")
    assert str(calendar["x-wr-calname"]) == "Casework SEA: Omar's fights"
    feed = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert all("dtstamp" in event for event in feed.values())
    picket = feed[f"action-{world.ids['picket']}@casework-sea"]
    starts = picket.decoded("dtstart")
    assert starts == at(world.today + timedelta(days=1), 17) and starts.utcoffset() == timedelta(0)
    assert str(picket["location"]) == "12 Pine St"
    assert picket.decoded("dtend") - starts == timedelta(hours=2)
    deadline = feed[f"deadline-{world.ids['A']}@casework-sea"]
    assert deadline.decoded("dtstart") == world.today + timedelta(days=10)
    assert not isinstance(deadline.decoded("dtstart"), datetime)
    assert b"DTSTART;VALUE=DATE:" in response.data
    assert str(picket["url"]).endswith(f"/cases/{world.ids['A']}")


@pytest.mark.parametrize("who", ["omar", "coordinator"])
def test_no_member_names_or_phones_in_a_feed(app: Flask, world: World, who: str) -> None:
    client = client_of(app, getattr(world, who))
    for which in ("mine", "network") if who == "coordinator" else ("mine",):
        text = fetch(app, new_address(client, which)).get_data(as_text=True)
        for private in ("Maria", "Example", "206-555", "555-0100", "Picket for"):
            assert private not in text, (which, private)


def test_rotating_invalidates_the_old_address_and_is_audited(app: Flask, world: World) -> None:
    client = client_of(app, world.coordinator)
    first = new_address(client, "network")
    assert fetch(app, first).status_code == 200
    second = new_address(client, "network")
    assert second != first
    assert fetch(app, first).status_code == 404 and fetch(app, second).status_code == 200
    page = client.get("/calendar").get_data(as_text=True)
    assert "Rotate" in page and second.rsplit("/", 1)[1] not in page  # shown once only
    with app.app_context():
        audit = db.session.execute(
            select(AuditEntry.action, AuditEntry.user_id, AuditEntry.detail)
            .where(AuditEntry.action.like("calendar_feed.%"), AuditEntry.detail != "")
            .where(AuditEntry.action.not_like("%.insert")).where(
                AuditEntry.action.not_like("%.update")).order_by(AuditEntry.id)).all()
    assert audit == [("calendar_feed.create", world.coordinator, "network feed"),
                     ("calendar_feed.rotate", world.coordinator, "network feed")]


@pytest.mark.parametrize("token", ["unknown", "a" * 43, "x" * 5000])
def test_an_unknown_secret_is_not_found(app: Flask, world: World, token: str) -> None:
    assert fetch(app, f"/calendar/{token}.ics").status_code == 404


@pytest.mark.parametrize(("holder", "feed", "change"), [
    ("omar", "mine", "disabled"), ("omar", "mine", "member"),
    ("coordinator", "network", "disabled"), ("coordinator", "network", "organizer"),
])
def test_a_feed_stops_when_its_holder_is_disabled_or_loses_the_role(
    app: Flask, world: World, holder: str, feed: str, change: str
) -> None:
    """Even when the database is changed by hand, not through the users page."""
    user_id = getattr(world, holder)
    address = new_address(client_of(app, user_id), feed)
    with app.app_context():
        user = db.session.get_one(User, user_id)
        if change == "disabled":
            user.is_disabled = True
        else:
            user.role = Role(change)
        db.session.commit()
    assert fetch(app, address).status_code == 404


def test_disabling_a_coordinator_stops_the_feeds_they_made_for_good(
    app: Flask, world: World, make_user: Callable[..., int]
) -> None:
    cora = client_of(app, world.coordinator)
    network_feed, own_feed = new_address(cora, "network"), new_address(cora, "mine")
    assert fetch(app, network_feed).status_code == fetch(app, own_feed).status_code == 200
    other = client_of(app, make_user(Role.COORDINATOR, name="Dee"))
    page = other.post(f"/users/{world.coordinator}/disable", follow_redirects=True)
    assert "address was theirs: make a new one on the Calendar page" in page.get_data(as_text=True)
    assert fetch(app, network_feed).status_code == fetch(app, own_feed).status_code == 404
    other.post(f"/users/{world.coordinator}/enable")
    assert fetch(app, network_feed).status_code == fetch(app, own_feed).status_code == 404
    calendar_page = other.get("/calendar").get_data(as_text=True)
    assert "This feed's address stopped working on" in calendar_page
    assert "The coordinator who made it was disabled" in calendar_page
    assert "Create a new address" in calendar_page
    replacement = new_address(other, "network")
    assert fetch(app, replacement).status_code == 200
    assert "stopped working" not in other.get("/calendar").get_data(as_text=True)
    cora_page = client_of(app, world.coordinator).get("/calendar").get_data(as_text=True)
    assert "Your account was disabled or your role changed" in cora_page
    with app.app_context():
        revoked = db.session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "calendar_feed.revoke").order_by(AuditEntry.id)).all()
    assert sorted(revoked) == ["network feed", "own feed"]


def test_the_network_feed_is_held_by_whoever_made_its_current_address(
    app: Flask, world: World, make_user: Callable[..., int]
) -> None:
    new_address(client_of(app, world.coordinator), "network")
    dee_id = make_user(Role.COORDINATOR, name="Dee")
    dee = client_of(app, dee_id)
    rotated = new_address(dee, "network")
    assert "by Dee." in dee.get("/calendar").get_data(as_text=True)
    dee.post(f"/users/{world.coordinator}/disable")
    assert fetch(app, rotated).status_code == 200  # Dee's address, not Cora's
    eve = client_of(app, make_user(Role.COORDINATOR, name="Eve"))
    eve.post(f"/users/{dee_id}/disable")
    assert fetch(app, rotated).status_code == 404


def test_the_page_offers_the_network_feed_to_coordinators_only(app: Flask, world: World) -> None:
    organizer_page = client_of(app, world.omar).get("/calendar").get_data(as_text=True)
    assert "Your feed" in organizer_page and "Network feed" not in organizer_page
    assert "Create the address" in organizer_page
    coordinator = client_of(app, world.coordinator)
    assert "Network feed" in coordinator.get("/calendar").get_data(as_text=True)
    assert client_of(app, world.omar).post("/calendar/network").status_code == 403


def test_each_user_has_one_feed_and_users_feeds_differ(app: Flask, world: World) -> None:
    omar, lena = (new_address(client_of(app, uid)) for uid in (world.omar, world.lena))
    omar_again = new_address(client_of(app, world.omar))
    assert len({omar, lena, omar_again}) == 3
    assert fetch(app, omar).status_code == 404 and fetch(app, lena).status_code == 200
    assert set(events(app, lena)) == {f"action-{world.ids['call_in']}@casework-sea",
                                      f"task-{world.ids['lena_task']}@casework-sea",
                                      f"deadline-{world.ids['B']}@casework-sea"}


@contextmanager
def counting_queries(app: Flask) -> Iterator[list[str]]:
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def add_outreach(app: Flask, world: World, count: int) -> None:
    """``count`` more actions, spread over the three fights and the coming days."""
    with app.app_context():
        db.session.add_all(Action(case_id=world.ids["ABC"[n % 3]], kind=ActionKind.OUTREACH,
                                  starts_at=at(world.today + timedelta(days=1 + n % 60), 10))
                           for n in range(count))
        db.session.commit()


def test_a_feed_takes_the_same_few_queries_however_many_events(app: Flask, world: World) -> None:
    address = new_address(client_of(app, world.coordinator), "network")
    add_outreach(app, world, 10)
    with counting_queries(app) as few:
        assert len(events(app, address)) > 10
    add_outreach(app, world, 190)
    with counting_queries(app) as many:
        assert len(events(app, address)) > 200
    assert len(many) == len(few) <= 8


def test_a_feed_is_not_modified_until_something_changes(app: Flask, world: World) -> None:
    address = new_address(client_of(app, world.coordinator), "network")
    first = fetch(app, address)
    again = app.test_client().get(address, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    with app.app_context():
        db.session.get_one(Action, world.ids["picket"]).place = "99 Oak Avenue"
        db.session.commit()
    changed = app.test_client().get(address, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and b"99 Oak Avenue" in changed.data
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_a_feed_speaks_its_users_language_and_the_network_feed_english(
        app: Flask, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    omar, coordinator = client_of(app, world.omar), client_of(app, world.coordinator)
    own, network = new_address(omar), new_address(coordinator, "network")
    english = {str(e["summary"]) for e in events(app, own).values()}
    spanish_speakers = {world.omar, world.coordinator}
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.id.in_(spanish_speakers))):
            if hasattr(user, "ui_language"):
                user.ui_language = "es"
        db.session.commit()
    if not hasattr(User, "ui_language"):  # no language on accounts yet: the feed asks this
        monkeypatch.setattr(calendar_views, "feed_language", lambda owner: "es" if (
            owner.user is not None and owner.user.id in spanish_speakers) else "en")
    refs, ids = world.refs, world.ids
    calendar = icalendar.Calendar.from_ical(fetch(app, own).data)
    assert str(calendar["x-wr-calname"]) == "Casework SEA: luchas de Omar"
    feed = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert {uid: str(event["summary"]) for uid, event in feed.items()} == {
        f"action-{ids['picket']}@casework-sea": f"Piquete: Acme Bakery — {refs['A']}",
        f"action-{ids['cancelled']}@casework-sea":
            f"Cancelada: Carteles y volantes: Acme Landlords — {refs['A']}",
        f"delivery-{ids['delivery']}@casework-sea":
            f"Carta de exigencias entregada: Acme Landlords — {refs['A']}",
        f"deadline-{ids['A']}@casework-sea": f"Plazo: Acme Landlords — {refs['A']}",
        f"planned-delivery-{ids['C']}@casework-sea":
            f"Entregar la carta de exigencias: Cedar Property Group — {refs['C']}",
        f"task-{ids['task']}@casework-sea":
            f"Tarea: Call la persona at (teléfono) — {refs['A']}",
    }
    assert str(feed[f"deadline-{ids['A']}@casework-sea"]["description"]).startswith(
        "Abre el caso en Casework: http://localhost/cases/")
    # The network's feed is read by everyone in the network: English.
    network_summaries = {str(e["summary"]) for e in events(app, network).values()}
    assert f"Picket: Acme Bakery — {refs['A']}" in network_summaries
    assert {text for text in english if not text.startswith("Task:")} <= network_summaries


@pytest.mark.parametrize(("language", "summary"), [
    ("en", "Task: Plan and schedule the next action — {ref}"),
    ("es", "Tarea: Planear y programar la próxima acción — {ref}"),
])
def test_a_standard_task_in_a_feed_reads_in_its_users_language(
        app: Flask, world: World, language: str, summary: str) -> None:
    with app.app_context():
        omar = db.session.get_one(User, world.omar)
        db.session.add(Task(case_id=world.ids["A"], title=NEXT_ACTION.title,
                            rule_key=NEXT_ACTION.key, assignee=omar,
                            due_on=world.today + timedelta(days=2)))
        omar.ui_language = language
        db.session.commit()
    summaries = {str(e["summary"]) for e in events(app, new_address(client_of(app, world.omar))
                                                    ).values()}
    assert summary.format(ref=world.refs["A"]) in summaries
