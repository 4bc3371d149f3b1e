"""The public form's rules: which network's form is open, the limit per client address, and
turning a sending into an inquiry in the intake queue."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import delete, func, select

from casework.cases.services import find_target, merge_language, next_reference
from casework.extensions import db
from casework.models import (
    Case,
    Event,
    EventKind,
    InquirySource,
    IssueType,
    Network,
    Person,
    PublicFormSubmission,
    Target,
    TargetKind,
    Urgency,
)
from casework.models.base import utcnow
from casework.reports.fight_figures import refresh_fight_figures
from casework.security.ratelimit import address_block
from casework.system_text import N_, system_note
from casework.workflow.states import CaseState

WINDOW = timedelta(hours=1)
DEFAULT_PER_HOUR = 5  # sendings accepted from one address in WINDOW, unless configured
MAX_CODE_LENGTH = 8  # Network.code


@dataclass(frozen=True)
class WebInquiry:
    """What the person sent, validated, as plain values."""

    name: str
    target: str
    issue_type: IssueType
    what_happened: str
    phone: str = ""
    email: str = ""
    safe_contact: str = ""
    language: str = "en"
    amount: Decimal | None = None
    still_there: bool | None = None
    urgent: bool = False


def open_network(code: str) -> Network | None:
    """The network whose public form is at this code (posters print it in lower case; any
    case is read), if its form is open."""
    if not code.isascii() or len(code) > MAX_CODE_LENGTH:
        return None
    return db.session.scalars(select(Network).where(
        func.lower(Network.code) == code.lower(), Network.public_form_open.is_(True))).first()


def client_digest(ip: str) -> str:
    """A keyed hash of the client's address block (IPv6 by its /64): never the address."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"public-form:{address_block(ip)}".encode(), hashlib.sha256).hexdigest()


def per_hour() -> int:
    """``CASEWORK_PUBLIC_FORM_PER_HOUR``: sendings accepted from one address in an hour."""
    return int(current_app.config.get("CASEWORK_PUBLIC_FORM_PER_HOUR", DEFAULT_PER_HOUR))


def over_limit(client_hash: str, now: datetime | None = None) -> bool:
    """Has this address sent the form as often as the limit allows in the last hour? Other
    addresses have their own counts, so a flood from one never refuses another."""
    now = now or utcnow()
    sent = db.session.scalar(select(func.count()).select_from(PublicFormSubmission).where(
        PublicFormSubmission.client_hash == client_hash,
        PublicFormSubmission.created_at > now - WINDOW))
    return (sent or 0) >= per_hour()


def record_sending(client_hash: str, now: datetime | None = None) -> None:
    """Count one sending from this address; forget those older than the window."""
    now = now or utcnow()
    db.session.execute(delete(PublicFormSubmission).where(
        PublicFormSubmission.created_at <= now - WINDOW))
    db.session.add(PublicFormSubmission(client_hash=client_hash, created_at=now))
    db.session.flush()


def create_web_inquiry(network: Network, sent: WebInquiry) -> Case:
    """A new inquiry in the intake queue, from the web form: no one logged it, nobody is on its
    team. Its summary is a fixed sentence, not the person's words: summaries are shown to every
    organizer, the person's words only to those who may see the full record."""
    person = Person(network_id=network.id, name=sent.name, phone=sent.phone, email=sent.email,
                    safe_contact_notes=sent.safe_contact,
                    languages=merge_language("", sent.language))
    target = find_target(network.id, sent.target) or Target(
        network_id=network.id, name=sent.target, kind=TargetKind.COMPANY)
    case = Case(network_id=network.id, reference=next_reference(network, utcnow().year),
                state=CaseState.INQUIRY, source=InquirySource.WEB_FORM, person=person,
                target=target, issue_type=sent.issue_type,
                summary=f"{sent.issue_type.label}: sent through the web form",
                what_happened=sent.what_happened, amount_claimed=sent.amount,
                urgency=Urgency.HIGH if sent.urgent else Urgency.NORMAL,
                still_employed_or_housed=sent.still_there)
    case.refresh_search_text()
    db.session.add_all([person, target, case, Event(
        case=case, actor=None, kind=EventKind.CREATED, to_state=case.state,
        **system_note(N_("Inquiry sent through the web form")))])
    db.session.flush()
    refresh_fight_figures(case)
    return case
