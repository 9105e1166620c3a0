from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from .forms import AuditFilterForm
from .models import AuditEvent


class AuditListView(PermissionRequiredMixin, ListView):
    permission_required = "audit.view_auditevent"
    template_name = "audit/auditevent_list.html"
    context_object_name = "events"
    paginate_by = 50

    def get_queryset(self):
        self.form = AuditFilterForm(self.request.GET or None)
        qs = AuditEvent.objects.all()
        if self.form.is_bound and self.form.is_valid():
            data = self.form.cleaned_data
            if data["actor"]:
                qs = qs.filter(actor_username__icontains=data["actor"])
            if data["action"]:
                qs = qs.filter(action__startswith=data["action"])
            if data["object_type"]:
                qs = qs.filter(object_type=data["object_type"])
            if data["outcome"]:
                qs = qs.filter(outcome=data["outcome"])
            if data["date_from"]:
                qs = qs.filter(at__date__gte=data["date_from"])
            if data["date_to"]:
                qs = qs.filter(at__date__lte=data["date_to"])
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context
