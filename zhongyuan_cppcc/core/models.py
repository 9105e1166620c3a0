from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a periodic task ran (name 'beat': proves that beat and a worker are alive)."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    last_run = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.last_run:%Y-%m-%d %H:%M:%S}"


class SystemParameter(models.Model):
    """A business number staff may change without a deploy (deadlines, milestones, points)."""

    key = models.CharField(_("key"), max_length=100, primary_key=True)
    value = models.JSONField(_("value"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("system parameter")
        verbose_name_plural = _("system parameters")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class DemoDataset(models.Model):
    """Marks a demo data set as loaded, so that loading demo data twice changes nothing."""

    name = models.CharField(max_length=50, primary_key=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demo data set")
        verbose_name_plural = _("demo data sets")

    def __str__(self) -> str:
        return self.name
