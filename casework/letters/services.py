"""Letters in the database: drafts from the case, approvals, reviews, and the freeze."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from casework.clock import network_today
from casework.errors import CaseworkError, PermissionDenied
from casework.extensions import db
from casework.letters import context as letter_context
from casework.letters.context import EXTRA_KEYS, LetterContext, LetterKind, from_snapshot
from casework.letters.limits import overlong_texts
from casework.models import Case, Event, EventKind, Letter, LetterVersion, ReviewStatus, User
from casework.models.base import utcnow


class LetterRefused(CaseworkError):
    """The letter cannot be changed as asked; the message says why (beside ``field`` if given)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def letter_language(case: Case) -> str:
    """Spanish speakers get a bilingual letter; everyone else an English one."""
    return "es" if case.person.preferred_language == "es" else "en"


def build_context(case: Case, kind: LetterKind, language: str, extra: dict[str, Any], *,
                  letter_date: date, deadline: date | None) -> LetterContext:
    """The plain data a letter shows, read from the case as it is now."""
    network = case.network
    return LetterContext(
        kind=kind,
        language="es" if language == "es" else "en",
        network_name=network.name,
        network_phone=network.hotline_phone,
        network_email=network.contact_email,
        network_address=network.address,
        page_size="A4" if network.page_size.value == "A4" else "Letter",
        reference=case.reference,
        letter_date=letter_date,
        target_name=case.target.name,
        target_address=case.target.address,
        member_name=case.person.name,
        wrongs=case.what_happened or case.summary,
        demands=tuple(
            letter_context.Demand(kind="money" if d.amount is not None else "action",
                                  description=d.description, amount=d.amount,
                                  calculation=d.calculation)
            for d in case.demands
        ),
        deadline=deadline,
        deadline_days=case.deadline_days or 14,
        issue_label=case.issue_type.label,
        extra={k: str(v) for k, v in extra.items() if k in EXTRA_KEYS and v},
    )


def planned_dates(case: Case) -> tuple[date, date | None]:
    """Letter date and deadline for a letter not delivered yet (from the planned delivery)."""
    if case.delivery is not None and case.deadline_on is not None:
        return network_today(case.network), case.deadline_on
    day = case.planned_delivery_on or network_today(case.network)
    deadline = None
    if case.planned_delivery_on and case.deadline_days:
        deadline = case.planned_delivery_on + timedelta(days=case.deadline_days)
    return day, deadline


def context_of(version: LetterVersion) -> LetterContext:
    """What a version shows: its frozen or approved snapshot, or the case's data for a draft."""
    if version.snapshot is not None:
        return from_snapshot(version.snapshot)
    letter = version.letter
    letter_date, deadline = planned_dates(letter.case)
    return build_context(letter.case, letter.kind, letter.language, version.extra,
                         letter_date=letter_date, deadline=deadline)


def create_letter(case: Case, actor: User, kind: LetterKind, language: str | None = None,
                  extra: dict[str, Any] | None = None) -> Letter:
    """Start a letter of the case with a first draft version."""
    require_team(case, actor)
    letter = Letter(case=case, kind=kind, language=language or letter_language(case),
                    created_by_id=actor.id)
    db.session.add(letter)
    add_version(letter, actor, extra or {})
    db.session.add(Event(case=case, actor=actor, kind=EventKind.NOTE,
                         note=f"Letter started: {kind.value.replace('_', ' ')}"))
    db.session.flush()
    return letter


def add_version(letter: Letter, actor: User | None, extra: dict[str, Any]) -> LetterVersion:
    """A new draft version (the previous ones stay as they were)."""
    check_texts(extra)
    number = (letter.latest.number + 1) if letter.latest else 1
    version = LetterVersion(letter=letter, number=number, extra=extra,
                            created_by_id=actor.id if actor else None)
    db.session.add(version)
    db.session.flush()
    return version


def new_version(letter: Letter, actor: User, extra: dict[str, Any]) -> LetterVersion:
    """Start a new draft after changes; earlier versions stay as approved or frozen."""
    require_team(letter.case, actor)
    check_texts(extra)
    if letter.latest is not None and not letter.latest.is_approved:
        letter.latest.extra = extra
        db.session.flush()
        return letter.latest
    version = add_version(letter, actor, extra)
    db.session.add(Event(case=letter.case, actor=actor, kind=EventKind.NOTE,
                         note=f"New draft: version {version.number}"))
    return version


def check_texts(extra: dict[str, Any]) -> None:
    """Refuse texts longer than a letter may hold (``limits``), naming the first such field."""
    problems = overlong_texts({key: str(value) for key, value in extra.items()})
    if problems:
        field, message = next(iter(problems.items()))
        raise LetterRefused(message, field)


def approve_version(version: LetterVersion, actor: User, member_note: str) -> None:
    """Approve the latest draft; its data is kept from now on as it was approved."""
    letter = version.letter
    require_team(letter.case, actor)
    if version is not letter.latest or version.is_approved or version.is_purged:
        raise LetterRefused("Only the latest draft can be approved.")
    if letter.needs_member_approval and not member_note.strip():
        raise LetterRefused("Say how the member approved this version of the demand letter.")
    version.snapshot = letter_context.to_snapshot(context_of(version))
    version.approved_at = utcnow()
    version.approved_by_id = actor.id
    version.member_approval_note = member_note
    touch(letter.case, actor, f"Letter version {version.number} approved. {member_note}")


def review_version(version: LetterVersion, actor: User, passed: bool, note: str) -> None:
    """A reviewer's check of an approved version for anything self-incriminating."""
    require_team(version.letter.case, actor)
    if not version.is_approved or version.is_frozen:
        raise LetterRefused("Only an approved version that is not delivered can be reviewed.")
    if not passed and not note.strip():
        raise LetterRefused("Say what must change before it can pass.")
    version.review_status = ReviewStatus.PASSED if passed else ReviewStatus.REJECTED
    version.reviewed_at = utcnow()
    version.reviewed_by_id = actor.id
    version.review_note = note
    verdict = "passed" if passed else "rejected"
    touch(version.letter.case, actor,
          f"Review of letter version {version.number} {verdict}. {note}".strip())


def freeze_version(version: LetterVersion, actor: User, letter_date: date,
                   deadline: date | None) -> None:
    """Store exactly what was delivered: source HTML, data snapshot, PDF bytes and sha256."""
    from casework.letters.rendering import (
        LetterTooLong,
        RendererBusy,
        render_html,
        render_pdf_from_html,
    )

    if version.is_frozen:
        raise LetterRefused("This version was already delivered.")
    if not version.is_approved or version.review_status != ReviewStatus.PASSED:
        raise LetterRefused("Only an approved version that passed review can be delivered.")
    ctx = replace(context_of(version), letter_date=letter_date, deadline=deadline)
    html = render_html(ctx)
    try:
        pdf = render_pdf_from_html(html)
    except (LetterTooLong, RendererBusy) as error:
        raise LetterRefused(str(error)) from error
    version.snapshot = letter_context.to_snapshot(ctx)
    version.source_html = html
    version.pdf = pdf
    version.sha256 = hashlib.sha256(pdf).hexdigest()
    version.frozen_at = utcnow()
    touch(version.letter.case, actor, f"Letter version {version.number} frozen as delivered "
          f"(sha256 {version.sha256[:12]}…)")


def demand_letter(case: Case) -> Letter | None:
    """The case's demand letter (the latest, if there were several)."""
    return db.session.scalars(
        select(Letter).where(Letter.case_id == case.id, Letter.kind == LetterKind.DEMAND)
        .order_by(Letter.id.desc()).limit(1)
    ).first()


def demand_letter_missing(case: Case) -> list[str]:
    """What stops the demand letter from being ready to deliver (for the workflow guard)."""
    name = case.person.name.split()[0] if case.person.name.strip() else "the member"
    letter = demand_letter(case)
    version = letter.latest if letter else None
    if version is None:
        return [f"Start the demand letter and record {name}'s approval of a version."]
    if not version.is_approved:
        return [f"Record {name}'s approval of demand letter version {version.number}."]
    missing = []
    if version.snapshot and demands_changed(case, version.snapshot):
        missing.append(f"The demands changed after version {version.number} was approved: "
                       "start a new version and approve it.")
    if version.review_status == ReviewStatus.REJECTED:
        missing.append(f"The reviewer rejected version {version.number}: start a new version.")
    elif version.review_status == ReviewStatus.PENDING:
        missing.append(f"A reviewer must check version {version.number} for anything "
                       "self-incriminating.")
    return missing


def demands_changed(case: Case, snapshot: dict[str, Any]) -> bool:
    current = [(d.description, None if d.amount is None else str(d.amount), d.calculation)
               for d in case.demands]
    approved = [(d["description"], d["amount"], d["calculation"]) for d in snapshot["demands"]]
    return current != approved


def freeze_demand_letter(case: Case, actor: User, delivered_on: date) -> LetterVersion | None:
    """At delivery: freeze the approved demand letter with the real date and deadline."""
    letter = demand_letter(case)
    if letter is None or letter.latest is None:
        return None
    freeze_version(letter.latest, actor, delivered_on, case.deadline_on)
    return letter.latest


def start_revision(case: Case, actor: User) -> None:
    """After 'revise letter', the demand letter needs a new draft to approve again."""
    letter = demand_letter(case)
    if letter is not None and letter.latest is not None and letter.latest.is_approved:
        add_version(letter, actor, dict(letter.latest.extra))


def require_team(case: Case, actor: User) -> None:
    if not case.can_move(actor):
        raise PermissionDenied("Only the case team can work on its letters.")


def touch(case: Case, actor: User, note: str) -> None:
    case.updated_at = utcnow()
    db.session.add(Event(case=case, actor=actor, kind=EventKind.NOTE, note=note.strip()))
    db.session.flush()
