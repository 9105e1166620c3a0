from django.urls import path

from . import views

urlpatterns = [
    path("", views.InboxView.as_view(), name="notification-list"),
    path("<int:pk>/open/", views.OpenView.as_view(), name="notification-open"),
    path("read/", views.MarkReadView.as_view(), name="notification-mark-read"),
]
