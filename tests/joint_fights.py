"""Test setup for appeals and joint fights: two networks on one installation, linked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from casework.database import write_intent
from casework.extensions import db
from casework.models import Network, Peer, Role
from casework.solidarity import outbox
from casework.solidarity.services import answer_link_request, request_local_link


@dataclass(frozen=True)
class Two:
    """Seattle (which leads) and Portland, linked; a coordinator and an organizer each."""

    sea: int
    pdx: int
    sea_organizer: int
    pdx_coordinator: int
    pdx_organizer: int


def deliver(app: Flask) -> None:
    with app.app_context(), write_intent():
        outbox.deliver_due()


def link_two(app: Flask, network_id: int, make_network: Callable[..., int],
             make_user: Callable[..., int]) -> Two:
    """Seattle (the ``network_id`` network) and a new Portland network, linked."""
    pdx = make_network("PDX")
    with app.app_context():
        db.session.get_one(Network, network_id).name = "Seattle SolNet"
        db.session.get_one(Network, pdx).name = "Portland SolNet"
        db.session.commit()
        request_local_link(db.session.get_one(Network, network_id), pdx)
        db.session.commit()
    deliver(app)
    with app.app_context():
        portland = db.session.get_one(Network, pdx)
        answer_link_request(portland, db.session.scalars(
            select(Peer).where(Peer.network_id == pdx)).one(), accept=True)
        db.session.commit()
    deliver(app)
    return Two(network_id, pdx, make_user(Role.ORGANIZER), make_user(
        Role.COORDINATOR, network=pdx), make_user(Role.ORGANIZER, network=pdx))
