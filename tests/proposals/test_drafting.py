"""Drafts, session or interim, co-signers, collective proposals, submission and withdrawal."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from members.models import MemberStatus, Party, SpecialCommittee
from proposals import services
from proposals.errors import DeadlinePassed, InvalidTransition, NotReady, ProposalPermissionDenied
from proposals.models import BODY_PART_MAX_CHARS, InvitationStatus, ProposerKind, StatusChange, Timing
from proposals.workflow import Status
from tests.factories import make_user
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.notifications.models import Notification

from .factories import ProposalFactory, make_member, make_session

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=TZ)


@pytest.fixture
def sessions(db):
    """Two plenary sessions of the 10th term with their proposal windows."""
    s2023 = make_session(term_number=10, number=2, open_on=date(2022, 12, 1), close_on=date(2023, 1, 10))
    s2024 = make_session(term_number=10, number=3, open_on=date(2023, 12, 1), close_on=date(2024, 1, 10))
    return s2023, s2024


def draft(author, when=None, **fields):
    values = dict(title="关于加快建设口袋公园的建议", category="urban", situation="公园绿地分布不均。",
                  analysis="老城区用地紧张。", suggestions="利用边角地建设口袋公园。")
    values.update(fields)
    return services.proposal_create_draft(author=author, at=when, **values)


class TestDrafts:
    def test_session_or_interim_by_the_window_of_the_current_session(self, sessions, member):
        s2023, s2024 = sessions
        inside = draft(member.user, at(2023, 12, 15))
        assert (inside.plenary_session, inside.timing, inside.year) == (s2024, Timing.SESSION, 2024)
        after = draft(member.user, at(2024, 3, 1))
        assert (after.plenary_session, after.timing, after.year) == (s2024, Timing.INTERIM, 2024)
        before_2024_window = draft(member.user, at(2023, 11, 30))
        assert (before_2024_window.plenary_session, before_2024_window.timing) == (s2023, Timing.INTERIM)

    def test_update_refiles_a_never_submitted_draft_by_date(self, sessions, member):
        _s2023, s2024 = sessions
        p = draft(member.user, at(2023, 11, 30))
        services.proposal_update_draft(actor=member.user, proposal=p, title="新案由", at=at(2023, 12, 2))
        p.refresh_from_db()
        assert (p.plenary_session, p.timing, p.title) == (s2024, Timing.SESSION, "新案由")

    def test_only_serving_members_write_in_their_own_name(self, w):
        with pytest.raises(ProposalPermissionDenied):
            draft(make_user("handler"))
        resigned = make_member(status=MemberStatus.RESIGNED)
        with pytest.raises(ProposalPermissionDenied):
            draft(resigned.user)

    def test_drafts_may_be_incomplete_but_never_too_long(self, w, member):
        p = draft(member.user, title="", situation="", analysis="", suggestions="")
        assert p.status == Status.DRAFT
        with pytest.raises(ValidationError) as excinfo:
            services.proposal_update_draft(actor=member.user, proposal=p, situation="字" * 100_000)
        assert "situation" in excinfo.value.message_dict
        assert str(BODY_PART_MAX_CHARS) in excinfo.value.message_dict["situation"][0]
        p.refresh_from_db()
        assert p.situation == ""  # nothing saved

    def test_html_is_stored_as_typed(self, w, member):
        script = "<script>alert('x')</script><b>粗体</b>"
        p = draft(member.user, title=script[:60], suggestions=script)
        p.refresh_from_db()
        assert p.suggestions == script
        from django.template import Context, Template

        rendered = Template("{{ p.suggestions }}").render(Context({"p": p}))
        assert "<script>" not in rendered and "&lt;script&gt;" in rendered

    def test_only_the_lead_edits(self, w, member, other_member):
        p = draft(member.user)
        with pytest.raises(ProposalPermissionDenied):
            services.proposal_update_draft(actor=other_member.user, proposal=p, title="篡改")
        with pytest.raises(ProposalPermissionDenied):
            services.proposal_update_draft(actor=w.officer, proposal=p, title="篡改")


class TestCosigners:
    def test_invite_accept_decline_and_withdraw(self, w, member):
        p = draft(member.user)
        a, b = make_member(), make_member()
        inv_a = services.proposal_invite_cosigner(actor=member.user, proposal=p, member=a)
        inv_b = services.proposal_invite_cosigner(actor=member.user, proposal=p, member=b)
        p.refresh_from_db()
        assert p.kind == ProposerKind.JOINT
        assert Notification.objects.filter(recipient=a.user, kind="proposals.invitation").exists()
        services.invitation_accept(actor=a.user, invitation=inv_a)
        services.invitation_decline(actor=b.user, invitation=inv_b, reason="不熟悉该领域")
        inv_a.refresh_from_db(), inv_b.refresh_from_db()
        assert (inv_a.status, inv_b.status) == (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED)
        assert Notification.objects.filter(recipient=member.user, kind="proposals.invitation_answered").count() == 2
        services.proposal_withdraw_invitation(actor=member.user, invitation=inv_a)
        p.refresh_from_db()
        assert p.kind == ProposerKind.INDIVIDUAL

    def test_refusals(self, w, member):
        p = draft(member.user)
        with pytest.raises(ValidationError):  # the lead
            services.proposal_invite_cosigner(actor=member.user, proposal=p, member=member)
        with pytest.raises(ValidationError):  # not a member at all
            services.proposal_invite_cosigner(actor=member.user, proposal=p, member=make_user("correspondent"))
        resigned = make_member(status=MemberStatus.RESIGNED)
        with pytest.raises(ValidationError):
            services.proposal_invite_cosigner(actor=member.user, proposal=p, member=resigned)
        a = make_member()
        invitation = services.proposal_invite_cosigner(actor=member.user, proposal=p, member=a)
        with pytest.raises(ValidationError):  # not twice
            services.proposal_invite_cosigner(actor=member.user, proposal=p, member=a)
        with pytest.raises(ProposalPermissionDenied):  # only the invited member answers
            services.invitation_accept(actor=make_member().user, invitation=invitation)
        with pytest.raises(ProposalPermissionDenied):  # only the lead invites
            services.proposal_invite_cosigner(actor=a.user, proposal=p, member=make_member())
        # After a withdrawal the member may be invited again.
        services.proposal_withdraw_invitation(actor=member.user, invitation=invitation)
        again = services.proposal_invite_cosigner(actor=member.user, proposal=p, member=a)
        assert again.pk == invitation.pk and again.status == InvitationStatus.PENDING

    def test_collective_proposals_have_no_cosigners(self, w):
        holder = make_user()
        authorisation = services.collective_authorisation_grant(actor=w.officer, user=holder,
                                                                organisation=Party.objects.get(short_name="民盟"))
        p = draft(holder, collective=authorisation)
        with pytest.raises(ProposalPermissionDenied):
            services.proposal_invite_cosigner(actor=holder, proposal=p, member=make_member())


class TestSubmit:
    def test_pending_invitation_blocks_then_submit(self, w, member):
        p = draft(member.user)
        invitation = services.proposal_invite_cosigner(actor=member.user, proposal=p, member=make_member())
        with pytest.raises(NotReady):
            services.proposal_submit(actor=member.user, proposal=p)
        services.invitation_accept(actor=invitation.member.user, invitation=invitation)
        services.proposal_submit(actor=member.user, proposal=p)
        p.refresh_from_db()
        assert p.status == Status.SUBMITTED and p.submitted_at and p.kind == ProposerKind.JOINT
        assert Notification.objects.filter(recipient=w.officer, kind="proposals.submitted").exists()
        assert AuditEvent.objects.filter(action="proposals.submit", object_id=str(p.pk)).exists()

    def test_incomplete_draft_is_refused_with_field_errors(self, w, member):
        p = draft(member.user, analysis="   ", suggestions="")
        with pytest.raises(ValidationError) as excinfo:
            services.proposal_submit(actor=member.user, proposal=p)
        assert set(excinfo.value.message_dict) == {"analysis", "suggestions"}
        p.refresh_from_db()
        assert p.status == Status.DRAFT

    def test_double_submit_is_harmless(self, w, member):
        p = draft(member.user)
        services.proposal_submit(actor=member.user, proposal=p)
        services.proposal_submit(actor=member.user, proposal=p)
        assert StatusChange.objects.filter(proposal=p, verb="submit").count() == 1

    def test_session_deadline(self, sessions, member):
        _s2023, s2024 = sessions
        p = draft(member.user, at(2024, 1, 5))
        assert p.timing == Timing.SESSION
        with pytest.raises(DeadlinePassed) as excinfo:
            services.proposal_submit(actor=member.user, proposal=p, at=at(2024, 1, 11))
        assert "2024-01-10" in str(excinfo.value)
        services.proposal_submit(actor=member.user, proposal=p, accept_interim=True, at=at(2024, 1, 11))
        p.refresh_from_db()
        assert (p.status, p.timing, p.plenary_session) == (Status.SUBMITTED, Timing.INTERIM, s2024)

    def test_returned_session_proposal_can_be_resubmitted_after_the_deadline(self, sessions, member, w):
        p = draft(member.user, at(2024, 1, 5))
        services.proposal_submit(actor=member.user, proposal=p, at=at(2024, 1, 6))
        services.proposal_return(actor=w.officer, proposal=p, reason="请补充数据", at=at(2024, 1, 8))
        p.refresh_from_db()
        assert p.status == Status.DRAFT and p.revision_requested and p.revision_reason == "请补充数据"
        services.proposal_submit(actor=member.user, proposal=p, at=at(2024, 1, 20))
        p.refresh_from_db()
        assert (p.status, p.timing, p.revision_requested) == (Status.SUBMITTED, Timing.SESSION, False)

    def test_collective_submitted_only_by_an_authorised_user(self, w):
        holder = make_user()
        committee = SpecialCommittee.objects.first()
        authorisation = services.collective_authorisation_grant(actor=w.officer, user=holder, organisation=committee)
        assert holder.has_perm("proposals.add_proposal")
        p = draft(holder, collective=authorisation)
        assert p.kind == ProposerKind.COLLECTIVE and p.organisation == committee and p.lead_member is None
        services.collective_authorisation_revoke(actor=w.officer, authorisation=authorisation)
        with pytest.raises(ProposalPermissionDenied):
            services.proposal_submit(actor=holder, proposal=p)
        services.collective_authorisation_grant(actor=w.officer, user=holder, organisation=committee)
        services.proposal_submit(actor=holder, proposal=p)
        p.refresh_from_db()
        assert p.status == Status.SUBMITTED

    def test_collective_draft_needs_own_active_authorisation(self, w):
        holder, intruder = make_user(), make_member().user
        authorisation = services.collective_authorisation_grant(actor=w.officer, user=holder,
                                                                organisation=Party.objects.first())
        with pytest.raises(ProposalPermissionDenied):
            draft(intruder, collective=authorisation)
        with pytest.raises(ProposalPermissionDenied):  # only officers grant
            services.collective_authorisation_grant(actor=intruder, user=intruder, organisation=Party.objects.first())


class TestWithdraw:
    def test_withdraw_submitted_proposal(self, w, member):
        p = ProposalFactory(submitted=True, author=member.user)
        services.proposal_withdraw(actor=member.user, proposal=p, reason="与他人提案重复")
        p.refresh_from_db()
        assert p.status == Status.WITHDRAWN and p.withdrawn_at
        with pytest.raises(InvalidTransition):
            services.proposal_withdraw(actor=member.user, proposal=p)

    def test_withdraw_lapses_pending_invitations(self, w, member):
        p = draft(member.user)
        invitation = services.proposal_invite_cosigner(actor=member.user, proposal=p, member=make_member())
        services.proposal_withdraw(actor=member.user, proposal=p)
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.WITHDRAWN


def test_cosigner_limit(w, member):
    from zhongyuan_cppcc.core.parameters import set_parameter

    set_parameter(key="proposals.cosigners_max", value=1)
    p = draft(member.user)
    services.proposal_invite_cosigner(actor=member.user, proposal=p, member=make_member())
    with pytest.raises(ValidationError):
        services.proposal_invite_cosigner(actor=member.user, proposal=p, member=make_member())


def test_create_without_any_session_is_a_clear_error(db):
    from members.models import PlenarySession

    PlenarySession.objects.all().delete()
    with pytest.raises(NotReady):
        draft(make_member().user)

