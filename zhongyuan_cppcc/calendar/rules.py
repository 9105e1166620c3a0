import rules

from zhongyuan_cppcc.accounts.predicates import is_sysadmin

for _model in ("specialday", "calendaryear"):
    for _verb in ("view", "add", "change", "delete"):
        rules.add_perm(f"workcalendar.{_verb}_{_model}", is_sysadmin)
rules.add_perm("workcalendar", is_sysadmin)
