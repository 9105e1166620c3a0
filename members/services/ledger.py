"""The duty ledger. Other apps record duty events only through `ledger_record_event` /
`ledger_withdraw_events`; staff record single events and keep the points rules."""

from datetime import date as date_type
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.services import audit_record

from ..models import Activity, LedgerEvent, LedgerKind, LedgerRule, Member
from ..scoring import store_scores, store_scores_of_events
from ._common import STAFF_KINDS, MembersError, _check_staff_kind, _source_fields, _str_or_none, require_perm


def ledger_record_event(
    *,
    member: Member,
    kind: str,
    subkind: str,
    date: date_type,
    source: models.Model | None = None,
    note: str = "",
    points_override: Decimal | None = None,
    actor,
) -> LedgerEvent:
    """Record one duty event. With a source object the call is idempotent: the live event for the
    same member, kind, sub-kind and source is returned instead of a second one. A new event is
    audited. Points are not stored: they come from the rules when scores are computed.

    Who may: the module that owns `source` records the events of its own verbs (a proposal, opinion,
    consultation or supervision event with its source object): the calling service has already checked
    the actor's right to the verb that earns the points, and `actor` (None for a scheduled job) is
    recorded. Anything else — an event without a source, or a staff or meeting kind — is a staff
    recording and needs members.add_ledgerevent (else MembersPermissionDenied)."""
    if kind not in LedgerKind.values:
        raise ValueError(f"unknown ledger kind {kind!r}")
    if source is None or kind in (*STAFF_KINDS, LedgerKind.MEETING):
        require_perm(actor, "members.add_ledgerevent", member)
    fields = _source_fields(source)
    if source is not None:
        existing = LedgerEvent.objects.filter(
            member=member, kind=kind, subkind=subkind, withdrawn_at__isnull=True, **fields
        ).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            event = LedgerEvent.objects.create(
                member=member, kind=kind, subkind=subkind, date=date, note=note[:200],
                points_override=points_override, recorded_by=actor, **fields,
            )
            store_scores(member_ids=[member.pk], years=[date.year])
    except IntegrityError:
        return LedgerEvent.objects.get(member=member, kind=kind, subkind=subkind,
                                       withdrawn_at__isnull=True, **fields)
    audit_record(action="members.ledger_event_recorded", actor=actor, obj=event,
                 details={"kind": kind, "subkind": subkind, "date": date.isoformat(),
                          "source": f"{fields['source_type'].model}:{fields['source_id']}"
                          if source is not None else ""})
    return event


def ledger_withdraw_events(
    *,
    source: models.Model,
    member: Member | None = None,
    kind: str | None = None,
    subkind: str | None = None,
    actor=None,
) -> int:
    """Withdraw the live events that came from `source` (e.g. a merged proposal). Returns how many.
    Withdrawn events stay in the table (marked) and stop counting; audited (with `actor` when given)
    when any were live. Called only by the source's own module, from a service that has checked the
    actor's right to the verb that takes the points away."""
    qs = LedgerEvent.objects.filter(withdrawn_at__isnull=True, **_source_fields(source))
    if member is not None:
        qs = qs.filter(member=member)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if subkind is not None:
        qs = qs.filter(subkind=subkind)
    with transaction.atomic():
        touched = set(qs.values_list("member_id", "date"))
        count = qs.update(withdrawn_at=timezone.now())
        store_scores_of_events(touched)
    if count:
        audit_record(action="members.ledger_events_withdrawn", actor=actor, obj=source,
                     details={"count": count, "member": member.pk if member else None,
                              "kind": kind or "", "subkind": subkind or ""})
    return count


@transaction.atomic
def ledger_record_single(*, member: Member, kind: str, subkind: str, date: date_type, note: str = "",
                         actor) -> LedgerEvent:
    """Staff record one study, research, visit or contribution event for one member. Audited."""
    require_perm(actor, "members.add_ledgerevent", member)
    _check_staff_kind(kind, subkind)
    if date > timezone.localdate():
        raise MembersError(_("The date lies in the future."))
    return ledger_record_event(member=member, kind=kind, subkind=subkind, date=date, note=note, actor=actor)


@transaction.atomic
def ledger_event_withdraw(*, event: LedgerEvent, reason: str, actor) -> LedgerEvent:
    """Withdraw one event staff recorded directly (meeting events change through attendance, other
    modules' events through their source). Audited with the reason."""
    require_perm(actor, "members.add_ledgerevent", event.member)
    event = LedgerEvent.objects.select_for_update().get(pk=event.pk)
    if event.withdrawn_at is not None:
        raise MembersError(_("This event has already been withdrawn."))
    activity_type = ContentType.objects.get_for_model(Activity)
    if event.source_type_id not in (None, activity_type.pk):
        raise MembersError(_("This event comes from another module and is withdrawn there."))
    event.withdrawn_at = timezone.now()
    event.save(update_fields=["withdrawn_at"])
    store_scores(member_ids=[event.member_id], years=[event.date.year])
    audit_record(action="members.ledger_event_withdrawn", actor=actor, obj=event, details={"reason": reason[:200]})
    return event


@transaction.atomic
def ledger_rule_update(*, rule: LedgerRule, label: str, points: Decimal, annual_cap: Decimal | None,
                       unit: str, actor) -> LedgerRule:
    """Change a points rule. Scores are derived, so every year is recomputed from now on. Audited
    with the values before and after."""
    require_perm(actor, "members.change_ledgerrule", rule)
    rule = LedgerRule.objects.select_for_update().get(pk=rule.pk)
    if annual_cap is not None and annual_cap < 0:
        raise MembersError(_("The annual cap cannot be negative."))
    before = {"label": rule.label, "points": str(rule.points), "annual_cap": _str_or_none(rule.annual_cap),
              "unit": rule.unit}
    rule.label, rule.points, rule.annual_cap, rule.unit = label, points, annual_cap, unit
    rule.save()
    _rescore_subkind(rule.kind, rule.subkind)
    after = {"label": label, "points": str(points), "annual_cap": _str_or_none(annual_cap), "unit": unit}
    audit_record(action="members.ledger_rule_changed", actor=actor, obj=rule,
                 details={"before": before, "after": after})
    return rule


@transaction.atomic
def ledger_rule_create(*, kind: str, subkind: str, label: str, points: Decimal, annual_cap: Decimal | None,
                       unit: str, actor) -> LedgerRule:
    """Add a points rule for a new sub-kind (unique per kind). Audited."""
    require_perm(actor, "members.add_ledgerrule")
    if kind not in LedgerKind.values:
        raise MembersError(_("Unknown kind of event."))
    if LedgerRule.objects.filter(kind=kind, subkind=subkind).exists():
        raise MembersError(_("A rule for this kind and sub-kind already exists."))
    if annual_cap is not None and annual_cap < 0:
        raise MembersError(_("The annual cap cannot be negative."))
    rule = LedgerRule.objects.create(kind=kind, subkind=subkind, label=label, points=points,
                                     annual_cap=annual_cap, unit=unit)
    _rescore_subkind(kind, subkind)
    audit_record(action="members.ledger_rule_created", actor=actor, obj=rule,
                 details={"kind": kind, "subkind": subkind, "points": str(points)})
    return rule


def _rescore_subkind(kind: str, subkind: str) -> None:
    """A rule's points or cap changed: store again the scores of every member with live events of the
    rule's kind and sub-kind, in every year they have some (in the rule change's transaction)."""
    pairs = (LedgerEvent.objects.filter(kind=kind, subkind=subkind, withdrawn_at__isnull=True)
             .annotate(year=ExtractYear("date")).values_list("member_id", "year").distinct())
    store_scores_of_events(set(pairs))
