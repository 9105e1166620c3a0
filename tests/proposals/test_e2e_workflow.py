"""Browser journeys (Debian Chromium) through the office's and the handling units' screens, starting from a
joint proposal submitted through the services (the co-signer accepted). Ratings are given through the
services: the proposer's rating screen belongs to another branch (proposals:rating)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from proposals import services
from proposals.models import ContactedAnswer, Proposal, Satisfaction
from proposals.workflow import Status
from tests.conftest import browser_login
from tests.factories import TEST_PASSWORD

from .factories import PDF_BYTES, make_member, pdf_upload, world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_as(browser, live_server):
    """open_as(user) -> a new logged-in page (one browser context per person); confirms are accepted."""
    contexts = []

    def make(user):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        page.on("dialog", lambda dialog: dialog.accept())
        browser_login(page, user.username, TEST_PASSWORD)
        return page

    yield make
    for context in contexts:
        context.close()


def goto_detail(page, proposal):
    return page.goto(f"{page.base_url}/proposals/{proposal.pk}/")


def act(page, slot: str, _button: str = ""):
    """Open an action's disclosure on the detail page and return its locator (fill fields, then click)."""
    box = page.get_by_test_id(f"action-{slot}")
    if box.evaluate("el => el.tagName") == "DETAILS":
        box.locator("summary").click()
    return box


def status_text(page) -> str:
    return page.get_by_test_id("proposal-status").inner_text()


def joint_submitted():
    w = world()
    author = make_member("e2e-lead", name="李领衔").user
    cosigner = make_member("e2e-cosigner", name="王联名")
    draft = services.proposal_create_draft(
        author=author, title="关于加快老旧小区加装电梯的建议", category="urban",
        situation="老旧小区老年人上下楼困难。", analysis="加装电梯协调难、资金缺。",
        suggestions="一是简化审批；二是给予补贴；三是建立协调机制。",
        suggested_lead_unit=w.lead_unit, suggested_co_units=[w.co_unit])
    invitation = services.proposal_invite_cosigner(actor=author, proposal=draft, member=cosigner)
    services.invitation_accept(actor=cosigner.user, invitation=invitation)
    services.proposal_submit(actor=author, proposal=draft)
    return w, draft, author, cosigner.user


def write_pdf(tmp_path, name="答复函.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(PDF_BYTES)
    return str(path)


def unit_replies(page, proposal, tmp_path, text: str):
    """The lead unit records the contact and submits its reply with the signed PDF."""
    goto_detail(page, proposal)
    box = act(page, "contact", "登记")
    box.locator("input[name=method][value=face_to_face]").check()
    box.get_by_role("button", name="登记").click()
    assert "沟通情况已登记" in page.content(), page.locator(".alert, .invalid-feedback").all_inner_texts()
    page.get_by_role("link", name="撰写或修改答复").click()
    page.locator("select[name=reply_class]").select_option("A")
    page.locator("textarea[name=text]").fill(text)
    page.locator("input[name=signer]").fill("张局长")
    page.locator("input[name=contact_person]").fill("赵联络")
    page.locator("input[name=contact_phone]").fill("0371-66660000")
    page.locator("input[name=document]").set_input_files(write_pdf(tmp_path))
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(f"**/proposals/{proposal.pk}/")
    assert "答复已提交提案委审核" in page.content()


def officer_approves(page, proposal):
    goto_detail(page, proposal)
    box = act(page, "approve_reply", "审核通过答复")
    box.get_by_role("button", name="审核通过答复").click()
    page.wait_for_url(f"**/proposals/{proposal.pk}/")
    assert "审核通过" in page.content()
    assert status_text(page) == "已答复"


def rate(user, proposal, overall):
    services.rating_submit(actor=user, proposal=proposal, overall=overall, contacted=ContactedAnswer.YES,
                           on_point=overall != Satisfaction.DISSATISFIED)


def test_register_assign_co_opinion_reply_approve_rate_closed(open_as, tmp_path):
    w, proposal, author, cosigner = joint_submitted()

    officer = open_as(w.officer)
    goto_detail(officer, proposal)
    assert status_text(officer) == "已提交"
    act(officer, "register", "立案").get_by_role("button", name="立案").click()
    assert "提案已立案" in officer.content()
    assert status_text(officer) == "已立案"
    box = act(officer, "assign", "交办")
    # The suggested units are preselected.
    assert box.locator("select[name=lead_unit]").input_value() == str(w.lead_unit.pk)
    box.get_by_role("button", name="交办").click()
    assert "提案已交办" in officer.content()
    assert status_text(officer) == "办理中"
    proposal.refresh_from_db()
    assert proposal.reply_due_on.isoformat() in officer.get_by_test_id("deadlines").inner_text()

    co = open_as(w.co_handler)
    goto_detail(co, proposal)
    co_row = proposal.assignments.get(role="co")
    box = act(co, f"opinion-{co_row.pk}", "发送给主办单位")
    box.locator("textarea[name=text]").fill("同意简化审批，住建部门配合出台补贴细则。")
    box.get_by_role("button", name="发送给主办单位").click()
    assert "协办意见已发送给主办单位" in co.content()

    lead = open_as(w.lead_handler)
    goto_detail(lead, proposal)
    lead_row = proposal.assignments.get(role="lead")
    lead.get_by_test_id(f"action-accept-{lead_row.pk}").get_by_role("button").click()
    assert "已签收" in lead.content()
    assert "同意简化审批" in lead.get_by_test_id("assignments").inner_text()
    unit_replies(lead, proposal, tmp_path, "经研究，我局已简化加装电梯审批流程，并出台补贴办法。")
    assert status_text(lead) == "答复待审核"

    # Proposers do not see the reply before approval.
    member = open_as(author)
    goto_detail(member, proposal)
    assert "简化加装电梯审批流程" not in member.content()

    officer_approves(officer, proposal)
    goto_detail(member, proposal)
    assert "简化加装电梯审批流程" in member.get_by_test_id("reply").inner_text()

    for user in (author, cosigner):
        rate(user, proposal, Satisfaction.SATISFIED)
    goto_detail(member, proposal)
    assert status_text(member) == "已办结"
    goto_detail(officer, proposal)
    assert status_text(officer) == "已办结"
    assert Proposal.objects.get(pk=proposal.pk).status == Status.CLOSED


def test_dissatisfied_rating_rehandling_reply_approve_closed(open_as, tmp_path):
    w, proposal, author, cosigner = joint_submitted()
    services.proposal_register(actor=w.officer, proposal=proposal)
    services.proposal_assign(actor=w.officer, proposal=proposal, lead_unit=w.lead_unit)
    services.proposal_record_contact(actor=w.lead_handler, proposal=proposal, method="phone",
                                     contacted_on=timezone.localdate())
    services.reply_submit(actor=w.lead_handler, proposal=proposal, reply_class="C", text="留作参考。",
                          document=pdf_upload())
    services.reply_approve(actor=w.officer, proposal=proposal)
    rate(author, proposal, Satisfaction.DISSATISFIED)
    proposal.refresh_from_db()
    assert proposal.status == Status.REHANDLING

    lead = open_as(w.lead_handler)
    goto_detail(lead, proposal)
    assert status_text(lead) == "重新办理中"
    assert proposal.reply_due_on.isoformat() in lead.get_by_test_id("deadlines").inner_text()
    unit_replies(lead, proposal, tmp_path, "重新办理：已安排专项资金，年内完成首批加装。")
    assert status_text(lead) == "重办答复待审核"

    officer = open_as(w.officer)
    officer_approves(officer, proposal)
    for user in (author, cosigner):
        rate(user, proposal, Satisfaction.SATISFIED)
    member = open_as(cosigner)
    goto_detail(member, proposal)
    assert status_text(member) == "已办结"
    assert "已安排专项资金" in member.content()


def test_lead_unit_objects_officer_reassigns_new_deadline_shown(open_as):
    w, proposal, _author, _cosigner = joint_submitted()
    services.proposal_register(actor=w.officer, proposal=proposal)
    services.proposal_assign(actor=w.officer, proposal=proposal, lead_unit=w.lead_unit, co_units=[w.co_unit],
                             reply_due_on=timezone.localdate() + timedelta(days=20))
    proposal.refresh_from_db()
    old_due = proposal.reply_due_on

    lead = open_as(w.lead_handler)
    goto_detail(lead, proposal)
    row = proposal.assignments.get(role="lead")
    box = act(lead, f"object-{row.pk}", "提出异议")
    box.locator("textarea[name=reason]").fill("加装电梯审批属住建部门职责，不属我局。")
    box.get_by_role("button", name="提出异议").click()
    assert "异议已提交提案委" in lead.content()

    officer = open_as(w.officer)
    goto_detail(officer, proposal)
    assert "不属我局" in officer.get_by_test_id("assignments").inner_text()
    box = act(officer, "reassign")
    box.locator("select[name=lead_unit]").select_option(str(w.other_unit.pk))
    box.get_by_role("button", name="改派").click()
    assert "提案已改派" in officer.content()
    proposal.refresh_from_db()
    assert proposal.lead_unit == w.other_unit and proposal.reply_due_on != old_due
    # The reply line shows the new deadline and no longer the old one. Only the reply line: the contact
    # deadline (15 working days after the assignment) can fall on the old reply date, e.g. when the first
    # assignment was made on a Saturday with a reply deadline of today + 20 days.
    reply_line = officer.get_by_test_id("deadlines").locator("li").filter(
        has=officer.get_by_text("答复", exact=True)).inner_text()
    assert proposal.reply_due_on.isoformat() in reply_line and old_due.isoformat() not in reply_line
    assert w.other_unit.name in officer.get_by_test_id("lead-unit").inner_text()

    # The new unit sees it with its deadline; the objecting unit no longer does.
    new_unit = open_as(w.other_handler)
    goto_detail(new_unit, proposal)
    assert proposal.reply_due_on.isoformat() in new_unit.get_by_test_id("deadlines").inner_text()
    assert goto_detail(lead, proposal).status == 404
