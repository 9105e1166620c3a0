"""Proposal statuses and the one transition table (DESIGN.md §3).

Every domain verb that depends on the proposal's status is a key of TRANSITIONS, including the verbs
that leave the status unchanged (self-loops such as "invite_cosigner" or "extend"): the table is the
single answer to "may this happen now?". Services check it; rules.py turns it into status predicates.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REGISTERED = "registered", _("Registered")
    NOT_REGISTERED = "not_registered", _("Not registered")
    MERGED = "merged", _("Merged")
    ASSIGNED = "assigned", _("Being handled")
    # The lead unit submitted a reply; proposers see it only once an officer approves it.
    REPLY_REVIEW = "reply_review", _("Reply awaiting approval")
    REPLIED = "replied", _("Replied")
    REHANDLING = "rehandling", _("Being re-handled")
    REHANDLING_REVIEW = "rehandling_review", _("Re-handled reply awaiting approval")
    CLOSED = "closed", _("Closed")


class Verb(models.TextChoices):
    """Domain verbs; each has a service, a permission `proposals.<verb>_proposal` and a test."""

    UPDATE_DRAFT = "update_draft", _("Edit draft")
    INVITE_COSIGNER = "invite_cosigner", _("Invite co-signer")
    WITHDRAW_INVITATION = "withdraw_invitation", _("Withdraw invitation")
    ACCEPT_INVITATION = "accept_invitation", _("Accept invitation")
    DECLINE_INVITATION = "decline_invitation", _("Decline invitation")
    ADD_ATTACHMENT = "add_attachment", _("Add attachment")
    REMOVE_ATTACHMENT = "remove_attachment", _("Remove attachment")
    SUBMIT = "submit", _("Submit")
    WITHDRAW = "withdraw", _("Withdraw")
    REGISTER = "register", _("Register")
    RETURN = "return", _("Return for revision")
    REJECT = "reject", _("Not register")
    CONVERT_TO_OPINION = "convert_to_opinion", _("Convert into an opinion report")
    MERGE = "merge", _("Merge into another proposal")
    ASSIGN = "assign", _("Assign")
    SET_KEY = "set_key", _("Set key-proposal flag")
    ACCEPT_ASSIGNMENT = "accept_assignment", _("Accept assignment")
    OBJECT_ASSIGNMENT = "object_assignment", _("Object to assignment")
    REASSIGN = "reassign", _("Reassign")
    EXTEND = "extend", _("Extend deadline")
    SUBMIT_CO_OPINION = "submit_co_opinion", _("Submit co-handling opinion")
    RECORD_CONTACT = "record_contact", _("Record contact with proposer")
    SAVE_REPLY = "save_reply", _("Save reply draft")
    SUBMIT_REPLY = "submit_reply", _("Submit reply")
    APPROVE_REPLY = "approve_reply", _("Approve reply")
    RETURN_REPLY = "return_reply", _("Return reply")
    RATE = "rate", _("Rate the reply")
    REHANDLE = "rehandle", _("Re-handle")
    CLOSE = "close", _("Close")
    RATE_QUALITY = "rate_quality", _("Rate proposal quality")
    MARK_EXCELLENT = "mark_excellent", _("Mark as excellent")
    UNMARK_EXCELLENT = "unmark_excellent", _("Unmark excellent")
    WITHHOLD = "withhold", _("Withhold publication")
    UNWITHHOLD = "unwithhold", _("Publish again")
    RECORD_FOLLOWUP = "record_followup", _("Record follow-up review")


S, V = Status, Verb

# Statuses in which a proposal is registered and alive (the basis of every statistic).
REGISTERED_STATUSES = frozenset({S.REGISTERED, S.ASSIGNED, S.REPLY_REVIEW, S.REPLIED, S.REHANDLING,
                                 S.REHANDLING_REVIEW, S.CLOSED})
# Statuses in which handling units work on the proposal.
HANDLING_STATUSES = frozenset({S.ASSIGNED, S.REPLY_REVIEW, S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW,
                               S.CLOSED})
# Statuses in which a reply deadline runs for the lead unit.
DEADLINE_STATUSES = frozenset({S.ASSIGNED, S.REHANDLING})
# Statuses in which at least one reply has been approved.
ANSWERED_STATUSES = frozenset({S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW, S.CLOSED})
TERMINAL_STATUSES = frozenset({S.WITHDRAWN, S.NOT_REGISTERED, S.MERGED, S.CLOSED})


def _loops(verb: Verb, statuses) -> dict:
    return {(status, verb): status for status in statuses}


TRANSITIONS: dict[tuple[str, str], str] = {
    # Drafting (a proposal returned for revision is a draft again, flagged with the reason).
    **_loops(V.UPDATE_DRAFT, [S.DRAFT]),
    **_loops(V.INVITE_COSIGNER, [S.DRAFT]),
    **_loops(V.WITHDRAW_INVITATION, [S.DRAFT]),
    **_loops(V.ACCEPT_INVITATION, [S.DRAFT]),
    **_loops(V.DECLINE_INVITATION, [S.DRAFT]),
    **_loops(V.ADD_ATTACHMENT, [S.DRAFT]),
    **_loops(V.REMOVE_ATTACHMENT, [S.DRAFT]),
    (S.DRAFT, V.SUBMIT): S.SUBMITTED,
    (S.DRAFT, V.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, V.WITHDRAW): S.WITHDRAWN,
    # Review by the proposal officer.
    (S.SUBMITTED, V.REGISTER): S.REGISTERED,
    (S.SUBMITTED, V.RETURN): S.DRAFT,
    (S.SUBMITTED, V.REJECT): S.NOT_REGISTERED,
    **_loops(V.CONVERT_TO_OPINION, [S.NOT_REGISTERED]),
    (S.SUBMITTED, V.MERGE): S.MERGED,
    (S.REGISTERED, V.MERGE): S.MERGED,
    # Assignment and handling.
    (S.REGISTERED, V.ASSIGN): S.ASSIGNED,
    **_loops(V.SET_KEY, [S.REGISTERED, S.ASSIGNED, S.REPLY_REVIEW, S.REPLIED, S.REHANDLING,
                         S.REHANDLING_REVIEW]),
    **_loops(V.ACCEPT_ASSIGNMENT, [S.ASSIGNED]),
    **_loops(V.OBJECT_ASSIGNMENT, [S.ASSIGNED]),
    **_loops(V.REASSIGN, [S.ASSIGNED]),
    **_loops(V.EXTEND, [S.ASSIGNED]),
    **_loops(V.SUBMIT_CO_OPINION, [S.ASSIGNED, S.REPLY_REVIEW, S.REHANDLING, S.REHANDLING_REVIEW]),
    **_loops(V.RECORD_CONTACT, [S.ASSIGNED, S.REHANDLING]),
    **_loops(V.SAVE_REPLY, [S.ASSIGNED, S.REHANDLING]),
    (S.ASSIGNED, V.SUBMIT_REPLY): S.REPLY_REVIEW,
    (S.REHANDLING, V.SUBMIT_REPLY): S.REHANDLING_REVIEW,
    (S.REPLY_REVIEW, V.APPROVE_REPLY): S.REPLIED,
    (S.REHANDLING_REVIEW, V.APPROVE_REPLY): S.REPLIED,
    (S.REPLY_REVIEW, V.RETURN_REPLY): S.ASSIGNED,
    (S.REHANDLING_REVIEW, V.RETURN_REPLY): S.REHANDLING,
    # Rating by the proposers.
    **_loops(V.RATE, [S.REPLIED]),
    (S.REPLIED, V.REHANDLE): S.REHANDLING,
    (S.REPLIED, V.CLOSE): S.CLOSED,
    # Evaluation, publication and follow-up.
    **_loops(V.RATE_QUALITY, [S.ASSIGNED, S.REPLY_REVIEW, S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW,
                              S.CLOSED]),
    **_loops(V.MARK_EXCELLENT, REGISTERED_STATUSES),
    **_loops(V.UNMARK_EXCELLENT, REGISTERED_STATUSES),
    **_loops(V.WITHHOLD, REGISTERED_STATUSES),
    **_loops(V.UNWITHHOLD, REGISTERED_STATUSES),
    **_loops(V.RECORD_FOLLOWUP, [S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW, S.CLOSED]),
}


def target(status: str, verb: str) -> str | None:
    """The status `verb` leads to from `status`, or None when the move is not allowed."""
    return TRANSITIONS.get((status, verb))


def can(status: str, verb: str) -> bool:
    return (status, verb) in TRANSITIONS


def statuses_allowing(verb: str) -> frozenset[str]:
    return frozenset(status for (status, v) in TRANSITIONS if v == verb)


def permission_name(verb: str) -> str:
    """The django-rules permission guarding a verb, e.g. proposals.register_proposal."""
    return f"proposals.{verb}_proposal"
