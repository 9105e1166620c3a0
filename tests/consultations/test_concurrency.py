"""Two clicks at once on "convert": one draft. Real PostgreSQL connections in threads."""

import threading
from datetime import date

import pytest
from django.db import connection

from consultations import services
from consultations.models import Attendance, OfficerStreet, Outcome
from members.models import Street
from proposals.models import Proposal
from tests.factories import make_user
from tests.members.factories import MemberFactory
from tests.proposals.factories import make_session as make_plenary_session

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_conversions_make_one_draft():
    make_plenary_session(open_on=date(2025, 1, 1), close_on=date(2025, 1, 20))
    street = Street.objects.order_by("order").first()
    officer = make_user("consultation_officer", username="concurrent-officer")
    OfficerStreet.objects.create(user=officer, street=street)
    member = MemberFactory(with_account=True)
    session = services.session_create(actor=officer, kind="grassroots", title="协商", street=street, venue="社区",
                                      date=date(2025, 6, 1))
    services.session_set_participants(actor=officer, session=session, attendance={member.pk: Attendance.ATTENDED})
    services.session_hold(actor=officer, session=session, today=date(2025, 6, 2))
    outcome = services.outcome_add(actor=officer, session=session, text="建议")
    start, results = threading.Barrier(2), {}

    def convert(name):
        def run():
            try:
                start.wait(timeout=10)
                results[name] = services.outcome_convert(actor=officer, outcome=outcome.pk, member=member,
                                                         target="proposal").proposal_id
            except Exception as exc:  # noqa: BLE001 - recorded for the assertions
                results[name] = exc
            finally:
                connection.close()
        return threading.Thread(target=run)

    threads = [convert("a"), convert("b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert Proposal.objects.count() == 1
    draft = Proposal.objects.get()
    assert results == {"a": draft.pk, "b": draft.pk}
    assert Outcome.objects.get(pk=outcome.pk).proposal == draft
