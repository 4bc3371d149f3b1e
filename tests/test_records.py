"""Records that stay true: dates that cannot lie, the member's consent as its own record, tasks
closed as no longer needed, and demo data that tells a possible story."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.clock import network_today
from casework.extensions import db
from casework.models import (
    Action,
    ActionStatus,
    Case,
    Consent,
    ConsentMethod,
    ConsentSubject,
    Decision,
    Delivery,
    Event,
    EventKind,
    Network,
    Outcome,
    Role,
    TargetContact,
    Task,
    User,
)
from casework.workflow.moves import MoveInput
from casework.workflow.service import apply_transition
from casework.workflow.states import CaseState as S
from tests.fights import DELIVERED_AT, add_delivery, full_input
from tests.ladder import plan
from tests.test_migrations import empty_database_url  # noqa: F401 - a fixture

Fight = tuple[int, int]


def field_error(page: str, field: str) -> str:
    """The message shown next to a field ("" when there is none)."""
    found = re.search(rf'id="{field}-error" class="field-error">([^<]*)<', page)
    return html.unescape(found.group(1)) if found else ""


def local_input(day: date, hour: int = 12) -> str:
    """A datetime-local value as a user types it (the network's wall clock)."""
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def today() -> date:
    return network_today(db.session.scalars(select(Network)).first())  # type: ignore[arg-type]


def counts() -> tuple[int, ...]:
    """How many records of each dated kind exist."""
    return tuple(db.session.scalar(select(func.count()).select_from(model)) or 0
                 for model in (Delivery, TargetContact, Outcome, Consent))


# Dates --------------------------------------------------------------------------------------
# The fight was logged on Thu 1 Oct 2026 (tests.fights.LOGGED_AT); its letter, when it has
# one, was delivered on Sun 18 Oct 2026 (DELIVERED_AT), both in Seattle.

TOMORROW, YESTERDAY = "tomorrow", "yesterday"
BEFORE_LOGGED, BEFORE_DELIVERY = date(2026, 9, 30), date(2026, 10, 17)


def day_of(when: str | date) -> date:
    if when == TOMORROW:
        return today() + timedelta(days=1)
    if when == YESTERDAY:
        return today() - timedelta(days=1)
    assert isinstance(when, date)
    return when


def delivery_form(when: date) -> dict[str, str]:
    return {"delivered_at": local_input(when), "place": "Front office",
            "handed_over_by": "Maria", "turnout": "12"}


def outcome_form(when: date) -> dict[str, str]:
    return {"kind": "full", "decided_on": when.isoformat(), "amount_recovered": "1200"}


def contact_form(when: date) -> dict[str, str]:
    return {"happened_at": local_input(when), "channel": "phone", "summary": "Owner called",
            "is_offer": "y", "offer_amount": "600"}


# (state, delivered?, url, form, field, when, the message or "" when the date is fine)
DATE_RULES: list[tuple[S, bool, str, Callable[[date], dict[str, str]], str, Any, str]] = [
    (S.READY, False, "moves/deliver", delivery_form, "delivered_at", TOMORROW,
     "The delivery date can't be in the future"),
    (S.READY, False, "moves/deliver", delivery_form, "delivered_at", BEFORE_LOGGED,
     "This case was logged on Thu 1 Oct 2026; the delivery date can't come before it."),
    (S.READY, False, "moves/deliver", delivery_form, "delivered_at", YESTERDAY, ""),
    (S.DELIVERED, True, "delivery-date", lambda d: {"delivered_at": local_input(d)},
     "delivered_at", TOMORROW, "The delivery date can't be in the future"),
    (S.DELIVERED, True, "delivery-date", lambda d: {"delivered_at": local_input(d)},
     "delivered_at", BEFORE_LOGGED, "This case was logged on Thu 1 Oct 2026"),
    (S.NEGOTIATING, True, "delivery-date", lambda d: {"delivered_at": local_input(d)},
     "delivered_at", date(2026, 11, 3),
     "A contact from the target is logged on Mon 2 Nov 2026; the delivery can't come after it."),
    (S.NEGOTIATING, True, "delivery-date", lambda d: {"delivered_at": local_input(d)},
     "delivered_at", date(2026, 11, 2), ""),
    (S.DELIVERED, True, "contacts", contact_form, "happened_at", TOMORROW,
     "An offer can't be in the future"),
    (S.DELIVERED, True, "contacts", contact_form, "happened_at", BEFORE_DELIVERY,
     "The letter was delivered on Sun 18 Oct 2026; an offer can't come before it."),
    (S.DELIVERED, True, "contacts", contact_form, "happened_at", date(2026, 10, 18), ""),
    (S.NEGOTIATING, True, "moves/win", outcome_form, "decided_on", TOMORROW,
     "The outcome can't be in the future"),
    (S.NEGOTIATING, True, "moves/win", outcome_form, "decided_on", BEFORE_DELIVERY,
     "The letter was delivered on Sun 18 Oct 2026; the outcome can't come before it."),
    (S.DRAFTING, False, "moves/close",
     lambda d: {"kind": "moot", "decided_on": d.isoformat(), "debrief": "Closed down"},
     "decided_on", BEFORE_LOGGED, "This case was logged on Thu 1 Oct 2026; the outcome"),
    (S.PROPOSED, False, "consents",
     lambda d: {"consent-subject": "demands", "consent-given_on": d.isoformat(),
                "consent-method": "phone"}, "consent-given_on", TOMORROW,
     "The consent can't be in the future"),
]


@pytest.mark.parametrize(("state", "delivered", "url", "form", "field", "when", "message"),
                         DATE_RULES, ids=[f"{r[2]}-{r[5]}" for r in DATE_RULES])
def test_dates_that_cannot_be_are_refused_next_to_the_field_and_nothing_is_stored(
    app: Flask, make_fight: Callable[..., Fight], login_as: Callable[[int], FlaskClient],
    state: S, delivered: bool, url: str, form: Callable[[date], dict[str, str]], field: str,
    when: Any, message: str,
) -> None:
    case_id, organizer = make_fight(state)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        if delivered:
            add_delivery(case)
        db.session.commit()
        before, version, day = counts(), case.version, day_of(when)
    response = login_as(organizer).post(f"/cases/{case_id}/{url}",
                                        data={**form(day), "version": str(version)})
    page = response.get_data(as_text=True)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        if message:
            assert response.status_code == 400
            assert message in field_error(page, field)
            assert counts() == before and case.version == version and case.state == state
            if delivered:
                assert case.delivery is not None and case.delivery.delivered_at == DELIVERED_AT
        else:
            assert response.status_code == 302, field_error(page, field) or page[:2000]


def test_an_action_is_not_recorded_done_before_its_day(
    app: Flask, make_fight: Callable[..., Fight], login_as: Callable[[int], FlaskClient],
) -> None:
    case_id, organizer = make_fight(S.ESCALATING)
    with app.app_context():
        soon = datetime.now(UTC) + timedelta(days=17)
        later, past = (plan(case_id, organizer, starts_at=soon, title="Picket"),
                       plan(case_id, organizer, starts_at=soon - timedelta(days=20),
                            title="Call-in"))
        planned_day = day_label(soon.astimezone(ZoneInfo("America/Los_Angeles")).date())
    client = login_as(organizer)
    report = {"result": "Forty people came", "turnout_actual": "40"}
    refused = client.post(f"/cases/{case_id}/actions/{later}/done", data=report)
    assert refused.status_code == 400
    assert f"This action is planned for {planned_day}" in refused.get_data(as_text=True)
    assert client.post(f"/cases/{case_id}/actions/{past}/done", data=report).status_code == 302
    with app.app_context():
        assert db.session.get_one(Action, later).status == ActionStatus.PLANNED
        assert db.session.get_one(Action, later).turnout_actual is None
        assert db.session.get_one(Action, past).status == ActionStatus.DONE


def test_services_refuse_impossible_dates_too(
    app: Flask, make_fight: Callable[..., Fight],
) -> None:
    """The CLI and the demo go through the same services as the forms."""
    from casework.fight.services import ContactInput, RecordRefused, log_contact
    from casework.models import ContactChannel

    case_id, organizer = make_fight(S.DELIVERED)
    with app.app_context():
        case, user = db.session.get_one(Case, case_id), db.session.get_one(User, organizer)
        with pytest.raises(RecordRefused, match="has not been delivered yet"):
            log_contact(case, user, ContactInput(happened_at=DELIVERED_AT,
                                                 channel=ContactChannel.PHONE, summary="Hi"))
        db.session.rollback()
    other, organizer = make_fight(S.READY)
    with app.app_context():
        user = db.session.get_one(User, organizer)
        case = db.session.get_one(Case, other)
        future = full_input("deliver").delivery
        assert future is not None
        move = MoveInput(delivery=type(future)(**{**vars(future), "delivered_at": datetime.now(
            UTC) + timedelta(days=3)}))
        with pytest.raises(RecordRefused, match="can't be in the future"):
            apply_transition(other, "deliver", user, move, case.version)
        db.session.rollback()
        assert db.session.get_one(Case, other).state == S.READY


def test_the_portal_shows_the_recorded_delivery_date(
    app: Flask, make_fight: Callable[..., Fight], make_user: Callable[..., int],
    client: FlaskClient,
) -> None:
    from casework.letters.services import demand_letter
    from casework.models.base import utcnow
    from tests.test_portal import PASSWORD, give_login

    case_id, _ = make_fight(S.DELIVERED)
    member = give_login(app, case_id, make_user(Role.COORDINATOR), "maria@example.org")
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        add_delivery(case)
        letter = demand_letter(case)
        assert letter is not None and letter.latest is not None
        letter.latest.frozen_at = utcnow()  # frozen when the delivery was typed in: today
        db.session.commit()
        shown_today = f"{today():%a} {today().day} {today():%b %Y}"
        del member
    client.post("/login", data={"email": "maria@example.org", "password": PASSWORD})
    page = client.get("/my-fight").get_data(as_text=True)
    assert "delivered on Sun 18 Oct 2026" in page
    assert f"delivered on {shown_today}" not in page


# Consent ------------------------------------------------------------------------------------

def test_consent_is_its_own_record_and_accepting_needs_it_besides_the_vote(
    app: Flask, make_fight: Callable[..., Fight], login_as: Callable[[int], FlaskClient],
) -> None:
    case_id, organizer = make_fight(S.PROPOSED)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        for consent in case.consents:
            db.session.delete(consent)
        db.session.commit()
        vote = case.decisions[0]
        vote_before = (vote.id, vote.votes_for, vote.votes_against, vote.proposal)
    client = login_as(organizer)
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "The member consents (their choice alone)" not in page  # no checkbox on the vote
    assert "Record Maria&#39;s consent to the demands." in page  # accepting is blocked
    with app.app_context():
        version = db.session.get_one(Case, case_id).version
    blocked = client.post(f"/cases/{case_id}/moves/accept", data={"version": str(version)})
    assert blocked.status_code == 400

    with app.app_context():
        yesterday = today() - timedelta(days=1)
    response = client.post(f"/cases/{case_id}/consents", data={
        "consent-subject": "demands", "consent-given_on": yesterday.isoformat(),
        "consent-method": "in_writing", "consent-note": "Signed the sheet at the office"})
    assert response.status_code == 302
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        assert len(case.decisions) == 1  # the vote was not entered again
        vote = case.decisions[0]
        assert (vote.id, vote.votes_for, vote.votes_against, vote.proposal) == vote_before
        consent = case.consents[0]
        assert (consent.subject, consent.method, consent.recorded_by_id) == (
            ConsentSubject.DEMANDS, ConsentMethod.IN_WRITING, organizer)
        assert consent.consented_to == "Pay the unpaid wages ($2,160.00)"
        assert db.session.scalars(select(Event.note).where(
            Event.case_id == case_id, Event.kind == EventKind.CONSENT_RECORDED)).one() == (
            f"The member's consent to the demands recorded: given in writing on "
            f"{day_label(yesterday)}")
        version = case.version
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "To the demands, given in writing" in page and "Signed the sheet" in page
    accepted = client.post(f"/cases/{case_id}/moves/accept", data={"version": str(version)})
    assert accepted.status_code == 302
    with app.app_context():
        assert db.session.get_one(Case, case_id).state == S.DRAFTING


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"consent-subject": "offer", "consent-method": "phone"}, "consent-offer_id",
     "Choose the offer the member consents to."),
    ({"consent-subject": "demands"}, "consent-method", "Choose how they gave it."),
    ({"consent-subject": "demands", "consent-method": "phone", "consent-given_on": ""},
     "consent-given_on", "This is needed."),
])
def test_the_consent_form_says_what_is_missing(
    app: Flask, make_fight: Callable[..., Fight], login_as: Callable[[int], FlaskClient],
    data: dict[str, str], field: str, message: str,
) -> None:
    case_id, organizer = make_fight(S.NEGOTIATING)
    given = {"consent-given_on": date(2026, 11, 3).isoformat(), **data}
    response = login_as(organizer).post(f"/cases/{case_id}/consents", data=given)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), field) == message
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Consent)) == 1  # setup's


def test_consent_to_an_offer_names_the_offer(
    app: Flask, make_fight: Callable[..., Fight], login_as: Callable[[int], FlaskClient],
) -> None:
    case_id, organizer = make_fight(S.NEGOTIATING)
    with app.app_context():
        offer = db.session.scalars(select(TargetContact).where(
            TargetContact.case_id == case_id)).one()
        offer.is_offer, offer.offer_amount, offer.offer_conditions = True, 900, "Sign an NDA"
        db.session.commit()
        offer_id = offer.id
    client = login_as(organizer)
    assert "Offer of 900" in client.get(f"/cases/{case_id}/consents").get_data(as_text=True)
    response = client.post(f"/cases/{case_id}/consents", data={
        "consent-subject": "offer", "consent-offer_id": str(offer_id),
        "consent-given_on": date(2026, 11, 3).isoformat(), "consent-method": "portal"})
    assert response.status_code == 302
    with app.app_context():
        consent = db.session.scalars(select(Consent).where(
            Consent.subject == ConsentSubject.OFFER)).one()
        assert consent.offer_id == offer_id
        assert consent.consented_to == "Offer of $900.00, with conditions: Sign an NDA"


def test_migration_turns_old_consent_flags_into_consent_records(
    empty_database_url: str,  # noqa: F811 - the fixture imported above
) -> None:
    from flask_migrate import downgrade, upgrade

    from casework import create_app
    from casework.demo import load_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        voted = set(db.session.scalars(select(Decision.case_id)))
        assert voted and set(db.session.scalars(select(Consent.case_id))) == voted
        db.session.remove()
        downgrade(revision="a7c3e91f2b40")  # before consent records: a flag on the vote
        with db.engine.connect() as connection:
            flags = connection.execute(sa.text(
                "SELECT case_id, member_consents FROM decision")).all()
        assert flags and all(flag for _, flag in flags)
        upgrade()
        consents = db.session.scalars(select(Consent)).all()
        assert {c.case_id for c in consents} == voted
        assert all(c.subject == ConsentSubject.DEMANDS and c.method == ConsentMethod.IN_PERSON
                   and "before consent was its own record" in c.note for c in consents)
        db.session.remove()
        db.engine.dispose()


# Tasks --------------------------------------------------------------------------------------

def state_tasks(case_id: int) -> dict[str, tuple[bool, bool]]:
    """Each state task of the case: (closed, closed as no longer needed)."""
    return {task.rule_key or "": (task.is_done, task.is_no_longer_needed)
            for task in db.session.scalars(select(Task).where(Task.case_id == case_id))}


def test_moving_past_a_state_closes_its_tasks_as_no_longer_needed_never_done(
    app: Flask, make_fight: Callable[..., Fight], login_as: Callable[[int], FlaskClient],
) -> None:
    case_id, organizer = make_fight(S.SCREENING)
    with app.app_context():
        user = db.session.get_one(User, organizer)

        def move(trigger: str, given: MoveInput | None = None) -> None:
            apply_transition(case_id, trigger, user, given or full_input(trigger),
                             db.session.get_one(Case, case_id).version)
            db.session.commit()

        move("propose")
        assert state_tasks(case_id) == {"meeting_vote": (False, False)}
        move("pause")
        assert state_tasks(case_id) == {"meeting_vote": (False, False)}  # it waits
        move("resume")
        move("accept")
        assert state_tasks(case_id) == {"meeting_vote": (True, True),
                                        "draft_letter": (False, False)}
        closed = db.session.scalars(select(Task).where(Task.rule_key == "meeting_vote")).one()
        assert closed.done_at is None and closed.no_longer_needed_at is not None
        assert db.session.scalars(select(Event.note).where(
            Event.kind == EventKind.TASK_NO_LONGER_NEEDED)).all() == [
            "Task no longer needed: “Bring the fight to the weekly meeting for a vote”"]
    page = login_as(organizer).get("/").get_data(as_text=True)
    assert "Draft the demand letter with the member" in page
    assert "Bring the fight to the weekly meeting" not in page
    case_page = login_as(organizer).get(f"/cases/{case_id}").get_data(as_text=True)
    assert re.search(r"Bring the fight to the weekly meeting for a vote</span>\s*<small>[^<]*"
                     r"no longer needed since", case_page)


@pytest.mark.parametrize(("state", "trigger"), [(S.NEGOTIATING, "win"), (S.DRAFTING, "close")])
def test_ending_a_fight_closes_its_state_tasks_as_no_longer_needed(
    app: Flask, make_fight: Callable[..., Fight], state: S, trigger: str,
) -> None:
    from casework.workflow.task_rules import create_state_tasks

    case_id, organizer = make_fight(state)
    with app.app_context():
        case, user = db.session.get_one(Case, case_id), db.session.get_one(User, organizer)
        add_delivery(case)
        create_state_tasks(case, state, date(2026, 11, 3), user)
        done_by_hand = Task(case=case, title="Call Maria", is_done=True,
                            done_at=datetime.now(UTC))
        db.session.add(done_by_hand)
        db.session.commit()
        open_before = set(state_tasks(case_id)) - {""}
        apply_transition(case_id, trigger, user, full_input(trigger), case.version)
        db.session.commit()
        tasks = state_tasks(case_id)
        for key in open_before:
            assert tasks[key] == (True, True), key  # no longer needed, not done
        assert db.session.get_one(Task, done_by_hand.id).was_done
        if trigger == "win":  # the won state's own task is still to do
            assert tasks["confirm_payment"] == (False, False)


def test_a_user_closes_a_task_as_no_longer_needed_and_my_work_drops_it(
    app: Flask, make_fight: Callable[..., Fight], make_task: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    case_id, organizer = make_fight(S.DRAFTING)
    task_id = make_task(case_id, "Print 200 leaflets", assignee_id=organizer)
    client = login_as(organizer)
    assert "Print 200 leaflets" in client.get("/").get_data(as_text=True)
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f"/tasks/{task_id}/no-longer-needed" in case_page
    response = client.post(f"/tasks/{task_id}/no-longer-needed", follow_redirects=True)
    assert "Task closed as no longer needed." in response.get_data(as_text=True)
    assert "Print 200 leaflets" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        task = db.session.get_one(Task, task_id)
        assert task.is_no_longer_needed and not task.was_done and task.done_at is None
    client.post(f"/tasks/{task_id}/done")  # reopen
    assert "Print 200 leaflets" in client.get("/").get_data(as_text=True)
    client.post(f"/tasks/{task_id}/done")  # and this time it was done
    with app.app_context():
        task = db.session.get_one(Task, task_id)
        assert task.was_done and task.no_longer_needed_at is None


# Demo ---------------------------------------------------------------------------------------

def test_the_demo_data_tells_a_possible_story(app: Flask) -> None:
    from casework.consistency import inconsistencies
    from casework.demo import load_demo

    with app.app_context():
        load_demo()
        db.session.commit()
        network = db.session.scalars(select(Network)).one()
        assert inconsistencies(network) == []
        assert db.session.scalar(select(func.count()).select_from(Delivery)) >= 5
        # The check can fail: break two rules and it names both (and the won fight's report
        # figures, which still say the outcome's old day).
        won = db.session.scalars(select(Case).where(Case.state == S.WON)).one()
        assert won.outcome is not None and won.delivery is not None
        won.outcome.decided_on = won.delivery.delivered_at.date() - timedelta(days=2)
        drafting = db.session.scalars(select(Case).where(Case.state == S.DRAFTING)).one()
        db.session.add(Task(case=drafting, title="Bring it to the meeting",
                            rule_key="meeting_vote"))
        db.session.flush()
        problems = inconsistencies(network)
        assert len(problems) == 3
        assert f"{won.reference}: its report figures do not match its records" in problems[-1]
        assert any(p.startswith(f"{won.reference}: outcome on") and "before the delivery" in p
                   for p in problems)
        assert (f"{drafting.reference}: task “Bring it to the meeting” is still open in "
                "“Drafting”.") in problems
        db.session.rollback()
