"""Every write on proposals, one service per domain verb (see workflow.TRANSITIONS).

Conventions of every service: keyword-only arguments; `actor` is the user acting (re-checked against
rules, no superuser short-cut); `at` (default now) is when it happened, for imports and demo data;
the proposal row is re-read with select_for_update; bad input raises ValidationError (a dict keyed by
form field), domain problems raise proposals.errors.*; every change writes a StatusChange (timeline)
and an audit row; notifications are created in the transaction and delivered after commit.
"""

from ._common import KEEP, proposal_url
from .attachments import attachment_add, attachment_record_download, attachment_remove
from .drafting import (
    collective_authorisation_grant,
    collective_authorisation_revoke,
    invitation_accept,
    invitation_decline,
    proposal_create_draft,
    proposal_invite_cosigner,
    proposal_submit,
    proposal_update_draft,
    proposal_withdraw,
    proposal_withdraw_invitation,
    session_for,
)
from .evaluation import (
    proposal_close_after_rating_period,
    proposal_mark_excellent,
    proposal_rate_quality,
    proposal_record_followup,
    proposal_unmark_excellent,
    proposal_unwithhold,
    proposal_withhold,
    proposals_close_expired_rating_periods,
    proposals_past_rating_period,
    rating_submit,
)
from .handling import (
    BulkResult,
    assignment_accept,
    assignment_object,
    assignment_submit_opinion,
    proposal_assign,
    proposal_extend,
    proposal_reassign,
    proposal_record_contact,
    proposal_set_key,
    proposals_bulk_assign,
    reply_approve,
    reply_return,
    reply_save,
    reply_submit,
)
from .review import (
    number_label,
    proposal_convert_to_opinion,
    proposal_merge,
    proposal_register,
    proposal_reject,
    proposal_return,
)

__all__ = [
    "KEEP", "BulkResult", "assignment_accept", "assignment_object", "assignment_submit_opinion", "attachment_add",
    "attachment_record_download", "attachment_remove", "collective_authorisation_grant",
    "collective_authorisation_revoke", "invitation_accept", "invitation_decline", "number_label",
    "proposal_assign", "proposal_close_after_rating_period", "proposal_convert_to_opinion", "proposal_create_draft",
    "proposal_extend", "proposal_invite_cosigner", "proposal_mark_excellent", "proposal_merge",
    "proposal_rate_quality", "proposal_reassign", "proposal_record_contact", "proposal_record_followup",
    "proposal_register", "proposal_reject", "proposal_return", "proposal_set_key", "proposal_submit",
    "proposal_unmark_excellent", "proposal_unwithhold", "proposal_update_draft", "proposal_url",
    "proposal_withdraw", "proposal_withdraw_invitation", "proposal_withhold", "proposals_bulk_assign",
    "proposals_close_expired_rating_periods", "proposals_past_rating_period", "rating_submit", "reply_approve",
    "reply_return", "reply_save", "reply_submit", "session_for",
]
