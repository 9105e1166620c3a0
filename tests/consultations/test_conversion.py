"""An outcome becomes a proposal draft or an opinion-report draft for a member who took part: once."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultations import services
from consultations.models import Attendance, Outcome
from opinions.models import OpinionReport
from proposals.models import Proposal
from proposals.workflow import Status as ProposalStatus
from tests.proposals.factories import make_session as make_plenary_session

from .conftest import make_session


@pytest.fixture
def outcome(world):
    make_plenary_session(open_on=date(2025, 1, 1), close_on=date(2025, 1, 20))
    session = make_session(world.officer_a, street=world.street_a, title="老旧小区电梯加装协商")
    services.session_set_participants(actor=world.officer_a, session=session,
                                      attendance={world.member.pk: Attendance.ATTENDED,
                                                  world.other_member.pk: Attendance.ABSENT})
    services.session_hold(actor=world.officer_a, session=session)
    return services.outcome_add(actor=world.officer_a, session=session, text="建议统筹推进老旧小区加装电梯",
                                responsible="区住建局")


def test_a_double_click_creates_one_proposal_draft_with_a_link_back(world, outcome, client_for):
    client = client_for(world.officer_a)
    url = reverse("consultations:outcome-convert", args=[outcome.pk])
    data = {"target": "proposal", "member": world.member.pk}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.author == world.member.user and proposal.status == ProposalStatus.DRAFT
    assert "建议统筹推进老旧小区加装电梯" in proposal.suggestions
    assert "老旧小区电梯加装协商" in proposal.situation
    outcome.refresh_from_db()
    assert outcome.proposal == proposal and outcome.converted_for == world.member
    assert proposal.consultation_outcome == outcome
    page = client.get(outcome.session.get_absolute_url()).content.decode()
    assert "张委员" in page and "提案草稿" in page
    # Another target afterwards is refused, nothing more is created.
    response = client.post(url, {"target": "opinion", "member": world.member.pk}, follow=True)
    assert "已经转化过" in response.content.decode()
    assert not OpinionReport.objects.exists() and Proposal.objects.count() == 1


def test_opinion_report_draft_with_origin(world, outcome):
    services.outcome_convert(actor=world.officer_a, outcome=outcome, member=world.member, target="opinion")
    report = OpinionReport.objects.get()
    assert report.author == world.member.user and report.origin == outcome
    assert Outcome.objects.get(pk=outcome.pk).opinion_report == report


def test_only_for_a_member_who_attended(world, outcome, client_for):
    with pytest.raises(ValidationError):
        services.outcome_convert(actor=world.officer_a, outcome=outcome, member=world.other_member, target="proposal")
    response = client_for(world.officer_a).post(reverse("consultations:outcome-convert", args=[outcome.pk]),
                                                 {"target": "proposal", "member": world.other_member.pk})
    assert response.status_code == 302
    assert not Proposal.objects.exists() and not Outcome.objects.get(pk=outcome.pk).converted


def test_another_street_officer_cannot_convert(world, outcome, client_for):
    response = client_for(world.officer_b).post(reverse("consultations:outcome-convert", args=[outcome.pk]),
                                                {"target": "proposal", "member": world.member.pk})
    assert response.status_code == 404 and not Proposal.objects.exists()


def test_member_finishes_the_draft_in_proposals(world, outcome):
    """The draft is an ordinary proposal draft of the member: the proposals services take it from here."""
    from proposals.services import proposal_update_draft

    services.outcome_convert(actor=world.officer_a, outcome=outcome, member=world.member, target="proposal")
    proposal = Proposal.objects.get()
    proposal_update_draft(actor=world.member.user, proposal=proposal, analysis="加装电梯需求迫切")
    assert Proposal.objects.get().analysis == "加装电梯需求迫切"


def test_the_proposal_draft_links_back_to_the_session(world, outcome, client_for):
    services.outcome_convert(actor=world.officer_a, outcome=outcome, member=world.member, target="proposal")
    proposal = Proposal.objects.get()
    page = client_for(world.member.user).get(reverse("proposals:proposal-detail", args=[proposal.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-testid="consultation-origin"' in content and outcome.session.get_absolute_url() in content
