from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..workflow import Status, Verb
from .proposal import Proposal


class StatusChange(models.Model):
    """One step of a proposal's timeline: a verb with its actor, time and note (from == to for verbs
    that leave the status unchanged). Rating-driven transitions have no actor, so the timeline never
    reveals to a handling unit who rated what."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE,
                                 related_name="status_changes")
    verb = models.CharField(_("action"), max_length=25, choices=Verb.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["proposal", "at"], name="prop_history_idx")]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.from_status} → {self.to_status} ({self.verb})"
