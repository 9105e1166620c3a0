"""Every status trait is reachable through the real services."""

import pytest

from proposals.models import StatusChange
from proposals.workflow import Status

from .factories import ProposalFactory


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s.value for s in Status])
def test_trait_reaches_status_through_services(status):
    proposal = ProposalFactory(**({status: True} if status != Status.DRAFT else {}), cosigners=1)
    assert proposal.status == status
    if status != Status.DRAFT:
        # The path left a timeline: the last recorded step ends in the status.
        last = StatusChange.objects.filter(proposal=proposal).exclude(verb="rate").last()
        assert last.to_status == status
