"""The reminders' part of the proposal office's home page: failed and waiting reminders."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.accounts.roles import Role
from zhongyuan_cppcc.core.registry import HomeLink, HomeSection


def home_sections(user) -> list[HomeSection]:
    if not (user.is_authenticated and user.has_role(Role.PROPOSAL_OFFICER)):
        return []
    from ..models import Reminder, ReminderStatus

    url = reverse("proposals:reminders")
    failed = Reminder.objects.filter(status=ReminderStatus.FAILED).count()
    return [HomeSection(title=_("Deadline reminders"), order=40, links=[
        HomeLink(label=_("Reminders sent and due next"), url=url),
        HomeLink(label=_("Reminders that failed"), url=url + "?status=failed", count=failed),
    ])]
