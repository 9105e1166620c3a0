from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from zhongyuan_cppcc.lists.page_cache import KeptPageMixin

from .models import Notification
from .services import notification_mark_read


class InboxView(KeptPageMixin, ListView):
    """The user's notifications, newest first; kept as rendered until a notification changes."""

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
    """Follow a notification's link: POST (the inbox's buttons) marks it read first; GET only follows
    the link, so that opening an address (a prefetch, a link in a mail) changes nothing."""

    http_method_names = ["get", "post"]

    def get(self, request, pk: int):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        return HttpResponseRedirect(self._target(request, notification))

    def post(self, request, pk: int):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        notification_mark_read(user=request.user, notification_ids=[notification.pk])
        return HttpResponseRedirect(self._target(request, notification))

    @staticmethod
    def _target(request, notification) -> str:
        url = notification.url
        if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
            url = reverse("notification-list")
        return url


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
