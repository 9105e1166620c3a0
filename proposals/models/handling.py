"""Assignment to handling units, co-handling opinions, contact with the proposer and replies."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import HandlingUnit

from .proposal import Proposal


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    CO = "co", _("Co-handling unit")


class AssignmentAnswer(models.TextChoices):
    PENDING = "pending", _("Not yet accepted")
    ACCEPTED = "accepted", _("Accepted")
    OBJECTED = "objected", _("Objected")


class Assignment(models.Model):
    """One unit's part in one assignment round. A reassignment supersedes the round's rows (they stay
    as history) and starts a new round; only rows with superseded_at empty are active."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE,
                                 related_name="assignments")
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("handling unit"), on_delete=models.PROTECT,
                             related_name="proposal_assignments")
    role = models.CharField(_("role"), max_length=4, choices=AssignmentRole.choices)
    round = models.PositiveSmallIntegerField(_("assignment round"))
    assigned_at = models.DateTimeField(_("assigned at"))
    # Basis of the working-day windows: objection (proposals.objection_working_days) and the
    # "not accepted" reminder. The due dates are derived, so a calendar change moves them.
    assigned_on = models.DateField(_("assigned on"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answer = models.CharField(_("answer"), max_length=10, choices=AssignmentAnswer.choices,
                              default=AssignmentAnswer.PENDING)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    objection_reason = models.TextField(_("reason for the objection"), blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    # Co-handling units only: their opinion to the lead unit is due on this date.
    opinion_due_on = models.DateField(_("opinion due on"), null=True, blank=True)
    opinion_text = models.TextField(_("co-handling opinion"), blank=True)
    opinion_attachment = models.ForeignKey("proposals.Attachment", verbose_name=_("opinion document"),
                                           null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opinion_submitted_at = models.DateTimeField(_("opinion submitted at"), null=True, blank=True)
    opinion_submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opinion submitted by"),
                                             null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["proposal_id", "round", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "unit", "round"], name="one_assignment_per_unit_round"),
            models.UniqueConstraint(fields=["proposal"], condition=Q(role="lead", superseded_at__isnull=True),
                                    name="one_active_lead_unit"),
        ]
        indexes = [
            models.Index(fields=["unit", "proposal"], name="prop_assign_active_idx",
                         condition=Q(superseded_at__isnull=True)),
            models.Index(fields=["assigned_on"], name="prop_assign_pending_idx",
                         condition=Q(answer="pending", superseded_at__isnull=True)),
            models.Index(fields=["opinion_due_on"], name="prop_assign_opinion_due_idx",
                         condition=Q(role="co", superseded_at__isnull=True, opinion_submitted_at__isnull=True)),
            # The per-unit table's co-handled column, read without the table.
            models.Index(fields=["proposal", "unit"], name="prop_assign_co_idx",
                         condition=Q(role="co", superseded_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.unit} · {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.superseded_at is None


class ContactMethod(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face-to-face meeting")
    PHONE = "phone", _("Telephone")
    OTHER = "other", _("Other")
    NOT_CONTACTED = "not_contacted", _("Not contacted")


class ContactRecord(models.Model):
    """The lead unit's contact with the proposer(s) before replying (沟通联系)."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE,
                                 related_name="contacts")
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("handling unit"), on_delete=models.PROTECT,
                             related_name="+")
    reply_round = models.PositiveSmallIntegerField(_("reply round"))
    method = models.CharField(_("contact"), max_length=15, choices=ContactMethod.choices)
    contacted_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("contact with the proposer")
        verbose_name_plural = _("contacts with the proposer")
        ordering = ["proposal_id", "contacted_on", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.get_method_display()} · {self.contacted_on}"


class ReplyClass(models.TextChoices):
    A = "A", _("A — solved or basically solved")
    B = "B", _("B — being solved or planned")
    C = "C", _("C — kept for reference")


class ReplyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")


class Reply(models.Model):
    """The lead unit's reply in one reply round (1 = first reply, 2 = after re-handling, …).
    Proposers and the archive see only APPROVED replies."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE,
                                 related_name="replies")
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("handling unit"), on_delete=models.PROTECT,
                             related_name="proposal_replies")
    round = models.PositiveSmallIntegerField(_("reply round"))
    status = models.CharField(_("status"), max_length=10, choices=ReplyStatus.choices,
                              default=ReplyStatus.DRAFT)
    reply_class = models.CharField(_("reply class"), max_length=1, choices=ReplyClass.choices, blank=True)
    # The class the unit proposed, kept when the officer changes it on approval.
    submitted_class = models.CharField(_("class proposed by the unit"), max_length=1,
                                       choices=ReplyClass.choices, blank=True)
    text = models.TextField(_("reply text"), blank=True)
    signer = models.CharField(_("signed by"), max_length=50, blank=True)
    # Contact details are shown to the proposers only, never in the public archive.
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    document = models.ForeignKey("proposals.Attachment", verbose_name=_("signed reply document (PDF)"),
                                 null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["proposal_id", "round"]
        constraints = [models.UniqueConstraint(fields=["proposal", "round"], name="one_reply_per_round")]
        indexes = [models.Index(fields=["status", "submitted_at"], name="prop_reply_queue_idx")]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.round} · {self.get_status_display()}"

    @property
    def is_approved(self) -> bool:
        return self.status == ReplyStatus.APPROVED
