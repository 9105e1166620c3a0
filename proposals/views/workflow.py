"""The detail page and the transition views of the proposal office and the handling units.

Every action is one POST-only view per verb: parse the form, call the service, then redirect back to the
detail page with a message (PRG). A form or service error re-renders the detail page with the form open
and its errors; a move the proposal's status no longer allows (someone acted first) redirects with the
service's message. Nothing is changed in either case (services run in one transaction).
"""

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhongyuan_cppcc.core.parameters import get_parameter
from zhongyuan_cppcc.workflow.history import wants_whole_history
from zhongyuan_cppcc.workflow.views import Action, available_actions, run_service

from .. import deadlines, selectors, services
from .. import forms as pforms
from .. import parameters as p
from .. import rules as prules
from ..errors import InvalidTransition, ProposalError, ProposalPermissionDenied
from ..models import (
    Assignment,
    AssignmentAnswer,
    AssignmentRole,
    CosignerInvitation,
    InvitationStatus,
    Proposal,
    QualityRating,
    Reply,
)
from ..workflow import DEADLINE_STATUSES, WORKFLOW, Status, Verb
from .workflow_forms import MergeTargetForm

# Who may attempt a verb at all (the role and relation part of rules.ACTORS, without the status part).
# A viewer who may see the proposal but is not such an actor gets 403; the right actor at the wrong
# moment gets the service's message instead.
ROLE_CHECKS = {**prules.ACTORS,
               Verb.RECORD_FOLLOWUP: prules.lead_handler_of | prules.is_proposal_officer}

STATUS_BADGES = {
    Status.DRAFT: "secondary", Status.SUBMITTED: "primary", Status.WITHDRAWN: "secondary",
    Status.REGISTERED: "info", Status.NOT_REGISTERED: "dark", Status.MERGED: "secondary",
    Status.ASSIGNED: "warning", Status.REPLY_REVIEW: "warning", Status.REPLIED: "success",
    Status.REHANDLING: "danger", Status.REHANDLING_REVIEW: "warning", Status.CLOSED: "success",
}


# --- Helpers --------------------------------------------------------------------------------------------------


def _actor_may(user, proposal: Proposal, verb: str) -> bool:
    return ROLE_CHECKS[verb].test(user, proposal)


def _proposal_for(request, pk, *verbs: str) -> Proposal:
    """The proposal (404 outside the user's scope), if the user is the kind of actor of one of `verbs`
    (else 403)."""
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    if not any(_actor_may(request.user, proposal, verb) for verb in verbs):
        raise PermissionDenied
    return proposal


def _detail_url(proposal) -> str:
    return reverse("proposals:proposal-detail", args=[proposal.pk])


def _perform(request, proposal: Proposal, slot: str, form, call, success):
    """The engine's run_service with the detail page as the place to go back to: success → message and
    redirect (PRG); a move the status no longer allows → the service's message and redirect; a form or
    service error → the message and the detail page with the form `slot` reopened. Nothing is changed then."""

    def reopen(refused):
        messages.error(request, pforms.form_error_text(refused))
        fresh = selectors.proposal_get_for(user=request.user, pk=proposal.pk)
        return _render_detail(request, fresh, failed=(slot, refused))

    return run_service(request, form=form, call=call, success=success, redirect_to=_detail_url(proposal),
                       on_invalid=reopen)


# --- Next step and deadlines -----------------------------------------------------------------------------------


def next_step(proposal: Proposal) -> str:
    """One sentence: what happens next, and who does it."""
    s = proposal.status
    unit = proposal.lead_unit.name if proposal.lead_unit_id else ""
    due = proposal.reply_due_on.isoformat() if proposal.reply_due_on else ""
    if s == Status.DRAFT:
        if proposal.revision_requested:
            return _("Returned for revision: the lead proposer revises the proposal and submits it again.")
        return _("Draft: the lead proposer completes it, invites co-signers if any, and submits it.")
    if s == Status.SUBMITTED:
        return _("The proposal office reviews it: register it, return it for revision, not register it, or merge "
                 "it into another proposal.")
    if s == Status.REGISTERED:
        return _("Registered: the proposal office assigns it to a lead unit and any co-handling units.")
    if s == Status.ASSIGNED:
        return _("%(unit)s handles it, contacts the proposer and submits its reply by %(due)s.") % {
            "unit": unit, "due": due}
    if s == Status.REHANDLING:
        return _("The proposer was not satisfied: %(unit)s handles it again and replies by %(due)s.") % {
            "unit": unit, "due": due}
    if s in (Status.REPLY_REVIEW, Status.REHANDLING_REVIEW):
        return _("The reply of %(unit)s awaits the proposal office's approval.") % {"unit": unit}
    if s == Status.REPLIED:
        return _("The reply is approved: every proposer rates it; the proposal closes after the last rating or "
                 "at the end of the rating period.")
    if s == Status.CLOSED:
        return _("Closed: nothing more to do.") if not (proposal.followup_due_on and not proposal.followup_done_at) \
            else _("Closed; the follow-up review (回头看) is due on %(due)s.") % {
                "due": proposal.followup_due_on.isoformat()}
    if s == Status.MERGED:
        return _("Merged: it follows its main proposal, whose reply its proposers receive and rate.")
    if s == Status.NOT_REGISTERED:
        return _("Not registered: nothing more to do.")
    if s == Status.WITHDRAWN:
        return _("Withdrawn by the lead proposer: nothing more to do.")
    return ""  # pragma: no cover - every status is listed


@dataclass
class Deadline:
    label: str
    due: date
    explanation: str
    days_left: int
    working_days: bool

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left


def _deadlines(proposal: Proposal, *, internal: bool, today: date) -> list[Deadline]:
    rows = []
    if proposal.status in DEADLINE_STATUSES and proposal.reply_due_on:
        rows.append(Deadline(_("Reply"), proposal.reply_due_on, deadlines.explain_reply_deadline(proposal),
                             (proposal.reply_due_on - today).days, False))
        if internal and proposal.contact_recorded_on is None and proposal.assigned_on:
            due = deadlines.contact_deadline(proposal.assigned_on)
            rows.append(Deadline(
                _("Contact with the proposer"), due,
                _("%(days)d working days after the assignment on %(basis)s.") % {
                    "days": get_parameter(p.CONTACT_WORKING_DAYS),
                    "basis": proposal.assigned_on.isoformat()},
                deadlines.working_days_left(today, due), True))
    if proposal.status == Status.REPLIED and proposal.reply_approved_on:
        due = deadlines.rating_deadline(proposal.reply_approved_on)
        rows.append(Deadline(_("Rating"), due, deadlines.explain_rating_deadline(proposal.reply_approved_on),
                             deadlines.working_days_left(today, due), True))
    if internal and proposal.followup_due_on and not proposal.followup_done_at:
        rows.append(Deadline(_("Follow-up review (回头看)"), proposal.followup_due_on,
                             _("Scheduled by the class B reply."), (proposal.followup_due_on - today).days, False))
    return rows


# --- Action forms on the detail page ------------------------------------------------------------------------
# What the user may do now is the declarative tables below filtered by the workflow's permissions
# (available_actions): role, relation and status come from rules.ACTORS and the transition table, `when` adds
# what the table cannot know (the extension limit, mark or unmark).


def _extension_left(user, proposal: Proposal) -> bool:
    return proposal.extension_count < get_parameter(p.EXTENSIONS_PER_ASSIGNMENT)


def _assign_initial(proposal: Proposal) -> dict:
    return {"lead_unit": proposal.suggested_lead_unit_id,
            "co_units": [u.pk for u in proposal.suggested_co_units.all()],
            "is_key": proposal.is_key, "supervising_leader": proposal.supervising_leader_id}


def _assign_intro(proposal: Proposal) -> str:
    return _("The suggested units are preselected. Empty reply deadline: %(months)d months after today.") % {
        "months": get_parameter(p.REPLY_MONTHS)}


def _extend_intro(proposal: Proposal) -> str:
    if not proposal.assigned_on:
        return ""
    return _("Possible once per assignment, to %(latest)s at the latest.") % {
        "latest": deadlines.latest_reply_due(proposal.assigned_on).isoformat()}


def _with_proposal(proposal: Proposal) -> dict:
    return {"proposal": proposal}


# The office: review, assignment and the reply.
OFFICE_ACTIONS = [
    Action(Verb.REGISTER, gettext_lazy("Register"), "proposals:register", pforms.RegisterForm, slot="register",
           button=gettext_lazy("Register"), style="success"),
    Action(Verb.RETURN, gettext_lazy("Return for revision"), "proposals:return", pforms.ReturnForm, slot="return",
           button=gettext_lazy("Return for revision"), style="warning",
           confirm=gettext_lazy("Return the proposal to the proposer for revision?")),
    Action(Verb.REJECT, gettext_lazy("Not register"), "proposals:reject", pforms.RejectForm, slot="reject",
           button=gettext_lazy("Not register"), style="danger",
           confirm=gettext_lazy("Not register this proposal? The proposers are told the ground.")),
    Action(Verb.MERGE, gettext_lazy("Merge into another proposal"), "proposals:merge", MergeTargetForm, slot="merge",
           form_kwargs=_with_proposal, button=gettext_lazy("Merge"), style="danger",
           confirm=gettext_lazy("Merge this proposal into the main proposal? Its proposers will follow the main "
                                "proposal.")),
    Action(Verb.ASSIGN, gettext_lazy("Assign"), "proposals:assign", pforms.AssignForm, slot="assign",
           initial=_assign_initial, intro=_assign_intro, button=gettext_lazy("Assign")),
    Action(Verb.REASSIGN, gettext_lazy("Reassign"), "proposals:reassign", pforms.ReassignForm, slot="reassign",
           initial=lambda proposal: {"lead_unit": proposal.lead_unit_id}, button=gettext_lazy("Reassign"),
           style="warning", confirm=gettext_lazy("Reassign the proposal? The current assignment ends and the "
                                                 "deadline restarts from today.")),
    Action(Verb.EXTEND, gettext_lazy("Extend the reply deadline"), "proposals:extend", pforms.ExtendForm,
           slot="extend", form_kwargs=_with_proposal, intro=_extend_intro, when=_extension_left,
           button=gettext_lazy("Extend"), style="warning"),
    Action(Verb.SET_KEY, gettext_lazy("Key proposal"), "proposals:set-key", pforms.SetKeyForm, slot="set_key",
           initial=lambda proposal: {"is_key": proposal.is_key,
                                     "supervising_leader": proposal.supervising_leader_id},
           button=gettext_lazy("Save"), style="secondary"),
    Action(Verb.APPROVE_REPLY, gettext_lazy("Approve the reply"), "proposals:reply-approve", pforms.ReplyApproveForm,
           slot="approve_reply", button=gettext_lazy("Approve the reply"), style="success",
           confirm=gettext_lazy("Approve the reply? The proposers will see it and be asked to rate it.")),
    Action(Verb.RETURN_REPLY, gettext_lazy("Return the reply to the unit"), "proposals:reply-return",
           pforms.ReplyReturnForm, slot="return_reply", button=gettext_lazy("Return the reply"), style="warning"),
]


def _pending(assignment: Assignment) -> bool:
    return assignment.answer == AssignmentAnswer.PENDING


def _opinion_due(assignment: Assignment) -> bool:
    return assignment.role == AssignmentRole.CO and assignment.opinion_submitted_at is None


# The units: one row per own assignment row of the proposal (titles name the unit), shown when `applies`.
ASSIGNMENT_ACTIONS = [
    (Action(Verb.ACCEPT_ASSIGNMENT, gettext_lazy("Accept the assignment (%(unit)s)"), "proposals:assignment-accept",
            slot="accept", style="success"), _pending),
    (Action(Verb.OBJECT_ASSIGNMENT, gettext_lazy("Object to the assignment (%(unit)s)"),
            "proposals:assignment-object", pforms.ObjectionForm, slot="object",
            button=gettext_lazy("Send the objection"), style="danger",
            confirm=gettext_lazy("Object to this assignment? The proposal office will reassign it.")), _pending),
    (Action(Verb.SUBMIT_CO_OPINION, gettext_lazy("Send the co-handling opinion (%(unit)s)"),
            "proposals:assignment-opinion", pforms.CoOpinionForm, slot="opinion",
            button=gettext_lazy("Send to the lead unit"), multipart=True), _opinion_due),
]
ASSIGNMENT_INTROS = {
    Verb.OBJECT_ASSIGNMENT: lambda assignment: deadlines.explain_objection_deadline(assignment.assigned_on),
    Verb.SUBMIT_CO_OPINION: deadlines.explain_co_opinion_deadline,
}

# The lead unit's handling, then evaluation, publication and follow-up.
CASE_ACTIONS = [
    Action(Verb.RECORD_CONTACT, gettext_lazy("Record contact with the proposer"), "proposals:contact",
           pforms.ContactForm, slot="contact", initial=lambda proposal: {
               "contacted_on": timezone.localdate().isoformat()},
           button=gettext_lazy("Record"), style="secondary"),
    # Saving and submitting the reply have the same actors and statuses: one link to the reply page.
    Action(Verb.SAVE_REPLY, gettext_lazy("Reply"), "proposals:reply", slot="reply",
           button=gettext_lazy("Write or edit the reply"), link=True),
    Action(Verb.RATE_QUALITY, gettext_lazy("Rate the proposal's quality"), "proposals:rate-quality",
           pforms.QualityRatingForm, slot="rate_quality", button=gettext_lazy("Save the rating"), style="secondary"),
    Action(Verb.UNMARK_EXCELLENT, gettext_lazy("Unmark excellent"), "proposals:excellent", pforms.ExcellentForm,
           slot="excellent", hidden={"value": "0"}, when=lambda user, proposal: proposal.is_excellent,
           button=gettext_lazy("Unmark excellent"), style="secondary",
           confirm=gettext_lazy("Remove the excellent mark?")),
    Action(Verb.MARK_EXCELLENT, gettext_lazy("Mark as excellent"), "proposals:excellent", pforms.ExcellentForm,
           slot="excellent", hidden={"value": "1"}, when=lambda user, proposal: not proposal.is_excellent,
           button=gettext_lazy("Mark as excellent"), style="success"),
    Action(Verb.UNWITHHOLD, gettext_lazy("Publish again"), "proposals:withhold", pforms.UnwithholdForm,
           slot="withhold", hidden={"value": "0"}, when=lambda user, proposal: proposal.publication_withheld,
           button=gettext_lazy("Publish again"), style="secondary"),
    Action(Verb.WITHHOLD, gettext_lazy("Withhold publication"), "proposals:withhold", pforms.WithholdForm,
           slot="withhold", hidden={"value": "1"}, when=lambda user, proposal: not proposal.publication_withheld,
           button=gettext_lazy("Withhold publication"), style="danger",
           confirm=gettext_lazy("Keep this proposal and its reply out of the public archive?")),
    Action(Verb.RECORD_FOLLOWUP, gettext_lazy("Record the follow-up review (回头看)"), "proposals:followup",
           pforms.FollowupForm, slot="followup", button=gettext_lazy("Record"), style="secondary"),
]


@dataclass
class ActionForm:
    """One action as the detail page draws it (proposals/actions/_form.html)."""

    slot: str
    title: str
    url: str
    form: object = None
    button: str = ""
    confirm: str = ""
    style: str = "primary"
    multipart: bool = False
    hidden: dict = field(default_factory=dict)
    intro: str = ""
    open: bool = False
    link: bool = False


def _auto_id(slot: str) -> str:
    return f"id_{slot.replace('-', '_')}_%s"


def _drawn(action: Action, proposal: Proposal, failed: tuple | None, *, slot: str = "", title=None, url: str = "",
           intro=None, button=None) -> ActionForm:
    """An action of the table as drawn now: its fresh form, or the refused one reopened with its errors."""
    slot = slot or action.key
    failed_slot, failed_form = failed or (None, None)
    if slot == failed_slot:
        form = failed_form
    else:
        form = action.build_form(proposal, auto_id=_auto_id(slot))
    if intro is None:
        intro = action.intro(proposal) if action.intro else ""
    return ActionForm(slot=slot, title=str(action.title if title is None else title), url=url or action.url(proposal),
                      form=form, button=str(action.button if button is None else button), confirm=str(action.confirm),
                      style=action.style, multipart=action.multipart, hidden=dict(action.hidden), intro=intro,
                      open=slot == failed_slot, link=action.link)


def _action_forms(request, proposal: Proposal, my_assignments: list[Assignment],
                  failed: tuple | None) -> list[ActionForm]:
    user = request.user
    result = [_drawn(action, proposal, failed) for action in available_actions(WORKFLOW, user, proposal,
                                                                               OFFICE_ACTIONS)]
    if my_assignments:
        allowed = {action.verb for action in available_actions(
            WORKFLOW, user, proposal, [action for action, _applies in ASSIGNMENT_ACTIONS])}
        for assignment in my_assignments:
            for action, applies in ASSIGNMENT_ACTIONS:
                if action.verb not in allowed or not applies(assignment):
                    continue
                title = action.title % {"unit": assignment.unit.name}
                intro = ASSIGNMENT_INTROS[action.verb](assignment) if action.verb in ASSIGNMENT_INTROS else ""
                result.append(_drawn(action, proposal, failed, slot=f"{action.key}-{assignment.pk}", title=title,
                                     url=action.url(proposal, assignment.pk), intro=intro,
                                     button=title if not action.button else None))
    result += [_drawn(action, proposal, failed) for action in available_actions(WORKFLOW, user, proposal,
                                                                                CASE_ACTIONS)]
    return result


# --- Detail page --------------------------------------------------------------------------------------------------


def _render_detail(request, proposal: Proposal, *, failed: tuple | None = None, status: int = 200):
    user = request.user
    today = timezone.localdate()
    internal = prules.rules.has_perm("proposals.view_internal_proposal", user, proposal)
    related = prules.rules.has_perm("proposals.view_contact_details_proposal", user, proposal)
    staff = "proposal_officer" in user.role_codes() or "leader" in user.role_codes()
    assignments = selectors.assignments_for(user=user, proposal=proposal, include_superseded=internal)
    active = [row for row in assignments if row.superseded_at is None]
    # Objections are possible only while the proposal is being handled for the first time.
    objection_due = deadlines.objection_deadlines(
        [row.assigned_on for row in active if row.answer == AssignmentAnswer.PENDING]
        if proposal.status == Status.ASSIGNED else [])
    # One calendar lookup per distinct window (all rows of a round share it), whatever the number of units.
    days_left = {due: deadlines.working_days_left(today, due) for due in set(objection_due.values())}
    for row in assignments:
        pending = row.superseded_at is None and row.answer == AssignmentAnswer.PENDING
        row.objection_due = objection_due.get(row.assigned_on) if pending else None
        row.objection_days_left = days_left.get(row.objection_due)
        row.opinion_overdue = bool(row.role == AssignmentRole.CO and row.opinion_due_on
                                   and row.opinion_submitted_at is None and row.opinion_due_on < today
                                   and row.superseded_at is None)
    actions = selectors.actions_for(user=user, proposal=proposal)
    my_assignments = (selectors.my_assignments_for(user=user, proposal=proposal)
                      if "handler" in user.role_codes() and active else [])
    cosigners = (list(CosignerInvitation.objects.filter(proposal=proposal, status=InvitationStatus.ACCEPTED)
                      .select_related("member").order_by("invited_at")) if proposal.kind == "joint" else [])
    merged = (list(Proposal.objects.filter(merged_into=proposal).only("pk", "number", "title").order_by("pk"))
              if related else [])
    quality = (list(QualityRating.objects.filter(proposal=proposal).select_related("unit").order_by("unit__order"))
               if internal else [])
    context = {
        "proposal": proposal,
        "status_badge": STATUS_BADGES.get(proposal.status, "secondary"),
        "next_step": next_step(proposal),
        "cosigners": cosigners,
        "suggested_co_units": list(proposal.suggested_co_units.all()) if related else [],
        "merged_proposals": merged,
        "assignments": assignments,
        "deadlines": _deadlines(proposal, internal=internal, today=today),
        "contacts": selectors.contacts_for(user=user, proposal=proposal),
        "replies": selectors.replies_for(user=user, proposal=proposal),
        "ratings": selectors.ratings_for(user=user, proposal=proposal),
        "quality_ratings": quality,
        "timeline": selectors.timeline_for(user=user, proposal=proposal, whole=wants_whole_history(request)),
        "attachments": selectors.attachments_for(user=user, proposal=proposal),
        "actions": actions,
        "action_forms": _action_forms(request, proposal, my_assignments, failed),
        "can_urge": Verb.URGE in actions,
        "internal": internal,
        "related": related,
        "staff": staff,
    }
    return render(request, "proposals/proposal_detail.html", context, status=status)


@require_GET
def proposal_detail(request, pk: int):
    """One proposal as the viewer may see it: its data, deadlines, handling, replies, ratings, timeline and
    the actions open to them now."""
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    return _render_detail(request, proposal)


# --- Office: review -----------------------------------------------------------------------------------------------


@require_POST
def register(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.REGISTER)
    return _perform(request, proposal, "register", pforms.RegisterForm(request.POST, auto_id=_auto_id("register")),
                    lambda d: services.proposal_register(actor=request.user, proposal=proposal, note=d["note"]),
                    lambda prop: _("The proposal was registered as %(number)s.") % {"number": prop.number})


@require_POST
def return_for_revision(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.RETURN)
    return _perform(request, proposal, "return", pforms.ReturnForm(request.POST, auto_id=_auto_id("return")),
                    lambda d: services.proposal_return(actor=request.user, proposal=proposal, reason=d["reason"]),
                    _("The proposal was returned to the proposer for revision."))


@require_POST
def reject(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.REJECT)

    def call(d):
        return services.proposal_reject(actor=request.user, proposal=proposal, ground=d["ground"], note=d["note"],
                                        convert_to_opinion=d["convert_to_opinion"])

    return _perform(request, proposal, "reject", pforms.RejectForm(request.POST, auto_id=_auto_id("reject")), call,
                    lambda prop: _("The proposal was not registered; its text became an opinion report draft.")
                    if prop.opinion_report_id else _("The proposal was not registered."))


@require_POST
def merge(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.MERGE)
    form = MergeTargetForm(request.POST, proposal=proposal, auto_id=_auto_id("merge"))

    def call(d):
        services.proposal_merge(actor=request.user, proposal=proposal, into=d["target"], note=d["note"])
        return d["target"]

    return _perform(request, proposal, "merge", form, call,
                    lambda main: _("The proposal was merged into %(main)s.") % {"main": main})


# --- Office: assignment --------------------------------------------------------------------------------------------


@require_POST
def assign(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.ASSIGN)

    def call(d):
        return services.proposal_assign(
            actor=request.user, proposal=proposal, lead_unit=d["lead_unit"], co_units=list(d["co_units"]),
            is_key=d["is_key"], supervising_leader=d["supervising_leader"], reply_due_on=d["reply_due_on"],
            note=d["note"])

    return _perform(request, proposal, "assign", pforms.AssignForm(request.POST, auto_id=_auto_id("assign")), call,
                    lambda prop: _("The proposal was assigned to %(unit)s. %(deadline)s") % {
                        "unit": prop.lead_unit.name, "deadline": deadlines.explain_reply_deadline(prop)})


@require_POST
def reassign(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.REASSIGN)

    def call(d):
        return services.proposal_reassign(actor=request.user, proposal=proposal, lead_unit=d["lead_unit"],
                                          co_units=list(d["co_units"]), reply_due_on=d["reply_due_on"],
                                          note=d["note"])

    return _perform(request, proposal, "reassign", pforms.ReassignForm(request.POST, auto_id=_auto_id("reassign")),
                    call, lambda prop: _("The proposal was reassigned to %(unit)s. %(deadline)s") % {
                        "unit": prop.lead_unit.name, "deadline": deadlines.explain_reply_deadline(prop)})


@require_POST
def extend(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.EXTEND)
    form = pforms.ExtendForm(request.POST, proposal=proposal, auto_id=_auto_id("extend"))
    return _perform(request, proposal, "extend", form,
                    lambda d: services.proposal_extend(actor=request.user, proposal=proposal,
                                                       new_due_on=d["new_due_on"], reason=d["reason"]),
                    lambda prop: _("The reply deadline was extended. %(deadline)s") % {
                        "deadline": deadlines.explain_reply_deadline(prop)})


@require_POST
def set_key(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.SET_KEY)
    return _perform(request, proposal, "set_key", pforms.SetKeyForm(request.POST, auto_id=_auto_id("set_key")),
                    lambda d: services.proposal_set_key(actor=request.user, proposal=proposal, is_key=d["is_key"],
                                                        supervising_leader=d["supervising_leader"], note=d["note"]),
                    lambda prop: _("Marked as key proposal.") if prop.is_key else _("No longer a key proposal."))


# --- Office: the reply -------------------------------------------------------------------------------------------


@require_POST
def reply_approve(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.APPROVE_REPLY)
    form = pforms.ReplyApproveForm(request.POST, auto_id=_auto_id("approve_reply"))
    return _perform(request, proposal, "approve_reply", form,
                    lambda d: services.reply_approve(actor=request.user, proposal=proposal,
                                                     reply_class=d["reply_class"] or None, note=d["note"]),
                    lambda r: _("The reply was approved as class %(cls)s; the proposers can now read and rate it.")
                    % {"cls": r.reply_class})


@require_POST
def reply_return(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.RETURN_REPLY)
    form = pforms.ReplyReturnForm(request.POST, auto_id=_auto_id("return_reply"))
    return _perform(request, proposal, "return_reply", form,
                    lambda d: services.reply_return(actor=request.user, proposal=proposal, reason=d["reason"]),
                    _("The reply was returned to the lead unit."))


# --- Office: evaluation, publication, follow-up -------------------------------------------------------------------


@require_POST
def excellent(request, pk: int):
    mark = request.POST.get("value", "1") != "0"
    proposal = _proposal_for(request, pk, Verb.MARK_EXCELLENT if mark else Verb.UNMARK_EXCELLENT)
    form = pforms.ExcellentForm(request.POST, auto_id=_auto_id("excellent"))
    if mark:
        return _perform(request, proposal, "excellent", form,
                        lambda d: services.proposal_mark_excellent(actor=request.user, proposal=proposal,
                                                                   note=d["note"]),
                        _("The proposal was marked as excellent."))
    return _perform(request, proposal, "excellent", form,
                    lambda d: services.proposal_unmark_excellent(actor=request.user, proposal=proposal,
                                                                 note=d["note"]),
                    _("The excellent mark was removed."))


@require_POST
def withhold(request, pk: int):
    hide = request.POST.get("value", "1") != "0"
    proposal = _proposal_for(request, pk, Verb.WITHHOLD if hide else Verb.UNWITHHOLD)
    if hide:
        return _perform(request, proposal, "withhold", pforms.WithholdForm(request.POST, auto_id=_auto_id("withhold")),
                        lambda d: services.proposal_withhold(actor=request.user, proposal=proposal,
                                                             reason=d["reason"]),
                        _("Publication was withheld: the proposal is not in the public archive."))
    return _perform(request, proposal, "withhold", pforms.UnwithholdForm(request.POST, auto_id=_auto_id("withhold")),
                    lambda d: services.proposal_unwithhold(actor=request.user, proposal=proposal, note=d["note"]),
                    _("The proposal is published in the archive again."))


@require_POST
def followup(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.RECORD_FOLLOWUP)
    return _perform(request, proposal, "followup", pforms.FollowupForm(request.POST, auto_id=_auto_id("followup")),
                    lambda d: services.proposal_record_followup(actor=request.user, proposal=proposal,
                                                                note=d["note"]),
                    _("The follow-up review was recorded."))


# --- Handling units ---------------------------------------------------------------------------------------------


def _assignment_for(request, pk) -> tuple[Proposal, Assignment]:
    """An assignment row of one of the user's own units on a proposal they may see, else 404."""
    try:
        assignment = Assignment.objects.select_related("unit").get(pk=int(pk), unit__officers=request.user)
    except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    proposal = selectors.proposal_get_for(user=request.user, pk=assignment.proposal_id)
    return proposal, assignment


@require_POST
def assignment_accept(request, pk: int):
    proposal, assignment = _assignment_for(request, pk)
    form = forms.Form(request.POST)
    return _perform(request, proposal, f"accept-{assignment.pk}", form,
                    lambda d: services.assignment_accept(actor=request.user, assignment=assignment),
                    _("%(unit)s accepted the assignment.") % {"unit": assignment.unit.name})


@require_POST
def assignment_object(request, pk: int):
    proposal, assignment = _assignment_for(request, pk)
    slot = f"object-{assignment.pk}"
    return _perform(request, proposal, slot, pforms.ObjectionForm(request.POST, auto_id=_auto_id(slot)),
                    lambda d: services.assignment_object(actor=request.user, assignment=assignment,
                                                         reason=d["reason"]),
                    _("Your objection was sent to the proposal office, which will reassign the proposal."))


@require_POST
def assignment_opinion(request, pk: int):
    proposal, assignment = _assignment_for(request, pk)
    slot = f"opinion-{assignment.pk}"
    form = pforms.CoOpinionForm(request.POST, request.FILES, auto_id=_auto_id(slot))
    return _perform(request, proposal, slot, form,
                    lambda d: services.assignment_submit_opinion(actor=request.user, assignment=assignment,
                                                                 text=d["text"], document=d["document"]),
                    _("Your co-handling opinion was sent to the lead unit."))


@require_POST
def contact(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.RECORD_CONTACT)
    return _perform(request, proposal, "contact", pforms.ContactForm(request.POST, auto_id=_auto_id("contact")),
                    lambda d: services.proposal_record_contact(actor=request.user, proposal=proposal,
                                                               method=d["method"], contacted_on=d["contacted_on"],
                                                               note=d["note"]),
                    _("The contact with the proposer was recorded."))


@require_POST
def rate_quality(request, pk: int):
    proposal = _proposal_for(request, pk, Verb.RATE_QUALITY)
    form = pforms.QualityRatingForm(request.POST, auto_id=_auto_id("rate_quality"))
    return _perform(request, proposal, "rate_quality", form,
                    lambda d: services.proposal_rate_quality(actor=request.user, proposal=proposal,
                                                             grade=d["grade"], comment=d["comment"]),
                    _("Your rating of the proposal's quality was saved."))


REPLY_FIELDS = ("reply_class", "text", "signer", "contact_person", "contact_phone")


@require_http_methods(["GET", "POST"])
def reply(request, pk: int):
    """The lead unit's reply: GET the form; POST `action=save` keeps a draft, `action=submit` sends it for
    approval (class, text, the signed PDF and a recorded contact are needed)."""
    proposal = _proposal_for(request, pk, Verb.SAVE_REPLY, Verb.SUBMIT_REPLY)
    if not WORKFLOW.can(proposal.status, Verb.SAVE_REPLY):
        messages.error(request, str(InvalidTransition(verb=Verb.SAVE_REPLY, status=proposal.status, workflow=WORKFLOW)))
        return redirect(_detail_url(proposal))
    draft = (Reply.objects.filter(proposal=proposal, round=proposal.reply_round).select_related("document")
             .first())
    submit = request.method == "POST" and request.POST.get("action") == "submit"
    has_document = bool(draft and draft.document_id)
    if request.method == "POST":
        form = pforms.ReplyForm(request.POST, request.FILES, strict=submit, has_document=has_document)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in REPLY_FIELDS}
            service = services.reply_submit if submit else services.reply_save
            try:
                service(actor=request.user, proposal=proposal, document=form.cleaned_data["document"], **values)
            except (InvalidTransition, ProposalPermissionDenied) as exc:
                messages.error(request, str(exc))
                return redirect(_detail_url(proposal))
            except (ProposalError, ValidationError) as exc:
                pforms.add_service_error(form, exc)
            else:
                if submit:
                    messages.success(request, _("The reply was submitted to the proposal office for approval."))
                    return redirect(_detail_url(proposal))
                messages.success(request, _("The reply draft was saved."))
                return redirect(reverse("proposals:reply", args=[proposal.pk]))
        messages.error(request, pforms.form_error_text(form))
    else:
        initial = {name: getattr(draft, name) for name in REPLY_FIELDS} if draft else {}
        form = pforms.ReplyForm(initial=initial)
    assignments = selectors.assignments_for(user=request.user, proposal=proposal)
    context = {
        "proposal": proposal,
        "form": form,
        "draft": draft,
        "co_opinions": [a for a in assignments if a.role == AssignmentRole.CO],
        "contacts": [c for c in selectors.contacts_for(user=request.user, proposal=proposal)
                     if c.reply_round == proposal.reply_round],
        "deadline": deadlines.explain_reply_deadline(proposal),
    }
    return render(request, "proposals/actions/reply_form.html", context)
