import rules

from zhongyuan_cppcc.accounts.predicates import is_correspondent, is_member

rules.add_perm("opinions.view_own_reports", is_member | is_correspondent)
