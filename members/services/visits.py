"""Visits to members outside the CPC."""

from datetime import date as date_type

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.services import audit_record

from ..models import Member, Visit
from ._common import MembersError, require_perm


def _check_visit(member: Member, visit_date: date_type) -> None:
    if member.party.is_cpc:
        raise MembersError(_("Visits are recorded for members outside the CPC only."))
    if visit_date > timezone.localdate():
        raise MembersError(_("The visit date lies in the future."))


@transaction.atomic
def visit_record(*, member: Member, date: date_type, visitors: str, purpose: str, notes: str = "",
                 actor) -> Visit:
    """Record a visit to a member outside the CPC (else MembersError). Audited."""
    require_perm(actor, "members.add_visit", member)
    _check_visit(member, date)
    visit = Visit.objects.create(member=member, date=date, visitors=visitors.strip()[:200],
                                 purpose=purpose.strip()[:200], notes=notes, recorded_by=actor)
    audit_record(action="members.visit_recorded", actor=actor, obj=visit)
    return visit


@transaction.atomic
def visit_update(*, visit: Visit, member: Member, date: date_type, visitors: str, purpose: str,
                 notes: str = "", actor) -> Visit:
    """Correct a recorded visit (same rules as recording). Audited."""
    require_perm(actor, "members.change_visit", visit)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _check_visit(member, date)
    visit.member, visit.date, visit.visitors, visit.purpose, visit.notes = (
        member, date, visitors.strip()[:200], purpose.strip()[:200], notes)
    visit.save(update_fields=["member", "date", "visitors", "purpose", "notes"])
    audit_record(action="members.visit_changed", actor=actor, obj=visit)
    return visit
