from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongyuan_cppcc.audit.services import audit_record

from .models import CalendarYear, SpecialDay
from .services import uncovered_years


def warn_uncovered(request) -> None:
    this_year = timezone.localdate().year
    missing = uncovered_years([this_year, this_year + 1])
    if missing:
        messages.warning(
            request,
            _(
                "The calendar has no holidays for %(years)s: working days there fall back to Monday–Friday. "
                "Enter that year's holidays and make-up days, then add the year below."
            )
            % {"years": "、".join(str(y) for y in missing)},
        )


class WarnUncoveredMixin:
    def changelist_view(self, request, extra_context=None):
        warn_uncovered(request)
        return super().changelist_view(request, extra_context)


@admin.register(SpecialDay)
class SpecialDayAdmin(WarnUncoveredMixin, admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(action="calendar.day_saved", obj=obj, request=request,
                     details={"date": obj.date.isoformat(), "kind": obj.kind})

    def delete_model(self, request, obj):
        audit_record(action="calendar.day_deleted", obj=obj, request=request,
                     details={"date": obj.date.isoformat(), "kind": obj.kind})
        super().delete_model(request, obj)


@admin.register(CalendarYear)
class CalendarYearAdmin(WarnUncoveredMixin, admin.ModelAdmin):
    list_display = ("year", "source_name", "updated_at")

    @admin.display(description=gettext_lazy("source"), ordering="source")
    def source_name(self, obj):
        # The seed loads the years the chinese-calendar package knows; anything else was typed in.
        return _("Built-in holiday table") if obj.source == "chinese-calendar" else obj.source
