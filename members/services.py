"""Writes on members and the ledger. Other apps record duty events only through these services."""

from datetime import date as date_type
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import LedgerEvent, Member


def _source_fields(source: models.Model | None) -> dict:
    if source is None:
        return {"source_type": None, "source_id": ""}
    return {"source_type": ContentType.objects.get_for_model(source), "source_id": str(source.pk)}


def ledger_record_event(
    *,
    member: Member,
    kind: str,
    subkind: str,
    date: date_type,
    source: models.Model | None = None,
    note: str = "",
    points_override: Decimal | None = None,
    actor=None,
) -> LedgerEvent:
    """Record one duty event. With a source object the call is idempotent: the live event for the
    same member, kind, sub-kind and source is returned instead of a second one."""
    fields = _source_fields(source)
    if source is not None:
        existing = LedgerEvent.objects.filter(
            member=member, kind=kind, subkind=subkind, withdrawn_at__isnull=True, **fields
        ).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return LedgerEvent.objects.create(
                member=member, kind=kind, subkind=subkind, date=date, note=note[:200],
                points_override=points_override, recorded_by=actor, **fields,
            )
    except IntegrityError:
        return LedgerEvent.objects.get(member=member, kind=kind, subkind=subkind,
                                       withdrawn_at__isnull=True, **fields)


def ledger_withdraw_events(
    *,
    source: models.Model,
    member: Member | None = None,
    kind: str | None = None,
    subkind: str | None = None,
) -> int:
    """Withdraw the live events that came from `source` (e.g. a merged proposal). Returns how many."""
    qs = LedgerEvent.objects.filter(withdrawn_at__isnull=True, **_source_fields(source))
    if member is not None:
        qs = qs.filter(member=member)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if subkind is not None:
        qs = qs.filter(subkind=subkind)
    return qs.update(withdrawn_at=timezone.now())
