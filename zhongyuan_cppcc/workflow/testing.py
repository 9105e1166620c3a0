"""Helpers for the generic workflow tests (tests/foundation/test_workflows.py runs the table checks for every
declared workflow; each app's test module runs the role × status matrix for its own workflow).

The matrix compares every (status, verb, user) with an expectation the app's test writes down by hand
(which kinds of user may attempt each verb), combined with the table:

    mismatches = matrix_mismatches(WORKFLOW, objects={status: obj_in_status, ...},
                                   users={"author": author, "officer": officer, "other_member": other, ...},
                                   expected={Verb.SUBMIT: {"author"}, Verb.ADOPT: {"officer"}, ...})
    assert not mismatches, "\\n".join(mismatches)
"""

from collections.abc import Callable, Collection, Mapping

from .engine import Workflow

Expected = Mapping[str, Collection[str]] | Callable[[str, str, str, object], bool]


def table_problems(workflow: Workflow) -> list[str]:
    """Structural problems of a declaration: unreachable statuses, moves out of terminal statuses, verbs
    without a registered permission."""
    import rules

    problems = []
    unreachable = set(workflow.Status.values) - workflow.reachable()
    if unreachable:
        problems.append(f"{workflow.key}: statuses unreachable from {workflow.initial}: {sorted(unreachable)}")
    for status in workflow.terminal:
        moves = workflow.moves(status)
        if moves:
            problems.append(f"{workflow.key}: terminal status {status} has moves {moves}")
    if workflow.actors is None:
        problems.append(f"{workflow.key}: actors not registered")
    for verb in workflow.Verb.values:
        if not rules.perm_exists(workflow.permission_name(verb)):
            problems.append(f"{workflow.key}: no permission {workflow.permission_name(verb)}")
    return problems


def matrix_mismatches(workflow: Workflow, *, objects: Mapping[str, object], users: Mapping[str, object],
                      expected: Expected, verbs: Collection[str] | None = None) -> list[str]:
    """Every (status, verb, user) whose permission differs from `expected` ∧ the table. Permissions are asked
    as the services ask them (rules only: a superuser flag grants nothing)."""
    mismatches = []
    for status, obj in objects.items():
        assert workflow.status_of(obj) == status, f"object for {status} is in {workflow.status_of(obj)}"
        for verb in verbs or workflow.Verb.values:
            for key, user in users.items():
                got = workflow.may(user, obj, verb)
                allowed = expected(verb, key, status, obj) if callable(expected) else key in expected.get(verb, ())
                want = workflow.can(status, verb) and allowed
                if got != want:
                    mismatches.append(f"{status} × {verb} × {key}: has_perm={got}, expected {want}")
    return mismatches
