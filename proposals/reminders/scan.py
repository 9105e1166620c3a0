"""The scan: compute the due milestones from stored dates with set-based queries, write one Reminder
row per (proposal, milestone, recipient, due date) and publish the send tasks after commit.

- Candidates come from indexed columns (see DOMAIN.md "Stored dates"), restricted to a date window,
  minus the proposals that already have the milestone's row (NOT EXISTS over the unique index), and are
  streamed in chunks: memory stays bounded whatever the number of proposals.
- Rows are inserted with INSERT … ON CONFLICT DO NOTHING (bulk_create(ignore_conflicts=True)), so a
  second scan or a concurrent scan in another process adds nothing.
- Nothing is scheduled ahead (no ETA): each scan publishes the pending rows that have no live task —
  new rows, and rows whose task was lost (broker down) once reminders.stuck_after_minutes has passed.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from members.models import HandlingUnit

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
    ReminderStatus,
)
from ..services._common import proposal_officers
from ..workflow import DEADLINE_STATUSES, TERMINAL_STATUSES, Status
from .milestones import (
    CO_OPINION_NOTICES,
    REPLY_NOTICES,
    ReminderSettings,
    due_bases,
    load_settings,
    long_overdue_week_key,
    notice_windows,
)

logger = logging.getLogger(__name__)

CHUNK = 2000
# Statuses after which nothing more is sent (the 回头看 follow-up of a closed proposal excepted).
LIVE = (ReminderStatus.PENDING, ReminderStatus.SENT, ReminderStatus.FAILED)
# The 回头看 follow-up of a closed proposal is still reminded; nothing after the other terminal statuses.
FOLLOWUP_EXCLUDED = TERMINAL_STATUSES - {Status.CLOSED}


@dataclass
class ScanResult:
    created: int = 0
    queued: int = 0
    by_milestone: dict[str, int] = field(default_factory=dict)
    digests: bool = False


@dataclass
class ScanContext:
    now: datetime
    today: date
    cfg: ReminderSettings
    unit_officers: dict[int, list[int]]
    officers: list[int]


def _chunks(iterable: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _insert(ctx: ScanContext, rows: Iterable[tuple]) -> None:
    """rows: (proposal_id, milestone, recipient_id, due_on, unit_id); inserted chunk by chunk."""
    for chunk in _chunks(rows):
        Reminder.objects.bulk_create(
            [Reminder(proposal_id=p, milestone=m, recipient_id=r, due_on=d, unit_id=u, created_at=ctx.now)
             for p, m, r, d, u in chunk],
            ignore_conflicts=True,
        )


def unit_officer_map() -> dict[int, list[int]]:
    """Active officer accounts per handling unit (units are few: one query, kept for the scan)."""
    through = HandlingUnit.officers.through
    result: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id in through.objects.filter(user__is_active=True).values_list("handlingunit_id", "user_id"):
        result[unit_id].append(user_id)
    return result


def _has(milestone: str, **match) -> Exists:
    return Exists(Reminder.objects.filter(milestone=milestone, **match))


# --- Producers: each yields (proposal_id, milestone, recipient_id, due_on, unit_id) -------------------


def _not_accepted(ctx: ScanContext) -> Iterator[tuple]:
    bases = due_bases(ctx.today, ctx.cfg.accept_working_days, ctx.cfg.catch_up_days)
    if not bases:
        return
    qs = (Assignment.objects
          .filter(answer=AssignmentAnswer.PENDING, superseded_at__isnull=True,
                  assigned_on__range=(min(bases), max(bases)), proposal__status__in=DEADLINE_STATUSES)
          # A row cancelled because the calendar moved its date does not count: the new date gets its own.
          .exclude(_has(Milestone.NOT_ACCEPTED, proposal=OuterRef("proposal_id"), unit=OuterRef("unit_id"),
                        due_on__gt=OuterRef("assigned_on"), status__in=LIVE))
          .values_list("proposal_id", "unit_id", "assigned_on"))
    for proposal_id, unit_id, assigned_on in qs.iterator(chunk_size=CHUNK):
        for user_id in ctx.unit_officers.get(unit_id, ()):
            yield proposal_id, Milestone.NOT_ACCEPTED, user_id, bases[assigned_on], unit_id


def _reply_due(ctx: ScanContext) -> Iterator[tuple]:
    for window in notice_windows(ctx.cfg.reply_due_days, REPLY_NOTICES, ctx.today):
        qs = (Proposal.objects
              .filter(status__in=DEADLINE_STATUSES, reply_due_on__range=(window.low, window.high),
                      lead_unit__isnull=False)
              .exclude(_has(window.milestone, proposal=OuterRef("pk"), due_on=OuterRef("reply_due_on")))
              .order_by()
              .values_list("pk", "lead_unit_id", "reply_due_on"))
        for proposal_id, unit_id, due_on in qs.iterator(chunk_size=CHUNK):
            for user_id in ctx.unit_officers.get(unit_id, ()):
                yield proposal_id, window.milestone, user_id, due_on, unit_id


def _co_opinion_due(ctx: ScanContext) -> Iterator[tuple]:
    for window in notice_windows(ctx.cfg.co_opinion_due_days, CO_OPINION_NOTICES, ctx.today):
        qs = (Assignment.objects
              .filter(role=AssignmentRole.CO, superseded_at__isnull=True, opinion_submitted_at__isnull=True,
                      opinion_due_on__range=(window.low, window.high), proposal__status__in=DEADLINE_STATUSES)
              .exclude(_has(window.milestone, proposal=OuterRef("proposal_id"), unit=OuterRef("unit_id"),
                            due_on=OuterRef("opinion_due_on")))
              .values_list("proposal_id", "unit_id", "opinion_due_on"))
        for proposal_id, unit_id, due_on in qs.iterator(chunk_size=CHUNK):
            for user_id in ctx.unit_officers.get(unit_id, ()):
                yield proposal_id, window.milestone, user_id, due_on, unit_id


def _rating_not_given(ctx: ScanContext) -> Iterator[tuple]:
    bases = due_bases(ctx.today, ctx.cfg.rating_working_days, ctx.cfg.catch_up_days)
    if not bases:
        return
    qs = (Rating.objects
          .filter(status=RatingStatus.OPEN, requested_on__range=(min(bases), max(bases)),
                  proposal__status=Status.REPLIED, user__is_active=True)
          .exclude(_has(Milestone.RATING_NOT_GIVEN, proposal=OuterRef("proposal_id"), recipient=OuterRef("user_id"),
                        due_on__gt=OuterRef("requested_on"), status__in=LIVE))
          .values_list("proposal_id", "user_id", "requested_on"))
    for proposal_id, user_id, requested_on in qs.iterator(chunk_size=CHUNK):
        yield proposal_id, Milestone.RATING_NOT_GIVEN, user_id, bases[requested_on], None


def _followup_due(ctx: ScanContext) -> Iterator[tuple]:
    qs = (Proposal.objects
          .filter(followup_done_at__isnull=True, followup_due_on__isnull=False,
                  followup_due_on__range=(ctx.today - timedelta(days=ctx.cfg.catch_up_days), ctx.today))
          .exclude(status__in=FOLLOWUP_EXCLUDED)
          .exclude(_has(Milestone.FOLLOWUP_DUE, proposal=OuterRef("pk"), due_on=OuterRef("followup_due_on")))
          .order_by()
          .values_list("pk", "lead_unit_id", "followup_due_on"))
    for proposal_id, unit_id, due_on in qs.iterator(chunk_size=CHUNK):
        for user_id in ctx.unit_officers.get(unit_id, ()):
            yield proposal_id, Milestone.FOLLOWUP_DUE, user_id, due_on, unit_id
        for user_id in ctx.officers:
            yield proposal_id, Milestone.FOLLOWUP_DUE, user_id, due_on, None


def _overdue(ctx: ScanContext) -> Iterator[tuple]:
    """Daily: every overdue proposal to its lead unit's officers and to the proposal officers; sent as
    one digest per recipient. due_on is the day of the digest."""
    qs = (Proposal.objects
          .filter(status__in=DEADLINE_STATUSES, reply_due_on__lt=ctx.today)
          .exclude(_has(Milestone.OVERDUE, proposal=OuterRef("pk"), due_on=ctx.today))
          .order_by()
          .values_list("pk", "lead_unit_id"))
    for proposal_id, unit_id in qs.iterator(chunk_size=CHUNK):
        for user_id in ctx.unit_officers.get(unit_id, ()):
            yield proposal_id, Milestone.OVERDUE, user_id, ctx.today, unit_id
        for user_id in ctx.officers:
            yield proposal_id, Milestone.OVERDUE, user_id, ctx.today, None


def _long_overdue(ctx: ScanContext) -> Iterator[tuple]:
    """Weekly: proposals overdue by reminders.long_overdue_days or more to the proposal officers, and
    key proposals also to their supervising leader. due_on is the week's digest day."""
    week = long_overdue_week_key(ctx.today, ctx.cfg.long_overdue_weekday)
    qs = (Proposal.objects
          .filter(status__in=DEADLINE_STATUSES,
                  reply_due_on__lte=ctx.today - timedelta(days=ctx.cfg.long_overdue_days))
          .exclude(_has(Milestone.LONG_OVERDUE, proposal=OuterRef("pk"), due_on=week))
          .order_by()
          .values_list("pk", "is_key", "supervising_leader_id"))
    for proposal_id, is_key, leader_id in qs.iterator(chunk_size=CHUNK):
        for user_id in ctx.officers:
            yield proposal_id, Milestone.LONG_OVERDUE, user_id, week, None
        if is_key and leader_id and leader_id not in ctx.officers:
            yield proposal_id, Milestone.LONG_OVERDUE, leader_id, week, None


INSTANT_PRODUCERS = (_not_accepted, _reply_due, _co_opinion_due, _rating_not_given, _followup_due)
DIGEST_PRODUCERS = (_overdue, _long_overdue)


def digests_due(now: datetime, cfg: ReminderSettings) -> bool:
    """The daily digests start at reminders.digest_time, Beijing time."""
    return timezone.localtime(now).time() >= cfg.digest_time


def scan(*, now: datetime | None = None, publish: bool = True) -> ScanResult:
    """One scan. `now` for tests and demos; publish=False leaves the rows for send_pending_inline()."""
    now = now or timezone.now()
    cfg = load_settings()
    ctx = ScanContext(now=now, today=timezone.localdate(now), cfg=cfg, unit_officers=unit_officer_map(),
                      officers=list(proposal_officers().values_list("pk", flat=True)))
    producers = list(INSTANT_PRODUCERS)
    result = ScanResult(digests=digests_due(now, cfg))
    if result.digests:
        producers += DIGEST_PRODUCERS
    for producer in producers:
        _insert(ctx, producer(ctx))
    for milestone, count in (Reminder.objects.filter(created_at=now).order_by().values("milestone")
                             .annotate(n=Count("pk")).values_list("milestone", "n")):
        result.by_milestone[milestone] = count
    result.created = sum(result.by_milestone.values())
    if publish:
        result.queued = publish_pending(now=now, cfg=cfg)
    logger.info("Reminder scan at %s: %s new rows %s, %s published", now.isoformat(), result.created,
                result.by_milestone, result.queued)
    return result


def _pending_unpublished(now: datetime, cfg: ReminderSettings):
    stale = now - timedelta(minutes=cfg.stuck_after_minutes)
    return Reminder.objects.filter(status=ReminderStatus.PENDING).filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))


def publish_pending(*, now: datetime | None = None, cfg: ReminderSettings | None = None) -> int:
    """Publish a send task for every pending row without a live task (new rows, and rows whose task was
    lost), one digest task per recipient for digest rows. Rows are marked under a lock (two scans never
    publish the same row twice) and the tasks go out after commit (a rolled-back transaction publishes
    nothing); if the broker is down, the marks are undone and the next scan tries again.
    Returns the number of tasks handed to the broker (or scheduled for the commit)."""
    now = now or timezone.now()
    cfg = cfg or load_settings()
    scheduled = 0
    while True:
        with transaction.atomic():
            rows = list(_pending_unpublished(now, cfg).select_for_update(skip_locked=True)
                        .order_by("pk").values_list("pk", "milestone", "recipient_id")[:CHUNK])
            if not rows:
                break
            ids = [pk for pk, _m, _r in rows]
            Reminder.objects.filter(pk__in=ids).update(enqueued_at=now)
            instant = [pk for pk, milestone, _r in rows if milestone not in DIGEST_MILESTONES]
            digest_users = sorted({r for _pk, milestone, r in rows if milestone in DIGEST_MILESTONES})
            scheduled += len(instant) + len(digest_users)
            transaction.on_commit(lambda i=instant, d=digest_users, a=ids: _publish(i, d, a, now))
        if len(rows) < CHUNK:
            break
    return scheduled


def _publish(instant: list[int], digest_users: list[int], ids: list[int], marked_at: datetime) -> None:
    from .tasks import publish_rows

    publish_rows(instant, digest_users, ids, marked_at)
