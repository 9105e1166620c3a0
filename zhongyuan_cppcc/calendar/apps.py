from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "zhongyuan_cppcc.calendar"
    label = "workcalendar"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .services import forget_days

        # A request reads the calendar once (services.WorkingCalendar); one that changes it reads the change.
        post_save.connect(forget_days, sender="workcalendar.SpecialDay", dispatch_uid="calendar-day-saved")
        post_delete.connect(forget_days, sender="workcalendar.SpecialDay", dispatch_uid="calendar-day-deleted")
