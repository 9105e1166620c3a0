"""The benchmark's synthetic consultations (bench/scenarios/consultations.py): the rows are what the
scenario says it wrote (per kind and state), the lists and scopes see them, and measure() reports its pages."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db.models import Count

from bench.harness import SeedContext
from bench.scenarios import consultations as scenario
from consultations import selectors
from consultations.models import (
    FollowUp,
    OfficerStreet,
    Outcome,
    OutcomeStatusChange,
    Participation,
    Room,
    Session,
    SessionKind,
    SessionStatusChange,
    SupervisionProject,
    Topic,
)
from consultations.workflow import OPEN_OUTCOME_STATUSES, OutcomeStatus, SessionStatus, TopicStatus
from members.models import Street
from tests.bench_client import ClientMeasureContext

from ..dates import SWEEP


def _build():
    return scenario.build(SeedContext("small"), sessions=300, outcomes=900, topics=60, projects=12)


def _user(username):
    return get_user_model().objects.get(username=username)


@pytest.mark.dated
def test_rows_are_what_the_seed_reports(db, clock):
    seeded = _build()
    by_kind_status = {(row["kind"], row["status"]): row["n"] for row in
                      Session.objects.order_by().values("kind", "status").annotate(n=Count("pk"))}
    assert by_kind_status == seeded.sessions
    assert sum(seeded.sessions.values()) == Session.objects.count() == 300
    assert {kind for kind, _status in seeded.sessions} == set(SessionKind.values)
    assert {status for _kind, status in seeded.sessions} == set(SessionStatus.values)
    assert set(Session.objects.dates("date", "year").values_list("date__year", flat=True)) \
        >= {scenario.FIRST_YEAR, clock.year}
    assert not Session.objects.filter(date__gt=clock).exclude(status=SessionStatus.PLANNED).exists()

    outcomes = dict(Outcome.objects.order_by().values_list("status").annotate(n=Count("pk")))
    assert outcomes == seeded.outcomes and set(outcomes) == set(OutcomeStatus.values)
    assert Outcome.objects.count() == 900
    assert not Outcome.objects.filter(session__status=SessionStatus.PLANNED).exists()
    open_ = Outcome.objects.filter(status__in=OPEN_OUTCOME_STATUSES)
    assert open_.filter(due_on__lt=clock).count() == seeded.overdue > 0
    assert open_.filter(due_on__gte=clock, due_on__lte=clock + timedelta(days=14)).count() == seeded.due_soon

    topics = dict(Topic.objects.order_by().values_list("status").annotate(n=Count("pk")))
    assert topics == seeded.topics and set(topics) == set(TopicStatus.values)
    assert not Topic.objects.filter(status=TopicStatus.SCHEDULED, session=None).exists()

    rooms = dict(Room.objects.order_by().values_list("level").annotate(n=Count("pk")))
    assert rooms == seeded.rooms and rooms["district"] == 1
    assert rooms["street"] == Street.objects.count() == Street.objects.filter(
        consultation_rooms__level="street").distinct().count()
    assert SupervisionProject.objects.count() == seeded.projects == 12
    visits = Session.objects.filter(kind=SessionKind.SUPERVISION)
    assert not visits.filter(project=None).exists()
    assert all(v.street_id == v.project.street_id for v in visits.select_related("project"))
    assert Participation.objects.count() == seeded.participations
    assert not Participation.objects.filter(session__status=SessionStatus.PLANNED).exclude(
        attendance="invited").exists()
    assert FollowUp.objects.count() == seeded.follow_ups


@pytest.mark.django_db
def test_timelines_end_in_the_row_status():
    with time_machine.travel(SWEEP[0].moment, tick=True):
        _build()
    steps = {"planned": 1, "held": 2, "recorded": 3, "closed": 4}
    for session in Session.objects.order_by("pk")[:60]:
        changes = list(SessionStatusChange.objects.filter(session=session).order_by("at", "id"))
        assert len(changes) == steps[session.status]
        assert changes[0].verb == "create" and changes[-1].to_status == session.status
    for outcome in Outcome.objects.order_by("pk")[:60]:
        last = OutcomeStatusChange.objects.filter(outcome=outcome).order_by("at", "id").last()
        assert last.to_status == outcome.status


@pytest.mark.django_db
def test_scopes_and_measure_report_the_pages():
    with time_machine.travel(SWEEP[0].moment, tick=True):
        _build()
        street_officer = _user(scenario.STREET_OFFICER)
        street = OfficerStreet.objects.get(user=street_officer).street
        scoped = selectors.sessions_for(user=street_officer)
        assert scoped.count() == Session.objects.filter(street=street).count() > 0
        assert selectors.sessions_for(user=_user(scenario.OFFICER)).count() == 300

        ctx = ClientMeasureContext()
        scenario.measure(ctx)
    pages = [r for r in ctx.results if r.kind == "page"]
    assert len(pages) == 9
    for page in pages:
        assert page.values["errors"] == 0, page.name
        assert page.values["queries"] > 0 and page.values["median_ms"] > 0
        assert page.values["raw_sql_ms"] > 0 and page.values["ratio_sql"] > 0, page.name
    checks = [r for r in ctx.results if r.kind == "check"]
    assert len(checks) == 2 and all(c.values["ok"] for c in checks), [c.values for c in checks]
    panel = [r for r in ctx.results if r.kind == "figure"]
    assert len(panel) == 1 and panel[0].values["notes"]["figures"] >= 6


@pytest.mark.django_db
def test_panel_and_list_figures_match_their_plain_definitions():
    """The dashboard's grouped project count and the list's per-page outcome counts agree with the plain
    queries they replace, also for a visit filed under another street than its project's."""
    from consultations.panels import dashboard_panels
    from zhongyuan_cppcc.dashboard.scope import DashboardScope

    with time_machine.travel(SWEEP[0].moment, tick=True):
        _build()
        year = SWEEP[0].day.year
        visit = Session.objects.filter(kind=SessionKind.SUPERVISION, date__year=year).order_by("pk").first()
        other = Street.objects.exclude(pk=visit.project.street_id).order_by("pk").first()
        Session.objects.filter(pk=visit.pk).update(street=other)
        for username in (scenario.OFFICER, scenario.STREET_OFFICER, scenario.LEADER):
            user = _user(username)
            counts = selectors.supervised_project_counts(user=user, first_year=year - 1, last_year=year)
            for y in (year - 1, year):
                plain = selectors.projects_for(user=user).filter(visits__date__year=y).distinct().count()
                assert counts.get(y, 0) == plain, (username, y)
        figures = {f.url: f for f in dashboard_panels(_user(scenario.LEADER), year, DashboardScope())[0].figures}
        plain = selectors.projects_for(user=_user(scenario.LEADER)).filter(visits__date__year=year).distinct()
        assert figures[f"/consultations/supervision/?year={year}"].value == plain.count() > 0

        ctx = ClientMeasureContext()
        response, body, _wall = ctx.get("/consultations/?per_page=100", scenario.OFFICER)
    assert response.status == 200
    text = body.decode()
    for session in Session.objects.order_by("-date", "-id")[:5]:
        n = session.outcomes.count()
        assert f'href="{session.get_absolute_url()}"' in text
        row = text.split(f'href="{session.get_absolute_url()}"', 1)[1].split("</tr>", 1)[0]
        assert f'class="text-end">{n}</td>' in row, (session.pk, n)
