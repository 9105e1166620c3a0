"""Deadline reminders (DESIGN.md §4): one row per (proposal, milestone, recipient, due date), written
by the scan before anything is sent. The unique constraint makes a second scan, a concurrent scan or a
retried task unable to send the same reminder twice; the row records what was sent, when, and why not."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import HandlingUnit

from .proposal import Proposal


class Milestone(models.TextChoices):
    NOT_ACCEPTED = "not_accepted", _("Assignment not accepted")
    REPLY_DUE_30 = "reply_due_30", _("Reply due soon (first notice)")
    REPLY_DUE_7 = "reply_due_7", _("Reply due soon (second notice)")
    REPLY_DUE_1 = "reply_due_1", _("Reply due soon (last notice)")
    CO_OPINION_DUE_7 = "co_opinion_due_7", _("Co-handling opinion due soon")
    CO_OPINION_DUE_1 = "co_opinion_due_1", _("Co-handling opinion due soon (last notice)")
    OVERDUE = "overdue", _("Reply overdue (daily digest)")
    LONG_OVERDUE = "long_overdue", _("Reply long overdue (weekly digest)")
    RATING_NOT_GIVEN = "rating_not_given", _("Reply not rated")
    FOLLOWUP_DUE = "followup_due", _("Follow-up review (回头看) due")
    URGE = "urge", _("Urged by the proposal office (催办)")


# Milestones gathered into one message per recipient (digest) instead of one message per proposal.
DIGEST_MILESTONES = frozenset({Milestone.OVERDUE, Milestone.LONG_OVERDUE})


class ReminderKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    URGE = "urge", _("Manual urge")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("No longer due")


class Reminder(models.Model):
    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE,
                                 related_name="reminders")
    milestone = models.CharField(_("milestone"), max_length=20, choices=Milestone.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="proposal_reminders")
    # The deadline the reminder is about (reply, opinion, rating, follow-up …); for the daily and weekly
    # digests the day (or the Monday of the week) the digest is for; for an urge the day it was sent.
    due_on = models.DateField(_("due on"))
    # The handling unit whose officer the recipient is reached as (empty for officers, leaders, proposers).
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("handling unit"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices, default=ReminderKind.SCHEDULED)
    status = models.CharField(_("status"), max_length=10, choices=ReminderStatus.choices,
                              default=ReminderStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    # When a send task was last published for the row; a pending row whose task was lost (broker
    # down) is published again by the next scan once this is older than reminders.stuck_after_minutes.
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    notification = models.ForeignKey("notifications.Notification", verbose_name=_("notification"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("urged by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "milestone", "recipient", "due_on"],
                                    name="one_reminder_per_milestone_recipient_due"),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="prop_reminder_recent_idx"),
            models.Index(fields=["status", "-created_at"], name="prop_reminder_status_idx"),
            models.Index(fields=["recipient", "-created_at"], name="prop_reminder_recipient_idx"),
            models.Index(fields=["enqueued_at"], name="prop_reminder_pending_idx", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.get_milestone_display()} · {self.recipient_id} · {self.due_on}"

    @property
    def is_digest(self) -> bool:
        return self.milestone in DIGEST_MILESTONES
