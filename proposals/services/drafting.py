"""Writing a proposal: drafts, co-signers, attachments, submission and withdrawal."""

from datetime import date, datetime

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import HandlingUnit, Member, MemberStatus, Party, PlenarySession, Sector, SpecialCommittee
from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.core.parameters import get_parameter
from zhongyuan_cppcc.workflow.services import check, lock, pk_of, transition

from .. import access
from .. import parameters as p
from ..errors import DeadlinePassed, NotReady, ProposalError, ProposalPermissionDenied
from ..models import (
    BODY_PART_MAX_CHARS,
    REASON_MAX_CHARS,
    TITLE_MAX_CHARS,
    Category,
    CollectiveAuthorisation,
    CosignerInvitation,
    InvitationStatus,
    Proposal,
    ProposerKind,
    Timing,
)
from ..similarity import refresh_search_vectors
from ..workflow import WORKFLOW, Status, Verb
from ._common import (
    KEEP,
    clean_text,
    label,
    local_day,
    proposal_officers,
    send,
    users_by_ids,
    when,
)

CONTENT_FIELDS = ("title", "category", "situation", "analysis", "suggestions")


# --- Collective proposals: who may file for an organisation -----------------------------------------------


@transaction.atomic
def collective_authorisation_grant(
    *, actor, user, organisation: Party | Sector | SpecialCommittee, note: str = "", at: datetime | None = None
) -> CollectiveAuthorisation:
    """Allow `user` to write and submit collective proposals for `organisation`. Idempotent. Audited."""
    if not (rules.has_perm("proposals.manage_collective_authorisations", actor)
            or rules.has_perm("proposals.add_collectiveauthorisation", actor)):
        raise ProposalPermissionDenied()
    field = {Party: "party", Sector: "sector", SpecialCommittee: "special_committee"}.get(type(organisation))
    if field is None:
        raise ValidationError(_("Collective proposals come from a party, a sector group or a special committee."))
    existing = CollectiveAuthorisation.objects.filter(user=user, revoked_at__isnull=True,
                                                      **{field: organisation}).first()
    if existing is not None:
        return existing
    authorisation = CollectiveAuthorisation.objects.create(user=user, granted_by=actor, granted_at=when(at),
                                                           note=note[:200], **{field: organisation})
    audit_record(action="proposals.collective_authorisation_granted", actor=actor, obj=authorisation,
                 details={"user": user.get_username(), "organisation": str(organisation)})
    user.__dict__.pop(access.COLLECTIVE_FACT, None)
    return authorisation


@transaction.atomic
def collective_authorisation_revoke(*, actor, authorisation: CollectiveAuthorisation,
                                    at: datetime | None = None) -> CollectiveAuthorisation:
    """End an authorisation; drafts stay, but its holder can no longer submit for the organisation."""
    if not (rules.has_perm("proposals.manage_collective_authorisations", actor)
            or rules.has_perm("proposals.change_collectiveauthorisation", actor)):
        raise ProposalPermissionDenied()
    authorisation = CollectiveAuthorisation.objects.select_for_update().get(pk=authorisation.pk)
    if authorisation.revoked_at is None:
        authorisation.revoked_at = when(at)
        authorisation.save(update_fields=["revoked_at"])
        audit_record(action="proposals.collective_authorisation_revoked", actor=actor, obj=authorisation)
    return authorisation


# --- Session or interim ---------------------------------------------------------------------------------


def session_for(day: date) -> tuple[PlenarySession, str]:
    """The plenary session a proposal written on `day` belongs to, and whether it is a session proposal
    (inside proposals_open_on..proposals_close_on) or an interim one (after the latest window opened)."""
    session = (PlenarySession.objects.select_related("term").filter(proposals_open_on__lte=day)
               .order_by("-proposals_open_on", "-pk").first())
    if session is None:
        # Before the first window of the installation: file against the upcoming session.
        session = PlenarySession.objects.select_related("term").order_by("proposals_open_on", "pk").first()
    if session is None:
        raise NotReady(_("No plenary session has been set up yet, so proposals cannot be written. "
                         "Please ask the proposal office."))
    in_window = session.proposals_open_on <= day <= session.proposals_close_on
    return session, Timing.SESSION if in_window else Timing.INTERIM


# --- Drafts -----------------------------------------------------------------------------------------------


def _clean_content(values: dict) -> dict:
    cleaned = {}
    if "title" in values:
        cleaned["title"] = clean_text(values["title"], field="title", label=_("The title"),
                                      max_chars=TITLE_MAX_CHARS)
    if "category" in values:
        category = values["category"] or ""
        if category and category not in Category.values:
            raise ValidationError({"category": _("Choose one of the listed categories.")})
        cleaned["category"] = category
    for field, text in (("situation", _("The situation")), ("analysis", _("The analysis")),
                        ("suggestions", _("The suggestions"))):
        if field in values:
            cleaned[field] = clean_text(values[field], field=field, label=text, max_chars=BODY_PART_MAX_CHARS)
    return cleaned


def _check_units(lead, co_units) -> tuple[HandlingUnit | None, list[HandlingUnit]]:
    co = [u for u in dict.fromkeys(co_units or []) if lead is None or u.pk != lead.pk]
    return lead, co


def _author_member(author) -> Member:
    member = Member.objects.filter(user=author, status=MemberStatus.SERVING).first()
    if member is None or not author.has_role("member"):
        raise ProposalPermissionDenied(_("Only serving CPPCC members can write proposals in their own name."))
    return member


@transaction.atomic
def proposal_create_draft(
    *,
    author,
    title: str = "",
    category: str = "",
    situation: str = "",
    analysis: str = "",
    suggestions: str = "",
    suggested_lead_unit: HandlingUnit | None = None,
    suggested_co_units=(),
    collective: CollectiveAuthorisation | None = None,
    at: datetime | None = None,
) -> Proposal:
    """Start a draft (parts may still be empty: drafts autosave). Session or interim by the date window
    of the current plenary session. Collective drafts need the author's active authorisation."""
    at = when(at)
    content = _clean_content(dict(title=title, category=category, situation=situation, analysis=analysis,
                                  suggestions=suggestions))
    session, timing = session_for(local_day(at))
    fields = dict(kind=ProposerKind.INDIVIDUAL)
    if collective is not None:
        if collective.user_id != author.pk or collective.revoked_at is not None:
            raise ProposalPermissionDenied(_("You are not authorised to write proposals for this organisation."))
        fields = dict(kind=ProposerKind.COLLECTIVE, organisation_party_id=collective.party_id,
                      organisation_sector_id=collective.sector_id,
                      organisation_committee_id=collective.special_committee_id)
    else:
        fields["lead_member"] = _author_member(author)
    lead, co = _check_units(suggested_lead_unit, suggested_co_units)
    proposal = Proposal.objects.create(author=author, plenary_session=session, year=session.year, timing=timing,
                                       status=Status.DRAFT, created_at=at, suggested_lead_unit=lead,
                                       **fields, **content)
    if co:
        proposal.suggested_co_units.set(co)
    refresh_search_vectors([proposal.pk])
    audit_record(action="proposals.create_draft", actor=author, obj=proposal,
                 details={"kind": proposal.kind, "timing": timing})
    return proposal


@transaction.atomic
def proposal_update_draft(
    *,
    actor,
    proposal: Proposal | int,
    title=KEEP,
    category=KEEP,
    situation=KEEP,
    analysis=KEEP,
    suggestions=KEEP,
    suggested_lead_unit=KEEP,
    suggested_co_units=KEEP,
    at: datetime | None = None,
) -> Proposal:
    """Save draft text (fields left as KEEP are unchanged). A never-submitted draft is re-filed as session
    or interim by today's date window. Lead proposer only; drafts only."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.UPDATE_DRAFT, actor)
    values = {k: v for k, v in dict(title=title, category=category, situation=situation, analysis=analysis,
                                    suggestions=suggestions).items() if v is not KEEP}
    content = _clean_content(values)
    for field, value in content.items():
        setattr(proposal, field, value)
    update = set(content)
    if proposal.submitted_at is None:
        session, timing = session_for(local_day(at))
        if (session.pk, timing) != (proposal.plenary_session_id, proposal.timing):
            proposal.plenary_session, proposal.timing, proposal.year = session, timing, session.year
            update |= {"plenary_session", "timing", "year"}
    if suggested_lead_unit is not KEEP:
        proposal.suggested_lead_unit = suggested_lead_unit
        update.add("suggested_lead_unit")
    proposal.save(update_fields=sorted(update | {"updated_at"}))
    if suggested_co_units is not KEEP or suggested_lead_unit is not KEEP:
        lead = proposal.suggested_lead_unit
        current = list(proposal.suggested_co_units.all()) if suggested_co_units is KEEP else suggested_co_units
        proposal.suggested_co_units.set(_check_units(lead, current)[1])
    if content:
        refresh_search_vectors([proposal.pk])
    return proposal


# --- Co-signers --------------------------------------------------------------------------------------------


def _live_invitations(proposal: Proposal):
    return proposal.invitations.filter(status__in=access.LIVE_INVITATIONS)


@transaction.atomic
def proposal_invite_cosigner(*, actor, proposal: Proposal | int, member: Member,
                             at: datetime | None = None) -> CosignerInvitation:
    """Invite a serving member (with an account) to co-sign; not the lead, not twice. Notifies the member."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.INVITE_COSIGNER, actor)
    if not isinstance(member, Member):
        raise ValidationError({"member": _("Only CPPCC members can co-sign a proposal.")})
    member = Member.objects.select_related("user").get(pk=member.pk)
    if member.status != MemberStatus.SERVING or member.user is None or not member.user.is_active:
        raise ValidationError({"member": _("%(name)s is not a serving member with an account and cannot co-sign.")
                               % {"name": member.name}})
    if member.pk == proposal.lead_member_id or member.user_id == proposal.author_id:
        raise ValidationError({"member": _("The lead proposer cannot co-sign their own proposal.")})
    invitation = CosignerInvitation.objects.filter(proposal=proposal, member=member).first()
    if invitation is not None and invitation.status != InvitationStatus.WITHDRAWN:
        raise ValidationError({"member": _("%(name)s has already been invited (%(status)s).")
                               % {"name": member.name, "status": invitation.get_status_display()}})
    if _live_invitations(proposal).count() >= get_parameter(p.COSIGNERS_MAX):
        raise ValidationError({"member": _("A proposal can have at most %(max)d co-signers.")
                               % {"max": get_parameter(p.COSIGNERS_MAX)}})
    if invitation is None:
        invitation = CosignerInvitation.objects.create(proposal=proposal, member=member, invited_by=actor,
                                                       invited_at=at)
    else:
        invitation.status, invitation.invited_by, invitation.invited_at = InvitationStatus.PENDING, actor, at
        invitation.answered_at, invitation.decline_reason = None, ""
        invitation.save(update_fields=["status", "invited_by", "invited_at", "answered_at", "decline_reason"])
    proposal.kind = ProposerKind.JOINT
    transition(WORKFLOW, proposal, Verb.INVITE_COSIGNER, actor, at=at, fields=["kind"],
               note=_("Invited %(name)s to co-sign.") % {"name": member.name}, details={"member": member.pk})
    send([member.user], proposal=proposal, kind="invitation",
         title=_("Invitation to co-sign %(proposal)s") % {"proposal": label(proposal)},
         body=_("%(lead)s invites you to co-sign the proposal %(proposal)s. Please read it and accept or decline.")
         % {"lead": actor, "proposal": label(proposal)})
    return invitation


def _lock_invitation(invitation: CosignerInvitation | int) -> tuple[Proposal, CosignerInvitation]:
    proposal_id = CosignerInvitation.objects.values_list("proposal_id", flat=True).get(pk=pk_of(invitation))
    proposal = lock(Proposal, proposal_id)
    return proposal, CosignerInvitation.objects.select_related("member").get(pk=pk_of(invitation))


def _sync_kind(proposal: Proposal) -> list[str]:
    if proposal.is_collective:
        return []
    kind = ProposerKind.JOINT if _live_invitations(proposal).exists() else ProposerKind.INDIVIDUAL
    if kind != proposal.kind:
        proposal.kind = kind
        return ["kind"]
    return []


@transaction.atomic
def proposal_withdraw_invitation(*, actor, invitation: CosignerInvitation | int,
                                 at: datetime | None = None) -> CosignerInvitation:
    """The lead proposer withdraws a pending or accepted invitation (drafts only). Notifies the member."""
    at = when(at)
    proposal, invitation = _lock_invitation(invitation)
    check(WORKFLOW, proposal, Verb.WITHDRAW_INVITATION, actor)
    if invitation.status not in access.LIVE_INVITATIONS:
        raise ProposalError(_("This invitation is no longer open."))
    invitation.status, invitation.answered_at = InvitationStatus.WITHDRAWN, at
    invitation.save(update_fields=["status", "answered_at"])
    transition(WORKFLOW, proposal, Verb.WITHDRAW_INVITATION, actor, at=at, fields=_sync_kind(proposal),
               note=_("Withdrew the invitation to %(name)s.") % {"name": invitation.member.name},
               details={"member": invitation.member_id})
    send(users_by_ids([invitation.member.user_id]), proposal=proposal, kind="invitation_withdrawn",
         title=_("Invitation withdrawn: %(proposal)s") % {"proposal": label(proposal)},
         body=_("The lead proposer withdrew the invitation to co-sign this proposal."))
    return invitation


def _answer(actor, invitation, verb: str, status: str, reason: str, at: datetime | None) -> CosignerInvitation:
    at = when(at)
    proposal, invitation = _lock_invitation(invitation)
    check(WORKFLOW, proposal, verb, actor, message=_("Only the invited member can answer this invitation."))
    if invitation.member.user_id != actor.pk:
        raise ProposalPermissionDenied(_("Only the invited member can answer this invitation."))
    if invitation.status != InvitationStatus.PENDING:
        raise ProposalError(_("This invitation has already been answered or withdrawn."))
    reason = clean_text(reason, field="reason", label=_("The reason"), max_chars=200)
    invitation.status, invitation.answered_at, invitation.decline_reason = status, at, reason
    invitation.save(update_fields=["status", "answered_at", "decline_reason"])
    fields = _sync_kind(proposal)
    if verb == Verb.ACCEPT_INVITATION:
        note = _("%(name)s accepted the invitation to co-sign.") % {"name": invitation.member.name}
        title = _("%(name)s co-signs %(proposal)s") % {"name": invitation.member.name, "proposal": label(proposal)}
    else:
        note = _("%(name)s declined the invitation to co-sign.") % {"name": invitation.member.name}
        title = _("%(name)s declined to co-sign %(proposal)s") % {"name": invitation.member.name,
                                                                  "proposal": label(proposal)}
    transition(WORKFLOW, proposal, verb, actor, at=at, fields=fields, note=note + (f" {reason}" if reason else ""))
    send(users_by_ids([proposal.author_id]), proposal=proposal, kind="invitation_answered", title=title,
         body=reason)
    return invitation


@transaction.atomic
def invitation_accept(*, actor, invitation: CosignerInvitation | int, at: datetime | None = None) -> CosignerInvitation:
    """The invited member accepts (draft only) and becomes a co-signer. Notifies the lead proposer."""
    return _answer(actor, invitation, Verb.ACCEPT_INVITATION, InvitationStatus.ACCEPTED, "", at)


@transaction.atomic
def invitation_decline(*, actor, invitation: CosignerInvitation | int, reason: str = "",
                       at: datetime | None = None) -> CosignerInvitation:
    """The invited member declines (draft only), optionally with a reason. Notifies the lead proposer."""
    return _answer(actor, invitation, Verb.DECLINE_INVITATION, InvitationStatus.DECLINED, reason, at)


# --- Submission ------------------------------------------------------------------------------------------


def _require_complete(proposal: Proposal) -> None:
    errors = {}
    if not proposal.title.strip():
        errors["title"] = _("Give the proposal a title (案由).")
    if not proposal.category:
        errors["category"] = _("Choose a category.")
    for field, text in (("situation", _("Describe the situation.")), ("analysis", _("Give your analysis.")),
                        ("suggestions", _("Make at least one concrete suggestion."))):
        if not getattr(proposal, field).strip():
            errors[field] = text
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def proposal_submit(*, actor, proposal: Proposal | int, accept_interim: bool = False,
                    at: datetime | None = None) -> Proposal:
    """Submit a complete draft: no invitation pending, a session proposal before the session deadline
    (after it only with accept_interim, which files it as interim), a collective one by an authorised user.
    Submitting twice is harmless. Notifies the proposal officers and the co-signers."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    if proposal.status == Status.SUBMITTED and proposal.author_id == getattr(actor, "pk", None):
        return proposal  # a double click: the first request did it
    check(WORKFLOW, proposal, Verb.SUBMIT, actor)
    _require_complete(proposal)
    pending = list(proposal.invitations.filter(status=InvitationStatus.PENDING)
                   .values_list("member__name", flat=True))
    if pending:
        raise NotReady(_("Waiting for %(names)s to answer the invitation to co-sign. Submit once every invitation "
                         "is answered, or withdraw it.") % {"names": "、".join(pending)})
    if proposal.is_collective and not access.authorised_organisations(actor).filter(
            party_id=proposal.organisation_party_id, sector_id=proposal.organisation_sector_id,
            special_committee_id=proposal.organisation_committee_id).exists():
        raise ProposalPermissionDenied(_("Only a user authorised by %(organisation)s can submit its collective "
                                         "proposals.") % {"organisation": proposal.organisation})
    fields = ["last_submitted_at", "revision_requested"]
    session = proposal.plenary_session
    today = local_day(at)
    if proposal.timing == Timing.SESSION and proposal.submitted_at is None and today > session.proposals_close_on:
        if not accept_interim:
            raise DeadlinePassed(_("The deadline for session proposals of %(session)s was %(date)s. You can still "
                                   "submit it as an interim proposal.")
                                 % {"session": session, "date": session.proposals_close_on.isoformat()})
        new_session, _timing = session_for(today)
        proposal.plenary_session, proposal.year, proposal.timing = new_session, new_session.year, Timing.INTERIM
        fields += ["plenary_session", "year", "timing"]
    if proposal.submitted_at is None:
        proposal.submitted_at = at
        fields.append("submitted_at")
    proposal.last_submitted_at, proposal.revision_requested = at, False
    fields += _sync_kind(proposal)
    transition(WORKFLOW, proposal, Verb.SUBMIT, actor, at=at, fields=fields)
    send(proposal_officers(), proposal=proposal, kind="submitted",
         title=_("New proposal submitted: %(proposal)s") % {"proposal": label(proposal)},
         body=_("Submitted by %(author)s; please review and register it.") % {"author": actor})
    cosigners = proposal.invitations.filter(status=InvitationStatus.ACCEPTED).values_list("member__user_id",
                                                                                          flat=True)
    send(users_by_ids(cosigners), proposal=proposal, kind="submitted_cosigned",
         title=_("The proposal you co-signed was submitted: %(proposal)s") % {"proposal": label(proposal)})
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor, proposal: Proposal | int, reason: str = "", at: datetime | None = None) -> Proposal:
    """The lead proposer withdraws a draft or a submitted, not yet registered proposal. Open invitations
    lapse. Notifies the officers if it had been submitted."""
    at = when(at)
    proposal = lock(Proposal, proposal)
    check(WORKFLOW, proposal, Verb.WITHDRAW, actor)
    reason = clean_text(reason, field="reason", label=_("The reason"), max_chars=REASON_MAX_CHARS)
    was_submitted = proposal.status == Status.SUBMITTED
    proposal.invitations.filter(status=InvitationStatus.PENDING).update(status=InvitationStatus.WITHDRAWN,
                                                                        answered_at=at)
    proposal.withdrawn_at = at
    transition(WORKFLOW, proposal, Verb.WITHDRAW, actor, at=at, fields=["withdrawn_at"], note=reason)
    if was_submitted:
        send(proposal_officers(), proposal=proposal, kind="withdrawn",
             title=_("Proposal withdrawn by its proposer: %(proposal)s") % {"proposal": label(proposal)}, body=reason)
    return proposal




__all__ = [
    "collective_authorisation_grant", "collective_authorisation_revoke", "session_for", "proposal_create_draft",
    "proposal_update_draft", "proposal_invite_cosigner", "proposal_withdraw_invitation", "invitation_accept",
    "invitation_decline", "proposal_submit", "proposal_withdraw", "CONTENT_FIELDS",
]
