"""Chinese for strings of Django and django-axes that their own zh_Hans catalogues lack (issue 15).

Nothing imports this module: it only lists the msgids so that `scripts/messages.py update` keeps their
translations in locale/ (LOCALE_PATHS wins over the packages' catalogues).
"""

from django.utils.translation import gettext_noop as N_

MESSAGES = [
    # django.contrib.admin 5.2 (app_list.html, auth/user/add_form.html)
    N_("Model name"),
    N_("Add link"),
    N_("Change or view list link"),
    N_("After you’ve created a user, you’ll be able to edit more user options."),
    # django-axes (models.py, admin.py)
    N_("Access Attempt"),
    N_("Access lock out"),
    N_("Attempt Remaining"),
    N_("Attempt Time"),
    N_("Clean up expired attempts"),
    N_("Expires At"),
    N_("Failed Logins"),
    N_("Form Data"),
    N_("GET Data"),
    N_("HTTP Accept"),
    N_("IP Address"),
    N_("Locked Out"),
    N_("Logout Time"),
    N_("Meta Data"),
    N_("Not set"),
    N_("POST Data"),
    N_("Path"),
    N_("Session key hash (sha256)"),
    N_("The time when access attempt expires and is no longer valid."),
    N_("User Agent"),
    N_("Username"),
    N_("access attempt expiration"),
    N_("access attempt expirations"),
    N_("access attempt"),
    N_("access attempts"),
    N_("access failure"),
    N_("access failures"),
    N_("access log"),
    N_("access logs"),
]
