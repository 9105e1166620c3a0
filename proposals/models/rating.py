"""Evaluation both ways: proposers rate the handling, handling units rate the proposal's quality."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import HandlingUnit, Member

from .handling import Reply
from .proposal import Proposal


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class ContactedAnswer(models.TextChoices):
    YES = "yes", _("Yes, in person")
    PHONE = "phone", _("By telephone")
    NO = "no", _("No")


class RatingStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the rating")
    RATED = "rated", _("Rated")
    SUPERSEDED = "superseded", _("Superseded by re-handling")
    EXPIRED = "expired", _("Rating period ended")


class Rating(models.Model):
    """One proposer's rating of one approved reply. The row is created OPEN when the reply is approved
    (requested_on = basis of the rating period); only that proposer, from their own login, fills it.
    Handling units never see these rows before the proposal is closed."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE,
                                 related_name="ratings")
    reply = models.ForeignKey(Reply, verbose_name=_("reply"), on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField(_("reply round"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposer"), on_delete=models.PROTECT,
                             related_name="proposal_ratings")
    member = models.ForeignKey(Member, verbose_name=_("member"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=RatingStatus.choices,
                              default=RatingStatus.OPEN)
    requested_on = models.DateField(_("rating requested on"))
    overall = models.CharField(_("overall"), max_length=12, choices=Satisfaction.choices, blank=True)
    contacted = models.CharField(_("contacted before the reply"), max_length=5, choices=ContactedAnswer.choices,
                                 blank=True)
    on_point = models.BooleanField(_("the reply addressed the proposal"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["proposal_id", "round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "user"], name="one_rating_per_proposer_and_reply"),
            models.CheckConstraint(condition=~Q(status="rated") | ~Q(overall=""), name="rated_has_overall"),
        ]
        indexes = [
            models.Index(fields=["requested_on"], name="prop_rating_open_idx", condition=Q(status="open")),
            models.Index(fields=["user", "status"], name="prop_rating_user_idx"),
            # Satisfaction statistics: the given ratings per proposal and round, read without the table.
            models.Index(fields=["proposal", "round"], name="prop_rating_rated_idx", include=["overall"],
                         condition=Q(status="rated")),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.user} · {self.get_status_display()}"


class QualityGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class QualityRating(models.Model):
    """A handling unit's rating of the proposal's quality (one per unit)."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE,
                                 related_name="quality_ratings")
    unit = models.ForeignKey(HandlingUnit, verbose_name=_("handling unit"), on_delete=models.PROTECT,
                             related_name="+")
    grade = models.CharField(_("quality"), max_length=10, choices=QualityGrade.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rated by"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("proposal quality rating")
        verbose_name_plural = _("proposal quality ratings")
        constraints = [models.UniqueConstraint(fields=["proposal", "unit"], name="one_quality_rating_per_unit")]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.unit} · {self.get_grade_display()}"
