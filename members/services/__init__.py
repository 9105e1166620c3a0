"""Writes on members, organisations and the ledger, one module per section. Other apps record duty events
only through `ledger_record_event` / `ledger_withdraw_events`.

Conventions of every write service: keyword-only arguments; `actor` is the user acting, required, and
checked against the rules by the service itself (no superuser short-cut); refusals raise MembersError
(a DomainError with a Chinese message) and change nothing; every change writes an audit row.
Import from here (`from members.services import member_create`); the modules are not a public API.
"""

from ._common import STAFF_KINDS, DuplicateIdNumber, MembersError, MembersPermissionDenied
from .activities import activity_create, activity_set_participants
from .exports import member_export, shortlist_export
from .imports import (
    IMPORT_BATCH,
    IMPORT_STALE_AFTER_SECONDS,
    IMPORT_UPDATE_FIELDS,
    import_job_run,
    member_import_start,
)
from .ledger import (
    ledger_event_withdraw,
    ledger_record_event,
    ledger_record_single,
    ledger_rule_create,
    ledger_rule_update,
    ledger_withdraw_events,
)
from .meetings import meeting_create, meeting_eligible_members, meeting_record_attendance
from .records import MEMBER_FIELDS, member_create, member_derive_names, member_reveal_personal_data, member_update
from .shortlist import (
    shortlist_add,
    shortlist_exclude,
    shortlist_finalize,
    shortlist_generate,
    shortlist_reopen,
)
from .units import check_unit_officers, handling_unit_save
from .visits import visit_record, visit_update

__all__ = [
    "IMPORT_BATCH", "IMPORT_STALE_AFTER_SECONDS", "IMPORT_UPDATE_FIELDS", "MEMBER_FIELDS", "STAFF_KINDS",
    "DuplicateIdNumber", "MembersError", "MembersPermissionDenied", "activity_create", "activity_set_participants",
    "check_unit_officers",
    "handling_unit_save", "import_job_run", "ledger_event_withdraw", "ledger_record_event", "ledger_record_single",
    "ledger_rule_create", "ledger_rule_update", "ledger_withdraw_events", "meeting_create",
    "meeting_eligible_members", "meeting_record_attendance", "member_create", "member_derive_names", "member_export",
    "member_import_start", "member_reveal_personal_data", "member_update", "shortlist_add", "shortlist_exclude",
    "shortlist_export", "shortlist_finalize", "shortlist_generate", "shortlist_reopen", "visit_record",
    "visit_update",
]
