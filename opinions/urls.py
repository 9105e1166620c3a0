from django.urls import path

from zhongyuan_cppcc.exports.excel import ExcelExportView

from . import views, views_bulletins, views_outcomes


class StatisticsExportView(ExcelExportView):
    kind = "opinions.statistics"

app_name = "opinions"

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("mine/", views.MyReportListView.as_view(), name="report-mine"),
    path("all/", views.OfficerReportListView.as_view(), name="report-all"),
    path("new/", views.report_create, name="report-create"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("<int:pk>/autosave/", views.report_autosave, name="report-autosave"),
    path("<int:pk>/submit/", views.ReportSubmitView.as_view(), name="report-submit"),
    path("<int:pk>/screen/", views.ReportScreenView.as_view(), name="report-screen"),
    path("<int:pk>/adopt/", views.ReportAdoptView.as_view(), name="report-adopt"),
    path("<int:pk>/keep/", views.ReportKeepView.as_view(), name="report-keep"),
    path("<int:pk>/return/", views.ReportReturnView.as_view(), name="report-return"),
    path("<int:pk>/sign-off/", views.ReportSignOffView.as_view(), name="report-sign-off"),
    path("<int:pk>/review/", views.report_edit_adopted, name="report-edit-adopted"),
    path("bulletins/", views_bulletins.bulletin_list, name="bulletin-list"),
    path("bulletins/new/", views_bulletins.bulletin_create, name="bulletin-create"),
    path("bulletins/<int:pk>/", views_bulletins.bulletin_detail, name="bulletin-detail"),
    path("bulletins/<int:pk>/compile/", views_bulletins.bulletin_compile, name="bulletin-compile"),
    path("bulletins/<int:pk>/publish/", views_bulletins.bulletin_publish, name="bulletin-publish"),
    path("bulletins/<int:pk>/print/", views_bulletins.bulletin_print, name="bulletin-print"),
    path("bulletins/<int:pk>/pdf/", views_bulletins.bulletin_pdf, name="bulletin-pdf"),
    path("<int:pk>/outcomes/add/", views_outcomes.outcome_add, name="outcome-add"),
    path("<int:pk>/instructions/add/", views_outcomes.instruction_add, name="instruction-add"),
    path("outcomes/<int:pk>/withdraw/", views_outcomes.outcome_withdraw, name="outcome-withdraw"),
    path("instructions/<int:pk>/withdraw/", views_outcomes.instruction_withdraw, name="instruction-withdraw"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("export/", ExcelExportView.as_view(kind="opinions.reports"), name="export"),
    path("mine/export/", ExcelExportView.as_view(kind="opinions.my_reports"), name="my-export"),
    path("bulletins/export/", ExcelExportView.as_view(kind="opinions.bulletins"), name="bulletin-export"),
    path("upward/export/", ExcelExportView.as_view(kind="opinions.batches"), name="batch-export"),
    path("statistics/export/", StatisticsExportView.as_view(), name="statistics-export"),
    path("<int:pk>/attachments/add/", views_outcomes.attachment_add, name="attachment-add"),
    path("attachments/<int:pk>/remove/", views_outcomes.attachment_remove, name="attachment-remove"),
    path("attachments/<int:pk>/download/", views_outcomes.attachment_download, name="attachment-download"),
    path("upward/", views_outcomes.batch_list, name="batch-list"),
    path("upward/new/", views_outcomes.batch_create, name="batch-create"),
]
