"""Who may do what in consultations. Officers act within their street (scope.py); leaders read everything;
members see the sessions they took part in and public outcomes, and propose topics.

Workflow verbs are `consultations.<verb>_<session|topic|outcome>` (engine.register_actors); page permissions
take no object."""

import rules

from zhongyuan_cppcc.accounts.predicates import is_consultation_officer, is_leader, is_member, is_sysadmin

from . import scope
from .models import Outcome, Room, Session, SupervisionProject, Topic
from .workflow import (
    OUTCOME_WORKFLOW,
    SESSION_WORKFLOW,
    TOPIC_WORKFLOW,
    OutcomeVerb,
    SessionVerb,
    TopicVerb,
)


def _street_id_of(obj) -> int | None:
    if isinstance(obj, Outcome):
        return obj.session.street_id
    if isinstance(obj, Room | Session | Topic | SupervisionProject):
        return obj.street_id
    return None


@rules.predicate
def is_officer_in_scope(user, obj) -> bool:
    """A consultation officer whose street (if any) is the object's street."""
    if obj is None or not is_consultation_officer(user):
        return False
    street_id = scope.officer_street_id(user)
    return street_id is None or street_id == _street_id_of(obj)


@rules.predicate
def is_participant(user, obj) -> bool:
    """The user's member record takes part in the session (or the outcome's session)."""
    session = obj.session if isinstance(obj, Outcome) else obj
    if not isinstance(session, Session):
        return False
    member = scope.member_of(user)
    return member is not None and session.participations.filter(member=member).exists()


@rules.predicate
def is_public_outcome(user, obj) -> bool:
    return isinstance(obj, Outcome) and obj.is_public


is_any_officer_or_leader = is_consultation_officer | is_leader

# Pages
rules.add_perm("consultations.open_consultations", is_consultation_officer | is_leader | is_member)
rules.add_perm("consultations.view_rooms", is_any_officer_or_leader)
rules.add_perm("consultations.add_room", is_consultation_officer)
rules.add_perm("consultations.add_session", is_consultation_officer)
rules.add_perm("consultations.add_topic", is_consultation_officer)
rules.add_perm("consultations.propose_topic", is_member)
rules.add_perm("consultations.view_topics", is_any_officer_or_leader)
rules.add_perm("consultations.view_outcomes", is_consultation_officer | is_leader | is_member)
rules.add_perm("consultations.view_projects", is_any_officer_or_leader)
rules.add_perm("consultations.add_project", is_consultation_officer)

# Objects
rules.add_perm("consultations.view_room", is_leader | is_officer_in_scope)
rules.add_perm("consultations.change_room", is_officer_in_scope)
rules.add_perm("consultations.view_project", is_leader | is_officer_in_scope)
rules.add_perm("consultations.change_project", is_officer_in_scope)
rules.add_perm("consultations.view_topic", is_leader | is_officer_in_scope)
rules.add_perm("consultations.view_session", is_leader | is_officer_in_scope | (is_member & is_participant))
rules.add_perm("consultations.view_outcome",
               is_leader | is_officer_in_scope | (is_member & (is_participant | is_public_outcome)))

SESSION_WORKFLOW.register_actors({verb: is_officer_in_scope for verb in SessionVerb.values})
TOPIC_WORKFLOW.register_actors({verb: is_officer_in_scope for verb in TopicVerb.values})
OUTCOME_WORKFLOW.register_actors({verb: is_officer_in_scope for verb in OutcomeVerb.values})
rules.add_perm("consultations.export_consultations", is_any_officer_or_leader)
rules.add_perm("consultations.add_photo", is_officer_in_scope)

# Admin: the system administrator attaches consultation officers to their street (no business data).
for _verb in ("view", "add", "change", "delete"):
    rules.add_perm(f"consultations.{_verb}_officerstreet", is_sysadmin)
rules.add_perm("consultations", is_sysadmin)
