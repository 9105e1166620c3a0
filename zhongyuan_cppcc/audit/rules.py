import rules

from zhongyuan_cppcc.accounts.predicates import is_auditor

# Only the audit administrator reads the audit log; nobody edits it.
rules.add_perm("audit.view_auditevent", is_auditor)
