"""Opinion-report statuses, verbs and the one transition table (DESIGN.md §5).

draft → submitted → screening → adopted (录用) | kept (留存, not used; the author sees the reason) | returned
(退回修改: the author edits and submits again). Verbs that leave the status unchanged — editing a draft,
the information officer's editing of the adopted text (核稿), sign-off (签发), outcomes and instructions —
are self-loops, so the table alone answers "may this happen now?".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.workflow.engine import Workflow, loops


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Being screened")
    ADOPTED = "adopted", _("Adopted")
    KEPT = "kept", _("Kept on file")
    RETURNED = "returned", _("Returned for revision")


class Verb(models.TextChoices):
    """Each verb has a service in services.py and a permission `opinions.<verb>_report`."""

    UPDATE_DRAFT = "update_draft", _("Edit draft")
    ADD_ATTACHMENT = "add_attachment", _("Add attachment")
    REMOVE_ATTACHMENT = "remove_attachment", _("Remove attachment")
    SUBMIT = "submit", _("Submit")
    START_SCREENING = "start_screening", _("Start screening")
    ADOPT = "adopt", _("Adopt")
    KEEP = "keep", _("Keep on file")
    RETURN = "return", _("Return for revision")
    EDIT_ADOPTED = "edit_adopted", _("Edit the adopted text")
    SIGN_OFF = "sign_off", _("Record sign-off")
    RECORD_OUTCOME = "record_outcome", _("Record an outcome")
    WITHDRAW_OUTCOME = "withdraw_outcome", _("Withdraw an outcome")


S, V = Status, Verb

# The author may still change the text.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.RETURNED})
# Sent to the office (counted as "collected" in the year it was first submitted).
COLLECTED_STATUSES = frozenset({S.SUBMITTED, S.SCREENING, S.ADOPTED, S.KEPT, S.RETURNED})

TRANSITIONS: dict[tuple[str, str], str] = {
    **loops(V.UPDATE_DRAFT, EDITABLE_STATUSES),
    **loops(V.ADD_ATTACHMENT, EDITABLE_STATUSES),
    **loops(V.REMOVE_ATTACHMENT, EDITABLE_STATUSES),
    (S.DRAFT, V.SUBMIT): S.SUBMITTED,
    (S.RETURNED, V.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, V.START_SCREENING): S.SCREENING,
    (S.SUBMITTED, V.ADOPT): S.ADOPTED,
    (S.SCREENING, V.ADOPT): S.ADOPTED,
    (S.SUBMITTED, V.KEEP): S.KEPT,
    (S.SCREENING, V.KEEP): S.KEPT,
    (S.SUBMITTED, V.RETURN): S.RETURNED,
    (S.SCREENING, V.RETURN): S.RETURNED,
    **loops(V.EDIT_ADOPTED, [S.ADOPTED]),
    **loops(V.SIGN_OFF, [S.ADOPTED]),
    **loops(V.RECORD_OUTCOME, [S.ADOPTED]),
    **loops(V.WITHDRAW_OUTCOME, [S.ADOPTED]),
}

WORKFLOW = Workflow(app_label="opinions", model_name="report", status=Status, verb=Verb, transitions=TRANSITIONS,
                    initial=S.DRAFT, terminal={S.ADOPTED, S.KEPT},
                    history=("opinions.ReportStatusChange", "report"))
