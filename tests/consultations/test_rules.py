"""Role × status matrices of the three workflows (generated from the declarations), and the view rules."""

from datetime import date

from consultations import services
from consultations.models import Attendance, Outcome, Session, Topic, TopicSource
from consultations.workflow import (
    OUTCOME_WORKFLOW,
    SESSION_WORKFLOW,
    TOPIC_WORKFLOW,
    OutcomeStatus,
    OutcomeVerb,
    SessionStatus,
    TopicStatus,
)
from zhongyuan_cppcc.workflow.testing import matrix_mismatches

from .conftest import make_session

IN_SCOPE = {"district_officer", "officer_a"}


def users(world) -> dict:
    return {"district_officer": world.district_officer, "officer_a": world.officer_a, "officer_b": world.officer_b,
            "leader": world.leader, "member": world.member.user, "outsider": world.outsider}


def sessions_in_every_status(world) -> dict:
    actor = world.officer_a
    planned = make_session(actor, street=world.street_a)
    held = make_session(actor, street=world.street_a)
    services.session_hold(actor=actor, session=held)
    recorded = make_session(actor, street=world.street_a)
    services.session_hold(actor=actor, session=recorded)
    services.session_record(actor=actor, session=recorded, note="无")
    closed = make_session(actor, street=world.street_a)
    services.session_hold(actor=actor, session=closed)
    services.session_record(actor=actor, session=closed, note="无")
    services.session_close(actor=actor, session=closed)
    return {s: Session.objects.get(pk=o.pk) for s, o in [(SessionStatus.PLANNED, planned),
                                                         (SessionStatus.HELD, held),
                                                         (SessionStatus.RECORDED, recorded),
                                                         (SessionStatus.CLOSED, closed)]}


def test_session_matrix(world):
    objects = sessions_in_every_status(world)
    expected = {verb: IN_SCOPE for verb in SESSION_WORKFLOW.Verb.values}
    assert not matrix_mismatches(SESSION_WORKFLOW, objects=objects, users=users(world), expected=expected)


def test_topic_matrix(world):
    actor = world.officer_a

    def topic():
        return services.topic_propose(actor=actor, title="议题", street=world.street_a, source=TopicSource.STREET)
    proposed, accepted, declined, scheduled = topic(), topic(), topic(), topic()
    for t in (accepted, scheduled):
        services.topic_accept(actor=actor, topic=t)
    services.topic_decline(actor=actor, topic=declined, reason="重复")
    services.topic_schedule(actor=actor, topic=scheduled, session=make_session(actor, street=world.street_a))
    objects = {TopicStatus.PROPOSED: proposed, TopicStatus.ACCEPTED: Topic.objects.get(pk=accepted.pk),
               TopicStatus.DECLINED: Topic.objects.get(pk=declined.pk),
               TopicStatus.SCHEDULED: Topic.objects.get(pk=scheduled.pk)}
    expected = {verb: IN_SCOPE for verb in TOPIC_WORKFLOW.Verb.values}
    assert not matrix_mismatches(TOPIC_WORKFLOW, objects=objects, users=users(world), expected=expected)


def test_outcome_matrix(world):
    actor = world.officer_a
    session = make_session(actor, street=world.street_a)
    services.session_hold(actor=actor, session=session)
    made = {}
    for status, verbs in [(OutcomeStatus.OPEN, []), (OutcomeStatus.IMPLEMENTING, [OutcomeVerb.START]),
                          (OutcomeStatus.IMPLEMENTED, [OutcomeVerb.IMPLEMENT]),
                          (OutcomeStatus.KEPT, [OutcomeVerb.KEEP])]:
        outcome = services.outcome_add(actor=actor, session=session, text=f"建议{status}")
        for verb in verbs:
            services.outcome_move(actor=actor, outcome=outcome, verb=verb)
        made[status] = Outcome.objects.get(pk=outcome.pk)
    expected = {verb: IN_SCOPE for verb in OUTCOME_WORKFLOW.Verb.values}
    assert not matrix_mismatches(OUTCOME_WORKFLOW, objects=made, users=users(world), expected=expected)


def test_who_sees_a_session_and_its_outcomes(world):
    session = make_session(world.officer_a, street=world.street_a)
    services.session_set_participants(actor=world.officer_a, session=session,
                                      attendance={world.member.pk: Attendance.ATTENDED})
    services.session_hold(actor=world.officer_a, session=session, today=date(2025, 6, 16))
    public = services.outcome_add(actor=world.officer_a, session=session, text="公开建议")
    private = services.outcome_add(actor=world.officer_a, session=session, text="内部建议", is_public=False)
    session = Session.objects.get(pk=session.pk)
    u = users(world)
    sees = {key for key, user in u.items() if user.has_perm("consultations.view_session", session)}
    assert sees == {"district_officer", "officer_a", "leader", "member"}
    assert {k for k, user in u.items() if user.has_perm("consultations.view_outcome", private)} == \
        {"district_officer", "officer_a", "leader", "member"}
    assert {k for k, user in u.items() if user.has_perm("consultations.view_outcome", public)} == \
        {"district_officer", "officer_a", "leader", "member", "outsider"}
