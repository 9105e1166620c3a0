"""The proposal office's reminders page (what was sent, to whom, when, failures, what is due next)
and the manual urge (催办)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from zhongyuan_cppcc.core.params import safe_next_url
from zhongyuan_cppcc.lists.page_cache import kept_page
from zhongyuan_cppcc.lists.views import export_form_context
from zhongyuan_cppcc.notifications.models import Delivery, DeliveryStatus

from ..errors import ProposalError
from ..models import Milestone, Proposal, Reminder, ReminderKind, ReminderStatus
from ..reminders.milestones import REPLY_NOTICES, load_settings, notice_windows
from ..reminders.sending import proposal_urge
from ..workflow import DEADLINE_STATUSES

FAILURES = "failures"


def _can_read(user) -> bool:
    return user.has_perm("proposals.view_reminders")


def _can_urge(user) -> bool:
    return user.has_perm("proposals.urge_proposals")


class ReminderFilter(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("All")), *ReminderStatus.choices,
                                        (FAILURES, gettext_lazy("Any failure (also e-mail/SMS)"))])
    milestone = forms.ChoiceField(label=gettext_lazy("Milestone"), required=False,
                                  choices=[("", gettext_lazy("All")), *Milestone.choices])
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False,
                             choices=[("", gettext_lazy("All")), *ReminderKind.choices])
    q = forms.CharField(label=gettext_lazy("Proposal or recipient"), required=False, max_length=50)
    proposal = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


def _reminders(flt: dict):
    failed_delivery = Delivery.objects.filter(notification_id=OuterRef("notification_id")).filter(
        Q(status=DeliveryStatus.FAILED) | ~Q(last_error=""))
    qs = Reminder.objects.select_related("proposal", "recipient", "unit", "created_by", "notification")
    if flt.get("status") == FAILURES:
        qs = qs.filter(Q(status=ReminderStatus.FAILED) | Exists(failed_delivery))
    elif flt.get("status"):
        qs = qs.filter(status=flt["status"])
    if flt.get("milestone"):
        qs = qs.filter(milestone=flt["milestone"])
    if flt.get("proposal"):
        qs = qs.filter(proposal_id=flt["proposal"])
    if flt.get("kind"):
        qs = qs.filter(kind=flt["kind"])
    if text := (flt.get("q") or "").strip():
        qs = qs.filter(Q(proposal__number__icontains=text) | Q(proposal__title__icontains=text)
                       | Q(recipient__full_name__icontains=text) | Q(recipient__username__iexact=text))
    return qs.order_by("-created_at", "-id")


def _due_next(today, limit: int = 30):
    """Open reply deadlines, soonest (and most overdue) first, with the next reminder each will get."""
    cfg = load_settings()
    horizon = today + timedelta(days=max(cfg.reply_due_days or (30,)) + 1)
    rows = list(Proposal.objects.filter(status__in=DEADLINE_STATUSES, reply_due_on__lte=horizon)
                .select_related("lead_unit").order_by("reply_due_on", "pk")[:limit])
    windows = sorted(notice_windows(cfg.reply_due_days, REPLY_NOTICES, today), key=lambda w: -w.days)
    for p in rows:
        p.days_overdue = (today - p.reply_due_on).days
        p.next_label, p.next_on = "", None
        if p.reply_due_on < today:
            p.next_label, p.next_on = Milestone.OVERDUE.label, today
            continue
        # The earliest notice dated today or later (the last notice once all dates have passed).
        for w in windows:
            fire_on = p.reply_due_on - timedelta(days=w.days)
            if fire_on >= today or w is windows[-1]:
                p.next_label, p.next_on = Milestone(w.milestone).label, max(fire_on, today)
                break
    return rows


@require_GET
@kept_page
def reminder_list(request):
    if not _can_read(request.user):
        raise PermissionDenied
    form = ReminderFilter(request.GET or None)
    flt = form.cleaned_data if form.is_valid() else {}
    deliveries = Prefetch("notification__deliveries", queryset=Delivery.objects.order_by("channel"))
    page = Paginator(_reminders(flt).prefetch_related(deliveries), 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    counts = Reminder.objects.aggregate(**{s: Count("pk", filter=Q(status=s))
                                           for s in (ReminderStatus.PENDING, ReminderStatus.FAILED)})
    query = urlencode({k: v for k, v in (flt or {}).items() if v})
    return render(request, "proposals/reminders/reminder_list.html", {
        "form": form, "page_obj": page, "reminders": page.object_list, "query_string": query,
        "due_next": _due_next(today), "today": today, "can_urge": _can_urge(request.user),
        "counts": counts,
        **export_form_context(request, "proposals:reminders-export", "proposals.view_reminders"),
    })


class _UrgeForm(forms.Form):
    note = forms.CharField(required=False, max_length=500)


@require_POST
def proposal_urge_view(request, pk: int):
    if not _can_urge(request.user):
        raise PermissionDenied
    proposal = get_object_or_404(Proposal, pk=pk)
    form = _UrgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note was not valid (at most 500 characters, no control characters). "
                                  "Nothing was sent."))
        return HttpResponseRedirect(safe_next_url(request, reverse("proposals:reminders")))
    note = form.cleaned_data["note"]
    try:
        count = proposal_urge(actor=request.user, proposal=proposal, note=note)
    except ProposalError as exc:
        messages.error(request, str(exc))
    else:
        if count:
            messages.success(request, _("Urged: %(count)d officers of the handling units will be reminded.")
                             % {"count": count})
        else:
            messages.info(request, _("This proposal was already urged today; nothing more was sent."))
    return HttpResponseRedirect(safe_next_url(request, reverse("proposals:reminders")))
