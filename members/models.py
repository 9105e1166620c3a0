"""Member records, the organisations the whole product points at, and the duty-performance ledger."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# --- Organisations -----------------------------------------------------------------------------------


class Party(models.Model):
    """A political party or 无党派 (the ten of DESIGN.md §7)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    short_name = models.CharField(_("short name"), max_length=10, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cpc(self) -> bool:
        return self.name == "中国共产党"


class Sector(models.Model):
    """A 界别 (sector group)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class SpecialCommittee(models.Model):
    """A 专门委员会 of the CPPCC."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("special committee")
        verbose_name_plural = _("special committees")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    """One of the 14 streets (街道); each has a street working committee (街道政协工委)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    street = models.ForeignKey(Street, verbose_name=_("street"), on_delete=models.PROTECT,
                               related_name="communities")
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["street__order", "name"]
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="community_unique_in_street")]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Government department")
    STREET_OFFICE = "street_office", _("Street office")
    OTHER = "other", _("Other organisation")


class HandlingUnit(models.Model):
    """A 承办单位: a district government department or street office that replies to proposals."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    street = models.ForeignKey(Street, verbose_name=_("street"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="offices")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("officers"), blank=True,
                                      related_name="handling_units")
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A term (届) of the district CPPCC, e.g. the 10th (2022–2026)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"第{chinese_numeral(self.number)}届"


class PlenarySession(models.Model):
    """A plenary session (次会议) of a term; proposals filed in its window are session proposals."""

    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("number"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    proposals_open_on = models.DateField(_("session proposals accepted from"))
    proposals_close_on = models.DateField(_("session proposal deadline"))

    class Meta:
        verbose_name = _("plenary session")
        verbose_name_plural = _("plenary sessions")
        ordering = ["-opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_unique_in_term"),
            models.CheckConstraint(condition=Q(proposals_open_on__lte=models.F("proposals_close_on")),
                                   name="session_window_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.term}第{chinese_numeral(self.number)}次会议"

    @property
    def year(self) -> int:
        return self.opens_on.year


# --- Members ----------------------------------------------------------------------------------------


def photo_upload_path(instance, filename: str) -> str:
    """A random name (the original may carry the member's name); only the extension is kept."""
    extension = ".png" if filename.lower().endswith(".png") else ".jpg"
    return f"member-photos/{uuid.uuid4().hex}{extension}"


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberStatus(models.TextChoices):
    SERVING = "serving", _("Serving")
    RESIGNED = "resigned", _("Resigned")
    DECEASED = "deceased", _("Deceased")


class Member(models.Model):
    """A CPPCC member (委员). The ID number is stored encrypted; see members/personal_data.py."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="member")
    name = models.CharField(_("name"), max_length=30)
    # Derived from the name on save (pypinyin); used for sorting and for pinyin / initials search.
    name_pinyin = models.CharField(_("pinyin"), max_length=120, blank=True, db_index=True)
    name_initials = models.CharField(_("initials"), max_length=30, blank=True, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    ethnic_group = models.CharField(_("ethnic group"), max_length=20, default="汉族")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # First three and last four characters only: what lists and exports show without decrypting.
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    # The mobile number like the ID number: encrypted, a keyed hash for search by number, the masked form
    # for lists. `member.mobile` (a property) reads and writes the plain number.
    mobile_encrypted = models.TextField(_("mobile number (encrypted)"), blank=True, editable=False)
    mobile_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    mobile_masked = models.CharField(_("mobile number"), max_length=20, blank=True, editable=False)
    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="members")
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT,
                               related_name="members")
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    terms = models.ManyToManyField(Term, verbose_name=_("terms"), through="TermMembership",
                                   related_name="members")
    is_standing_committee = models.BooleanField(_("standing-committee member"), default=False)
    special_committees = models.ManyToManyField(SpecialCommittee, verbose_name=_("special committees"),
                                                blank=True, related_name="members")
    street = models.ForeignKey(Street, verbose_name=_("street working committee"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="members")
    status = models.CharField(_("status"), max_length=10, choices=MemberStatus.choices,
                              default=MemberStatus.SERVING, db_index=True)
    photo = models.FileField(_("photo"), upload_to=photo_upload_path, blank=True)
    # Lower-case name, compact pinyin, initials and employer (members/pinyin.py), set by the services.
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name_pinyin", "id"]
        permissions = [
            ("view_full_personal_data", _("Can see full ID and mobile numbers")),
            ("export_member", _("Can export members")),
            ("import_member", _("Can import members")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def mobile(self) -> str:
        """The plain mobile number (decrypted on each read; reveal it only where DESIGN.md §9 allows)."""
        from .personal_data import reveal_mobile

        return reveal_mobile(self.mobile_encrypted)

    @mobile.setter
    def mobile(self, value: str) -> None:
        from .personal_data import normalize_mobile, protect_mobile

        for name, stored in protect_mobile(normalize_mobile(value)).items():
            setattr(self, name, stored)

    @property
    def is_cpc(self) -> bool:
        return self.party.is_cpc


class PersonalDataClearance(models.Model):
    """An account allowed to see full ID and mobile numbers, on top of its role. Granted by the
    security administrator to named people only; see members/rules.py."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user account"), on_delete=models.CASCADE,
                                related_name="personal_data_clearance")
    reason = models.CharField(_("reason"), max_length=200)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal-data clearance")
        verbose_name_plural = _("personal-data clearances")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return str(self.user)


class TermMembership(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="term_memberships")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="memberships")
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("term membership")
        verbose_name_plural = _("term memberships")
        constraints = [models.UniqueConstraint(fields=["member", "term"], name="one_membership_per_term")]

    def __str__(self) -> str:
        return f"{self.member} {self.term}"


class Visit(models.Model):
    """走访联络: staff visit a member outside the CPC."""

    date = models.DateField(_("date"), db_index=True)
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="visits")
    visitors = models.CharField(_("visitors"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.member}"


# --- Duty-performance ledger (履职档案) -------------------------------------------------------------


class LedgerKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposals")
    OPINION = "opinion", _("Opinion reports")
    MEETING = "meeting", _("Meetings")
    CONSULTATION = "consultation", _("Consultations")
    SUPERVISION = "supervision", _("Democratic supervision")
    RESEARCH = "research", _("Research and inspections")
    STUDY = "study", _("Study sessions")
    VISIT = "visit", _("Visits")
    CONTRIBUTION = "contribution", _("Social contributions")


# Kinds staff record directly (meetings have their own attendance screen; proposals, opinions,
# consultations and supervision come from their apps).
STAFF_KINDS = (LedgerKind.STUDY, LedgerKind.RESEARCH, LedgerKind.VISIT, LedgerKind.CONTRIBUTION)


class LedgerRule(models.Model):
    """Points per event of a kind and sub-kind, with an annual cap. Scores are derived from these."""

    kind = models.CharField(_("kind"), max_length=20, choices=LedgerKind.choices)
    subkind = models.CharField(_("sub-kind"), max_length=40)
    label = models.CharField(_("description"), max_length=100)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    annual_cap = models.DecimalField(_("annual cap"), max_digits=7, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=10, default="次")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["kind", "subkind"]
        constraints = [models.UniqueConstraint(fields=["kind", "subkind"], name="one_rule_per_subkind")]

    def __str__(self) -> str:
        return self.label


class LedgerEvent(models.Model):
    """One duty event of a member. Points come from the matching LedgerRule unless overridden."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="ledger_events")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=LedgerKind.choices)
    subkind = models.CharField(_("sub-kind"), max_length=40)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    points_override = models.DecimalField(_("points (override)"), max_digits=6, decimal_places=2,
                                          null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger event")
        verbose_name_plural = _("ledger events")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["member", "date"]),
            models.Index(fields=["date", "kind", "subkind"]),
            models.Index(fields=["source_type", "source_id"]),
            # Withdrawn events (the latest withdrawal).
            models.Index(fields=["withdrawn_at"], condition=Q(withdrawn_at__isnull=False),
                         name="ledgerevent_withdrawn_idx"),
        ]
        constraints = [
            # One live event per member, kind, sub-kind and source: recording twice is idempotent.
            models.UniqueConstraint(
                fields=["member", "kind", "subkind", "source_type", "source_id"],
                condition=Q(withdrawn_at__isnull=True) & Q(source_type__isnull=False),
                name="one_live_event_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.date} {self.kind}/{self.subkind}"


class MemberYearScore(models.Model):
    """A member's score in a year, in hundredths of a point, kept up to date by every ledger write (the
    members ledger services and members/scoring.py `store_scores`). Rankings read it instead of
    aggregating the year's events per request. No row: no scored event that year (score 0)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="year_scores")
    year = models.PositiveSmallIntegerField()
    cents = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="one_score_per_member_year")]
        indexes = [models.Index(fields=["year", "-cents"], name="memberyearscore_rank_idx")]
        verbose_name = _("member's year score")
        verbose_name_plural = _("members' year scores")

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} {self.cents}"


def chinese_numeral(n: int) -> str:
    """1..99 as Chinese numerals (十, 十一, 二十三)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


# --- Meetings and activities recorded directly by staff ----------------------------------------------


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("Plenary session")
    STANDING = "standing", _("Standing-committee meeting")


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Meeting(models.Model):
    """A plenary session or standing-committee meeting whose attendance goes to the ledger."""

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=120)
    date = models.DateField(_("date"), db_index=True)
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="meetings")
    plenary_session = models.ForeignKey(PlenarySession, verbose_name=_("plenary session"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="meetings")
    location = models.CharField(_("location"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def subkind_for(kind: str, status: str) -> str:
        """Ledger sub-kind of an attendance status, e.g. ('standing', 'absent') -> 'standing_absent'."""
        return f"{kind}_{status}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_meeting")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.member} {self.status}"


class Activity(models.Model):
    """A study session, research trip, inspection, visit or contribution with its participants.
    The participants are the live ledger events whose source is this activity."""

    kind = models.CharField(_("kind"), max_length=20, choices=LedgerKind.choices)
    subkind = models.CharField(_("sub-kind"), max_length=40)
    title = models.CharField(_("title"), max_length=120)
    date = models.DateField(_("date"), db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


# --- Excellent-member evaluation -----------------------------------------------------------------------


class ExcellentShortlist(models.Model):
    """The excellent-member shortlist of one year: the top N % proposed automatically, then adjusted
    by hand. Scores and ranks are snapshots taken when the list is generated."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    percent = models.DecimalField(_("top percentage"), max_digits=5, decimal_places=2)
    eligible_count = models.PositiveIntegerField(_("eligible members"), default=0)
    slots = models.PositiveIntegerField(_("places"), default=0)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    finalized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("excellent-member shortlist")
        verbose_name_plural = _("excellent-member shortlists")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"

    @property
    def is_final(self) -> bool:
        return self.finalized_at is not None


class EntryOrigin(models.TextChoices):
    AUTO = "auto", _("Top of the ranking")
    MANUAL = "manual", _("Added by hand")


class ExcellentEntry(models.Model):
    shortlist = models.ForeignKey(ExcellentShortlist, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="excellent_entries")
    origin = models.CharField(_("origin"), max_length=10, choices=EntryOrigin.choices)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, default=0)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    excluded = models.BooleanField(_("excluded"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shortlist entry")
        verbose_name_plural = _("shortlist entries")
        ordering = ["excluded", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["shortlist", "member"], name="one_entry_per_member")]

    def __str__(self) -> str:
        return f"{self.shortlist} {self.member}"


# --- Excel import ---------------------------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    VALIDATING = "validating", _("Checking rows")
    IMPORTING = "importing", _("Importing")
    SUCCEEDED = "succeeded", _("Imported")
    REJECTED = "rejected", _("Rejected: rows with errors")
    FAILED = "failed", _("Failed")


def import_upload_path(instance, filename: str) -> str:
    """A random name: the uploaded workbook holds ID numbers, its name must not leak anything."""
    return f"member-imports/{uuid.uuid4().hex}.xlsx"


class ImportJob(models.Model):
    """One uploaded member workbook. Progress is stored here so the page can poll it and the result
    stays viewable; the uploaded file is deleted once the job has finished (it holds ID numbers)."""

    FINISHED = (ImportStatus.SUCCEEDED, ImportStatus.REJECTED, ImportStatus.FAILED)

    file = models.FileField(upload_to=import_upload_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    run_async = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices,
                              default=ImportStatus.PENDING, db_index=True)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    # [{"row": 5, "column": "身份证号", "message": "…"}]; ID numbers in messages are masked.
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if not self.total_rows:
            return 0
        # Checking is the first half of the work, writing the second.
        done = self.processed_rows + (self.total_rows if self.status == ImportStatus.IMPORTING else 0)
        return min(99, int(done * 50 / self.total_rows))
