"""Overdue outcomes: each officer in scope is notified once per outcome and due date, whatever the scans."""

from datetime import date

import pytest

from consultations import services
from consultations.models import OutcomeReminder
from consultations.reminders import KIND, overdue_scan
from consultations.tasks import outcome_overdue_scan_task
from consultations.workflow import OutcomeVerb
from zhongyuan_cppcc.notifications.models import Delivery, DeliveryStatus, Notification

from .conftest import make_session


@pytest.fixture
def overdue(world):
    session = make_session(world.officer_a, street=world.street_a, date_=date(2025, 5, 1))
    services.session_hold(actor=world.officer_a, session=session)
    late = services.outcome_add(actor=world.officer_a, session=session, text="清理楼道杂物", due_on=date(2025, 6, 1))
    services.outcome_add(actor=world.officer_a, session=session, text="未到期", due_on=date(2025, 7, 1))
    done = services.outcome_add(actor=world.officer_a, session=session, text="已落实", due_on=date(2025, 6, 1))
    services.outcome_move(actor=world.officer_a, outcome=done, verb=OutcomeVerb.IMPLEMENT)
    return late


def notified(user):
    return Notification.objects.filter(recipient=user, kind=KIND)


def test_each_officer_in_scope_is_notified_once(world, overdue):
    first = overdue_scan(today=date(2025, 6, 16))
    assert first.notified == 2  # the street's officer and the district officer
    assert notified(world.officer_a).count() == 1 and notified(world.district_officer).count() == 1
    assert not notified(world.officer_b).exists() and not notified(world.leader).exists()
    assert overdue_scan(today=date(2025, 6, 16)).notified == 0
    assert outcome_overdue_scan_task() == 0
    assert Notification.objects.filter(kind=KIND).count() == 2
    assert notified(world.officer_a).get().url == overdue.get_absolute_url()


def test_a_lost_run_is_caught_up_and_a_half_done_one_sends_nothing_twice(world, overdue):
    # The rows were written but the run died before notifying: the next scan notifies, once.
    OutcomeReminder.objects.create(outcome=overdue, recipient=world.officer_a, due_on=overdue.due_on)
    overdue_scan(today=date(2025, 6, 16))
    assert notified(world.officer_a).count() == 1
    # A notification already went out but the row was not marked: nothing more is sent.
    OutcomeReminder.objects.update(notified_at=None)
    assert overdue_scan(today=date(2025, 6, 16)).notified == 2
    assert Notification.objects.filter(kind=KIND).count() == 2


def test_a_new_due_date_is_a_new_reminder_and_digest_users_get_it_in_the_digest(world, overdue):
    world.officer_a.notification_mode = "digest"
    world.officer_a.save()
    overdue_scan(today=date(2025, 6, 16))
    assert Delivery.objects.filter(notification__recipient=world.officer_a, status=DeliveryStatus.DIGEST).exists()
    services.outcome_edit(actor=world.officer_a, outcome=overdue, text=overdue.text, due_on=date(2025, 6, 10))
    overdue_scan(today=date(2025, 6, 16))
    assert notified(world.officer_a).count() == 2
    # Once implemented, an outcome is no longer reminded of (a month later only the other one is due).
    services.outcome_move(actor=world.officer_a, outcome=overdue, verb=OutcomeVerb.IMPLEMENT)
    overdue_scan(today=date(2025, 7, 16))
    assert notified(world.officer_a).filter(target_id=str(overdue.pk)).count() == 2
    assert notified(world.officer_a).count() == 3


def test_overdue_on_the_officers_home(world, overdue, client_for):
    response = client_for(world.officer_a).get("/")
    section = next(s for s in response.context["sections"] if s.title == "协商")
    overdue_link = next(link for link in section.links if link.label == "逾期未落实的成果")
    assert overdue_link.count == 1
    listing = client_for(world.officer_a).get(overdue_link.url)
    assert [o.pk for o in listing.context["rows"]] == [overdue.pk]


def test_every_home_figure_links_to_a_list_with_the_same_count(world, overdue, client_for):
    client = client_for(world.officer_a)
    section = next(s for s in client.get("/").context["sections"] if s.title == "协商")
    for link in section.links:
        if link.count is None:
            continue
        response = client.get(link.url)
        assert response.context["page_obj"].paginator.count == link.count, link.label


def test_the_scan_is_on_the_beat_schedule(settings):
    from zhongyuan_cppcc.celery import app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "consultations.outcome_overdue_scan" in tasks
    app.loader.import_default_modules()
    assert "consultations.outcome_overdue_scan" in app.tasks
