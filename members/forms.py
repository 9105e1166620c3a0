from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import personal_data
from .models import (
    STAFF_KINDS,
    AttendanceStatus,
    Gender,
    HandlingUnit,
    LedgerKind,
    LedgerRule,
    MeetingKind,
    Member,
    MemberStatus,
    Party,
    PlenarySession,
    Sector,
    SpecialCommittee,
    Street,
    Term,
    UnitKind,
)
from .scoring import Grade

PHOTO_MAX_BYTES = 2 * 1024 * 1024
YES_NO = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _party_label(party: Party) -> str:
    return party.short_name or party.name


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, pinyin, initials, employer or sector"),
                                                      "type": "search"}))
    party = forms.ModelChoiceField(label=_("Party"), queryset=Party.objects.all(), required=False,
                                   empty_label=_("All parties"))
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all(), required=False,
                                    empty_label=_("All sectors"))
    street = forms.ModelChoiceField(label=_("Street working committee"), queryset=Street.objects.all(),
                                    required=False, empty_label=_("All streets"))
    special_committee = forms.ModelChoiceField(label=_("Special committee"), queryset=SpecialCommittee.objects.all(),
                                               required=False, empty_label=_("All committees"))
    standing = forms.ChoiceField(label=_("Standing committee"), choices=YES_NO, required=False)
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.all(), required=False,
                                  empty_label=_("All terms"))
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + MemberStatus.choices, required=False)
    serving_in = forms.IntegerField(label=_("Serving in year"), required=False, min_value=2000, max_value=2100,
                                    widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].label_from_instance = _party_label

    def filters(self):
        from .selectors import MemberFilters

        if not self.is_valid():
            return MemberFilters()
        data = self.cleaned_data
        standing = {"yes": True, "no": False}.get(data.get("standing") or "")
        return MemberFilters(
            q=data.get("q") or "",
            party=data["party"].pk if data.get("party") else None,
            sector=data["sector"].pk if data.get("sector") else None,
            street=data["street"].pk if data.get("street") else None,
            special_committee=data["special_committee"].pk if data.get("special_committee") else None,
            standing=standing,
            term=data["term"].pk if data.get("term") else None,
            status=data.get("status") or "",
            serving_in=data.get("serving_in"),
        )


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=30)
    id_number = forms.CharField(label=_("ID number"), max_length=20, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", _("From the ID number"))] + Gender.choices,
                               required=False)
    ethnic_group = forms.CharField(label=_("Ethnic group"), max_length=20, initial="汉族")
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput(),
                                 help_text=_("Taken from the ID number when empty."))
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    party = forms.ModelChoiceField(label=_("Party"), queryset=Party.objects.all())
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all())
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    terms = forms.ModelMultipleChoiceField(label=_("Terms"), queryset=Term.objects.all(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    is_standing_committee = forms.BooleanField(label=_("Standing-committee member"), required=False)
    special_committees = forms.ModelMultipleChoiceField(label=_("Special committees"),
                                                        queryset=SpecialCommittee.objects.all(), required=False,
                                                        widget=forms.CheckboxSelectMultiple)
    street = forms.ModelChoiceField(label=_("Street working committee"), queryset=Street.objects.all(),
                                    required=False)
    status = forms.ChoiceField(label=_("Status"), choices=MemberStatus.choices, initial=MemberStatus.SERVING)
    photo = forms.FileField(label=_("Photo"), required=False, help_text=_("JPEG or PNG, at most 2 MB."))
    user = forms.ModelChoiceField(label=_("User account"), required=False, queryset=get_user_model().objects.none(),
                                  help_text=_("Accounts with the member role that no other member uses."))

    def __init__(self, *args, instance: Member | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {**{
                "name": instance.name, "gender": instance.gender, "ethnic_group": instance.ethnic_group,
                # Never the mobile or ID number: the form would show them in full.
                "birth_date": instance.birth_date, "party": instance.party_id,
                "sector": instance.sector_id, "employer": instance.employer, "job_title": instance.job_title,
                "terms": list(instance.terms.values_list("pk", flat=True)),
                "is_standing_committee": instance.is_standing_committee,
                "special_committees": list(instance.special_committees.values_list("pk", flat=True)),
                "street": instance.street_id, "status": instance.status, "user": instance.user_id,
            }, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["party"].label_from_instance = _party_label
        users = get_user_model().objects.filter(groups__name="member", is_active=True).filter(member__isnull=True)
        if instance is not None and instance.user_id:
            users = users | get_user_model().objects.filter(pk=instance.user_id)
        self.fields["user"].queryset = users.distinct().order_by("username")
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name()}（{u.username}）"
        if instance is None:
            self.fields["id_number"].required = True
        else:
            self.fields["id_number"].help_text = _("Stored as %(masked)s. Leave empty to keep it.") % {
                "masked": instance.id_number_masked or "—"}
            self.fields["mobile"].help_text = _("Stored as %(masked)s. Leave empty to keep it.") % {
                "masked": instance.mobile_masked or "—"}

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number") or ""
        if not value:
            return ""
        number = personal_data.validate_id_number(value)
        clash = Member.objects.filter(id_number_hash=personal_data.lookup_hash(number))
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another member already has this ID number."))
        return number

    def clean_mobile(self) -> str:
        value = self.cleaned_data.get("mobile") or ""
        if not value and self.instance is not None:
            return self.instance.mobile
        return personal_data.validate_mobile(value)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        if photo.size > PHOTO_MAX_BYTES:
            raise ValidationError(_("The photo is larger than 2 MB."))
        head = photo.read(8)
        photo.seek(0)
        if not (head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n")):
            raise ValidationError(_("The photo must be a JPEG or PNG image."))
        return photo

    def service_kwargs(self) -> dict:
        """Empty photo, gender and birth date mean "keep" (or, for a new member, "from the ID number")."""
        data = dict(self.cleaned_data)
        for key in ("photo", "gender", "birth_date"):
            if not data.get(key):
                data.pop(key, None)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Member workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an Excel .xlsx file (older .xls and .csv files are not accepted)."))
        return upload


class VisitForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    visitors = forms.CharField(label=_("Visitors"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (Member.objects.exclude(party__name="中国共产党")
                                          .filter(status=MemberStatus.SERVING).select_related("party")
                                          .order_by("name_pinyin"))
        self.fields["member"].label_from_instance = lambda m: f"{m.name}（{_party_label(m.party)}）"

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise ValidationError(_("The visit date lies in the future."))
        return value


class LedgerRuleForm(forms.Form):
    label = forms.CharField(label=_("Description"), max_length=100)
    points = forms.DecimalField(label=_("Points"), max_digits=6, decimal_places=2,
                                help_text=_("Negative for deductions."))
    annual_cap = forms.DecimalField(label=_("Annual cap"), max_digits=7, decimal_places=2, required=False,
                                    min_value=Decimal("0"),
                                    help_text=_("Most points a member can collect from this rule in a year "
                                                "(deductions likewise); empty for no cap."))
    unit = forms.CharField(label=_("Unit"), max_length=10, initial="次")


class LedgerRuleCreateForm(LedgerRuleForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LedgerKind.choices)
    subkind = forms.SlugField(label=_("Sub-kind code"), max_length=40,
                              help_text=_("Lower-case letters, digits and underscores, e.g. lecture."))

    field_order = ["kind", "subkind", "label", "points", "annual_cap", "unit"]


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.all())
    plenary_session = forms.ModelChoiceField(label=_("Plenary session"), queryset=PlenarySession.objects.all(),
                                             required=False)
    location = forms.CharField(label=_("Location"), max_length=100, required=False)


class AttendanceForm(forms.Form):
    """One radio group per member expected at the meeting."""

    def __init__(self, *args, members, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"m{member.pk}"] = forms.ChoiceField(
                label=member.name, choices=AttendanceStatus.choices, required=False,
                initial=current.get(member.pk, AttendanceStatus.ATTENDED), widget=forms.RadioSelect)

    def rows(self):
        for member in self.members:
            yield member, self[f"m{member.pk}"]

    def statuses(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data.get(f"m{m.pk}") for m in self.members if self.cleaned_data.get(f"m{m.pk}")}


def staff_rules():
    return LedgerRule.objects.filter(kind__in=STAFF_KINDS).order_by("kind", "subkind")


class _RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, rule):
        return f"{rule.get_kind_display()}：{rule.label}（{rule.points:g} 分/{rule.unit}）"


class ActivityForm(forms.Form):
    rule = _RuleChoiceField(label=_("Kind of activity"), queryset=LedgerRule.objects.none())
    title = forms.CharField(label=_("Title"), max_length=120)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    participants = forms.ModelMultipleChoiceField(label=_("Participants"), queryset=Member.objects.none(),
                                                  widget=forms.SelectMultiple(attrs={"size": 12}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = staff_rules()
        self.fields["participants"].queryset = (Member.objects.filter(status=MemberStatus.SERVING)
                                                .order_by("name_pinyin"))


class SingleEventForm(forms.Form):
    rule = _RuleChoiceField(label=_("Kind of event"), queryset=LedgerRule.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = staff_rules()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class RankingFilterForm(MemberFilterForm):
    grade = forms.ChoiceField(label=_("Grade"), required=False,
                              choices=[("", _("All grades"))] + [(g, Grade.LABELS[g]) for g in Grade.ORDER])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["term"]
        del self.fields["status"]
        del self.fields["serving_in"]


class ShortlistGenerateForm(forms.Form):
    percent = forms.DecimalField(label=_("Top percentage"), max_digits=5, decimal_places=2,
                                 min_value=Decimal("0.01"), max_value=Decimal("100"))


class ShortlistAddForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = candidates if candidates is not None else Member.objects.none()


class HandlingUnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.all(), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    officers = forms.ModelMultipleChoiceField(label=_("Officer accounts"), required=False,
                                              queryset=get_user_model().objects.none(),
                                              widget=forms.SelectMultiple(attrs={"size": 8}),
                                              help_text=_("Accounts with the handling-unit officer role."))

    def __init__(self, *args, instance: HandlingUnit | None = None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {**{
                "name": instance.name, "kind": instance.kind, "street": instance.street_id,
                "contact_phone": instance.contact_phone, "is_active": instance.is_active,
                "officers": list(instance.officers.values_list("pk", flat=True)),
            }, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = (get_user_model().objects.filter(groups__name="handler", is_active=True)
                                            .order_by("username"))
        self.fields["officers"].label_from_instance = lambda u: f"{u.get_full_name()}（{u.username}）"
