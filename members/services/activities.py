"""Activities (study sessions, research trips, visits, contributions) and their participants."""

from collections.abc import Iterable
from datetime import date as date_type

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.services import audit_record

from ..models import Activity, LedgerEvent, Member
from ..scoring import store_scores
from ._common import MembersError, _check_staff_kind, _source_fields, require_perm


@transaction.atomic
def activity_create(*, kind: str, subkind: str, title: str, date: date_type, participants: Iterable[Member],
                    notes: str = "", actor) -> Activity:
    """Record a study session, research trip, inspection, visit or contribution with its participants;
    each participant gets a ledger event. Audited."""
    require_perm(actor, "members.add_activity")
    _check_staff_kind(kind, subkind)
    participants = list(participants)
    if not participants:
        raise MembersError(_("Choose at least one participant."))
    if date > timezone.localdate():
        raise MembersError(_("The date lies in the future."))
    activity = Activity.objects.create(kind=kind, subkind=subkind, title=title.strip(), date=date, notes=notes,
                                       created_by=actor)
    source = _source_fields(activity)
    LedgerEvent.objects.bulk_create([
        LedgerEvent(member=m, kind=kind, subkind=subkind, date=date, note=activity.title[:200], recorded_by=actor,
                    **source)
        for m in participants
    ])
    store_scores(member_ids=[m.pk for m in participants], years=[date.year])
    audit_record(action="members.activity_recorded", actor=actor, obj=activity,
                 details={"kind": kind, "subkind": subkind, "participants": len(participants)})
    return activity


@transaction.atomic
def activity_set_participants(*, activity: Activity, participants: Iterable[Member], actor) -> Activity:
    """Make the activity's participants exactly `participants`: new ones get an event, removed ones
    have theirs withdrawn. Audited."""
    require_perm(actor, "members.change_activity", activity)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    wanted = {m.pk: m for m in participants}
    source = _source_fields(activity)
    live = LedgerEvent.objects.filter(withdrawn_at__isnull=True, **source)
    current = set(live.values_list("member_id", flat=True))
    removed = current - set(wanted)
    if removed:
        live.filter(member_id__in=removed).update(withdrawn_at=timezone.now())
    added = [wanted[pk] for pk in wanted if pk not in current]
    LedgerEvent.objects.bulk_create([
        LedgerEvent(member=m, kind=activity.kind, subkind=activity.subkind, date=activity.date,
                    note=activity.title[:200], recorded_by=actor, **source)
        for m in added
    ])
    store_scores(member_ids=[*removed, *(m.pk for m in added)], years=[activity.date.year])
    audit_record(action="members.activity_participants_changed", actor=actor, obj=activity,
                 details={"added": len(added), "removed": len(removed)})
    return activity
