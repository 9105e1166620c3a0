"""Who stands in which relation to a proposal. Shared by rules.py (one object) and selectors.py (SQL).

The per-object answers are cached on the proposal instance, so a page that asks a dozen permissions
about one proposal runs each relation query once."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Assignment, AssignmentRole, CollectiveAuthorisation, CosignerInvitation, InvitationStatus, Proposal
from .workflow import ANSWERED_STATUSES

LIVE_INVITATIONS = (InvitationStatus.PENDING, InvitationStatus.ACCEPTED)


def _cache(proposal: Proposal, key: str, compute):
    cache = proposal.__dict__.setdefault("_access_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def forget(proposal: Proposal) -> None:
    proposal.__dict__.pop("_access_cache", None)


def proposer_user_ids(proposal: Proposal) -> frozenset[int]:
    """Users who are proposers of this proposal: the author (lead proposer or the collective's authorised
    user), accepted co-signers, and the proposers of every proposal merged into it."""

    def compute() -> frozenset[int]:
        # Two narrow reads rather than one UNION of three sub-selects, which took longer to compile and plan
        # than to run. The proposal and those merged into it, with their authors and lead members' users:
        rows = list(Proposal.objects.filter(Q(pk=proposal.pk) | Q(merged_into=proposal.pk)).order_by()
                    .values_list("pk", "author_id", "lead_member__user_id"))
        users = {uid for _pk, author, lead in rows for uid in (author, lead) if uid is not None}
        # … and their accepted co-signers: proposal_id IN (those ids), an index lookup per proposal, never a
        # walk over every accepted invitation (which an OR across the join would force).
        users.update(CosignerInvitation.objects.filter(
            proposal__in=[pk for pk, _author, _lead in rows], status=InvitationStatus.ACCEPTED,
            member__user__isnull=False,
        ).order_by().values_list("member__user_id", flat=True))
        return frozenset(users)

    return _cache(proposal, "proposers", compute)


def is_lead(user, proposal: Proposal) -> bool:
    """The lead proposer: the draft's author (for a collective proposal, its authorised user)."""
    return bool(user and user.is_authenticated and proposal.author_id == user.pk)


def is_proposer(user, proposal: Proposal) -> bool:
    return bool(user and user.is_authenticated and user.pk in proposer_user_ids(proposal))


def is_pending_invitee(user, proposal: Proposal) -> bool:
    if not (user and user.is_authenticated):
        return False
    return _cache(proposal, f"invitee:{user.pk}", lambda: CosignerInvitation.objects.filter(
        proposal=proposal.pk, member__user=user, status=InvitationStatus.PENDING).exists())


def handler_roles(user, proposal: Proposal) -> frozenset[str]:
    """The roles ("lead", "co") the user's units hold in the proposal's active assignment."""
    if not (user and user.is_authenticated):
        return frozenset()
    return _cache(proposal, f"handler:{user.pk}", lambda: frozenset(Assignment.objects.filter(
        proposal=proposal.pk, superseded_at__isnull=True, unit__officers=user).values_list("role", flat=True)))


def is_lead_handler(user, proposal: Proposal) -> bool:
    return AssignmentRole.LEAD in handler_roles(user, proposal)


def is_co_handler(user, proposal: Proposal) -> bool:
    return AssignmentRole.CO in handler_roles(user, proposal)


COLLECTIVE_FACT = "_collective_auth"


def has_collective_authorisation(user) -> bool:
    """A current authorisation to submit on behalf of an organisation (loaded with the request's user:
    accounts.facts)."""
    if not (user and user.is_authenticated):
        return False
    if COLLECTIVE_FACT not in user.__dict__:
        user.__dict__[COLLECTIVE_FACT] = authorised_organisations(user).exists()
    return user.__dict__[COLLECTIVE_FACT]


def collective_authorisation_fact() -> Exists:
    """has_collective_authorisation() as an expression over a user row, for accounts.facts."""
    return Exists(authorised_organisations(OuterRef("pk")))


# --- The same relations as SQL conditions, for scoped querysets -----------------------------------------


def own_q(user) -> Q:
    """Proposals the user leads, co-signs (or is invited to), or follows through a merge.

    One `pk IN (… UNION ALL …)` of indexed look-ups (author, lead member, invitations, merges): an OR of
    these conditions joined to the member table made PostgreSQL scan every proposal for each member's
    list (hundreds of milliseconds at 300,000 proposals); this stays at a few milliseconds."""
    from members.models import Member

    lead = Member.objects.filter(user=user).order_by().values("pk")
    accepted = (CosignerInvitation.objects.filter(member__user=user, status=InvitationStatus.ACCEPTED)
                .order_by().values("proposal_id"))
    merged = Proposal.objects.filter(merged_into__isnull=False).order_by()
    # Followed through a merge: the proposals the user's own (authored, led, co-signed) were merged into, one
    # look-up per way of owning (an OR of the three scanned the merged proposals: 209 ms per use at 300,000
    # proposals, against 0.5 ms for the three look-ups; a member's home page uses it three times).
    followed = [merged.filter(author=user).values("merged_into_id"),
                merged.filter(lead_member__in=lead).values("merged_into_id"),
                merged.filter(pk__in=accepted).values("merged_into_id")]
    ids = Proposal.objects.filter(author=user).order_by().values("pk").union(
        Proposal.objects.filter(lead_member__in=lead).order_by().values("pk"),
        CosignerInvitation.objects.filter(member__user=user, status__in=LIVE_INVITATIONS).order_by().values(
            "proposal_id"),
        *followed, all=True)
    return Q(pk__in=ids)


def unit_assignments(user, unit_id: int | None = None) -> QuerySet[Assignment]:
    """The active assignments of the user's units (or of `unit_id` among them)."""
    assignments = Assignment.objects.filter(superseded_at__isnull=True, unit__officers=user)
    if unit_id is not None:
        assignments = assignments.filter(unit_id=unit_id)
    return assignments


def unit_q(user, unit_id: int | None = None) -> Q:
    """Proposals actively assigned to one of the user's units (or to `unit_id` among them)."""
    return Q(pk__in=unit_assignments(user, unit_id).values("proposal_id"))


def staff_q() -> Q:
    """What proposal officers and leaders see: everything ever submitted (drafts stay private)."""
    return Q(submitted_at__isnull=False)


def archive_q() -> Q:
    """The public archive: proposals with an approved reply that no officer withheld."""
    return Q(status__in=ANSWERED_STATUSES, publication_withheld=False)


def authorised_organisations(user) -> QuerySet[CollectiveAuthorisation]:
    return CollectiveAuthorisation.objects.filter(user=user, revoked_at__isnull=True)
