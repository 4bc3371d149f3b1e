"""Details for a shared target proposed from a case form, and their review.

Targets are shared: every fight against the same boss points at one row. So an inquiry (or a
case edit) that names a target other fights rely on never overwrites its kind or address: what
it gave differently is kept as a proposal, shown on the target's page to those who may edit the
target, who accept it (the target changes, and the open fights against it are told) or
dismiss it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework.errors import CaseworkError
from casework.extensions import db
from casework.models import (
    Case,
    Event,
    EventKind,
    ProposalStatus,
    Target,
    TargetKind,
    TargetProposal,
    User,
)
from casework.models.base import utcnow
from casework.models.target import detail_changes
from casework.reports.fight_figures import refresh_target_kind
from casework.system_text import N_, Value, msgid_value, system_note
from casework.targets.services import lock_target, note_on_open_cases, require_research

PROPOSALS_SHOWN = 20


class ProposalAnswered(CaseworkError):
    """Someone accepted or dismissed the proposal first."""

    def __init__(self, proposal: TargetProposal) -> None:
        who = proposal.decided_by.name if proposal.decided_by else _("Someone")
        super().__init__(
            _("%(who)s already accepted these proposed details.", who=who)
            if proposal.status == ProposalStatus.ACCEPTED else
            _("%(who)s already dismissed these proposed details.", who=who))


def propose_target_details(target: Target, case: Case, author: User, kind: TargetKind,
                           address: str) -> TargetProposal | None:
    """Keep the kind and address a case form gave for a shared target, when they differ from
    the target's, for review on its page; the case's timeline says so. None: nothing differs."""
    changes = detail_changes(target, kind, address)
    if not changes:
        return None
    same = db.session.scalars(select(TargetProposal).where(
        TargetProposal.target_id == target.id, TargetProposal.case_id == case.id,
        TargetProposal.status == ProposalStatus.PENDING, TargetProposal.kind == kind,
        TargetProposal.address == address).limit(1)).first()
    if same is not None:
        return same
    proposal = TargetProposal(target=target, case=case, proposed_by=author, kind=kind,
                              address=address)
    db.session.add(proposal)
    db.session.add(Event(case=case, actor=author, kind=EventKind.TARGET_RESEARCH,
                         **system_note(N_("Proposed a new %(details)s for %(target)s, one of "
                                          "the network's targets already: an organizer "
                                          "reviews it on the target's page."),
                                       details=detail_words(changes), target=target.name)))
    return proposal


def pending_proposals(target: Target) -> list[TargetProposal]:
    """The target's proposals waiting for review, oldest first."""
    return list(db.session.scalars(
        select(TargetProposal).where(TargetProposal.target_id == target.id,
                                     TargetProposal.status == ProposalStatus.PENDING)
        .options(selectinload(TargetProposal.case), selectinload(TargetProposal.proposed_by))
        .order_by(TargetProposal.id).limit(PROPOSALS_SHOWN)))


def accept_proposal(proposal: TargetProposal, actor: User) -> list[str]:
    """Apply the proposed details to the target; returns what changed ("kind", "address")."""
    target = locked_for_review(proposal, actor)
    changed = proposal.changes_to(target)
    if "kind" in changed:
        target.kind = proposal.kind
    if "address" in changed:
        target.address = proposal.address
    if "kind" in changed:  # after both changes: the target's audit entry is one flush
        refresh_target_kind(target)
    decide(proposal, actor, ProposalStatus.ACCEPTED)
    if changed:
        note_on_open_cases(target, actor, system_note(
            N_("Target details: accepted the %(details)s proposed from %(reference)s."),
            details=detail_words(changed), reference=proposal.case.reference))
    db.session.flush()
    return changed


def dismiss_proposal(proposal: TargetProposal, actor: User) -> None:
    """Leave the target as it is; the case the details came from is told."""
    locked_for_review(proposal, actor)
    decide(proposal, actor, ProposalStatus.DISMISSED)
    db.session.add(Event(case_id=proposal.case_id, actor=actor, kind=EventKind.TARGET_RESEARCH,
                         **system_note(N_("Target details: dismissed the details proposed "
                                          "from this case; the target keeps its own."))))
    db.session.flush()


def locked_for_review(proposal: TargetProposal, actor: User) -> Target:
    """Check the actor may edit the target, lock it, and check the proposal is still open."""
    require_research(actor, proposal.target)
    target = lock_target(proposal.target_id)
    db.session.refresh(proposal)  # an answer given meanwhile is seen under the lock
    if proposal.status is not ProposalStatus.PENDING:
        raise ProposalAnswered(proposal)
    return target


def decide(proposal: TargetProposal, actor: User, status: ProposalStatus) -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = utcnow()


def detail_words(changes: list[str]) -> Value:
    """'kind', 'address' or 'kind and address', translated when shown."""
    words = {("kind",): N_("kind"), ("address",): N_("address"),
             ("kind", "address"): N_("kind and address")}
    return msgid_value(words.get(tuple(changes), " and ".join(changes)))
