"""The workflow engine's declaration, permissions, checks and view helpers (on a throw-away workflow). The checks
for every workflow the apps declare are in test_workflows.py."""

from types import SimpleNamespace

import pytest
import rules
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models

from zhongyuan_cppcc.workflow.engine import Workflow, loops
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


def test_an_app_raises_its_own_error_classes(flow):
    class ThingNotNow(InvalidTransition):
        default_message = "no %(verb)s while %(status)s"

    class ThingDenied(ActionNotAllowed):
        pass

    workflow = declare(invalid_transition=ThingNotNow, not_allowed=ThingDenied)
    workflow.register_actors({Verb.EDIT: is_writer, Verb.SEND: is_writer, Verb.FINISH: is_boss})
    with pytest.raises(ThingNotNow, match="no Send while Done"):
        check(workflow, SimpleNamespace(status=Status.DONE), Verb.SEND, User(kind="writer"))
    with pytest.raises(ThingDenied):
        check(workflow, SimpleNamespace(status=Status.DRAFT), Verb.SEND, User(kind="boss"))


def test_action_rows_build_their_forms_from_the_object(flow):
    from django import forms

    from zhongyuan_cppcc.workflow.views import Action, available_actions

    class SendForm(forms.Form):
        to = forms.CharField()

        def __init__(self, *args, thing, **kwargs):
            self.thing = thing
            super().__init__(*args, **kwargs)

    thing = SimpleNamespace(pk=7, status=Status.DRAFT, name="张三")
    send = Action(Verb.SEND, "Send", "unused", SendForm, initial=lambda obj: {"to": obj.name},
                  form_kwargs=lambda obj: {"thing": obj}, hidden={"value": "1"})
    form = send.build_form(thing, auto_id="id_send_%s")
    assert form.initial == {"to": "张三"} and form.thing is thing and not form.is_bound
    assert send.key == Verb.SEND and Action(Verb.EDIT, "Edit", "unused", slot="edit-2").key == "edit-2"
    assert Action(Verb.EDIT, "Edit", "unused").build_form(thing) is None
    table = [send, Action(Verb.EDIT, "Edit", "unused", when=lambda user, obj: obj.name != "张三"),
             Action(Verb.FINISH, "Finish", "unused")]
    assert available_actions(flow, User(kind="writer"), thing, table) == [send]
