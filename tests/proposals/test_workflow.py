"""The transition table against DESIGN.md §3, written out independently here: every allowed move and
every refused one, at the table. The generic soundness checks (reachability, terminal statuses, a permission
per verb) run for every declared workflow in tests/foundation/test_workflows.py; here they run once more on the
proposals declaration with the statuses named."""

import pytest

from proposals.workflow import TERMINAL_STATUSES, TRANSITIONS, WORKFLOW, Status, Verb
from zhongyuan_cppcc.workflow.testing import table_problems

S, V = Status, Verb
REGISTERED_ON = [S.REGISTERED, S.ASSIGNED, S.REPLY_REVIEW, S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW, S.CLOSED]

# (from, verb) -> to, typed from the diagram; self-loops are verbs that keep the status.
EXPECTED = {
    (S.DRAFT, V.UPDATE_DRAFT): S.DRAFT,
    (S.DRAFT, V.INVITE_COSIGNER): S.DRAFT,
    (S.DRAFT, V.WITHDRAW_INVITATION): S.DRAFT,
    (S.DRAFT, V.ACCEPT_INVITATION): S.DRAFT,
    (S.DRAFT, V.DECLINE_INVITATION): S.DRAFT,
    (S.DRAFT, V.ADD_ATTACHMENT): S.DRAFT,
    (S.DRAFT, V.REMOVE_ATTACHMENT): S.DRAFT,
    (S.DRAFT, V.SUBMIT): S.SUBMITTED,
    (S.DRAFT, V.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, V.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, V.REGISTER): S.REGISTERED,
    (S.SUBMITTED, V.RETURN): S.DRAFT,
    (S.SUBMITTED, V.REJECT): S.NOT_REGISTERED,
    (S.NOT_REGISTERED, V.CONVERT_TO_OPINION): S.NOT_REGISTERED,
    (S.SUBMITTED, V.MERGE): S.MERGED,
    (S.REGISTERED, V.MERGE): S.MERGED,
    (S.REGISTERED, V.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, V.ACCEPT_ASSIGNMENT): S.ASSIGNED,
    (S.ASSIGNED, V.OBJECT_ASSIGNMENT): S.ASSIGNED,
    (S.ASSIGNED, V.REASSIGN): S.ASSIGNED,
    (S.ASSIGNED, V.EXTEND): S.ASSIGNED,
    (S.ASSIGNED, V.RECORD_CONTACT): S.ASSIGNED,
    (S.REHANDLING, V.RECORD_CONTACT): S.REHANDLING,
    (S.ASSIGNED, V.SAVE_REPLY): S.ASSIGNED,
    (S.REHANDLING, V.SAVE_REPLY): S.REHANDLING,
    (S.ASSIGNED, V.SUBMIT_REPLY): S.REPLY_REVIEW,
    (S.REHANDLING, V.SUBMIT_REPLY): S.REHANDLING_REVIEW,
    (S.REPLY_REVIEW, V.APPROVE_REPLY): S.REPLIED,
    (S.REHANDLING_REVIEW, V.APPROVE_REPLY): S.REPLIED,
    (S.REPLY_REVIEW, V.RETURN_REPLY): S.ASSIGNED,
    (S.REHANDLING_REVIEW, V.RETURN_REPLY): S.REHANDLING,
    (S.REPLIED, V.RATE): S.REPLIED,
    (S.REPLIED, V.REHANDLE): S.REHANDLING,
    (S.REPLIED, V.CLOSE): S.CLOSED,
    **{(s, V.SUBMIT_CO_OPINION): s for s in [S.ASSIGNED, S.REPLY_REVIEW, S.REHANDLING, S.REHANDLING_REVIEW]},
    **{(s, V.SET_KEY): s for s in [S.REGISTERED, S.ASSIGNED, S.REPLY_REVIEW, S.REPLIED, S.REHANDLING,
                                   S.REHANDLING_REVIEW]},
    **{(s, V.RATE_QUALITY): s for s in [S.ASSIGNED, S.REPLY_REVIEW, S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW,
                                        S.CLOSED]},
    **{(s, v): s for s in REGISTERED_ON for v in (V.MARK_EXCELLENT, V.UNMARK_EXCELLENT, V.WITHHOLD, V.UNWITHHOLD)},
    **{(s, V.RECORD_FOLLOWUP): s for s in [S.REPLIED, S.REHANDLING, S.REHANDLING_REVIEW, S.CLOSED]},
    **{(s, V.URGE): s for s in [S.ASSIGNED, S.REPLY_REVIEW, S.REHANDLING, S.REHANDLING_REVIEW]},
}

ALL_MOVES = [(s.value, v.value) for s in Status for v in Verb]


def test_table_is_exactly_the_diagram():
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize(("status", "verb"), ALL_MOVES, ids=[f"{s}-{v}" for s, v in ALL_MOVES])
def test_every_move_allowed_or_refused(status, verb):
    expected = EXPECTED.get((status, verb))
    assert WORKFLOW.target(status, verb) == expected
    assert WORKFLOW.can(status, verb) is (expected is not None)


def test_terminal_statuses_allow_nothing_but_bookkeeping():
    # Withdrawn and merged proposals are finished; not-registered ones can only be converted.
    for status in (S.WITHDRAWN, S.MERGED):
        assert not [v for v in Verb if WORKFLOW.can(status, v)]
    assert [v for v in Verb if WORKFLOW.can(S.NOT_REGISTERED, v)] == [V.CONVERT_TO_OPINION]


def test_every_status_is_reachable_from_draft():
    assert WORKFLOW.initial == S.DRAFT
    assert WORKFLOW.reachable() == set(Status.values)


def test_declaration_is_sound():
    assert WORKFLOW.terminal == TERMINAL_STATUSES == {S.WITHDRAWN, S.NOT_REGISTERED, S.MERGED, S.CLOSED}
    assert table_problems(WORKFLOW) == []
    assert WORKFLOW.transitions == TRANSITIONS


def test_helpers():
    assert WORKFLOW.statuses_allowing(V.APPROVE_REPLY) == {S.REPLY_REVIEW, S.REHANDLING_REVIEW}
    assert WORKFLOW.permission_name(V.REGISTER) == "proposals.register_proposal"
