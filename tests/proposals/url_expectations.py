from tests.url_matrix import HIDDEN, only

EXPECTATIONS = {
    # Material of another member's submitted proposal: the office reads it, everybody else gets 404
    # (the owner and unit cases are tested in test_attachments.py).
    "proposals:attachment-download": only("proposal_officer", "leader", others=HIDDEN,
                                          kwargs=lambda user: {"pk": _foreign_attachment()}),
    # Another member's submitted proposal: the office and leaders read it, everybody else gets 404.
    "proposals:proposal-detail": only("proposal_officer", "leader", others=HIDDEN,
                                      kwargs=lambda user: {"pk": _foreign_submitted_proposal()}),
    # --- lists, archive, statistics, exports and print (views/lists.py) ---------------------------------
    # The role landing redirects members, unit officers, the office and leaders to their list.
    "proposals:proposal-list": only("member", "handler", "proposal_officer", "leader"),
    "proposals:my-proposals": only("member"),
    "proposals:unit-list": only("handler"),
    "proposals:officer-list": only("proposal_officer", "leader"),
    # An empty form redirects back to the list with the errors as messages.
    "proposals:bulk-assign": only("proposal_officer", method="post"),
    "proposals:approval-queue": only("proposal_officer"),
    "proposals:key-list": only("proposal_officer", "leader"),
    "proposals:unit-table": only("proposal_officer", "leader"),
    "proposals:archive": only("member", "proposal_officer", "leader"),
    "proposals:export": only("proposal_officer", "leader"),
    # Another member's submitted proposal (not in the archive): the office and leaders print it, others 404.
    "proposals:print": only("proposal_officer", "leader", others=HIDDEN,
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
