"""The proposals demo data on the dates that move it: every state of the current year, the dates the reminder
scan fires on, the demo accounts' share, and a second load that changes nothing.

The module reads a copy of the demo (tests/demo_db.py), loaded once per date of DEMO_DATES with the clock
pinned there (issue 16): 31 December, 1 January (the running proposals year is still the previous one until its
window opens) and 29 February 2028 (years after the members demo's 2022–2026 and after the holiday table). Only
the years the date moves are loaded (load_demo --recent): the running year and a smaller previous one. 2023,
dated in 2023 whatever the day, is checked on the whole demo in test_demo_2023.py."""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from members.models import PlenarySession
from proposals import demo, selectors
from proposals.filters import officer_proposals
from proposals.models import (
    Assignment,
    CosignerInvitation,
    Proposal,
    Rating,
    RatingStatus,
    StatusChange,
)
from proposals.workflow import Status
from zhongyuan_cppcc.calendar.services import working_days_between
from zhongyuan_cppcc.core.management.commands import load_demo
from zhongyuan_cppcc.core.models import DemoDataset
from zhongyuan_cppcc.notifications.models import Delivery, Notification

from ..dates import SWEEP
from ..demo_db import PROPOSAL_LOADERS, build_output, dated_build, demo_database

pytestmark = [pytest.mark.xdist_group("demo-dated"), pytest.mark.django_db]
PARTS = ["accounts", "members", "proposals", "members-evaluation"]


DEMO_DATES = [d for d in SWEEP if d.id in ("new-year-eve", "new-year", "leap-day")]
PREVIOUS_YEAR = demo.RECENT_PREVIOUS_YEAR  # registered proposals of the completed year before the running one


@pytest.fixture(scope="module", params=DEMO_DATES, ids=[d.id for d in DEMO_DATES])
def loaded(request, django_db_setup, django_db_blocker):
    """The module's own copy of the demo loaded on this date (tests/demo_db.py); the clock stays there."""
    # 1 January loads the whole demo (the opinions and consultations demo's test of that day reads the same
    # build); the other dates, the proposals side only.
    build = dated_build(request.param) if request.param.id == "new-year" else \
        dated_build(request.param, PROPOSAL_LOADERS)
    with time_machine.travel(request.param.moment, tick=True), demo_database(build, django_db_blocker):
        yield build_output(build)


def user(username: str):
    return get_user_model().objects.get(username=username)


def running_year() -> int:
    return demo.live_year(timezone.localdate())


def live(**filters):
    """This year's proposals (the running proposals year)."""
    return Proposal.objects.filter(year=running_year(), **filters)


def current(**filters):
    """What the office works on today: the running year's proposals and the previous year's, whose handling
    goes on into this year (early in a year most of the demo's running work was filed last year)."""
    return Proposal.objects.filter(year__in=[running_year() - 1, running_year()], **filters)


def test_loader_order():
    names = [name for name, _module in load_demo.DEMO_LOADERS]
    assert names.index("members") < names.index("proposals") < names.index("members-evaluation")
    assert names[-1] == "members-evaluation"


def test_current_year_has_every_state(loaded):
    statuses = set(current().values_list("status", flat=True))
    assert {"draft", "submitted", "registered", "assigned", "reply_review", "replied", "rehandling",
            "rehandling_review", "closed", "withdrawn", "not_registered", "merged"} <= statuses
    assert current(status=Status.DRAFT, revision_requested=True).exists()
    assert current(status=Status.CLOSED).count() >= 20
    # This year has data of its own: at least what was written since its window opened.
    assert {"draft", "submitted"} <= set(live().values_list("status", flat=True))


def test_the_running_year_and_the_previous_complete_year(loaded):
    today = timezone.localdate()
    year = running_year()
    # Proposals written today are filed under the running year; before its window opens (1–11 January)
    # that is still last year's session.
    assert year == (today.year - 1 if today < date(today.year, 1, 12) else today.year)
    assert PlenarySession.objects.filter(opens_on__year=today.year).exists()
    # The year before the running one was loaded complete: every registered proposal replied and closed.
    previous = selectors.proposal_figures_by_year(years=[year - 1])[year - 1]
    assert previous.registered >= PREVIOUS_YEAR and previous.closed >= PREVIOUS_YEAR
    # Only the years the date moves were loaded (load_demo --recent): nothing before the previous year.
    assert not Proposal.objects.filter(year__lt=year - 1).exists()
    if today >= date(year, 7, 15):  # the running work was all filed this year: last year has nothing open
        open_ = Proposal.objects.filter(year=year - 1).exclude(status__in=["closed", "not_registered", "withdrawn",
                                                                              "merged"])
        assert not open_.exists()


def test_reminders_fire_on_the_first_scan(loaded):
    today = timezone.localdate()
    running = current(status=Status.ASSIGNED)
    for days in (30, 7, 1):
        assert running.filter(reply_due_on=today + timedelta(days=days)).exists(), days
    overdue = running.filter(reply_due_on__lt=today)
    assert overdue.filter(reply_due_on__lt=today - timedelta(days=15)).count() >= 2
    assert overdue.filter(reply_due_on__lt=today - timedelta(days=15), is_key=True,
                          supervising_leader__username="demo-leader").exists()
    assert overdue.filter(reply_due_on__gte=today - timedelta(days=15)).exists()

    pending = Assignment.objects.filter(answer="pending", superseded_at__isnull=True,
                                        proposal__status=Status.ASSIGNED)
    assert any(working_days_between(a.assigned_on, today) >= 3 for a in pending)
    opinions = Assignment.objects.filter(role="co", superseded_at__isnull=True, opinion_submitted_at__isnull=True,
                                         proposal__status=Status.ASSIGNED)
    assert {today + timedelta(days=7), today + timedelta(days=1)} <= set(opinions.values_list("opinion_due_on",
                                                                                              flat=True))
    open_ratings = Rating.objects.filter(status=RatingStatus.OPEN, proposal__status=Status.REPLIED)
    late = [r for r in open_ratings if 10 <= working_days_between(r.requested_on, today) <= 15]
    assert late and any(r.user.username == "demo-member" for r in late)
    due_followups = Proposal.objects.filter(followup_due_on__lte=today, followup_done_at__isnull=True)
    assert due_followups.filter(reply_class="B").exists()


def test_demo_accounts_have_their_share(loaded):
    member, handler, officer, leader = (user(n) for n in ("demo-member", "demo-handler", "demo-proposal-officer",
                                                          "demo-leader"))
    mine = selectors.my_proposals_for(user=member)
    assert mine.filter(status=Status.DRAFT, author=member, revision_requested=False).count() >= 2
    assert mine.filter(status=Status.DRAFT, revision_requested=True).exists()
    assert CosignerInvitation.objects.filter(proposal__author=member, status="pending").exists()
    assert selectors.invitations_waiting_for(user=member).exists()
    waiting = [p for p in mine.filter(status=Status.REPLIED)
               if selectors.open_rating_for(user=member, proposal=p) is not None]
    assert waiting

    units = selectors.unit_proposals_for(user=handler)
    assert units.filter(status=Status.ASSIGNED).count() >= 4
    assert any(p.is_overdue for p in units)
    assert units.filter(status=Status.REPLY_REVIEW).exists()
    assert Assignment.objects.filter(unit__officers=handler, answer="pending", superseded_at__isnull=True).exists()

    assert selectors.reply_approval_queue_for(user=officer).count() >= 3
    assert officer_proposals(officer, {"status": "submitted"})[1].exists()
    supervised = sum(selectors.key_proposals_for(user=leader, year=year).filter(supervising_leader=leader).count()
                     for year in (running_year() - 1, running_year()))
    assert supervised >= 3

    # This year's events are in the inboxes, without e-mail or SMS deliveries (that past years' are not is
    # checked on the whole demo, test_demo_2023.py).
    assert Notification.objects.filter(recipient=officer, kind="proposals.submitted").exists()
    assert Notification.objects.filter(recipient=member).exists()
    assert not Delivery.objects.filter(notification__kind__startswith="proposals.").exists()


def test_loading_again_changes_nothing(loaded):
    assert "demo data 'proposals': loaded" in loaded
    before = (Proposal.objects.count(), StatusChange.objects.count(), Rating.objects.count(),
              DemoDataset.objects.count())
    out = io.StringIO()
    call_command("load_demo", only=PARTS, stdout=out)
    assert "demo data 'proposals': already loaded" in out.getvalue()
    assert (Proposal.objects.count(), StatusChange.objects.count(), Rating.objects.count(),
            DemoDataset.objects.count()) == before
