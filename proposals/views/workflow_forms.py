"""Small screen-level forms of the detail page that proposals/forms.py does not cover."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..forms import _text
from ..models import REASON_MAX_CHARS, Proposal
from ..services.review import MERGE_TARGET_STATUSES


class MergeTargetForm(forms.Form):
    """Merge into the main proposal named by its number (exact) or its title (exact, or a unique part of it)."""

    target = forms.CharField(label=_("Main proposal (number or title)"), max_length=200, strip=True,
                             help_text=_("The proposal this one is merged into: its number, e.g. "
                                         "第十届第三次会议第0012号, or its title."))
    note = _text(_("Note (optional)"), REASON_MAX_CHARS, rows=2)

    def __init__(self, *args, proposal: Proposal, **kwargs):
        self.proposal = proposal
        super().__init__(*args, **kwargs)

    def clean_target(self):
        text = self.cleaned_data["target"]
        candidates = Proposal.objects.filter(submitted_at__isnull=False).exclude(pk=self.proposal.pk)
        matches = list(candidates.filter(Q(number=text) | Q(title=text)).order_by("-pk")[:2])
        if not matches:
            matches = list(candidates.filter(title__icontains=text, status__in=MERGE_TARGET_STATUSES)
                           .order_by("-pk")[:2])
        if not matches:
            raise forms.ValidationError(_("No other submitted proposal has this number or title."))
        if len(matches) > 1:
            raise forms.ValidationError(_("Several proposals match; give the main proposal's number."))
        main = matches[0]
        if main.status not in MERGE_TARGET_STATUSES:
            raise forms.ValidationError(
                _("%(proposal)s is “%(status)s”: proposals can only be merged into one that is submitted, "
                  "registered or being handled.") % {"proposal": main, "status": main.get_status_display()})
        return main

