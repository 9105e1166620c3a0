"""After the reply: proposers' ratings, re-handling, closing, the unit's quality rating, excellent
proposals, publication and the follow-up review (回头看)."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhongyuan_cppcc.core.parameters import get_parameter
from zhongyuan_cppcc.workflow.services import check, lock, transition

from .. import access
from .. import parameters as p
from ..deadlines import explain_reply_deadline, rating_deadline, rehandling_due
from ..errors import NotReady, ProposalError, ProposalPermissionDenied
from ..models import (
    COMMENT_MAX_CHARS,
    REASON_MAX_CHARS,
    Assignment,
    AssignmentRole,
    ClosedReason,
    ContactedAnswer,
    DeadlineBasis,
    Proposal,
    QualityGrade,
    QualityRating,
    Rating,
    RatingStatus,
    Satisfaction,
)
from ..workflow import WORKFLOW, Status, Verb
from . import _ledger
from ._common import (
    clean_text,
    label,
    local_day,
    proposal_officers,
    send,
    unit_officers,
    when,
)
from .queries import proposer_users


def _rehandle(proposal: Proposal, *, at: datetime) -> None:
    """A dissatisfied rating sends the proposal back to the lead unit with a new deadline. The
    timeline entry has no actor: the unit must not learn who was dissatisfied."""
    today = local_day(at)
    proposal.ratings.filter(round=proposal.reply_round, status=RatingStatus.OPEN).update(
        status=RatingStatus.SUPERSEDED)
    proposal.rehandling_count += 1
    proposal.reply_round += 1
    proposal.rehandling_started_on = today
    proposal.reply_due_on = rehandling_due(today)
    proposal.reply_due_basis, proposal.reply_due_basis_on = DeadlineBasis.REHANDLING, today
    proposal.reply_due_months = get_parameter(p.REHANDLING_MONTHS)
    transition(WORKFLOW, proposal, Verb.REHANDLE, None, at=at,
               fields=["rehandling_count", "reply_round", "rehandling_started_on", "reply_due_on", "reply_due_basis",
                       "reply_due_basis_on", "reply_due_months"],
               note=_("A proposer is dissatisfied with the reply: re-handling. %(deadline)s")
               % {"deadline": explain_reply_deadline(proposal)})
    title = _("Re-handling required: %(proposal)s") % {"proposal": label(proposal)}
    body = _("A proposer is dissatisfied with the reply. Contact the proposers again and reply anew. %(deadline)s") \
        % {"deadline": explain_reply_deadline(proposal)}
    send(unit_officers([proposal.lead_unit_id]), proposal=proposal, kind="rehandling", title=title, body=body)
    send(proposal_officers(), proposal=proposal, kind="rehandling", title=title, body=body)


def _close(proposal: Proposal, *, at: datetime, reason: str, note: str) -> None:
    proposal.closed_at, proposal.closed_reason = at, reason
    transition(WORKFLOW, proposal, Verb.CLOSE, None, at=at, fields=["closed_at", "closed_reason"], note=note,
               details={"reason": reason})
    title = _("Proposal closed: %(proposal)s") % {"proposal": label(proposal)}
    send(proposer_users(proposal), proposal=proposal, kind="closed", title=title)
    units = Assignment.objects.filter(proposal=proposal, superseded_at__isnull=True).values_list("unit_id", flat=True)
    send(unit_officers(units), proposal=proposal, kind="closed", title=title)


@transaction.atomic
def rating_submit(*, actor, proposal: Proposal | int, overall: str, contacted: str, on_point: bool,
                  comment: str = "", at: datetime | None = None) -> Rating:
    """A proposer rates the approved reply from their own login (handling units never can). Dissatisfied
    (while re-handling rounds remain) → re-handling with a new deadline; when every proposer has rated
    → closed. Who rated what is never shown to the units before closing."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    if (proposal.status == Status.REPLIED and actor.is_authenticated
            and proposal.ratings.filter(round=proposal.reply_round, user=actor, status=RatingStatus.RATED).exists()):
        raise ProposalError(_("You have already rated this reply."))
    check(WORKFLOW, proposal, Verb.RATE, actor, message=_("Only the proposers can rate the reply, each from their own "
                                                "account, and nobody working for a handling unit of it."))
    if overall not in Satisfaction.values:
        raise ValidationError({"overall": _("Choose satisfied, basically satisfied or dissatisfied.")})
    if contacted not in ContactedAnswer.values:
        raise ValidationError({"contacted": _("Say whether the unit contacted you before replying.")})
    if on_point not in (True, False):
        raise ValidationError({"on_point": _("Say whether the reply addressed your proposal.")})
    comment = clean_text(comment, field="comment", label=_("The comment"), max_chars=COMMENT_MAX_CHARS)
    rating = Rating.objects.select_for_update().get(proposal=proposal, round=proposal.reply_round, user=actor,
                                                    status=RatingStatus.OPEN)
    rating.overall, rating.contacted, rating.on_point, rating.comment = overall, contacted, on_point, comment
    rating.status, rating.rated_at = RatingStatus.RATED, at
    rating.save(update_fields=["overall", "contacted", "on_point", "comment", "status", "rated_at"])
    # No timeline row for the rating itself (secrecy); the auditor still sees it.
    transition(WORKFLOW, proposal, Verb.RATE, actor, at=at, history=False, details={"rating": rating.pk})
    rounds_left = proposal.rehandling_count < get_parameter(p.REHANDLING_MAX_ROUNDS)
    if overall == Satisfaction.DISSATISFIED and rounds_left:
        _rehandle(proposal, at=at)
    elif not proposal.ratings.filter(round=proposal.reply_round, status=RatingStatus.OPEN).exists():
        _close(proposal, at=at, reason=ClosedReason.RATED, note=_("Every proposer has rated the reply."))
    return rating


@transaction.atomic
def proposal_close_after_rating_period(*, proposal: Proposal | int, today: date | None = None,
                                       at: datetime | None = None) -> bool:
    """System service (the reminders scan calls it): close a replied proposal whose rating period
    (proposals.rating_window_working_days after approval) is over; ratings still open are recorded as
    EXPIRED and the closing as WINDOW_PASSED. Idempotent: returns False when there is nothing to do."""
    at = when(at)
    today = today or local_day(at)
    proposal = lock(Proposal, proposal)
    if proposal.status != Status.REPLIED or proposal.reply_approved_on is None:
        return False
    last_day = rating_deadline(proposal.reply_approved_on)
    if today <= last_day:
        return False
    expired = proposal.ratings.filter(round=proposal.reply_round, status=RatingStatus.OPEN).update(
        status=RatingStatus.EXPIRED)
    _close(proposal, at=at, reason=ClosedReason.WINDOW_PASSED,
           note=_("The rating period ended on %(date)s; %(count)d proposer(s) did not rate.")
           % {"date": last_day.isoformat(), "count": expired})
    return True


def proposals_past_rating_period(*, today: date):
    """Candidates for proposal_close_after_rating_period: replied proposals approved long enough ago.
    A superset (N working days span at least N calendar days); the service decides exactly."""
    days = get_parameter(p.RATING_WINDOW_WORKING_DAYS)
    return Proposal.objects.filter(status=Status.REPLIED, reply_approved_on__lt=today - timedelta(days=days))


def proposals_close_expired_rating_periods(*, today: date | None = None, at: datetime | None = None) -> int:
    """Close every proposal whose rating period is over (one transaction per proposal). Returns how many."""
    at = when(at)
    today = today or local_day(at)
    closed = 0
    ids = list(proposals_past_rating_period(today=today).order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        if proposal_close_after_rating_period(proposal=pk, today=today, at=at):
            closed += 1
    return closed


@transaction.atomic
def proposal_rate_quality(*, actor, proposal: Proposal | int, grade: str, comment: str = "", unit=None,
                          at: datetime | None = None) -> QualityRating:
    """A handling unit rates the proposal's quality (one rating per unit; rating again replaces it)."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.RATE_QUALITY, actor)
    if grade not in QualityGrade.values:
        raise ValidationError({"grade": _("Choose a quality grade.")})
    comment = clean_text(comment, field="comment", label=_("The comment"), max_chars=COMMENT_MAX_CHARS)
    assignments = Assignment.objects.filter(proposal=proposal, superseded_at__isnull=True,
                                            unit__officers=actor).select_related("unit")
    if unit is not None:
        assignments = assignments.filter(unit=unit)
    rows = list(assignments)
    # An officer of both the lead and a co-handling unit rates for the lead unit.
    assignment = next((a for a in rows if a.role == AssignmentRole.LEAD), rows[0] if rows else None)
    if assignment is None:
        raise ProposalPermissionDenied(_("Only an officer of an assigned unit can rate the proposal's quality."))
    rating, _created = QualityRating.objects.update_or_create(
        proposal=proposal, unit_id=assignment.unit_id,
        defaults={"grade": grade, "comment": comment, "rated_by": actor, "rated_at": at})
    transition(WORKFLOW, proposal, Verb.RATE_QUALITY, actor, at=at,
               note=_("%(unit)s rated the proposal's quality.") % {"unit": assignment.unit},
               details={"grade": grade, "unit": assignment.unit_id})
    return rating


@transaction.atomic
def proposal_mark_excellent(*, actor, proposal: Proposal | int, note: str = "",
                            at: datetime | None = None) -> Proposal:
    """Mark a registered proposal as excellent (优秀提案): ledger event "excellent" for its member
    proposers. Notifies the proposers."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.MARK_EXCELLENT, actor)
    if proposal.is_excellent:
        raise ProposalError(_("This proposal is already marked as excellent."))
    note = clean_text(note, field="note", label=_("The note"), max_chars=REASON_MAX_CHARS)
    proposal.is_excellent, proposal.excellent_at = True, at
    transition(WORKFLOW, proposal, Verb.MARK_EXCELLENT, actor, at=at,
               fields=["is_excellent", "excellent_at"], note=note)
    _ledger.record_extra(proposal, _ledger.EXCELLENT, day=local_day(at), actor=actor)
    send(proposer_users(proposal), proposal=proposal, kind="excellent",
         title=_("Your proposal %(proposal)s was selected as an excellent proposal") % {"proposal": label(proposal)})
    return proposal


@transaction.atomic
def proposal_unmark_excellent(*, actor, proposal: Proposal | int, note: str = "",
                              at: datetime | None = None) -> Proposal:
    """Undo the excellent mark; its ledger events are withdrawn."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.UNMARK_EXCELLENT, actor)
    if not proposal.is_excellent:
        raise ProposalError(_("This proposal is not marked as excellent."))
    note = clean_text(note, field="note", label=_("The note"), max_chars=REASON_MAX_CHARS)
    proposal.is_excellent, proposal.excellent_at = False, None
    transition(WORKFLOW, proposal, Verb.UNMARK_EXCELLENT, actor, at=at,
               fields=["is_excellent", "excellent_at"], note=note)
    _ledger.withdraw(proposal, _ledger.EXCELLENT)
    return proposal


@transaction.atomic
def proposal_withhold(*, actor, proposal: Proposal | int, reason: str, at: datetime | None = None) -> Proposal:
    """Keep the proposal and its reply out of the public archive, with a reason. Notifies the proposers."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.WITHHOLD, actor)
    if proposal.publication_withheld:
        raise ProposalError(_("Publication is already withheld."))
    reason = clean_text(reason, field="reason", label=_("The reason"), max_chars=REASON_MAX_CHARS, required=True)
    proposal.publication_withheld, proposal.withheld_reason, proposal.withheld_at = True, reason, at
    transition(WORKFLOW, proposal, Verb.WITHHOLD, actor, at=at,
               fields=["publication_withheld", "withheld_reason", "withheld_at"],
               note=reason)
    send(proposer_users(proposal), proposal=proposal, kind="withheld",
         title=_("The reply to %(proposal)s is not published in the archive") % {"proposal": label(proposal)},
         body=reason)
    return proposal


@transaction.atomic
def proposal_unwithhold(*, actor, proposal: Proposal | int, note: str = "", at: datetime | None = None) -> Proposal:
    """Publish a withheld proposal again (its reason stays in the timeline)."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.UNWITHHOLD, actor)
    if not proposal.publication_withheld:
        raise ProposalError(_("Publication is not withheld."))
    note = clean_text(note, field="note", label=_("The note"), max_chars=REASON_MAX_CHARS)
    proposal.publication_withheld, proposal.withheld_reason, proposal.withheld_at = False, "", None
    transition(WORKFLOW, proposal, Verb.UNWITHHOLD, actor, at=at, fields=["publication_withheld", "withheld_reason",
                                                                "withheld_at"], note=note)
    return proposal


@transaction.atomic
def proposal_record_followup(*, actor, proposal: Proposal | int, note: str, at: datetime | None = None) -> Proposal:
    """Record the follow-up review (回头看) of a class B reply; stops its reminders. Notifies the officers
    (or the lead unit, when an officer records it)."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    if WORKFLOW.can(proposal.status, Verb.RECORD_FOLLOWUP) and (proposal.followup_due_on is None
                                                       or proposal.followup_done_at is not None):
        raise NotReady(_("No follow-up review is due for this proposal."))
    check(WORKFLOW, proposal, Verb.RECORD_FOLLOWUP, actor)
    note = clean_text(note, field="note", label=_("The follow-up review"), max_chars=COMMENT_MAX_CHARS,
                      required=True)
    proposal.followup_done_at, proposal.followup_note = at, note
    transition(WORKFLOW, proposal, Verb.RECORD_FOLLOWUP, actor, at=at,
               fields=["followup_done_at", "followup_note"], note=note)
    title = _("Follow-up review recorded: %(proposal)s") % {"proposal": label(proposal)}
    if access.is_lead_handler(actor, proposal):
        send(proposal_officers(), proposal=proposal, kind="followup", title=title, body=note)
    else:
        send(unit_officers([proposal.lead_unit_id]), proposal=proposal, kind="followup", title=title, body=note)
    return proposal


__all__ = [
    "rating_submit", "proposal_close_after_rating_period", "proposals_past_rating_period",
    "proposals_close_expired_rating_periods", "proposal_rate_quality", "proposal_mark_excellent",
    "proposal_unmark_excellent", "proposal_withhold", "proposal_unwithhold", "proposal_record_followup",
]
