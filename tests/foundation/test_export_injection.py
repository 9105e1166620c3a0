"""Formula injection, for EVERY registered export: free text that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return comes back from the workbook as that text — a string cell, never a formula.

Each export kind has a scenario below that stores the payloads in a free-text field, exports the way users
do (the export URL, or the background job's builder), and returns the workbook's bytes. A kind registered
without a scenario fails `test_every_registered_export_has_an_injection_scenario`: add one when you
declare an export.
"""

import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member
from proposals.models import Proposal
from tests.factories import make_user
from tests.members.factories import MemberFactory
from tests.proposals.factories import ProposalFactory
from zhongyuan_cppcc.exports import registry
from zhongyuan_cppcc.exports.excel import get_excel_export, registered_exports

PAYLOADS = ["=1+1", "+1+1", "-1+1", "@SUM(1+1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://evil.example/","点我")']
# Kinds that tests register on the fly (tests/foundation/test_exports.py) are not exports of the product, and
# background jobs that build a PDF (`…_pdf`, e.g. the 提案汇编) hold no spreadsheet cells.
TEST_KINDS = re.compile(r"^(?:test\..*|.*_pdf)$")
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
# A fixed day for exports that read the year (rankings, shortlists): the tests hold on any date.
TODAY = datetime(2024, 3, 1, 10, 0)

SCENARIOS = {}


def scenario(kind: str):
    def register(function):
        SCENARIOS[kind] = function
        return function
    return register


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return b"".join(response.streaming_content) if response.streaming else response.content


def members_with_employers(payloads) -> list[Member]:
    """One member per payload; the employer is set past the service (whatever an import or an old row holds)."""
    members = [MemberFactory(name=f"注入测试{n}") for n, _ in enumerate(payloads)]
    for member, payload in zip(members, payloads, strict=True):
        Member.objects.filter(pk=member.pk).update(employer=payload, job_title=payload)
    return members


@scenario("proposals.proposals")
def _proposals(client_for) -> list[bytes]:
    for payload in PAYLOADS:
        proposal = ProposalFactory(submitted=True)
        Proposal.objects.filter(pk=proposal.pk).update(title=payload)
    officer = make_user("proposal_officer", username="injection-officer")
    workbooks = [body(client_for(officer).post(reverse("proposals:export")))]
    # The background job writes the same declaration.
    export = get_excel_export("proposals.proposals")
    handle, _name, _rows = export.export(officer, {})
    workbooks.append(handle.read())
    return workbooks


@scenario("members.members")
def _members(client_for) -> list[bytes]:
    members_with_employers(PAYLOADS)
    officer = make_user("member_officer", username="injection-member-officer")
    sync = body(client_for(officer).post(reverse("members:member-export")))
    handle, _name, _rows = get_excel_export("members.members").export(officer, {})
    return [sync, handle.read()]


def _scored(payloads, officer) -> list[Member]:
    from members import services

    services.ledger_rule_create(kind="contribution", subkind="award", label="表彰", points=Decimal("0"),
                                annual_cap=None, unit="项", actor=officer)
    members = members_with_employers(payloads)
    for n, member in enumerate(members):
        services.ledger_record_event(member=member, kind="contribution", subkind="award",
                                     date=datetime(2023, 6, 1).date(), points_override=Decimal(95 - n), actor=officer)
    return members


@scenario("members.ranking")
def _ranking(client_for) -> list[bytes]:
    with time_machine.travel(TODAY, tick=False):
        officer = make_user("member_officer", username="injection-ranking-officer")
        _scored(PAYLOADS, officer)
        sync = body(client_for(officer).post(reverse("members:ranking-export"), {"year": "2023"}))
        handle, _name, _rows = get_excel_export("members.ranking").export(officer, {"year": ["2023"]})
        return [sync, handle.read()]


@scenario("members.shortlist")
def _shortlist(client_for) -> list[bytes]:
    from members import services

    with time_machine.travel(TODAY, tick=False):
        officer = make_user("member_officer", username="injection-shortlist-officer")
        members = _scored(PAYLOADS, officer)
        shortlist = services.shortlist_generate(year=2023, percent=Decimal("100"), actor=officer)
        on_list = set(shortlist.entries.values_list("member_id", flat=True))
        for member in members:
            if member.pk not in on_list:
                services.shortlist_add(shortlist=shortlist, member=member, reason=PAYLOADS[0], actor=officer)
        sync = body(client_for(officer).post(reverse("members:shortlist-export", args=[2023])))
        handle, _name, _rows = get_excel_export("members.shortlist").export(officer, {"year": ["2023"]})
        return [sync, handle.read()]


@scenario("opinions.reports")
def _opinion_reports(client_for) -> list[bytes]:
    from opinions.models import OpinionReport
    from tests.opinions.factories import make_report

    officer = make_user("opinion_officer", username="injection-opinion-officer")
    for payload in PAYLOADS:
        report = make_report(officer=officer, status="adopted")
        OpinionReport.objects.filter(pk=report.pk).update(title=payload, signed_off_by=payload)
    sync = body(client_for(officer).post(reverse("opinions:export")))
    handle, _name, _rows = get_excel_export("opinions.reports").export(officer, {})
    return [sync, handle.read()]


@scenario("opinions.statistics")
def _opinion_statistics(client_for) -> list[bytes]:
    from django.contrib.auth import get_user_model

    from tests.opinions.factories import make_report

    with time_machine.travel(TODAY, tick=False):
        officer = make_user("opinion_officer", username="injection-statistics-officer")
        for n, payload in enumerate(PAYLOADS):
            author = make_user("correspondent", username=f"injection-author-{n}")
            get_user_model().objects.filter(pk=author.pk).update(full_name=payload)
            make_report(author=author, officer=officer, status="submitted")
        sync = body(client_for(officer).post(reverse("opinions:statistics-export"), {"year": "2024"}))
        handle, _name, _rows = get_excel_export("opinions.statistics").export(officer, {"year": ["2024"]})
        return [sync, handle.read()]


@scenario("opinions.my_reports")
def _my_opinion_reports(client_for) -> list[bytes]:
    from opinions.models import OpinionReport
    from tests.opinions.factories import make_report

    author = make_user("correspondent", username="injection-opinion-author")
    for payload in PAYLOADS:
        report = make_report(author=author, status="kept")
        OpinionReport.objects.filter(pk=report.pk).update(title=payload, decision_reason=payload)
    sync = body(client_for(author).post(reverse("opinions:my-export")))
    handle, _name, _rows = get_excel_export("opinions.my_reports").export(author, {})
    return [sync, handle.read()]


def _published_with_payload_titles(officer):
    from opinions import services
    from opinions.models import OpinionReport
    from tests.opinions.factories import make_report

    reports = []
    for payload in PAYLOADS:
        report = make_report(officer=officer, status="adopted")
        OpinionReport.objects.filter(pk=report.pk).update(adopted_title=payload)
        reports.append(report)
    bulletin = services.bulletin_create(actor=officer)
    services.bulletin_set_reports(bulletin=bulletin, actor=officer, report_ids=[r.pk for r in reports])
    services.bulletin_publish(bulletin=bulletin, actor=officer)
    return reports


@scenario("opinions.bulletins")
def _opinion_bulletins(client_for) -> list[bytes]:
    officer = make_user("opinion_officer", username="injection-bulletin-officer")
    _published_with_payload_titles(officer)
    sync = body(client_for(officer).post(reverse("opinions:bulletin-export")))
    handle, _name, _rows = get_excel_export("opinions.bulletins").export(officer, {})
    return [sync, handle.read()]


@scenario("opinions.batches")
def _opinion_batches(client_for) -> list[bytes]:
    from opinions import services

    with time_machine.travel(TODAY, tick=False):
        officer = make_user("opinion_officer", username="injection-batch-officer")
        reports = _published_with_payload_titles(officer)
        services.batch_create(actor=officer, sent_on=TODAY.date(), channel=PAYLOADS[0],
                              report_ids=[r.pk for r in reports])
        sync = body(client_for(officer).post(reverse("opinions:batch-export")))
        handle, _name, _rows = get_excel_export("opinions.batches").export(officer, {})
        return [sync, handle.read()]


def _consultation_export(client_for, kind: str, url_name: str, make) -> list[bytes]:
    """Store the payloads through `make(officer, payload)` (a free-text field set past the service), export
    through the list's export URL and the background job's builder."""
    officer = make_user("consultation_officer", username=f"injection-{url_name}")
    for payload in PAYLOADS:
        make(officer, payload)
    sync = body(client_for(officer).post(reverse(f"consultations:{url_name}")))
    handle, _name, _rows = get_excel_export(kind).export(officer, {})
    return [sync, handle.read()]


def _consultation_session(officer, payload, **extra):
    from datetime import date

    from consultations import services
    from consultations.models import Session
    from members.models import Street

    session = services.session_create(actor=officer, kind="grassroots", title="协商", venue="社区",
                                      street=Street.objects.order_by("order").first(), date=date(2023, 3, 1),
                                      **extra)
    Session.objects.filter(pk=session.pk).update(title=payload, minutes=payload, officials=payload)
    return session


@scenario("consultations.sessions")
def _consultation_sessions(client_for) -> list[bytes]:
    return _consultation_export(client_for, "consultations.sessions", "session-export", _consultation_session)


@scenario("consultations.outcomes")
def _consultation_outcomes(client_for) -> list[bytes]:
    from consultations import services
    from consultations.models import Outcome

    def make(officer, payload):
        session = _consultation_session(officer, payload)
        services.session_hold(actor=officer, session=session)
        outcome = services.outcome_add(actor=officer, session=session, text="建议")
        Outcome.objects.filter(pk=outcome.pk).update(text=payload, responsible=payload)
    return _consultation_export(client_for, "consultations.outcomes", "outcome-export", make)


@scenario("consultations.topics")
def _consultation_topics(client_for) -> list[bytes]:
    from consultations import services
    from consultations.models import Topic
    from members.models import Street

    def make(officer, payload):
        topic = services.topic_propose(actor=officer, title="议题", source="street",
                                       street=Street.objects.order_by("order").first())
        Topic.objects.filter(pk=topic.pk).update(title=payload, decline_reason=payload)
    return _consultation_export(client_for, "consultations.topics", "topic-export", make)


@scenario("consultations.rooms")
def _consultation_rooms(client_for) -> list[bytes]:
    from consultations import services
    from consultations.models import Room
    from members.models import Street

    def make(officer, payload):
        room = services.room_save(actor=officer, name="议事室", level="street",
                                  street=Street.objects.order_by("order").first())
        Room.objects.filter(pk=room.pk).update(name=payload, address=payload)
    return _consultation_export(client_for, "consultations.rooms", "room-export", make)


@scenario("consultations.projects")
def _consultation_projects(client_for) -> list[bytes]:
    from consultations import services
    from consultations.models import SupervisionProject
    from members.models import Street

    def make(officer, payload):
        project = services.project_save(actor=officer, name="项目", street=Street.objects.order_by("order").first())
        SupervisionProject.objects.filter(pk=project.pk).update(name=payload, owner_unit=payload,
                                                                description=payload)
    return _consultation_export(client_for, "consultations.projects", "project-export", make)


def _proposals_titled(payloads, **status) -> list[Proposal]:
    proposals = []
    for payload in payloads:
        proposal = ProposalFactory(**status)
        Proposal.objects.filter(pk=proposal.pk).update(title=payload)
        proposals.append(proposal)
    return proposals


def _both(user, client_for, kind: str, url: str, data=None) -> list[bytes]:
    """The workbook through the export URL (POST with the list's filters) and through the job's builder."""
    sync = body(client_for(user).post(url, data or {}))
    handle, _name, _rows = get_excel_export(kind).export(user, {k: [v] for k, v in (data or {}).items()})
    return [sync, handle.read()]


@scenario("proposals.unit")
def _unit_list(client_for) -> list[bytes]:
    from tests.proposals.factories import world

    _proposals_titled(PAYLOADS, assigned=True)
    return _both(world().lead_handler, client_for, "proposals.unit", reverse("proposals:unit-export"))


@scenario("proposals.key")
def _key_list(client_for) -> list[bytes]:
    from tests.proposals.factories import world

    proposals = _proposals_titled(PAYLOADS, assigned=True)
    Proposal.objects.filter(pk__in=[x.pk for x in proposals]).update(is_key=True)
    return _both(world().leader, client_for, "proposals.key", reverse("proposals:key-export"))


@scenario("proposals.approval")
def _approval_queue(client_for) -> list[bytes]:
    from tests.proposals.factories import world

    _proposals_titled(PAYLOADS, reply_review=True)
    return _both(world().officer, client_for, "proposals.approval", reverse("proposals:approval-export"))


@scenario("proposals.units")
def _unit_table(client_for) -> list[bytes]:
    from members.models import HandlingUnit

    for payload in PAYLOADS:
        HandlingUnit.objects.create(name=payload)
    officer = make_user("proposal_officer", username="injection-units-officer")
    return _both(officer, client_for, "proposals.units", reverse("proposals:unit-table-export"))


@scenario("proposals.reminders")
def _reminders(client_for) -> list[bytes]:
    from django.utils import timezone

    from proposals.models import Milestone, Reminder
    from tests.proposals.factories import world

    w = world()
    proposal = ProposalFactory(assigned=True)
    for n, payload in enumerate(PAYLOADS):
        Reminder.objects.create(proposal=proposal, milestone=Milestone.REPLY_DUE_30, recipient=w.lead_handler,
                                due_on=timezone.localdate().replace(day=1).replace(year=2000 + n),
                                created_at=timezone.now(), note=payload)
    return _both(w.officer, client_for, "proposals.reminders", reverse("proposals:reminders-export"))


@scenario("audit.events")
def _audit_log(client_for) -> list[bytes]:
    from zhongyuan_cppcc.audit.services import audit_record

    for payload in PAYLOADS:
        audit_record(action="auth.login_failed", actor_username=payload[:150], details={"reason": payload})
    auditor = make_user("auditor", username="injection-auditor")
    return _both(auditor, client_for, "audit.events", reverse("audit-export"), {"action": "auth.login_failed"})


@scenario("dashboard.figures")
def _dashboard(client_for) -> list[bytes]:
    from members.models import Sector

    with time_machine.travel(TODAY, tick=False):
        leader = make_user("leader", username="injection-dashboard-leader")
        sectors = list(Sector.objects.order_by("order")[:len(PAYLOADS)])
        for member, sector, payload in zip(members_with_employers(PAYLOADS), sectors, PAYLOADS, strict=True):
            Member.objects.filter(pk=member.pk).update(sector=sector)
            Sector.objects.filter(pk=sector.pk).update(name=payload)  # a sector figure's label
        sync = body(client_for(leader).post(reverse("dashboard-export"), {"year": "2023"}))
        handle, _name, _rows = get_excel_export("dashboard.figures").export(leader, {"year": ["2023"]})
        return [sync, handle.read()]


def product_kinds() -> set[str]:
    kinds = {export.kind for export in registered_exports()} | set(registry.registered_kinds())
    return {kind for kind in kinds if not TEST_KINDS.match(kind)}


def test_every_registered_export_has_an_injection_scenario():
    kinds = product_kinds()
    assert {"proposals.proposals", "members.members", "members.ranking", "members.shortlist"} <= kinds
    # The members' list exports have their scenarios beside their own tests (they need that module's fixtures).
    from tests.members.test_list_exports import INJECTION_SCENARIOS as MEMBER_LIST_SCENARIOS

    missing = sorted(kinds - set(SCENARIOS) - set(MEMBER_LIST_SCENARIOS))
    assert not missing, f"exports without a formula-injection scenario in {__file__}: {missing}"


def assert_text_never_formula(content: bytes) -> None:
    wb = load_workbook(io.BytesIO(content))  # not read-only: cells keep their data_type
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    for payload in PAYLOADS:
        # The standard library's XML parser reads a stored carriage return as a line feed, lxml (when installed,
        # openpyxl reads with it) keeps it; the file itself holds the text unchanged.
        # XML parsers read a stored carriage return as a line feed; the file itself holds the text unchanged.
        # (A cell whose text openpyxl escaped, `_x000D_`, reads back with the carriage return itself.)
        assert payload in texts or payload.replace("\r", "\n") in texts, f"{payload!r} not written as text"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            xml = archive.read(name)
            assert not FORMULA_ELEMENT.search(xml), f"a formula element in {name}"
            assert b"=1+1" in xml


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_free_text_is_written_as_text_never_as_a_formula(kind, client_for):
    assert kind in product_kinds(), f"scenario for an export that is not registered: {kind}"
    workbooks = SCENARIOS[kind](client_for)
    assert workbooks
    for content in workbooks:
        assert_text_never_formula(content)
