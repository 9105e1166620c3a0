"""Who may administer accounts (三员分立)."""

import rules

from .predicates import is_auditor, is_secadmin, is_sysadmin

# System administrator: users and configuration. Security administrator: roles, lockouts.
rules.add_perm("accounts.view_user", is_sysadmin | is_secadmin)
rules.add_perm("accounts.add_user", is_sysadmin)
rules.add_perm("accounts.change_user", is_sysadmin | is_secadmin)
rules.add_perm("accounts.assign_roles", is_secadmin)
# Nobody sets another person's password: the security administrator starts resets (the account
# chooses its own new password); a reset of an administrator account needs a second administrator.
rules.add_perm("accounts.reset_password", is_secadmin)
rules.add_perm("accounts.reset_second_factor", is_secadmin)
rules.add_perm("accounts.approve_password_reset", is_sysadmin | is_secadmin)
rules.add_perm("accounts.view_passwordresetrequest", is_sysadmin | is_secadmin)
rules.add_perm("accounts.change_passwordresetrequest", is_sysadmin | is_secadmin)
rules.add_perm("auth.view_group", is_secadmin | is_sysadmin)
rules.add_perm("axes.view_accessattempt", is_secadmin)
rules.add_perm("axes.delete_accessattempt", is_secadmin)
rules.add_perm("axes.view_accesslog", is_secadmin | is_auditor)
rules.add_perm("accounts.view_own_profile", rules.is_authenticated)

# Module permissions decide which apps the admin index lists (rules checks the bare app label).
rules.add_perm("accounts", is_sysadmin | is_secadmin)
rules.add_perm("auth", is_sysadmin | is_secadmin)
rules.add_perm("axes", is_secadmin)
