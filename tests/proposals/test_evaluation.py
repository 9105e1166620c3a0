"""Ratings (own login only, secrecy), re-handling, closing (all rated or the rating period over),
quality rating, excellent proposals, publication, follow-up review."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from members.models import LedgerEvent
from proposals import deadlines, selectors, services
from proposals.errors import InvalidTransition, NotReady, ProposalError, ProposalPermissionDenied
from proposals.models import ClosedReason, DeadlineBasis, QualityRating, Rating, RatingStatus
from proposals.workflow import Status
from tests.factories import make_user
from zhongyuan_cppcc.core.parameters import set_parameter
from zhongyuan_cppcc.notifications.models import Notification

from .factories import ProposalFactory, make_member, pdf_upload


def rate(user, p, overall="satisfied", **kw):
    return services.rating_submit(actor=user, proposal=p, overall=overall, contacted=kw.pop("contacted", "yes"),
                                  on_point=kw.pop("on_point", True), **kw)


def reply_again(p, w):
    services.proposal_record_contact(actor=w.lead_handler, proposal=p, method="face_to_face",
                                     contacted_on=p.rehandling_started_on)
    services.reply_submit(actor=w.lead_handler, proposal=p, reply_class="A", text="重新办理后的答复",
                          document=pdf_upload())
    services.reply_approve(actor=w.officer, proposal=p)
    p.refresh_from_db()


class TestRating:
    def test_each_proposer_rates_from_their_own_login_and_the_last_rating_closes(self, w):
        p = ProposalFactory(replied=True, cosigners=1)
        cosigner = p.invitations.get().member.user
        rate(p.author, p, "satisfied", comment="<b>很好</b>")
        p.refresh_from_db()
        assert p.status == Status.REPLIED  # the co-signer has not rated yet
        with pytest.raises(ProposalError):  # rating twice is impossible
            rate(p.author, p, "dissatisfied")
        rate(cosigner, p, "basically")
        p.refresh_from_db()
        assert (p.status, p.closed_reason) == (Status.CLOSED, ClosedReason.RATED)
        assert Notification.objects.filter(recipient=w.lead_handler, kind="proposals.closed").exists()

    def test_nobody_rates_for_someone_else(self, w):
        p = ProposalFactory(replied=True)
        superuser = make_user("proposal_officer", is_superuser=True)
        for intruder in (w.lead_handler, w.co_handler, w.officer, w.leader, superuser, make_member().user):
            with pytest.raises(ProposalPermissionDenied):
                rate(intruder, p)
        assert not Rating.objects.filter(proposal=p, status=RatingStatus.RATED).exists()

    def test_a_proposer_who_works_for_the_handling_unit_cannot_rate(self, w):
        p = ProposalFactory(replied=True)
        w.lead_unit.officers.add(p.author)
        p.author.groups.add(*w.lead_handler.groups.all())
        p.author.__dict__.pop("_role_codes", None)
        with pytest.raises(ProposalPermissionDenied):
            rate(p.author, p)

    def test_rating_input_is_validated(self, w):
        p = ProposalFactory(replied=True)
        with pytest.raises(ValidationError):
            rate(p.author, p, "so-so")
        with pytest.raises(ValidationError):
            rate(p.author, p, contacted="maybe")
        with pytest.raises(ValidationError):
            rate(p.author, p, comment="字" * 5000)


class TestRehandling:
    def test_dissatisfied_rehandles_with_a_one_month_deadline_then_closes(self, w):
        p = ProposalFactory(replied=True, cosigners=1)
        cosigner = p.invitations.get().member.user
        rate(cosigner, p, "dissatisfied", on_point=False, comment="答复未回应核心问题")
        p.refresh_from_db()
        today = p.rehandling_started_on
        assert (p.status, p.rehandling_count, p.reply_round) == (Status.REHANDLING, 1, 2)
        assert (p.reply_due_on, p.reply_due_basis) == (deadlines.add_months(today, 1), DeadlineBasis.REHANDLING)
        # The author's pending rating of the first reply is superseded, not left open.
        assert Rating.objects.get(proposal=p, user=p.author, round=1).status == RatingStatus.SUPERSEDED
        note = Notification.objects.get(recipient=w.lead_handler, kind="proposals.rehandling")
        assert cosigner.get_full_name() not in note.body + note.title
        reply_again(p, w)
        assert p.status == Status.REPLIED and p.replies.count() == 2
        rate(p.author, p, "satisfied")
        rate(cosigner, p, "basically")
        p.refresh_from_db()
        assert p.status == Status.CLOSED

    def test_after_the_last_rehandling_round_a_dissatisfied_rating_closes(self, w):
        p = ProposalFactory(rehandling=True)
        reply_again(p, w)
        rate(p.author, p, "dissatisfied")
        p.refresh_from_db()
        assert (p.status, p.rehandling_count) == (Status.CLOSED, 1)

    def test_more_rounds_when_the_parameter_allows(self, w):
        set_parameter(key="proposals.rehandling_max_rounds", value=2)
        p = ProposalFactory(rehandling=True)
        reply_again(p, w)
        rate(p.author, p, "dissatisfied")
        p.refresh_from_db()
        assert (p.status, p.rehandling_count) == (Status.REHANDLING, 2)


class TestRatingSecrecy:
    def test_units_never_see_individual_ratings_before_closing(self, w):
        p = ProposalFactory(replied=True, cosigners=1)
        cosigner = p.invitations.get().member.user
        before = {h.pk: selectors.timeline_for(user=h, proposal=p, whole=True).rows
                  for h in (w.lead_handler, w.co_handler)}
        rate(p.author, p, "basically", comment="基本满意")
        p.refresh_from_db()
        for handler in (w.lead_handler, w.co_handler):
            assert selectors.ratings_for(user=handler, proposal=p) == []
            # The timeline does not even show that someone rated.
            assert selectors.timeline_for(user=handler, proposal=p, whole=True).rows == before[handler.pk]
            assert not handler.has_perm("proposals.view_ratings_proposal", p)
        assert len(selectors.ratings_for(user=w.officer, proposal=p)) == 1
        assert [r.user for r in selectors.ratings_for(user=cosigner, proposal=p)] == []  # not someone else's
        assert [r.user for r in selectors.ratings_for(user=p.author, proposal=p)] == [p.author]
        rate(cosigner, p, "satisfied")
        p.refresh_from_db()
        assert p.status == Status.CLOSED
        assert len(selectors.ratings_for(user=w.lead_handler, proposal=p)) == 2

    def test_the_rehandling_step_has_no_actor(self, w):
        p = ProposalFactory(rehandling=True)
        change = p.status_changes.get(verb="rehandle")
        assert change.actor is None


class TestRatingPeriod:
    def test_closes_only_after_the_working_day_window(self, w):
        p = ProposalFactory(replied=True, cosigners=1)
        rate(p.author, p, "satisfied")
        last_day = deadlines.rating_deadline(p.reply_approved_on)
        assert services.proposal_close_after_rating_period(proposal=p, today=last_day) is False
        assert services.proposals_close_expired_rating_periods(today=last_day) == 0
        assert services.proposals_close_expired_rating_periods(today=last_day + timedelta(days=1)) == 1
        p.refresh_from_db()
        assert (p.status, p.closed_reason) == (Status.CLOSED, ClosedReason.WINDOW_PASSED)
        statuses = dict(Rating.objects.filter(proposal=p).values_list("user_id", "status"))
        assert statuses[p.author_id] == RatingStatus.RATED
        assert list(statuses.values()).count(RatingStatus.EXPIRED) == 1
        # Idempotent: a second scan does nothing.
        assert services.proposal_close_after_rating_period(proposal=p, today=last_day + timedelta(days=5)) is False
        assert p.status_changes.filter(verb="close").count() == 1


class TestEvaluation:
    def test_units_rate_quality_once_each(self, w):
        p = ProposalFactory(assigned=True)
        services.proposal_rate_quality(actor=w.lead_handler, proposal=p, grade="good")
        services.proposal_rate_quality(actor=w.lead_handler, proposal=p, grade="excellent", comment="调研扎实")
        services.proposal_rate_quality(actor=w.co_handler, proposal=p, grade="fair")
        assert dict(QualityRating.objects.filter(proposal=p).values_list("unit_id", "grade")) == {
            w.lead_unit.pk: "excellent", w.co_unit.pk: "fair"}
        with pytest.raises(ProposalPermissionDenied):
            services.proposal_rate_quality(actor=w.other_handler, proposal=p, grade="poor")

    def test_excellent_writes_and_unmark_withdraws_ledger_events(self, w):
        p = ProposalFactory(closed=True, cosigners=1)
        services.proposal_mark_excellent(actor=w.officer, proposal=p, note="年度优秀提案")
        events = LedgerEvent.objects.filter(source_id=str(p.pk), subkind="excellent", withdrawn_at__isnull=True)
        assert events.count() == 2
        assert Notification.objects.filter(recipient=p.author, kind="proposals.excellent").exists()
        services.proposal_unmark_excellent(actor=w.officer, proposal=p)
        assert events.count() == 0

    def test_withhold_removes_from_the_archive(self, w):
        p = ProposalFactory(closed=True)
        reader = make_member().user
        assert p in selectors.archive_for(user=reader)
        with pytest.raises(ValidationError):
            services.proposal_withhold(actor=w.officer, proposal=p, reason="")
        services.proposal_withhold(actor=w.officer, proposal=p, reason="涉及个人隐私")
        assert p not in selectors.archive_for(user=reader)
        assert selectors.proposal_get_for(user=p.author, pk=p.pk) == p  # the proposer still sees it
        services.proposal_unwithhold(actor=w.officer, proposal=p)
        assert p in selectors.archive_for(user=reader)

    def test_follow_up_for_class_b(self, w):
        p = ProposalFactory(closed=True, reply_class="B")
        assert p.followup_due_on and p.followup_done_at is None
        services.proposal_record_followup(actor=w.lead_handler, proposal=p, note="已完成改造")
        p.refresh_from_db()
        assert p.followup_done_at and p.followup_note == "已完成改造"
        assert Notification.objects.filter(recipient=w.officer, kind="proposals.followup").exists()
        with pytest.raises(NotReady):
            services.proposal_record_followup(actor=w.lead_handler, proposal=p, note="再次")

    def test_no_follow_up_for_class_a(self, w):
        p = ProposalFactory(closed=True, reply_class="A")
        assert p.followup_due_on is None
        with pytest.raises(NotReady):
            services.proposal_record_followup(actor=w.officer, proposal=p, note="x")

    def test_excellent_only_for_registered(self, w):
        with pytest.raises(InvalidTransition):
            services.proposal_mark_excellent(actor=w.officer, proposal=ProposalFactory(submitted=True))
