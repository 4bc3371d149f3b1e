"""Letters in the database: drafts from the case, approvals, reviews, and the freeze."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from casework.clock import network_today
from casework.errors import CaseworkError, PermissionDenied
from casework.extensions import db
from casework.letters import context as letter_context
from casework.letters import i18n
from casework.letters.context import EXTRA_KEYS, LetterContext, LetterKind, from_snapshot
from casework.letters.texts import (
    draft_texts,
    lang,
    missing_message,
    missing_texts,
    text_problem,
    version_texts,
)
from casework.models import (
    LETTER_LANGUAGES,
    Case,
    Event,
    EventKind,
    Letter,
    LetterReview,
    LetterVersion,
    ReviewStatus,
    User,
)
from casework.models.base import utcnow
from casework.system_text import N_, msgid_value, system_note
from casework.workflow.states import CaseState

# A letter's kind as the timeline names it (the letter pages' own names).
LETTER_NAMES = {
    LetterKind.DEMAND: N_("Demand letter"), LetterKind.ESCALATION: N_("Escalation notice"),
    LetterKind.FINAL_NOTICE: N_("Final notice"),
    LetterKind.SETTLEMENT: N_("Settlement acknowledgement"),
    LetterKind.LEAFLET: N_("Action leaflet / poster"),
}


class LetterRefused(CaseworkError):
    """The letter cannot be changed as asked; the message says why (beside ``field`` if given)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# Before delivery, when a delivery date can be planned (or planned again).
PLANNABLE_STATES = (CaseState.PROPOSED, CaseState.DRAFTING, CaseState.READY, CaseState.PAUSED)


def letter_language(case: Case) -> str:
    """Spanish speakers get a bilingual letter (Spanish, then English); everyone else English."""
    return "es+en" if case.person.preferred_language == "es" else "en"


def build_context(case: Case, kind: LetterKind, languages: tuple[str, ...],
                  texts: dict[str, Any], *, letter_date: date,
                  deadline: date | None) -> LetterContext:
    """The plain data a letter shows: the case's names, amounts and dates as they are now, and
    the letter's own texts (``version_texts``) in each of its languages."""
    network = case.network
    printed = tuple(lang(language) for language in languages)
    words = {
        lang(language): letter_context.LetterText(
            issue_label=i18n.issue_label(case.issue_type.value, lang(language)),
            wrongs=own["wrongs"],
            demands=tuple(own["demands"].get(str(d.id), {}).get("description", "")
                          for d in case.demands),
            calculations=tuple(own["demands"].get(str(d.id), {}).get("calculation", "")
                               for d in case.demands),
            extra={k: str(v) for k, v in own["extra"].items() if k in EXTRA_KEYS and v},
        )
        for language, own in texts.items()
    }
    return LetterContext(
        kind=kind,
        language=printed[0],
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
        # The case's own data, kept with the snapshot to tell when the demands change; the
        # letter prints ``texts`` in each language instead.
        wrongs="",
        demands=tuple(
            letter_context.Demand(kind="money" if d.amount is not None else "action",
                                  description=d.description, amount=d.amount,
                                  calculation=d.calculation)
            for d in case.demands
        ),
        deadline=deadline,
        deadline_days=case.deadline_days or network.default_deadline_days,
        issue_label=i18n.issue_label(case.issue_type.value, printed[0]),
        languages=printed,
        texts=words,
        signature_line=network.signature_line,
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
    return build_context(letter.case, letter.kind, letter.languages, version_texts(version),
                         letter_date=letter_date, deadline=deadline)


def create_letter(case: Case, actor: User, kind: LetterKind, language: str | None = None,
                  extra: dict[str, Any] | None = None) -> Letter:
    """Start a letter of the case with a first draft version, its texts drafted from the
    case's facts (``extra``: the kind's own texts, the same in every language)."""
    require_team(case, actor)
    if case.is_joined and kind != LetterKind.LEAFLET:
        raise LetterRefused(_("All communication with the target goes through %(network)s: "
                              "a joined fight makes leaflets only.", network=case.joint_with),
                            "kind")
    language = language or letter_language(case)
    if language not in LETTER_LANGUAGES:
        raise LetterRefused(_("Choose English, Spanish, or Spanish + English."), "language")
    letter = Letter(case=case, kind=kind, language=language, created_by_id=actor.id)
    db.session.add(letter)
    texts = draft_texts(case, letter.languages)
    for own in texts.values():
        own["extra"] = dict(extra or {})
    check_texts(letter, texts)
    add_version(letter, actor, {}, texts)
    db.session.add(Event(case=case, actor=actor, kind=EventKind.NOTE,
                         **system_note(N_("Letter started: %(kind)s"),
                                       kind=msgid_value(LETTER_NAMES[kind], lower=True))))
    db.session.flush()
    return letter


def add_version(letter: Letter, actor: User | None, extra: dict[str, Any],
                texts: dict[str, Any] | None = None) -> LetterVersion:
    """A new draft version (the previous ones stay as they were)."""
    check_texts(letter, texts or {})
    number = (letter.latest.number + 1) if letter.latest else 1
    actor_id = actor.id if actor else None
    version = LetterVersion(letter=letter, number=number, extra=extra, texts=texts or {},
                            created_by_id=actor_id, edited_by_id=actor_id)
    db.session.add(version)
    db.session.flush()
    return version


def save_texts(letter: Letter, actor: User, texts: dict[str, Any]) -> LetterVersion:
    """Keep the letter's texts: in the draft, or in a new draft after an approved version
    (earlier versions stay as approved or frozen). The editor becomes one of its authors."""
    require_team(letter.case, actor)
    check_texts(letter, texts)
    latest = letter.latest
    if latest is not None and not latest.is_approved and not latest.is_purged:
        latest.texts = texts
        latest.edited_by_id = actor.id
        touch(letter.case, actor, system_note(N_("Letter texts of version %(number)s edited"),
                                              number=str(latest.number)))
        return latest
    version = add_version(letter, actor, {}, texts)
    touch(letter.case, actor, system_note(N_("New draft: version %(number)s"),
                                          number=str(version.number)))
    return version


def check_texts(letter: Letter, texts: dict[str, Any]) -> None:
    """Refuse texts that a letter may not hold (``texts.text_problem``), beside their field."""
    problem = text_problem(letter, texts)
    if problem is not None:
        raise LetterRefused(*problem)


def approval_snapshot(version: LetterVersion) -> dict[str, Any]:
    """What approving keeps; refused while a part of the letter is not written in one of its
    languages (for the letter page and the member's portal alike)."""
    missing = missing_texts(version)
    if missing:
        raise LetterRefused(missing_message(missing))
    return letter_context.to_snapshot(context_of(version))


def reviewers_needed() -> int:
    """How many people other than its authors must pass a version (config
    ``CASEWORK_LETTER_REVIEWERS``, at least one)."""
    return max(1, int(current_app.config.get("CASEWORK_LETTER_REVIEWERS", 1)))


def approve_version(version: LetterVersion, actor: User, member_note: str) -> None:
    """Approve the latest draft; its data is kept from now on as it was approved."""
    letter = version.letter
    require_team(letter.case, actor)
    if version is not letter.latest or version.is_approved or version.is_purged:
        raise LetterRefused(_("Only the latest draft can be approved."))
    if letter.needs_member_approval and not member_note.strip():
        raise LetterRefused(_("Say how the member approved this version of the demand letter."))
    version.snapshot = approval_snapshot(version)
    version.approved_at = utcnow()
    version.approved_by_id = actor.id
    version.member_approval_note = member_note
    touch(letter.case, actor, system_note(
        N_("Letter version %(number)s approved. %(note)s") if member_note.strip()
        else N_("Letter version %(number)s approved."), number=str(version.number),
        note=member_note.strip()))


def review_version(version: LetterVersion, actor: User, passed: bool, note: str) -> None:
    """A reviewer's check of an approved version for anything self-incriminating. It passes
    once ``reviewers_needed()`` people who did not write its text have passed it; one
    rejection rejects it."""
    require_team(version.letter.case, actor)
    if not version.is_approved or version.is_frozen:
        raise LetterRefused(_("Only an approved version that is not delivered can be reviewed."))
    if version.review_status != ReviewStatus.PENDING:
        raise LetterRefused(
            _("Version %(number)s was already passed by its reviewers.", number=version.number)
            if version.review_status == ReviewStatus.PASSED else
            _("Version %(number)s was already rejected by its reviewers.",
              number=version.number))
    if actor.id in version.author_ids:
        raise LetterRefused(_("You wrote version %(number)s: someone other than its author "
                              "must check it for anything self-incriminating.",
                              number=version.number))
    if any(review.reviewer_id == actor.id for review in version.reviews):
        raise LetterRefused(_("You already passed version %(number)s: another reviewer must "
                              "check it too.", number=version.number))
    if not passed and not note.strip():
        raise LetterRefused(_("Say what must change before it can pass."))
    version.reviews.append(LetterReview(reviewer_id=actor.id, is_passed=passed, note=note))
    version.reviewed_at = utcnow()
    version.reviewed_by_id = actor.id
    version.review_note = note
    needed = reviewers_needed()
    if not passed:
        version.review_status = ReviewStatus.REJECTED
    elif len(version.passed_reviewer_ids - version.author_ids) >= needed:
        version.review_status = ReviewStatus.PASSED
    verdict = {(True, True): N_("Review of letter version %(number)s passed. %(note)s"),
               (True, False): N_("Review of letter version %(number)s passed."),
               (False, True): N_("Review of letter version %(number)s rejected. %(note)s"),
               (False, False): N_("Review of letter version %(number)s rejected.")}
    touch(version.letter.case, actor, system_note(
        verdict[(passed, bool(note.strip()))], number=str(version.number), note=note.strip()))


def reviews_missing(version: LetterVersion) -> str:
    """What the review still needs, for the workflow guard and the letter page ('' if none)."""
    if version.review_status == ReviewStatus.REJECTED:
        return _("The reviewer rejected version %(number)s: start a new version.",
                 number=version.number)
    if version.review_status == ReviewStatus.PASSED:
        return ""
    needed = reviewers_needed()
    done = len(version.passed_reviewer_ids - version.author_ids)
    if needed == 1:
        return _("A reviewer other than its author must check version %(number)s for anything "
                 "self-incriminating.", number=version.number)
    return ngettext("%(num)d reviewers other than its author must check version %(number)s for "
                    "anything self-incriminating (%(done)s of %(num)d done).",
                    "%(num)d reviewers other than its author must check version %(number)s for "
                    "anything self-incriminating (%(done)s of %(num)d done).", needed,
                    number=version.number, done=done)


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
        raise LetterRefused(_("This version was already delivered."))
    if not version.is_approved or version.review_status != ReviewStatus.PASSED:
        raise LetterRefused(_("Only an approved version that passed review can be delivered."))
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
    touch(version.letter.case, actor, system_note(
        N_("Letter version %(number)s frozen as delivered (sha256 %(digest)s…)"),
        number=str(version.number), digest=version.sha256[:12]))


def plan_delivery(case: Case, actor: User, day: date) -> None:
    """Set the day the demand letter is to be delivered; it can change until the delivery."""
    from casework.fight.services import set_deadline_rule

    if case.delivery is not None or case.state not in PLANNABLE_STATES:
        raise LetterRefused(_("The letter is delivered: its delivery date is on the record "
                              "and the planned date can no longer change."), "planned_on")
    if day < network_today(case.network):
        raise LetterRefused(_("Plan the delivery for today or a later day."), "planned_on")
    set_deadline_rule(case, actor, case.deadline_days or case.network.default_deadline_days, day)


def demand_letter(case: Case) -> Letter | None:
    """The case's demand letter (the latest, if there were several)."""
    return db.session.scalars(
        select(Letter).where(Letter.case_id == case.id, Letter.kind == LetterKind.DEMAND)
        .order_by(Letter.id.desc()).limit(1)
    ).first()


def demand_letter_missing(case: Case) -> list[str]:
    """What stops the demand letter from being ready to deliver (for the workflow guard)."""
    name = case.person.name.split()[0] if case.person.name.strip() else _("the member")
    letter = demand_letter(case)
    version = letter.latest if letter else None
    if version is None:
        return [_("Start the demand letter and record %(name)s's approval of a version.",
                  name=name)]
    if not version.is_approved:
        unwritten = missing_texts(version) if not version.is_purged else {}
        return [*(_("Write the %(language)s text of demand letter version %(number)s on its "
                    "page.", language=word, number=version.number) for word in unwritten),
                _("Record %(name)s's approval of demand letter version %(number)s.", name=name,
                  number=version.number)]
    missing = []
    if version.snapshot and demands_changed(case, version.snapshot):
        missing.append(_("The demands changed after version %(number)s was approved: start a "
                         "new version and approve it.", number=version.number))
    if reviews_missing(version):
        missing.append(reviews_missing(version))
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
        add_version(letter, actor, dict(letter.latest.extra), version_texts(letter.latest))


def require_team(case: Case, actor: User) -> None:
    if not case.can_move(actor):
        raise PermissionDenied(_("Only the case team can work on its letters."))


def touch(case: Case, actor: User, note: dict[str, Any]) -> None:
    """A timeline entry the app writes (``system_note``), and a new version of the case."""
    case.updated_at = utcnow()
    db.session.add(Event(case=case, actor=actor, kind=EventKind.NOTE, **note))
    db.session.flush()
