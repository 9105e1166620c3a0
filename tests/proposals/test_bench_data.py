"""The benchmark's synthetic proposals (bench/proposals_data.py): what it promises about "due" milestones
holds in the rows, so that a reminder scan benchmark built on it counts the right things."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from bench.proposals_data import build_proposals, timeline_pks
from proposals import selectors
from proposals.models import Assignment, Proposal, ProposalNumberSequence, Rating, StatusChange
from proposals.workflow import Status
from zhongyuan_cppcc.calendar.services import working_days_between

from ..dates import SWEEP


@pytest.fixture
def data(db):
    # The clock is pinned (issue 16): the statuses are drawn at random and "registered" is rare among this
    # year's rows, so on some days (2026-02-14) none was drawn. The sweep below covers the other dates.
    with time_machine.travel(SWEEP[0].moment, tick=True):
        yield build_proposals(600, due_fraction=0.5, timeline_length=120, units=12)


def test_rows_and_accounts(data):
    assert Proposal.objects.count() == 600 == data.count
    assert data.ids == (Proposal.objects.order_by("pk").first().pk, Proposal.objects.order_by("pk").last().pk)
    assert set(Proposal.objects.values_list("year", flat=True)) == set(data.years)
    live = set(Proposal.objects.filter(year=data.today.year).values_list("status", flat=True))
    assert {"draft", "submitted", "registered", "assigned", "reply_review", "replied", "closed"} <= live
    long_pk, short_pk = timeline_pks()
    assert (long_pk, short_pk) == (data.long_timeline_pk, data.short_timeline_pk)
    assert StatusChange.objects.filter(proposal=long_pk).count() >= 110
    assert StatusChange.objects.filter(proposal=short_pk).count() <= 12
    # Foreign keys were not checked while copying: every child row has its parent.
    with connection.cursor() as cursor:
        for table in ("statuschange", "assignment", "reply", "rating", "cosignerinvitation", "qualityrating"):
            cursor.execute(f"SELECT COUNT(*) FROM proposals_{table} c LEFT JOIN proposals_proposal p "  # noqa: S608
                           f"ON p.id = c.proposal_id WHERE p.id IS NULL")
            assert cursor.fetchone()[0] == 0, table
        cursor.execute("SELECT COUNT(*) FROM proposals_rating r LEFT JOIN proposals_reply y ON y.id = r.reply_id "
                       "WHERE y.id IS NULL")
        assert cursor.fetchone()[0] == 0
    numbered = Proposal.objects.exclude(serial=None)
    assert numbered.values("plenary_session", "serial").distinct().count() == numbered.count()
    for sequence in ProposalNumberSequence.objects.all():
        assert sequence.last_serial == max(numbered.filter(plenary_session=sequence.plenary_session_id)
                                           .values_list("serial", flat=True))
    officer = selectors.officer_proposals_for(user=_user(data.officer))
    assert officer.count() == Proposal.objects.exclude(submitted_at=None).count()
    assert selectors.unit_proposals_for(user=_user(data.unit_officer)).exists()
    assert selectors.similar_proposals(user=_user(data.officer), title="关于缓解停车难问题的建议", body="停车泊位")


def test_due_milestones_are_exactly_the_promised_ones(data):
    assert sum(data.due.values()) > 20
    assert_due_milestones_as_promised(data)


@pytest.mark.dated
def test_due_milestones_hold_on_every_date_of_the_sweep(db, clock):
    # Smaller than `data` (cheap enough for every date); on 2027-01-01 a re-handled "followup" row used to
    # move its follow-up date past today.
    small = build_proposals(160, due_fraction=0.6, timeline_length=20, units=6)
    assert small.today == clock and sum(small.due.values()) > 5
    assert_due_milestones_as_promised(small)


def assert_due_milestones_as_promised(data):
    today = data.today
    running = Proposal.objects.filter(status__in=[Status.ASSIGNED, Status.REHANDLING])
    for key, days in (("reply_30", 30), ("reply_7", 7), ("reply_1", 1), ("reply_0", 0)):
        assert running.filter(reply_due_on=today + timedelta(days=days)).count() == data.due.get(key, 0), key
    assert running.filter(reply_due_on__lt=today, reply_due_on__gte=today - timedelta(days=15)).count() == \
        data.due.get("overdue", 0)
    assert running.filter(reply_due_on__lt=today - timedelta(days=15)).count() == data.due.get("long_overdue", 0)

    pending = Assignment.objects.filter(answer="pending", superseded_at__isnull=True)
    assert pending.count() == data.due.get("not_accepted", 0)
    assert all(3 <= working_days_between(a.assigned_on, today) <= 8 for a in pending)
    opinions = Assignment.objects.filter(role="co", superseded_at__isnull=True, opinion_submitted_at__isnull=True)
    assert opinions.count() == data.due.get("co_opinion", 0)
    assert all(a.opinion_due_on <= today + timedelta(days=7) for a in opinions)

    open_ratings = Rating.objects.filter(status="open")
    late = {r.proposal_id for r in open_ratings if working_days_between(r.requested_on, today) >= 10}
    assert len(late) == data.due.get("rating", 0)
    assert all(working_days_between(r.requested_on, today) < 15 for r in open_ratings)
    followups = Proposal.objects.filter(followup_due_on__lte=today, followup_done_at__isnull=True)
    assert followups.count() == data.due.get("followup", 0)


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_today_defaults_to_the_local_date(data):
    assert data.today == timezone.localdate()
