from tests.url_matrix import DENY, HIDDEN, only

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
    "proposals:export": only("proposal_officer", "leader", method="post"),
    # Every list's export (POST with the list's filters) answers whoever sees the list.
    "proposals:unit-export": only("handler", method="post"),
    "proposals:key-export": only("proposal_officer", "leader", method="post"),
    "proposals:approval-export": only("proposal_officer", method="post"),
    "proposals:unit-table-export": only("proposal_officer", "leader", method="post"),
    "proposals:reminders-export": only("proposal_officer", "leader", method="post"),
    # Another member's submitted proposal (not in the archive): the office and leaders print it, others 404.
    "proposals:print": only("proposal_officer", "leader", others=HIDDEN,
                            kwargs=lambda user: {"pk": _foreign_submitted_proposal()}),
    # The same as PDFs rendered on the server; the reply of a replied proposal kept out of the archive.
    "proposals:print-pdf": only("proposal_officer", "leader", others=HIDDEN,
                                kwargs=lambda user: {"pk": _foreign_submitted_proposal()}),
    "proposals:reply-pdf": only("proposal_officer", "leader", others=HIDDEN,
                                kwargs=lambda user: {"pk": _foreign_withheld_replied_proposal()}),
    # The year's 提案汇编 (POST; without a year it redirects back to the list with a message).
    "proposals:compilation-pdf": only("proposal_officer", "leader", method="post"),
}


def _foreign_withheld_replied_proposal() -> int:
    from proposals.models import Proposal
    from tests.proposals.factories import ProposalFactory, make_member

    proposal = ProposalFactory(replied=True, author=make_member("walker-reply-owner").user)
    Proposal.objects.filter(pk=proposal.pk).update(publication_withheld=True)
    return proposal.pk


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


# --- detail and actions (office and handling-unit verbs; wt-pw) ----------------------------------------------
# POST views are exercised with data. Officer verbs on another member's proposal: the proposal officer
# acts, the leader (who may read it) is refused, everybody else gets 404. Unit verbs: the walker's handler
# is made an officer of the assigned unit; officers and leaders read the proposal but are refused; others 404.


def _status(status: str, **extra):
    from tests.proposals.factories import ProposalFactory

    return ProposalFactory(**{status: True}, **extra)


def _officer_verb(status: str, data: dict | None = None, **extra):
    return only("proposal_officer", others=HIDDEN, overrides={"leader": DENY}, method="post", data=data or {},
                kwargs=lambda user: {"pk": _status(status, **extra).pk})


def _join_unit(user, role: str = "lead"):
    """The proposal (assigned) with the requesting handler made an officer of its lead or co unit."""
    from tests.proposals.factories import world

    w = world()
    proposal = _status("assigned")
    if user is not None and user.has_role("handler"):
        (w.lead_unit if role == "lead" else w.co_unit).officers.add(user)
    return proposal


def _unit_verb(data: dict | None = None, method: str = "post"):
    return only("handler", others=HIDDEN, overrides={"proposal_officer": DENY, "leader": DENY}, method=method,
                data=data or {}, kwargs=lambda user: {"pk": _join_unit(user).pk})


def _assignment_verb(role: str, data: dict | None = None):
    def kwargs(user):
        proposal = _join_unit(user, role)
        return {"pk": proposal.assignments.get(role=role, superseded_at__isnull=True).pk}

    # Assignment rows are addressed by id: only an officer of that unit finds them.
    return only("handler", others=HIDDEN, method="post", data=data or {}, kwargs=kwargs)


def _followup_kwargs(user):
    from tests.proposals.factories import world

    proposal = _status("replied", reply_class="B")
    if user is not None and user.has_role("handler"):
        world().lead_unit.officers.add(user)
    return {"pk": proposal.pk}


EXPECTATIONS.update({
    "proposals:register": _officer_verb("submitted", {"note": "走查登记"}),
    "proposals:return": _officer_verb("submitted", {"reason": "请补充调研数据"}),
    "proposals:reject": _officer_verb("submitted", {"ground": "personal", "note": "个人事项"}),
    "proposals:merge": _officer_verb("submitted", {"target": "不存在的提案标题"}),
    "proposals:assign": _officer_verb("registered", {"lead_unit": ""}),
    "proposals:reassign": _officer_verb("assigned", {"lead_unit": ""}),
    "proposals:extend": _officer_verb("assigned", {"new_due_on": "", "reason": ""}),
    "proposals:set-key": _officer_verb("registered", {"is_key": ""}),
    "proposals:reply-approve": _officer_verb("reply_review", {"reply_class": ""}),
    "proposals:reply-return": _officer_verb("reply_review", {"reason": "请补充具体措施"}),
    "proposals:excellent": _officer_verb("registered", {"value": "1"}),
    "proposals:withhold": _officer_verb("registered", {"value": "1", "reason": "涉及不宜公开的内容"}),
    "proposals:assignment-accept": _assignment_verb("lead"),
    "proposals:assignment-object": _assignment_verb("lead", {"reason": "不属于本单位职责"}),
    "proposals:assignment-opinion": _assignment_verb("co", {"text": "协办意见：同意主办单位方案。"}),
    "proposals:contact": _unit_verb({"method": "phone", "contacted_on": "2024-01-02"}),
    "proposals:reply": _unit_verb(method="get"),
    "proposals:rate-quality": _unit_verb({"grade": "good"}),
    # A replied proposal is in the public archive: members read it there but may not act on it.
    "proposals:followup": only("proposal_officer", "handler", others=HIDDEN,
                               overrides={"leader": DENY, "member": DENY}, method="post",
                               data={"note": "回头看：已落实。"}, kwargs=_followup_kwargs),
})


# --- reminders (wt-rem): the proposal office's reminders page (leaders read it), the urge (POST) ---
def _urgeable_proposal() -> int:
    from tests.proposals.factories import ProposalFactory

    return ProposalFactory(assigned=True).pk


EXPECTATIONS.update({
    "proposals:reminders": only("proposal_officer", "leader"),
    "proposals:urge": only("proposal_officer", method="post", kwargs=lambda user: {"pk": _urgeable_proposal()}),
})
