"""The member import from Excel."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView

from zhongyuan_cppcc.core.parameters import get_parameter

from .. import selectors, services
from ..forms import ImportForm
from ..importing import ImportFileError, build_template
from ..uploads import SizeLimitedUploadHandler
from ._common import _xlsx_response


@method_decorator(csrf_exempt, name="dispatch")
class ImportView(PermissionRequiredMixin, FormView):
    """Upload a workbook. The upload handler stops reading a file past the size limit, so a 50 MB
    upload is refused without being stored; CSRF is checked after the handler is installed."""

    permission_required = "members.import_member"
    template_name = "members/import.html"
    form_class = ImportForm

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.user.has_perm(self.permission_required):
            request.upload_handlers.insert(
                0, SizeLimitedUploadHandler(request, limit=get_parameter("members.import_max_bytes")))
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jobs"] = selectors.import_jobs_visible_to(self.request.user)[:10]
        context["max_rows"] = get_parameter("members.import_max_rows")
        context["max_mb"] = get_parameter("members.import_max_bytes") // (1024 * 1024)
        return context

    def post(self, request, *args, **kwargs):
        request.FILES  # noqa: B018 - parse the body now, through the size-limited handler
        too_large = getattr(request, "upload_too_large", None)
        if too_large:
            form = self.get_form()
            form.errors.clear()
            form.add_error("file", too_large)
            return self.form_invalid(form)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            job = services.member_import_start(upload=upload, actor=self.request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return redirect("members:import-detail", pk=job.pk)


class ImportTemplateView(PermissionRequiredMixin, View):
    permission_required = "members.import_member"

    def get(self, request):
        import io

        buffer = io.BytesIO()
        build_template().save(buffer)
        return _xlsx_response(buffer.getvalue(), _("member import template") + ".xlsx")


class ImportDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "members.view_importjob"
    template_name = "members/import_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["job"] = get_object_or_404(selectors.import_jobs_visible_to(self.request.user), pk=self.kwargs["pk"])
        return context


class ImportProgressView(ImportDetailView):
    """The htmx fragment the job page polls while the job runs."""

    template_name = "members/_import_progress.html"
