from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "zhongyuan_cppcc.calendar"
    label = "workcalendar"
    verbose_name = _("Working-day calendar")
