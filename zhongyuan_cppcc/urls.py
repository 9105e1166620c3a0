from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.core import views as core_views

admin.site.site_header = _("Zhongyuan District CPPCC platform — administration")
admin.site.site_title = _("Administration")
admin.site.index_title = _("System configuration")

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("accounts/", include("zhongyuan_cppcc.accounts.urls")),
    path("notifications/", include("zhongyuan_cppcc.notifications.urls")),
    path("audit/", include("zhongyuan_cppcc.audit.urls")),
    path("dashboard/", include("zhongyuan_cppcc.dashboard.urls")),
    path("exports/", include("zhongyuan_cppcc.exports.urls")),
    path("search/", include("zhongyuan_cppcc.search.urls")),
    path("members/", include("members.urls")),
    path("proposals/", include("proposals.urls")),
    path("opinions/", include("opinions.urls")),
    path("consultations/", include("consultations.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "zhongyuan_cppcc.core.views.error_400"
handler403 = "zhongyuan_cppcc.core.views.error_403"
handler404 = "zhongyuan_cppcc.core.views.error_404"
handler500 = "zhongyuan_cppcc.core.views.error_500"
