"""Proposal models, one module per area; other modules (e.g. reminders.py) may be added beside them."""

from .attachment import Attachment, AttachmentKind, attachment_storage_name
from .handling import (
    Assignment,
    AssignmentAnswer,
    AssignmentRole,
    ContactMethod,
    ContactRecord,
    Reply,
    ReplyClass,
    ReplyStatus,
)
from .history import StatusChange
from .proposal import (
    BODY_PART_MAX_CHARS,
    COMMENT_MAX_CHARS,
    REASON_MAX_CHARS,
    TITLE_MAX_CHARS,
    Category,
    ClosedReason,
    CollectiveAuthorisation,
    CosignerInvitation,
    DeadlineBasis,
    InvitationStatus,
    OrganisationKind,
    Proposal,
    ProposalNumberSequence,
    ProposerKind,
    RejectionGround,
    Timing,
)
from .rating import ContactedAnswer, QualityGrade, QualityRating, Rating, RatingStatus, Satisfaction
from .reminders import DIGEST_MILESTONES, Milestone, Reminder, ReminderKind, ReminderStatus

__all__ = [
    "Assignment", "AssignmentAnswer", "AssignmentRole", "Attachment", "AttachmentKind", "BODY_PART_MAX_CHARS",
    "COMMENT_MAX_CHARS", "Category", "ClosedReason", "CollectiveAuthorisation", "ContactMethod", "ContactRecord",
    "ContactedAnswer", "CosignerInvitation", "DeadlineBasis", "InvitationStatus", "OrganisationKind", "Proposal",
    "ProposalNumberSequence", "ProposerKind", "QualityGrade", "QualityRating", "REASON_MAX_CHARS", "Rating",
    "RatingStatus", "RejectionGround", "DIGEST_MILESTONES", "Milestone", "Reminder", "ReminderKind",
    "ReminderStatus", "Reply", "ReplyClass", "ReplyStatus", "Satisfaction", "StatusChange",
    "TITLE_MAX_CHARS", "Timing", "attachment_storage_name",
]
