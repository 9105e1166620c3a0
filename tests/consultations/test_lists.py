"""Lists on the shared toolkit: filters, bad filters without a 500, scoped Excel exports."""

import io
from datetime import date

from django.urls import reverse
from openpyxl import load_workbook

from consultations import services
from consultations.models import SessionKind
from zhongyuan_cppcc.audit.models import AuditEvent

from .conftest import make_session


def workbook_titles(response) -> list[str]:
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    return [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]


def test_session_list_filters_and_bad_values(world, client_for):
    make_session(world.officer_a, street=world.street_a, title="消防安全协商", date_=date(2024, 5, 1))
    make_session(world.officer_a, street=world.street_a, title="电梯加装协商")
    client = client_for(world.district_officer)
    url = reverse("consultations:session-list")
    assert [s.title for s in client.get(url, {"year": "2024"}).context["rows"]] == ["消防安全协商"]
    assert [s.title for s in client.get(url, {"q": "电梯"}).context["rows"]] == ["电梯加装协商"]
    assert len(client.get(url, {"q": "社区活动"}).context["rows"]) == 2  # the venue too
    make_session(world.officer_a, street=world.street_a, title="Wi-Fi 覆盖协商", venue="线上")
    assert [s.title for s in client.get(url, {"q": "wi-fi"}).context["rows"]] == ["Wi-Fi 覆盖协商"]
    assert not client.get(url, {"kind": SessionKind.STANDING}).context["rows"]
    response = client.get(url, {"year": "abc", "kind": "nonsense", "street": "999999", "page": "x"})
    assert response.status_code == 200 and len(response.context["rows"]) == 3
    assert response.context["filter_error"]


def test_outcome_list_overdue_filter(world, client_for):
    session = make_session(world.officer_a, street=world.street_a)
    services.session_hold(actor=world.officer_a, session=session)
    services.outcome_add(actor=world.officer_a, session=session, text="逾期建议", due_on=date(2025, 6, 1))
    services.outcome_add(actor=world.officer_a, session=session, text="未到期建议", due_on=date(2025, 8, 1))
    rows = client_for(world.officer_a).get(reverse("consultations:outcome-list"), {"overdue": "1"}).context["rows"]
    assert [o.text for o in rows] == ["逾期建议"] and rows[0].overdue


def test_export_is_scoped_filtered_and_audited(world, client_for):
    make_session(world.officer_a, street=world.street_a, title="甲街道协商")
    make_session(world.officer_b, street=world.street_b, title="乙街道协商")
    response = client_for(world.officer_a).post(reverse("consultations:session-export"))
    assert workbook_titles(response) == ["甲街道协商"]
    response = client_for(world.leader).post(reverse("consultations:session-export"), {"q": "乙"})
    assert workbook_titles(response) == ["乙街道协商"]
    assert AuditEvent.objects.filter(action="consultations.sessions_exported").count() == 2
    assert client_for(world.member.user).post(reverse("consultations:session-export")).status_code == 403


def test_list_queries_do_not_grow_with_the_rows(world, client_for, django_assert_max_num_queries):
    client = client_for(world.district_officer)
    for n in range(3):
        make_session(world.officer_a, street=world.street_a, title=f"协商{n}")
    urls = [reverse(f"consultations:{name}") for name in ("session-list", "outcome-list", "topic-list",
                                                            "room-list", "project-list")]
    counts = {}
    for url in urls:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few)
    for n in range(20):
        session = make_session(world.officer_a, street=world.street_a, title=f"更多{n}")
        services.session_hold(actor=world.officer_a, session=session)
        services.outcome_add(actor=world.officer_a, session=session, text=f"建议{n}")
        services.room_save(actor=world.officer_a, name=f"议事室{n}", level="street", street=world.street_a)
        services.project_save(actor=world.officer_a, name=f"项目{n}", street=world.street_a)
        services.topic_propose(actor=world.officer_a, title=f"议题{n}", street=world.street_a, source="street")
    for url in urls:
        with django_assert_max_num_queries(counts[url] + 1):
            assert client.get(url).status_code == 200
