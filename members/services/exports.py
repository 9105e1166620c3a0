"""Exports (sensitive reads: audited)."""

from django.core.exceptions import PermissionDenied
from django.db import models

from zhongyuan_cppcc.audit.models import Outcome
from zhongyuan_cppcc.audit.services import audit_record

from ..models import ExcellentShortlist, Member

# --- Exports (sensitive reads: audited) ---------------------------------------------------------------


def member_export(*, members: models.QuerySet[Member], actor, full: bool = False,
                  filters: dict | None = None, progress=None) -> tuple[bytes, int]:
    """An .xlsx of `members` (already scoped to the actor). Masked unless `full`, which needs
    members.view_full_personal_data (else PermissionDenied). Every export is audited. Returns
    (content, row count); `progress(done, total)` is called while writing (background exports)."""
    from ..exporting import members_workbook

    if full and not actor.has_perm("members.view_full_personal_data"):
        audit_record(action="members.exported", actor=actor, object_type="members.member",
                     outcome=Outcome.DENIED, details={"full_personal_data": True})
        raise PermissionDenied
    content, count = members_workbook(members, full=full, progress=progress)
    audit_record(action="members.exported", actor=actor, object_type="members.member",
                 details={"rows": count, "full_personal_data": full, "filters": filters or {}})
    return content, count


def shortlist_export(*, shortlist: ExcellentShortlist, actor) -> bytes:
    """The shortlist as .xlsx (names, units, scores; no personal numbers). Audited."""
    from ..exporting import shortlist_workbook

    content = shortlist_workbook(shortlist)
    audit_record(action="members.shortlist_exported", actor=actor, obj=shortlist)
    return content
