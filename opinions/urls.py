from django.urls import path

from . import views

app_name = "opinions"

urlpatterns = [path("", views.MyReportListView.as_view(), name="report-list")]
