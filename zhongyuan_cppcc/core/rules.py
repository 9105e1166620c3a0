import rules

from zhongyuan_cppcc.accounts.predicates import is_sysadmin

for _verb in ("view", "add", "change", "delete"):
    rules.add_perm(f"core.{_verb}_systemparameter", is_sysadmin)
rules.add_perm("core.view_heartbeat", is_sysadmin)

from zhongyuan_cppcc.accounts.predicates import is_secadmin  # noqa: E402

rules.add_perm("core.view_administration", is_sysadmin | is_secadmin)
rules.add_perm("core", is_sysadmin)
