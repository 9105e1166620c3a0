from django.urls import path

from .views import attachments, reminders, workflow

app_name = "proposals"

urlpatterns = [
    # --- attachments -------------------------------------------------------------------------------
    path("attachments/<int:pk>/download/", attachments.attachment_download, name="attachment-download"),
    # --- drafting, detail and transitions (views/workflow.py) ----------------------------------------
    path("<int:pk>/", workflow.proposal_detail, name="proposal-detail"),
    # --- lists, archive, statistics, exports and print (views/lists.py) ------------------------------
    # --- deadline reminders (views/reminders.py) ------------------------------------------------------
    path("reminders/", reminders.reminder_list, name="reminders"),
    path("<int:pk>/urge/", reminders.proposal_urge_view, name="urge"),
]
