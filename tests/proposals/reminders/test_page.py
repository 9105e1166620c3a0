"""The reminders page, the manual urge (催办) and the management command."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from proposals.models import Assignment, Milestone, Proposal, Reminder, ReminderKind, ReminderStatus
from proposals.reminders.scan import scan
from proposals.reminders.sending import reminder_send
from tests.factories import make_user
from tests.proposals.factories import ProposalFactory
from tests.proposals.reminders.conftest import at
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.notifications.models import Notification

pytestmark = pytest.mark.django_db
PAGE = reverse("proposals:reminders")


class TestPage:
    def test_shows_what_was_sent_to_whom_and_when(self, w, published, client_for):
        p = ProposalFactory(assigned=True)
        Assignment.objects.filter(proposal=p).update(answer="accepted")
        day = p.reply_due_on - timedelta(days=7)
        scan(now=at(day.year, day.month, day.day))
        row = Reminder.objects.get()
        reminder_send(row.pk, now=at(day.year, day.month, day.day))
        page = client_for(w.officer).get(PAGE).content.decode()
        assert f'data-reminder="{row.pk}"' in page and p.number in page
        assert str(w.lead_handler) in page and "区城市管理局" in page
        assert str(Milestone.REPLY_DUE_7.label) in page or "第二次" in page

    @pytest.mark.dated
    def test_due_next_lists_open_deadlines_with_the_next_reminder(self, w, published, client_for):
        today = timezone.localdate()
        soon = ProposalFactory(assigned=True)
        late = ProposalFactory(assigned=True)
        Proposal.objects.filter(pk=soon.pk).update(reply_due_on=today + timedelta(days=10))
        Proposal.objects.filter(pk=late.pk).update(reply_due_on=today - timedelta(days=3))
        response = client_for(w.officer).get(PAGE)
        due_next = response.context["due_next"]
        assert [p.pk for p in due_next] == [late.pk, soon.pk]
        assert due_next[0].days_overdue == 3 and due_next[0].next_on == today
        assert due_next[1].next_label == Milestone.REPLY_DUE_7.label
        assert due_next[1].next_on == today + timedelta(days=3)
        assert not Reminder.objects.exists()  # computed, not sent

    def test_filters(self, w, published, client_for):
        p = ProposalFactory(assigned=True)
        Proposal.objects.filter(pk=p.pk).update(reply_due_on=date(2026, 3, 1))
        Assignment.objects.update(answer="accepted")
        scan(now=at(2026, 3, 2, 9))
        Reminder.objects.filter(recipient=w.officer).update(status=ReminderStatus.FAILED, error="boom")
        client = client_for(w.officer)
        failed = client.get(PAGE, {"status": "failed"}).context["reminders"]
        assert [r.recipient for r in failed] == [w.officer]
        assert len(client.get(PAGE, {"milestone": "overdue"}).context["reminders"]) == 2
        assert len(client.get(PAGE, {"milestone": "urge"}).context["reminders"]) == 0
        assert len(client.get(PAGE, {"q": p.number}).context["reminders"]) == 2
        assert client.get(PAGE, {"status": "nonsense"}).status_code == 200

    @pytest.mark.parametrize("role,status", [("proposal_officer", 200), ("leader", 200), ("handler", 403),
                                             ("member", 403)])
    def test_who_sees_it(self, client_for, role, status):
        assert client_for(make_user(role)).get(PAGE).status_code == status

    def test_leaders_read_without_the_urge_buttons(self, w, published, client_for):
        p = ProposalFactory(assigned=True)
        Proposal.objects.filter(pk=p.pk).update(reply_due_on=timezone.localdate() + timedelta(days=3))
        page = client_for(w.leader).get(PAGE).content.decode()
        assert p.number in page and reverse("proposals:urge", args=[p.pk]) not in page
        page = client_for(w.officer).get(PAGE).content.decode()
        assert reverse("proposals:urge", args=[p.pk]) in page


class TestUrge:
    def test_urge_reminds_the_units_officers_once_a_day(self, w, published, client_for,
                                                          django_capture_on_commit_callbacks):
        p = ProposalFactory(assigned=True)
        client = client_for(w.officer)
        url = reverse("proposals:urge", args=[p.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"note": "请加快办理"})
            client.post(url, {"note": "请加快办理"})  # double click
        assert response.status_code == 302 and response["Location"] == PAGE
        rows = Reminder.objects.filter(milestone=Milestone.URGE)
        assert set(rows.values_list("recipient__username", flat=True)) == {"unit-lead-officer", "unit-co-officer"}
        assert rows.count() == 2 and all(r.kind == ReminderKind.URGE and r.created_by == w.officer for r in rows)
        assert sorted(args for name, args in published if name == "proposals.reminders.send") == sorted(
            (r.pk,) for r in rows)
        for r in rows:
            reminder_send(r.pk)
            reminder_send(r.pk)
        notes = Notification.objects.filter(kind="proposals.reminder.urge")
        assert notes.count() == 2 and "请加快办理" in notes.first().body
        assert AuditEvent.objects.filter(action="proposals.urge").count() == 2

    def test_urge_while_the_broker_is_down_is_published_by_the_next_scan(self, w, published, client_for,
                                                                        monkeypatch,
                                                                        django_capture_on_commit_callbacks):
        """The urge answers as usual; its rows are unmarked, so the next scan (not one after
        reminders.stuck_after_minutes) publishes them once the broker is back."""
        from proposals.reminders import tasks
        from zhongyuan_cppcc.core import tasks_util

        p = ProposalFactory(assigned=True)
        monkeypatch.setattr(tasks_util, "_broker_down_until", 0.0)

        def refuse(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        with monkeypatch.context() as down:
            down.setattr(tasks.reminder_send_task, "apply_async", refuse)
            with django_capture_on_commit_callbacks(execute=True):
                response = client_for(w.officer).post(reverse("proposals:urge", args=[p.pk]), {"note": "请加快"})
        assert response.status_code == 302
        rows = Reminder.objects.filter(milestone=Milestone.URGE)
        assert rows.count() == 2
        assert set(rows.values_list("status", "enqueued_at")) == {(ReminderStatus.PENDING, None)}
        assert published == []
        monkeypatch.setattr(tasks_util, "_broker_down_until", 0.0)  # the back-off is over: the broker is back
        with django_capture_on_commit_callbacks(execute=True):
            scan(now=timezone.now() + timedelta(minutes=1))
        assert sorted(args for name, args in published if name == "proposals.reminders.send") == sorted(
            (pk,) for pk in rows.values_list("pk", flat=True))

    def test_urge_goes_back_to_a_local_next_page_only(self, w, published, client_for):
        p = ProposalFactory(assigned=True)
        client = client_for(w.officer)
        url = reverse("proposals:urge", args=[p.pk])
        assert client.post(url, {"next": f"/proposals/{p.pk}/"})["Location"] == f"/proposals/{p.pk}/"
        assert client.post(url, {"next": "https://evil.example/"})["Location"] == PAGE

    def test_a_proposal_not_being_handled_cannot_be_urged(self, w, published, client_for):
        p = ProposalFactory(submitted=True)
        response = client_for(w.officer).post(reverse("proposals:urge", args=[p.pk]), follow=True)
        assert response.status_code == 200 and not Reminder.objects.exists()
        assert any("urged" in str(m) or "催办" in str(m) for m in response.context["messages"])

    def test_only_proposal_officers_urge_and_only_by_post(self, w, published, client_for):
        p = ProposalFactory(assigned=True)
        url = reverse("proposals:urge", args=[p.pk])
        assert client_for(w.leader).post(url).status_code == 403
        assert client_for(w.lead_handler).post(url).status_code == 403
        assert client_for(w.officer).get(url).status_code == 405
        assert client_for(w.officer).post(reverse("proposals:urge", args=[99999])).status_code == 404
        assert not Reminder.objects.exists()


@pytest.mark.dated
def test_management_command_runs_one_scan(w, published, capsys):
    p = ProposalFactory(assigned=True)
    Proposal.objects.filter(pk=p.pk).update(reply_due_on=timezone.localdate() + timedelta(days=1))
    Assignment.objects.filter(proposal=p).update(answer="accepted")
    call_command("send_due_reminders", "--inline")
    assert "1 new reminders" in capsys.readouterr().out
    assert Reminder.objects.get().status == ReminderStatus.SENT
    call_command("send_due_reminders")
    assert "0 new reminders" in capsys.readouterr().out
    assert Notification.objects.filter(kind__startswith="proposals.reminder").count() == 1


def test_beat_schedules_the_scan_every_15_minutes_and_the_digest_at_0830_beijing(settings):
    from datetime import timedelta as td

    entries = {e["task"]: e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].startswith("proposals.")}
    schedule = [e["schedule"] for e in settings.CELERY_BEAT_SCHEDULE.values()
                if e["task"] == "proposals.reminders.scan"]
    assert "proposals.reminders.scan" in entries and td(minutes=15) in schedule
    crontabs = [s for s in schedule if not isinstance(s, td)]
    assert crontabs and crontabs[0].hour == {8} and crontabs[0].minute == {30}
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_the_officers_home_links_to_the_reminders(w, client_for):
    page = client_for(w.officer).get(reverse("home")).content.decode()
    assert PAGE in page and f"{PAGE}?status=failed" in page
    assert PAGE not in client_for(w.lead_handler).get(reverse("home")).content.decode()


def test_urge_form_include_for_the_detail_page_and_the_proposal_filter(w, published, rf, client_for):
    from django.template.loader import render_to_string

    p = ProposalFactory(assigned=True)
    other = ProposalFactory(assigned=True)
    for proposal in (p, other):
        client_for(w.officer).post(reverse("proposals:urge", args=[proposal.pk]))
    request = rf.get(f"/proposals/{p.pk}/")
    request.user = w.officer
    html = render_to_string("proposals/reminders/_urge_form.html", {"proposal": p}, request=request)
    assert reverse("proposals:urge", args=[p.pk]) in html and f"?proposal={p.pk}" in html
    request.user = w.leader
    assert "form" not in render_to_string("proposals/reminders/_urge_form.html", {"proposal": p}, request=request)
    shown = client_for(w.officer).get(PAGE, {"proposal": p.pk}).context["reminders"]
    assert {r.proposal_id for r in shown} == {p.pk}


def test_the_navigation_leads_the_office_and_leaders_to_the_reminders(w, client_for):
    from tests.proposals.factories import make_member

    for user in (w.officer, w.leader):
        assert f'href="{PAGE}"' in client_for(user).get("/").content.decode()
    for user in (w.lead_handler, make_member("nav-reminders-member").user):
        assert f'href="{PAGE}"' not in client_for(user).get("/").content.decode()
