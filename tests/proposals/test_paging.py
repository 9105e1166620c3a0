"""IdsFirst pages are exactly the queryset's own slices (order, ties, annotations, empty results)."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.utils import timezone

from proposals import selectors
from proposals.models import Proposal
from zhongyuan_cppcc.lists.paging import IdsFirst

from .factories import ProposalFactory


@pytest.mark.django_db
def test_unit_list_pages_match_the_selector_order_with_ties(w):
    today = timezone.localdate()
    running = [ProposalFactory(assigned=True) for _ in range(4)]
    done = [ProposalFactory(replied=True) for _ in range(3)]
    # Ties on urgency and due date: the id breaks them, in the index and in the page query alike.
    Proposal.objects.filter(pk__in=[p.pk for p in running[:3]]).update(reply_due_on=today - timedelta(days=1))
    Proposal.objects.filter(pk__in=[p.pk for p in done]).update(reply_due_on=today + timedelta(days=5))
    qs = selectors.unit_proposals_for(user=w.lead_handler)
    expected = [(p.pk, p.urgency, p.is_overdue) for p in qs]
    assert len(expected) == 7
    assert [e[1] for e in expected] == [0, 0, 0, 0, 1, 1, 1]
    assert [e[0] for e in expected[:3]] == sorted(p.pk for p in running[:3])
    source = IdsFirst(qs, count=lambda: selectors.unit_proposals_count(user=w.lead_handler))
    assert source.count() == 7
    paginator = Paginator(source, 3)
    got = [(p.pk, p.urgency, p.is_overdue) for n in paginator.page_range for p in paginator.page(n).object_list]
    assert got == expected


@pytest.mark.django_db
def test_officer_list_pages_match_and_empty_filters(w):
    for _ in range(5):
        ProposalFactory(submitted=True)
    qs = selectors.officer_proposals_for(user=w.officer)
    paginator = Paginator(IdsFirst(qs), 2)
    assert [p.pk for n in paginator.page_range for p in paginator.page(n).object_list] == [p.pk for p in qs]
    assert list(IdsFirst(qs.filter(pk__in=[]))[0:2]) == []
    assert IdsFirst(Proposal.objects.none().order_by("pk")).count() == 0
