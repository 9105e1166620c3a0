from tests.url_matrix import DENY, HIDDEN, only

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


# --- proposer: drafting, invitations, submission, rating (wt-pf) ---------------------------------------
# Allowed paths (the lead proposer, the invited member, each proposer rating) are tested in
# test_views_drafting.py; here: nobody reaches another member's draft (404, drafts are private even to
# the office) and only members open the drafting form.
PF_HIDDEN = dict(others=HIDDEN)


def _pf_draft() -> int:
    from tests.proposals.factories import ProposalFactory, make_member

    return ProposalFactory(author=make_member("walker-pf-draft-owner").user).pk


def _pf_attachment() -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from proposals import services
    from tests.proposals.factories import ProposalFactory, make_member

    author = make_member("walker-pf-attachment-owner").user
    proposal = ProposalFactory(author=author)
    return services.attachment_add(actor=author, proposal=proposal,
                                   upload=SimpleUploadedFile("材料.txt", "材料".encode())).pk


def _pf_invitation() -> int:
    from proposals import services
    from tests.proposals.factories import ProposalFactory, make_member

    author = make_member("walker-pf-invitation-owner").user
    proposal = ProposalFactory(author=author)
    return services.proposal_invite_cosigner(actor=author, proposal=proposal,
                                             member=make_member("walker-pf-invitee")).pk


def _pf_submitted() -> int:
    from proposals import services
    from tests.proposals.factories import ProposalFactory, make_member

    author = make_member("walker-pf-submitted-owner").user
    proposal = ProposalFactory(author=author)
    services.proposal_submit(actor=author, proposal=proposal)
    return proposal.pk


EXPECTATIONS.update({
    "proposals:proposal-create": only("member"),
    "proposals:draft-edit": only(**PF_HIDDEN, kwargs=lambda user: {"pk": _pf_draft()}),
    "proposals:draft-autosave": only(**PF_HIDDEN, method="post", kwargs=lambda user: {"pk": _pf_draft()}),
    "proposals:attachment-upload": only(**PF_HIDDEN, method="post", kwargs=lambda user: {"pk": _pf_draft()}),
    "proposals:attachment-remove": only(**PF_HIDDEN, method="post", kwargs=lambda user: {"pk": _pf_attachment()}),
    "proposals:cosigner-search": only(**PF_HIDDEN, kwargs=lambda user: {"pk": _pf_draft()}, data={"q": "w"}),
    "proposals:cosigner-invite": only(**PF_HIDDEN, method="post", kwargs=lambda user: {"pk": _pf_draft()}),
    "proposals:invitation-withdraw": only(**PF_HIDDEN, method="post",
                                          kwargs=lambda user: {"pk": _pf_invitation()}),
    "proposals:invitation-accept": only(**PF_HIDDEN, method="post", kwargs=lambda user: {"pk": _pf_invitation()}),
    "proposals:invitation-decline": only(**PF_HIDDEN, method="post", kwargs=lambda user: {"pk": _pf_invitation()}),
    "proposals:proposal-submit": only(**PF_HIDDEN, kwargs=lambda user: {"pk": _pf_draft()}),
    "proposals:proposal-withdraw": only(**PF_HIDDEN, method="post", kwargs=lambda user: {"pk": _pf_draft()}),
    # A submitted proposal of someone else: the office and leaders read it but never rate (403).
    "proposals:rating": only(**PF_HIDDEN, overrides={"proposal_officer": DENY, "leader": DENY},
                             kwargs=lambda user: {"pk": _pf_submitted()}),
})
