from tests.url_matrix import HIDDEN, only

EXPECTATIONS = {
    # Material of another member's submitted proposal: the office reads it, everybody else gets 404
    # (the owner and unit cases are tested in test_attachments.py).
    "proposals:attachment-download": only("proposal_officer", "leader", others=HIDDEN,
                                          kwargs=lambda user: {"pk": _foreign_attachment()}),
    # Another member's submitted proposal: the office and leaders read it, everybody else gets 404.
    "proposals:proposal-detail": only("proposal_officer", "leader", others=HIDDEN,
                                      kwargs=lambda user: {"pk": _foreign_submitted_proposal()}),
}


def _foreign_submitted_proposal() -> int:
    from proposals import services
    from tests.proposals.factories import ProposalFactory, make_member

    author = make_member("walker-proposal-owner").user
    proposal = ProposalFactory(author=author)
    services.proposal_submit(actor=author, proposal=proposal)
    return proposal.pk


def _foreign_attachment() -> int:
    from proposals import services
    from tests.proposals.factories import ProposalFactory, make_member

    author = make_member("walker-attachment-owner").user
    proposal = ProposalFactory(author=author)
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = services.attachment_add(actor=author, proposal=proposal,
                                         upload=SimpleUploadedFile("说明.txt", "附件内容".encode()))
    services.proposal_submit(actor=author, proposal=proposal)
    return attachment.pk


# --- reminders (wt-rem): the proposal office's reminders page (leaders read it), the urge (POST) ---
def _urgeable_proposal() -> int:
    from tests.proposals.factories import ProposalFactory

    return ProposalFactory(assigned=True).pk


EXPECTATIONS.update({
    "proposals:reminders": only("proposal_officer", "leader"),
    "proposals:urge": only("proposal_officer", method="post", kwargs=lambda user: {"pk": _urgeable_proposal()}),
})
