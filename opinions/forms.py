from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .counting import REPORT_MAX_CHARS
from .models import LeaderTitle, Level, OpinionReport, OutcomeKind
from .services import check_length


class ReportForm(forms.ModelForm):
    co_authors = forms.ModelMultipleChoiceField(
        label=_("Co-authors"), required=False, queryset=Member.objects.filter(status="serving").order_by("name_pinyin"),
        help_text=_("Members who wrote the report with you (hold Ctrl to choose several)."))

    class Meta:
        model = OpinionReport
        fields = ["title", "category", "source_street", "source_sector", "co_authors", "situation", "analysis",
                  "suggestion"]
        labels = {"title": _("Title"), "situation": _("Situation"), "analysis": _("Analysis"),
                  "suggestion": _("Suggestions"), "category": _("Category"), "source_street": _("Source street"),
                  "source_sector": _("Source sector")}
        widgets = {name: forms.Textarea(attrs={"rows": 6, "data-count": "1"})
                   for name in ("situation", "analysis", "suggestion")}

    def __init__(self, *args, draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = _("One matter per report.")
        self.fields["suggestion"].help_text = _(
            "At most %(max)d characters for the three parts together, counted as the office counts them: "
            "Chinese characters and punctuation count, spaces and line breaks do not.") % {"max": REPORT_MAX_CHARS}
        if draft:  # autosave: an unfinished draft is still saved
            self.fields["title"].required = False

    def clean(self):
        data = super().clean()
        try:
            check_length(situation=data.get("situation", ""), analysis=data.get("analysis", ""),
                         suggestion=data.get("suggestion", ""))
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the author sees it)"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class SignOffForm(forms.Form):
    signed_off_by = forms.CharField(label=_("Signed off by"), max_length=60)
    signed_off_on = forms.DateField(label=_("Signed off on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_off_on"].initial = timezone.localdate()


class EditAdoptedForm(forms.ModelForm):
    class Meta:
        model = OpinionReport
        fields = ["adopted_title", "adopted_analysis", "adopted_suggestion"]
        labels = {"adopted_title": _("Title (关于……的建议)"), "adopted_analysis": _("Analysis"),
                  "adopted_suggestion": _("Suggestions")}
        widgets = {"adopted_analysis": forms.Textarea(attrs={"rows": 10, "data-count": "1"}),
                   "adopted_suggestion": forms.Textarea(attrs={"rows": 8, "data-count": "1"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopted_title"].required = True


class OutcomeForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    forwarded_to = forms.CharField(label=_("Forwarded to (departments)"), required=False, max_length=200)
    combined_title = forms.CharField(label=_("Title of the combined report"), required=False, max_length=200)
    combined_with = forms.CharField(
        label=_("Other source reports (numbers)"), required=False, max_length=500,
        help_text=_("For a combined report: the numbers of the other reports it was written from, e.g. 12, 15."))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def clean_combined_with(self):
        value = self.cleaned_data["combined_with"].replace("，", ",").replace("、", ",")
        try:
            return [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise ValidationError(_("Give the report numbers separated by commas.")) from None


class InstructionForm(forms.Form):
    leader_title = forms.ChoiceField(label=_("Leader"), choices=LeaderTitle.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Instruction"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=500)


class BatchForm(forms.Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.CharField(label=_("Channel"), max_length=60, initial="市政协社情民意信息系统")
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=60)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
