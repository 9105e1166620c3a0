import rules

from zhongyuan_cppcc.accounts.predicates import is_leader, is_office_staff

rules.add_perm("dashboard.view", is_leader | is_office_staff)
