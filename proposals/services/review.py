"""Review by the proposal officer: register, return for revision, not register, merge."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opinions.services import opinion_report_create_draft
from zhongyuan_cppcc.workflow.services import check, history_note, lock, pk_of, transition

from ..errors import InvalidTransition, ProposalError
from ..models import REASON_MAX_CHARS, Proposal, ProposalNumberSequence, RejectionGround
from ..workflow import WORKFLOW, Status, Verb
from . import _ledger
from ._common import (
    clean_text,
    label,
    local_day,
    send,
    users_by_ids,
    when,
)
from .queries import proposer_users

MERGE_TARGET_STATUSES = frozenset({Status.SUBMITTED, Status.REGISTERED, Status.ASSIGNED})


def number_label(session, serial: int) -> str:
    """第十届第三次会议第0123号."""
    return f"{session}第{serial:04d}号"


def _next_serial(session_id: int) -> int:
    # The counter row is created once (ON CONFLICT DO NOTHING) and then locked: concurrent registrations
    # in one session queue here, each gets the next number, and a rollback gives the number back.
    ProposalNumberSequence.objects.bulk_create([ProposalNumberSequence(plenary_session_id=session_id)],
                                               ignore_conflicts=True)
    sequence = ProposalNumberSequence.objects.select_for_update().get(pk=session_id)
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    return sequence.last_serial


@transaction.atomic
def proposal_register(*, actor, proposal: Proposal | int, note: str = "", at: datetime | None = None) -> Proposal:
    """Register (立案) a submitted proposal: next number of its session, ledger events for the lead
    proposer and accepted co-signers. Notifies the proposers."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.REGISTER, actor)
    note = clean_text(note, field="note", label=_("The note"), max_chars=REASON_MAX_CHARS)
    session = proposal.plenary_session
    proposal.serial = _next_serial(session.pk)
    proposal.number = number_label(session, proposal.serial)
    proposal.registered_at = at
    transition(WORKFLOW, proposal, Verb.REGISTER, actor, at=at, note=note, fields=["serial", "number", "registered_at"],
               details={"number": proposal.number})
    _ledger.record_registration(proposal, day=local_day(at), actor=actor)
    send(proposer_users(proposal), proposal=proposal, kind="registered",
         title=_("Your proposal was registered as %(number)s") % {"number": proposal.number},
         body=_("%(proposal)s will now be assigned to the handling units.") % {"proposal": label(proposal)})
    return proposal


@transaction.atomic
def proposal_return(*, actor, proposal: Proposal | int, reason: str, at: datetime | None = None) -> Proposal:
    """Return a submitted proposal to its lead proposer for revision (back to draft, flagged, with the
    reason). Notifies the proposers."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.RETURN, actor)
    reason = clean_text(reason, field="reason", label=_("The reason"), max_chars=REASON_MAX_CHARS, required=True)
    proposal.revision_requested, proposal.revision_reason = True, reason
    transition(WORKFLOW, proposal, Verb.RETURN, actor, at=at,
               note=reason, fields=["revision_requested", "revision_reason"])
    send(proposer_users(proposal), proposal=proposal, kind="returned",
         title=_("Please revise your proposal %(proposal)s") % {"proposal": label(proposal)},
         body=_("The proposal office returned it for revision: %(reason)s") % {"reason": reason})
    return proposal


def _convert(proposal: Proposal, actor) -> None:
    category = proposal.get_category_display() if proposal.category else ""
    report = opinion_report_create_draft(author=proposal.author, title=proposal.title, body=proposal.body,
                                         category=str(category), origin=proposal, actor=actor)
    proposal.opinion_report = report


@transaction.atomic
def proposal_reject(*, actor, proposal: Proposal | int, ground: str, note: str = "",
                    convert_to_opinion: bool = False, at: datetime | None = None) -> Proposal:
    """Do not register (不予立案) on one of the fixed grounds, which the proposers see; optionally convert
    the text into an opinion report draft of the author. Notifies the proposers."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.REJECT, actor)
    if ground not in RejectionGround.values:
        raise ValidationError({"ground": _("Choose one of the grounds for not registering.")})
    note = clean_text(note, field="note", label=_("The note"), max_chars=REASON_MAX_CHARS)
    proposal.rejection_ground, proposal.rejection_note, proposal.rejected_at = ground, note, at
    fields = ["rejection_ground", "rejection_note", "rejected_at"]
    if convert_to_opinion:
        _convert(proposal, actor)
        fields.append("opinion_report")
    ground_label = RejectionGround(ground).label
    transition(WORKFLOW, proposal, Verb.REJECT, actor, at=at, fields=fields,
               note=f"{ground_label}。{note}" if note else str(ground_label),
               details={"ground": ground, "converted": bool(convert_to_opinion)})
    body = _("Ground: %(ground)s.") % {"ground": ground_label}
    if note:
        body += " " + note
    if convert_to_opinion:
        body += " " + _("Its text was converted into a draft opinion report, which you can edit and submit.")
    send(proposer_users(proposal), proposal=proposal, kind="not_registered",
         title=_("Your proposal was not registered: %(proposal)s") % {"proposal": label(proposal)}, body=body)
    return proposal


@transaction.atomic
def proposal_convert_to_opinion(*, actor, proposal: Proposal | int, at: datetime | None = None) -> Proposal:
    """Convert a not-registered proposal into an opinion report draft of its author (once)."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.CONVERT_TO_OPINION, actor)
    if proposal.opinion_report_id is not None:
        raise ProposalError(_("This proposal has already been converted into an opinion report."))
    _convert(proposal, actor)
    transition(WORKFLOW, proposal, Verb.CONVERT_TO_OPINION, actor, at=at, fields=["opinion_report"],
               note=_("Converted into an opinion report draft."))
    if actor.pk != proposal.author_id:
        send(users_by_ids([proposal.author_id]), proposal=proposal, kind="converted",
             title=_("Your proposal was converted into an opinion report draft"),
             body=_("You can edit the draft and submit it as an opinion report."))
    return proposal


@transaction.atomic
def proposal_merge(*, actor, proposal: Proposal | int, into: Proposal | int, note: str = "",
                   at: datetime | None = None) -> Proposal:
    """Merge (并案) a submitted or registered proposal into another one that is not yet replied. Its
    proposers follow the main proposal (they see it, are notified of its reply and rate it); its ledger
    events are withdrawn. Notifies both proposals' proposers."""
    at = when(at)
    source_pk, target_pk = pk_of(proposal), pk_of(into)
    if source_pk == target_pk:
        raise ValidationError({"into": _("A proposal cannot be merged into itself.")})
    # Lock both rows in primary-key order, so two merges of the same pair cannot deadlock.
    locked = {p.pk: p for p in Proposal.objects.select_for_update().filter(pk__in=[source_pk, target_pk])
              .order_by("pk")}
    source, main = locked[source_pk], locked[target_pk]
    check(WORKFLOW, source, Verb.MERGE, actor)
    if main.status not in MERGE_TARGET_STATUSES:
        raise InvalidTransition(verb=Verb.MERGE, status=main.status, workflow=WORKFLOW,
                                message=_("Proposals can only be merged into a proposal that is submitted, "
                                          "registered or being handled (the chosen one is “%(status)s”)."))
    note = clean_text(note, field="note", label=_("The note"), max_chars=REASON_MAX_CHARS)
    source.merged_into, source.merged_at = main, at
    transition(WORKFLOW, source, Verb.MERGE, actor, at=at, fields=["merged_into", "merged_at"],
               note=_("Merged into %(main)s. %(note)s") % {"main": label(main), "note": note},
               details={"into": main.pk})
    # Proposals merged into the source earlier follow the new main proposal too (no chains).
    Proposal.objects.filter(merged_into=source).update(merged_into=main)
    _ledger.withdraw(source)
    history_note(WORKFLOW, main, Verb.MERGE, actor, at=at,
                 note=_("%(source)s was merged into this proposal; its proposers follow it.")
                 % {"source": label(source)})
    send(proposer_users(source), proposal=main, kind="merged",
         title=_("Your proposal %(source)s was merged into %(main)s") % {"source": label(source), "main": label(main)},
         body=_("You will follow the main proposal and receive its reply, which you can rate."))
    send(users_by_ids([main.author_id]), proposal=main, kind="merged_into",
         title=_("%(source)s was merged into your proposal %(main)s") % {"source": label(source), "main": label(main)})
    return source
