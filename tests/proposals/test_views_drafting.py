"""The proposer's screens: drafting with autosave, attachments, co-signers, submission, withdrawal, rating
and the proposer's panel on the detail page."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.services import member_derive_names
from proposals import services
from proposals.models import (
    Attachment,
    CosignerInvitation,
    InvitationStatus,
    Proposal,
    ProposerKind,
    Rating,
    RatingStatus,
    Satisfaction,
)
from proposals.workflow import Status
from tests.factories import make_user

from .factories import ProposalFactory, make_member

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HTML_FILE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def url(name, *args):
    return reverse(f"proposals:{name}", args=args)


def draft_data(**overrides):
    data = {"title": "关于加强社区养老服务的建议", "category": "social", "situation": "社区老人多。",
            "analysis": "服务设施不足。", "suggestions": "一是建设日间照料中心。"}
    data.update(overrides)
    return data


def joint_draft(cosigner):
    """A draft the member co-signs (invited and accepted)."""
    proposal = ProposalFactory()
    invitation = services.proposal_invite_cosigner(actor=proposal.author, proposal=proposal, member=cosigner)
    services.invitation_accept(actor=cosigner.user, invitation=invitation)
    return proposal


def named_member(name, username):
    member = make_member(username, name=name)
    member_derive_names(member)
    member.save()
    return member


@pytest.fixture
def lead(w):
    return make_member("lead-proposer")


@pytest.fixture
def draft(lead):
    return ProposalFactory(author=lead.user)


# --- Drafting ------------------------------------------------------------------------------------------


class TestCreate:
    def test_fields_needed_to_submit_are_marked_before_the_first_submit(self, w, lead, client_for):
        """Issue 15: the asterisk was shown only after a failed submit; a draft may still be saved half-done."""
        page = client_for(lead.user).get(url("proposal-create")).content.decode()
        for name in ("title", "category", "situation", "analysis", "suggestions"):
            tag = page.split(f'id="id_{name}"', 1)[0].rsplit("<", 1)[-1] + page.split(f'id="id_{name}"', 1)[1]
            assert 'aria-required="true"' in tag.split(">", 1)[0], name
        assert 'id="id_suggested_lead_unit"' in page
        assert 'aria-required' not in page.split('id="id_suggested_lead_unit"', 1)[1].split(">", 1)[0]
        css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
        assert '[aria-required="true"]:not([required])) > label::after' in css

    def test_member_creates_a_draft(self, w, lead, client_for):
        client = client_for(lead.user)
        assert client.get(url("proposal-create")).status_code == 200
        response = client.post(url("proposal-create"), draft_data(suggested_lead_unit=w.lead_unit.pk,
                                                                   suggested_co_units=[w.co_unit.pk]))
        proposal = Proposal.objects.get(author=lead.user)
        assert response.status_code == 302 and response["Location"] == url("draft-edit", proposal.pk)
        assert proposal.status == Status.DRAFT and proposal.title == "关于加强社区养老服务的建议"
        assert proposal.suggested_lead_unit == w.lead_unit
        assert list(proposal.suggested_co_units.all()) == [w.co_unit]

    @pytest.mark.parametrize("role", ["handler", "proposal_officer", "leader", "correspondent"])
    def test_other_roles_cannot_write(self, w, client_for, role):
        client = client_for(make_user(role))
        assert client.get(url("proposal-create")).status_code == 403
        assert client.post(url("proposal-create"), draft_data()).status_code == 403
        assert not Proposal.objects.exists()

    def test_too_long_title_keeps_every_typed_text(self, w, lead, client_for):
        response = client_for(lead.user).post(url("proposal-create"),
                                              draft_data(title="长" * 101, situation="我写的情况说明"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "长" * 101 in body and "我写的情况说明" in body and "服务设施不足。" in body
        assert not Proposal.objects.exists()

    def test_autosave_creates_once_per_form_token(self, w, lead, client_for):
        client = client_for(lead.user)
        first = client.post(url("proposal-create"), draft_data(token="abc123", title="初稿"), **HX)
        second = client.post(url("proposal-create"), draft_data(token="abc123", title="二稿"), **HX)
        proposal = Proposal.objects.get()
        assert proposal.title == "二稿"
        for response in (first, second):
            assert response.status_code == 200 and "已自动保存" in response.content.decode()
        assert url("draft-autosave", proposal.pk) in first.content.decode()
        # The "save" button after autosave updates the same draft too.
        client.post(url("proposal-create"), draft_data(token="abc123", title="定稿"))
        assert Proposal.objects.get().title == "定稿"

    def test_user_without_member_record_gets_a_clear_message(self, w, client_for):
        client = client_for(make_user("member"))
        response = client.post(url("proposal-create"), draft_data())
        assert response.status_code == 200
        assert "只有在任政协委员才能以个人名义撰写提案" in response.content.decode()
        assert not Proposal.objects.exists()

    def test_collective_filing(self, w, client_for):
        from members.models import Party

        holder = make_member("collective-holder")
        party = Party.objects.order_by("order").first()
        authorisation = services.collective_authorisation_grant(actor=w.officer, user=holder.user, organisation=party)
        client = client_for(holder.user)
        page = client.get(url("proposal-create")).content.decode()
        assert party.name in page
        client.post(url("proposal-create"), draft_data(file_as=authorisation.pk))
        proposal = Proposal.objects.get()
        assert proposal.kind == ProposerKind.COLLECTIVE and proposal.organisation_party == party


    def test_collective_only_user_files_for_the_organisation(self, w, client_for):
        from members.models import Sector

        holder = make_user()  # no member role: writes only in the organisation's name
        sector = Sector.objects.order_by("order").first()
        authorisation = services.collective_authorisation_grant(actor=w.officer, user=holder, organisation=sector)
        client = client_for(holder)
        page = client.get(url("proposal-create")).content.decode()
        assert f'value="{authorisation.pk}" selected' in page
        client.post(url("proposal-create"), draft_data(file_as=authorisation.pk))
        assert Proposal.objects.get().organisation_sector == sector

    def test_old_form_token_after_submission_starts_a_new_draft(self, w, lead, client_for):
        client = client_for(lead.user)
        client.post(url("proposal-create"), draft_data(token="tok1"), **HX)
        first = Proposal.objects.get()
        services.proposal_submit(actor=lead.user, proposal=first)
        client.post(url("proposal-create"), draft_data(token="tok1", title="另一件事"))
        first.refresh_from_db()
        assert first.status == Status.SUBMITTED and first.title != "另一件事"
        assert Proposal.objects.filter(title="另一件事", status=Status.DRAFT).count() == 1


class TestEdit:
    def test_lead_edits(self, draft, client_for):
        client = client_for(draft.author)
        assert client.get(url("draft-edit", draft.pk)).status_code == 200
        response = client.post(url("draft-edit", draft.pk), draft_data(title="修改后的案由"))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.title == "修改后的案由"

    def test_other_member_gets_404(self, draft, client_for):
        client = client_for(make_member().user)
        for name in ("draft-edit", "proposal-submit", "cosigner-search"):
            assert client.get(url(name, draft.pk)).status_code == 404
        for name in ("draft-autosave", "attachment-upload", "cosigner-invite", "proposal-withdraw"):
            assert client.post(url(name, draft.pk), draft_data()).status_code == 404
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT and draft.title != "关于加强社区养老服务的建议"

    @pytest.mark.parametrize("role", ["proposal_officer", "leader", "handler"])
    def test_staff_never_see_drafts(self, draft, client_for, role):
        assert client_for(make_user(role)).get(url("draft-edit", draft.pk)).status_code == 404

    def test_co_signer_cannot_edit(self, w, client_for):
        cosigner = make_member()
        proposal = joint_draft(cosigner)
        client = client_for(cosigner.user)
        assert client.get(url("draft-edit", proposal.pk)).status_code == 403
        assert client.post(url("draft-autosave", proposal.pk), draft_data(title="篡改")).status_code == 403
        proposal.refresh_from_db()
        assert proposal.title != "篡改"

    def test_validation_error_keeps_text(self, draft, client_for):
        response = client_for(draft.author).post(url("draft-edit", draft.pk),
                                                 draft_data(title="题" * 150, suggestions="我刚写的建议"))
        assert response.status_code == 200
        assert "题" * 150 in response.content.decode() and "我刚写的建议" in response.content.decode()
        draft.refresh_from_db()
        assert draft.suggestions != "我刚写的建议"

    def test_100000_character_body_is_refused_clearly(self, draft, client_for):
        huge = "字" * 100_000
        client = client_for(draft.author)
        response = client.post(url("draft-edit", draft.pk), draft_data(analysis=huge))
        assert response.status_code == 200
        body = response.content.decode()
        assert "10000" in body  # the limit is named
        assert huge in body  # and the text is given back
        autosave = client.post(url("draft-autosave", draft.pk), draft_data(analysis=huge, title="新案由"), **HX)
        assert autosave.status_code == 200 and "未保存" in autosave.content.decode()
        draft.refresh_from_db()
        assert draft.title == "新案由" and len(draft.analysis) < 100_000  # what validated was saved

    def test_returned_draft_shows_the_reason(self, w, lead, client_for):
        proposal = ProposalFactory(author=lead.user, submitted=True)
        services.proposal_return(actor=w.officer, proposal=proposal, reason="请补充具体数据<b>来源</b>")
        page = client_for(lead.user).get(url("draft-edit", proposal.pk)).content.decode()
        assert "请补充具体数据&lt;b&gt;来源&lt;/b&gt;" in page
        detail = client_for(lead.user).get(url("proposal-detail", proposal.pk)).content.decode()
        assert 'data-testid="panel-revision-reason"' in detail

    def test_submitted_proposal_is_not_editable(self, w, lead, client_for):
        proposal = ProposalFactory(author=lead.user, submitted=True)
        client = client_for(lead.user)
        response = client.get(url("draft-edit", proposal.pk))
        assert response.status_code == 302 and response["Location"] == url("proposal-detail", proposal.pk)
        response = client.post(url("draft-autosave", proposal.pk), draft_data(title="改"), **HX)
        assert "此提案已不是草稿，不能再修改" in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.title != "改"


class TestAutosave:
    def test_saves_and_answers_the_time(self, draft, client_for):
        response = client_for(draft.author).post(url("draft-autosave", draft.pk),
                                                 draft_data(situation="自动保存的内容"), **HX)
        assert response.status_code == 200
        assert "已自动保存 " + timezone.localtime().strftime("%H:") in response.content.decode()
        draft.refresh_from_db()
        assert draft.situation == "自动保存的内容"

    def test_get_is_not_allowed(self, draft, client_for):
        assert client_for(draft.author).get(url("draft-autosave", draft.pk)).status_code == 405

    def test_invalid_field_is_named_and_the_rest_saved(self, draft, client_for):
        response = client_for(draft.author).post(url("draft-autosave", draft.pk),
                                                 draft_data(title="超" * 101, situation="保留这段"), **HX)
        body = response.content.decode()
        assert "未保存" in body and "案由" in body
        draft.refresh_from_db()
        assert draft.situation == "保留这段" and draft.title != "超" * 101


def test_html_in_every_text_field_is_escaped(draft, client_for):
    client = client_for(draft.author)
    client.post(url("draft-edit", draft.pk), draft_data(title=XSS[:90], situation=XSS, analysis=XSS,
                                                        suggestions=XSS))
    draft.refresh_from_db()
    assert draft.situation == XSS
    for page in (client.get(url("draft-edit", draft.pk)), client.get(url("proposal-submit", draft.pk)),
                 client.get(url("proposal-detail", draft.pk))):
        body = page.content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert" in body
    # Typed text given back after a validation error is escaped too.
    body = client.post(url("draft-edit", draft.pk), draft_data(title="x" * 101, situation=XSS)).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body


# --- Attachments -------------------------------------------------------------------------------------------


class TestAttachments:
    def test_upload_and_remove(self, draft, client_for):
        client = client_for(draft.author)
        response = client.post(url("attachment-upload", draft.pk),
                               {"file": SimpleUploadedFile("调研报告.txt", "调研内容".encode())}, **HX)
        assert response.status_code == 200 and "调研报告.txt" in response.content.decode()
        attachment = Attachment.objects.get()
        response = client.post(url("attachment-remove", attachment.pk), **HX)
        assert response.status_code == 200 and "调研报告.txt" not in response.content.decode()
        assert not Attachment.objects.exists()

    def test_html_renamed_pdf_is_refused_in_chinese(self, draft, client_for):
        response = client_for(draft.author).post(url("attachment-upload", draft.pk),
                                                 {"file": SimpleUploadedFile("伪装.pdf", HTML_FILE)}, **HX)
        body = response.content.decode()
        assert response.status_code == 200 and 'data-testid="attachment-error"' in body
        assert "文件“伪装.pdf”的内容不是有效的 .pdf 文件" in body
        assert not Attachment.objects.exists()

    def test_without_htmx_redirects_with_a_message(self, draft, client_for):
        client = client_for(draft.author)
        response = client.post(url("attachment-upload", draft.pk), {"file": SimpleUploadedFile("伪装.pdf", HTML_FILE)},
                               follow=True)
        assert response.redirect_chain[-1][0] == url("draft-edit", draft.pk)
        assert any(m.level_tag == "error" for m in response.context["messages"])

    def test_other_member_cannot_remove(self, draft, client_for):
        attachment = services.attachment_add(actor=draft.author, proposal=draft,
                                             upload=SimpleUploadedFile("a.txt", b"x"))
        assert client_for(make_member().user).post(url("attachment-remove", attachment.pk)).status_code == 404
        assert Attachment.objects.filter(pk=attachment.pk).exists()

    def test_no_upload_once_submitted(self, w, lead, client_for):
        proposal = ProposalFactory(author=lead.user, submitted=True)
        client_for(lead.user).post(url("attachment-upload", proposal.pk), {"file": SimpleUploadedFile("a.txt", b"x")})
        assert not Attachment.objects.exists()


# --- Co-signers -----------------------------------------------------------------------------------------


class TestCosigners:
    def test_search_by_name_pinyin_and_initials(self, draft, client_for):
        named_member("王建国", "wjg")
        named_member("李红梅", "lhm")
        client = client_for(draft.author)
        for query in ("王建国", "wangjianguo", "wjg"):
            body = client.get(url("cosigner-search", draft.pk), {"q": query}, **HX).content.decode()
            assert "王建国" in body and "李红梅" not in body, query
        assert "王建国" not in client.get(url("cosigner-search", draft.pk), {"q": ""}, **HX).content.decode()

    def test_search_leaves_out_the_lead_retired_and_invited(self, draft, client_for):
        from members.models import MemberStatus

        retired = named_member("王退休", "wtx")
        retired.status = MemberStatus.RETIRED if hasattr(MemberStatus, "RETIRED") else [
            s for s in MemberStatus.values if s != MemberStatus.SERVING][0]
        retired.save()
        invited = named_member("王已邀", "wyy")
        services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=invited)
        body = client_for(draft.author).get(url("cosigner-search", draft.pk), {"q": "w"}, **HX).content.decode()
        assert "王退休" not in body and "王已邀" not in body

    def test_invite_and_withdraw(self, draft, client_for):
        member = named_member("王建国", "wjg")
        client = client_for(draft.author)
        response = client.post(url("cosigner-invite", draft.pk), {"member": member.pk}, **HX)
        assert response.status_code == 200 and "王建国" in response.content.decode()
        invitation = CosignerInvitation.objects.get()
        assert invitation.status == InvitationStatus.PENDING
        draft.refresh_from_db()
        assert draft.kind == ProposerKind.JOINT
        client.post(url("invitation-withdraw", invitation.pk), **HX)
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.WITHDRAWN

    def test_non_member_is_refused_clearly(self, w, draft, client_for):
        from members.models import MemberStatus

        client = client_for(draft.author)
        response = client.post(url("cosigner-invite", draft.pk), {"member": "999999"}, **HX)
        assert "请选择一位在任政协委员" in response.content.decode()
        no_account = named_member("无账号", "noacct")
        no_account.user = None
        no_account.save()
        body = client.post(url("cosigner-invite", draft.pk), {"member": no_account.pk}, **HX).content.decode()
        assert "无账号 不是拥有账号的在任委员，不能联名" in body and 'data-testid="cosigner-error"' in body
        former = named_member("前委员", "former")
        former.status = [s for s in MemberStatus.values if s != MemberStatus.SERVING][0]
        former.save()
        body = client.post(url("cosigner-invite", draft.pk), {"member": former.pk}, **HX).content.decode()
        assert "前委员 不是拥有账号的在任委员" in body
        assert not CosignerInvitation.objects.exists()

    def test_only_lead_searches_and_invites(self, w, client_for):
        cosigner = make_member()
        proposal = joint_draft(cosigner)
        other = named_member("王建国", "wjg")
        client = client_for(cosigner.user)
        assert client.get(url("cosigner-search", proposal.pk), {"q": "w"}).status_code == 403
        assert client.post(url("cosigner-invite", proposal.pk), {"member": other.pk}).status_code == 403
        assert CosignerInvitation.objects.count() == 1

    def test_invited_member_accepts(self, draft, client_for):
        member = make_member()
        invitation = services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=member)
        client = client_for(member.user)
        page = client.get(url("proposal-detail", draft.pk)).content.decode()
        assert 'data-testid="invitation-answer"' in page
        response = client.post(url("invitation-accept", invitation.pk))
        assert response.status_code == 302
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.ACCEPTED

    def test_invited_member_declines_with_reason(self, draft, client_for):
        member = make_member()
        invitation = services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=member)
        client_for(member.user).post(url("invitation-decline", invitation.pk), {"reason": "不熟悉该领域"})
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.DECLINED and invitation.decline_reason == "不熟悉该领域"

    def test_nobody_else_answers_an_invitation(self, draft, client_for):
        member = make_member()
        invitation = services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=member)
        assert client_for(make_member().user).post(url("invitation-accept", invitation.pk)).status_code == 404
        # The lead cannot accept on the member's behalf: refused with a message, nothing changes.
        response = client_for(draft.author).post(url("invitation-accept", invitation.pk), follow=True)
        assert any(m.level_tag == "error" for m in response.context["messages"])
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.PENDING

    def test_only_the_lead_withdraws_an_invitation(self, draft, client_for):
        member = make_member()
        invitation = services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=member)
        response = client_for(member.user).post(url("invitation-withdraw", invitation.pk), follow=True)
        assert any(m.level_tag == "error" for m in response.context["messages"])
        assert client_for(make_member().user).post(url("invitation-withdraw", invitation.pk)).status_code == 404
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.PENDING

    def test_decline_reason_is_shown_escaped_to_the_lead(self, draft, client_for):
        member = make_member()
        invitation = services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=member)
        client_for(member.user).post(url("invitation-decline", invitation.pk), {"reason": XSS[:60]})
        page = client_for(draft.author).get(url("draft-edit", draft.pk)).content.decode()
        assert "&lt;script&gt;" in page and "<script>alert" not in page

    def test_answering_twice_gives_a_message(self, draft, client_for):
        member = make_member()
        invitation = services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=member)
        client = client_for(member.user)
        client.post(url("invitation-accept", invitation.pk))
        response = client.post(url("invitation-decline", invitation.pk), follow=True)
        assert any(m.level_tag == "error" for m in response.context["messages"])
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.ACCEPTED


# --- Submission and withdrawal -----------------------------------------------------------------------------


class TestSubmit:
    def test_shows_similar_proposals_with_replies(self, w, draft, client_for):
        earlier = ProposalFactory(replied=True, title=draft.title.replace("第", "另一"))
        page = client_for(draft.author).get(url("proposal-submit", draft.pk)).content.decode()
        assert earlier.title in page and url("proposal-detail", earlier.pk) in page
        assert "经研究，已纳入明年计划。" in page

    def test_submit_and_double_submit(self, draft, client_for):
        client = client_for(draft.author)
        first = client.post(url("proposal-submit", draft.pk))
        second = client.post(url("proposal-submit", draft.pk))
        assert first.status_code == second.status_code == 302
        assert second["Location"] == url("proposal-detail", draft.pk)
        draft.refresh_from_db()
        assert draft.status == Status.SUBMITTED
        assert draft.status_changes.filter(verb="submit").count() == 1

    def test_pending_invitation_blocks_with_a_message(self, draft, client_for):
        member = make_member(name="赵待定")
        services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=member)
        client = client_for(draft.author)
        assert "赵待定" in client.get(url("proposal-submit", draft.pk)).content.decode()
        response = client.post(url("proposal-submit", draft.pk))
        assert response.status_code == 200
        assert "赵待定" in response.content.decode() and 'data-testid="submit-errors"' in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT

    def test_incomplete_draft_is_not_submitted(self, lead, client_for):
        proposal = services.proposal_create_draft(author=lead.user, title="只有标题")
        client = client_for(lead.user)
        assert 'data-testid="missing-parts"' in client.get(url("proposal-submit", proposal.pk)).content.decode()
        response = client.post(url("proposal-submit", proposal.pk))
        assert response.status_code == 200 and 'data-testid="submit-errors"' in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.status == Status.DRAFT

    def test_after_the_deadline_offers_interim(self, w, draft, client_for):
        w.session.proposals_close_on = timezone.localdate() - timedelta(days=1)
        w.session.save()
        client = client_for(draft.author)
        response = client.post(url("proposal-submit", draft.pk))
        assert response.status_code == 200 and 'data-testid="deadline-passed"' in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT
        client.post(url("proposal-submit", draft.pk), {"accept_interim": "on"})
        draft.refresh_from_db()
        assert draft.status == Status.SUBMITTED and draft.timing == "interim"

    def test_wrong_state_gives_a_message_and_changes_nothing(self, w, lead, client_for):
        proposal = ProposalFactory(author=lead.user, registered=True)
        client = client_for(lead.user)
        response = client.post(url("proposal-submit", proposal.pk), follow=True)
        assert response.redirect_chain[-1][0] == url("proposal-detail", proposal.pk)
        assert list(response.context["messages"])
        response = client.post(url("proposal-withdraw", proposal.pk), follow=True)
        assert any(m.level_tag == "error" for m in response.context["messages"])
        proposal.refresh_from_db()
        assert proposal.status == Status.REGISTERED

    def test_withdraw(self, draft, client_for):
        client_for(draft.author).post(url("proposal-withdraw", draft.pk), {"reason": "与已有提案重复"})
        draft.refresh_from_db()
        assert draft.status == Status.WITHDRAWN
        assert draft.status_changes.get(verb="withdraw").note == "与已有提案重复"

    def test_cosigner_cannot_submit_or_withdraw(self, w, client_for):
        cosigner = make_member()
        proposal = joint_draft(cosigner)
        client = client_for(cosigner.user)
        assert client.post(url("proposal-submit", proposal.pk)).status_code == 403
        assert client.post(url("proposal-withdraw", proposal.pk)).status_code == 403
        proposal.refresh_from_db()
        assert proposal.status == Status.DRAFT


# --- Rating ----------------------------------------------------------------------------------------------


RATING = {"overall": Satisfaction.SATISFIED, "contacted": "yes", "on_point": "yes", "comment": "答复认真"}


class TestRating:
    @pytest.fixture
    def joint(self, w, lead):
        cosigner = make_member("co-proposer")
        proposal = ProposalFactory(author=lead.user, cosigners=[cosigner], replied=True)
        return proposal, cosigner

    def test_each_proposer_rates_from_their_own_login(self, joint, lead, client_for):
        proposal, cosigner = joint
        for user in (lead.user, cosigner.user):
            client = client_for(user)
            assert client.get(url("rating", proposal.pk)).status_code == 200
            assert client.post(url("rating", proposal.pk), RATING).status_code == 302
            assert Rating.objects.get(proposal=proposal, user=user).status == RatingStatus.RATED
        proposal.refresh_from_db()
        assert proposal.status == Status.CLOSED

    def test_rating_again_is_a_message(self, joint, lead, client_for):
        proposal, _cosigner = joint
        client = client_for(lead.user)
        client.post(url("rating", proposal.pk), RATING)
        response = client.get(url("rating", proposal.pk))
        assert response.status_code == 302
        panel = client.get(url("proposal-detail", proposal.pk)).content.decode()
        assert 'data-testid="my-rating"' in panel and "答复认真" in panel

    def test_handling_unit_never_opens_the_form(self, w, joint, client_for):
        proposal, _cosigner = joint
        for user in (w.lead_handler, w.co_handler):
            client = client_for(user)
            assert client.get(url("rating", proposal.pk)).status_code == 403
            assert client.post(url("rating", proposal.pk), RATING).status_code == 403
        assert client_for(w.other_handler).get(url("rating", proposal.pk)).status_code == 404
        assert not Rating.objects.filter(status=RatingStatus.RATED).exists()

    def test_officer_and_strangers_cannot_rate(self, w, joint, client_for):
        proposal, _cosigner = joint
        assert client_for(w.officer).post(url("rating", proposal.pk), RATING).status_code == 403
        # Another member reads the public archive, but never rates.
        assert client_for(make_member().user).post(url("rating", proposal.pk), RATING).status_code == 403
        assert not Rating.objects.filter(status=RatingStatus.RATED).exists()

    def test_invalid_rating_keeps_the_comment(self, joint, lead, client_for):
        proposal, _cosigner = joint
        response = client_for(lead.user).post(url("rating", proposal.pk), {"comment": "<b>意见</b>"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "&lt;b&gt;意见&lt;/b&gt;" in body and "<b>意见</b>" not in body
        assert not Rating.objects.filter(status=RatingStatus.RATED).exists()

    def test_dissatisfied_starts_rehandling(self, joint, lead, client_for):
        proposal, _cosigner = joint
        client_for(lead.user).post(url("rating", proposal.pk), {**RATING, "overall": Satisfaction.DISSATISFIED})
        proposal.refresh_from_db()
        assert proposal.status == Status.REHANDLING


# --- The proposer's panel -----------------------------------------------------------------------------------


class TestPanel:
    def test_lead_sees_draft_buttons_and_cosigners(self, draft, client_for):
        member = make_member(name="钱co")
        services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=member)
        page = client_for(draft.author).get(url("proposal-detail", draft.pk)).content.decode()
        assert url("draft-edit", draft.pk) in page and url("proposal-submit", draft.pk) in page
        assert url("proposal-withdraw", draft.pk) in page and "钱co" in page

    def test_others_see_no_panel(self, w, client_for):
        proposal = ProposalFactory(replied=True)
        for user in (w.officer, w.lead_handler, make_member().user):
            page = client_for(user).get(url("proposal-detail", proposal.pk)).content.decode()
            assert 'data-testid="proposer-panel"' not in page
            assert url("rating", proposal.pk) not in page

    def test_open_rating_link_for_each_proposer(self, w, lead, client_for):
        cosigner = make_member()
        proposal = ProposalFactory(author=lead.user, cosigners=[cosigner], replied=True)
        for user in (lead.user, cosigner.user):
            page = client_for(user).get(url("proposal-detail", proposal.pk)).content.decode()
            assert url("rating", proposal.pk) in page

    def test_queries_do_not_grow_with_cosigners(self, w, client_for):
        def count(n):
            author = make_member().user
            proposal = ProposalFactory(author=author, cosigners=n)
            client = client_for(author)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url("proposal-detail", proposal.pk)).status_code == 200
            return len(ctx.captured_queries)

        assert count(5) == count(1)
