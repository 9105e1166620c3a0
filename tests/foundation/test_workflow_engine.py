"""The workflow engine's declaration, permissions, checks and view helpers (on a throw-away workflow), and the
table checks for every workflow the apps declare."""

from types import SimpleNamespace

import pytest
import rules
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models

from zhongyuan_cppcc.workflow.engine import Workflow, loops, workflows
from zhongyuan_cppcc.workflow.errors import ActionNotAllowed, DomainError, InvalidTransition
from zhongyuan_cppcc.workflow.services import check
from zhongyuan_cppcc.workflow.testing import matrix_mismatches, table_problems


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    DONE = "done", "Done"


class Verb(models.TextChoices):
    EDIT = "edit", "Edit"
    SEND = "send", "Send"
    FINISH = "finish", "Finish"


TABLE = {**loops(Verb.EDIT, [Status.DRAFT, Status.SENT]), (Status.DRAFT, Verb.SEND): Status.SENT,
         (Status.SENT, Verb.FINISH): Status.DONE}


def declare(**overrides) -> Workflow:
    kwargs = {"app_label": "enginetest", "model_name": "thing", "status": Status, "verb": Verb,
              "transitions": TABLE, "terminal": {Status.DONE}, "register": False}
    return Workflow(**{**kwargs, **overrides})


@rules.predicate
def is_writer(user, obj) -> bool:
    return getattr(user, "kind", "") == "writer"


@rules.predicate
def is_boss(user, obj) -> bool:
    return getattr(user, "kind", "") == "boss"


class User(SimpleNamespace):
    def has_perm(self, perm, obj=None):
        return rules.has_perm(perm, self, obj)


@pytest.fixture
def flow():
    workflow = declare()
    workflow.register_actors({Verb.EDIT: is_writer, Verb.SEND: is_writer, Verb.FINISH: is_boss})
    return workflow


def test_table_queries(flow):
    assert flow.target(Status.DRAFT, Verb.SEND) == Status.SENT
    assert flow.target(Status.DONE, Verb.SEND) is None
    assert flow.can(Status.SENT, Verb.EDIT) and not flow.can(Status.DONE, Verb.EDIT)
    assert flow.statuses_allowing(Verb.EDIT) == {Status.DRAFT, Status.SENT}
    assert flow.verbs_from(Status.DRAFT) == [Verb.EDIT, Verb.SEND]
    assert flow.moves(Status.DRAFT) == [Verb.SEND]
    assert flow.reachable() == {Status.DRAFT, Status.SENT, Status.DONE}
    assert flow.permission_name(Verb.SEND) == "enginetest.send_thing"
    assert table_problems(flow) == []


@pytest.mark.parametrize("table", [
    {**TABLE, ("nowhere", Verb.SEND): Status.SENT},
    {**TABLE, (Status.DRAFT, "fly"): Status.SENT},
    {k: v for k, v in TABLE.items() if k[1] != Verb.FINISH},
])
def test_a_broken_table_is_refused_at_declaration(table):
    with pytest.raises(ImproperlyConfigured):
        declare(transitions=table)


def test_every_verb_needs_exactly_one_actor():
    workflow = declare()
    with pytest.raises(ImproperlyConfigured, match="finish"):
        workflow.register_actors({Verb.EDIT: is_writer, Verb.SEND: is_writer})
    with pytest.raises(ImproperlyConfigured, match="fly"):
        workflow.register_actors({Verb.EDIT: is_writer, Verb.SEND: is_writer, Verb.FINISH: is_boss,
                                  "fly": is_boss})
    assert "enginetest: actors not registered" in " ".join(table_problems(workflow)) or workflow.actors is None


def test_permission_is_actor_and_status(flow):
    writer, boss = User(kind="writer"), User(kind="boss")
    draft, sent = SimpleNamespace(status=Status.DRAFT), SimpleNamespace(status=Status.SENT)
    assert writer.has_perm("enginetest.send_thing", draft)
    assert not writer.has_perm("enginetest.send_thing", sent)  # right actor, wrong status
    assert not boss.has_perm("enginetest.send_thing", draft)  # wrong actor
    assert boss.has_perm("enginetest.finish_thing", sent)
    assert flow.actor_may(writer, sent, Verb.SEND) and not flow.actor_may(boss, sent, Verb.SEND)
    assert not writer.has_perm("enginetest.send_thing", None)


def test_check_refuses_the_table_first_then_the_permission(flow):
    writer, boss = User(kind="writer"), User(kind="boss")
    with pytest.raises(InvalidTransition) as refused:
        check(flow, SimpleNamespace(status=Status.DONE), Verb.SEND, writer)
    assert "Send" in str(refused.value) and "Done" in str(refused.value)
    with pytest.raises(ActionNotAllowed) as denied:
        check(flow, SimpleNamespace(status=Status.DRAFT), Verb.SEND, boss)
    assert isinstance(denied.value, PermissionDenied) and isinstance(denied.value, DomainError)
    with pytest.raises(ActionNotAllowed):
        check(flow, SimpleNamespace(status=Status.DRAFT), Verb.SEND, None)
    check(flow, SimpleNamespace(status=Status.DRAFT), Verb.SEND, writer)


def test_domain_error_message_with_params():
    assert str(DomainError("%(n)d left", n=3)) == "3 left"
    assert str(DomainError("100%")) == "100%"


def test_matrix_helper_reports_every_difference(flow):
    users = {"writer": User(kind="writer"), "boss": User(kind="boss")}
    objects = {s: SimpleNamespace(status=s) for s in Status.values}
    right = {Verb.EDIT: {"writer"}, Verb.SEND: {"writer"}, Verb.FINISH: {"boss"}}
    assert matrix_mismatches(flow, objects=objects, users=users, expected=right) == []
    wrong = {**right, Verb.FINISH: {"writer"}}
    assert matrix_mismatches(flow, objects=objects, users=users, expected=wrong) == [
        "sent × finish × writer: has_perm=False, expected True", "sent × finish × boss: has_perm=True, expected False"]


def test_terminal_status_with_a_move_is_a_problem():
    workflow = declare(transitions={**TABLE, (Status.DONE, Verb.SEND): Status.SENT})
    workflow.register_actors({Verb.EDIT: is_writer, Verb.SEND: is_writer, Verb.FINISH: is_boss})
    assert any("terminal status done" in p for p in table_problems(workflow))


def test_declared_workflows_are_sound():
    """Every workflow an app declares: reachable statuses, no moves out of terminal ones, a permission per verb."""
    from django.core import checks

    problems = [p for workflow in workflows() for p in table_problems(workflow)]
    assert problems == []
    assert [e.id for e in checks.run_checks() if e.id.startswith("workflow.")] == []
