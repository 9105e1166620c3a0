"""Plenary and standing-committee meetings and their attendance."""

from datetime import date as date_type

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.services import audit_record

from ..models import (
    Attendance,
    AttendanceStatus,
    LedgerEvent,
    LedgerKind,
    Meeting,
    MeetingKind,
    Member,
    MemberStatus,
    PlenarySession,
    Term,
)
from ..scoring import store_scores
from ._common import MembersError, _source_fields, require_perm


def meeting_eligible_members(meeting: Meeting) -> models.QuerySet[Member]:
    """Who is expected at the meeting: serving members of its term (standing-committee members for
    a standing-committee meeting)."""
    qs = Member.objects.filter(term_memberships__term=meeting.term, status=MemberStatus.SERVING)
    if meeting.kind == MeetingKind.STANDING:
        qs = qs.filter(is_standing_committee=True)
    return qs


@transaction.atomic
def meeting_create(*, kind: str, title: str, date: date_type, term: Term,
                   plenary_session: PlenarySession | None = None, location: str = "", actor) -> Meeting:
    """Create a plenary or standing-committee meeting of a term. Audited."""
    require_perm(actor, "members.add_meeting")
    if kind not in MeetingKind.values:
        raise MembersError(_("Unknown kind of meeting."))
    if not (term.starts_on <= date <= term.ends_on):
        raise MembersError(_("The meeting date lies outside the term."))
    if plenary_session is not None and plenary_session.term_id != term.pk:
        raise MembersError(_("The plenary session belongs to another term."))
    meeting = Meeting.objects.create(kind=kind, title=title.strip(), date=date, term=term,
                                     plenary_session=plenary_session, location=location, created_by=actor)
    audit_record(action="members.meeting_created", actor=actor, obj=meeting)
    return meeting


@transaction.atomic
def meeting_record_attendance(*, meeting: Meeting, statuses: dict[int, str], actor) -> int:
    """Record attendance (member pk -> attended/excused/absent) for members expected at the meeting.
    Each change replaces the member's ledger event for this meeting. Returns how many changed; audited."""
    require_perm(actor, "members.change_meeting", meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.date > timezone.localdate():
        raise MembersError(_("Attendance can be recorded once the meeting has taken place."))
    wanted = {int(pk): status for pk, status in statuses.items() if status}
    if any(status not in AttendanceStatus.values for status in wanted.values()):
        raise MembersError(_("Unknown attendance status."))
    eligible = {m.pk: m for m in meeting_eligible_members(meeting).filter(pk__in=wanted)}
    strangers = set(wanted) - set(eligible)
    if strangers:
        raise MembersError(_("Some of these members are not expected at this meeting."))
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting, member_id__in=wanted)}
    changed, touched = 0, []
    for pk, status in wanted.items():
        attendance = existing.get(pk)
        if attendance is not None and attendance.status == status:
            continue
        member = eligible[pk]
        if attendance is None:
            Attendance.objects.create(meeting=meeting, member=member, status=status, recorded_by=actor)
        else:
            attendance.status, attendance.recorded_by = status, actor
            attendance.save(update_fields=["status", "recorded_by", "updated_at"])
            LedgerEvent.objects.filter(member=member, withdrawn_at__isnull=True,
                                       **_source_fields(meeting)).update(withdrawn_at=timezone.now())
        LedgerEvent.objects.create(member=member, kind=LedgerKind.MEETING,
                                   subkind=Meeting.subkind_for(meeting.kind, status), date=meeting.date,
                                   note=meeting.title[:200], recorded_by=actor, **_source_fields(meeting))
        changed += 1
        touched.append(member.pk)
    store_scores(member_ids=touched, years=[meeting.date.year])
    if changed:
        audit_record(action="members.attendance_recorded", actor=actor, obj=meeting, details={"changed": changed})
    return changed
