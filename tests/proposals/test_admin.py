"""Administration: proposals are business data (no administrator reads them there); collective
authorisations are configuration, granted through the audited service."""

from django.urls import reverse

from members.models import Sector
from proposals.models import CollectiveAuthorisation
from tests.factories import make_user
from zhongyuan_cppcc.audit.models import AuditEvent

from .factories import ProposalFactory


def test_administrators_do_not_see_proposals(w, client_for):
    ProposalFactory(submitted=True)
    for role in ("sysadmin", "secadmin"):
        client = client_for(make_user(role))
        for name in ("admin:proposals_proposal_changelist", "admin:proposals_reply_changelist",
                     "admin:proposals_attachment_changelist"):
            assert client.get(reverse(name)).status_code == 403, (role, name)


def test_sysadmin_grants_collective_authorisation_through_the_service(w, client_for):
    admin = make_user("sysadmin")
    holder = make_user()
    client = client_for(admin)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:proposals_collectiveauthorisation_changelist") in index
    assert reverse("admin:proposals_proposal_changelist") not in index
    assert client.get(reverse("admin:proposals_collectiveauthorisation_changelist")).status_code == 200
    sector = Sector.objects.first()
    response = client.post(reverse("admin:proposals_collectiveauthorisation_add"),
                           {"user": holder.pk, "sector": sector.pk, "note": "界别召集人"})
    assert response.status_code == 302, response.content[:500]
    authorisation = CollectiveAuthorisation.objects.get(user=holder)
    assert (authorisation.sector, authorisation.granted_by) == (sector, admin)
    assert AuditEvent.objects.filter(action="proposals.collective_authorisation_granted", actor=admin).exists()
    client.post(reverse("admin:proposals_collectiveauthorisation_changelist"),
                {"action": "revoke", "_selected_action": [authorisation.pk]})
    authorisation.refresh_from_db()
    assert authorisation.revoked_at is not None
