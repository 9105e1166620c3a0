"""The yearly excellent-member shortlist."""

import math
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.services import audit_record

from ..models import EntryOrigin, ExcellentEntry, ExcellentShortlist, Member
from ._common import MembersError, require_perm


def _shortlist_for_update(shortlist: ExcellentShortlist) -> ExcellentShortlist:
    shortlist = ExcellentShortlist.objects.select_for_update().get(pk=shortlist.pk)
    if shortlist.is_final:
        raise MembersError(_("The shortlist is final; reopen it first."))
    return shortlist


@transaction.atomic
def shortlist_generate(*, year: int, percent: Decimal, actor) -> ExcellentShortlist:
    """Propose the year's shortlist: members whose rank lies within the top `percent` % of the
    eligible members and whose grade is excellent. Hand-made changes (additions, exclusions) are
    kept; scores and ranks are snapshots. Refused when the list is final. Audited."""
    require_perm(actor, "members.change_excellentshortlist")
    from ..scoring import Grade, annual_ranking
    from ..selectors import eligible_members_for_year

    if not (Decimal("0") < percent <= Decimal("100")):
        raise MembersError(_("The percentage must lie between 0 and 100."))
    shortlist, _created = ExcellentShortlist.objects.get_or_create(year=year, defaults={"percent": percent})
    shortlist = _shortlist_for_update(shortlist)
    ranking = annual_ranking(year=year, members=eligible_members_for_year(year))
    slots = math.floor(ranking.total * percent / Decimal(100))
    chosen = {r.id: r for r in ranking.rows if r.rank <= slots and r.grade == Grade.EXCELLENT}
    by_member = {r.id: r for r in ranking.rows}
    entries = {e.member_id: e for e in shortlist.entries.all()}
    for member_id, entry in entries.items():
        if entry.origin == EntryOrigin.AUTO and member_id not in chosen:
            entry.delete()
            continue
        snapshot = by_member.get(member_id)
        entry.score = snapshot.score if snapshot else Decimal("0")
        entry.rank = snapshot.rank if snapshot else None
        entry.save(update_fields=["score", "rank", "updated_at"])
    ExcellentEntry.objects.bulk_create([
        ExcellentEntry(shortlist=shortlist, member_id=member_id, origin=EntryOrigin.AUTO, score=row.score,
                       rank=row.rank, updated_by=actor)
        for member_id, row in chosen.items() if member_id not in entries
    ])
    shortlist.percent, shortlist.eligible_count, shortlist.slots = percent, ranking.total, slots
    shortlist.generated_at, shortlist.generated_by = timezone.now(), actor
    shortlist.save()
    audit_record(action="members.shortlist_generated", actor=actor, obj=shortlist,
                 details={"year": year, "percent": str(percent), "eligible": ranking.total, "chosen": len(chosen)})
    return shortlist


@transaction.atomic
def shortlist_add(*, shortlist: ExcellentShortlist, member: Member, reason: str, actor) -> ExcellentEntry:
    """Add a member by hand (or re-include an excluded one). A reason is required. Audited."""
    require_perm(actor, "members.change_excellentshortlist", shortlist)
    from ..scoring import annual_ranking
    from ..selectors import eligible_members_for_year

    shortlist = _shortlist_for_update(shortlist)
    if not reason.strip():
        raise MembersError(_("Give a reason for the change."))
    entry = shortlist.entries.filter(member=member).first()
    if entry is not None and not entry.excluded:
        raise MembersError(_("This member is already on the shortlist."))
    if entry is None:
        ranking = annual_ranking(year=shortlist.year, members=eligible_members_for_year(shortlist.year),
                                 member_id=member.pk)
        row = ranking.rows[0] if ranking.rows else None
        entry = ExcellentEntry(shortlist=shortlist, member=member, origin=EntryOrigin.MANUAL,
                               score=row.score if row else Decimal("0"), rank=row.rank if row else None)
    entry.excluded, entry.reason, entry.updated_by = False, reason.strip()[:200], actor
    entry.save()
    audit_record(action="members.shortlist_member_added", actor=actor, obj=shortlist,
                 details={"member": member.pk, "reason": entry.reason})
    return entry


@transaction.atomic
def shortlist_exclude(*, entry: ExcellentEntry, reason: str, actor) -> ExcellentEntry:
    """Take a member off the shortlist, keeping the decision and its reason. Audited."""
    require_perm(actor, "members.change_excellentshortlist", entry.shortlist)
    _shortlist_for_update(entry.shortlist)
    if not reason.strip():
        raise MembersError(_("Give a reason for the change."))
    entry = ExcellentEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.excluded:
        raise MembersError(_("This member is not on the shortlist."))
    entry.excluded, entry.reason, entry.updated_by = True, reason.strip()[:200], actor
    entry.save(update_fields=["excluded", "reason", "updated_by", "updated_at"])
    audit_record(action="members.shortlist_member_excluded", actor=actor, obj=entry.shortlist,
                 details={"member": entry.member_id, "reason": entry.reason})
    return entry


@transaction.atomic
def shortlist_finalize(*, shortlist: ExcellentShortlist, actor) -> ExcellentShortlist:
    """Freeze the shortlist (no regeneration or changes until reopened). Audited."""
    require_perm(actor, "members.change_excellentshortlist", shortlist)
    shortlist = _shortlist_for_update(shortlist)
    shortlist.finalized_at, shortlist.finalized_by = timezone.now(), actor
    shortlist.save(update_fields=["finalized_at", "finalized_by"])
    audit_record(action="members.shortlist_finalized", actor=actor, obj=shortlist,
                 details={"members": shortlist.entries.filter(excluded=False).count()})
    return shortlist


@transaction.atomic
def shortlist_reopen(*, shortlist: ExcellentShortlist, actor) -> ExcellentShortlist:
    """Allow changes to a final shortlist again. Audited."""
    require_perm(actor, "members.change_excellentshortlist", shortlist)
    shortlist = ExcellentShortlist.objects.select_for_update().get(pk=shortlist.pk)
    if not shortlist.is_final:
        raise MembersError(_("The shortlist is not final."))
    shortlist.finalized_at = shortlist.finalized_by = None
    shortlist.save(update_fields=["finalized_at", "finalized_by"])
    audit_record(action="members.shortlist_reopened", actor=actor, obj=shortlist)
    return shortlist
