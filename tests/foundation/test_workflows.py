"""Generic checks for EVERY declared workflow (an app gets them by declaring `WORKFLOW = Workflow(...)` and
registering its actors): statuses reachable from the initial one, no status move out of a terminal status, a
registered permission per verb, a status-change model that concretises AbstractStatusChange, the start-up check
clean, and the engine's services refusing every move the table refuses."""

from types import SimpleNamespace

import pytest
from django.core import checks

from zhongyuan_cppcc.workflow.engine import workflows
from zhongyuan_cppcc.workflow.errors import InvalidTransition
from zhongyuan_cppcc.workflow.models import AbstractStatusChange
from zhongyuan_cppcc.workflow.services import check
from zhongyuan_cppcc.workflow.testing import table_problems

WORKFLOWS = workflows()


def test_the_apps_declare_their_workflows():
    assert "proposals.proposal" in {workflow.key for workflow in WORKFLOWS}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[workflow.key for workflow in WORKFLOWS])
def test_table_is_sound(workflow):
    assert table_problems(workflow) == []


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[workflow.key for workflow in WORKFLOWS])
def test_history_model_concretises_the_abstract_status_change(workflow):
    if workflow.history:
        model = workflow.history_model
        assert issubclass(model, AbstractStatusChange) and not model._meta.abstract
        assert model._meta.get_field(workflow.history_fk).is_relation


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[workflow.key for workflow in WORKFLOWS])
def test_every_refused_move_is_refused_by_the_service_check(workflow):
    """The engine's check() refuses (with the app's error class) every (status, verb) the table refuses,
    whoever asks — before any permission is looked at."""
    assert issubclass(workflow.invalid_transition, InvalidTransition)
    for status in workflow.Status.values:
        obj = SimpleNamespace(**{workflow.status_field: status})
        for verb in workflow.Verb.values:
            if workflow.can(status, verb):
                continue
            with pytest.raises(workflow.invalid_transition):
                check(workflow, obj, verb, None)


def test_start_up_check_is_clean():
    assert [e.id for e in checks.run_checks() if e.id.startswith("workflow.")] == []
