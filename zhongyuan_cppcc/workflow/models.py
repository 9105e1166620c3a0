from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AbstractStatusChange(models.Model):
    """One step of an object's timeline: a verb with its actor, time and note (from == to for verbs that
    leave the status unchanged). Each app concretises it with a foreign key to its object, named in the
    workflow's `history=("app.Model", "fk_name")`; one table per app keeps the foreign keys real and the
    timeline query on one index."""

    verb = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=30)
    to_status = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        abstract = True
        ordering = ["at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.verb})"
