"""Member list, detail, personal data, photo, create, edit and export."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from zhongyuan_cppcc.exports.excel import ExcelExportView
from zhongyuan_cppcc.lists.views import FilteredListView
from zhongyuan_cppcc.workflow.views import ServiceFormMixin

from .. import selectors, services
from ..filters import MemberFilterSet
from ..forms import MemberForm
from ..selectors import MemberFilters
from ._common import _MemberObjectMixin


class MemberListView(FilteredListView):
    permission_required = "members.view_member"
    filterset_class = MemberFilterSet
    template_name = "members/member_list.html"
    title = gettext_lazy("Members")
    export_url_name = "members:member-export"
    export_permission = "members.export_member"

    def get_base_queryset(self):
        return selectors.member_list(user=self.request.user, filters=MemberFilters())


class MemberDetailView(_MemberObjectMixin, TemplateView):
    template_name = "members/member_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.get_member()
        context.update(
            member=member,
            can_reveal=self.request.user.has_perm("members.view_full_personal_data"),
            can_edit=self.request.user.has_perm("members.change_member"),
            visits=member.visits.all()[:10] if self.request.user.has_perm("members.view_visit") else [],
        )
        return context


class MemberRevealView(_MemberObjectMixin, View):
    """POST: show the full ID and mobile numbers once; needs the dedicated permission; audited."""

    http_method_names = ["post"]

    def post(self, request, pk):
        member = self.get_member()
        values = services.member_reveal_personal_data(member=member, actor=request.user)  # 403 unless cleared
        context = {"member": member, "revealed": values}
        if request.headers.get("HX-Request"):
            return render(request, "members/_personal_data.html", context)
        can_edit = request.user.has_perm("members.change_member")
        return render(request, "members/member_detail.html", {**context, "can_reveal": True, "can_edit": can_edit})


class MemberPhotoView(_MemberObjectMixin, View):
    def get(self, request, pk):
        member = self.get_member()
        if not member.photo:
            raise Http404
        try:
            handle = member.photo.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type="image/png" if member.photo.name.endswith(".png")
                                else "image/jpeg")
        response["Cache-Control"] = "private, no-store"
        return response


class MemberCreateView(PermissionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "members.add_member"
    template_name = "members/member_form.html"
    form_class = MemberForm

    def get_service_data(self, form):
        return form.service_kwargs()

    def perform(self, data):
        return services.member_create(actor=self.request.user, **data)

    def get_success_message(self, member):
        return _("Member %(name)s was created.") % {"name": member.name}

    def get_success_url(self, member=None):
        return reverse("members:member-detail", args=[member.pk])


class MemberUpdateView(PermissionRequiredMixin, _MemberObjectMixin, ServiceFormMixin, FormView):
    permission_required = "members.change_member"
    object_permission = "members.change_member"
    template_name = "members/member_form.html"
    form_class = MemberForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            return self.handle_no_permission()
        self.member = self.get_member()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.member}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "member": self.member}

    success_message = gettext_lazy("The member record was saved.")

    def get_service_data(self, form):
        return form.service_kwargs()

    def perform(self, data):
        data = dict(data)
        return services.member_update(member=self.member, actor=self.request.user,
                                      id_number=data.pop("id_number", ""), terms=data.pop("terms"),
                                      special_committees=data.pop("special_committees"), **data)

    def get_success_url(self, result=None):
        return reverse("members:member-detail", args=[self.member.pk])


class MemberExportView(ExcelExportView):
    """POST: the member list as filtered on the screen (members.exporting.MEMBERS; `full=1` for full personal
    data, refused and audited without the clearance); long lists become a background job."""

    kind = "members.members"
