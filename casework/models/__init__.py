"""The data model, one aggregate per module; importing this package registers every table."""

from casework.models.action import (
    Action,
    ActionKind,
    ActionRole,
    ActionRoleKind,
    ActionStatus,
    CallAnswer,
    CallListEntry,
)
from casework.models.appeal import (
    Appeal,
    AppealDirection,
    AppealKind,
    AppealStatus,
)
from casework.models.audit import AuditEntry, AuditLogIsAppendOnly
from casework.models.calendar import CalendarFeed
from casework.models.case import (
    Case,
    DeclineReason,
    InquirySource,
    IssueType,
    RetaliationRisk,
    Urgency,
    case_team,
)
from casework.models.consent import Consent, ConsentMethod, ConsentSubject
from casework.models.data_version import DataVersion
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
from casework.models.fight_figures import FightFigures
from casework.models.invitation import Invitation
from casework.models.letter import (
    LANGUAGE_NAMES,
    LETTER_LANGUAGES,
    Letter,
    LetterReview,
    LetterVersion,
    ReviewStatus,
)
from casework.models.login_attempt import LoginAttempt
from casework.models.mobilization import MobilizationEmail, MobilizationRecipient
from casework.models.network import CaseCounter, Network, PageSize
from casework.models.person import Person, Tier
from casework.models.public_form import PublicFormSubmission
from casework.models.reminder import SentReminder
from casework.models.report_tally import ReportTally
from casework.models.search import SavedSearch
from casework.models.solidarity import (
    InboxMessage,
    NetworkKey,
    OutboxMessage,
    OutboxStatus,
    Peer,
    PeerInvitation,
    PeerStatus,
)
from casework.models.target import (
    ProposalStatus,
    Target,
    TargetFact,
    TargetFactKind,
    TargetKind,
    TargetProposal,
)
from casework.models.task import Task
from casework.models.team_request import JoinRequestStatus, TeamJoinRequest
from casework.models.user import CASE_TEAM_ROLES, STAFF_ROLES, Role, User
from casework.models.victory import Victory

__all__ = [
    "DataVersion",
    "Action",
    "Appeal",
    "AppealDirection",
    "AppealKind",
    "AppealStatus",
    "ActionKind",
    "ActionRole",
    "ActionRoleKind",
    "ActionStatus",
    "CalendarFeed",
    "CallAnswer",
    "CallListEntry",
    "SavedSearch",
    "SentReminder",
    "TargetFact",
    "TargetFactKind",
    "TargetProposal",
    "ProposalStatus",
    "TeamJoinRequest",
    "JoinRequestStatus",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "CASE_TEAM_ROLES",
    "CLOSE_KINDS",
    "WIN_KINDS",
    "ContactChannel",
    "Consent",
    "ConsentMethod",
    "ConsentSubject",
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
    "FightFigures",
    "Invitation",
    "EventKind",
    "InquirySource",
    "IssueType",
    "Letter",
    "LetterReview",
    "LetterVersion",
    "LANGUAGE_NAMES",
    "LETTER_LANGUAGES",
    "LoginAttempt",
    "MobilizationEmail",
    "MobilizationRecipient",
    "ReviewStatus",
    "Network",
    "PageSize",
    "Person",
    "PublicFormSubmission",
    "ReportTally",
    "RetaliationRisk",
    "Role",
    "Target",
    "TargetKind",
    "Task",
    "Tier",
    "Urgency",
    "User",
    "case_team",
    "Victory",
    "InboxMessage",
    "NetworkKey",
    "OutboxMessage",
    "OutboxStatus",
    "Peer",
    "PeerInvitation",
    "PeerStatus",
]
