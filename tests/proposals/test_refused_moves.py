"""Through the services: every verb the table refuses in a status raises InvalidTransition (a clear
message) and changes nothing — whoever calls it."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from proposals import services
from proposals.errors import InvalidTransition
from proposals.models import Assignment, Attachment, CosignerInvitation, StatusChange
from proposals.workflow import WORKFLOW, Status, Verb

from .factories import ProposalFactory, make_member, pdf_upload, world


def _invitation(p):
    invitation = p.invitations.first()
    if invitation is None:  # scaffolding: a proposal that never had one (e.g. withdrawn from draft)
        invitation = CosignerInvitation.objects.create(proposal=p, member=make_member(), invited_at=timezone.now())
    return invitation


def _assignment(p, w, role="co"):
    row = p.assignments.filter(role=role).first()
    if row is None:
        row = Assignment.objects.create(proposal=p, unit=w.co_unit, role="co", round=1, assigned_at=timezone.now(),
                                        assigned_on=timezone.localdate())
    return row


def _attachment(p):
    row = p.attachments.first()
    if row is None:
        row = Attachment.objects.create(proposal=p, file="proposals/x.txt", original_name="x.txt",
                                        content_type="text/plain", size=1, sha256="0", uploaded_at=timezone.now())
    return row


def calls(p, w):
    a, o, lh = p.author, w.officer, w.lead_handler
    today = timezone.localdate()
    return {
        Verb.UPDATE_DRAFT: lambda: services.proposal_update_draft(actor=a, proposal=p, title="新标题"),
        Verb.INVITE_COSIGNER: lambda: services.proposal_invite_cosigner(actor=a, proposal=p, member=make_member()),
        Verb.WITHDRAW_INVITATION: lambda: services.proposal_withdraw_invitation(actor=a, invitation=_invitation(p)),
        Verb.ACCEPT_INVITATION: lambda: services.invitation_accept(actor=_invitation(p).member.user,
                                                                   invitation=_invitation(p)),
        Verb.DECLINE_INVITATION: lambda: services.invitation_decline(actor=_invitation(p).member.user,
                                                                     invitation=_invitation(p)),
        Verb.ADD_ATTACHMENT: lambda: services.attachment_add(actor=a, proposal=p,
                                                             upload=SimpleUploadedFile("a.txt", b"text")),
        Verb.REMOVE_ATTACHMENT: lambda: services.attachment_remove(actor=a, attachment=_attachment(p)),
        Verb.SUBMIT: lambda: services.proposal_submit(actor=a, proposal=p),
        Verb.WITHDRAW: lambda: services.proposal_withdraw(actor=a, proposal=p),
        Verb.REGISTER: lambda: services.proposal_register(actor=o, proposal=p),
        Verb.RETURN: lambda: services.proposal_return(actor=o, proposal=p, reason="请补充数据"),
        Verb.REJECT: lambda: services.proposal_reject(actor=o, proposal=p, ground="personal"),
        Verb.CONVERT_TO_OPINION: lambda: services.proposal_convert_to_opinion(actor=o, proposal=p),
        Verb.MERGE: lambda: services.proposal_merge(actor=o, proposal=p, into=ProposalFactory(submitted=True)),
        Verb.ASSIGN: lambda: services.proposal_assign(actor=o, proposal=p, lead_unit=w.lead_unit),
        Verb.SET_KEY: lambda: services.proposal_set_key(actor=o, proposal=p, is_key=False),
        Verb.ACCEPT_ASSIGNMENT: lambda: services.assignment_accept(actor=w.co_handler, assignment=_assignment(p, w)),
        Verb.OBJECT_ASSIGNMENT: lambda: services.assignment_object(actor=w.co_handler, assignment=_assignment(p, w),
                                                                   reason="不属于本单位职责"),
        Verb.REASSIGN: lambda: services.proposal_reassign(actor=o, proposal=p, lead_unit=w.other_unit),
        Verb.EXTEND: lambda: services.proposal_extend(actor=o, proposal=p, new_due_on=today + timedelta(days=100),
                                                      reason="情况复杂"),
        Verb.SUBMIT_CO_OPINION: lambda: services.assignment_submit_opinion(actor=w.co_handler,
                                                                           assignment=_assignment(p, w), text="意见"),
        Verb.RECORD_CONTACT: lambda: services.proposal_record_contact(actor=lh, proposal=p, method="phone",
                                                                      contacted_on=today),
        Verb.SAVE_REPLY: lambda: services.reply_save(actor=lh, proposal=p, text="答复"),
        Verb.SUBMIT_REPLY: lambda: services.reply_submit(actor=lh, proposal=p, reply_class="A", text="答复",
                                                         document=pdf_upload()),
        Verb.APPROVE_REPLY: lambda: services.reply_approve(actor=o, proposal=p),
        Verb.RETURN_REPLY: lambda: services.reply_return(actor=o, proposal=p, reason="请完善"),
        Verb.RATE: lambda: services.rating_submit(actor=a, proposal=p, overall="satisfied", contacted="yes",
                                                  on_point=True),
        Verb.RATE_QUALITY: lambda: services.proposal_rate_quality(actor=lh, proposal=p, grade="good"),
        Verb.MARK_EXCELLENT: lambda: services.proposal_mark_excellent(actor=o, proposal=p),
        Verb.UNMARK_EXCELLENT: lambda: services.proposal_unmark_excellent(actor=o, proposal=p),
        Verb.WITHHOLD: lambda: services.proposal_withhold(actor=o, proposal=p, reason="涉及个人信息"),
        Verb.UNWITHHOLD: lambda: services.proposal_unwithhold(actor=o, proposal=p),
        Verb.RECORD_FOLLOWUP: lambda: services.proposal_record_followup(actor=lh, proposal=p, note="已落实"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s.value for s in Status])
def test_services_refuse_every_move_the_table_refuses(status):
    w = world()
    p = ProposalFactory(**({status: True} if status != Status.DRAFT else {}), cosigners=1)
    refused = {verb: call for verb, call in calls(p, w).items() if not WORKFLOW.can(status, verb)}
    assert refused, "each status refuses something"
    for verb, call in refused.items():
        before = StatusChange.objects.filter(proposal=p).count()
        if verb == Verb.SUBMIT and status == Status.SUBMITTED:
            call()  # a double submit is harmless: nothing happens, no error
        else:
            with pytest.raises(InvalidTransition) as excinfo:
                call()
            assert str(excinfo.value).startswith("不能“")  # the Chinese message names the verb
        p.refresh_from_db()
        assert p.status == status, verb
        assert StatusChange.objects.filter(proposal=p).count() == before, verb


@pytest.mark.django_db
def test_system_verbs_have_no_user_path(w):
    """rehandle and close happen only through ratings and the rating-period service."""
    p = ProposalFactory(assigned=True)
    assert services.proposal_close_after_rating_period(proposal=p) is False
    p.refresh_from_db()
    assert p.status == Status.ASSIGNED
    for user in (w.officer, p.author, w.lead_handler):
        assert not user.has_perm(WORKFLOW.permission_name(Verb.CLOSE), p)
        assert not user.has_perm(WORKFLOW.permission_name(Verb.REHANDLE), p)
