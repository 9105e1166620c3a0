"""Django's changepassword, audited: a password set from the server's shell is recorded like any other
(who ran it on the server, for which account), and the account must still choose its own at next login."""

import getpass

from django.contrib.auth.management.commands import changepassword

from zhongyuan_cppcc.accounts.models import User
from zhongyuan_cppcc.audit.services import audit_record


class Command(changepassword.Command):
    def handle(self, *args, **options):
        result = super().handle(*args, **options)
        username = options["username"] or getpass.getuser()
        user = User.objects.using(options["database"]).get(username=username)
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        try:
            operator = getpass.getuser()
        except (KeyError, OSError):
            operator = ""
        audit_record(action="auth.password_set_by_operator", obj=user, actor_username=f"shell:{operator}"[:150],
                     details={"command": "changepassword", "must_change_password": True})
        return result
