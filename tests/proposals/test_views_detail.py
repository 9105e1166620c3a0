"""The detail page: what each viewer sees, deadlines, secrecy of ratings and drafts, and a query count that
does not grow with the history."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals import selectors, services
from proposals.models import ContactedAnswer, ContactMethod, Satisfaction
from proposals.workflow import Status

from .factories import ALL_STATUS_TRAITS, ProposalFactory, make_member, make_unit, pdf_upload

pytestmark = pytest.mark.django_db


def detail(client, proposal):
    return client.get(reverse("proposals:proposal-detail", args=[proposal.pk]))


@pytest.mark.parametrize("status", ALL_STATUS_TRAITS)
def test_every_status_renders_for_its_readers(w, client_for, status):
    p = ProposalFactory(**{status: True} if status != "draft" else {}, cosigners=1)
    readers = [p.author]
    if p.submitted_at:
        readers += [w.officer, w.leader]
    if p.lead_unit_id:
        readers += [w.lead_handler, w.co_handler]
    for user in readers:
        response = detail(client_for(user), p)
        assert response.status_code == 200, (status, user)
        html = response.content.decode()
        assert p.get_status_display() in html
        assert 'data-testid="next-step"' in html
        assert p.situation in html and p.suggestions in html


def test_data_block_shows_number_session_proposers_and_suggested_units(w, client_for):
    cosigner = make_member(name="王协同")
    author = make_member(name="李领衔").user
    draft = services.proposal_create_draft(author=author, title="关于建设口袋公园的建议", category="ecology",
                                           situation="绿地少。", analysis="用地紧。", suggestions="见缝插绿。",
                                           suggested_lead_unit=w.lead_unit, suggested_co_units=[w.co_unit])
    invitation = services.proposal_invite_cosigner(actor=author, proposal=draft, member=cosigner)
    services.invitation_accept(actor=cosigner.user, invitation=invitation)
    services.proposal_submit(actor=author, proposal=draft)
    services.proposal_register(actor=w.officer, proposal=draft)
    draft.refresh_from_db()
    html = detail(client_for(w.officer), draft).content.decode()
    assert draft.number in html
    assert str(draft.plenary_session) in html
    assert "李领衔" in html and "王协同" in html
    assert w.lead_unit.name in html and w.co_unit.name in html
    assert draft.get_timing_display() in html


@pytest.mark.dated
def test_reply_deadline_is_explained_with_days_left(w, client_for):
    p = ProposalFactory(assigned=True)
    html = detail(client_for(w.lead_handler), p).content.decode()
    assert p.reply_due_on.isoformat() in html
    assert p.assigned_on.isoformat() in html  # how it was computed
    days = (p.reply_due_on - timezone.localdate()).days
    assert 'data-testid="deadlines"' in html and str(days) in html
    # Objection window and contact deadline are in working days.
    assert "工作日" in html


@pytest.mark.dated
def test_overdue_reply_is_flagged(w, client_for):
    p = ProposalFactory(assigned=True)
    type(p).objects.filter(pk=p.pk).update(reply_due_on=timezone.localdate() - timedelta(days=3))
    html = detail(client_for(w.officer), p).content.decode()
    assert "逾期 3 天" in html


def test_unit_drafts_are_not_shown_to_proposers_until_approved(w, client_for):
    p = ProposalFactory(assigned=True)
    services.reply_save(actor=w.lead_handler, proposal=p, text="草稿答复：正在研究中。")
    assert "草稿答复" in detail(client_for(w.lead_handler), p).content.decode()
    assert "草稿答复" not in detail(client_for(p.author), p).content.decode()
    assert "草稿答复" not in detail(client_for(w.officer), p).content.decode()  # drafts stay with the unit


def test_approved_reply_reaches_proposers_and_the_archive_without_contact_details(w, client_for):
    p = ProposalFactory(assigned=True)
    services.proposal_record_contact(actor=w.lead_handler, proposal=p, method=ContactMethod.PHONE,
                                     contacted_on=timezone.localdate())
    services.reply_submit(actor=w.lead_handler, proposal=p, reply_class="A", text="已经全部解决。",
                          signer="张局长", contact_person="赵联络", contact_phone="13800000000", document=pdf_upload())
    assert "已经全部解决" not in detail(client_for(p.author), p).content.decode()
    services.reply_approve(actor=w.officer, proposal=p)
    own = detail(client_for(p.author), p).content.decode()
    assert "已经全部解决" in own and "赵联络" in own
    archive_reader = make_member().user
    public = detail(client_for(archive_reader), p).content.decode()
    assert "已经全部解决" in public
    assert "赵联络" not in public and "13800000000" not in public


def test_ratings_are_secret_from_the_unit_until_closed(w, client_for):
    p = ProposalFactory(replied=True, cosigners=1)
    services.rating_submit(actor=p.author, proposal=p, overall=Satisfaction.BASICALLY_SATISFIED,
                           contacted=ContactedAnswer.YES, on_point=True, comment="评价意见甲")
    assert "评价意见甲" in detail(client_for(w.officer), p).content.decode()
    assert "评价意见甲" in detail(client_for(p.author), p).content.decode()
    assert "评价意见甲" not in detail(client_for(w.lead_handler), p).content.decode()
    cosigner = p.invitations.get().member.user
    assert "评价意见甲" not in detail(client_for(cosigner), p).content.decode()
    services.rating_submit(actor=cosigner, proposal=p, overall=Satisfaction.SATISFIED,
                           contacted=ContactedAnswer.YES, on_point=True)
    p.refresh_from_db()
    assert p.status == Status.CLOSED
    assert "评价意见甲" in detail(client_for(w.lead_handler), p).content.decode()


def test_objection_and_co_opinion_are_internal(w, client_for):
    p = ProposalFactory(assigned=True)
    co = p.assignments.get(role="co")
    services.assignment_submit_opinion(actor=w.co_handler, assignment=co, text="协办意见内容")
    html = detail(client_for(w.lead_handler), p).content.decode()
    assert "协办意见内容" in html
    assert "协办意见内容" not in detail(client_for(p.author), p).content.decode()


def test_timeline_and_actions_for_the_officer(w, client_for):
    p = ProposalFactory(submitted=True)
    html = detail(client_for(w.officer), p).content.decode()
    for url_name in ("register", "return", "reject", "merge"):
        assert reverse(f"proposals:{url_name}", args=[p.pk]) in html
    assert reverse("proposals:assign", args=[p.pk]) not in html
    assert 'data-testid="timeline"' in html
    # The member sees no office actions.
    member_html = detail(client_for(p.author), p).content.decode()
    assert reverse("proposals:register", args=[p.pk]) not in member_html


def test_unit_actions(w, client_for):
    p = ProposalFactory(assigned=True)
    lead = detail(client_for(w.lead_handler), p).content.decode()
    lead_row = p.assignments.get(role="lead")
    co_row = p.assignments.get(role="co")
    assert reverse("proposals:assignment-accept", args=[lead_row.pk]) in lead
    assert reverse("proposals:assignment-object", args=[lead_row.pk]) in lead
    assert reverse("proposals:contact", args=[p.pk]) in lead
    assert reverse("proposals:reply", args=[p.pk]) in lead
    assert reverse("proposals:assignment-opinion", args=[co_row.pk]) not in lead
    co = detail(client_for(w.co_handler), p).content.decode()
    assert reverse("proposals:assignment-opinion", args=[co_row.pk]) in co
    assert reverse("proposals:reply", args=[p.pk]) not in co
    assert reverse("proposals:contact", args=[p.pk]) not in co


# --- Query count -----------------------------------------------------------------------------------------------


def _long_history(w):
    """A replied proposal with three co-handling units, two reassignments, several contacts, two returned
    replies, a dissatisfied rating, re-handling and a second approved reply."""
    extra = [make_unit(f"区测试局{i}") for i in range(3)]
    for unit in extra:
        unit.officers.add(w.co_handler)
    p = ProposalFactory(registered=True, cosigners=2)
    services.proposal_assign(actor=w.officer, proposal=p, lead_unit=w.other_unit, co_units=[w.co_unit])
    services.proposal_reassign(actor=w.officer, proposal=p, lead_unit=w.co_unit, co_units=extra[:1])
    services.proposal_reassign(actor=w.officer, proposal=p, lead_unit=w.lead_unit, co_units=[w.co_unit, *extra])
    for row in p.assignments.filter(superseded_at__isnull=True, role="co"):
        services.assignment_submit_opinion(actor=w.co_handler, assignment=row, text="协办意见",
                                           document=pdf_upload("意见.pdf"))
    today = timezone.localdate()
    for _i in range(3):
        services.proposal_record_contact(actor=w.lead_handler, proposal=p, method=ContactMethod.PHONE,
                                         contacted_on=today, note="电话沟通")
    for _i in range(2):
        services.reply_submit(actor=w.lead_handler, proposal=p, reply_class="B", text="答复", document=pdf_upload())
        services.reply_return(actor=w.officer, proposal=p, reason="请补充")
    services.reply_submit(actor=w.lead_handler, proposal=p, reply_class="B", text="答复", document=pdf_upload())
    services.reply_approve(actor=w.officer, proposal=p)
    services.rating_submit(actor=p.author, proposal=p, overall=Satisfaction.DISSATISFIED,
                           contacted=ContactedAnswer.PHONE, on_point=False, comment="不满意")
    services.proposal_record_contact(actor=w.lead_handler, proposal=p, method=ContactMethod.FACE_TO_FACE,
                                     contacted_on=today)
    services.reply_submit(actor=w.lead_handler, proposal=p, reply_class="B", text="再次答复", document=pdf_upload())
    services.reply_approve(actor=w.officer, proposal=p)
    for _i in range(2):
        services.proposal_mark_excellent(actor=w.officer, proposal=p)
        services.proposal_unmark_excellent(actor=w.officer, proposal=p)
    cosigner = p.invitations.first().member.user
    services.rating_submit(actor=cosigner, proposal=p, overall=Satisfaction.SATISFIED,
                           contacted=ContactedAnswer.YES, on_point=True)
    p.refresh_from_db()
    assert p.status == Status.REPLIED and p.reply_round == 2
    return p


def _short_history(w):
    p = ProposalFactory(replied=True, cosigners=2, reply_class="B")
    cosigner = p.invitations.first().member.user
    services.rating_submit(actor=cosigner, proposal=p, overall=Satisfaction.SATISFIED,
                           contacted=ContactedAnswer.YES, on_point=True)
    return p


def _count(client, proposal) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = detail(client, proposal)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _timeline_items(html: str) -> list[str]:
    section = html.split('data-testid="timeline"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li class="mb-2"><time datetime="[^"]+">([^<]+)</time> ([^<·]+)', section)


def test_a_long_timeline_shows_its_latest_steps_and_links_to_the_whole(w, client_for, monkeypatch):
    from zhongyuan_cppcc.workflow import history

    p = _long_history(w)
    steps = list(p.status_changes.order_by("at", "pk"))
    monkeypatch.setattr(history, "RECENT_STEPS", 10)
    client = client_for(w.officer)
    html = detail(client, p).content.decode()
    shown = _timeline_items(html)
    assert len(shown) == 10 and len(steps) > 20
    # The latest ten, oldest first, like the whole history.
    latest = [timezone.localtime(s.at).strftime("%Y-%m-%d %H:%M") for s in steps[-10:]]
    assert [at for at, _verb in shown] == latest
    assert f"较早的 {len(steps) - 10} 步未显示" in html and 'href="?history=all#h-timeline"' in html
    whole = client.get(reverse("proposals:proposal-detail", args=[p.pk]) + "?history=all").content.decode()
    assert len(_timeline_items(whole)) == len(steps) and "步未显示" not in whole
    # A history no longer than the limit says nothing about hidden steps.
    short = _short_history(w)
    html = detail(client, short).content.decode()
    assert len(_timeline_items(html)) == short.status_changes.count() <= 10 and "步未显示" not in html


def test_the_hidden_count_respects_what_the_viewer_may_see(w, client_for, monkeypatch):
    """The author does not see the units' internal steps: the hidden number counts only steps they could open."""
    from zhongyuan_cppcc.workflow import history

    p = _long_history(w)
    monkeypatch.setattr(history, "RECENT_STEPS", 3)
    everything = selectors.timeline_for(user=p.author, proposal=p, whole=True).rows
    recent = selectors.timeline_for(user=p.author, proposal=p)
    assert recent.rows == everything[-3:] and recent.hidden == len(everything) - 3
    assert len(everything) < p.status_changes.count()


@pytest.mark.parametrize("who", ["officer", "leader", "lead_handler", "co_handler", "author", "cosigner"])
def test_query_count_does_not_grow_with_history(w, client_for, who):
    short, long = _short_history(w), _long_history(w)
    assert long.status_changes.count() > short.status_changes.count() + 15
    assert long.replies.count() == 2 and long.assignments.count() > short.assignments.count() + 3

    def user_for(p):
        if who == "author":
            return p.author
        if who == "cosigner":
            return p.invitations.first().member.user
        return getattr(w, who)

    counts = []
    for p in (short, long):
        client = client_for(user_for(p))
        detail(client, p)  # warm the per-session caches (parameters, calendar)
        counts.append(_count(client, p))
    assert counts[0] == counts[1], counts


@pytest.mark.dated
def test_objection_window_is_shown_only_while_objections_are_possible(w, client_for):
    assigned = ProposalFactory(assigned=True)
    assert "前提出异议" in detail(client_for(w.officer), assigned).content.decode()
    replied = ProposalFactory(replied=True)
    assert "前提出异议" not in detail(client_for(w.officer), replied).content.decode()


def test_the_office_can_urge_a_proposal_being_handled_from_its_detail_page(w, client_for):
    assigned = ProposalFactory(assigned=True)
    urge_url = reverse("proposals:urge", args=[assigned.pk])
    assert f'action="{urge_url}"' in detail(client_for(w.officer), assigned).content.decode()
    for user in (w.leader, w.lead_handler, assigned.author):
        assert urge_url not in detail(client_for(user), assigned).content.decode()
    closed = ProposalFactory(closed=True)
    assert reverse("proposals:urge", args=[closed.pk]) not in detail(client_for(w.officer), closed).content.decode()
