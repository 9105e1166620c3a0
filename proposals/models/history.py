from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.workflow.models import AbstractStatusChange

from ..workflow import Status, Verb
from .proposal import Proposal


class StatusChange(AbstractStatusChange):
    """One step of a proposal's timeline (the engine's status-change row with a foreign key to the proposal).
    Rating-driven transitions have no actor, so the timeline never reveals to a handling unit who rated
    what. The columns keep the proposals table's original lengths and choices (no schema change)."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE,
                                 related_name="status_changes")
    verb = models.CharField(_("action"), max_length=25, choices=Verb.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)

    class Meta(AbstractStatusChange.Meta):
        indexes = [models.Index(fields=["proposal", "at"], name="prop_history_idx")]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.from_status} → {self.to_status} ({self.verb})"
