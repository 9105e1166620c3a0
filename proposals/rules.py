"""Who may do what to a proposal: role and relation predicates, registered on the workflow declaration.

`WORKFLOW.register_actors(ACTORS)` adds one object permission per verb, `proposals.<verb>_proposal`
(WORKFLOW.permission_name), granted when the actor predicate holds and the transition table allows the verb
in the proposal's status; a verb without an actor stops start-up (the engine's check). Services check
them again with rules.has_perm (no superuser short-cut). Page permissions take no object.
"""

import rules

from zhongyuan_cppcc.accounts.predicates import is_handler, is_leader, is_member, is_proposal_officer, is_sysadmin

from . import access
from .models import Proposal, RatingStatus
from .workflow import WORKFLOW, Status, Verb


def _proposal(obj) -> Proposal | None:
    return obj if isinstance(obj, Proposal) else None


@rules.predicate
def is_lead_proposer(user, proposal) -> bool:
    proposal = _proposal(proposal)
    return proposal is not None and access.is_lead(user, proposal)


@rules.predicate
def is_proposer(user, proposal) -> bool:
    proposal = _proposal(proposal)
    return proposal is not None and access.is_proposer(user, proposal)


@rules.predicate
def is_pending_invitee(user, proposal) -> bool:
    proposal = _proposal(proposal)
    return proposal is not None and access.is_pending_invitee(user, proposal)


@rules.predicate
def is_unit_of(user, proposal) -> bool:
    """The user is an officer of a unit in the proposal's active assignment (lead or co-handling)."""
    proposal = _proposal(proposal)
    return proposal is not None and bool(access.handler_roles(user, proposal))


@rules.predicate
def is_lead_unit_of(user, proposal) -> bool:
    proposal = _proposal(proposal)
    return proposal is not None and access.is_lead_handler(user, proposal)


@rules.predicate
def is_co_unit_of(user, proposal) -> bool:
    proposal = _proposal(proposal)
    return proposal is not None and access.is_co_handler(user, proposal)


@rules.predicate
def is_supervising_leader(user, proposal) -> bool:
    proposal = _proposal(proposal)
    return proposal is not None and user.is_authenticated and proposal.supervising_leader_id == user.pk


@rules.predicate
def has_collective_authorisation(user) -> bool:
    return access.has_collective_authorisation(user)


@rules.predicate
def was_submitted(user, proposal) -> bool:
    proposal = _proposal(proposal)
    return proposal is not None and proposal.submitted_at is not None


@rules.predicate
def is_public(user, proposal) -> bool:
    proposal = _proposal(proposal)
    return proposal is not None and proposal.is_public


@rules.predicate
def is_closed(user, proposal) -> bool:
    proposal = _proposal(proposal)
    return proposal is not None and proposal.status == Status.CLOSED


@rules.predicate
def is_collective(user, proposal) -> bool:
    proposal = _proposal(proposal)
    return proposal is not None and proposal.is_collective


@rules.predicate
def has_open_rating(user, proposal) -> bool:
    """The user has a rating of the current reply waiting for them (only proposers ever get one)."""
    proposal = _proposal(proposal)
    if proposal is None or not user.is_authenticated:
        return False
    return access._cache(proposal, f"open-rating:{user.pk}", lambda: proposal.ratings.filter(
        user=user, status=RatingStatus.OPEN, round=proposal.reply_round).exists())


@rules.predicate
def followup_pending(user, proposal) -> bool:
    """A class B reply scheduled a follow-up review (回头看) that nobody has recorded yet."""
    proposal = _proposal(proposal)
    return proposal is not None and proposal.followup_due_on is not None and proposal.followup_done_at is None


never = rules.always_deny
officer_or_leader = is_proposal_officer | is_leader
handler_of = is_handler & is_unit_of
lead_handler_of = is_handler & is_lead_unit_of
co_handler_of = is_handler & is_co_unit_of
archive_reader = is_member | is_proposal_officer | is_leader

# Who may attempt each verb; the status part comes from the transition table.
ACTORS = {
    Verb.UPDATE_DRAFT: is_lead_proposer,
    Verb.INVITE_COSIGNER: is_lead_proposer & ~is_collective,
    Verb.WITHDRAW_INVITATION: is_lead_proposer,
    Verb.ACCEPT_INVITATION: is_pending_invitee,
    Verb.DECLINE_INVITATION: is_pending_invitee,
    Verb.ADD_ATTACHMENT: is_lead_proposer,
    Verb.REMOVE_ATTACHMENT: is_lead_proposer,
    Verb.SUBMIT: is_lead_proposer,
    Verb.WITHDRAW: is_lead_proposer,
    Verb.REGISTER: is_proposal_officer,
    Verb.RETURN: is_proposal_officer,
    Verb.REJECT: is_proposal_officer,
    Verb.CONVERT_TO_OPINION: is_proposal_officer | is_lead_proposer,
    Verb.MERGE: is_proposal_officer,
    Verb.ASSIGN: is_proposal_officer,
    Verb.SET_KEY: is_proposal_officer,
    Verb.ACCEPT_ASSIGNMENT: handler_of,
    Verb.OBJECT_ASSIGNMENT: handler_of,
    Verb.REASSIGN: is_proposal_officer,
    Verb.EXTEND: is_proposal_officer,
    Verb.SUBMIT_CO_OPINION: co_handler_of,
    Verb.RECORD_CONTACT: lead_handler_of,
    Verb.SAVE_REPLY: lead_handler_of,
    Verb.SUBMIT_REPLY: lead_handler_of,
    Verb.APPROVE_REPLY: is_proposal_officer,
    Verb.RETURN_REPLY: is_proposal_officer,
    # Only from the proposer's own login, and never by anyone working for a handling unit of it.
    Verb.RATE: has_open_rating & is_proposer & ~is_unit_of,
    # System transitions: a dissatisfied rating re-handles, the last rating or the end of the rating
    # period closes (proposal_close_after_rating_period). No user may trigger them directly.
    Verb.REHANDLE: never,
    Verb.CLOSE: never,
    Verb.RATE_QUALITY: handler_of,
    Verb.MARK_EXCELLENT: is_proposal_officer,
    Verb.UNMARK_EXCELLENT: is_proposal_officer,
    Verb.WITHHOLD: is_proposal_officer,
    Verb.UNWITHHOLD: is_proposal_officer,
    Verb.RECORD_FOLLOWUP: (lead_handler_of | is_proposal_officer) & followup_pending,
    # Deadline reminders: only the office urges (催办) the handling units.
    Verb.URGE: is_proposal_officer,
}
WORKFLOW.register_actors(ACTORS)

# --- Reading -------------------------------------------------------------------------------------------
rules.add_perm("proposals.view_proposal",
               (officer_or_leader & was_submitted) | is_proposer | is_pending_invitee | handler_of
               | (archive_reader & is_public))
# Proposers' contact details and reply contact persons: not for readers of the public archive.
rules.add_perm("proposals.view_contact_details_proposal",
               (officer_or_leader & was_submitted) | is_proposer | is_pending_invitee | handler_of)
# Individual ratings: officers and leaders; handling units only once the proposal is closed.
rules.add_perm("proposals.view_ratings_proposal", (officer_or_leader & was_submitted) | (handler_of & is_closed))
rules.add_perm("proposals.view_internal_proposal", (officer_or_leader & was_submitted) | handler_of)

# --- Pages (no object) ---------------------------------------------------------------------------------
rules.add_perm("proposals.add_proposal", is_member | has_collective_authorisation)
rules.add_perm("proposals.list_own_proposals", is_member | has_collective_authorisation)
rules.add_perm("proposals.list_unit_proposals", is_handler)
rules.add_perm("proposals.list_all_proposals", officer_or_leader)
# The role landing /proposals/ (and the "Proposals" navigation entry): anyone with one of the lists.
rules.add_perm("proposals.open_proposal_lists",
               is_member | has_collective_authorisation | is_handler | officer_or_leader)
rules.add_perm("proposals.view_key_proposals", officer_or_leader)
rules.add_perm("proposals.view_statistics", officer_or_leader)
rules.add_perm("proposals.review_replies", is_proposal_officer)
rules.add_perm("proposals.bulk_assign_proposals", is_proposal_officer)
rules.add_perm("proposals.export_proposals", officer_or_leader)
rules.add_perm("proposals.view_archive", archive_reader)
rules.add_perm("proposals.manage_collective_authorisations", is_proposal_officer)
# Deadline reminders: the office and leaders read the reminders page. Whether the user urges at all (the
# urge column of the reminders page) is the URGE verb's actor rule; on one proposal it is the verb's
# permission `proposals.urge_proposal` (actor and status).
rules.add_perm("proposals.view_reminders", officer_or_leader)
rules.add_perm("proposals.urge_proposals", ACTORS[Verb.URGE])

# --- Administration (read-only for proposals; authorisations are configuration) ----------------------
for _model in ("collectiveauthorisation",):
    for _perm in ("view", "add", "change"):
        rules.add_perm(f"proposals.{_perm}_{_model}", is_sysadmin)
# The admin index lists the app for the system administrator (rules checks the bare app label).
rules.add_perm("proposals", is_sysadmin)
