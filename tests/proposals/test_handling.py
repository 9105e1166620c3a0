"""Assignment, acceptance and objection (working days across Spring Festival), reassignment, extension,
co-handling opinions, contact, reply and its approval."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from members.models import LedgerEvent
from proposals import deadlines, selectors, services
from proposals.errors import DeadlinePassed, NotReady, ProposalError, ProposalPermissionDenied
from proposals.models import AssignmentAnswer, DeadlineBasis, Rating, ReplyStatus
from proposals.workflow import Status
from tests.factories import make_user
from zhongyuan_cppcc.notifications.models import Notification

from .factories import ProposalFactory, make_member, make_session, pdf_upload

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=TZ)


@pytest.fixture
def registered_2024(w):
    """A proposal of the 2024 session, registered on 20 January 2024."""
    make_session(term_number=10, number=4, open_on=date(2023, 12, 1), close_on=date(2024, 1, 10))
    author = make_member().user
    p = services.proposal_create_draft(author=author, title="关于优化公交线网的建议", category="urban",
                                       situation="公交线路重复。", analysis="缺少统筹。", suggestions="优化线网。",
                                       at=at(2024, 1, 5))
    services.proposal_submit(actor=author, proposal=p, at=at(2024, 1, 6))
    services.proposal_register(actor=w.officer, proposal=p, at=at(2024, 1, 20))
    return p


def assign(p, w, when=None, **kwargs):
    when = when or at(2024, 2, 5)
    kwargs.setdefault("co_units", [w.co_unit])
    services.proposal_assign(actor=w.officer, proposal=p, lead_unit=w.lead_unit, at=when, **kwargs)
    p.refresh_from_db()
    return p


class TestAssign:
    @pytest.mark.dated
    def test_default_deadline_three_months_and_notifications(self, w, registered_2024):
        p = assign(registered_2024, w)
        assert (p.status, p.lead_unit, p.assigned_on) == (Status.ASSIGNED, w.lead_unit, date(2024, 2, 5))
        assert (p.reply_due_on, p.reply_due_basis, p.reply_due_months) == (
            date(2024, 5, 5), DeadlineBasis.ASSIGNMENT, 3)
        explanation = deadlines.explain_reply_deadline(p)
        assert "2024-05-05" in explanation and "2024-02-05" in explanation
        co = p.assignments.get(role="co")
        assert (co.unit, co.opinion_due_on, co.answer) == (w.co_unit, date(2024, 3, 5), AssignmentAnswer.PENDING)
        lead_note = Notification.objects.get(recipient=w.lead_handler, kind="proposals.assigned")
        assert "2024-05-05" in lead_note.body and "2024-02-23" in lead_note.body  # deadline and objection window
        assert Notification.objects.filter(recipient=w.co_handler, kind="proposals.assigned").exists()
        assert Notification.objects.filter(recipient=p.author, kind="proposals.assigned_proposer").exists()

    def test_month_end_clamps(self):
        assert deadlines.add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)

    @pytest.mark.dated
    def test_custom_deadline_within_the_maximum(self, w, registered_2024):
        with pytest.raises(ValidationError):
            assign(registered_2024, w, reply_due_on=date(2024, 8, 6))
        p = assign(registered_2024, w, reply_due_on=date(2024, 4, 1))
        assert (p.reply_due_on, p.reply_due_basis) == (date(2024, 4, 1), DeadlineBasis.CUSTOM)

    def test_key_proposal_needs_a_leader_and_adds_ledger_events(self, w, registered_2024):
        with pytest.raises(ValidationError):
            assign(registered_2024, w, is_key=True)
        with pytest.raises(ValidationError):  # a leader is a user holding the leader role
            assign(registered_2024, w, is_key=True, supervising_leader=make_user("member"))
        p = assign(registered_2024, w, is_key=True, supervising_leader=w.leader)
        assert p.is_key and p.supervising_leader == w.leader
        assert LedgerEvent.objects.filter(source_id=str(p.pk), subkind="key", withdrawn_at__isnull=True).count() == 1
        assert Notification.objects.filter(recipient=w.leader, kind="proposals.key_supervision").exists()
        services.proposal_set_key(actor=w.officer, proposal=p, is_key=False)
        assert not LedgerEvent.objects.filter(source_id=str(p.pk), subkind="key", withdrawn_at__isnull=True).exists()

    def test_bulk_assignment_reports_each_failure(self, w):
        ok1, ok2 = ProposalFactory(registered=True), ProposalFactory(registered=True)
        wrong = ProposalFactory(submitted=True)
        result = services.proposals_bulk_assign(actor=w.officer, proposals=[ok1, wrong, ok2], lead_unit=w.lead_unit)
        assert result.assigned == [ok1.pk, ok2.pk] and list(result.failed) == [wrong.pk]
        wrong.refresh_from_db()
        assert wrong.status == Status.SUBMITTED


class TestAcceptAndObject:
    @pytest.mark.dated
    def test_accept(self, w, registered_2024):
        p = assign(registered_2024, w)
        lead = p.assignments.get(role="lead")
        with pytest.raises(ProposalPermissionDenied):  # an officer of another unit
            services.assignment_accept(actor=w.co_handler, assignment=lead)
        services.assignment_accept(actor=w.lead_handler, assignment=lead, at=at(2024, 2, 6))
        lead.refresh_from_db()
        assert lead.answer == AssignmentAnswer.ACCEPTED
        with pytest.raises(ProposalError):  # answered already
            services.assignment_object(actor=w.lead_handler, assignment=lead, reason="不属于本单位")

    def test_objection_window_counts_working_days_across_spring_festival(self, w, registered_2024):
        """Assigned Monday 5 Feb 2024. Spring Festival: 10–17 Feb off, Sunday 18 Feb a make-up working day.
        10 working days: 6,7,8,9, 18, 19,20,21,22,23 Feb → last day Friday 23 Feb (Mon–Fri alone: 19 Feb)."""
        p = assign(registered_2024, w)
        assert deadlines.objection_deadline(p.assigned_on) == date(2024, 2, 23)
        lead, co = p.assignments.get(role="lead"), p.assignments.get(role="co")
        with pytest.raises(DeadlinePassed) as excinfo:
            services.assignment_object(actor=w.co_handler, assignment=co, reason="职责不符", at=at(2024, 2, 24))
        assert "2024-02-23" in str(excinfo.value)
        co.refresh_from_db()
        assert co.answer == AssignmentAnswer.PENDING
        # 20 Feb is after a naive Monday–Friday deadline but inside the real one.
        services.assignment_object(actor=w.lead_handler, assignment=lead, reason="应由区交通局主办",
                                   at=at(2024, 2, 20))
        lead.refresh_from_db()
        assert (lead.answer, lead.objection_reason) == (AssignmentAnswer.OBJECTED, "应由区交通局主办")
        assert Notification.objects.filter(recipient=w.officer, kind="proposals.objection").exists()

    def test_objection_needs_a_reason(self, w, registered_2024):
        p = assign(registered_2024, w)
        with pytest.raises(ValidationError):
            services.assignment_object(actor=w.lead_handler, assignment=p.assignments.get(role="lead"), reason="",
                                       at=at(2024, 2, 6))


class TestReassign:
    @pytest.mark.dated
    def test_deadline_restarts_and_the_old_unit_loses_access(self, w, registered_2024):
        p = assign(registered_2024, w)
        co = p.assignments.get(role="co")
        services.assignment_accept(actor=w.co_handler, assignment=co, at=at(2024, 2, 6))
        services.assignment_object(actor=w.lead_handler, assignment=p.assignments.get(role="lead"),
                                   reason="应由教育局主办", at=at(2024, 2, 7))
        services.proposal_extend(actor=w.officer, proposal=p, new_due_on=date(2024, 6, 1), reason="x",
                                 at=at(2024, 2, 8))
        services.proposal_reassign(actor=w.officer, proposal=p, lead_unit=w.other_unit, co_units=[w.co_unit],
                                   note="按异议改派", at=at(2024, 2, 20))
        p.refresh_from_db()
        assert (p.lead_unit, p.assigned_on, p.reply_due_on) == (w.other_unit, date(2024, 2, 20), date(2024, 5, 20))
        assert (p.extension_count, p.reply_due_basis, p.assignment_round) == (0, DeadlineBasis.ASSIGNMENT, 2)
        active = {a.unit_id: a for a in p.assignments.filter(superseded_at__isnull=True)}
        assert set(active) == {w.other_unit.pk, w.co_unit.pk}
        assert active[w.co_unit.pk].answer == AssignmentAnswer.ACCEPTED  # kept its role and its acceptance
        assert active[w.other_unit.pk].answer == AssignmentAnswer.PENDING
        assert p.assignments.filter(superseded_at__isnull=False).count() == 2
        with pytest.raises(Http404):
            selectors.proposal_get_for(user=w.lead_handler, pk=p.pk)
        assert selectors.proposal_get_for(user=w.other_handler, pk=p.pk) == p
        assert Notification.objects.filter(recipient=w.lead_handler, kind="proposals.unassigned").exists()

    def test_reassignment_discards_the_old_lead_units_reply_draft(self, w, registered_2024):
        p = assign(registered_2024, w)
        services.reply_save(actor=w.lead_handler, proposal=p, text="草稿", document=pdf_upload(), at=at(2024, 2, 6))
        services.proposal_reassign(actor=w.officer, proposal=p, lead_unit=w.other_unit, at=at(2024, 2, 7))
        assert not p.replies.exists() and not p.attachments.exists()


class TestExtend:
    @pytest.mark.dated
    def test_once_at_most_six_months_after_assignment(self, w, registered_2024):
        p = assign(registered_2024, w)
        with pytest.raises(ValidationError):
            services.proposal_extend(actor=w.officer, proposal=p, new_due_on=date(2024, 8, 6), reason="复杂")
        with pytest.raises(ValidationError):
            services.proposal_extend(actor=w.officer, proposal=p, new_due_on=date(2024, 5, 1), reason="复杂")
        with pytest.raises(ValidationError):
            services.proposal_extend(actor=w.officer, proposal=p, new_due_on=date(2024, 7, 1), reason="")
        services.proposal_extend(actor=w.officer, proposal=p, new_due_on=date(2024, 8, 5), reason="涉及多部门协调")
        p.refresh_from_db()
        assert (p.reply_due_on, p.original_reply_due_on, p.reply_due_basis) == (
            date(2024, 8, 5), date(2024, 5, 5), DeadlineBasis.EXTENSION)
        text = deadlines.explain_reply_deadline(p)
        assert "2024-08-05" in text and "2024-05-05" in text and "涉及多部门协调" in text
        with pytest.raises(NotReady):
            services.proposal_extend(actor=w.officer, proposal=p, new_due_on=date(2024, 8, 5), reason="再延")
        assert Notification.objects.filter(recipient=w.lead_handler, kind="proposals.extended").exists()


class TestCoOpinion:
    def test_co_unit_sends_its_opinion_once(self, w, registered_2024):
        p = assign(registered_2024, w)
        co, lead = p.assignments.get(role="co"), p.assignments.get(role="lead")
        with pytest.raises(ProposalPermissionDenied):
            services.assignment_submit_opinion(actor=w.lead_handler, assignment=lead, text="x")
        services.assignment_submit_opinion(actor=w.co_handler, assignment=co, text="同意主办单位意见",
                                           document=SimpleUploadedFile("意见.txt", "会办意见".encode()))
        co.refresh_from_db()
        assert co.opinion_submitted_at and co.opinion_attachment.kind == "co_opinion"
        assert Notification.objects.filter(recipient=w.lead_handler, kind="proposals.co_opinion").exists()
        with pytest.raises(ProposalError):
            services.assignment_submit_opinion(actor=w.co_handler, assignment=co, text="再次")


class TestReply:
    def test_submit_needs_contact_class_text_and_signed_pdf(self, w):
        p = ProposalFactory(assigned=True)
        h = w.lead_handler
        with pytest.raises(ProposalPermissionDenied):  # co-handling units do not reply
            services.reply_submit(actor=w.co_handler, proposal=p, reply_class="A", text="x", document=pdf_upload())
        with pytest.raises(ValidationError) as excinfo:
            services.reply_submit(actor=h, proposal=p, text="答复正文")
        assert set(excinfo.value.message_dict) == {"reply_class", "document"}
        with pytest.raises(ValidationError):  # the signed document must really be a PDF
            services.reply_save(actor=h, proposal=p, document=SimpleUploadedFile("答复.pdf", b"<html>fake</html>"))
        assert not p.replies.exists()  # a refused submit saves nothing (the form keeps the posted text)
        services.reply_save(actor=h, proposal=p, reply_class="B", text="答复正文", document=pdf_upload())
        with pytest.raises(NotReady):
            services.reply_submit(actor=h, proposal=p)
        services.proposal_record_contact(actor=h, proposal=p, method="face_to_face", contacted_on=p.assigned_on)
        reply = services.reply_submit(actor=h, proposal=p)
        p.refresh_from_db()
        assert p.status == Status.REPLY_REVIEW and reply.status == ReplyStatus.SUBMITTED
        assert p.contact_recorded_on == p.assigned_on
        # Not visible to the proposer before approval.
        assert selectors.replies_for(user=p.author, proposal=p) == []
        assert [r.pk for r in selectors.replies_for(user=w.officer, proposal=p)] == [reply.pk]
        assert Notification.objects.filter(recipient=w.officer, kind="proposals.reply_submitted").exists()

    @pytest.mark.dated
    def test_approve_with_class_change_opens_ratings_and_schedules_follow_up(self, w):
        p = ProposalFactory(reply_review=True, cosigners=1, reply_class="A")
        reply = services.reply_approve(actor=w.officer, proposal=p, reply_class="B", note="尚在推进")
        p.refresh_from_db()
        assert (reply.reply_class, reply.submitted_class, p.reply_class) == ("B", "A", "B")
        assert p.status == Status.REPLIED and p.reply_approved_on and p.replied_at
        assert p.followup_due_on == deadlines.add_months(p.reply_approved_on, 6)
        assert Rating.objects.filter(proposal=p, status="open").count() == 2
        assert [r.pk for r in selectors.replies_for(user=p.author, proposal=p)] == [reply.pk]
        note = Notification.objects.get(recipient=p.author, kind="proposals.reply_approved")
        assert deadlines.rating_deadline(p.reply_approved_on).isoformat() in note.body

    def test_return_sends_the_reply_back(self, w):
        p = ProposalFactory(reply_review=True)
        services.reply_return(actor=w.officer, proposal=p, reason="请补充具体措施")
        p.refresh_from_db()
        reply = p.replies.get()
        assert (p.status, reply.status, reply.return_reason) == (Status.ASSIGNED, ReplyStatus.DRAFT, "请补充具体措施")
        services.reply_submit(actor=w.lead_handler, proposal=p, text="补充后的答复")
        p.refresh_from_db()
        assert p.status == Status.REPLY_REVIEW


def test_handler_must_hold_the_role(w, registered_2024):
    """An account listed as unit officer but without the handler role cannot act for the unit."""
    p = assign(registered_2024, w)
    plain = make_member().user
    w.lead_unit.officers.add(plain)
    with pytest.raises(ProposalPermissionDenied):
        services.assignment_accept(actor=plain, assignment=p.assignments.get(role="lead"))


def test_assignment_keeps_a_key_flag_set_at_registration(w, registered_2024):
    services.proposal_set_key(actor=w.officer, proposal=registered_2024, is_key=True, supervising_leader=w.leader)
    p = assign(registered_2024, w)  # is_key not given
    assert p.is_key and p.supervising_leader == w.leader
    assert LedgerEvent.objects.filter(source_id=str(p.pk), subkind="key", withdrawn_at__isnull=True).count() == 1
