from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from .models import Notification
from .services import notification_mark_read


class InboxView(ListView):
    template_name = "notifications/inbox.html"
    context_object_name = "notifications"
    paginate_by = 20

    def get_queryset(self):
        qs = Notification.objects.filter(recipient=self.request.user)
        if self.request.GET.get("unread") == "1":
            qs = qs.filter(read_at__isnull=True)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["only_unread"] = self.request.GET.get("unread") == "1"
        return context


class OpenView(View):
    """Mark one notification read and follow its link."""

    def get(self, request, pk: int):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        if notification.read_at is None:
            Notification.objects.filter(pk=pk).update(read_at=timezone.now())
        url = notification.url
        if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
            url = reverse("notification-list")
        return HttpResponseRedirect(url)


class MarkReadView(View):
    http_method_names = ["post"]

    def post(self, request):
        ids = request.POST.getlist("ids")
        try:
            parsed = [int(i) for i in ids] if ids else None
        except ValueError:
            messages.error(request, _("The selection was not valid. Nothing was changed."))
            return HttpResponseRedirect(reverse("notification-list"))
        count = notification_mark_read(user=request.user, notification_ids=parsed)
        messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
        return HttpResponseRedirect(reverse("notification-list"))
