"""Meetings and their attendance."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from zhongyuan_cppcc.exports.excel import ExcelExportView
from zhongyuan_cppcc.lists.views import FilteredListView
from zhongyuan_cppcc.workflow.views import ServiceFormMixin, run_service

from .. import selectors, services
from ..filters import MeetingFilterSet
from ..forms import AttendanceForm, MeetingForm
from ..models import MeetingKind
from ._common import _FormPage


class MeetingListView(FilteredListView):
    permission_required = "members.view_meeting"
    filterset_class = MeetingFilterSet
    template_name = "members/meeting_list.html"
    title = gettext_lazy("Meetings and attendance")
    export_url_name = "members:meeting-export"
    export_permission = "members.view_meeting"

    def get_base_queryset(self):
        return selectors.meetings_visible_to(self.request.user)


class MeetingExportView(ExcelExportView):
    """POST: the meeting list as filtered on the screen, with the attendance counts (members.exporting.MEETINGS)."""

    kind = "members.meetings"


class MeetingCreateView(PermissionRequiredMixin, _FormPage, ServiceFormMixin, FormView):
    permission_required = "members.add_meeting"
    heading = gettext_lazy("New meeting")
    parent = ("members:meeting-list", gettext_lazy("Meetings"))
    template_name = "members/meeting_form.html"
    form_class = MeetingForm
    success_message = gettext_lazy("The meeting was created; record its attendance now.")

    def get_initial(self):
        return {"term": selectors.current_term(), "kind": MeetingKind.STANDING}

    def perform(self, data):
        return services.meeting_create(actor=self.request.user, **data)

    def get_success_url(self, meeting=None):
        return reverse("members:meeting-detail", args=[meeting.pk])


class MeetingDetailView(PermissionRequiredMixin, TemplateView):
    """The meeting's attendance list; officers record it in bulk (POST)."""

    permission_required = "members.view_meeting"
    template_name = "members/meeting_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.meeting = get_object_or_404(selectors.meetings_visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None) -> AttendanceForm:
        members = services.meeting_eligible_members(self.meeting).select_related("party").order_by("name_pinyin")
        return AttendanceForm(data, members=members, current=selectors.attendance_of(self.meeting))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context.update(meeting=self.meeting, can_record=self.request.user.has_perm("members.change_meeting"),
                       recorded=selectors.attendance_of(self.meeting))
        return context

    def post(self, request, pk):
        if not request.user.has_perm("members.change_meeting"):
            raise PermissionDenied
        form = self.get_form(request.POST)
        return run_service(
            request, form=form,
            call=lambda data: services.meeting_record_attendance(meeting=self.meeting, statuses=form.statuses(),
                                                                 actor=request.user),
            success=lambda changed: _("Attendance saved (%(n)s changes).") % {"n": changed},
            redirect_to=reverse("members:meeting-detail", args=[self.meeting.pk]),
            on_invalid=lambda form: self.render_to_response(self.get_context_data(form=form)))
