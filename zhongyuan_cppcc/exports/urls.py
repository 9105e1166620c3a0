from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("<uuid:pk>/", views.job_detail, name="job-detail"),
    path("<uuid:pk>/progress/", views.job_progress, name="job-progress"),
    path("<uuid:pk>/download/", views.job_download, name="job-download"),
]
