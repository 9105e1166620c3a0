"""Assignment to handling units and the handling itself: acceptance, objection, reassignment,
extension, co-handling opinions, contact with the proposer, the reply and its approval."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import HandlingUnit
from zhongyuan_cppcc.accounts.roles import Role
from zhongyuan_cppcc.core.parameters import get_parameter
from zhongyuan_cppcc.workflow.services import check, lock, pk_of, transition

from .. import parameters as p
from ..deadlines import (
    co_opinion_due,
    default_reply_due,
    explain_objection_deadline,
    explain_rating_deadline,
    explain_reply_deadline,
    followup_due,
    latest_reply_due,
    objection_deadline,
)
from ..errors import DeadlinePassed, NotReady, ProposalError, ProposalPermissionDenied
from ..models import (
    COMMENT_MAX_CHARS,
    REASON_MAX_CHARS,
    Assignment,
    AssignmentAnswer,
    AssignmentRole,
    AttachmentKind,
    ContactMethod,
    ContactRecord,
    DeadlineBasis,
    Proposal,
    Rating,
    Reply,
    ReplyClass,
    ReplyStatus,
)
from ..workflow import WORKFLOW, Verb
from . import _ledger
from ._common import (
    KEEP,
    clean_text,
    label,
    local_day,
    proposal_officers,
    send,
    unit_officers,
    users_by_ids,
    when,
)
from .attachments import delete_attachment, store_attachment, store_pdf
from .queries import proposer_users

REPLY_MAX_CHARS = 20_000


def _units(lead_unit: HandlingUnit, co_units) -> tuple[HandlingUnit, list[HandlingUnit]]:
    if not isinstance(lead_unit, HandlingUnit):
        raise ValidationError({"lead_unit": _("Choose the lead unit.")})
    co = [u for u in dict.fromkeys(co_units or []) if u.pk != lead_unit.pk]
    inactive = [u.name for u in [lead_unit, *co] if not u.is_active]
    if inactive:
        raise ValidationError({"lead_unit": _("These units no longer handle proposals: %(units)s")
                               % {"units": "、".join(inactive)}})
    return lead_unit, co


def _check_leader(is_key: bool, leader) -> None:
    if is_key and (leader is None or not leader.is_active or not leader.has_role(Role.LEADER)):
        raise ValidationError({"supervising_leader": _("A key proposal needs a supervising leader.")})


def _set_deadline(proposal: Proposal, assigned_on: date, reply_due_on: date | None) -> None:
    if reply_due_on is None:
        proposal.reply_due_on = default_reply_due(assigned_on)
        proposal.reply_due_basis, proposal.reply_due_months = DeadlineBasis.ASSIGNMENT, get_parameter(p.REPLY_MONTHS)
    else:
        latest = latest_reply_due(assigned_on)
        if not assigned_on < reply_due_on <= latest:
            raise ValidationError({"reply_due_on": _("The reply deadline must be after the assignment and no later "
                                                     "than %(latest)s.") % {"latest": latest.isoformat()}})
        proposal.reply_due_on, proposal.reply_due_basis, proposal.reply_due_months = (
            reply_due_on, DeadlineBasis.CUSTOM, None)
    proposal.reply_due_basis_on = assigned_on
    proposal.original_reply_due_on, proposal.extended_at, proposal.extension_reason = None, None, ""
    proposal.extension_count = 0


DEADLINE_FIELDS = ["reply_due_on", "reply_due_basis", "reply_due_basis_on", "reply_due_months",
                   "original_reply_due_on", "extended_at", "extension_reason", "extension_count"]


def _create_round(proposal: Proposal, lead: HandlingUnit, co: list[HandlingUnit], *, actor, at: datetime,
                  accepted_before: dict[tuple[int, str], Assignment] | None = None) -> list[Assignment]:
    assigned_on = local_day(at)
    rows = []
    for unit, role in [(lead, AssignmentRole.LEAD), *[(u, AssignmentRole.CO) for u in co]]:
        row = Assignment(proposal=proposal, unit=unit, role=role, round=proposal.assignment_round, assigned_at=at,
                         assigned_on=assigned_on, assigned_by=actor,
                         opinion_due_on=co_opinion_due(assigned_on) if role == AssignmentRole.CO else None)
        previous = (accepted_before or {}).get((unit.pk, role))
        if previous is not None:
            # Same unit, same role: its acceptance stands; it is not asked (or reminded) again.
            row.answer, row.answered_at, row.answered_by = AssignmentAnswer.ACCEPTED, previous.answered_at, \
                previous.answered_by
        rows.append(row)
    return Assignment.objects.bulk_create(rows)


def _notify_assigned(proposal: Proposal, lead: HandlingUnit, co: list[HandlingUnit], *, reassigned: bool) -> None:
    deadline = explain_reply_deadline(proposal)
    objection = explain_objection_deadline(proposal.assigned_on)
    title = (_("Proposal reassigned to your unit: %(proposal)s") if reassigned
             else _("New proposal assigned to your unit: %(proposal)s")) % {"proposal": label(proposal)}
    send(unit_officers([lead.pk]), proposal=proposal, kind="assigned", title=title,
         body=_("Your unit is the lead unit and replies to the proposer. %(deadline)s %(objection)s")
         % {"deadline": deadline, "objection": objection})
    if co:
        due = co_opinion_due(proposal.assigned_on).isoformat()
        send(unit_officers([u.pk for u in co]), proposal=proposal, kind="assigned", title=title,
             body=_("Your unit is a co-handling unit: send your opinion to %(lead)s by %(due)s. %(objection)s")
             % {"lead": lead.name, "due": due, "objection": objection})
    send(proposer_users(proposal), proposal=proposal, kind="assigned_proposer",
         title=_("Your proposal %(proposal)s was assigned to %(unit)s") % {"proposal": label(proposal),
                                                                          "unit": lead.name},
         body=deadline)
    if proposal.is_key and proposal.supervising_leader_id:
        _notify_leader(proposal)


def _notify_leader(proposal: Proposal) -> None:
    send(users_by_ids([proposal.supervising_leader_id]), proposal=proposal, kind="key_supervision",
         title=_("You supervise the key proposal %(proposal)s") % {"proposal": label(proposal)},
         body=explain_reply_deadline(proposal))


@transaction.atomic
def proposal_assign(
    *,
    actor,
    proposal: Proposal | int,
    lead_unit: HandlingUnit,
    co_units=(),
    is_key: bool | None = None,
    supervising_leader=None,
    reply_due_on: date | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Proposal:
    """Assign a registered proposal (交办) to one lead unit and any co-handling units. The reply is due
    proposals.reply_months after assignment unless the officer sets an earlier date (or a later one up
    to proposals.reply_max_months). is_key=None keeps the key-proposal flag (and leader) as they are;
    key proposals need a supervising leader. Notifies units, leader, proposers."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.ASSIGN, actor)
    lead, co = _units(lead_unit, co_units)
    if is_key is None:
        is_key, supervising_leader = proposal.is_key, proposal.supervising_leader
    _check_leader(is_key, supervising_leader)
    note = clean_text(note, field="note", label=_("The note"), max_chars=REASON_MAX_CHARS)
    proposal.assignment_round += 1
    proposal.reply_round = 1
    proposal.lead_unit, proposal.assigned_at, proposal.assigned_on = lead, at, local_day(at)
    proposal.contact_recorded_on = None
    _set_deadline(proposal, proposal.assigned_on, reply_due_on)
    was_key = proposal.is_key
    proposal.is_key, proposal.supervising_leader = bool(is_key), supervising_leader if is_key else None
    _create_round(proposal, lead, co, actor=actor, at=at)
    transition(WORKFLOW, proposal, Verb.ASSIGN, actor, at=at,
               fields=["assignment_round", "reply_round", "lead_unit", "assigned_at", "assigned_on",
                       "contact_recorded_on", "is_key", "supervising_leader", *DEADLINE_FIELDS],
               note=_("Lead unit: %(lead)s; co-handling: %(co)s. %(deadline)s %(note)s")
               % {"lead": lead.name, "co": "、".join(u.name for u in co) or "—",
                  "deadline": explain_reply_deadline(proposal), "note": note},
               details={"lead_unit": lead.pk, "co_units": [u.pk for u in co], "key": proposal.is_key})
    if proposal.is_key and not was_key:
        _ledger.record_extra(proposal, _ledger.KEY, day=local_day(at), actor=actor)
    elif was_key and not proposal.is_key:
        _ledger.withdraw(proposal, _ledger.KEY)
    _notify_assigned(proposal, lead, co, reassigned=False)
    return proposal


@dataclass
class BulkResult:
    assigned: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


@transaction.atomic
def proposals_bulk_assign(*, actor, proposals, lead_unit: HandlingUnit, co_units=(), reply_due_on: date | None = None,
                          at: datetime | None = None) -> BulkResult:
    """Assign several registered proposals to the same units; each succeeds or fails on its own
    (the failures are reported with their message, the others stay assigned)."""
    result = BulkResult()
    for item in proposals:
        pk = pk_of(item)
        try:
            with transaction.atomic():
                proposal_assign(actor=actor, proposal=pk, lead_unit=lead_unit, co_units=co_units,
                                reply_due_on=reply_due_on, at=at)
        except (ProposalError, ValidationError, Proposal.DoesNotExist) as exc:
            result.failed[pk] = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        else:
            result.assigned.append(pk)
    return result


@transaction.atomic
def proposal_set_key(*, actor, proposal: Proposal | int, is_key: bool, supervising_leader=None, note: str = "",
                     at: datetime | None = None) -> Proposal:
    """Mark or unmark a registered proposal as key proposal (重点提案) with its supervising leader; the
    proposers' ledger gets (or loses) the "key" event. Notifies the leader."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.SET_KEY, actor)
    _check_leader(is_key, supervising_leader)
    was_key, old_leader = proposal.is_key, proposal.supervising_leader_id
    proposal.is_key, proposal.supervising_leader = bool(is_key), supervising_leader if is_key else None
    note = clean_text(note, field="note", label=_("The note"), max_chars=REASON_MAX_CHARS)
    transition(WORKFLOW, proposal, Verb.SET_KEY, actor, at=at, fields=["is_key", "supervising_leader"],
               note=(_("Marked as key proposal, supervised by %(leader)s.") % {"leader": supervising_leader}
                     if is_key else _("No longer a key proposal.")) + (f" {note}" if note else ""))
    if is_key and not was_key:
        _ledger.record_extra(proposal, _ledger.KEY, day=local_day(at), actor=actor)
    elif was_key and not is_key:
        _ledger.withdraw(proposal, _ledger.KEY)
    if is_key and proposal.supervising_leader_id != old_leader:
        _notify_leader(proposal)
    return proposal


def _lock_assignment(assignment: Assignment | int) -> tuple[Proposal, Assignment]:
    proposal_id = Assignment.objects.values_list("proposal_id", flat=True).get(pk=pk_of(assignment))
    proposal = lock(Proposal, proposal_id)
    return proposal, Assignment.objects.select_related("unit").get(pk=pk_of(assignment))


def _require_unit_officer(actor, assignment: Assignment) -> None:
    if not (actor.has_role(Role.HANDLER) and assignment.unit.officers.filter(pk=actor.pk).exists()):
        raise ProposalPermissionDenied(_("Only an officer of %(unit)s can do this.") % {"unit": assignment.unit})


@transaction.atomic
def assignment_accept(*, actor, assignment: Assignment | int, at: datetime | None = None) -> Assignment:
    """An officer of the assigned unit accepts the assignment (stops the "not accepted" reminder)."""
    at = when(at)
    proposal, assignment = _lock_assignment(assignment)
    check(WORKFLOW, proposal, Verb.ACCEPT_ASSIGNMENT, actor)
    _require_unit_officer(actor, assignment)
    if not assignment.is_active or assignment.answer != AssignmentAnswer.PENDING:
        raise ProposalError(_("This assignment has already been answered or replaced."))
    assignment.answer, assignment.answered_at, assignment.answered_by = AssignmentAnswer.ACCEPTED, at, actor
    assignment.save(update_fields=["answer", "answered_at", "answered_by"])
    transition(WORKFLOW, proposal, Verb.ACCEPT_ASSIGNMENT, actor, at=at,
               note=_("%(unit)s accepted the assignment.") % {"unit": assignment.unit.name},
               details={"assignment": assignment.pk})
    return assignment


@transaction.atomic
def assignment_object(*, actor, assignment: Assignment | int, reason: str, at: datetime | None = None) -> Assignment:
    """The unit objects to the assignment with a reason, within proposals.objection_working_days working
    days (holidays and make-up days counted). Notifies the proposal officers, who reassign."""
    at = when(at)
    proposal, assignment = _lock_assignment(assignment)
    check(WORKFLOW, proposal, Verb.OBJECT_ASSIGNMENT, actor)
    _require_unit_officer(actor, assignment)
    if not assignment.is_active or assignment.answer != AssignmentAnswer.PENDING:
        raise ProposalError(_("This assignment has already been answered or replaced."))
    reason = clean_text(reason, field="reason", label=_("The reason"), max_chars=REASON_MAX_CHARS, required=True)
    last_day = objection_deadline(assignment.assigned_on)
    if local_day(at) > last_day:
        raise DeadlinePassed(_("The objection period ended on %(date)s. %(explanation)s")
                             % {"date": last_day.isoformat(),
                                "explanation": explain_objection_deadline(assignment.assigned_on)})
    assignment.answer, assignment.answered_at, assignment.answered_by = AssignmentAnswer.OBJECTED, at, actor
    assignment.objection_reason = reason
    assignment.save(update_fields=["answer", "answered_at", "answered_by", "objection_reason"])
    transition(WORKFLOW, proposal, Verb.OBJECT_ASSIGNMENT, actor, at=at,
               note=_("%(unit)s objects: %(reason)s") % {"unit": assignment.unit.name, "reason": reason},
               details={"assignment": assignment.pk})
    send(proposal_officers(), proposal=proposal, kind="objection",
         title=_("%(unit)s objects to the assignment of %(proposal)s") % {"unit": assignment.unit.name,
                                                                         "proposal": label(proposal)},
         body=reason)
    return assignment


@transaction.atomic
def proposal_reassign(*, actor, proposal: Proposal | int, lead_unit: HandlingUnit, co_units=(),
                      reply_due_on: date | None = None, note: str = "", at: datetime | None = None) -> Proposal:
    """Replace the assignment (e.g. after an objection): the old rows are superseded, a new round starts
    and the reply deadline restarts from today. A unit keeping its role keeps its acceptance. The lead
    unit's unsubmitted reply draft is discarded. Notifies old and new units."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.REASSIGN, actor)
    lead, co = _units(lead_unit, co_units)
    note = clean_text(note, field="note", label=_("The note"), max_chars=REASON_MAX_CHARS)
    old = list(proposal.assignments.filter(superseded_at__isnull=True).select_related("unit"))
    accepted = {(a.unit_id, a.role): a for a in old if a.answer == AssignmentAnswer.ACCEPTED}
    Assignment.objects.filter(pk__in=[a.pk for a in old]).update(superseded_at=at)
    for reply in proposal.replies.filter(round=proposal.reply_round, status=ReplyStatus.DRAFT):
        if reply.document_id:
            delete_attachment(reply.document, actor=actor)
        reply.delete()
    proposal.assignment_round += 1
    proposal.lead_unit, proposal.assigned_at, proposal.assigned_on = lead, at, local_day(at)
    proposal.contact_recorded_on = None
    _set_deadline(proposal, proposal.assigned_on, reply_due_on)
    _create_round(proposal, lead, co, actor=actor, at=at, accepted_before=accepted)
    transition(WORKFLOW, proposal, Verb.REASSIGN, actor, at=at,
               fields=["assignment_round", "lead_unit", "assigned_at", "assigned_on", "contact_recorded_on",
                       *DEADLINE_FIELDS],
               note=_("Reassigned. Lead unit: %(lead)s; co-handling: %(co)s. %(deadline)s %(note)s")
               % {"lead": lead.name, "co": "、".join(u.name for u in co) or "—",
                  "deadline": explain_reply_deadline(proposal), "note": note},
               details={"lead_unit": lead.pk, "co_units": [u.pk for u in co]})
    kept = {lead.pk, *[u.pk for u in co]}
    dropped = [a.unit_id for a in old if a.unit_id not in kept]
    if dropped:
        send(unit_officers(dropped), proposal=proposal, kind="unassigned",
             title=_("No longer assigned to your unit: %(proposal)s") % {"proposal": label(proposal)}, body=note)
    _notify_assigned(proposal, lead, co, reassigned=True)
    return proposal


@transaction.atomic
def proposal_extend(*, actor, proposal: Proposal | int, new_due_on: date, reason: str,
                    at: datetime | None = None) -> Proposal:
    """Extend the reply deadline (proposals.extensions_per_assignment times per assignment, default once)
    to at most proposals.reply_max_months after the assignment, with a reason. Notifies the units."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.EXTEND, actor)
    reason = clean_text(reason, field="reason", label=_("The reason"), max_chars=REASON_MAX_CHARS, required=True)
    allowed = get_parameter(p.EXTENSIONS_PER_ASSIGNMENT)
    if proposal.extension_count >= allowed:
        raise NotReady(_("The deadline of this assignment has already been extended; it can be extended only "
                         "%(count)d time(s).") % {"count": allowed})
    latest = latest_reply_due(proposal.assigned_on)
    if not isinstance(new_due_on, date) or new_due_on <= proposal.reply_due_on:
        raise ValidationError({"new_due_on": _("The new deadline must be later than the current one (%(due)s).")
                               % {"due": proposal.reply_due_on.isoformat()}})
    if new_due_on > latest:
        raise ValidationError({"new_due_on": _("The deadline can be extended to %(latest)s at the latest: "
                                               "%(months)d months after the assignment on %(assigned)s.")
                               % {"latest": latest.isoformat(), "months": get_parameter(p.REPLY_MAX_MONTHS),
                                  "assigned": proposal.assigned_on.isoformat()}})
    if proposal.original_reply_due_on is None:
        proposal.original_reply_due_on = proposal.reply_due_on
    proposal.reply_due_on, proposal.reply_due_basis = new_due_on, DeadlineBasis.EXTENSION
    proposal.reply_due_basis_on, proposal.reply_due_months = proposal.assigned_on, None
    proposal.extended_at, proposal.extension_reason = at, reason
    proposal.extension_count += 1
    transition(WORKFLOW, proposal, Verb.EXTEND, actor, at=at,
               fields=DEADLINE_FIELDS, note=explain_reply_deadline(proposal),
               details={"new_due_on": new_due_on.isoformat()})
    units = proposal.assignments.filter(superseded_at__isnull=True).values_list("unit_id", flat=True)
    send(unit_officers(units), proposal=proposal, kind="extended",
         title=_("Reply deadline extended: %(proposal)s") % {"proposal": label(proposal)},
         body=explain_reply_deadline(proposal))
    return proposal


@transaction.atomic
def assignment_submit_opinion(*, actor, assignment: Assignment | int, text: str, document=None,
                              at: datetime | None = None) -> Assignment:
    """A co-handling unit sends its opinion (and optionally a document) to the lead unit, once.
    Notifies the lead unit."""
    at = when(at)
    proposal, assignment = _lock_assignment(assignment)
    check(WORKFLOW, proposal, Verb.SUBMIT_CO_OPINION, actor)
    _require_unit_officer(actor, assignment)
    if not assignment.is_active or assignment.role != AssignmentRole.CO:
        raise ProposalPermissionDenied(_("Only an active co-handling unit sends an opinion to the lead unit."))
    if assignment.opinion_submitted_at is not None:
        raise ProposalError(_("Your unit has already sent its opinion."))
    assignment.opinion_text = clean_text(text, field="text", label=_("The opinion"), max_chars=REPLY_MAX_CHARS,
                                         required=True)
    if document is not None:
        assignment.opinion_attachment = store_attachment(proposal=proposal, upload=document,
                                                         kind=AttachmentKind.CO_OPINION, actor=actor,
                                                         unit=assignment.unit, at=at)
    assignment.opinion_submitted_at, assignment.opinion_submitted_by = at, actor
    assignment.save(update_fields=["opinion_text", "opinion_attachment", "opinion_submitted_at",
                                   "opinion_submitted_by"])
    transition(WORKFLOW, proposal, Verb.SUBMIT_CO_OPINION, actor, at=at,
               note=_("%(unit)s sent its co-handling opinion to the lead unit.") % {"unit": assignment.unit.name},
               details={"assignment": assignment.pk})
    send(unit_officers([proposal.lead_unit_id]), proposal=proposal, kind="co_opinion",
         title=_("%(unit)s sent its opinion on %(proposal)s") % {"unit": assignment.unit.name,
                                                                 "proposal": label(proposal)})
    return assignment


@transaction.atomic
def proposal_record_contact(*, actor, proposal: Proposal | int, method: str, contacted_on: date, note: str = "",
                            at: datetime | None = None) -> ContactRecord:
    """The lead unit records its contact with the proposer(s) in the current reply round."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.RECORD_CONTACT, actor)
    if method not in ContactMethod.values:
        raise ValidationError({"method": _("Choose how the proposer was contacted.")})
    if not isinstance(contacted_on, date):
        raise ValidationError({"contacted_on": _("Give the date of the contact.")})
    if contacted_on > local_day(at):
        raise ValidationError({"contacted_on": _("The date of the contact cannot be in the future.")})
    note = clean_text(note, field="note", label=_("The note"), max_chars=COMMENT_MAX_CHARS)
    record = ContactRecord.objects.create(proposal=proposal, unit_id=proposal.lead_unit_id,
                                          reply_round=proposal.reply_round, method=method, contacted_on=contacted_on,
                                          note=note, recorded_by=actor, recorded_at=at)
    fields = []
    if proposal.contact_recorded_on is None and method != ContactMethod.NOT_CONTACTED:
        proposal.contact_recorded_on = contacted_on
        fields.append("contact_recorded_on")
    transition(WORKFLOW, proposal, Verb.RECORD_CONTACT, actor, at=at, fields=fields,
               note=_("Contact with the proposer: %(method)s on %(date)s.")
               % {"method": ContactMethod(method).label, "date": contacted_on.isoformat()},
               details={"contact": record.pk})
    return record


def _reply_fields(reply: Reply, *, reply_class, text, signer, contact_person, contact_phone) -> list[str]:
    changed = []
    if reply_class is not KEEP:
        if reply_class and reply_class not in ReplyClass.values:
            raise ValidationError({"reply_class": _("Choose class A, B or C.")})
        reply.reply_class = reply_class or ""
        changed.append("reply_class")
    if text is not KEEP:
        reply.text = clean_text(text, field="text", label=_("The reply"), max_chars=REPLY_MAX_CHARS)
        changed.append("text")
    for name, value, limit, text_label in (("signer", signer, 50, _("The signer")),
                                           ("contact_person", contact_person, 50, _("The contact person")),
                                           ("contact_phone", contact_phone, 30, _("The contact phone"))):
        if value is not KEEP:
            setattr(reply, name, clean_text(value, field=name, label=text_label, max_chars=limit))
            changed.append(name)
    return changed


def _save_reply(proposal: Proposal, actor, at: datetime, *, document, **values) -> Reply:
    reply = proposal.replies.filter(round=proposal.reply_round).first()
    if reply is None:
        reply = Reply(proposal=proposal, unit_id=proposal.lead_unit_id, round=proposal.reply_round, created_at=at)
    elif reply.status != ReplyStatus.DRAFT:
        raise ProposalError(_("This reply has already been submitted."))
    changed = _reply_fields(reply, **values)
    if document is not None:
        old = reply.document if reply.document_id else None
        reply.document = store_pdf(proposal=proposal, upload=document, kind=AttachmentKind.REPLY_DOCUMENT,
                                   actor=actor, unit=proposal.lead_unit, at=at)
        changed.append("document")
        if old is not None:
            delete_attachment(old, actor=actor)
    reply.unit_id = proposal.lead_unit_id
    if reply.pk is None:
        reply.save()
    else:
        reply.save(update_fields=sorted({*changed, "unit", "updated_at"}))
    return reply


@transaction.atomic
def reply_save(*, actor, proposal: Proposal | int, reply_class=KEEP, text=KEEP, signer=KEEP, contact_person=KEEP,
               contact_phone=KEEP, document=None, at: datetime | None = None) -> Reply:
    """The lead unit saves its reply draft for the current round (fields left as KEEP are unchanged;
    `document` is the signed reply document, PDF only, replacing any earlier one)."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.SAVE_REPLY, actor)
    return _save_reply(proposal, actor, at, document=document, reply_class=reply_class, text=text, signer=signer,
                       contact_person=contact_person, contact_phone=contact_phone)


@transaction.atomic
def reply_submit(*, actor, proposal: Proposal | int, reply_class=KEEP, text=KEEP, signer=KEEP, contact_person=KEEP,
                 contact_phone=KEEP, document=None, at: datetime | None = None) -> Reply:
    """Save and submit the reply for approval: needs class, text, the signed PDF and a recorded contact
    with the proposer in this round. Nobody outside the office sees it before approval. Notifies the
    proposal officers."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.SUBMIT_REPLY, actor)
    reply = _save_reply(proposal, actor, at, document=document, reply_class=reply_class, text=text, signer=signer,
                        contact_person=contact_person, contact_phone=contact_phone)
    errors = {}
    if not reply.reply_class:
        errors["reply_class"] = _("Choose class A, B or C.")
    if not reply.text:
        errors["text"] = _("Write the reply.")
    if not reply.document_id:
        errors["document"] = _("Attach the signed reply document (PDF).")
    if errors:
        raise ValidationError(errors)
    if not proposal.contacts.filter(reply_round=proposal.reply_round).exists():
        raise NotReady(_("Record the contact with the proposer (or that there was none) before submitting the "
                         "reply."))
    reply.status, reply.submitted_at, reply.submitted_by = ReplyStatus.SUBMITTED, at, actor
    reply.submitted_class = reply.reply_class
    reply.save(update_fields=["status", "submitted_at", "submitted_by", "submitted_class", "updated_at"])
    proposal.reply_submitted_at = at
    transition(WORKFLOW, proposal, Verb.SUBMIT_REPLY, actor, at=at, fields=["reply_submitted_at"],
               note=_("Reply submitted for approval (class %(cls)s).") % {"cls": reply.reply_class},
               details={"reply": reply.pk, "class": reply.reply_class})
    send(proposal_officers(), proposal=proposal, kind="reply_submitted",
         title=_("Reply awaiting approval: %(proposal)s") % {"proposal": label(proposal)})
    return reply


def _submitted_reply(proposal: Proposal) -> Reply:
    reply = proposal.replies.filter(round=proposal.reply_round, status=ReplyStatus.SUBMITTED).first()
    if reply is None:  # pragma: no cover - the status guarantees a submitted reply
        raise NotReady(_("There is no submitted reply to review."))
    return reply


@transaction.atomic
def reply_approve(*, actor, proposal: Proposal | int, reply_class: str | None = None, note: str = "",
                  at: datetime | None = None) -> Reply:
    """Approve the submitted reply (the officer may change its class). Proposers now see it and each gets
    a rating to give (the rating period counts from today); a class B reply schedules the follow-up review.
    Notifies proposers and the lead unit."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.APPROVE_REPLY, actor)
    reply = _submitted_reply(proposal)
    if reply_class:
        if reply_class not in ReplyClass.values:
            raise ValidationError({"reply_class": _("Choose class A, B or C.")})
        reply.reply_class = reply_class
    note = clean_text(note, field="note", label=_("The note"), max_chars=REASON_MAX_CHARS)
    reply.status, reply.approved_at, reply.approved_by = ReplyStatus.APPROVED, at, actor
    reply.save(update_fields=["status", "reply_class", "approved_at", "approved_by", "updated_at"])
    today = local_day(at)
    proposal.replied_at = proposal.replied_at or at
    proposal.reply_approved_at, proposal.reply_approved_on, proposal.reply_class = at, today, reply.reply_class
    if reply.reply_class == ReplyClass.B:
        proposal.followup_due_on, proposal.followup_done_at = followup_due(today), None
    elif proposal.followup_done_at is None:
        proposal.followup_due_on = None
    changed_class = reply.reply_class != reply.submitted_class
    transition(WORKFLOW, proposal, Verb.APPROVE_REPLY, actor, at=at,
               fields=["replied_at", "reply_approved_at", "reply_approved_on", "reply_class", "followup_due_on",
                       "followup_done_at"],
               note=(_("Reply approved as class %(cls)s (proposed: %(proposed)s).") if changed_class
                     else _("Reply approved as class %(cls)s.")) % {"cls": reply.reply_class,
                                                                    "proposed": reply.submitted_class}
               + (f" {note}" if note else ""),
               details={"reply": reply.pk, "class": reply.reply_class, "proposed_class": reply.submitted_class})
    proposers = list(proposer_users(proposal).select_related("member"))
    Rating.objects.bulk_create([
        Rating(proposal=proposal, reply=reply, round=reply.round, user=user,
               member=getattr(user, "member", None), requested_on=today)
        for user in proposers
    ])
    send(proposers, proposal=proposal, kind="reply_approved",
         title=_("The reply to your proposal %(proposal)s is available") % {"proposal": label(proposal)},
         body=explain_rating_deadline(today))
    send(unit_officers([proposal.lead_unit_id]), proposal=proposal, kind="reply_approved_unit",
         title=_("Your reply was approved: %(proposal)s") % {"proposal": label(proposal)},
         body=(_("The proposal office changed the class to %(cls)s.") % {"cls": reply.reply_class})
         if changed_class else "")
    return reply


@transaction.atomic
def reply_return(*, actor, proposal: Proposal | int, reason: str, at: datetime | None = None) -> Reply:
    """Send the submitted reply back to the lead unit with a reason (it becomes a draft again).
    Notifies the lead unit."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.RETURN_REPLY, actor)
    reason = clean_text(reason, field="reason", label=_("The reason"), max_chars=REASON_MAX_CHARS, required=True)
    reply = _submitted_reply(proposal)
    reply.status, reply.returned_at, reply.return_reason = ReplyStatus.DRAFT, at, reason
    reply.save(update_fields=["status", "returned_at", "return_reason", "updated_at"])
    transition(WORKFLOW, proposal, Verb.RETURN_REPLY, actor, at=at, note=reason, details={"reply": reply.pk})
    send(unit_officers([proposal.lead_unit_id]), proposal=proposal, kind="reply_returned",
         title=_("Your reply was returned: %(proposal)s") % {"proposal": label(proposal)},
         body=reason + " " + explain_reply_deadline(proposal))
    return reply


__all__ = [
    "BulkResult", "proposal_assign", "proposals_bulk_assign", "proposal_set_key", "assignment_accept",
    "assignment_object", "proposal_reassign", "proposal_extend", "assignment_submit_opinion",
    "proposal_record_contact", "reply_save", "reply_submit", "reply_approve", "reply_return",
]
