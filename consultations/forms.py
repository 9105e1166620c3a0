"""Forms validate input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Community, Member, MemberStatus

from . import selectors
from .models import (
    Attendance,
    Outcome,
    Room,
    Session,
    SupervisionProject,
    Topic,
    TopicSource,
)
from .services import ROOM_FIELDS, ConvertTarget
from .workflow import SessionStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def serving_members():
    return Member.objects.filter(status=MemberStatus.SERVING).order_by("name_pinyin")


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ROOM_FIELDS
        widgets = {"opened_on": DATE, "renovated_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = selectors.streets_for(user=user)
        self.fields["community"].queryset = Community.objects.filter(
            street__in=selectors.streets_for(user=user)).select_related("street")


class ProjectForm(forms.ModelForm):
    class Meta:
        model = SupervisionProject
        fields = ["name", "street", "owner_unit", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = selectors.streets_for(user=user)


class TopicForm(forms.Form):
    """An officer records a topic from a resident, member, street or community."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.ChoiceField(label=_("Source"), choices=TopicSource.choices)
    street = forms.ModelChoiceField(label=_("Street"), queryset=None)
    proposer_name = forms.CharField(label=_("Proposer's name (optional)"), max_length=30, required=False)
    proposer_contact = forms.CharField(label=_("Proposer's contact (optional)"), max_length=30, required=False)
    member = forms.ModelChoiceField(label=_("Member"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = selectors.streets_for(user=user)
        self.fields["member"].queryset = serving_members()


class MemberTopicForm(forms.Form):
    """A member proposes a topic online."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    street = forms.ModelChoiceField(label=_("Street"), queryset=None)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from members.models import Street

        self.fields["street"].queryset = Street.objects.all()


class TopicEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ScheduleForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=Session.objects.none())

    def __init__(self, *args, user, topic: Topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = selectors.sessions_for(user=user).filter(
            street=topic.street, status__in=[SessionStatus.PLANNED, SessionStatus.HELD])


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["kind", "title", "street", "room", "venue", "project", "date", "residents_count", "officials",
                  "units", "minutes"]
        widgets = {"date": DATE, "minutes": forms.Textarea(attrs={"rows": 6}),
                   "officials": forms.Textarea(attrs={"rows": 2}), "units": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = selectors.streets_for(user=user)
        self.fields["room"].queryset = selectors.rooms_for(user=user)
        self.fields["project"].queryset = selectors.projects_for(user=user)
        self.fields["residents_count"].required = False

    def _post_clean(self):
        """The service validates the whole session (room/venue, project, street); skip the model's clean."""


class HoldForm(forms.Form):
    residents_count = forms.IntegerField(label=_("Residents taking part"), min_value=0, max_value=100_000,
                                         required=False)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class OutcomeForm(forms.Form):
    text = forms.CharField(label=_("Suggestion"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.CharField(label=_("Responsible party"), max_length=100, required=False)
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    is_public = forms.BooleanField(label=_("Public"), required=False, initial=True)

    @classmethod
    def for_outcome(cls, outcome: Outcome, data=None):
        return cls(data=data, initial={"text": outcome.text, "responsible": outcome.responsible,
                                       "due_on": outcome.due_on, "is_public": outcome.is_public})


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class ConvertForm(forms.Form):
    target = forms.ChoiceField(label=_("Convert into"), choices=[
        (ConvertTarget.PROPOSAL, _("a proposal draft")), (ConvertTarget.OPINION, _("an opinion-report draft"))])
    member = forms.ModelChoiceField(label=_("For the member"), queryset=Member.objects.none())

    def __init__(self, *args, outcome: Outcome, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(
            consultation_participations__session_id=outcome.session_id,
            consultation_participations__attendance=Attendance.ATTENDED, user__isnull=False)


class ParticipantsForm(forms.Form):
    """One attendance choice per current participant, and members to add."""

    add = forms.ModelMultipleChoiceField(label=_("Add members"), queryset=Member.objects.none(), required=False,
                                         widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.participations = list(session.participations.select_related("member"))
        self.fields["add"].queryset = serving_members().exclude(
            pk__in=[p.member_id for p in self.participations])
        choices = [("", _("Remove")), *Attendance.choices]
        for p in self.participations:
            self.fields[f"m{p.member_id}"] = forms.ChoiceField(label=p.member.name, choices=choices, required=False,
                                                               initial=p.attendance)

    def attendance(self) -> dict[int, str]:
        result = {}
        for p in self.participations:
            value = self.cleaned_data.get(f"m{p.member_id}")
            if value:
                result[p.member_id] = value
        for member in self.cleaned_data.get("add") or []:
            result[member.pk] = Attendance.INVITED
        return result


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo"), help_text=_("JPEG or PNG."))
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)
