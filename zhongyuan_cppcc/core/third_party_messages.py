"""Strings of Django's admin and of django-axes that their own Simplified Chinese catalogues lack (Django 5.2's
admin index table headers, the user-add help text, the axes admin's fields and models, the change list's result
counter). Listed here so that `scripts/messages.py update` extracts them into locale/ and keeps their Chinese:
entries written into the catalogue by hand would be dropped as obsolete by the next update. Nothing imports this
module; the message extractor reads it.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

THIRD_PARTY_MESSAGES = [
    gettext_noop("Filter"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("%(full_result_count)s total"),
]

THIRD_PARTY_PLURALS = [
    ngettext_lazy("%(counter)s result", "%(counter)s results"),
]
