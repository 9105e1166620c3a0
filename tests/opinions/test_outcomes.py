"""Reporting upward, outcomes per level, instructions and the points they bring to the members' ledger."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.models import LedgerEvent
from opinions import services
from opinions.errors import OpinionError
from opinions.models import Outcome
from tests.factories import make_user
from tests.members.factories import MemberFactory
from tests.opinions.factories import make_report
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.notifications.models import Notification
from zhongyuan_cppcc.workflow.errors import ActionNotAllowed, InvalidTransition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2024-06-10 10:00 +0800", tick=False):
        yield

DAY = date(2024, 6, 1)


@pytest.fixture
def officer():
    return make_user("opinion_officer")


@pytest.fixture
def member_report(officer):
    member = MemberFactory(with_account=True)
    return make_report(author=member.user, officer=officer, status="adopted"), member


def live_points(member):
    return LedgerEvent.objects.filter(member=member, kind="opinion", withdrawn_at__isnull=True)


def test_adoption_brings_points_and_withdrawal_takes_them_back(officer, member_report,
                                                               django_capture_on_commit_callbacks):
    report, member = member_report
    with django_capture_on_commit_callbacks(execute=True):
        [outcome] = services.outcome_record(report=report, actor=officer, level="city", kind="alone", day=DAY)
    assert list(live_points(member).values_list("subkind", flat=True)) == ["adopted_city"]
    assert Notification.objects.filter(recipient=member.user, kind="opinions.outcome").count() == 1
    with pytest.raises(OpinionError):  # one adoption per level
        services.outcome_record(report=report, actor=officer, level="city", kind="alone", day=DAY)
    with pytest.raises(ValidationError):
        services.outcome_withdraw(outcome=outcome, actor=officer, reason=" ")
    services.outcome_withdraw(outcome=outcome, actor=officer, reason="登记错误")
    assert not live_points(member).exists()
    assert AuditEvent.objects.filter(action="opinions.withdraw_outcome").exists()
    outcome.refresh_from_db()
    assert outcome.withdrawn_by == officer and outcome.withdrawal_reason == "登记错误"
    with pytest.raises(OpinionError):
        services.outcome_withdraw(outcome=outcome, actor=officer, reason="again")


def test_combined_adoption_records_each_source(officer, member_report):
    report, member = member_report
    other = make_report(officer=officer, status="adopted")
    outcomes = services.outcome_record(report=report, actor=officer, level="province", kind="combined", day=DAY,
                                       combined_title="关于老旧小区改造的综合建议", combined_with=[other.pk])
    assert {o.report_id for o in outcomes} == {report.pk, other.pk}
    assert len({o.combined_id for o in outcomes}) == 1
    assert live_points(member).get().subkind == "adopted_province"
    kept = make_report(officer=officer, status="kept")
    with pytest.raises(InvalidTransition):  # a source that was not adopted: nothing recorded
        services.outcome_record(report=report, actor=officer, level="national", kind="combined", day=DAY,
                                combined_title="综合", combined_with=[kept.pk])
    assert not Outcome.objects.filter(level="national").exists()


def test_forwarded_and_instruction(officer, member_report, django_capture_on_commit_callbacks):
    report, member = member_report
    with pytest.raises(ValidationError):
        services.outcome_record(report=report, actor=officer, level="province", kind="forwarded", day=DAY)
    services.outcome_record(report=report, actor=officer, level="province", kind="forwarded", day=DAY,
                            forwarded_to="省政协")
    assert not live_points(member).exists()  # forwarding alone earns nothing
    with django_capture_on_commit_callbacks(execute=True):
        instruction = services.instruction_record(report=report, actor=officer, leader_title="district_secretary",
                                                  level="district", day=DAY, text="请区住建局研究落实")
    assert live_points(member).get().subkind == "instruction"
    assert Notification.objects.filter(recipient=member.user, kind="opinions.instructed").exists()
    services.instruction_withdraw(instruction=instruction, actor=officer, reason="误录")
    assert not live_points(member).exists()
    with pytest.raises(ValidationError):
        services.instruction_record(report=report, actor=officer, leader_title="district_head", level="district",
                                    day=date(2024, 7, 1), text="未来")


def test_only_the_officer_records_and_only_for_adopted_reports(officer):
    report = make_report(officer=officer, status="adopted")
    with pytest.raises(ActionNotAllowed):
        services.outcome_record(report=report, actor=make_user("leader"), level="city", kind="alone", day=DAY)
    with pytest.raises(InvalidTransition):
        services.outcome_record(report=make_report(officer=officer, status="screening"), actor=officer,
                                level="city", kind="alone", day=DAY)


def test_batches(officer):
    adopted = make_report(officer=officer, status="adopted")
    batch = services.batch_create(actor=officer, sent_on=DAY, channel="市政协信息系统",
                                  document_number="中政协〔2024〕1号", report_ids=[adopted.pk])
    assert list(batch.reports.all()) == [adopted]
    with pytest.raises(OpinionError):
        services.batch_create(actor=officer, sent_on=DAY, channel="x",
                              report_ids=[make_report(officer=officer, status="submitted").pk])
    with pytest.raises(ActionNotAllowed):
        services.batch_create(actor=make_user("leader"), sent_on=DAY, channel="x", report_ids=[adopted.pk])


def test_pages(officer, member_report, client_for):
    report, member = member_report
    client = client_for(officer)
    response = client.post(reverse("opinions:outcome-add", args=[report.pk]),
                           {"outcome-level": "city", "outcome-kind": "alone", "outcome-day": "2024-06-01"})
    assert response.status_code == 302
    # Bad input: a Chinese message, nothing recorded.
    response = client.post(reverse("opinions:outcome-add", args=[report.pk]),
                           {"outcome-level": "mars", "outcome-kind": "alone", "outcome-day": "x"}, follow=True)
    assert response.status_code == 200 and Outcome.objects.count() == 1
    client.post(reverse("opinions:instruction-add", args=[report.pk]),
                {"instruction-leader_title": "district_head", "instruction-level": "district",
                 "instruction-day": "2024-06-02", "instruction-text": "<script>x</script>"})
    page = client_for(member.user).get(report.get_absolute_url()).content.decode()
    assert "市级" in page and 'data-testid="points"' in page and "<script>x</script>" not in page
    assert "Withdraw" not in page and "撤销" not in page.split('data-testid="outcomes"')[1].split("</section>")[0]
    outcome = Outcome.objects.get()
    client.post(reverse("opinions:outcome-withdraw", args=[outcome.pk]), {f"wo{outcome.pk}-reason": "错误"})
    outcome.refresh_from_db()
    assert outcome.withdrawn_at is not None
    response = client.post(reverse("opinions:batch-create"), {"sent_on": "2024-06-01", "channel": "系统",
                                                               "report": [report.pk]}, follow=True)
    assert report.upward_batches.count() == 1
    assert client.post(reverse("opinions:batch-create"), {"report": ["abc"]}).status_code == 302
