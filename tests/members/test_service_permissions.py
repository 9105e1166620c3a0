"""Every write service of the members module checks the actor's permission itself: a caller that skips
the view's check (a script, another app, a future API) is refused with a Chinese message, nothing changes."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from members import services
from members.models import (
    Activity,
    ExcellentEntry,
    ExcellentShortlist,
    HandlingUnit,
    ImportJob,
    LedgerEvent,
    LedgerRule,
    Meeting,
    Member,
    Visit,
)
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.workflow.errors import DomainError

from .factories import MemberFactory, party, sector, staff_actor, term10

D = date(2023, 5, 10)


@pytest.fixture
def world(db):
    """One of everything the write services act on, made by an officer."""
    officer = staff_actor()
    member = MemberFactory(party_short="民盟")
    event = services.ledger_record_single(member=member, kind="study", subkind="session", date=D, actor=officer)
    meeting = services.meeting_create(kind="plenary", title="全体会议", date=D, term=term10(), actor=officer)
    activity = services.activity_create(kind="research", subkind="research", title="调研", date=D,
                                        participants=[member], actor=officer)
    shortlist = ExcellentShortlist.objects.create(year=2023, percent=Decimal("20"))
    entry = ExcellentEntry.objects.create(shortlist=shortlist, member=member, score=Decimal("90"), rank=1)
    final = ExcellentShortlist.objects.create(year=2022, percent=Decimal("20"))
    services.shortlist_finalize(shortlist=final, actor=officer)
    return {
        "member": member, "event": event, "meeting": meeting, "activity": activity, "shortlist": shortlist,
        "entry": entry, "final": final, "other": MemberFactory(),
        "visit": services.visit_record(member=member, date=D, visitors="甲", purpose="乙", actor=officer),
        "rule": LedgerRule.objects.get(kind="study", subkind="session"),
        "unit": services.handling_unit_save(unit=None, name="区测试局", kind="department", street=None,
                                            contact_phone="", is_active=True, officers=[], actor=officer),
    }


def _upload():
    return SimpleUploadedFile("members.xlsx", b"PK\x03\x04 not really", content_type="application/octet-stream")


# service name -> call(world, actor)
CALLS = {
    "member_create": lambda w, a: services.member_create(name="新委员", party=party(), sector=sector(),
                                                         gender="male", actor=a),
    "member_update": lambda w, a: services.member_update(member=w["member"], employer="别处", actor=a),
    "member_reveal_personal_data": lambda w, a: services.member_reveal_personal_data(member=w["member"], actor=a),
    "visit_record": lambda w, a: services.visit_record(member=w["member"], date=D, visitors="丙", purpose="丁",
                                                       actor=a),
    "visit_update": lambda w, a: services.visit_update(visit=w["visit"], member=w["member"], date=D, visitors="丙",
                                                       purpose="丁", actor=a),
    "ledger_record_event": lambda w, a: services.ledger_record_event(member=w["member"], kind="research",
                                                                     subkind="research", date=D, actor=a),
    "ledger_record_single": lambda w, a: services.ledger_record_single(member=w["member"], kind="study",
                                                                       subkind="session", date=D, actor=a),
    "ledger_event_withdraw": lambda w, a: services.ledger_event_withdraw(event=w["event"], reason="错", actor=a),
    "ledger_rule_update": lambda w, a: services.ledger_rule_update(rule=w["rule"], label="学习", points=Decimal("9"),
                                                                   annual_cap=None, unit="次", actor=a),
    "ledger_rule_create": lambda w, a: services.ledger_rule_create(kind="study", subkind="online", label="网学",
                                                                   points=Decimal("1"), annual_cap=None, unit="次",
                                                                   actor=a),
    "meeting_create": lambda w, a: services.meeting_create(kind="plenary", title="又一次", date=D, term=term10(),
                                                           actor=a),
    "meeting_record_attendance": lambda w, a: services.meeting_record_attendance(
        meeting=w["meeting"], statuses={w["member"].pk: "attended"}, actor=a),
    "activity_create": lambda w, a: services.activity_create(kind="study", subkind="session", title="学习", date=D,
                                                             participants=[w["member"]], actor=a),
    "activity_set_participants": lambda w, a: services.activity_set_participants(activity=w["activity"],
                                                                                 participants=[], actor=a),
    "shortlist_generate": lambda w, a: services.shortlist_generate(year=2023, percent=Decimal("30"), actor=a),
    "shortlist_add": lambda w, a: services.shortlist_add(shortlist=w["shortlist"], member=w["other"],
                                                         reason="贡献", actor=a),
    "shortlist_exclude": lambda w, a: services.shortlist_exclude(entry=w["entry"], reason="未通过", actor=a),
    "shortlist_finalize": lambda w, a: services.shortlist_finalize(shortlist=w["shortlist"], actor=a),
    "shortlist_reopen": lambda w, a: services.shortlist_reopen(shortlist=w["final"], actor=a),
    "handling_unit_save": lambda w, a: services.handling_unit_save(
        unit=w["unit"], name="改名局", kind="department", street=None, contact_phone="", is_active=True,
        officers=[], actor=a),
    "handling_unit_save (new)": lambda w, a: services.handling_unit_save(
        unit=None, name="新单位", kind="department", street=None, contact_phone="", is_active=True, officers=[],
        actor=a),
    "member_import_start": lambda w, a: services.member_import_start(upload=_upload(), actor=a),
}

TABLES = (Member, Visit, LedgerEvent, LedgerRule, Meeting, Activity, ExcellentShortlist, ExcellentEntry,
          HandlingUnit, ImportJob)


def _snapshot() -> dict:
    state = {model.__name__: sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))
             for model in TABLES}
    state["audit"] = AuditEvent.objects.exclude(outcome="denied").count()
    return state


# (the system administrator keeps handling units: allowed, see the next test)
CASES = [(name, role) for name in sorted(CALLS) for role in ("leader", "member", "proposal_officer", "sysadmin", None)
         if not (role == "sysadmin" and name.startswith("handling_unit_save"))]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES)
def test_a_write_service_refuses_an_actor_without_the_permission(world, user_with_role, name, role):
    actor = user_with_role(role) if role else None
    before = _snapshot()
    with pytest.raises(services.MembersPermissionDenied) as refused:
        CALLS[name](world, actor)
    assert isinstance(refused.value, DomainError) and isinstance(refused.value, PermissionDenied)
    assert str(refused.value) == "您无权执行此操作。"
    assert _snapshot() == before


@pytest.mark.django_db
def test_the_system_administrator_keeps_handling_units_through_the_service(world, user_with_role):
    unit = CALLS["handling_unit_save"](world, user_with_role("sysadmin"))
    assert unit.name == "改名局"


@pytest.mark.django_db
def test_another_module_records_points_for_its_own_source_without_members_rights(world, user_with_role):
    """A proposal officer registering a proposal earns its proposers points: the proposals service checked
    the officer's right to register; the ledger records the event with the proposal as its source."""
    officer = user_with_role("proposal_officer")
    member, source = world["member"], world["visit"]  # any object of another module stands in for a proposal
    event = services.ledger_record_event(member=member, kind="proposal", subkind="lead", date=D, source=source,
                                         actor=officer)
    assert event.recorded_by == officer and event.kind == "proposal"
    # The same officer may not put staff points (or points without a source) into the ledger.
    for kwargs in ({"kind": "study", "subkind": "session", "source": source},
                   {"kind": "proposal", "subkind": "lead", "source": None}):
        with pytest.raises(services.MembersPermissionDenied):
            services.ledger_record_event(member=member, date=D, actor=officer, **kwargs)
    withdrawn = services.ledger_withdraw_events(source=source, actor=officer)
    assert withdrawn == 1
    audit = AuditEvent.objects.get(action="members.ledger_events_withdrawn")
    assert audit.actor == officer


def test_every_write_service_requires_an_actor():
    import inspect

    for name in ("member_create", "member_update", "visit_record", "visit_update", "ledger_record_event",
                 "ledger_record_single", "ledger_event_withdraw", "ledger_rule_update", "ledger_rule_create",
                 "meeting_create", "meeting_record_attendance", "activity_create", "activity_set_participants",
                 "shortlist_generate", "shortlist_add", "shortlist_exclude", "shortlist_finalize",
                 "shortlist_reopen", "handling_unit_save", "member_import_start"):
        parameter = inspect.signature(getattr(services, name)).parameters["actor"]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty, name
