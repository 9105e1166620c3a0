"""Which milestones come due when, for whom: windows, working days across Spring Festival, the
Asia/Shanghai day, resets by extension/reassignment/calendar edits, and nothing for finished proposals."""

from datetime import UTC, date, timedelta

import pytest
from django.utils import timezone

from proposals import services
from proposals.models import Assignment, Milestone, Proposal, Rating, Reminder, ReminderStatus
from proposals.reminders import parameters as rp
from proposals.reminders.milestones import REPLY_NOTICES, notice_windows
from proposals.reminders.scan import scan
from proposals.reminders.sending import reminder_send
from tests.proposals.factories import ProposalFactory, make_member
from tests.proposals.reminders.conftest import at
from zhongyuan_cppcc.calendar.models import DayKind, SpecialDay
from zhongyuan_cppcc.core.parameters import set_parameter

pytestmark = pytest.mark.django_db


def rows(**flt):
    return set(Reminder.objects.filter(**flt).values_list("milestone", "recipient__username", "due_on"))


def set_dates(proposal, **fields):
    Proposal.objects.filter(pk=proposal.pk).update(**fields)
    proposal.refresh_from_db()
    return proposal


def test_notice_windows_do_not_overlap_and_end_on_the_deadline():
    today = date(2026, 3, 1)
    windows = notice_windows((30, 7, 1), REPLY_NOTICES, today)
    assert [(w.milestone, w.low, w.high) for w in windows] == [
        (Milestone.REPLY_DUE_30, date(2026, 3, 9), date(2026, 3, 31)),
        (Milestone.REPLY_DUE_7, date(2026, 3, 3), date(2026, 3, 8)),
        (Milestone.REPLY_DUE_1, date(2026, 3, 1), date(2026, 3, 2)),
    ]


class TestReplyDue:
    @pytest.mark.dated
    def test_each_notice_once_to_the_lead_units_officers(self, w, published):
        p = ProposalFactory(assigned=True)
        Assignment.objects.filter(proposal=p).update(answer="accepted")
        due = p.reply_due_on
        assert scan(now=at(*(due - timedelta(days=31)).timetuple()[:3])).created == 0
        for days, milestone in ((30, Milestone.REPLY_DUE_30), (7, Milestone.REPLY_DUE_7), (1, Milestone.REPLY_DUE_1)):
            day = due - timedelta(days=days)
            result = scan(now=at(day.year, day.month, day.day))
            assert result.by_milestone == {milestone: 1}
            assert rows(milestone=milestone) == {(milestone, "unit-lead-officer", due)}
            assert scan(now=at(day.year, day.month, day.day, 10)).created == 0

    def test_a_notice_missed_while_down_is_replaced_by_the_next_one(self, w, published):
        p = ProposalFactory(assigned=True)
        day = p.reply_due_on - timedelta(days=5)  # the system was down on the 30- and 7-day dates
        assert scan(now=at(day.year, day.month, day.day)).by_milestone == {Milestone.REPLY_DUE_7: 1}

    def test_intervals_are_settings(self, w, published):
        p = ProposalFactory(assigned=True)
        set_parameter(key=rp.REPLY_DUE_DAYS, value="14,2")
        day = p.reply_due_on - timedelta(days=14)
        assert scan(now=at(day.year, day.month, day.day)).by_milestone == {Milestone.REPLY_DUE_30: 1}
        day = p.reply_due_on - timedelta(days=2)
        assert scan(now=at(day.year, day.month, day.day)).by_milestone == {Milestone.REPLY_DUE_1: 1}


class TestTimeZone:
    @pytest.mark.dated
    def test_a_reminder_due_on_a_date_fires_on_that_date_in_beijing_not_utc(self, w, published):
        p = set_dates(ProposalFactory(assigned=True), reply_due_on=date(2026, 3, 10))
        Assignment.objects.filter(proposal=p).update(answer="accepted")  # no "not accepted" on any test day
        # 2026-03-02 23:30 UTC is already 2026-03-03 07:30 in Beijing: 7 days before the deadline.
        utc_evening = timezone.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 23:00 Beijing, Mar 2
        assert scan(now=utc_evening).by_milestone == {Milestone.REPLY_DUE_30: 1}
        utc_night = timezone.datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
        assert scan(now=utc_night).by_milestone == {Milestone.REPLY_DUE_7: 1}
        assert Reminder.objects.get(milestone=Milestone.REPLY_DUE_7).due_on == p.reply_due_on

    def test_the_daily_digest_starts_at_0830_beijing_time(self, w, published):
        set_dates(ProposalFactory(assigned=True), reply_due_on=date(2026, 3, 1))
        assert Milestone.OVERDUE not in scan(now=timezone.datetime(2026, 3, 2, 0, 29, tzinfo=UTC)).by_milestone
        result = scan(now=timezone.datetime(2026, 3, 2, 0, 30, tzinfo=UTC))  # 08:30 Beijing
        assert result.by_milestone[Milestone.OVERDUE] == 2  # the unit's officer and the proposal officer
        assert set(Reminder.objects.filter(milestone=Milestone.OVERDUE).values_list("due_on", flat=True)) == {
            date(2026, 3, 2)}


class TestSpringFestival:
    """2024: Feb 10–17 off; Sunday Feb 4 and Sunday Feb 18 are make-up working days."""

    def test_not_accepted_after_three_working_days_counts_the_make_up_sunday(self, w, published):
        p = ProposalFactory(assigned=True)
        Assignment.objects.filter(proposal=p).update(assigned_on=date(2024, 2, 8))
        set_dates(p, assigned_on=date(2024, 2, 8))
        assert scan(now=at(2024, 2, 17, 12)).created == 0  # holiday: only Feb 9 counted
        # Feb 9 (1), Sunday Feb 18 make-up day (2), Monday Feb 19 (3)
        assert scan(now=at(2024, 2, 18, 12)).created == 0
        assert scan(now=at(2024, 2, 19, 9)).by_milestone == {Milestone.NOT_ACCEPTED: 2}
        assert rows() == {(Milestone.NOT_ACCEPTED, "unit-lead-officer", date(2024, 2, 19)),
                          (Milestone.NOT_ACCEPTED, "unit-co-officer", date(2024, 2, 19))}
        assert set(Reminder.objects.values_list("unit__name", flat=True)) == {"区城市管理局", "区住房保障局"}

    def test_rating_not_given_after_ten_working_days_across_the_holiday(self, w, published):
        author = make_member().user
        p = ProposalFactory(replied=True, author=author)
        Rating.objects.filter(proposal=p).update(requested_on=date(2024, 2, 1))
        # Feb 2, Sun 4 (make-up), 5–9, Sun 18 (make-up), 19, 20 -> the 10th working day is Feb 20
        assert Milestone.RATING_NOT_GIVEN not in scan(now=at(2024, 2, 19)).by_milestone
        assert scan(now=at(2024, 2, 20)).by_milestone[Milestone.RATING_NOT_GIVEN] == 1
        assert rows(milestone=Milestone.RATING_NOT_GIVEN) == {
            (Milestone.RATING_NOT_GIVEN, author.username, date(2024, 2, 20))}


class TestCalendarEdits:
    @pytest.mark.dated
    def test_a_new_holiday_moves_the_milestone(self, w, published):
        p = ProposalFactory(assigned=True)
        Assignment.objects.filter(proposal=p).update(assigned_on=date(2024, 3, 4))  # Monday
        SpecialDay.objects.create(date=date(2024, 3, 5), kind=DayKind.HOLIDAY, name="临时")
        assert scan(now=at(2024, 3, 7)).created == 0  # Mar 6, 7 counted; the 3rd working day is Mar 8
        assert scan(now=at(2024, 3, 8)).by_milestone == {Milestone.NOT_ACCEPTED: 2}
        assert set(Reminder.objects.values_list("due_on", flat=True)) == {date(2024, 3, 8)}

    def test_a_pending_reminder_follows_the_calendar_change(self, w, published):
        p = ProposalFactory(assigned=True)
        Assignment.objects.filter(proposal=p).update(assigned_on=date(2024, 3, 4))
        scan(now=at(2024, 3, 7))  # due Mar 7, written but not yet sent
        assert set(Reminder.objects.values_list("due_on", flat=True)) == {date(2024, 3, 7)}
        SpecialDay.objects.create(date=date(2024, 3, 6), kind=DayKind.HOLIDAY, name="临时")
        for pk in Reminder.objects.values_list("pk", flat=True):
            assert reminder_send(pk, now=at(2024, 3, 7, 10)) == ReminderStatus.CANCELLED
        assert scan(now=at(2024, 3, 8)).by_milestone == {Milestone.NOT_ACCEPTED: 2}
        assert set(Reminder.objects.filter(status=ReminderStatus.PENDING).values_list("due_on", flat=True)) == {
            date(2024, 3, 8)}


class TestResets:
    @pytest.mark.dated
    def test_an_extension_restarts_the_notices_from_the_new_deadline(self, w, published):
        p = ProposalFactory(assigned=True)
        old_due = p.reply_due_on
        day = old_due - timedelta(days=7)
        scan(now=at(day.year, day.month, day.day))
        assert rows() == {(Milestone.REPLY_DUE_7, "unit-lead-officer", old_due)}
        new_due = old_due + timedelta(days=40)
        services.proposal_extend(actor=w.officer, proposal=p, new_due_on=new_due, reason="需要跨部门协调")
        old_row = Reminder.objects.get()
        assert reminder_send(old_row.pk, now=at(day.year, day.month, day.day, 10)) == ReminderStatus.CANCELLED
        day = new_due - timedelta(days=30)
        assert scan(now=at(day.year, day.month, day.day)).by_milestone == {Milestone.REPLY_DUE_30: 1}
        assert (Milestone.REPLY_DUE_30, "unit-lead-officer", new_due) in rows()

    def test_a_reassignment_reminds_the_new_unit(self, w, published):
        p = ProposalFactory(assigned=True, with_co_unit=False)
        services.proposal_reassign(actor=w.officer, proposal=p, lead_unit=w.other_unit)
        p.refresh_from_db()
        Assignment.objects.filter(proposal=p).update(answer="accepted")
        day = p.reply_due_on - timedelta(days=30)
        scan(now=at(day.year, day.month, day.day))
        assert rows() == {(Milestone.REPLY_DUE_30, "unit-other-officer", p.reply_due_on)}


class TestRecipients:
    @pytest.mark.dated
    def test_co_handling_opinion_to_the_co_unit_only(self, w, published):
        p = ProposalFactory(assigned=True)
        Assignment.objects.filter(proposal=p).update(answer="accepted")
        due = Assignment.objects.get(proposal=p, role="co").opinion_due_on
        for days, milestone in ((7, Milestone.CO_OPINION_DUE_7), (1, Milestone.CO_OPINION_DUE_1)):
            day = due - timedelta(days=days)
            assert scan(now=at(day.year, day.month, day.day)).by_milestone == {milestone: 1}
        assert {r[1] for r in rows()} == {"unit-co-officer"}

    @pytest.mark.dated
    def test_overdue_goes_to_the_unit_and_the_proposal_officers(self, w, published):
        p = set_dates(ProposalFactory(assigned=True), reply_due_on=date(2026, 3, 1))
        # Accepted: otherwise, when the test runs before late February 2026, the fixed scan dates fall more
        # than 3 working days after the assignment (today) and "not accepted" reminders come too.
        Assignment.objects.filter(proposal=p).update(answer="accepted")
        scan(now=at(2026, 3, 2, 9))
        assert rows() == {(Milestone.OVERDUE, "unit-lead-officer", date(2026, 3, 2)),
                          (Milestone.OVERDUE, "proposal-officer", date(2026, 3, 2))}
        scan(now=at(2026, 3, 2, 15))
        assert Reminder.objects.count() == 2  # daily: once a day
        scan(now=at(2026, 3, 3, 9))
        assert Reminder.objects.filter(proposal=p).count() == 4

    @pytest.mark.dated
    def test_long_overdue_weekly_to_the_officers_and_the_supervising_leader(self, w, published):
        key = ProposalFactory(assigned=True)
        services.proposal_set_key(actor=w.officer, proposal=key, is_key=True, supervising_leader=w.leader)
        plain = ProposalFactory(assigned=True)
        Proposal.objects.filter(pk__in=[key.pk, plain.pk]).update(reply_due_on=date(2026, 2, 1))
        monday = date(2026, 3, 2)
        scan(now=at(2026, 3, 2, 9))
        long_rows = rows(milestone=Milestone.LONG_OVERDUE)
        assert long_rows == {(Milestone.LONG_OVERDUE, "proposal-officer", monday),
                             (Milestone.LONG_OVERDUE, "the-leader", monday)}
        assert Reminder.objects.filter(milestone=Milestone.LONG_OVERDUE, recipient=w.leader).get().proposal == key
        assert Reminder.objects.filter(milestone=Milestone.LONG_OVERDUE, recipient=w.officer).count() == 2
        scan(now=at(2026, 3, 4, 9))  # later the same week: nothing new
        assert Reminder.objects.filter(milestone=Milestone.LONG_OVERDUE).count() == 3
        scan(now=at(2026, 3, 9, 9))  # next Monday
        assert Reminder.objects.filter(milestone=Milestone.LONG_OVERDUE).count() == 6

    @pytest.mark.dated
    def test_each_proposer_who_has_not_rated(self, w, published):
        cosigners = [make_member(), make_member()]
        p = ProposalFactory(replied=True, cosigners=cosigners)
        services.rating_submit(actor=cosigners[0].user, proposal=p, overall="satisfied", contacted="yes",
                               on_point=True)
        approved = p.reply_approved_on
        Rating.objects.filter(proposal=p).update(requested_on=date(2026, 3, 2))
        assert approved  # the basis is the approval day; moved to a fixed Monday for the arithmetic
        scan(now=at(2026, 3, 16, 9))  # 10 working days after Monday Mar 2
        assert {r[1] for r in rows(milestone=Milestone.RATING_NOT_GIVEN)} == {
            p.author.username, cosigners[1].user.username}

    @pytest.mark.dated
    def test_followup_to_the_lead_unit_and_the_officer_even_when_closed(self, w, published):
        p = ProposalFactory(closed=True, reply_class="B")
        assert p.followup_due_on
        day = p.followup_due_on
        scan(now=at(day.year, day.month, day.day))
        assert rows() == {(Milestone.FOLLOWUP_DUE, "unit-lead-officer", day),
                          (Milestone.FOLLOWUP_DUE, "proposal-officer", day)}


@pytest.mark.parametrize("status", ["closed", "merged", "withdrawn", "not_registered"])
def test_finished_proposals_get_nothing(w, published, status):
    p = ProposalFactory(**{status: True})
    set_dates(p, reply_due_on=date(2026, 3, 1), followup_due_on=None)
    Rating.objects.filter(proposal=p).update(requested_on=date(2026, 2, 1))
    for day in (date(2026, 2, 25), date(2026, 3, 1), date(2026, 3, 20)):
        scan(now=at(day.year, day.month, day.day, 9))
    assert not Reminder.objects.filter(proposal=p).exists()


def test_a_pending_reminder_of_a_proposal_that_moved_on_is_cancelled(w, published):
    p = ProposalFactory(assigned=True)
    day = p.reply_due_on - timedelta(days=7)
    scan(now=at(day.year, day.month, day.day))
    row = Reminder.objects.get()
    Proposal.objects.filter(pk=p.pk).update(status="closed")
    assert reminder_send(row.pk, now=at(day.year, day.month, day.day, 10)) == ReminderStatus.CANCELLED
    assert not row.proposal.reminders.filter(status=ReminderStatus.SENT).exists()
