"""The members screens run their services through the shared service-form helpers: a refusal shows the
service's Chinese message (on the form — see test_views' duplicate ID number — or as a message after a
POST-only action) and changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from members import services
from members.models import ExcellentEntry, ExcellentShortlist, LedgerEvent

from .factories import MemberFactory, staff_actor

pytestmark = pytest.mark.django_db


def flashed(response) -> str:
    """The message this response added (earlier ones wait in the storage until a page shows them)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


@time_machine.travel(date(2024, 3, 1), tick=False)
def test_a_post_only_action_flashes_the_form_or_service_message(client_for, officer, term):
    member = MemberFactory()
    event = services.ledger_record_single(member=member, kind="study", subkind="session", date=date(2024, 1, 5),
                                          actor=staff_actor())
    client = client_for(officer)
    url = reverse("members:event-withdraw", args=[event.pk])
    no_reason = client.post(url, {"reason": ""})
    assert no_reason.status_code == 302 and flashed(no_reason) == "请填写撤销理由。"
    done = client.post(url, {"reason": "录入错误"})
    assert flashed(done) == "该记录已撤销，不再计分。"
    again = client.post(url, {"reason": "录入错误"})
    assert flashed(again) == "该记录已撤销。"
    assert done["Location"] == reverse("members:member-record", args=[member.pk]) + "?year=2024"
    assert LedgerEvent.objects.filter(withdrawn_at__isnull=False).count() == 1


def test_shortlist_actions_refused_by_the_service(client_for, officer, term):
    member = MemberFactory()
    shortlist = ExcellentShortlist.objects.create(year=2023, percent=Decimal("10"))
    entry = ExcellentEntry.objects.create(shortlist=shortlist, member=member, score=Decimal("95"), rank=1)
    client = client_for(officer)
    finalize = reverse("members:shortlist-finalize", args=[2023])
    assert flashed(client.post(finalize)) == "名单已定稿。"
    assert flashed(client.post(finalize)) == "名单已定稿，请先重新开放。"
    exclude = client.post(reverse("members:shortlist-exclude", args=[entry.pk]), {"reason": "x"})
    assert flashed(exclude) == "名单已定稿，请先重新开放。"
    no_reason = client.post(reverse("members:shortlist-exclude", args=[entry.pk]), {"reason": ""})
    assert flashed(no_reason) == "请填写调整理由。"
    entry.refresh_from_db()
    assert not entry.excluded
