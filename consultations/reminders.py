"""Overdue outcomes: a periodic scan over the stored due dates (never an ETA task). For each open outcome past
its due date, one OutcomeReminder row per responsible officer and due date is inserted (ON CONFLICT DO
NOTHING), then every row not yet notified becomes one in-app notification with a dedupe key — so a repeated
scan, a second worker or a scan after a lost task sends nothing twice, and a lost scan is caught up by the
next one. E-mail and SMS follow the recipient's preferences (instant, or the daily digest)."""

from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.accounts.roles import Role
from zhongyuan_cppcc.notifications.services import notify

from .models import OfficerStreet, Outcome, OutcomeReminder
from .workflow import OPEN_OUTCOME_STATUSES

CHUNK = 1000
KIND = "consultations.outcome_overdue"


@dataclass
class ScanResult:
    created: int = 0
    notified: int = 0


def _officers() -> tuple[list[int], dict[int, list[int]]]:
    """District-wide consultation officers, and each street's officers."""
    active = get_user_model().objects.filter(groups__name=Role.CONSULTATION_OFFICER.value, is_active=True)
    by_street: dict[int, list[int]] = {}
    for user_id, street_id in OfficerStreet.objects.filter(user__in=active).values_list("user_id", "street_id"):
        by_street.setdefault(street_id, []).append(user_id)
    attached = {uid for ids in by_street.values() for uid in ids}
    district = [uid for uid in active.values_list("pk", flat=True).distinct() if uid not in attached]
    return district, by_street


def overdue_scan(*, today: date | None = None) -> ScanResult:
    today = today or timezone.localdate()
    result = ScanResult()
    district, by_street = _officers()
    candidates = (Outcome.objects.filter(status__in=OPEN_OUTCOME_STATUSES, due_on__lt=today)
                  .values_list("pk", "due_on", "session__street_id").order_by("pk").iterator(chunk_size=CHUNK))
    while chunk := list(islice(candidates, CHUNK)):
        rows = [OutcomeReminder(outcome_id=pk, recipient_id=user_id, due_on=due_on)
                for pk, due_on, street_id in chunk for user_id in {*district, *by_street.get(street_id, [])}]
        OutcomeReminder.objects.bulk_create(rows, ignore_conflicts=True)
    pending = list(OutcomeReminder.objects.filter(notified_at__isnull=True).values_list("pk", flat=True))
    result.created = len(pending)
    for reminder_id in pending:
        if _notify(reminder_id):
            result.notified += 1
    return result


def _notify(reminder_id: int) -> bool:
    with transaction.atomic():
        reminder = (OutcomeReminder.objects.select_for_update(skip_locked=True)
                    .select_related("outcome__session", "recipient")
                    .filter(pk=reminder_id, notified_at__isnull=True).first())
        if reminder is None:
            return False
        outcome = reminder.outcome
        notify(recipient=reminder.recipient, kind=KIND, target=outcome,
               title=_("Consultation outcome overdue: %(text)s") % {"text": outcome.text[:40]},
               body=_("Due on %(due)s, responsible: %(who)s. Session: %(session)s.") % {
                   "due": reminder.due_on.isoformat(), "who": outcome.responsible or "—",
                   "session": outcome.session.title},
               url=reverse("consultations:outcome-detail", args=[outcome.pk]),
               dedupe_key=f"consult-overdue:{outcome.pk}:{reminder.recipient_id}:{reminder.due_on.isoformat()}")
        OutcomeReminder.objects.filter(pk=reminder.pk).update(notified_at=timezone.now())
    return True
