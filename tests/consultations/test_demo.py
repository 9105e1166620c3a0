"""The consultations demo data: the 2023 figures of the work report, every state in the current year."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from consultations.models import Outcome, Room, Session, SessionKind, Topic
from consultations.workflow import OutcomeStatus, SessionStatus, TopicStatus
from members.models import LedgerEvent, Street

from ..demo_db import FULL, demo_database

pytestmark = pytest.mark.xdist_group("demo-full")

LOADERS = ["accounts", "members", "consultations"]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The module's own copy of the whole demo, loaded on 15 June 2026 (tests/demo_db.py)."""
    with demo_database(FULL, django_db_blocker):
        yield


@pytest.fixture
def demo(loaded, db, time_machine):
    time_machine.move_to(FULL.moment, tick=False)


def outcomes(year: int, kind: str) -> int:
    return Outcome.objects.filter(session__date__year=year, session__kind=kind).count()


def test_2023_is_the_work_report(demo):
    street_rooms = Room.objects.filter(level="street")
    assert Street.objects.count() == 14
    assert street_rooms.values("street").distinct().count() == 14
    assert street_rooms.filter(renovated_on__year=2023).count() == 3
    s2023 = Session.objects.filter(date__year=2023)
    assert s2023.filter(kind=SessionKind.GRASSROOTS).count() == 46
    assert s2023.filter(kind=SessionKind.THEMATIC).count() == 2 and outcomes(2023, SessionKind.THEMATIC) == 33
    assert s2023.filter(kind=SessionKind.STANDING).count() == 3 and outcomes(2023, SessionKind.STANDING) > 60
    assert s2023.filter(kind=SessionKind.COMMITTEE).count() == 6 and outcomes(2023, SessionKind.COMMITTEE) > 20
    visits = s2023.filter(kind=SessionKind.SUPERVISION)
    assert visits.count() == 37
    assert visits.values("project").distinct().count() == 27
    assert visits.values("project__street").distinct().count() == 14
    assert outcomes(2023, SessionKind.SUPERVISION) == 20
    assert not s2023.exclude(status=SessionStatus.CLOSED).exists()
    titles = set(Topic.objects.filter(session__date__year=2023).values_list("title", flat=True))
    assert {"小区消防安全", "楼道杂物堆积处理", "电动充电桩管理", "老旧小区电梯加装"} <= titles
    # Attendance fed the ledger: one live event per attending member and session.
    attended = Session.objects.filter(date__year=2023, participations__attendance="attended").count()
    assert LedgerEvent.objects.filter(date__year=2023, kind__in=["consultation", "supervision"], subkind__in=[
        "session", "visit"], withdrawn_at__isnull=True).count() == attended


def test_past_years_closed_and_the_current_year_in_every_state(demo):
    assert not Session.objects.filter(date__year__in=[2024, 2025]).exclude(status=SessionStatus.CLOSED).exists()
    assert Session.objects.filter(date__year=2024).exists() and Session.objects.filter(date__year=2025).exists()
    live = Session.objects.filter(date__gte="2026-01-01")
    assert set(live.values_list("status", flat=True)) == set(SessionStatus.values)
    open_outcomes = Outcome.objects.filter(status__in=["open", "implementing"])
    assert open_outcomes.filter(due_on__lt="2026-06-15").exists()  # overdue
    assert open_outcomes.filter(due_on__gte="2026-06-15", due_on__lte="2026-06-29").exists()  # due soon
    assert set(Outcome.objects.filter(session__date__gte="2026-01-01").values_list("status", flat=True)) == \
        set(OutcomeStatus.values)
    assert set(Topic.objects.values_list("status", flat=True)) == set(TopicStatus.values)
    converted = Outcome.objects.get(proposal__isnull=False)
    assert converted.converted_for.user.username == "demo-member"
    assert Topic.objects.filter(proposed_by__username="demo-member").exists()
    by_kind = dict(live.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    assert by_kind.get(SessionKind.SUPERVISION) and by_kind.get(SessionKind.THEMATIC)
    # Loading twice changes nothing.
    counts = (Session.objects.count(), Outcome.objects.count(), Topic.objects.count(), Room.objects.count())
    call_command("load_demo", only=LOADERS, stdout=io.StringIO())
    assert (Session.objects.count(), Outcome.objects.count(), Topic.objects.count(), Room.objects.count()) == counts


def test_demo_pages_open_for_every_demo_role(demo, client_for):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    users = get_user_model().objects
    pages = [reverse(f"consultations:{name}") for name in ("session-list", "outcome-list", "topic-list",
                                                             "room-list", "coverage", "project-list")]
    pages += [reverse("consultations:room-list") + "?view=cards", "/"]
    for username in ("demo-consultation-officer", "demo-street-officer", "demo-leader"):
        client = client_for(users.get(username=username))
        for url in pages:
            assert client.get(url).status_code == 200, (username, url)
        for session in Session.objects.filter(date__year=2026)[:5]:
            assert client.get(session.get_absolute_url()).status_code in (200, 404)
    street_officer = client_for(users.get(username="demo-street-officer"))
    listed = street_officer.get(reverse("consultations:session-list")).context["page_obj"].paginator.count
    assert 0 < listed < Session.objects.count()
    member = client_for(users.get(username="demo-member"))
    assert member.get(reverse("consultations:session-list")).context["page_obj"].paginator.count >= 1
    converted = Outcome.objects.get(proposal__isnull=False)
    assert member.get(converted.session.get_absolute_url()).status_code == 200
    assert member.get(reverse("consultations:my-topics")).status_code == 200
