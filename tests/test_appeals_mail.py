"""The appeals delegate is emailed once for each new appeal, and may answer it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from casework.extensions import db
from casework.models import Appeal, AppealKind, Case, Network, Peer, User
from casework.reminders.services import send_due_reminders
from casework.solidarity.appeals import AppealInput, send_appeal
from casework.workflow.states import CaseState
from tests.joint_fights import Two, deliver, link_two
from tests.mail_server import BASE_URL, MailServer, smtp_config
from tests.test_appeals import answer, as_user


@pytest.fixture
def app_config(mail_server: MailServer) -> dict[str, Any]:
    return smtp_config(mail_server, sender="casework@example.org")


@pytest.fixture
def two(app: Flask, network_id: int, make_network: Callable[..., int],
        make_user: Callable[..., int]) -> Two:
    return link_two(app, network_id, make_network, make_user)


def test_the_appeals_delegate_is_emailed_once_and_answers(
        app: Flask, two: Two, mail_server: MailServer,
        make_fight: Callable[..., tuple[int, int]]) -> None:
    case_id, organizer = make_fight(CaseState.DELIVERED, two.sea_organizer)
    with app.app_context():
        db.session.get_one(Network, two.pdx).appeals_delegate_id = two.pdx_organizer
        delegate_email = db.session.get_one(User, two.pdx_organizer).email
        case = db.session.get_one(Case, case_id)
        peer = db.session.scalars(select(Peer.id).where(Peer.network_id == two.sea)).one()
        send_appeal(case, db.session.get_one(User, organizer), AppealInput(
            kind=AppealKind.ONE_OFF, peer_ids=[peer], ask="Call-in on Friday"))
        db.session.commit()
    deliver(app)
    with app.app_context():
        send_due_reminders()
        send_due_reminders()
        appeal_id = db.session.scalars(select(Appeal.id).where(
            Appeal.network_id == two.pdx)).one()
    mails = [m for m in mail_server.take() if "appeal" in str(m["Subject"])]
    assert [(m["To"], m["Subject"]) for m in mails] == [
        (delegate_email, "New appeal from Seattle SolNet")]
    body = mails[0].get_content()
    assert f"{BASE_URL}/solidarity/#appeal-{appeal_id}" in body
    assert "Call-in on Friday" not in body  # the terms stay in Casework
    assert answer(as_user(app, two.pdx_organizer), appeal_id, "accept") == 302
