"""Role × status permission matrix: for each status one proposal (built through the services), every
permission, every kind of viewer. The expected table is written out here, not derived from rules.py; the verb
permissions are compared with the engine's matrix helper (zhongyuan_cppcc.workflow.testing)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from proposals.models import CosignerInvitation
from proposals.workflow import WORKFLOW, Status, Verb
from tests.factories import make_user
from zhongyuan_cppcc.workflow.testing import matrix_mismatches

from .factories import ProposalFactory, make_member, world

S, V = Status, Verb
ALL = set(Status.values)
SUBMITTED_ONCE = ALL - {S.DRAFT, S.WITHDRAWN}  # the draft and withdrawn traits were never submitted
HANDLING = {S.ASSIGNED, S.REPLY_REVIEW, S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW, S.CLOSED}
REGISTERED_ON = {S.REGISTERED} | HANDLING
PUBLIC = {S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW, S.CLOSED}
VIEWERS = ["lead", "cosigner", "invitee", "other_member", "lead_handler", "co_handler", "other_handler",
           "officer", "leader", "opinion_officer", "sysadmin", "superuser_free", "anonymous"]

# permission -> {viewer: statuses where allowed}; viewers not named: never.
EXPECTED = {
    V.UPDATE_DRAFT: {"lead": {S.DRAFT}},
    V.INVITE_COSIGNER: {"lead": {S.DRAFT}},
    V.WITHDRAW_INVITATION: {"lead": {S.DRAFT}},
    V.ACCEPT_INVITATION: {"invitee": {S.DRAFT}},
    V.DECLINE_INVITATION: {"invitee": {S.DRAFT}},
    V.ADD_ATTACHMENT: {"lead": {S.DRAFT}},
    V.REMOVE_ATTACHMENT: {"lead": {S.DRAFT}},
    V.SUBMIT: {"lead": {S.DRAFT}},
    V.WITHDRAW: {"lead": {S.DRAFT, S.SUBMITTED}},
    V.REGISTER: {"officer": {S.SUBMITTED}},
    V.RETURN: {"officer": {S.SUBMITTED}},
    V.REJECT: {"officer": {S.SUBMITTED}},
    V.CONVERT_TO_OPINION: {"officer": {S.NOT_REGISTERED}, "lead": {S.NOT_REGISTERED}},
    V.MERGE: {"officer": {S.SUBMITTED, S.REGISTERED}},
    V.ASSIGN: {"officer": {S.REGISTERED}},
    V.SET_KEY: {"officer": {S.REGISTERED, S.ASSIGNED, S.REPLY_REVIEW, S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW}},
    V.ACCEPT_ASSIGNMENT: {"lead_handler": {S.ASSIGNED}, "co_handler": {S.ASSIGNED}},
    V.OBJECT_ASSIGNMENT: {"lead_handler": {S.ASSIGNED}, "co_handler": {S.ASSIGNED}},
    V.REASSIGN: {"officer": {S.ASSIGNED}},
    V.EXTEND: {"officer": {S.ASSIGNED}},
    V.SUBMIT_CO_OPINION: {"co_handler": {S.ASSIGNED, S.REPLY_REVIEW, S.REHANDLING, S.REHANDLING_REVIEW}},
    V.RECORD_CONTACT: {"lead_handler": {S.ASSIGNED, S.REHANDLING}},
    V.SAVE_REPLY: {"lead_handler": {S.ASSIGNED, S.REHANDLING}},
    V.SUBMIT_REPLY: {"lead_handler": {S.ASSIGNED, S.REHANDLING}},
    V.APPROVE_REPLY: {"officer": {S.REPLY_REVIEW, S.REHANDLING_REVIEW}},
    V.RETURN_REPLY: {"officer": {S.REPLY_REVIEW, S.REHANDLING_REVIEW}},
    V.RATE: {"lead": {S.REPLIED}, "cosigner": {S.REPLIED}},
    V.REHANDLE: {},
    V.CLOSE: {},
    V.RATE_QUALITY: {"lead_handler": HANDLING, "co_handler": HANDLING},
    V.MARK_EXCELLENT: {"officer": REGISTERED_ON},
    V.UNMARK_EXCELLENT: {"officer": REGISTERED_ON},
    V.WITHHOLD: {"officer": REGISTERED_ON},
    V.UNWITHHOLD: {"officer": REGISTERED_ON},
    V.RECORD_FOLLOWUP: {"lead_handler": {S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW, S.CLOSED},
                        "officer": {S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW, S.CLOSED}},
    V.URGE: {"officer": {S.ASSIGNED, S.REPLY_REVIEW, S.REHANDLING, S.REHANDLING_REVIEW}},
}
READ_EXPECTED = {
    "proposals.view_proposal": {
        "lead": ALL, "cosigner": ALL, "invitee": {S.DRAFT}, "officer": SUBMITTED_ONCE, "leader": SUBMITTED_ONCE,
        "lead_handler": HANDLING, "co_handler": HANDLING, "other_member": PUBLIC,
        "superuser_free": PUBLIC,  # holds the member role too: reads the archive like any member
    },
    "proposals.view_contact_details_proposal": {
        "lead": ALL, "cosigner": ALL, "invitee": {S.DRAFT}, "officer": SUBMITTED_ONCE, "leader": SUBMITTED_ONCE,
        "lead_handler": HANDLING, "co_handler": HANDLING,
    },
    # Individual ratings: never to a handling unit before closing.
    "proposals.view_ratings_proposal": {
        "officer": SUBMITTED_ONCE, "leader": SUBMITTED_ONCE, "lead_handler": {S.CLOSED}, "co_handler": {S.CLOSED},
    },
}


def _viewers(p, w, status) -> dict:
    cosigner = p.invitations.get(status="accepted").member.user
    viewers = {
        "lead": p.author, "cosigner": cosigner, "other_member": make_member().user,
        "lead_handler": w.lead_handler, "co_handler": w.co_handler, "other_handler": w.other_handler,
        "officer": w.officer, "leader": w.leader, "opinion_officer": make_user("opinion_officer"),
        "sysadmin": make_user("sysadmin"),
        # A superuser gets no business rights from the flag: rules are checked without the short-cut.
        "superuser_free": make_user("member", is_superuser=True),
        "anonymous": AnonymousUser(),
    }
    if status == S.DRAFT:
        invitee = make_member()
        CosignerInvitation.objects.create(proposal=p, member=invitee, invited_at=p.created_at)
        viewers["invitee"] = invitee.user
    return viewers


def _statuses_for_cosigned():
    return [s.value for s in Status]


@pytest.mark.django_db
@pytest.mark.parametrize("status", _statuses_for_cosigned())
def test_permission_matrix(status):
    import rules

    w = world()
    if status == S.DRAFT:
        p = ProposalFactory()
        member = make_member()
        from proposals import services

        services.invitation_accept(actor=member.user, invitation=services.proposal_invite_cosigner(
            actor=p.author, proposal=p, member=member))
    else:
        # Class B, so that the follow-up review (回头看) is due once the reply is approved.
        p = ProposalFactory(**{status: True}, cosigners=1, reply_class="B")
    viewers = _viewers(p, w, status)
    failures = matrix_mismatches(WORKFLOW, objects={status: p}, users=viewers,
                                 expected=lambda verb, name, st, obj: st in EXPECTED[verb].get(name, set()))
    for perm, spec in READ_EXPECTED.items():
        for name, user in viewers.items():
            p.__dict__.pop("_access_cache", None)
            expected = status in spec.get(name, set())
            if rules.has_perm(perm, user, p) is not expected:
                failures.append(f"{perm} {name}: expected {expected}")
    assert not failures, "\n".join(failures)


def test_expected_matrix_covers_every_verb_within_the_table():
    """The matrix helper ANDs the expectation with the table: the hand-written statuses must not exceed it
    (test_workflow.py checks the table itself against the diagram)."""
    assert set(EXPECTED) == set(Verb.values)
    for verb, spec in EXPECTED.items():
        for name, statuses in spec.items():
            assert name in VIEWERS, (verb, name)
            assert set(statuses) <= WORKFLOW.statuses_allowing(verb), (verb, name)


@pytest.mark.django_db
def test_page_permissions(w):
    member = make_member().user
    handler = w.lead_handler
    cases = {
        "proposals.add_proposal": {member},
        "proposals.list_own_proposals": {member},
        "proposals.list_unit_proposals": {handler},
        "proposals.list_all_proposals": {w.officer, w.leader},
        "proposals.view_statistics": {w.officer, w.leader},
        "proposals.review_replies": {w.officer},
        "proposals.bulk_assign_proposals": {w.officer},
        "proposals.view_archive": {member, w.officer, w.leader},
        "proposals.manage_collective_authorisations": {w.officer},
        "proposals.urge_proposals": {w.officer},
    }
    everyone = [member, handler, w.officer, w.leader, make_user("sysadmin"), make_user("correspondent")]
    for perm, allowed in cases.items():
        for user in everyone:
            assert user.has_perm(perm) is (user in allowed), (perm, user)
