"""Browser journey (Debian Chromium): a member drafts a joint proposal (autosave), invites a co-signer
found by pinyin initials, the co-signer accepts from their own login, the lead reads the similar earlier
proposals and submits; once the reply is approved, both proposers rate it from their own logins."""

import re

import pytest
from django.utils import timezone

from members.services import member_derive_names
from proposals import services
from proposals.models import ContactMethod, CosignerInvitation, InvitationStatus, Proposal, Rating, RatingStatus
from proposals.workflow import Status
from tests.conftest import browser_login
from tests.factories import TEST_PASSWORD

from .factories import ProposalFactory, make_member, pdf_upload, world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _member(username, name):
    member = make_member(username, name=name)
    member_derive_names(member)
    member.save()
    return member


def _login(page, username):
    page.context.clear_cookies()
    browser_login(page, username, TEST_PASSWORD)


def test_joint_proposal_from_draft_to_both_ratings(page):
    w = world()
    lead = _member("e2e-lead", "张明")
    cosigner = _member("e2e-cosigner", "王建国")
    _member("e2e-other", "李红梅")
    earlier = ProposalFactory(replied=True, title="关于社区养老服务中心建设的建议")
    csp_errors = []  # scripts blocked by the CSP (autosave and the co-signer search must not need any)
    page.on("console", lambda msg: csp_errors.append(msg.text)
            if "Content Security Policy" in msg.text and "script-src" in msg.text else None)

    # The lead writes the draft; it saves itself while they type.
    _login(page, "e2e-lead")
    page.goto(page.base_url + "/proposals/new/")
    page.get_by_label("案由", exact=True).fill("关于加快社区养老服务中心建设的建议")
    page.get_by_label("类别", exact=True).select_option(label="社会民生")
    page.get_by_label("建议主办单位").select_option(label=w.lead_unit.name)
    page.get_by_label("基本情况", exact=True).fill("辖区老年人口占比已超过百分之二十，社区养老服务设施不足。")
    page.get_by_label("分析", exact=True).fill("现有养老服务中心分布不均，部分老旧小区没有日间照料场所。")
    page.get_by_label("建议", exact=True).fill("一是统筹规划社区养老服务中心；二是盘活闲置用房；三是引入专业机构运营。")
    page.get_by_test_id("autosave-saved").wait_for()
    assert "已自动保存" in page.get_by_test_id("autosave-status").inner_text()
    page.wait_for_url(re.compile(r"/proposals/\d+/edit/$"))
    proposal = Proposal.objects.get(author=lead.user)
    assert proposal.suggestions.startswith("一是统筹规划")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(f"**/proposals/{proposal.pk}/edit/")
    assert Proposal.objects.count() == 2  # the earlier one and this draft: autosave made no duplicate

    # Invites a co-signer found by the initials of the name.
    page.get_by_label("按姓名、拼音或首字母查找委员").fill("wjg")
    results = page.get_by_test_id("cosigner-results")
    results.wait_for()
    assert "王建国" in results.inner_text() and "李红梅" not in results.inner_text()
    page.get_by_role("button", name="邀请 王建国").click()
    page.get_by_test_id("invitation").filter(has_text="王建国").wait_for()
    invitation = CosignerInvitation.objects.get(proposal=proposal)
    assert invitation.status == InvitationStatus.PENDING and invitation.member == cosigner

    # The co-signer accepts from their own login.
    _login(page, "e2e-cosigner")
    page.goto(page.base_url + f"/proposals/{proposal.pk}/")
    page.get_by_role("button", name="同意联名").click()
    page.wait_for_load_state("networkidle")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED

    # The lead reads the similar earlier proposals and their replies, then submits.
    _login(page, "e2e-lead")
    page.goto(page.base_url + f"/proposals/{proposal.pk}/edit/")
    page.get_by_role("button", name="保存并继续提交").click()
    page.wait_for_url(f"**/proposals/{proposal.pk}/submit/")
    similar = page.get_by_test_id("similar-proposals")
    assert earlier.title in similar.inner_text()
    assert "经研究，已纳入明年计划。" in similar.inner_text()
    page.get_by_role("button", name="继续提交").click()
    page.wait_for_url(f"**/proposals/{proposal.pk}/")
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED

    # The office and the unit handle it (services), the reply is approved.
    services.proposal_register(actor=w.officer, proposal=proposal)
    services.proposal_assign(actor=w.officer, proposal=proposal, lead_unit=w.lead_unit)
    services.proposal_record_contact(actor=w.lead_handler, proposal=proposal, method=ContactMethod.PHONE,
                                     contacted_on=timezone.localdate())
    services.reply_submit(actor=w.lead_handler, proposal=proposal, reply_class="B",
                          text="已将社区养老服务中心建设纳入明年民生实事。", document=pdf_upload())
    services.reply_approve(actor=w.officer, proposal=proposal)

    # Both proposers rate from their own logins.
    for username, overall in (("e2e-lead", "满意"), ("e2e-cosigner", "基本满意")):
        _login(page, username)
        page.goto(page.base_url + f"/proposals/{proposal.pk}/")
        page.get_by_role("link", name="评价答复").click()
        page.wait_for_url(f"**/proposals/{proposal.pk}/rate/")
        assert "已将社区养老服务中心建设纳入明年民生实事。" in page.content()
        page.get_by_label(overall, exact=True).check()
        page.get_by_label("是（当面）").check()
        page.get_by_label("是", exact=True).check()
        page.get_by_label("意见（选填）").fill("答复具体，希望尽快落实。")
        page.get_by_role("button", name="提交评价").click()
        page.wait_for_url(f"**/proposals/{proposal.pk}/")
        assert overall in page.get_by_test_id("my-rating").inner_text()

    assert Rating.objects.filter(proposal=proposal, status=RatingStatus.RATED).count() == 2
    proposal.refresh_from_db()
    assert proposal.status == Status.CLOSED
    assert not csp_errors, csp_errors


def test_drafting_pages_fit_a_phone(browser, live_server):
    world()
    lead = _member("e2e-phone", "赵一")
    proposal = ProposalFactory(author=lead.user)
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        browser_login(page, "e2e-phone", TEST_PASSWORD)
        for path in ("new/", f"{proposal.pk}/edit/", f"{proposal.pk}/submit/", f"{proposal.pk}/"):
            page.goto(page.base_url + "/proposals/" + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        # Autosave works on the phone too.
        page.goto(page.base_url + f"/proposals/{proposal.pk}/edit/")
        page.get_by_label("建议", exact=True).fill("手机上补充的建议")
        page.get_by_test_id("autosave-saved").wait_for()
        proposal.refresh_from_db()
        assert proposal.suggestions == "手机上补充的建议"
    finally:
        context.close()


def test_autosave_after_the_session_ended_keeps_the_text(page):
    world()
    lead = _member("e2e-expired", "孙二")
    proposal = ProposalFactory(author=lead.user)
    _login(page, "e2e-expired")
    page.goto(page.base_url + f"/proposals/{proposal.pk}/edit/")
    page.context.clear_cookies()  # the session ends (idle timeout, logout in another tab)
    page.get_by_label("分析", exact=True).fill("会话过期后继续输入的分析")
    status = page.get_by_test_id("autosave-status")
    status.filter(has_text="自动保存失败").wait_for()
    assert "登录" not in status.inner_text()  # no login page inside the status line
    assert page.get_by_label("分析", exact=True).input_value() == "会话过期后继续输入的分析"
    proposal.refresh_from_db()
    assert proposal.analysis != "会话过期后继续输入的分析"
