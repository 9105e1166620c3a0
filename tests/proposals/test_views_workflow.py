"""The office's and the handling units' action views through the HTTP layer: each verb for allowed and
refused roles and states, IDOR, wrong-state moves, the loser of a race, escaping, and the reply upload."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from proposals import services
from proposals.models import (
    AssignmentAnswer,
    ContactedAnswer,
    ContactMethod,
    QualityRating,
    Reply,
    ReplyStatus,
    Satisfaction,
)
from proposals.workflow import Status
from tests.factories import make_user

from .factories import ProposalFactory, make_member, pdf_upload

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><b>粗体</b>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;粗体&lt;/b&gt;"


def url(name, obj):
    return reverse(f"proposals:{name}", args=[obj.pk])


def detail_url(p):
    return url("proposal-detail", p)


def msgs(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def fresh(p):
    p.refresh_from_db()
    return p


def assert_done(response, p):
    assert response.status_code == 302, response.status_code
    assert response["Location"] == detail_url(p)


# --- Office: review --------------------------------------------------------------------------------------------


class TestReview:
    def test_register(self, w, client_for):
        p = ProposalFactory(submitted=True)
        response = client_for(w.officer).post(url("register", p), {"note": "符合立案条件"})
        assert_done(response, p)
        p = fresh(p)
        assert p.status == Status.REGISTERED and p.number
        assert any(p.number in m for m in msgs(response))

    def test_return_needs_a_reason(self, w, client_for):
        p = ProposalFactory(submitted=True)
        client = client_for(w.officer)
        response = client.post(url("return", p), {"reason": ""})
        assert response.status_code == 200
        assert fresh(p).status == Status.SUBMITTED
        html = response.content.decode()
        assert re.search(r'<details[^>]* open data-testid="action-return"', html)  # the failed form stays open
        assert "理由：这个字段是必填项。" in html
        response = client.post(url("return", p), {"reason": "请补充数据"})
        assert_done(response, p)
        p = fresh(p)
        assert p.status == Status.DRAFT and p.revision_requested and p.revision_reason == "请补充数据"

    def test_reject_with_ground_and_conversion(self, w, client_for):
        p = ProposalFactory(submitted=True)
        response = client_for(w.officer).post(url("reject", p), {"ground": "personal", "note": "属个人诉求",
                                                                 "convert_to_opinion": "on"})
        assert_done(response, p)
        p = fresh(p)
        assert (p.status, p.rejection_ground) == (Status.NOT_REGISTERED, "personal")
        assert p.opinion_report_id is not None
        html = client_for(p.author).get(detail_url(p)).content.decode()
        assert "属个人诉求" in html

    def test_reject_refuses_an_unknown_ground(self, w, client_for):
        p = ProposalFactory(submitted=True)
        response = client_for(w.officer).post(url("reject", p), {"ground": "whatever"})
        assert response.status_code == 200
        assert fresh(p).status == Status.SUBMITTED

    def test_merge_by_number_or_title(self, w, client_for):
        main = ProposalFactory(registered=True, title="关于建设智慧停车平台的建议")
        by_number, by_title = ProposalFactory(submitted=True), ProposalFactory(submitted=True)
        client = client_for(w.officer)
        assert_done(client.post(url("merge", by_number), {"target": main.number}), by_number)
        assert_done(client.post(url("merge", by_title), {"target": "智慧停车平台"}), by_title)
        assert fresh(by_number).merged_into == main and fresh(by_title).merged_into == main

    def test_merge_target_is_validated(self, w, client_for):
        p = ProposalFactory(submitted=True)
        closed = ProposalFactory(closed=True, title="关于已经办结事项的建议")
        ProposalFactory(submitted=True, title="关于同名提案甲的建议")
        ProposalFactory(submitted=True, title="关于同名提案乙的建议")
        client = client_for(w.officer)
        for target, expected in [("不存在的标题", "没有找到"), (closed.number, "只能并入"), ("同名提案", "有多件提案"),
                                 (p.title, "没有找到")]:
            response = client.post(url("merge", p), {"target": target})
            assert response.status_code == 200, target
            assert expected in response.content.decode(), target
        assert fresh(p).status == Status.SUBMITTED


# --- Office: assignment -------------------------------------------------------------------------------------------


class TestAssignment:
    def test_assign_with_key_flag_and_leader(self, w, client_for):
        p = ProposalFactory(registered=True)
        client = client_for(w.officer)
        data = {"lead_unit": w.lead_unit.pk, "co_units": [w.co_unit.pk], "is_key": "on"}
        response = client.post(url("assign", p), data)
        assert response.status_code == 200  # a key proposal needs its supervising leader
        assert fresh(p).status == Status.REGISTERED
        response = client.post(url("assign", p), {**data, "supervising_leader": w.leader.pk})
        assert_done(response, p)
        p = fresh(p)
        assert (p.status, p.lead_unit, p.is_key, p.supervising_leader) == (Status.ASSIGNED, w.lead_unit, True,
                                                                          w.leader)
        assert set(p.assignments.values_list("unit", flat=True)) == {w.lead_unit.pk, w.co_unit.pk}
        assert any(p.reply_due_on.isoformat() in m for m in msgs(response))

    def test_assign_with_own_due_date_and_bad_due_date(self, w, client_for):
        p = ProposalFactory(registered=True)
        client = client_for(w.officer)
        too_late = timezone.localdate() + timedelta(days=400)
        response = client.post(url("assign", p), {"lead_unit": w.lead_unit.pk, "reply_due_on": too_late})
        assert response.status_code == 200 and fresh(p).status == Status.REGISTERED
        due = timezone.localdate() + timedelta(days=30)
        assert_done(client.post(url("assign", p), {"lead_unit": w.lead_unit.pk, "reply_due_on": due}), p)
        assert fresh(p).reply_due_on == due

    def test_lead_unit_cannot_be_co_unit(self, w, client_for):
        p = ProposalFactory(registered=True)
        response = client_for(w.officer).post(url("assign", p), {"lead_unit": w.lead_unit.pk,
                                                                  "co_units": [w.lead_unit.pk]})
        assert response.status_code == 200 and fresh(p).status == Status.REGISTERED

    def test_reassign_restarts_the_deadline(self, w, client_for):
        p = ProposalFactory(assigned=True)
        response = client_for(w.officer).post(url("reassign", p), {"lead_unit": w.other_unit.pk,
                                                                    "note": "原单位提出异议"})
        assert_done(response, p)
        p = fresh(p)
        assert p.lead_unit == w.other_unit and p.assignment_round == 2
        assert p.assignments.filter(superseded_at__isnull=True).count() == 1

    def test_extend_once_within_six_months(self, w, client_for):
        p = ProposalFactory(assigned=True)
        client = client_for(w.officer)
        too_late = p.assigned_on + timedelta(days=200)
        response = client.post(url("extend", p), {"new_due_on": too_late, "reason": "情况复杂"})
        assert response.status_code == 200 and fresh(p).extension_count == 0
        new = p.reply_due_on + timedelta(days=30)
        assert_done(client.post(url("extend", p), {"new_due_on": new, "reason": "情况复杂"}), p)
        p = fresh(p)
        assert (p.reply_due_on, p.extension_count) == (new, 1)
        # The second extension is refused with a message, nothing changes.
        response = client.post(url("extend", p), {"new_due_on": new + timedelta(days=5), "reason": "再延"})
        assert response.status_code == 200
        assert fresh(p).reply_due_on == new
        assert reverse("proposals:extend", args=[p.pk]) not in client.get(detail_url(p)).content.decode()

    def test_set_and_unset_key(self, w, client_for):
        p = ProposalFactory(registered=True)
        client = client_for(w.officer)
        assert_done(client.post(url("set-key", p), {"is_key": "on", "supervising_leader": w.leader.pk}), p)
        assert fresh(p).is_key
        assert_done(client.post(url("set-key", p), {}), p)
        assert not fresh(p).is_key


# --- Handling units ----------------------------------------------------------------------------------------------


class TestUnits:
    def test_accept(self, w, client_for):
        p = ProposalFactory(assigned=True)
        row = p.assignments.get(role="lead")
        response = client_for(w.lead_handler).post(url("assignment-accept", row))
        assert_done(response, p)
        row.refresh_from_db()
        assert row.answer == AssignmentAnswer.ACCEPTED
        # Accepting again: a clear message, nothing changes.
        response = client_for(w.lead_handler).post(url("assignment-accept", row), follow=True)
        assert "该交办已签收" in response.content.decode()

    def test_object_needs_reason_and_the_window(self, w, client_for):
        p = ProposalFactory(assigned=True)
        row = p.assignments.get(role="lead")
        client = client_for(w.lead_handler)
        assert client.post(url("assignment-object", row), {"reason": ""}).status_code == 200
        row.refresh_from_db()
        assert row.answer == AssignmentAnswer.PENDING
        type(row).objects.filter(pk=row.pk).update(assigned_on=timezone.localdate() - timedelta(days=40))
        response = client.post(url("assignment-object", row), {"reason": "不属于我单位职责"})
        assert response.status_code == 200 and "异议期限" in response.content.decode()
        row.refresh_from_db()
        assert row.answer == AssignmentAnswer.PENDING
        type(row).objects.filter(pk=row.pk).update(assigned_on=timezone.localdate())
        assert_done(client.post(url("assignment-object", row), {"reason": "不属于我单位职责"}), p)
        row.refresh_from_db()
        assert row.answer == AssignmentAnswer.OBJECTED

    def test_co_unit_sends_opinion_with_document(self, w, client_for):
        p = ProposalFactory(assigned=True)
        row = p.assignments.get(role="co")
        response = client_for(w.co_handler).post(url("assignment-opinion", row),
                                                 {"text": "同意主办单位意见", "document": pdf_upload("协办意见.pdf")})
        assert_done(response, p)
        row.refresh_from_db()
        assert row.opinion_text == "同意主办单位意见" and row.opinion_attachment_id
        # The lead unit sees it on the reply form.
        assert "同意主办单位意见" in client_for(w.lead_handler).get(url("reply", p)).content.decode()

    def test_lead_unit_cannot_send_a_co_opinion(self, w, client_for):
        p = ProposalFactory(assigned=True)
        row = p.assignments.get(role="lead")
        response = client_for(w.lead_handler).post(url("assignment-opinion", row), {"text": "意见"})
        assert response.status_code == 302
        row.refresh_from_db()
        assert row.opinion_text == ""

    def test_contact(self, w, client_for):
        p = ProposalFactory(assigned=True)
        client = client_for(w.lead_handler)
        future = timezone.localdate() + timedelta(days=2)
        assert client.post(url("contact", p), {"method": "phone", "contacted_on": future}).status_code == 200
        assert not p.contacts.exists()
        response = client.post(url("contact", p), {"method": "face_to_face", "contacted_on": timezone.localdate(),
                                                   "note": "当面沟通"})
        assert_done(response, p)
        assert fresh(p).contact_recorded_on == timezone.localdate()

    def test_rate_quality(self, w, client_for):
        p = ProposalFactory(assigned=True)
        assert_done(client_for(w.co_handler).post(url("rate-quality", p), {"grade": "good", "comment": "有调研"}), p)
        assert QualityRating.objects.get(proposal=p).unit == w.co_unit


class TestReply:
    def test_form_save_and_submit(self, w, client_for):
        p = ProposalFactory(assigned=True)
        client = client_for(w.lead_handler)
        page = client.get(url("reply", p))
        assert page.status_code == 200 and p.reply_due_on.isoformat() in page.content.decode()
        assert p.suggestions in page.content.decode()  # the proposal's text is at hand while replying
        response = client.post(url("reply", p), {"action": "save", "text": "初稿", "reply_class": "B"})
        assert response.status_code == 302 and response["Location"] == url("reply", p)
        assert Reply.objects.get(proposal=p).status == ReplyStatus.DRAFT
        assert "初稿" in client.get(url("reply", p)).content.decode()
        # Submit without a recorded contact: refused with the domain's message, nothing submitted.
        data = {"action": "submit", "text": "正式答复", "reply_class": "A", "signer": "王局长",
                "contact_person": "李联络", "contact_phone": "0371-1234567"}
        response = client.post(url("reply", p), {**data, "document": pdf_upload()})
        assert response.status_code == 200
        assert Reply.objects.get(proposal=p).text == "初稿" and fresh(p).status == Status.ASSIGNED
        services.proposal_record_contact(actor=w.lead_handler, proposal=p, method=ContactMethod.PHONE,
                                         contacted_on=timezone.localdate())
        response = client.post(url("reply", p), {**data, "document": pdf_upload()})
        assert_done(response, p)
        reply = Reply.objects.get(proposal=p)
        assert (reply.status, reply.reply_class, reply.text) == (ReplyStatus.SUBMITTED, "A", "正式答复")
        assert fresh(p).status == Status.REPLY_REVIEW
        # Once submitted, the form sends the unit back with a message.
        again = client.get(url("reply", p))
        assert again.status_code == 302

    def test_submit_needs_class_text_and_pdf(self, w, client_for):
        p = ProposalFactory(assigned=True)
        response = client_for(w.lead_handler).post(url("reply", p), {"action": "submit"})
        assert response.status_code == 200
        form = response.context["form"]
        assert {"reply_class", "text", "document"} <= set(form.errors)
        assert not Reply.objects.filter(proposal=p).exists()

    def test_pdf_that_is_really_html_is_refused(self, w, client_for):
        p = ProposalFactory(assigned=True)
        services.proposal_record_contact(actor=w.lead_handler, proposal=p, method=ContactMethod.PHONE,
                                         contacted_on=timezone.localdate())
        fake = SimpleUploadedFile("答复函.pdf", b"<html><body><script>alert(1)</script></body></html>",
                                  content_type="application/pdf")
        response = client_for(w.lead_handler).post(url("reply", p), {"action": "submit", "text": "答复",
                                                                      "reply_class": "A", "document": fake})
        assert response.status_code == 200
        assert "document" in response.context["form"].errors
        assert not Reply.objects.filter(proposal=p).exists() and fresh(p).status == Status.ASSIGNED
        assert not p.attachments.exists()

    def test_only_the_lead_unit_uses_the_reply_form(self, w, client_for):
        p = ProposalFactory(assigned=True)
        assert client_for(w.co_handler).get(url("reply", p)).status_code == 403
        assert client_for(w.officer).get(url("reply", p)).status_code == 403
        assert client_for(w.other_handler).get(url("reply", p)).status_code == 404
        assert client_for(p.author).get(url("reply", p)).status_code == 403  # sees the proposal, not the form

    def test_approve_may_change_the_class(self, w, client_for):
        p = ProposalFactory(reply_review=True)
        response = client_for(w.officer).post(url("reply-approve", p), {"reply_class": "B", "note": ""})
        assert_done(response, p)
        p = fresh(p)
        assert (p.status, p.reply_class) == (Status.REPLIED, "B")
        assert p.followup_due_on is not None

    def test_return_the_reply_with_a_reason(self, w, client_for):
        p = ProposalFactory(reply_review=True)
        client = client_for(w.officer)
        assert client.post(url("reply-return", p), {"reason": ""}).status_code == 200
        assert fresh(p).status == Status.REPLY_REVIEW
        assert_done(client.post(url("reply-return", p), {"reason": "措施不具体"}), p)
        assert fresh(p).status == Status.ASSIGNED
        assert "措施不具体" in client_for(w.lead_handler).get(url("reply", p)).content.decode()


# --- Office: evaluation and publication ---------------------------------------------------------------------


class TestEvaluation:
    def test_excellent_mark_and_unmark(self, w, client_for):
        p = ProposalFactory(registered=True)
        client = client_for(w.officer)
        assert_done(client.post(url("excellent", p), {"value": "1"}), p)
        assert fresh(p).is_excellent
        # Marking twice: a message, nothing changes.
        response = client.post(url("excellent", p), {"value": "1"})
        assert response.status_code == 200 and fresh(p).is_excellent
        assert_done(client.post(url("excellent", p), {"value": "0", "note": "复核后取消"}), p)
        assert not fresh(p).is_excellent

    def test_withhold_needs_a_reason_and_unwithhold(self, w, client_for):
        p = ProposalFactory(replied=True)
        client = client_for(w.officer)
        assert client.post(url("withhold", p), {"value": "1", "reason": ""}).status_code == 200
        assert not fresh(p).publication_withheld
        assert_done(client.post(url("withhold", p), {"value": "1", "reason": "涉及敏感信息"}), p)
        assert fresh(p).publication_withheld
        assert client_for(make_member().user).get(detail_url(p)).status_code == 404  # out of the archive
        assert_done(client.post(url("withhold", p), {"value": "0"}), p)
        assert not fresh(p).publication_withheld

    def test_followup_by_the_lead_unit(self, w, client_for):
        p = ProposalFactory(replied=True, reply_class="B")
        response = client_for(w.lead_handler).post(url("followup", p), {"note": "已完成回头看，问题已解决。"})
        assert_done(response, p)
        assert fresh(p).followup_done_at is not None

    def test_followup_when_none_is_due_is_refused(self, w, client_for):
        p = ProposalFactory(replied=True, reply_class="A")
        response = client_for(w.officer).post(url("followup", p), {"note": "回头看"})
        assert response.status_code == 200
        assert fresh(p).followup_done_at is None


# --- Role × status matrix for the main verbs ------------------------------------------------------------------


MAIN_VERBS = {
    # verb URL: (statuses it works in, data, actor attribute of the world)
    "register": ({"submitted"}, {"note": ""}, "officer"),
    "return": ({"submitted"}, {"reason": "请修改"}, "officer"),
    "reject": ({"submitted"}, {"ground": "academic"}, "officer"),
    "assign": ({"registered"}, "units", "officer"),
    "reply-approve": ({"reply_review", "rehandling_review"}, {}, "officer"),
    "contact": ({"assigned", "rehandling"}, "contact", "lead_handler"),
}
MATRIX_STATUSES = ["submitted", "registered", "assigned", "reply_review", "replied", "rehandling",
                   "rehandling_review", "closed", "not_registered"]


def _data(w, data):
    if data == "units":
        return {"lead_unit": w.lead_unit.pk}
    if data == "contact":
        return {"method": "phone", "contacted_on": timezone.localdate()}
    return data


@pytest.mark.parametrize("status", MATRIX_STATUSES)
@pytest.mark.parametrize("verb", sorted(MAIN_VERBS))
def test_role_status_matrix(w, client_for, verb, status):
    works_in, data, actor_name = MAIN_VERBS[verb]
    p = ProposalFactory(**{status: True})
    before = (p.status, p.updated_at)
    data = _data(w, data)
    # The wrong roles first: nothing changes whatever the status.
    others = {"officer": w.officer, "leader": w.leader, "lead_handler": w.lead_handler, "author": p.author,
              "other_handler": w.other_handler}
    for name, user in others.items():
        if name == actor_name:
            continue
        response = client_for(user).post(url(verb, p), data)
        assert response.status_code in (403, 404), (name, response.status_code)
        assert (fresh(p).status, p.updated_at) == before, name
    # The right role: done in the right status; elsewhere a message and nothing changed.
    response = client_for(getattr(w, actor_name)).post(url(verb, p), data)
    if status in works_in:
        assert_done(response, p)
        assert fresh(p).updated_at != before[1]
    else:
        assert response.status_code in (302, 404), response.status_code
        if response.status_code == 302:
            assert response["Location"] == detail_url(p)
            assert any("不能" in m or "无法" in m or "不可" in m for m in msgs(response)), msgs(response)
        assert (fresh(p).status, p.updated_at) == before


# --- IDOR, wrong state, the loser of a race ------------------------------------------------------------------


def test_a_unit_guessing_another_units_proposal_gets_404(w, client_for):
    p = ProposalFactory(assigned=True)
    lead_row = p.assignments.get(role="lead")
    client = client_for(w.other_handler)
    assert client.get(detail_url(p)).status_code == 404
    assert client.get(url("reply", p)).status_code == 404
    for name in ("contact", "rate-quality", "followup"):
        assert client.post(url(name, p), {"method": "phone", "contacted_on": timezone.localdate(),
                                          "grade": "good", "note": "x"}).status_code == 404
    for name in ("assignment-accept", "assignment-object", "assignment-opinion"):
        assert client.post(url(name, lead_row), {"reason": "x", "text": "x"}).status_code == 404
    # A co-handling officer guessing the lead unit's assignment row: 404 as well.
    assert client_for(w.co_handler).post(url("assignment-accept", lead_row)).status_code == 404
    lead_row.refresh_from_db()
    assert lead_row.answer == AssignmentAnswer.PENDING and not p.contacts.exists()


def test_a_proposer_gets_403_for_office_verbs_on_their_own_proposal(client_for):
    p = ProposalFactory(submitted=True)
    assert client_for(p.author).post(url("register", p)).status_code == 403
    assert fresh(p).status == Status.SUBMITTED


def test_get_on_an_action_is_not_allowed(w, client_for):
    p = ProposalFactory(submitted=True)
    assert client_for(w.officer).get(url("register", p)).status_code == 405
    assert fresh(p).status == Status.SUBMITTED


def test_wrong_state_gives_a_clear_message_and_changes_nothing(w, client_for):
    p = ProposalFactory(registered=True)
    response = client_for(w.officer).post(url("register", p), {"note": ""}, follow=True)
    html = response.content.decode()
    assert "立案" in html and "已立案" in html and "刷新" in html
    assert fresh(p).status == Status.REGISTERED


def test_the_officer_who_loses_a_race_sees_a_clear_message(w, client_for):
    second = make_user("proposal_officer", username="second-officer")
    p = ProposalFactory(submitted=True)
    first_client, second_client = client_for(w.officer), client_for(second)
    # Both opened the page while the proposal was submitted.
    assert reverse("proposals:reject", args=[p.pk]) in second_client.get(detail_url(p)).content.decode()
    assert_done(first_client.post(url("register", p), {"note": ""}), p)
    response = second_client.post(url("reject", p), {"ground": "personal"})
    assert response.status_code == 302 and response["Location"] == detail_url(p)
    [message] = msgs(response)
    assert "不予立案" in message and "已立案" in message
    p = fresh(p)
    assert p.status == Status.REGISTERED and p.rejection_ground == ""


# --- Escaping ------------------------------------------------------------------------------------------------


def test_every_text_field_is_escaped(w, client_for):
    author = make_member(name="张<i>三</i>").user
    draft = services.proposal_create_draft(author=author, title=f"标题{XSS}", category="urban",
                                           situation=f"情况{XSS}", analysis=f"分析{XSS}", suggestions=f"建议{XSS}")
    services.proposal_submit(actor=author, proposal=draft)
    services.proposal_register(actor=w.officer, proposal=draft, note=f"登记{XSS}")
    services.proposal_assign(actor=w.officer, proposal=draft, lead_unit=w.lead_unit, co_units=[w.co_unit],
                             note=f"交办{XSS}")
    co = draft.assignments.get(role="co")
    services.assignment_submit_opinion(actor=w.co_handler, assignment=co, text=f"协办{XSS}")
    services.proposal_record_contact(actor=w.lead_handler, proposal=draft, method=ContactMethod.OTHER,
                                     contacted_on=timezone.localdate(), note=f"沟通{XSS}")
    services.proposal_rate_quality(actor=w.lead_handler, proposal=draft, grade="good", comment=f"质量{XSS}")
    services.reply_submit(actor=w.lead_handler, proposal=draft, reply_class="B", text=f"答复{XSS}",
                          signer=f"签{XSS}"[:50], contact_person="联<b>系</b>人", contact_phone="<i>1</i>",
                          document=pdf_upload("<b>答复</b>.pdf"))
    services.reply_approve(actor=w.officer, proposal=draft, note=f"审核{XSS}")
    services.rating_submit(actor=author, proposal=draft, overall=Satisfaction.DISSATISFIED,
                           contacted=ContactedAnswer.NO, on_point=False, comment=f"评价{XSS}")
    for user in (w.officer, w.lead_handler, author):
        html = client_for(user).get(detail_url(draft)).content.decode()
        assert "<script>alert" not in html and "<b>粗体</b>" not in html and "<i>三</i>" not in html
        assert ESCAPED in html
    officer_html = client_for(w.officer).get(detail_url(draft)).content.decode()
    assert html.count(ESCAPED) >= 4
    for prefix in ("情况", "分析", "建议", "协办", "沟通", "质量", "答复", "评价", "交办"):
        assert prefix + ESCAPED in officer_html, prefix
    assert "<b>答复</b>" not in officer_html and "联&lt;b&gt;系&lt;/b&gt;人" in officer_html
    # An objection reason, a returned reply's reason and form errors are escaped too.
    other = ProposalFactory(assigned=True)
    services.assignment_object(actor=w.lead_handler, assignment=other.assignments.get(role="lead"),
                               reason=f"异议{XSS}")
    assert "异议" + ESCAPED in client_for(w.officer).get(detail_url(other)).content.decode()
    response = client_for(w.officer).post(url("merge", other), {"target": XSS})
    assert "<script>alert" not in response.content.decode()


# --- Refused roles for every other verb -------------------------------------------------------------------------


OFFICE_VERBS = {
    "merge": ("submitted", {"target": "x"}),
    "reassign": ("assigned", {"lead_unit": "1"}),
    "extend": ("assigned", {"new_due_on": "2099-01-01", "reason": "x"}),
    "set-key": ("registered", {}),
    "reply-return": ("reply_review", {"reason": "x"}),
    "excellent": ("registered", {"value": "1"}),
    "withhold": ("registered", {"value": "1", "reason": "x"}),
    "followup": ("replied", {"note": "x"}),
}


@pytest.mark.parametrize("verb", sorted(OFFICE_VERBS))
def test_office_verbs_refuse_everybody_else(w, client_for, verb):
    status, data = OFFICE_VERBS[verb]
    p = ProposalFactory(**{status: True}, reply_class="B")
    history = p.status_changes.count()
    expected = {w.leader: 403, p.author: 403, w.other_handler: 404, make_member().user: 404 if status != "replied"
                else 403}
    if p.lead_unit_id and verb != "followup":
        expected[w.lead_handler] = 403
    for user, code in expected.items():
        assert client_for(user).post(url(verb, p), data).status_code == code, (verb, user)
    assert p.status_changes.count() == history and fresh(p).status == Status(status)


@pytest.mark.parametrize("verb", ["contact", "rate-quality", "reply"])
def test_unit_verbs_refuse_the_office_and_proposers(w, client_for, verb):
    p = ProposalFactory(assigned=True)
    data = {"method": "phone", "contacted_on": timezone.localdate(), "grade": "good", "action": "save",
            "text": "x"}
    for user in (w.officer, w.leader, p.author):
        assert client_for(user).post(url(verb, p), data).status_code == 403, user
    if verb != "rate-quality":  # co-handling units rate the quality too, but neither contact nor reply
        assert client_for(w.co_handler).post(url(verb, p), data).status_code == 403
    assert not p.contacts.exists() and not QualityRating.objects.exists() and not Reply.objects.exists()


def test_assignment_verbs_are_404_for_the_office(w, client_for):
    p = ProposalFactory(assigned=True)
    for row in p.assignments.all():
        for name in ("assignment-accept", "assignment-object", "assignment-opinion"):
            assert client_for(w.officer).post(url(name, row), {"reason": "x", "text": "x"}).status_code == 404
    assert not p.assignments.exclude(answer=AssignmentAnswer.PENDING).exists()


def test_reasons_and_notes_of_the_office_are_escaped(w, client_for):
    returned = ProposalFactory(submitted=True)
    services.proposal_return(actor=w.officer, proposal=returned, reason=f"退回{XSS}")
    rejected = ProposalFactory(submitted=True)
    services.proposal_reject(actor=w.officer, proposal=rejected, ground="academic", note=f"不立{XSS}")
    withheld = ProposalFactory(replied=True, reply_class="B")
    services.proposal_withhold(actor=w.officer, proposal=withheld, reason=f"不公开{XSS}")
    services.proposal_record_followup(actor=w.officer, proposal=withheld, note=f"回头看{XSS}")
    for p, prefix, user in [(returned, "退回", returned.author), (rejected, "不立", rejected.author),
                            (withheld, "不公开", w.officer), (withheld, "回头看", w.lead_handler)]:
        html = client_for(user).get(detail_url(p)).content.decode()
        assert prefix + ESCAPED in html, prefix
        assert "<script>alert" not in html
