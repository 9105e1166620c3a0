"""Scoped reads: IDOR for members and units (404), officers never see others' drafts, the public
archive without contact details, urgency order, constant query counts."""

import pytest
from django.http import Http404

from proposals import selectors, services
from proposals.filters import officer_proposals
from proposals.workflow import Status
from tests.factories import add_roles, make_user

from .factories import ProposalFactory, make_member


class TestMembers:
    def test_member_sees_own_cosigned_and_invited_only(self, w):
        mine = ProposalFactory(submitted=True, cosigners=1)
        cosigner = mine.invitations.get().member.user
        foreign = ProposalFactory(submitted=True)
        draft = ProposalFactory()
        invited = make_member()
        invitation = services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=invited)
        assert set(selectors.my_proposals_for(user=mine.author)) == {mine}
        assert set(selectors.my_proposals_for(user=cosigner)) == {mine}
        assert set(selectors.my_proposals_for(user=invited.user)) == {draft}
        assert list(selectors.invitations_waiting_for(user=invited.user)) == [invitation]
        for user, pk in ((mine.author, foreign.pk), (cosigner, foreign.pk), (mine.author, draft.pk)):
            with pytest.raises(Http404):
                selectors.proposal_get_for(user=user, pk=pk)
        services.invitation_decline(actor=invited.user, invitation=invitation)
        with pytest.raises(Http404):  # a declined invitation gives no access
            selectors.proposal_get_for(user=invited.user, pk=draft.pk)

    def test_guessing_ids_and_garbage(self, w):
        member = make_member().user
        for pk in (10**9, "abc", None, -1):
            with pytest.raises(Http404):
                selectors.proposal_get_for(user=member, pk=pk)

    def test_archive_reading_of_others_proposals(self, w):
        closed = ProposalFactory(closed=True)
        assigned = ProposalFactory(assigned=True)
        reader = make_member().user
        assert selectors.proposal_get_for(user=reader, pk=closed.pk) == closed
        with pytest.raises(Http404):
            selectors.proposal_get_for(user=reader, pk=assigned.pk)
        assert set(selectors.archive_for(user=reader)) == {closed}
        assert not reader.has_perm("proposals.view_contact_details_proposal", closed)
        assert selectors.invitations_for(user=reader, proposal=closed) == []

    def test_archive_replies_carry_no_contact_details(self, w):
        p = ProposalFactory(reply_review=True)
        reply = p.replies.get()
        reply.contact_person, reply.contact_phone = "张联系", "13812345678"
        reply.text = "请致电13812345678了解进展"
        reply.save()
        services.reply_approve(actor=w.officer, proposal=p)
        p.refresh_from_db()
        public = selectors.replies_for(user=make_member().user, proposal=p)[0]
        assert (public.contact_person, public.contact_phone, public.document_id) == ("", "", None)
        assert "13812345678" not in public.text
        own = selectors.replies_for(user=p.author, proposal=p)[0]
        assert own.contact_phone == "13812345678" and own.document_id

    def test_archive_search_by_chinese_text(self, w):
        parking = ProposalFactory(closed=True, title="关于解决医院周边停车难的建议")
        ProposalFactory(closed=True, title="关于加强校园食品安全监管的建议", situation="学校食堂检查不足。",
                        analysis="监管力量薄弱。", suggestions="建立常态化抽检。")
        reader = make_member().user
        assert list(selectors.archive_for(user=reader, text="停车")) == [parking]
        assert list(selectors.archive_for(user=reader, text="医院停车")) == [parking]
        assert list(selectors.archive_for(user=reader, text="火箭")) == []

    def test_non_members_have_no_archive(self, w):
        ProposalFactory(closed=True)
        assert not selectors.archive_for(user=make_user("correspondent")).exists()
        assert not selectors.archive_for(user=make_user("sysadmin")).exists()


class TestUnits:
    def test_unit_sees_only_its_assignments(self, w):
        mine = ProposalFactory(assigned=True)
        other = ProposalFactory(assigned=True, with_co_unit=False)
        services.proposal_reassign(actor=w.officer, proposal=other, lead_unit=w.other_unit)
        registered = ProposalFactory(registered=True)
        assert set(selectors.unit_proposals_for(user=w.lead_handler)) == {mine}
        assert set(selectors.unit_proposals_for(user=w.co_handler)) == {mine}
        assert set(selectors.unit_proposals_for(user=w.other_handler)) == {other}
        for pk in (other.pk, registered.pk):
            with pytest.raises(Http404):
                selectors.proposal_get_for(user=w.lead_handler, pk=pk)
        # A handler without member role does not read the archive either.
        closed = ProposalFactory(closed=True, with_co_unit=False)
        with pytest.raises(Http404):
            selectors.proposal_get_for(user=w.co_handler, pk=closed.pk)

    def test_urgency_order_and_overdue_flag(self, w):
        from datetime import timedelta

        from django.utils import timezone

        soon, later = ProposalFactory(assigned=True), ProposalFactory(assigned=True)
        replied = ProposalFactory(replied=True)
        from proposals.models import Proposal

        Proposal.objects.filter(pk=soon.pk).update(reply_due_on=timezone.localdate() - timedelta(days=1))
        rows = list(selectors.unit_proposals_for(user=w.lead_handler))
        assert [r.pk for r in rows] == [soon.pk, later.pk, replied.pk]
        assert [r.is_overdue for r in rows] == [True, False, False]


class TestOfficers:
    def test_officers_and_leaders_never_see_drafts(self, w):
        draft = ProposalFactory()
        submitted = ProposalFactory(submitted=True)
        for user in (w.officer, w.leader):
            assert set(selectors.officer_proposals_for(user=user)) == {submitted}
            with pytest.raises(Http404):
                selectors.proposal_get_for(user=user, pk=draft.pk)
        assert not selectors.officer_proposals_for(user=w.lead_handler).exists()

    def test_filters(self, w):
        key = ProposalFactory(assigned=True)
        services.proposal_set_key(actor=w.officer, proposal=key, is_key=True, supervising_leader=w.leader)
        plain = ProposalFactory(registered=True)
        assert list(officer_proposals(w.officer, {"key": "1"})[1]) == [key]
        assert list(officer_proposals(w.officer, {"status": Status.REGISTERED})[1]) == [plain]
        assert list(officer_proposals(w.officer, {"unit": str(w.lead_unit.pk)})[1]) == [key]
        assert list(officer_proposals(w.officer, {"key": "1", "overdue": "0", "status": "assigned"})[1]) == [key]
        assert list(selectors.key_proposals_for(user=w.leader)) == [key]

    def test_reply_queue(self, w):
        waiting = ProposalFactory(reply_review=True)
        ProposalFactory(replied=True)
        assert list(selectors.reply_approval_queue_for(user=w.officer)) == [waiting]
        assert not selectors.reply_approval_queue_for(user=w.leader).exists()


class TestQueryCounts:
    def test_lists_do_not_grow_with_size(self, w, django_assert_max_num_queries):
        for _ in range(3):
            ProposalFactory(assigned=True, cosigners=1)
        for qs in (selectors.officer_proposals_for(user=w.officer), selectors.unit_proposals_for(user=w.lead_handler)):
            with django_assert_max_num_queries(1):
                rows = list(qs)
                for row in rows:
                    # What a list row shows (selectors.LIST_RELATED); no list shows the plenary session.
                    _ = (row.lead_unit.name if row.lead_unit else "", row.lead_member.name, row.organisation)

    def test_timeline_query_count_does_not_grow_with_length(self, w, django_assert_max_num_queries):
        short = ProposalFactory(submitted=True)
        long = ProposalFactory(closed=True, cosigners=3)
        for p in (short, long):
            with django_assert_max_num_queries(12):
                entries = selectors.timeline_for(user=w.officer, proposal=p, whole=True).rows
                selectors.replies_for(user=w.officer, proposal=p)
                selectors.ratings_for(user=w.officer, proposal=p)
                selectors.attachments_for(user=w.officer, proposal=p)
            assert entries
        assert len(selectors.timeline_for(user=w.officer, proposal=long, whole=True).rows) > 10


def test_actions_for_each_viewer(w):
    p = ProposalFactory(replied=True, cosigners=1)
    assert selectors.actions_for(user=p.author, proposal=p) == ["rate"]
    officer_actions = selectors.actions_for(user=w.officer, proposal=p)
    assert {"set_key", "mark_excellent", "withhold"} <= set(officer_actions)
    assert "rate" not in officer_actions
    assert selectors.actions_for(user=w.lead_handler, proposal=p) == ["rate_quality"]  # class A: no follow-up
    assert selectors.actions_for(user=make_member().user, proposal=p) == []


def test_collective_author_without_roles_sees_own_proposal(w):
    from members.models import Sector

    holder = make_user()  # no role at all: e.g. a sector group's secretary
    authorisation = services.collective_authorisation_grant(actor=w.officer, user=holder,
                                                            organisation=Sector.objects.first())
    p = services.proposal_create_draft(author=holder, title="关于界别协商的建议", collective=authorisation)
    assert selectors.proposal_get_for(user=holder, pk=p.pk) == p
    assert list(selectors.my_proposals_for(user=holder)) == [p]
    assert holder.has_perm("proposals.list_own_proposals")


def test_opening_one_proposal_answers_as_the_scoped_list_does(w):
    """proposal_get_for reads by key and asks the proposals.view_proposal rule; the lists filter by
    proposal_scope_q (plus the archive). For every viewer and every relation to a proposal the two must agree."""
    from members.models import Sector
    from proposals.models import Proposal
    from zhongyuan_cppcc.accounts.models import User

    cosigner, invited, declined, outsider = make_member(), make_member(), make_member(), make_member()
    draft = ProposalFactory()
    services.invitation_accept(actor=cosigner.user, invitation=services.proposal_invite_cosigner(
        actor=draft.author, proposal=draft, member=cosigner))
    services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=invited)
    refused = services.proposal_invite_cosigner(actor=draft.author, proposal=draft, member=declined)
    services.invitation_decline(actor=declined.user, invitation=refused)
    merged, into = ProposalFactory(submitted=True, cosigners=1), ProposalFactory(submitted=True)
    services.proposal_merge(actor=w.officer, proposal=merged, into=into)
    assigned = ProposalFactory(assigned=True, cosigners=1)
    reassigned = ProposalFactory(assigned=True, with_co_unit=False)
    services.proposal_reassign(actor=w.officer, proposal=reassigned, lead_unit=w.other_unit)
    closed = ProposalFactory(closed=True)
    withheld = ProposalFactory(closed=True)
    services.proposal_withhold(actor=w.officer, proposal=withheld, reason="涉及个人隐私")
    holder = make_user()
    authorisation = services.collective_authorisation_grant(actor=w.officer, user=holder,
                                                            organisation=Sector.objects.first())
    collective = services.proposal_create_draft(author=holder, title="关于界别协商的建议", collective=authorisation)
    inactive = make_member().user
    own_draft = ProposalFactory(author=inactive)
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    inactive.refresh_from_db()
    officer_member = make_member().user  # an officer who is also a member: sees own drafts too
    add_roles(officer_member, ["proposal_officer"])
    officer_draft = ProposalFactory(author=officer_member)

    former_handler = make_user()  # still listed as the lead unit's officer, no longer holding the handler role
    w.lead_unit.officers.add(former_handler)

    proposals = [draft, merged, into, assigned, reassigned, closed, withheld, collective, own_draft, officer_draft,
                 ProposalFactory(submitted=True), ProposalFactory(registered=True)]
    viewers = [draft.author, cosigner.user, invited.user, declined.user,
               outsider.user, merged.author, merged.invitations.get().member.user, into.author, assigned.author,
               w.officer, w.leader, w.lead_handler, w.co_handler, w.other_handler, holder, inactive, officer_member,
               former_handler, make_user(), make_user("correspondent"), make_user("sysadmin")]
    opened = 0
    for viewer in viewers:
        scope = selectors.proposal_scope_q(viewer)
        if scope is not None and viewer.has_perm("proposals.view_archive"):
            from proposals.access import archive_q

            scope |= archive_q()
        listed = set(Proposal.objects.filter(scope).values_list("pk", flat=True)) if scope is not None else set()
        for proposal in proposals:
            try:
                selectors.proposal_get_for(user=viewer, pk=proposal.pk)
                may = True
            except Http404:
                may = False
            assert may == (proposal.pk in listed), (viewer.username, proposal.pk, proposal.status, may)
            opened += may
    assert 30 < opened < len(viewers) * len(proposals) - 30  # both answers are well represented
