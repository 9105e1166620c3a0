"""Sessions, topics and outcomes through the services: the workflow, the street scope, the ledger."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from consultations import services
from consultations.models import Attendance, Outcome, Room, SessionKind, SupervisionProject, Topic, TopicSource
from consultations.workflow import OutcomeStatus, OutcomeVerb, SessionStatus, TopicStatus
from members.models import LedgerEvent
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.workflow.errors import ActionNotAllowed, InvalidTransition, NotReady

from .conftest import make_session


def live_events(member, **filters):
    return LedgerEvent.objects.filter(member=member, withdrawn_at__isnull=True, **filters)


def test_session_lifecycle_with_history_and_audit(world):
    session = make_session(world.officer_a, street=world.street_a)
    assert session.status == SessionStatus.PLANNED
    services.session_hold(actor=world.officer_a, session=session, residents_count=23, minutes="议定三条")
    outcome = services.outcome_add(actor=world.officer_a, session=session, text="加装电梯", responsible="社区居委会",
                                   due_on=date(2025, 9, 1))
    services.session_record(actor=world.officer_a, session=session)
    session = services.session_close(actor=world.officer_a, session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and session.residents_count == 23
    assert [c.verb for c in session.status_changes.all()] == ["create", "hold", "add_outcome", "record", "close"]
    assert AuditEvent.objects.filter(action="consultations.close", object_id=str(session.pk)).exists()
    assert outcome.status == OutcomeStatus.OPEN
    with pytest.raises(InvalidTransition):
        services.session_close(actor=world.officer_a, session=session)


def test_a_session_cannot_be_held_before_its_date(world):
    session = make_session(world.officer_a, street=world.street_a, date_=date(2025, 7, 1))
    with pytest.raises(NotReady):
        services.session_hold(actor=world.officer_a, session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_recording_needs_an_outcome_or_a_note(world):
    session = make_session(world.officer_a, street=world.street_a)
    services.session_hold(actor=world.officer_a, session=session)
    with pytest.raises(NotReady):
        services.session_record(actor=world.officer_a, session=session)
    services.session_record(actor=world.officer_a, session=session, note="议题已当场解决")


def test_street_officer_cannot_plan_or_touch_another_streets_session(world):
    with pytest.raises(ActionNotAllowed):
        make_session(world.officer_a, street=world.street_b)
    session_b = make_session(world.officer_b, street=world.street_b)
    with pytest.raises(ActionNotAllowed):
        services.session_hold(actor=world.officer_a, session=session_b)
    with pytest.raises(ActionNotAllowed):
        services.session_hold(actor=world.leader, session=session_b)
    services.session_hold(actor=world.district_officer, session=session_b)


def test_session_needs_a_room_or_venue_and_a_matching_room(world):
    with pytest.raises(ValidationError):
        make_session(world.officer_a, street=world.street_a, venue="")
    room_b = services.room_save(actor=world.officer_b, name="乙街道协商议事室", level="street", street=world.street_b)
    with pytest.raises(ValidationError):
        make_session(world.officer_a, street=world.street_a, room=room_b, venue="")


def test_supervision_visit_names_a_project_and_takes_its_street(world):
    project = services.project_save(actor=world.officer_a, name="老旧小区改造", street=world.street_a,
                                    owner_unit="区住建局")
    with pytest.raises(ValidationError):
        make_session(world.district_officer, street=None, kind=SessionKind.SUPERVISION)
    visit = make_session(world.district_officer, street=None, kind=SessionKind.SUPERVISION, project=project)
    assert visit.street_id == world.street_a.pk
    with pytest.raises(ActionNotAllowed):
        services.project_save(actor=world.officer_b, project=project, name="x", street=world.street_b)
    assert SupervisionProject.objects.get().name == "老旧小区改造"


def test_attendance_feeds_the_ledger_once_and_withdrawal_withdraws(world):
    session = make_session(world.officer_a, street=world.street_a)
    services.session_set_participants(actor=world.officer_a, session=session,
                                      attendance={world.member.pk: Attendance.INVITED,
                                                  world.other_member.pk: Attendance.EXCUSED})
    assert not live_events(world.member).exists()  # planned: nothing counts yet
    services.session_hold(actor=world.officer_a, session=session)
    assert live_events(world.member, kind="consultation", subkind="session").count() == 1
    assert not live_events(world.other_member).exists()
    # Recording the same attendance again creates nothing more.
    services.session_set_participants(actor=world.officer_a, session=session,
                                      attendance={world.member.pk: Attendance.ATTENDED,
                                                  world.other_member.pk: Attendance.EXCUSED})
    assert live_events(world.member).count() == 1
    # Marked absent: withdrawn; attended again: one live event again.
    services.session_set_participants(actor=world.officer_a, session=session,
                                      attendance={world.member.pk: Attendance.ABSENT})
    assert not live_events(world.member).exists()
    assert LedgerEvent.objects.filter(member=world.member, withdrawn_at__isnull=False).count() == 1
    assert not session.participations.filter(member=world.other_member).exists()
    services.session_set_participants(actor=world.officer_a, session=session,
                                      attendance={world.member.pk: Attendance.ATTENDED})
    assert live_events(world.member).count() == 1
    # Removing the participant withdraws the event.
    services.session_set_participants(actor=world.officer_a, session=session, attendance={})
    assert not live_events(world.member).exists()


def test_supervision_attendance_is_a_supervision_event(world):
    project = services.project_save(actor=world.officer_a, name="背街小巷整治", street=world.street_a)
    visit = make_session(world.officer_a, street=world.street_a, kind=SessionKind.SUPERVISION, project=project)
    services.session_set_participants(actor=world.officer_a, session=visit,
                                      attendance={world.member.pk: Attendance.INVITED})
    services.session_hold(actor=world.officer_a, session=visit)
    assert live_events(world.member, kind="supervision", subkind="visit").count() == 1


def test_changing_the_date_of_a_held_session_moves_the_ledger_event(world):
    session = make_session(world.officer_a, street=world.street_a)
    services.session_set_participants(actor=world.officer_a, session=session,
                                      attendance={world.member.pk: Attendance.ATTENDED})
    services.session_hold(actor=world.officer_a, session=session)
    services.session_edit(actor=world.officer_a, session=session, date=date(2025, 6, 12))
    assert list(live_events(world.member).values_list("date", flat=True)) == [date(2025, 6, 12)]
    with pytest.raises(ValidationError):
        services.session_edit(actor=world.officer_a, session=session, kind=SessionKind.THEMATIC)


def test_topic_flow_and_member_topic_ledger(world):
    topic = services.topic_propose(actor=world.member.user, title="楼道杂物堆积处理", street=world.street_a,
                                   source=TopicSource.RESIDENT, proposer_name="伪造")
    assert topic.source == TopicSource.MEMBER and topic.member == world.member and topic.proposer_name == ""
    services.topic_accept(actor=world.officer_a, topic=topic)
    assert live_events(world.member, kind="consultation", subkind="topic").count() == 1
    session = make_session(world.officer_a, street=world.street_a)
    services.topic_schedule(actor=world.officer_a, topic=topic, session=session)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SCHEDULED and topic.session == session
    other = services.topic_propose(actor=world.officer_a, title="电动充电桩管理", street=world.street_a,
                                   source=TopicSource.RESIDENT, proposer_name="王女士",
                                   proposer_contact="13812345678")
    with pytest.raises(ValidationError):
        services.topic_decline(actor=world.officer_a, topic=other, reason="  ")
    services.topic_decline(actor=world.officer_a, topic=other, reason="不属于协商范围")
    assert Topic.objects.get(pk=other.pk).status == TopicStatus.DECLINED
    with pytest.raises(ActionNotAllowed):
        services.topic_propose(actor=world.officer_b, title="x", street=world.street_a, source=TopicSource.STREET)
    with pytest.raises(ActionNotAllowed):
        services.topic_propose(actor=world.leader, title="x", street=world.street_a)


def test_scheduling_into_another_streets_session_is_refused(world):
    topic = services.topic_propose(actor=world.district_officer, title="议题", street=world.street_a,
                                   source=TopicSource.STREET)
    services.topic_accept(actor=world.district_officer, topic=topic)
    session_b = make_session(world.officer_b, street=world.street_b)
    with pytest.raises(services.ConsultationError):
        services.topic_schedule(actor=world.district_officer, topic=topic, session=session_b)
    assert Topic.objects.get(pk=topic.pk).session is None


def test_outcome_follow_up_and_status(world):
    session = make_session(world.officer_a, street=world.street_a)
    services.session_hold(actor=world.officer_a, session=session)
    outcome = services.outcome_add(actor=world.officer_a, session=session, text="增设消防通道标识")
    services.outcome_note(actor=world.officer_a, outcome=outcome, date=date(2025, 6, 20), text="已联系物业")
    services.outcome_move(actor=world.officer_a, outcome=outcome, verb=OutcomeVerb.START)
    services.outcome_move(actor=world.officer_a, outcome=outcome, verb=OutcomeVerb.IMPLEMENT, note="已完成")
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.IMPLEMENTED
    assert outcome.follow_ups.get().text == "已联系物业"
    with pytest.raises(InvalidTransition):
        services.outcome_move(actor=world.officer_a, outcome=outcome, verb=OutcomeVerb.KEEP)
    with pytest.raises(ActionNotAllowed):
        services.outcome_note(actor=world.officer_b, outcome=outcome, date=date(2025, 6, 21), text="x")


def test_outcomes_only_on_a_held_session(world):
    session = make_session(world.officer_a, street=world.street_a)
    with pytest.raises(InvalidTransition):
        services.outcome_add(actor=world.officer_a, session=session, text="建议")
    assert not Outcome.objects.exists()


def test_room_validation_and_scope(world):
    with pytest.raises(ValidationError):
        services.room_save(actor=world.officer_a, name="", level="street", street=world.street_a)
    with pytest.raises(ActionNotAllowed):
        services.room_save(actor=world.officer_a, name="乙室", level="street", street=world.street_b)
    with pytest.raises(ValidationError):
        services.room_save(actor=world.district_officer, name="无街道", level="street", street=None)
    with pytest.raises(ValidationError):
        services.room_save(actor=world.officer_a, name="甲室", level="street", street=world.street_a,
                           opened_on=date(2023, 5, 1), renovated_on=date(2022, 1, 1))
    room = services.room_save(actor=world.officer_a, name="甲室", level="street", street=world.street_a,
                              has_site=True, has_sign=True)
    assert room.checklist_done == 2 and Room.objects.count() == 1
