"""Proposal statuses and the one transition table (DESIGN.md §3), declared on the shared workflow engine.

Every domain verb that depends on the proposal's status is a key of TRANSITIONS, including the verbs
that leave the status unchanged (self-loops such as "invite_cosigner", "extend" or "urge"): the table is
the single answer to "may this happen now?". `WORKFLOW` is the declaration: the services check it
(zhongyuan_cppcc.workflow.services), rules.py registers who may perform each verb on it, and the status
sets below are the only definitions of "terminal", "being handled" and so on.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.workflow.engine import Workflow, loops

from .errors import InvalidTransition, ProposalPermissionDenied


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
    URGE = "urge", _("Urge")


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
# Finished: no status move is possible any more (only bookkeeping self-loops); nothing more is reminded.
TERMINAL_STATUSES = frozenset({S.WITHDRAWN, S.NOT_REGISTERED, S.MERGED, S.CLOSED})


TRANSITIONS: dict[tuple[str, str], str] = {
    # Drafting (a proposal returned for revision is a draft again, flagged with the reason).
    **loops(V.UPDATE_DRAFT, [S.DRAFT]),
    **loops(V.INVITE_COSIGNER, [S.DRAFT]),
    **loops(V.WITHDRAW_INVITATION, [S.DRAFT]),
    **loops(V.ACCEPT_INVITATION, [S.DRAFT]),
    **loops(V.DECLINE_INVITATION, [S.DRAFT]),
    **loops(V.ADD_ATTACHMENT, [S.DRAFT]),
    **loops(V.REMOVE_ATTACHMENT, [S.DRAFT]),
    (S.DRAFT, V.SUBMIT): S.SUBMITTED,
    (S.DRAFT, V.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, V.WITHDRAW): S.WITHDRAWN,
    # Review by the proposal officer.
    (S.SUBMITTED, V.REGISTER): S.REGISTERED,
    (S.SUBMITTED, V.RETURN): S.DRAFT,
    (S.SUBMITTED, V.REJECT): S.NOT_REGISTERED,
    **loops(V.CONVERT_TO_OPINION, [S.NOT_REGISTERED]),
    (S.SUBMITTED, V.MERGE): S.MERGED,
    (S.REGISTERED, V.MERGE): S.MERGED,
    # Assignment and handling.
    (S.REGISTERED, V.ASSIGN): S.ASSIGNED,
    **loops(V.SET_KEY, [S.REGISTERED, S.ASSIGNED, S.REPLY_REVIEW, S.REPLIED, S.REHANDLING,
                         S.REHANDLING_REVIEW]),
    **loops(V.ACCEPT_ASSIGNMENT, [S.ASSIGNED]),
    **loops(V.OBJECT_ASSIGNMENT, [S.ASSIGNED]),
    **loops(V.REASSIGN, [S.ASSIGNED]),
    **loops(V.EXTEND, [S.ASSIGNED]),
    **loops(V.SUBMIT_CO_OPINION, [S.ASSIGNED, S.REPLY_REVIEW, S.REHANDLING, S.REHANDLING_REVIEW]),
    **loops(V.RECORD_CONTACT, [S.ASSIGNED, S.REHANDLING]),
    **loops(V.SAVE_REPLY, [S.ASSIGNED, S.REHANDLING]),
    (S.ASSIGNED, V.SUBMIT_REPLY): S.REPLY_REVIEW,
    (S.REHANDLING, V.SUBMIT_REPLY): S.REHANDLING_REVIEW,
    (S.REPLY_REVIEW, V.APPROVE_REPLY): S.REPLIED,
    (S.REHANDLING_REVIEW, V.APPROVE_REPLY): S.REPLIED,
    (S.REPLY_REVIEW, V.RETURN_REPLY): S.ASSIGNED,
    (S.REHANDLING_REVIEW, V.RETURN_REPLY): S.REHANDLING,
    # Rating by the proposers.
    **loops(V.RATE, [S.REPLIED]),
    (S.REPLIED, V.REHANDLE): S.REHANDLING,
    (S.REPLIED, V.CLOSE): S.CLOSED,
    # Evaluation, publication and follow-up.
    **loops(V.RATE_QUALITY, [S.ASSIGNED, S.REPLY_REVIEW, S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW,
                              S.CLOSED]),
    **loops(V.MARK_EXCELLENT, REGISTERED_STATUSES),
    **loops(V.UNMARK_EXCELLENT, REGISTERED_STATUSES),
    **loops(V.WITHHOLD, REGISTERED_STATUSES),
    **loops(V.UNWITHHOLD, REGISTERED_STATUSES),
    **loops(V.RECORD_FOLLOWUP, [S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW, S.CLOSED]),
    # Reminders: the office urges (催办) the units while one works on it or its reply awaits approval.
    **loops(V.URGE, [S.ASSIGNED, S.REPLY_REVIEW, S.REHANDLING, S.REHANDLING_REVIEW]),
}


WORKFLOW = Workflow(
    app_label="proposals", model_name="proposal", status=Status, verb=Verb, transitions=TRANSITIONS,
    initial=S.DRAFT, terminal=TERMINAL_STATUSES, history=("proposals.StatusChange", "proposal"),
    invalid_transition=InvalidTransition, not_allowed=ProposalPermissionDenied,
)  # on_saved (forget the relations cached on the instance) is wired in apps.ready: access imports the models
