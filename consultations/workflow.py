"""Statuses, verbs and the transition tables of sessions, topics and outcomes (nothing else)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.workflow.engine import Workflow, loops


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    RECORDED = "recorded", _("Outcomes recorded")
    CLOSED = "closed", _("Closed")


class SessionVerb(models.TextChoices):
    EDIT = "edit", _("Edit")
    ATTENDANCE = "attendance", _("Record participants")
    HOLD = "hold", _("Mark as held")
    ADD_OUTCOME = "add_outcome", _("Add an outcome")
    RECORD = "record", _("Finish recording outcomes")
    CLOSE = "close", _("Close")


S = SessionStatus
SESSION_TRANSITIONS = {
    **loops(SessionVerb.EDIT, [S.PLANNED, S.HELD, S.RECORDED]),
    **loops(SessionVerb.ATTENDANCE, [S.PLANNED, S.HELD, S.RECORDED]),
    **loops(SessionVerb.ADD_OUTCOME, [S.HELD, S.RECORDED]),
    (S.PLANNED, SessionVerb.HOLD): S.HELD,
    (S.HELD, SessionVerb.RECORD): S.RECORDED,
    (S.RECORDED, SessionVerb.CLOSE): S.CLOSED,
}

SESSION_WORKFLOW = Workflow(app_label="consultations", model_name="session", status=SessionStatus,
                            verb=SessionVerb, transitions=SESSION_TRANSITIONS, terminal={S.CLOSED},
                            history=("consultations.SessionStatusChange", "session"))


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SCHEDULED = "scheduled", _("Scheduled")


class TopicVerb(models.TextChoices):
    EDIT = "edit", _("Edit")
    ACCEPT = "accept", _("Accept")
    DECLINE = "decline", _("Decline")
    SCHEDULE = "schedule", _("Schedule into a session")


T = TopicStatus
TOPIC_TRANSITIONS = {
    **loops(TopicVerb.EDIT, [T.PROPOSED, T.ACCEPTED]),
    (T.PROPOSED, TopicVerb.ACCEPT): T.ACCEPTED,
    (T.PROPOSED, TopicVerb.DECLINE): T.DECLINED,
    (T.ACCEPTED, TopicVerb.SCHEDULE): T.SCHEDULED,
}

TOPIC_WORKFLOW = Workflow(app_label="consultations", model_name="topic", status=TopicStatus, verb=TopicVerb,
                          transitions=TOPIC_TRANSITIONS, terminal={T.DECLINED, T.SCHEDULED},
                          history=("consultations.TopicStatusChange", "topic"))


class OutcomeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IMPLEMENTING = "implementing", _("Being implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    KEPT = "kept", _("Kept for attention")


class OutcomeVerb(models.TextChoices):
    EDIT = "edit", _("Edit")
    NOTE = "note", _("Add a follow-up note")
    START = "start", _("Start implementing")
    IMPLEMENT = "implement", _("Mark as implemented")
    KEEP = "keep", _("Keep for attention")
    CONVERT = "convert", _("Convert into a draft")


O = OutcomeStatus  # noqa: E741
OUTCOME_TRANSITIONS = {
    **loops(OutcomeVerb.EDIT, [O.OPEN, O.IMPLEMENTING, O.KEPT]),
    **loops(OutcomeVerb.NOTE, O.values),
    **loops(OutcomeVerb.CONVERT, O.values),
    (O.OPEN, OutcomeVerb.START): O.IMPLEMENTING,
    (O.KEPT, OutcomeVerb.START): O.IMPLEMENTING,
    (O.OPEN, OutcomeVerb.IMPLEMENT): O.IMPLEMENTED,
    (O.IMPLEMENTING, OutcomeVerb.IMPLEMENT): O.IMPLEMENTED,
    (O.KEPT, OutcomeVerb.IMPLEMENT): O.IMPLEMENTED,
    (O.OPEN, OutcomeVerb.KEEP): O.KEPT,
    (O.IMPLEMENTING, OutcomeVerb.KEEP): O.KEPT,
}
OPEN_OUTCOME_STATUSES = (O.OPEN, O.IMPLEMENTING)

OUTCOME_WORKFLOW = Workflow(app_label="consultations", model_name="outcome", status=OutcomeStatus,
                            verb=OutcomeVerb, transitions=OUTCOME_TRANSITIONS, terminal={O.IMPLEMENTED},
                            history=("consultations.OutcomeStatusChange", "outcome"))
