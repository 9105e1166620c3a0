"""Consultations (协商): the "1+14+N" rooms, topics, sessions of every consultation form, outcomes and their
follow-up, supervision projects. A supervision visit (协商式监督) is a session of kind SUPERVISION that names
its project; its suggestions are outcomes like any other session's."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.models import Community, Member, Street
from zhongyuan_cppcc.workflow.models import AbstractStatusChange

from .workflow import OutcomeStatus, SessionStatus, TopicStatus

TEXT_MAX = 4000


class OfficerStreet(models.Model):
    """A consultation officer attached to one street (街道政协工委): sees and edits only that street's
    rooms, topics and sessions. An officer without this row works for the whole district."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.CASCADE,
                                related_name="consultation_street")
    street = models.ForeignKey(Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("street of a consultation officer")
        verbose_name_plural = _("streets of consultation officers")

    def __str__(self) -> str:
        return f"{self.user} · {self.street}"


class RoomLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


# The "六个有" standard: field name → label.
CHECKLIST = [
    ("has_site", _("Site")),
    ("has_sign", _("Sign")),
    ("has_rules", _("Rules")),
    ("has_procedure", _("Procedure")),
    ("has_activities", _("Activities")),
    ("has_results", _("Results")),
]


class Room(models.Model):
    """A consultation room (协商议事室)."""

    name = models.CharField(_("name"), max_length=80)
    level = models.CharField(_("level"), max_length=10, choices=RoomLevel.choices, default=RoomLevel.STREET)
    street = models.ForeignKey(Street, verbose_name=_("street"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="consultation_rooms")
    community = models.ForeignKey(Community, verbose_name=_("community"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="consultation_rooms")
    address = models.CharField(_("address"), max_length=200, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    renovated_on = models.DateField(_("renovated on"), null=True, blank=True)
    has_site = models.BooleanField(_("site"), default=False)
    has_sign = models.BooleanField(_("sign"), default=False)
    has_rules = models.BooleanField(_("rules"), default=False)
    has_procedure = models.BooleanField(_("procedure"), default=False)
    has_activities = models.BooleanField(_("activities"), default=False)
    has_results = models.BooleanField(_("results"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=30, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consultation room")
        verbose_name_plural = _("consultation rooms")
        ordering = ["level", "street__order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(level="district") | Q(street__isnull=False),
                                   name="room_street_unless_district"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("consultations:room-detail", args=[self.pk])

    def clean(self) -> None:
        if self.level != RoomLevel.DISTRICT and self.street_id is None:
            raise ValidationError({"street": _("A street or community room belongs to a street.")})
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            raise ValidationError({"community": _("The community is not in this street.")})
        if self.opened_on and self.renovated_on and self.renovated_on < self.opened_on:
            raise ValidationError({"renovated_on": _("The room cannot be renovated before it opened.")})

    @property
    def checklist(self) -> list[tuple[str, bool]]:
        return [(str(label), getattr(self, name)) for name, label in CHECKLIST]

    @property
    def checklist_done(self) -> int:
        return sum(1 for name, _label in CHECKLIST if getattr(self, name))


class SupervisionProject(models.Model):
    """A project that 协商式监督 visits look at."""

    name = models.CharField(_("name"), max_length=120)
    street = models.ForeignKey(Street, verbose_name=_("street"), on_delete=models.PROTECT,
                               related_name="supervision_projects")
    owner_unit = models.CharField(_("owner unit"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision project")
        verbose_name_plural = _("supervision projects")
        ordering = ["street__order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("consultations:project-detail", args=[self.pk])


class SessionKind(models.TextChoices):
    GRASSROOTS = "grassroots", _("Grassroots consultation")
    THEMATIC = "thematic", _("Thematic consultation forum")
    STANDING = "standing", _("Standing-committee consultation")
    COMMITTEE = "committee", _("Special-committee consultation")
    SUPERVISION = "supervision", _("Consultative supervision")
    SECTOR = "sector", _("Sector consultation")


class Session(models.Model):
    """A consultation session of any form (a supervision visit included)."""

    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    street = models.ForeignKey(Street, verbose_name=_("street"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="consultation_sessions")
    room = models.ForeignKey(Room, verbose_name=_("room"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="sessions")
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    project = models.ForeignKey(SupervisionProject, verbose_name=_("supervision project"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="visits")
    date = models.DateField(_("date"), db_index=True)
    residents_count = models.PositiveIntegerField(_("residents taking part"), default=0)
    officials = models.CharField(_("officials present"), max_length=500, blank=True)
    units = models.CharField(_("units present"), max_length=500, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    # Compact pinyin and initials of the title ("xuewei|xw"), kept by zhongyuan_cppcc.search on save.
    search_pinyin = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(_("status"), max_length=12, choices=SessionStatus.choices,
                              default=SessionStatus.PLANNED, db_index=True)
    participants = models.ManyToManyField(Member, verbose_name=_("participants"), through="Participation",
                                          related_name="consultation_sessions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consultation session")
        verbose_name_plural = _("consultation sessions")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["street", "date"]), models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:session-detail", args=[self.pk])

    @property
    def place(self) -> str:
        return str(self.room) if self.room_id else self.venue


class Attendance(models.TextChoices):
    INVITED = "invited", _("Invited")
    ATTENDED = "attended", _("Attended")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Participation(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="consultation_participations")
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices,
                                  default=Attendance.INVITED)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["member__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="one_participation_per_member")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.member}"


class TopicSource(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    MEMBER = "member", _("Member")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


class Topic(models.Model):
    """A topic (议题) proposed for consultation."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Compact pinyin and initials of the title ("xuewei|xw"), kept by zhongyuan_cppcc.search on save.
    search_pinyin = models.TextField(blank=True, default="", editable=False)
    source = models.CharField(_("source"), max_length=10, choices=TopicSource.choices)
    street = models.ForeignKey(Street, verbose_name=_("street"), on_delete=models.PROTECT,
                               related_name="consultation_topics")
    proposer_name = models.CharField(_("proposer's name"), max_length=30, blank=True)
    proposer_contact = models.CharField(_("proposer's contact"), max_length=30, blank=True)
    member = models.ForeignKey(Member, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="consultation_topics")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=TopicStatus.choices,
                              default=TopicStatus.PROPOSED, db_index=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    session = models.ForeignKey(Session, verbose_name=_("session"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="topics")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:topic-detail", args=[self.pk])


class Outcome(models.Model):
    """One suggestion (协商成果) of a session and its implementation."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE,
                                related_name="outcomes")
    text = models.TextField(_("suggestion"))
    responsible = models.CharField(_("responsible party"), max_length=100, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=OutcomeStatus.choices,
                              default=OutcomeStatus.OPEN, db_index=True)
    is_public = models.BooleanField(_("public"), default=True)
    proposal = models.OneToOneField("proposals.Proposal", verbose_name=_("proposal draft"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="consultation_outcome")
    opinion_report = models.OneToOneField("opinions.OpinionReport", verbose_name=_("opinion report draft"),
                                          null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="consultation_outcome")
    converted_for = models.ForeignKey(Member, verbose_name=_("converted for"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["session", "id"]
        indexes = [
            # The overdue scan: open outcomes by due date.
            models.Index(fields=["due_on"], condition=Q(status__in=["open", "implementing"]),
                         name="outcome_open_due_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def get_absolute_url(self) -> str:
        return reverse("consultations:outcome-detail", args=[self.pk])

    @property
    def converted(self) -> bool:
        return self.proposal_id is not None or self.opinion_report_id is not None

    def is_overdue(self, today) -> bool:
        return bool(self.due_on and self.due_on < today and self.status in (OutcomeStatus.OPEN,
                                                                             OutcomeStatus.IMPLEMENTING))


class FollowUp(models.Model):
    """A dated follow-up note on an outcome."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("date"))
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.text[:30]}"


class OutcomeReminder(models.Model):
    """An overdue-outcome reminder written by the scan before it notifies: the unique row makes it once."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outcome", "recipient", "due_on"],
                                               name="one_overdue_reminder_per_due_date")]
        verbose_name = _("overdue-outcome reminder")
        verbose_name_plural = _("overdue-outcome reminders")

    def __str__(self) -> str:
        return f"{self.outcome_id} → {self.recipient_id} ({self.due_on})"


class SessionStatusChange(AbstractStatusChange):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="status_changes")


class TopicStatusChange(AbstractStatusChange):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="status_changes")


class OutcomeStatusChange(AbstractStatusChange):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="status_changes")


def photo_storage_name(instance, filename: str) -> str:
    """Random name, nothing from the uploader: consultations/2024/05/<32 hex>.<detected extension>."""
    import uuid

    from django.utils import timezone

    extension = getattr(instance, "_storage_extension", "") or "bin"
    return f"consultations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Photo(models.Model):
    """A photo of a room or a session: checked by content, stored privately under a random name and served
    only through a permission-checked view."""

    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=photo_storage_name, max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]
        constraints = [models.CheckConstraint(
            condition=(Q(room__isnull=False) & Q(session__isnull=True))
            | (Q(room__isnull=True) & Q(session__isnull=False)),
            name="photo_of_room_or_session")]

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"

    @property
    def parent(self):
        return self.room if self.room_id else self.session
