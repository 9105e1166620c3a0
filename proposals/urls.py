from django.urls import path

from .views import attachments, lists, workflow

app_name = "proposals"

urlpatterns = [
    # --- attachments -------------------------------------------------------------------------------
    path("attachments/<int:pk>/download/", attachments.attachment_download, name="attachment-download"),
    # --- drafting, detail and transitions (views/workflow.py) ----------------------------------------
    path("<int:pk>/", workflow.proposal_detail, name="proposal-detail"),
    # --- lists, archive, statistics, exports and print (views/lists.py) ------------------------------
    path("", lists.proposal_list, name="proposal-list"),
    path("mine/", lists.my_proposals, name="my-proposals"),
    path("unit/", lists.unit_list, name="unit-list"),
    path("all/", lists.officer_list, name="officer-list"),
    path("all/assign/", lists.bulk_assign, name="bulk-assign"),
    path("replies/pending/", lists.approval_queue, name="approval-queue"),
    path("key/", lists.key_list, name="key-list"),
    path("units/", lists.unit_table, name="unit-table"),
    path("archive/", lists.archive, name="archive"),
    path("export/", lists.export, name="export"),
    path("<int:pk>/print/", lists.print_proposal, name="print"),
    # --- deadline reminders (views/reminders.py) ------------------------------------------------------
]
