"""Sending: one task per reminder row, one digest per recipient, the manual urge (催办).

Exactly once: the sender locks its row(s) (SELECT … FOR UPDATE SKIP LOCKED) and re-reads the status
inside one transaction with the in-app notification (whose dedupe key is the row) and the status change.
A redelivered, retried or duplicated task finds the row sent (or locked) and sends nothing; a worker
killed half-way rolls the whole transaction back, so the redelivered task sends it once. E-mail and SMS
are the foundation's deliveries of that notification (by the user's instant/digest preference), with
their own claim and bounded retry; their failures show on the reminders page."""

import logging
from datetime import date, datetime

from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.accounts.roles import Role
from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.notifications.services import absolute_url, notify
from zhongyuan_cppcc.workflow.services import check, lock

from .. import deadlines
from ..errors import NotReady, ProposalPermissionDenied
from ..models import (
    DIGEST_MILESTONES,
    Assignment,
    AssignmentAnswer,
    AssignmentRole,
    Milestone,
    Proposal,
    Rating,
    RatingStatus,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from ..services._common import label, proposal_url
from ..workflow import DEADLINE_STATUSES, TERMINAL_STATUSES, WORKFLOW, Status, Verb
from .milestones import CO_OPINION_NOTICES, REPLY_NOTICES, load_settings, notice_days, working_due_dates
from .scan import FOLLOWUP_EXCLUDED

logger = logging.getLogger(__name__)

DIGEST_LINES = 50


# --- Is the reminder still due when it is sent? -------------------------------------------------------


def _working_due(basis: date, days: int) -> date:
    return working_due_dates(basis, basis, days)[basis]


def still_due(row: Reminder, today: date) -> bool:
    """False when the milestone no longer applies (the proposal moved on, the deadline changed, the
    calendar moved the date): the row is then cancelled instead of sent."""
    proposal: Proposal = row.proposal
    if not row.recipient.is_active:
        return False
    m = row.milestone
    if m == Milestone.FOLLOWUP_DUE:
        return (proposal.status not in FOLLOWUP_EXCLUDED and proposal.followup_done_at is None
                and proposal.followup_due_on == row.due_on)
    if proposal.status in TERMINAL_STATUSES:
        return False
    if m == Milestone.URGE:
        return True
    if m in REPLY_NOTICES:
        return proposal.status in DEADLINE_STATUSES and proposal.reply_due_on == row.due_on
    if m in DIGEST_MILESTONES:
        return proposal.status in DEADLINE_STATUSES and proposal.reply_due_on is not None and \
            proposal.reply_due_on < today
    if m == Milestone.NOT_ACCEPTED:
        cfg = load_settings()
        assigned_on = (Assignment.objects.filter(proposal=proposal, unit_id=row.unit_id, superseded_at__isnull=True,
                                                 answer=AssignmentAnswer.PENDING)
                       .values_list("assigned_on", flat=True).first())
        return (proposal.status in DEADLINE_STATUSES and assigned_on is not None
                and _working_due(assigned_on, cfg.accept_working_days) == row.due_on)
    if m in CO_OPINION_NOTICES:
        return proposal.status in DEADLINE_STATUSES and Assignment.objects.filter(
            proposal=proposal, unit_id=row.unit_id, role=AssignmentRole.CO, superseded_at__isnull=True,
            opinion_submitted_at__isnull=True, opinion_due_on=row.due_on).exists()
    if m == Milestone.RATING_NOT_GIVEN:
        cfg = load_settings()
        requested_on = (Rating.objects.filter(proposal=proposal, user_id=row.recipient_id, status=RatingStatus.OPEN)
                        .values_list("requested_on", flat=True).first())
        return (proposal.status == Status.REPLIED and requested_on is not None
                and _working_due(requested_on, cfg.rating_working_days) == row.due_on)
    return False


# --- Messages ------------------------------------------------------------------------------------------


def message_for(row: Reminder, today: date | None = None) -> tuple[str, str]:
    """(title, body): what is due, when, how the deadline was computed, and the link.

    A notice sent late (caught up after an outage) never announces a past date as still to come."""
    proposal = row.proposal
    name = label(proposal)
    due = row.due_on.isoformat()
    m = row.milestone
    cfg = load_settings()
    late = (today or timezone.localdate()) - row.due_on
    past = {"due": due, "proposal": name, "late": late.days}
    if m in REPLY_NOTICES and late.days > 0:
        title = _("Reply overdue since %(due)s: %(proposal)s") % past
        what = _("The reply to this proposal was due on %(due)s, %(late)d days ago.") % past
        how = deadlines.explain_reply_deadline(proposal)
    elif m in REPLY_NOTICES:
        days = notice_days(cfg.reply_due_days, REPLY_NOTICES, m)
        title = _("Reply due on %(due)s: %(proposal)s") % {"due": due, "proposal": name}
        what = _("The reply to this proposal is due on %(due)s (notice %(days)d days before the deadline).") % {
            "due": due, "days": days or 0}
        how = deadlines.explain_reply_deadline(proposal)
    elif m in CO_OPINION_NOTICES:
        if late.days > 0:
            title = _("Co-handling opinion overdue since %(due)s: %(proposal)s") % past
            what = _("Your unit's co-handling opinion to the lead unit was due on %(due)s, %(late)d days "
                     "ago.") % past
        else:
            title = _("Co-handling opinion due on %(due)s: %(proposal)s") % {"due": due, "proposal": name}
            what = _("Your unit's co-handling opinion to the lead unit is due on %(due)s.") % {"due": due}
        assignment = Assignment.objects.filter(proposal=proposal, unit_id=row.unit_id, role=AssignmentRole.CO,
                                               superseded_at__isnull=True).first()
        how = deadlines.explain_co_opinion_deadline(assignment) if assignment else ""
    elif m == Milestone.NOT_ACCEPTED:
        title = _("Assignment not yet accepted: %(proposal)s") % {"proposal": name}
        assigned_on = (Assignment.objects.filter(proposal=proposal, unit_id=row.unit_id, superseded_at__isnull=True)
                       .values_list("assigned_on", flat=True).first())
        what = _("Your unit has neither accepted nor objected to this assignment; %(days)d working days have "
                 "passed on %(due)s.") % {"days": cfg.accept_working_days, "due": due}
        how = deadlines.explain_objection_deadline(assigned_on) if assigned_on else ""
    elif m == Milestone.RATING_NOT_GIVEN:
        title = _("Please rate the reply: %(proposal)s") % {"proposal": name}
        what = _("The reply was approved %(days)d working days ago (on %(due)s) and you have not rated it yet.") % {
            "days": cfg.rating_working_days, "due": due}
        how = deadlines.explain_rating_deadline(proposal.reply_approved_on) if proposal.reply_approved_on else ""
    elif m == Milestone.FOLLOWUP_DUE:
        if late.days > 0:
            title = _("Follow-up review (回头看) overdue since %(due)s: %(proposal)s") % past
        else:
            title = _("Follow-up review (回头看) due on %(due)s: %(proposal)s") % {"due": due, "proposal": name}
        what = _("The class B reply promised further work; the follow-up review is due on %(due)s.") % {"due": due}
        how = _("Due %(months)d months after the reply was approved on %(basis)s.") % {
            "months": deadlines.get_parameter(deadlines.p.FOLLOWUP_MONTHS),
            "basis": proposal.reply_approved_on.isoformat() if proposal.reply_approved_on else ""}
    elif m == Milestone.URGE:
        title = _("The proposal office urges a reply: %(proposal)s") % {"proposal": name}
        what = _("The proposal office asks your unit to speed up the handling of this proposal.")
        if row.note:
            what += " " + _("Note: %(note)s") % {"note": row.note}
        how = deadlines.explain_reply_deadline(proposal)
    else:  # pragma: no cover - digests are composed by digest_message()
        title, what, how = name, "", ""
    link = _("Open the proposal: %(url)s") % {"url": absolute_url(proposal_url(proposal))}
    return title, "\n".join(part for part in (what, how, link) if part)


def _first_url(*names: str) -> str:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/proposals/"


def digest_url(user) -> str:
    if user.has_role(Role.PROPOSAL_OFFICER):
        return _first_url("proposals:reminders")
    if user.has_role(Role.LEADER):
        return _first_url("proposals:key-list", "proposals:proposal-list")
    return _first_url("proposals:unit-list", "proposals:proposal-list")


def digest_message(user, rows: list[Reminder], proposals: int, more: int, today: date) -> tuple[str, str]:
    """One message for a recipient's overdue rows: `proposals` distinct proposals, `more` rows not listed."""
    overdue = [r for r in rows if r.milestone == Milestone.OVERDUE]
    long_overdue = [r for r in rows if r.milestone == Milestone.LONG_OVERDUE]
    title = _("Overdue proposal replies: %(count)d") % {"count": proposals}
    lines = []
    for heading, group in ((_("Reply overdue:"), overdue), (_("Overdue for a long time (weekly list):"), long_overdue)):
        if not group:
            continue
        lines.append(heading)
        for row in group:
            p = row.proposal
            days = (today - p.reply_due_on).days if p.reply_due_on else 0
            lines.append(_("· %(proposal)s — due %(due)s, %(days)d days overdue. %(how)s %(url)s") % {
                "proposal": label(p), "due": p.reply_due_on.isoformat() if p.reply_due_on else "", "days": days,
                "how": deadlines.explain_reply_deadline(p), "url": absolute_url(proposal_url(p))})
    if more > 0:
        lines.append(_("… and %(count)d more; see the full list: %(url)s") % {
            "count": more, "url": absolute_url(digest_url(user))})
    return title, "\n".join(lines)


# --- Sending ---------------------------------------------------------------------------------------


class Retry(Exception):
    """The send failed and should be retried (the error was recorded on the row)."""


def _record_failure(ids: list[int], exc: Exception, max_attempts: int) -> bool:
    """Count the attempt and keep the error; True when the rows are now failed for good."""
    error = f"{type(exc).__name__}: {exc}"[:500]
    Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PENDING).update(
        attempts=F("attempts") + 1, error=error)
    Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PENDING, attempts__gte=max_attempts).update(
        status=ReminderStatus.FAILED)
    return Reminder.objects.filter(pk__in=ids, status=ReminderStatus.FAILED).exists()


def reminder_send(reminder_id: int, *, now: datetime | None = None) -> str:
    """Send one reminder row if nobody else has: the in-app notification (dedupe key = the row) and,
    through it, e-mail/SMS by the recipient's preferences. Returns the row's resulting status or
    "skipped". Raises Retry after recording a failure that deserves another attempt."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            row = (Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                   .select_related("proposal", "recipient")
                   .filter(pk=reminder_id, status=ReminderStatus.PENDING).first())
            if row is None:
                return "skipped"
            if not still_due(row, timezone.localdate(now)):
                Reminder.objects.filter(pk=row.pk).update(status=ReminderStatus.CANCELLED, sent_at=None)
                return ReminderStatus.CANCELLED
            title, body = message_for(row, timezone.localdate(now))
            notification = notify(recipient=row.recipient, kind=f"proposals.reminder.{row.milestone}", title=title,
                                  body=body, url=proposal_url(row.proposal), target=row.proposal,
                                  dedupe_key=f"proposals.reminder:{row.pk}")
            Reminder.objects.filter(pk=row.pk).update(status=ReminderStatus.SENT, sent_at=timezone.now(),
                                                      notification=notification, attempts=F("attempts") + 1,
                                                      error="")
            return ReminderStatus.SENT
    except Exception as exc:
        failed = _record_failure([reminder_id], exc, load_settings().max_attempts)
        logger.warning("Reminder %s could not be sent: %s", reminder_id, exc)
        if failed:
            return ReminderStatus.FAILED
        raise Retry(str(exc)) from exc


def reminder_digest_send(recipient_id: int, *, now: datetime | None = None) -> int:
    """One message with every pending digest row (overdue, long overdue) of one recipient; returns the
    number of rows it covered. Rows locked by a concurrent digest are left to it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids: list[int] = []
    try:
        with transaction.atomic():
            candidates = list(Reminder.objects.select_for_update(skip_locked=True)
                              .filter(recipient_id=recipient_id, status=ReminderStatus.PENDING,
                                      milestone__in=DIGEST_MILESTONES)
                              .order_by("pk").values_list("pk", "proposal_id"))
            if not candidates:
                return 0
            ids = [pk for pk, _proposal in candidates]
            rows = list(Reminder.objects.filter(pk__in=ids).select_related("proposal", "recipient")
                        .order_by("milestone", "proposal__reply_due_on", "proposal_id")[:DIGEST_LINES * 20])
            obsolete = [r.pk for r in rows if not still_due(r, today)]
            if obsolete:
                Reminder.objects.filter(pk__in=obsolete).update(status=ReminderStatus.CANCELLED)
            obsolete_set = set(obsolete)
            live_ids = [pk for pk in ids if pk not in obsolete_set]
            if not live_ids:
                return 0
            shown = [r for r in rows if r.pk not in obsolete_set][:DIGEST_LINES]
            user = shown[0].recipient if shown else Reminder.objects.get(pk=live_ids[0]).recipient
            proposals = len({proposal for pk, proposal in candidates if pk not in obsolete_set})
            title, body = digest_message(user, shown, proposals, len(live_ids) - len(shown), today)
            notification = notify(recipient=user, kind="proposals.reminder.digest", title=title, body=body,
                                  url=digest_url(user), dedupe_key=f"proposals.reminder-digest:{live_ids[0]}")
            for start in range(0, len(live_ids), 5000):
                Reminder.objects.filter(pk__in=live_ids[start:start + 5000]).update(
                    status=ReminderStatus.SENT, sent_at=timezone.now(), notification=notification,
                    attempts=F("attempts") + 1, error="")
            return len(live_ids)
    except Exception as exc:
        if not ids:
            raise
        failed = _record_failure(ids, exc, load_settings().max_attempts)
        logger.warning("Reminder digest for user %s could not be sent: %s", recipient_id, exc)
        if failed:
            return 0
        raise Retry(str(exc)) from exc


def send_pending_inline(*, now: datetime | None = None) -> int:
    """Send every pending row in this process (cron-only deployments, demos, the command's --inline)."""
    sent = 0
    instant = Reminder.objects.filter(status=ReminderStatus.PENDING).exclude(milestone__in=DIGEST_MILESTONES)
    for pk in list(instant.order_by("pk").values_list("pk", flat=True)):
        try:
            sent += reminder_send(pk, now=now) == ReminderStatus.SENT
        except Retry:
            continue
    users = (Reminder.objects.filter(status=ReminderStatus.PENDING, milestone__in=DIGEST_MILESTONES)
             .order_by().values_list("recipient_id", flat=True).distinct())
    for user_id in list(users):
        try:
            sent += reminder_digest_send(user_id, now=now)
        except Retry:
            continue
    return sent


# --- Manual urge (催办) ------------------------------------------------------------------------------


def proposal_urge(*, actor, proposal: Proposal | int, note: str = "", at: datetime | None = None) -> int:
    """The proposal office urges the units handling a proposal (the URGE verb, a self-loop of the table
    without a timeline row): one URGE row per unit officer for the day (a double click or a second urge
    the same day sends nothing more). Returns the new rows."""
    if not (actor.is_authenticated and actor.has_perm("proposals.urge_proposals")):
        raise ProposalPermissionDenied()
    at = at or timezone.now()
    today = timezone.localdate(at)
    note = (note or "").strip()[:500]
    with transaction.atomic():
        proposal = lock(Proposal, proposal)
        if not WORKFLOW.can(proposal.status, Verb.URGE):
            raise NotReady(_("Only a proposal being handled by a unit can be urged."))
        check(WORKFLOW, proposal, Verb.URGE, actor)
        from .scan import unit_officer_map

        officers = unit_officer_map()
        units = [proposal.lead_unit_id] + list(
            Assignment.objects.filter(proposal=proposal, role=AssignmentRole.CO, superseded_at__isnull=True,
                                      opinion_submitted_at__isnull=True).values_list("unit_id", flat=True))
        rows = [Reminder(proposal=proposal, milestone=Milestone.URGE, recipient_id=user_id, due_on=today,
                         unit_id=unit_id, kind=ReminderKind.URGE, created_by=actor, note=note, created_at=at,
                         enqueued_at=at)
                for unit_id in units if unit_id for user_id in officers.get(unit_id, ())]
        if not rows:
            raise NotReady(_("The handling units have no officer accounts to remind."))
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        new_ids = list(Reminder.objects.filter(proposal=proposal, milestone=Milestone.URGE, due_on=today,
                                               created_at=at).values_list("pk", flat=True))
        # Published after commit; if the broker is down the rows are unmarked, so the next scan publishes
        # them at once instead of waiting reminders.stuck_after_minutes for a task that never left.
        from .tasks import publish_rows

        transaction.on_commit(lambda: publish_rows(new_ids, [], new_ids, at))
        audit_record(action="proposals.urge", actor=actor, obj=proposal,
                     details={"reminders": len(new_ids), "note": note})
    return len(new_ids)
