"""Who may do what with opinion reports: role and relation predicates; the workflow table adds the status.

Object permissions `opinions.<verb>_report` come from WORKFLOW.register_actors; page permissions take no
object. Correspondents and members see their own and co-authored reports, the information officer sees
and handles all, leaders read all, everyone else nothing (404).
"""

import rules

from zhongyuan_cppcc.accounts.predicates import is_correspondent, is_leader, is_member, is_opinion_officer

from .models import OpinionReport
from .workflow import WORKFLOW, Verb


@rules.predicate
def is_author(user, report) -> bool:
    return isinstance(report, OpinionReport) and user.is_authenticated and report.author_id == user.pk


@rules.predicate
def is_co_author(user, report) -> bool:
    return (isinstance(report, OpinionReport) and user.is_authenticated
            and report.co_authors.filter(user_id=user.pk).exists())


is_writer = is_member | is_correspondent
is_reader = is_opinion_officer | is_leader

WORKFLOW.register_actors({
    Verb.UPDATE_DRAFT: is_author,
    Verb.ADD_ATTACHMENT: is_author,
    Verb.REMOVE_ATTACHMENT: is_author,
    Verb.SUBMIT: is_author,
    Verb.START_SCREENING: is_opinion_officer,
    Verb.ADOPT: is_opinion_officer,
    Verb.KEEP: is_opinion_officer,
    Verb.RETURN: is_opinion_officer,
    Verb.EDIT_ADOPTED: is_opinion_officer,
    Verb.SIGN_OFF: is_opinion_officer,
    Verb.RECORD_OUTCOME: is_opinion_officer,
    Verb.WITHDRAW_OUTCOME: is_opinion_officer,
})

# Pages.
rules.add_perm("opinions.view_own_reports", is_writer)
rules.add_perm("opinions.add_report", is_writer)
rules.add_perm("opinions.list_all_reports", is_reader)
rules.add_perm("opinions.handle_reports", is_opinion_officer)
rules.add_perm("opinions.view_bulletins", is_reader)
rules.add_perm("opinions.manage_bulletins", is_opinion_officer)
rules.add_perm("opinions.view_statistics", is_reader)
rules.add_perm("opinions.view_nav", is_writer | is_reader)
# Objects.
rules.add_perm("opinions.view_report", is_reader | is_author | is_co_author)
