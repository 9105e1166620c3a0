from django.urls import path

from .views import attachments, drafting, lists, printing, reminders, workflow

app_name = "proposals"

urlpatterns = [
    # --- attachments -------------------------------------------------------------------------------
    path("attachments/<int:pk>/download/", attachments.attachment_download, name="attachment-download"),
    # --- drafting, detail and transitions (views/workflow.py) ----------------------------------------
    path("<int:pk>/", workflow.proposal_detail, name="proposal-detail"),
    # --- proposer: drafting, invitations, submission, rating (views/drafting.py) ----------------------
    path("new/", drafting.proposal_create, name="proposal-create"),
    path("<int:pk>/edit/", drafting.draft_edit, name="draft-edit"),
    path("<int:pk>/autosave/", drafting.draft_autosave, name="draft-autosave"),
    path("<int:pk>/attachments/", drafting.attachment_upload, name="attachment-upload"),
    path("attachments/<int:pk>/remove/", drafting.attachment_remove, name="attachment-remove"),
    path("<int:pk>/cosigners/search/", drafting.cosigner_search, name="cosigner-search"),
    path("<int:pk>/cosigners/invite/", drafting.cosigner_invite, name="cosigner-invite"),
    path("invitations/<int:pk>/withdraw/", drafting.invitation_withdraw, name="invitation-withdraw"),
    path("invitations/<int:pk>/accept/", drafting.invitation_accept, name="invitation-accept"),
    path("invitations/<int:pk>/decline/", drafting.invitation_decline, name="invitation-decline"),
    path("<int:pk>/submit/", drafting.proposal_submit, name="proposal-submit"),
    path("<int:pk>/withdraw/", drafting.proposal_withdraw, name="proposal-withdraw"),
    path("<int:pk>/rate/", drafting.rating, name="rating"),
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
    path("unit/export/", lists.unit_export, name="unit-export"),
    path("key/export/", lists.key_export, name="key-export"),
    path("replies/pending/export/", lists.approval_export, name="approval-export"),
    path("units/export/", lists.unit_table_export, name="unit-table-export"),
    path("reminders/export/", lists.reminders_export, name="reminders-export"),
    path("<int:pk>/print/", lists.print_proposal, name="print"),
    # --- PDFs rendered on the server (views/printing.py) ----------------------------------------------
    path("<int:pk>/print.pdf", printing.proposal_pdf, name="print-pdf"),
    path("<int:pk>/reply.pdf", printing.reply_pdf, name="reply-pdf"),
    path("compilation.pdf", printing.compilation_pdf, name="compilation-pdf"),
    # --- deadline reminders (views/reminders.py) ------------------------------------------------------
    path("reminders/", reminders.reminder_list, name="reminders"),
    path("<int:pk>/urge/", reminders.proposal_urge_view, name="urge"),
]
