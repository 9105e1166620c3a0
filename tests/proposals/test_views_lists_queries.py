"""List pages run the same number of queries for 5 rows as for 40 (DESIGN.md §11)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals import services
from proposals.models import Assignment, CosignerInvitation, Proposal, Rating, Reply

from .factories import ProposalFactory


def clone(proposal: Proposal, n: int) -> list[Proposal]:
    """n copies of a proposal with its assignments, invitations, replies and ratings (cheap rows for
    page-size tests; the services are exercised by the original)."""
    assignments = list(Assignment.objects.filter(proposal=proposal))
    invitations = list(CosignerInvitation.objects.filter(proposal=proposal))
    replies = list(Reply.objects.filter(proposal=proposal))
    ratings = list(Rating.objects.filter(proposal=proposal))
    copies = []
    for i in range(n):
        copy = Proposal.objects.get(pk=proposal.pk)
        copy.pk = copy.id = None
        copy.serial = None
        copy.number = f"{proposal.number}-{i}" if proposal.number else ""
        copy.title = f"{proposal.title}（{i}）"
        copy.save()
        for a in assignments:
            a.pk = None
            a.proposal = copy
        Assignment.objects.bulk_create(assignments)
        for inv in invitations:
            inv.pk = None
            inv.proposal = copy
        CosignerInvitation.objects.bulk_create(invitations)
        reply_map = {}
        for r in replies:
            old = r.pk
            r.pk = None
            r.proposal = copy
            r.save()
            reply_map[old] = r.pk
        for rating in ratings:
            rating.reply_id = reply_map[rating.reply_id]
            rating.pk = None
            rating.proposal = copy
        Rating.objects.bulk_create(ratings)
        copies.append(copy)
    return copies


def count_queries(client, url) -> int:
    client.get(url)  # warm caches (permissions, parameters, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def assert_constant(client, url, seed: Proposal, marker: str = 'data-testid="row-'):
    clone(seed, 4)
    few = count_queries(client, url)
    assert client.get(url).content.decode().count(marker) == 5
    clone(seed, 35)
    many = count_queries(client, url)
    assert client.get(url).content.decode().count(marker) == 40
    assert few == many, f"{url}: {few} queries for 5 rows, {many} for 40"
    assert many <= 30


PAGE = "?per_page=50"


@pytest.mark.django_db
def test_mine_query_count(client_for, w, member):
    seed = ProposalFactory(author=member.user, replied=True, cosigners=1)
    assert_constant(client_for(member.user), reverse("proposals:my-proposals") + PAGE, seed)


@pytest.mark.django_db
def test_unit_query_count(client_for, w):
    seed = ProposalFactory(assigned=True)
    assert_constant(client_for(w.lead_handler), reverse("proposals:unit-list") + PAGE, seed)


@pytest.mark.django_db
def test_officer_list_query_count(client_for, w):
    seed = ProposalFactory(registered=True, cosigners=1)
    assert_constant(client_for(w.officer), reverse("proposals:officer-list") + PAGE, seed)


@pytest.mark.django_db
def test_approval_queue_query_count(client_for, w):
    seed = ProposalFactory(reply_review=True)
    assert_constant(client_for(w.officer), reverse("proposals:approval-queue") + PAGE, seed)


@pytest.mark.django_db
def test_key_list_query_count(client_for, w):
    seed = ProposalFactory(assigned=True)
    services.proposal_set_key(actor=w.officer, proposal=seed, is_key=True, supervising_leader=w.leader)
    assert_constant(client_for(w.leader), reverse("proposals:key-list") + PAGE, seed)


@pytest.mark.django_db
def test_archive_query_count(client_for, w, other_member):
    seed = ProposalFactory(closed=True)
    assert_constant(client_for(other_member.user), reverse("proposals:archive") + PAGE, seed)


@pytest.mark.django_db
def test_unit_table_query_count(client_for, w):
    from members.models import HandlingUnit

    ProposalFactory(replied=True)
    client = client_for(w.officer)
    url = reverse("proposals:unit-table")
    few = count_queries(client, url)
    HandlingUnit.objects.bulk_create([HandlingUnit(name=f"测试单位{i}") for i in range(40)])
    many = count_queries(client, url)
    assert client.get(url).content.decode().count('data-testid="unit-') >= 43
    assert few == many
