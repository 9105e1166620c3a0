"""Fixtures of the consultations tests: two streets, a district officer, a street officer of each street, a
leader and members with accounts; sessions are built through the services."""

from dataclasses import dataclass
from datetime import date

import pytest

from consultations import services
from consultations.models import OfficerStreet, SessionKind
from members.models import Street
from tests.factories import make_user
from tests.members.factories import MemberFactory

TODAY = date(2025, 6, 16)


@dataclass
class World:
    street_a: Street
    street_b: Street
    district_officer: object
    officer_a: object
    officer_b: object
    leader: object
    member: object  # Member with an account
    other_member: object
    outsider: object  # a user with the member role but no part in anything


def make_session(actor, *, street, date_=date(2025, 6, 10), kind=SessionKind.GRASSROOTS, **extra):
    fields = dict(kind=kind, title=extra.pop("title", "小区消防安全协商"), street=street, venue="社区活动室",
                  date=date_)
    fields.update(extra)
    return services.session_create(actor=actor, **fields)


@pytest.fixture
def world(db, time_machine):
    time_machine.move_to("2025-06-16 10:00:00+08:00", tick=False)
    streets = list(Street.objects.order_by("order")[:2])
    officer_a = make_user("consultation_officer", username="officer-a", full_name="街道甲工作人员")
    officer_b = make_user("consultation_officer", username="officer-b")
    OfficerStreet.objects.create(user=officer_a, street=streets[0])
    OfficerStreet.objects.create(user=officer_b, street=streets[1])
    return World(
        street_a=streets[0], street_b=streets[1],
        district_officer=make_user("consultation_officer", username="district-officer"),
        officer_a=officer_a, officer_b=officer_b,
        leader=make_user("leader", username="leader-c"),
        member=MemberFactory(with_account=True, name="张委员"),
        other_member=MemberFactory(with_account=True, name="李委员"),
        outsider=make_user("member", username="member-outsider"),
    )
