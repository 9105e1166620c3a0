"""The proposer's screens: drafting (with autosave), attachments, co-signer invitations, submission
(after seeing similar earlier proposals), withdrawal and rating.

Thin views: the forms of proposals/forms.py parse input, the services write, the selectors scope every
read (another member's draft is 404). A domain refusal is shown as its Chinese message and changes
nothing; typed text is always given back. htmx requests (autosave, attachments, co-signers) get the
fragment they swap; the same URLs work without JavaScript through a redirect.
"""

import uuid

import rules
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.models import Member
from members.pinyin import normalize_query
from members.selectors import member_search

from .. import access, selectors, services
from ..errors import DeadlinePassed, ProposalError
from ..forms import (
    AttachmentForm,
    CosignerInviteForm,
    InvitationDeclineForm,
    ProposalDraftForm,
    RatingForm,
    SubmitForm,
    WithdrawForm,
    add_service_error,
    form_error_text,
)
from ..models import AttachmentKind, CollectiveAuthorisation, CosignerInvitation, InvitationStatus, Proposal
from ..workflow import WORKFLOW, Status, Verb

SEARCH_LIMIT = 10
CREATE_TOKENS = "proposals:create-tokens"  # session key: {form token: draft pk} (no double drafts)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _may(user, verb: str, proposal: Proposal) -> bool:
    return rules.has_perm(WORKFLOW.permission_name(verb), user, proposal)


def _service_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _detail(proposal) -> str:
    return reverse("proposals:proposal-detail", args=[proposal.pk])


def _own_draft(request, pk) -> Proposal:
    """A draft the user may edit: outside their scope 404; someone else's (a co-signer's view) 403."""
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    if not access.is_lead(request.user, proposal):
        raise PermissionDenied(_("Only the lead proposer can change this proposal."))
    return proposal


# --- The drafting form ---------------------------------------------------------------------------------


class DraftingForm(ProposalDraftForm):
    """The draft's text, plus — for a user authorised by an organisation — whose name it is filed in."""

    file_as = forms.TypedChoiceField(label=gettext_lazy("File as"), required=False, coerce=int, empty_value=None)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        authorisations = []
        if creating and user is not None:
            authorisations = list(CollectiveAuthorisation.objects.filter(user=user, revoked_at__isnull=True)
                                  .select_related("party", "sector", "special_committee").order_by("pk"))
        self.authorisations = {a.pk: a for a in authorisations}
        if authorisations:
            self.fields["file_as"].choices = [("", _("In my own name")),
                                              *[(a.pk, str(a.organisation)) for a in authorisations]]
            if not user.has_role("member"):  # only the organisation's name is possible
                self.fields["file_as"].initial = authorisations[0].pk
        else:
            del self.fields["file_as"]
        if not creating:
            del self.fields["token"]
        for name in ("situation", "analysis", "suggestions"):
            self.fields[name].widget.attrs["maxlength"] = self.fields[name].max_length

    def collective(self) -> CollectiveAuthorisation | None:
        return self.authorisations.get(self.cleaned_data.get("file_as")) if "file_as" in self.fields else None

    def content(self) -> dict:
        """The service's keyword arguments for every field that validated (the others keep their value)."""
        names = ("title", "category", "situation", "analysis", "suggestions", "suggested_lead_unit",
                 "suggested_co_units")
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


def _draft_context(request, proposal, form, **extra) -> dict:
    context = {"proposal": proposal, "form": form, "heading": _("Edit the draft") if proposal else _("New proposal")}
    if proposal is not None:
        context.update(_attachments_context(request, proposal))
        context.update(_cosigners_context(request, proposal))
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def proposal_create(request):
    """Start a draft. Autosave posts here (htmx) until the draft exists, then to draft-autosave; a form
    token remembered in the session makes a repeated post update the same draft instead of a second one."""
    if not rules.has_perm("proposals.add_proposal", request.user):
        raise PermissionDenied(_("Only CPPCC members (or users authorised by an organisation) can write proposals."))
    if request.method == "GET":
        form = DraftingForm(user=request.user, creating=True, initial={"token": uuid.uuid4().hex})
        return render(request, "proposals/drafting/draft_form.html", _draft_context(request, None, form))
    form = DraftingForm(request.POST, user=request.user, creating=True)
    autosave = _is_htmx(request)
    if not form.is_valid() and not autosave:
        return render(request, "proposals/drafting/draft_form.html", _draft_context(request, None, form))
    tokens = request.session.get(CREATE_TOKENS, {})
    token = (form.cleaned_data.get("token") or "")[:64]
    existing = tokens.get(token) if token else None
    try:
        proposal = None
        if existing:  # the same form posted again: update the draft it created (if still a draft)
            proposal = Proposal.objects.filter(pk=existing, author=request.user, status=Status.DRAFT).first()
        if proposal is not None:
            proposal = services.proposal_update_draft(actor=request.user, proposal=proposal, **form.content())
        else:
            proposal = services.proposal_create_draft(author=request.user, collective=form.collective(),
                                                      **form.content())
            if token:
                tokens[token] = proposal.pk
                request.session[CREATE_TOKENS] = dict(list(tokens.items())[-20:])
    except (ProposalError, ValidationError) as exc:
        if autosave:
            return _autosave_status(request, None, error=_service_message(exc))
        add_service_error(form, exc)
        return render(request, "proposals/drafting/draft_form.html", _draft_context(request, None, form))
    if autosave:
        return _autosave_status(request, proposal, form=form, created=True)
    messages.success(request, _("The draft was saved. You can add attachments and invite co-signers now."))
    return redirect("proposals:draft-edit", pk=proposal.pk)


def _not_a_draft(request, proposal):
    messages.info(request, _("This proposal is no longer a draft and cannot be edited."))
    return redirect(_detail(proposal))


@require_http_methods(["GET", "POST"])
def draft_edit(request, pk: int):
    """Edit the draft (lead proposer only); a validation error re-renders what was typed."""
    proposal = _own_draft(request, pk)
    if not _may(request.user, Verb.UPDATE_DRAFT, proposal):
        return _not_a_draft(request, proposal)
    if request.method == "GET":
        form = DraftingForm(initial=ProposalDraftForm.initial_for(proposal))
        return render(request, "proposals/drafting/draft_form.html", _draft_context(request, proposal, form))
    form = DraftingForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_update_draft(actor=request.user, proposal=proposal, **form.content())
        except (ProposalError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            if request.POST.get("next") == "submit":
                return redirect("proposals:proposal-submit", pk=proposal.pk)
            messages.success(request, _("The draft was saved."))
            return redirect("proposals:draft-edit", pk=proposal.pk)
    return render(request, "proposals/drafting/draft_form.html", _draft_context(request, proposal, form))


def _autosave_status(request, proposal, *, form=None, error: str = "", created: bool = False):
    errors = []
    if form is not None:
        for name, field_errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            errors += [f"{label}：{e}" if label else e for e in field_errors]
    if error:
        errors.append(error)
    context = {"proposal": proposal, "errors": errors, "saved_at": timezone.localtime() if proposal else None,
               "created": created}
    return render(request, "proposals/drafting/_autosave_status.html", context)


@require_POST
def draft_autosave(request, pk: int):
    """htmx: save whatever validates (text the form refuses stays in the browser and is named in the
    answer), answer "已自动保存 HH:MM"."""
    proposal = _own_draft(request, pk)
    if not _may(request.user, Verb.UPDATE_DRAFT, proposal):
        return _autosave_status(request, None, error=_("This proposal is no longer a draft and cannot be edited."))
    form = DraftingForm(request.POST)
    form.is_valid()
    try:
        services.proposal_update_draft(actor=request.user, proposal=proposal, **form.content())
    except (ProposalError, ValidationError) as exc:
        return _autosave_status(request, None, form=form, error=_service_message(exc))
    return _autosave_status(request, proposal, form=form)


# --- Attachments ----------------------------------------------------------------------------------------


def _attachments_context(request, proposal, *, error: str = "", form=None) -> dict:
    rows = [a for a in selectors.attachments_for(user=request.user, proposal=proposal)
            if a.kind == AttachmentKind.MATERIAL]
    return {"attachments": rows, "attachment_form": form or AttachmentForm(), "attachment_error": error,
            "can_attach": _may(request.user, Verb.ADD_ATTACHMENT, proposal)}


def _attachments_answer(request, proposal, *, error: str = "", form=None):
    if _is_htmx(request):
        context = {"proposal": proposal, **_attachments_context(request, proposal, error=error, form=form)}
        return render(request, "proposals/drafting/_attachments.html", context)
    if error:
        messages.error(request, error)
    return redirect("proposals:draft-edit", pk=proposal.pk)


@require_POST
def attachment_upload(request, pk: int):
    proposal = _own_draft(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        error = form_error_text(form)
        return _attachments_answer(request, proposal, error=error)
    try:
        attachment = services.attachment_add(actor=request.user, proposal=proposal, upload=form.cleaned_data["file"])
    except (ProposalError, ValidationError) as exc:
        return _attachments_answer(request, proposal, error=_service_message(exc))
    if not _is_htmx(request):
        messages.success(request, _("Attached %(name)s.") % {"name": attachment.original_name})
    return _attachments_answer(request, proposal)


@require_POST
def attachment_remove(request, pk: int):
    attachment = selectors.attachment_get_for(user=request.user, pk=pk)
    proposal = _own_draft(request, attachment.proposal_id)
    try:
        services.attachment_remove(actor=request.user, attachment=attachment)
    except (ProposalError, ValidationError) as exc:
        return _attachments_answer(request, proposal, error=_service_message(exc))
    if not _is_htmx(request):
        messages.success(request, _("Removed %(name)s.") % {"name": attachment.original_name})
    return _attachments_answer(request, proposal)


# --- Co-signers -----------------------------------------------------------------------------------------


def _cosigners_context(request, proposal, *, error: str = "", notice: str = "") -> dict:
    return {"invitations": selectors.invitations_for(user=request.user, proposal=proposal),
            "can_invite": _may(request.user, Verb.INVITE_COSIGNER, proposal),
            "can_withdraw_invitation": _may(request.user, Verb.WITHDRAW_INVITATION, proposal),
            "cosigner_error": error, "cosigner_notice": notice}


def _cosigners_answer(request, proposal, *, error: str = "", notice: str = ""):
    if _is_htmx(request):
        context = {"proposal": proposal, **_cosigners_context(request, proposal, error=error, notice=notice)}
        return render(request, "proposals/drafting/_cosigners.html", context)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    if proposal.status == Status.DRAFT and access.is_lead(request.user, proposal):
        return redirect("proposals:draft-edit", pk=proposal.pk)
    return redirect(_detail(proposal))


@require_GET
def cosigner_search(request, pk: int):
    """htmx: serving members with an account matching the name, its pinyin or initials (members app's
    search), not yet invited."""
    proposal = _own_draft(request, pk)
    if not _may(request.user, Verb.INVITE_COSIGNER, proposal):
        raise PermissionDenied(_("Co-signers can only be invited to your own draft."))
    query = (request.GET.get("q") or "").strip()[:50]
    results = []
    if normalize_query(query):
        candidates = CosignerInviteForm(proposal=proposal).fields["member"].queryset
        results = list(member_search(candidates, query).select_related("sector").order_by("name_pinyin", "pk")
                       [:SEARCH_LIMIT])
    return render(request, "proposals/drafting/_cosigner_results.html",
                  {"proposal": proposal, "results": results, "query": query})


@require_POST
def cosigner_invite(request, pk: int):
    proposal = _own_draft(request, pk)
    form = CosignerInviteForm(request.POST, proposal=proposal)
    if not form.is_valid():
        member = Member.objects.filter(pk=request.POST.get("member") or 0).first() \
            if str(request.POST.get("member", "")).isdigit() else None
        if member is not None and not form.fields["member"].queryset.filter(pk=member.pk).exists():
            # Name the problem (not serving, no account, invited already) with the service's own words.
            try:
                services.proposal_invite_cosigner(actor=request.user, proposal=proposal, member=member)
            except (ProposalError, ValidationError) as exc:
                return _cosigners_answer(request, proposal, error=_service_message(exc))
            return _cosigners_answer(request, proposal,
                                     notice=_("%(name)s has been invited to co-sign.") % {"name": member.name})
        error = form_error_text(form)
        return _cosigners_answer(request, proposal, error=error)
    member = form.cleaned_data["member"]
    try:
        services.proposal_invite_cosigner(actor=request.user, proposal=proposal, member=member)
    except (ProposalError, ValidationError) as exc:
        return _cosigners_answer(request, proposal, error=_service_message(exc))
    return _cosigners_answer(request, proposal,
                             notice=_("%(name)s has been invited to co-sign.") % {"name": member.name})


def _invitation(request, pk) -> tuple[CosignerInvitation, Proposal]:
    invitation = get_object_or_404(CosignerInvitation.objects.select_related("member"), pk=pk)
    proposal = selectors.proposal_get_for(user=request.user, pk=invitation.proposal_id)
    if not (access.is_lead(request.user, proposal) or invitation.member.user_id == request.user.pk):
        raise Http404
    return invitation, proposal


@require_POST
def invitation_withdraw(request, pk: int):
    invitation, proposal = _invitation(request, pk)
    try:
        services.proposal_withdraw_invitation(actor=request.user, invitation=invitation)
    except (ProposalError, ValidationError) as exc:
        return _cosigners_answer(request, proposal, error=_service_message(exc))
    return _cosigners_answer(request, proposal, notice=_("The invitation to %(name)s was withdrawn.")
                             % {"name": invitation.member.name})


@require_POST
def invitation_accept(request, pk: int):
    invitation, proposal = _invitation(request, pk)
    try:
        services.invitation_accept(actor=request.user, invitation=invitation)
    except (ProposalError, ValidationError) as exc:
        messages.error(request, _service_message(exc))
    else:
        messages.success(request, _("You co-sign this proposal now."))
    return redirect(_detail(proposal))


@require_POST
def invitation_decline(request, pk: int):
    invitation, proposal = _invitation(request, pk)
    form = InvitationDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect(_detail(proposal))
    try:
        services.invitation_decline(actor=request.user, invitation=invitation, reason=form.cleaned_data["reason"])
    except (ProposalError, ValidationError) as exc:
        messages.error(request, _service_message(exc))
    else:
        messages.success(request, _("You declined to co-sign this proposal."))
    return redirect(_detail(proposal))


# --- Submission and withdrawal ----------------------------------------------------------------------------


def _missing_parts(proposal) -> list[str]:
    form = ProposalDraftForm(ProposalDraftForm.initial_for(proposal), strict=True)
    form.is_valid()
    return [str(form.fields[name].label) for name in form.errors if name in form.fields]


@require_http_methods(["GET", "POST"])
def proposal_submit(request, pk: int):
    """GET: similar earlier proposals and their replies, then submit or withdraw. POST: submit (a double
    click is harmless; after the session deadline the page offers to submit it as an interim proposal)."""
    proposal = _own_draft(request, pk)
    deadline_error = ""
    errors: list[str] = []
    if request.method == "POST":
        form = SubmitForm(request.POST)
        form.is_valid()
        try:
            services.proposal_submit(actor=request.user, proposal=proposal,
                                     accept_interim=bool(form.cleaned_data.get("accept_interim")))
        except DeadlinePassed as exc:
            deadline_error = str(exc)
        except (ProposalError, ValidationError) as exc:
            errors = list(exc.messages) if isinstance(exc, ValidationError) else [str(exc)]
        else:
            messages.success(request, _("The proposal was submitted to the proposal office."))
            return redirect(_detail(proposal))
        proposal = selectors.proposal_get_for(user=request.user, pk=proposal.pk)
    if proposal.status != Status.DRAFT:
        if proposal.status == Status.SUBMITTED:
            messages.info(request, _("This proposal has already been submitted."))
        else:
            messages.info(request, _("This proposal is no longer a draft and cannot be submitted."))
        return redirect(_detail(proposal))
    similar = selectors.similar_proposals(user=request.user, title=proposal.title, body=proposal.body,
                                          exclude_pk=proposal.pk)
    pending = [i for i in selectors.invitations_for(user=request.user, proposal=proposal)
               if i.status == InvitationStatus.PENDING]
    context = {"proposal": proposal, "similar": similar, "missing": _missing_parts(proposal),
               "pending": pending, "errors": errors, "deadline_error": deadline_error,
               "can_submit": _may(request.user, Verb.SUBMIT, proposal),
               "can_withdraw": _may(request.user, Verb.WITHDRAW, proposal), "withdraw_form": WithdrawForm()}
    return render(request, "proposals/drafting/submit.html", context, status=200)


@require_POST
def proposal_withdraw(request, pk: int):
    proposal = _own_draft(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect(_detail(proposal))
    try:
        services.proposal_withdraw(actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"])
    except (ProposalError, ValidationError) as exc:
        messages.error(request, _service_message(exc))
    else:
        messages.success(request, _("The proposal was withdrawn."))
    return redirect(_detail(proposal))


# --- Rating -----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def rating(request, pk: int):
    """A proposer rates the approved reply from their own login. Nobody else ever opens this form —
    not a handling unit of the proposal, not an officer, not another proposer on someone's behalf."""
    proposal = selectors.proposal_get_for(user=request.user, pk=pk)
    if not _may(request.user, Verb.RATE, proposal):
        if access.is_proposer(request.user, proposal) and not access.handler_roles(request.user, proposal):
            messages.info(request, _("There is no reply waiting for your rating (you may have rated it already)."))
            return redirect(_detail(proposal))
        raise PermissionDenied(_("Only the proposers can rate the reply, each from their own account."))
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit(actor=request.user, proposal=proposal, **form.cleaned_data)
        except (ProposalError, ValidationError) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Thank you. Your rating was recorded."))
            return redirect(_detail(proposal))
    replies = [r for r in selectors.replies_for(user=request.user, proposal=proposal)
               if r.round == proposal.reply_round]
    return render(request, "proposals/drafting/rating_form.html",
                  {"proposal": proposal, "form": form, "replies": replies})

