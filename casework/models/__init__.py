"""The data model, one aggregate per module; importing this package registers every table."""

from casework.models.audit import AuditEntry, AuditLogIsAppendOnly
from casework.models.case import (
    Case,
    DeclineReason,
    IssueType,
    RetaliationRisk,
    Urgency,
    case_team,
)
from casework.models.document import Document, DocumentType
from casework.models.event import Event, EventKind
from casework.models.fight import (
    CLOSE_KINDS,
    WIN_KINDS,
    ContactChannel,
    Decision,
    DecisionKind,
    Delivery,
    Demand,
    DemandKind,
    OfferStatus,
    Outcome,
    OutcomeKind,
    TargetContact,
)
from casework.models.letter import Letter, LetterVersion, ReviewStatus
from casework.models.login_attempt import LoginAttempt
from casework.models.network import CaseCounter, Network, PageSize
from casework.models.person import Person, Tier
from casework.models.target import Target, TargetKind
from casework.models.task import Task
from casework.models.user import CASE_TEAM_ROLES, STAFF_ROLES, Role, User

__all__ = [
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "CASE_TEAM_ROLES",
    "CLOSE_KINDS",
    "WIN_KINDS",
    "ContactChannel",
    "DeclineReason",
    "Decision",
    "DecisionKind",
    "Delivery",
    "Demand",
    "DemandKind",
    "Document",
    "DocumentType",
    "OfferStatus",
    "Outcome",
    "OutcomeKind",
    "TargetContact",
    "STAFF_ROLES",
    "Case",
    "CaseCounter",
    "Event",
    "EventKind",
    "IssueType",
    "Letter",
    "LetterVersion",
    "LoginAttempt",
    "ReviewStatus",
    "Network",
    "PageSize",
    "Person",
    "RetaliationRisk",
    "Role",
    "Target",
    "TargetKind",
    "Task",
    "Tier",
    "Urgency",
    "User",
    "case_team",
]
