"""The proposals demo's 2023: the work report's figures, the members' 2023 evaluation, and past years loaded
without notifications. Every step of 2023 is dated in 2023, the same whatever day the demo is loaded on, so it
is checked once, on the whole demo (FULL, tests/demo_db.py); the dated builds of test_demo.py load only the
years the date moves."""

import pytest
from django.contrib.auth import get_user_model

from members.models import LedgerEvent
from members.scoring import Grade, annual_ranking
from members.selectors import eligible_members_for_year
from proposals import selectors
from proposals.models import Proposal, ProposerKind, Reply, StatusChange
from proposals.workflow import Status
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.notifications.models import Delivery, Notification

from ..demo_db import FULL, demo_database

pytestmark = [pytest.mark.xdist_group("demo-full"), pytest.mark.django_db]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The module's own copy of the whole demo, loaded on 15 June 2026."""
    with demo_database(FULL, django_db_blocker):
        yield


def test_2023_figures_of_the_work_report(loaded):
    figures = selectors.proposal_figures_by_year(years=[2023])[2023]
    assert figures.registered == 212
    assert figures.replied == 212 and figures.closed == 212 and figures.reply_rate == 1.0
    assert 6 <= figures.key <= 20 and 8 <= figures.excellent <= 25
    satisfaction = selectors.satisfaction_by_year(years=[2023])[2023]
    assert satisfaction.rated >= 212
    assert satisfaction.satisfied > satisfaction.basically_satisfied > satisfaction.dissatisfied >= 1
    assert 0.95 <= satisfaction.satisfaction_rate < 1.0

    year = Proposal.objects.filter(year=2023)
    assert {"not_registered", "merged", "withdrawn"} <= set(year.values_list("status", flat=True))
    registered = year.filter(status=Status.CLOSED)
    assert registered.filter(kind=ProposerKind.JOINT).count() >= 30
    assert registered.filter(kind=ProposerKind.COLLECTIVE).exists()
    assert registered.filter(rehandling_count=1).count() >= 3
    assert set(registered.values_list("reply_class", flat=True)) == {"A", "B", "C"}
    assert not registered.filter(reply_class="B", followup_done_at__isnull=True).exists()
    assert registered.exclude(supervising_leader=None).filter(is_key=True).count() == figures.key
    assert registered.values("lead_unit").distinct().count() >= 15
    serials = sorted(registered.values_list("serial", flat=True))
    assert serials == list(range(1, 213))  # no gaps: the merged and rejected ones were never numbered
    # Built through the services: timelines, audit rows and ledger events are real.
    assert StatusChange.objects.filter(proposal__in=registered, verb="close").count() == 212
    assert AuditEvent.objects.filter(action="proposals.register").count() >= 212
    assert LedgerEvent.objects.filter(kind="proposal", subkind="lead", date__year=2023).count() >= 150
    assert Reply.objects.filter(proposal__in=registered, document__isnull=False).count() >= 212


def test_the_2023_evaluation_still_has_61_excellent_members(loaded):
    ranking = annual_ranking(year=2023, members=eligible_members_for_year(2023))
    assert sum(1 for r in ranking.rows if r.grade == Grade.EXCELLENT) == 61



def test_the_demo_member_has_closed_2023_proposals_and_past_years_notified_nobody(loaded):
    mine = selectors.my_proposals_for(user=get_user_model().objects.get(username="demo-member"))
    assert mine.filter(year=2023, status=Status.CLOSED).count() >= 3
    # Past years are loaded without notifications (they would flood the inboxes with old news), and the demo
    # sends no e-mail or SMS.
    assert not Notification.objects.filter(kind__startswith="proposals.", target_id__in=[
        str(pk) for pk in Proposal.objects.filter(year=2023).values_list("pk", flat=True)]).exists()
    assert not Delivery.objects.filter(notification__kind__startswith="proposals.").exists()
