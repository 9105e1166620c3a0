from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from .health import health
from .registry import home_sections_for
from .uploads import UploadTooLarge, megabytes


class HomeView(TemplateView):
    """Role home: what this user can do now, contributed by each app."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = home_sections_for(self.request.user)
        return context


@login_not_required
@never_cache
def healthz(request):
    ok, checks = health()
    return JsonResponse({"status": "ok" if ok else "degraded", **checks}, status=200 if ok else 503)


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)


def error_400(request, exception=None):
    if isinstance(exception, UploadTooLarge):
        return render(request, "errors/413.html", {"limit_mb": megabytes(exception.limit)}, status=413)
    return render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)
