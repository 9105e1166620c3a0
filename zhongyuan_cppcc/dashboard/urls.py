from django.urls import path

from zhongyuan_cppcc.exports.excel import ExcelExportView

from . import report_views, views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("report/", report_views.WorkReportView.as_view(), name="work-report"),
    path("export/", ExcelExportView.as_view(kind="dashboard.figures"), name="dashboard-export"),
    path("print/", views.DashboardView.as_view(template_name="dashboard/print.html"), name="dashboard-print"),
    path("print.pdf", views.DashboardPdfView.as_view(), name="dashboard-pdf"),
]
