"""Handling units and their officer accounts."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.services import audit_record

from ..models import HandlingUnit, Street
from ._common import MembersError, require_perm


def check_unit_officers(officers: Iterable) -> None:
    """Refuse (MembersError) officer accounts without the handling-unit officer role."""
    if any(not u.has_role("handler") for u in officers):
        raise MembersError(_("Unit officers must hold the handling-unit officer role."))


@transaction.atomic
def handling_unit_save(*, unit: HandlingUnit | None, name: str, kind: str, street: Street | None,
                       contact_phone: str, is_active: bool, officers: Iterable, actor,
                       order: int | None = None) -> HandlingUnit:
    """Create (unit=None) or change a handling unit and its officer accounts; officers must hold the
    handler role. `order` (the admin's list position) is kept unless given. Audited with the officer list."""
    require_perm(actor, "members.add_handlingunit" if unit is None else "members.change_handlingunit", unit)
    officers = list(officers)
    check_unit_officers(officers)
    name = name.strip()
    clash = HandlingUnit.objects.filter(name=name)
    if unit is not None:
        unit = HandlingUnit.objects.select_for_update().get(pk=unit.pk)
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise MembersError(_("A handling unit with this name already exists."))
    created = unit is None
    unit = unit or HandlingUnit()
    unit.name, unit.kind, unit.street, unit.contact_phone, unit.is_active = (
        name, kind, street, contact_phone, is_active)
    if order is not None:
        unit.order = order
    unit.save()
    unit.officers.set(officers)
    audit_record(action="members.unit_created" if created else "members.unit_changed", actor=actor, obj=unit,
                 details={"officers": sorted(u.username for u in officers)})
    return unit
