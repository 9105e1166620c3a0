from django.urls import path

from .views import attachments, workflow

app_name = "proposals"

urlpatterns = [
    # --- attachments -------------------------------------------------------------------------------
    path("attachments/<int:pk>/download/", attachments.attachment_download, name="attachment-download"),
    # --- drafting, detail and transitions (views/workflow.py) ----------------------------------------
    path("<int:pk>/", workflow.proposal_detail, name="proposal-detail"),
    # --- lists, archive, statistics, exports and print (views/lists.py) ------------------------------
    # --- deadline reminders (views/reminders.py) ------------------------------------------------------
]
