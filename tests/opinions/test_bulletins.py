"""Bulletin issues: compiling adopted reports, numbering per year (also under concurrency), print and PDF."""

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from opinions import services
from opinions.errors import OpinionError
from opinions.models import Bulletin
from tests.factories import make_user
from tests.opinions.factories import make_report
from zhongyuan_cppcc.notifications.models import Notification


@pytest.fixture
def officer(db):
    return make_user("opinion_officer")


def compiled(officer, *reports) -> Bulletin:
    bulletin = services.bulletin_create(actor=officer)
    services.bulletin_set_reports(bulletin=bulletin, actor=officer, report_ids=[r.pk for r in reports])
    return bulletin


@pytest.mark.django_db
@time_machine.travel("2024-01-05 10:00 +0800", tick=False)
def test_numbers_per_year_and_order(officer, django_capture_on_commit_callbacks):
    first, second = (make_report(officer=officer, status="adopted", title=t) for t in ("甲", "乙"))
    bulletin = compiled(officer, second, first)
    assert [e.report_id for e in bulletin.entries.order_by("position")] == [second.pk, first.pk]
    with django_capture_on_commit_callbacks(execute=True):
        published = services.bulletin_publish(bulletin=bulletin, actor=officer, published_on=date(2023, 12, 1))
    assert (published.year, published.number, str(published)) == (2023, 1, "信息专刊 2023年第1期")
    assert Notification.objects.filter(recipient=first.author, kind="opinions.published").count() == 1
    again = services.bulletin_publish(bulletin=compiled(officer, make_report(officer=officer, status="adopted")),
                                      actor=officer, published_on=date(2023, 12, 2))
    assert again.number == 2
    new_year = services.bulletin_publish(bulletin=compiled(officer, make_report(officer=officer, status="adopted")),
                                         actor=officer, published_on=date(2024, 1, 3))
    assert (new_year.year, new_year.number) == (2024, 1)
    # Published issues no longer change.
    with pytest.raises(OpinionError):
        services.bulletin_set_reports(bulletin=published, actor=officer, report_ids=[])


@pytest.mark.django_db
def test_a_report_is_in_one_issue_only_and_must_be_adopted(officer):
    report = make_report(officer=officer, status="adopted")
    compiled(officer, report)
    with pytest.raises(OpinionError) as exc:
        compiled(officer, report)
    assert "只能" in str(exc.value) or "one issue" in str(exc.value)
    with pytest.raises(OpinionError):
        compiled(officer, make_report(officer=officer, status="kept"))
    empty = services.bulletin_create(actor=officer)
    with pytest.raises(OpinionError):
        services.bulletin_publish(bulletin=empty, actor=officer)
    assert Bulletin.objects.filter(number__isnull=False).count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_officers_publishing_at_once_get_different_numbers():
    officer = make_user("opinion_officer")
    bulletins = [compiled(officer, make_report(officer=officer, status="adopted")) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors, numbers = [], []

    def publish(bulletin):
        try:
            barrier.wait(timeout=10)
            numbers.append(services.bulletin_publish(bulletin=bulletin, actor=officer).number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(b,)) for b in bulletins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(numbers) == [1, 2]


@pytest.mark.django_db
def test_pages_print_and_pdf(officer, client_for):
    report = make_report(officer=officer, status="adopted", title="<b>停车</b>")
    client = client_for(officer)
    response = client.post(reverse("opinions:bulletin-create"))
    bulletin = Bulletin.objects.get()
    assert response["Location"] == bulletin.get_absolute_url()
    client.post(reverse("opinions:bulletin-compile", args=[bulletin.pk]), {"report": [report.pk],
                                                                            f"pos-{report.pk}": "1"})
    # Bad order input: a message, nothing changed.
    response = client.post(reverse("opinions:bulletin-compile", args=[bulletin.pk]),
                           {"report": ["x"]}, follow=True)
    assert response.status_code == 200 and bulletin.entries.count() == 1
    # Leaders do not see draft issues.
    leader = client_for(make_user("leader"))
    assert leader.get(bulletin.get_absolute_url()).status_code == 404
    client.post(reverse("opinions:bulletin-publish", args=[bulletin.pk]), {"published_on": ""})
    bulletin.refresh_from_db()
    assert bulletin.number == 1
    page = leader.get(reverse("opinions:bulletin-print", args=[bulletin.pk])).content.decode()
    assert "年第1期" in page and "&lt;b&gt;停车&lt;/b&gt;" in page and "<b>停车</b>" not in page
    assert 'data-testid="bulletin-pdf"' in page and "Ctrl+P" not in page  # WeChat's browser cannot print a page
    pdf = leader.get(reverse("opinions:bulletin-pdf", args=[bulletin.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert client_for(make_user("member")).get(reverse("opinions:bulletin-pdf", args=[bulletin.pk])).status_code == 404
    # The author sees which issue carried the report.
    assert "年第1期" in client_for(report.author).get(report.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_list_shows_drafts_to_the_office_only(officer, client_for):
    draft = services.bulletin_create(actor=officer)
    published = compiled(officer, make_report(officer=officer, status="adopted"))
    services.bulletin_publish(bulletin=published, actor=officer)
    office = client_for(officer).get(reverse("opinions:bulletin-list")).content.decode()
    leader = client_for(make_user("leader")).get(reverse("opinions:bulletin-list")).content.decode()
    assert draft.get_absolute_url() in office and draft.get_absolute_url() not in leader
    assert published.get_absolute_url() in leader


@pytest.mark.django_db
def test_bad_publication_dates_are_refused_with_a_message(officer, client_for):
    bulletin = compiled(officer, make_report(officer=officer, status="adopted"))
    client = client_for(officer)
    for value in ("2023-13-45", "abc", "2999-01-01"):
        response = client.post(reverse("opinions:bulletin-publish", args=[bulletin.pk]), {"published_on": value},
                               follow=True)
        assert response.status_code == 200, value
        bulletin.refresh_from_db()
        assert bulletin.number is None, value
