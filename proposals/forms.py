"""Forms for every proposal verb. They validate input and hand `cleaned_data` to the matching service
(`form.service_kwargs()` where the names differ); the service validates again and may raise
ValidationError (keyed by these field names) or a proposals.errors.ProposalError — use
`add_service_error(form, exc)` to show either on the form instead of a 500."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import HandlingUnit, Member, MemberStatus, Party, Sector, SpecialCommittee
from zhongyuan_cppcc.accounts.roles import Role
from zhongyuan_cppcc.lists.lookups import read_choices_together
from zhongyuan_cppcc.workflow.forms import add_service_error, form_error_text  # noqa: F401 - re-exported

from .attachments import ALL_TYPES, PDF, validate_upload
from .deadlines import latest_reply_due
from .models import (
    BODY_PART_MAX_CHARS,
    COMMENT_MAX_CHARS,
    REASON_MAX_CHARS,
    TITLE_MAX_CHARS,
    Category,
    CollectiveAuthorisation,
    ContactedAnswer,
    ContactMethod,
    InvitationStatus,
    OrganisationKind,
    Proposal,
    QualityGrade,
    RejectionGround,
    ReplyClass,
    Satisfaction,
)
from .services.handling import REPLY_MAX_CHARS
from .workflow import Status


def _active_units():
    return HandlingUnit.objects.filter(is_active=True).order_by("order", "name")


def _text(label, max_length, required=False, rows=4):
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}), strip=True)


class UploadField(forms.FileField):
    """A file checked by content (attachments.validate_upload) as soon as the form is cleaned."""

    def __init__(self, *args, allowed=ALL_TYPES, **kwargs):
        self.allowed = allowed
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            validate_upload(upload, allowed=self.allowed)
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReplyLetterField(forms.FileField):
    """The signed reply letter: one PDF, or photos of its pages (JPG/PNG, several at once) that become one PDF
    on the server (scans.photos_to_pdf). Every file is checked by content."""

    widget = MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"})

    def clean(self, data, initial=None):
        from .scans import IMAGE_TYPES, photos_to_pdf

        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        uploads = [super(ReplyLetterField, self).clean(f, initial) for f in uploads]
        if not uploads:
            return super().clean(None, initial)
        kinds = [validate_upload(f, allowed=frozenset({PDF}) | IMAGE_TYPES).file_type.code for f in uploads]
        if kinds == [PDF]:
            return uploads[0]
        if PDF in kinds:
            raise ValidationError(_("Upload either one PDF or photos of the pages (JPG/PNG), not both."),
                                  code="mixed")
        return photos_to_pdf(uploads)


# --- Drafting ---------------------------------------------------------------------------------------------


class ProposalDraftForm(forms.Form):
    """Draft text. Lenient by default (autosave keeps half-written drafts); strict=True demands every
    part, as submission does."""

    title = forms.CharField(label=_("Title (案由)"), max_length=TITLE_MAX_CHARS, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices], required=False)
    situation = _text(_("Situation"), BODY_PART_MAX_CHARS, rows=6)
    analysis = _text(_("Analysis"), BODY_PART_MAX_CHARS, rows=6)
    suggestions = _text(_("Suggestions"), BODY_PART_MAX_CHARS, rows=6)
    suggested_lead_unit = forms.ModelChoiceField(label=_("Suggested lead unit"), queryset=HandlingUnit.objects.none(),
                                                 required=False)
    suggested_co_units = forms.ModelMultipleChoiceField(label=_("Suggested co-handling units"),
                                                        queryset=HandlingUnit.objects.none(), required=False)

    def __init__(self, *args, strict: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_lead_unit"].queryset = _active_units()
        self.fields["suggested_co_units"].queryset = _active_units()
        for name in ("title", "category", "situation", "analysis", "suggestions"):
            if strict:
                self.fields[name].required = True
            else:
                # Not needed to save a draft, needed to submit: marked before the first submit
                # (static/css/app.css shows the asterisk, screen readers hear "required").
                self.fields[name].widget.attrs["aria-required"] = "true"

    @classmethod
    def initial_for(cls, proposal: Proposal) -> dict:
        return {"title": proposal.title, "category": proposal.category, "situation": proposal.situation,
                "analysis": proposal.analysis, "suggestions": proposal.suggestions,
                "suggested_lead_unit": proposal.suggested_lead_unit_id,
                "suggested_co_units": list(proposal.suggested_co_units.values_list("pk", flat=True))}


class CollectiveDraftForm(ProposalDraftForm):
    collective = forms.ModelChoiceField(label=_("On behalf of"), queryset=CollectiveAuthorisation.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collective"].queryset = CollectiveAuthorisation.objects.filter(user=user, revoked_at__isnull=True)


class CosignerInviteForm(forms.Form):
    """Invite by member id (the page's name search — pinyin and initials — fills it in)."""

    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none(),
                                    error_messages={"invalid_choice": _("Choose a serving CPPCC member.")})

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        taken = proposal.invitations.exclude(status=InvitationStatus.WITHDRAWN).values("member_id")
        qs = (Member.objects.filter(status=MemberStatus.SERVING, user__isnull=False, user__is_active=True)
              .exclude(pk__in=taken).exclude(user_id=proposal.author_id))
        if proposal.lead_member_id:
            qs = qs.exclude(pk=proposal.lead_member_id)
        self.fields["member"].queryset = qs


class InvitationDeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


class SubmitForm(forms.Form):
    accept_interim = forms.BooleanField(label=_("Submit as an interim proposal if the session deadline has passed"),
                                        required=False)


class WithdrawForm(forms.Form):
    reason = _text(_("Reason (optional)"), REASON_MAX_CHARS, rows=2)


class AttachmentForm(forms.Form):
    file = UploadField(label=_("File"))


# --- Review --------------------------------------------------------------------------------------------------


class NoteForm(forms.Form):
    note = _text(_("Note (optional)"), REASON_MAX_CHARS, rows=2)


RegisterForm = NoteForm
ExcellentForm = NoteForm
UnwithholdForm = NoteForm


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), REASON_MAX_CHARS, required=True, rows=3)


ReturnForm = ReasonForm
ObjectionForm = ReasonForm
ReplyReturnForm = ReasonForm
WithholdForm = ReasonForm


class RejectForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground for not registering"), choices=RejectionGround.choices)
    note = _text(_("Note (optional)"), REASON_MAX_CHARS, rows=2)
    convert_to_opinion = forms.BooleanField(label=_("Convert the text into an opinion report draft"), required=False)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Proposal.objects.none())
    note = _text(_("Note (optional)"), REASON_MAX_CHARS, rows=2)

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (Proposal.objects.filter(
            status__in=[Status.SUBMITTED, Status.REGISTERED, Status.ASSIGNED]).exclude(pk=proposal.pk)
            .order_by("-year", "-serial", "-pk"))


# --- Assignment ---------------------------------------------------------------------------------------------


class _UnitsForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=HandlingUnit.objects.none())
    co_units = forms.ModelMultipleChoiceField(label=_("Co-handling units"), queryset=HandlingUnit.objects.none(),
                                              required=False)
    reply_due_on = forms.DateField(label=_("Reply due on (empty: the default deadline)"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _active_units()
        self.fields["co_units"].queryset = _active_units()
        read_choices_together(self, ("lead_unit", "co_units"))  # the same units, read once

    def clean(self):
        cleaned = super().clean()
        lead, co = cleaned.get("lead_unit"), cleaned.get("co_units") or []
        if lead is not None and lead in co:
            self.add_error("co_units", _("The lead unit cannot also be a co-handling unit."))
        due = cleaned.get("reply_due_on")
        today = timezone.localdate()
        if due is not None and not today < due <= latest_reply_due(today):
            self.add_error("reply_due_on", _("The reply deadline must be after today and no later than %(latest)s.")
                           % {"latest": latest_reply_due(today).isoformat()})
        return cleaned


def _leaders():
    return get_user_model().objects.filter(groups__name=Role.LEADER, is_active=True).order_by("username")


class AssignForm(_UnitsForm):
    is_key = forms.BooleanField(label=_("Key proposal"), required=False)
    supervising_leader = forms.ModelChoiceField(label=_("Supervising leader"), queryset=get_user_model().objects.none(),
                                                required=False)
    note = _text(_("Note (optional)"), REASON_MAX_CHARS, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervising_leader"].queryset = _leaders()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_key") and not cleaned.get("supervising_leader"):
            self.add_error("supervising_leader", _("A key proposal needs a supervising leader."))
        return cleaned


class BulkAssignForm(_UnitsForm):
    proposals = forms.ModelMultipleChoiceField(label=_("Proposals"), queryset=Proposal.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = Proposal.objects.filter(status=Status.REGISTERED)


class ReassignForm(_UnitsForm):
    note = _text(_("Note (optional)"), REASON_MAX_CHARS, rows=2)


class SetKeyForm(forms.Form):
    is_key = forms.BooleanField(label=_("Key proposal"), required=False)
    supervising_leader = forms.ModelChoiceField(label=_("Supervising leader"), queryset=get_user_model().objects.none(),
                                                required=False)
    note = _text(_("Note (optional)"), REASON_MAX_CHARS, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervising_leader"].queryset = _leaders()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_key") and not cleaned.get("supervising_leader"):
            self.add_error("supervising_leader", _("A key proposal needs a supervising leader."))
        return cleaned


class ExtendForm(forms.Form):
    new_due_on = forms.DateField(label=_("New reply deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = _text(_("Reason"), REASON_MAX_CHARS, required=True, rows=3)

    def __init__(self, *args, proposal: Proposal, **kwargs):
        self.proposal = proposal
        super().__init__(*args, **kwargs)

    def clean_new_due_on(self):
        due = self.cleaned_data["new_due_on"]
        p = self.proposal
        if p.reply_due_on and due <= p.reply_due_on:
            raise ValidationError(_("The new deadline must be later than the current one (%(due)s).")
                                  % {"due": p.reply_due_on.isoformat()})
        if p.assigned_on and due > latest_reply_due(p.assigned_on):
            raise ValidationError(_("The deadline can be extended to %(latest)s at the latest.")
                                  % {"latest": latest_reply_due(p.assigned_on).isoformat()})
        return due


# --- Handling -----------------------------------------------------------------------------------------------


class CoOpinionForm(forms.Form):
    text = _text(_("Opinion"), REPLY_MAX_CHARS, required=True, rows=8)
    document = UploadField(label=_("Document (optional)"), required=False)


class ContactForm(forms.Form):
    method = forms.ChoiceField(label=_("Contact with the proposer"), choices=ContactMethod.choices,
                               widget=forms.RadioSelect)
    contacted_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = _text(_("Note (optional)"), COMMENT_MAX_CHARS, rows=2)

    def clean_contacted_on(self):
        day = self.cleaned_data["contacted_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date of the contact cannot be in the future."))
        return day


class ReplyForm(forms.Form):
    """Save (lenient) or submit (strict=True: class, text and the signed PDF are required)."""

    reply_class = forms.ChoiceField(label=_("Reply class"), choices=[("", "—"), *ReplyClass.choices], required=False)
    text = _text(_("Reply"), REPLY_MAX_CHARS, rows=12)
    signer = forms.CharField(label=_("Signed by"), max_length=50, required=False)
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    document = ReplyLetterField(label=_("Signed reply document (PDF, or photos of its pages as JPG/PNG)"),
                                required=False)

    def __init__(self, *args, strict: bool = False, has_document: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if strict:
            self.fields["reply_class"].required = True
            self.fields["text"].required = True
            self.fields["document"].required = not has_document


class ReplyApproveForm(forms.Form):
    reply_class = forms.ChoiceField(label=_("Reply class (change if needed)"),
                                    choices=[("", _("as proposed by the unit")), *ReplyClass.choices], required=False)
    note = _text(_("Note (optional)"), REASON_MAX_CHARS, rows=2)


# --- Evaluation ---------------------------------------------------------------------------------------------


class RatingForm(forms.Form):
    overall = forms.ChoiceField(label=_("Overall"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    contacted = forms.ChoiceField(label=_("Did the unit contact you before replying?"),
                                  choices=ContactedAnswer.choices, widget=forms.RadioSelect)
    on_point = forms.TypedChoiceField(label=_("Did the reply address your proposal?"),
                                      choices=[("yes", _("Yes")), ("no", _("No"))],
                                      coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    comment = _text(_("Comment (optional)"), COMMENT_MAX_CHARS, rows=3)


class QualityRatingForm(forms.Form):
    grade = forms.ChoiceField(label=_("Quality of the proposal"), choices=QualityGrade.choices,
                              widget=forms.RadioSelect)
    comment = _text(_("Comment (optional)"), COMMENT_MAX_CHARS, rows=3)


class FollowupForm(forms.Form):
    note = _text(_("Follow-up review"), COMMENT_MAX_CHARS, required=True, rows=5)


# --- Lists -------------------------------------------------------------------------------------------------


class ArchiveSearchForm(forms.Form):
    text = forms.CharField(label=_("Search"), max_length=100, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All")), *Category.choices], required=False)


class CollectiveAuthorisationForm(forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=get_user_model().objects.filter(is_active=True))
    organisation_kind = forms.ChoiceField(label=_("Organisation kind"), choices=OrganisationKind.choices)
    party = forms.ModelChoiceField(label=_("Party"), queryset=Party.objects.all(), required=False)
    sector = forms.ModelChoiceField(label=_("Sector group"), queryset=Sector.objects.all(), required=False)
    special_committee = forms.ModelChoiceField(label=_("Special committee"), queryset=SpecialCommittee.objects.all(),
                                               required=False)
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        field = {OrganisationKind.PARTY: "party", OrganisationKind.SECTOR: "sector",
                 OrganisationKind.SPECIAL_COMMITTEE: "special_committee"}.get(cleaned.get("organisation_kind"))
        if field and not cleaned.get(field):
            self.add_error(field, _("Choose the organisation."))
        cleaned["organisation"] = cleaned.get(field) if field else None
        return cleaned
