from django.urls import path

from .views import attachments, workflow

app_name = "proposals"

urlpatterns = [
    # --- attachments -------------------------------------------------------------------------------
    path("attachments/<int:pk>/download/", attachments.attachment_download, name="attachment-download"),
    # --- drafting, detail and transitions (views/workflow.py) ----------------------------------------
    path("<int:pk>/", workflow.proposal_detail, name="proposal-detail"),
    # detail and actions (office and handling units; wt-pw)
    path("<int:pk>/register/", workflow.register, name="register"),
    path("<int:pk>/return/", workflow.return_for_revision, name="return"),
    path("<int:pk>/reject/", workflow.reject, name="reject"),
    path("<int:pk>/merge/", workflow.merge, name="merge"),
    path("<int:pk>/assign/", workflow.assign, name="assign"),
    path("<int:pk>/reassign/", workflow.reassign, name="reassign"),
    path("<int:pk>/extend/", workflow.extend, name="extend"),
    path("<int:pk>/key/", workflow.set_key, name="set-key"),
    path("assignments/<int:pk>/accept/", workflow.assignment_accept, name="assignment-accept"),
    path("assignments/<int:pk>/object/", workflow.assignment_object, name="assignment-object"),
    path("assignments/<int:pk>/opinion/", workflow.assignment_opinion, name="assignment-opinion"),
    path("<int:pk>/contact/", workflow.contact, name="contact"),
    path("<int:pk>/reply/", workflow.reply, name="reply"),
    path("<int:pk>/reply/approve/", workflow.reply_approve, name="reply-approve"),
    path("<int:pk>/reply/return/", workflow.reply_return, name="reply-return"),
    path("<int:pk>/quality/", workflow.rate_quality, name="rate-quality"),
    path("<int:pk>/excellent/", workflow.excellent, name="excellent"),
    path("<int:pk>/withhold/", workflow.withhold, name="withhold"),
    path("<int:pk>/followup/", workflow.followup, name="followup"),
    # --- lists, archive, statistics, exports and print (views/lists.py) ------------------------------
    # --- deadline reminders (views/reminders.py) ------------------------------------------------------
]
