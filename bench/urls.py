"""The product's URLconf plus the framework floor (a hello-world view through the same middleware)."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello, name="bench-hello"),
    path("", include("zhongyuan_cppcc.urls")),
]

handler400 = "zhongyuan_cppcc.core.views.error_400"
handler403 = "zhongyuan_cppcc.core.views.error_403"
handler404 = "zhongyuan_cppcc.core.views.error_404"
handler500 = "zhongyuan_cppcc.core.views.error_500"
