"""Register (numbers, ledger), return, not register (grounds, conversion), merge."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import LedgerEvent
from opinions.models import OpinionReport, ReportStatus
from proposals import selectors, services
from proposals.errors import InvalidTransition, ProposalError
from proposals.models import ProposalNumberSequence, Rating, RejectionGround
from proposals.workflow import Status
from zhongyuan_cppcc.notifications.models import Notification

from .factories import ProposalFactory, make_member, make_session, pdf_upload


def live_events(proposal):
    return LedgerEvent.objects.filter(source_id=str(proposal.pk), source_type__model="proposal",
                                      withdrawn_at__isnull=True)


class TestRegister:
    def test_numbers_per_session_without_gaps(self, w):
        first = ProposalFactory(registered=True)
        second = ProposalFactory(registered=True)
        assert first.number == "第十届第三次会议第0001号"
        assert (first.serial, second.serial) == (1, 2)
        assert second.number.endswith("第0002号")
        # Another session starts again at 1.
        from datetime import date

        other = make_session(term_number=11, number=1, open_on=date(2030, 1, 1), close_on=date(2030, 1, 20))
        p = ProposalFactory(submitted=True)
        p.plenary_session = other
        p.save(update_fields=["plenary_session"])
        services.proposal_register(actor=w.officer, proposal=p)
        p.refresh_from_db()
        assert p.number == "第十一届第一次会议第0001号"
        assert ProposalNumberSequence.objects.get(pk=w.session.pk).last_serial == 2

    def test_rolled_back_registration_gives_the_number_back(self, w):
        from django.db import transaction

        p = ProposalFactory(submitted=True)
        with pytest.raises(RuntimeError), transaction.atomic():
            services.proposal_register(actor=w.officer, proposal=p)
            raise RuntimeError("later step failed")
        services.proposal_register(actor=w.officer, proposal=p)
        p.refresh_from_db()
        assert p.serial == 1

    def test_ledger_events_for_lead_and_accepted_cosigners(self, w):
        p = ProposalFactory(registered=True, cosigners=2)
        rows = sorted(live_events(p).values_list("member_id", "subkind"))
        expected = sorted([(p.lead_member_id, "lead")]
                          + [(m, "cosigner") for m in p.invitations.values_list("member_id", flat=True)])
        assert rows == expected
        assert all(e.kind == "proposal" and e.date == timezone.localdate(p.registered_at) for e in live_events(p))

    def test_proposers_are_notified(self, w):
        p = ProposalFactory(registered=True, cosigners=1)
        cosigner = p.invitations.get().member.user
        for user in (p.author, cosigner):
            assert Notification.objects.filter(recipient=user, kind="proposals.registered").exists()

    def test_only_officers_register(self, w):
        from proposals.errors import ProposalPermissionDenied

        p = ProposalFactory(submitted=True)
        for intruder in (p.author, w.leader, w.lead_handler):
            with pytest.raises(ProposalPermissionDenied):
                services.proposal_register(actor=intruder, proposal=p)


class TestReturnAndReject:
    def test_return_needs_a_reason(self, w):
        p = ProposalFactory(submitted=True)
        with pytest.raises(ValidationError):
            services.proposal_return(actor=w.officer, proposal=p, reason="  ")
        p.refresh_from_db()
        assert p.status == Status.SUBMITTED

    def test_reject_on_a_fixed_ground_which_the_proposer_sees(self, w):
        p = ProposalFactory(submitted=True)
        with pytest.raises(ValidationError):
            services.proposal_reject(actor=w.officer, proposal=p, ground="i-do-not-like-it")
        services.proposal_reject(actor=w.officer, proposal=p, ground=RejectionGround.LITIGATION, note="已进入诉讼程序")
        p.refresh_from_db()
        assert (p.status, p.rejection_ground, p.opinion_report) == (Status.NOT_REGISTERED, "litigation", None)
        note = Notification.objects.get(recipient=p.author, kind="proposals.not_registered")
        assert str(RejectionGround.LITIGATION.label) in note.body and "已进入诉讼程序" in note.body
        timeline = selectors.timeline_for(user=p.author, proposal=p, whole=True).rows
        assert any(str(RejectionGround.LITIGATION.label) in e.note for e in timeline)

    def test_reject_with_conversion_into_an_opinion_report(self, w):
        p = ProposalFactory(submitted=True)
        services.proposal_reject(actor=w.officer, proposal=p, ground=RejectionGround.NO_SUGGESTION,
                                 convert_to_opinion=True)
        p.refresh_from_db()
        report = p.opinion_report
        assert report.status == ReportStatus.DRAFT and report.author == p.author
        assert report.title == p.title and p.suggestions in report.body
        assert report.origin == p
        with pytest.raises(ProposalError):  # once only
            services.proposal_convert_to_opinion(actor=w.officer, proposal=p)

    def test_conversion_later_by_the_proposer(self, w):
        p = ProposalFactory(not_registered=True)
        services.proposal_convert_to_opinion(actor=p.author, proposal=p)
        assert OpinionReport.objects.filter(origin_id=str(p.pk), author=p.author).count() == 1


class TestMerge:
    def test_merged_proposers_follow_the_main_one_and_rate_its_reply(self, w):
        main = ProposalFactory(registered=True)
        source = ProposalFactory(registered=True, cosigners=1)
        source_cosigner = source.invitations.get().member.user
        assert live_events(source).count() == 2
        services.proposal_merge(actor=w.officer, proposal=source, into=main, note="内容相近")
        source.refresh_from_db()
        assert (source.status, source.merged_into) == (Status.MERGED, main)
        assert live_events(source).count() == 0  # ledger undone
        assert source.number  # keeps its number: numbering stays gap-free
        # Both proposers of the merged one see the main proposal …
        for user in (source.author, source_cosigner):
            assert selectors.proposal_get_for(user=user, pk=main.pk) == main
            assert main in selectors.my_proposals_for(user=user)
        # … and each gets the reply to rate.
        services.proposal_assign(actor=w.officer, proposal=main, lead_unit=w.lead_unit)
        main.refresh_from_db()
        services.proposal_record_contact(actor=w.lead_handler, proposal=main, method="phone",
                                         contacted_on=main.assigned_on)
        services.reply_submit(actor=w.lead_handler, proposal=main, reply_class="A", text="已解决",
                              document=pdf_upload())
        services.reply_approve(actor=w.officer, proposal=main)
        raters = set(Rating.objects.filter(proposal=main).values_list("user_id", flat=True))
        assert raters == {main.author_id, source.author_id, source_cosigner.pk}
        assert Notification.objects.filter(recipient=source_cosigner, kind="proposals.reply_approved").exists()
        for user in (main.author, source.author, source_cosigner):
            services.rating_submit(actor=user, proposal=main, overall="satisfied", contacted="phone", on_point=True)
        main.refresh_from_db()
        assert main.status == Status.CLOSED

    def test_merge_chains_are_flattened(self, w):
        a, b, c = (ProposalFactory(submitted=True) for _ in range(3))
        services.proposal_merge(actor=w.officer, proposal=a, into=b)
        services.proposal_merge(actor=w.officer, proposal=b, into=c)
        a.refresh_from_db()
        assert a.merged_into == c
        assert selectors.proposal_get_for(user=a.author, pk=c.pk) == c

    def test_merge_refusals(self, w):
        p = ProposalFactory(submitted=True)
        with pytest.raises(ValidationError):
            services.proposal_merge(actor=w.officer, proposal=p, into=p)
        replied = ProposalFactory(replied=True)
        with pytest.raises(InvalidTransition):
            services.proposal_merge(actor=w.officer, proposal=p, into=replied)
        draft = ProposalFactory()
        with pytest.raises(InvalidTransition):
            services.proposal_merge(actor=w.officer, proposal=p, into=draft)
        p.refresh_from_db()
        assert p.status == Status.SUBMITTED

    def test_merged_proposer_is_told(self, w):
        main, source = ProposalFactory(submitted=True), ProposalFactory(submitted=True)
        services.proposal_merge(actor=w.officer, proposal=source, into=main)
        assert Notification.objects.filter(recipient=source.author, kind="proposals.merged").exists()
        assert Notification.objects.filter(recipient=main.author, kind="proposals.merged_into").exists()


def test_member_helper_is_a_member(db):
    assert make_member().user.has_role("member")
