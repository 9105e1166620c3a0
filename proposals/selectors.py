"""Every read that depends on who is asking. Objects outside the user's scope are 404 (Http404).

Scopes: proposal officers and leaders see every proposal ever submitted (never others' drafts);
handling-unit officers see proposals actively assigned to their units; members see their own,
co-signed (and invited) proposals and those their proposals were merged into; every member, officer
and leader reads the public archive (approved, not withheld replies, without contact details).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import rules
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from members.models import HandlingUnit
from zhongyuan_cppcc.core.masking import mask_text
from zhongyuan_cppcc.core.parameters import get_parameter
from zhongyuan_cppcc.lists.paging import cached_count
from zhongyuan_cppcc.workflow.history import RecentHistory, recent_steps

from . import access, similarity
from . import parameters as p
from .models import (
    Assignment,
    AssignmentAnswer,
    Attachment,
    AttachmentKind,
    ContactRecord,
    CosignerInvitation,
    InvitationStatus,
    Proposal,
    Rating,
    RatingStatus,
    Reply,
    ReplyStatus,
    Satisfaction,
    StatusChange,
)
from .models.proposal import RUNNING_STATUSES, urgency_expression
from .workflow import ANSWERED_STATUSES, DEADLINE_STATUSES, REGISTERED_STATUSES, WORKFLOW, Status, Verb

# Long text columns no list shows: leaving them out keeps the rows the database sorts and sends narrow.
HEAVY_COLUMNS = ("situation", "analysis", "suggestions", "search_vector", "title_vector", "revision_reason",
                 "rejection_note", "extension_reason", "followup_note", "withheld_reason")
# What a list row shows (no list shows the plenary session: its two joins cost planning time on every page).
LIST_RELATED = ("lead_member", "lead_unit", "organisation_party", "organisation_sector", "organisation_committee")
# What one proposal's pages always show. Its other relations are mostly empty (a collective's organisation, the
# supervising leader, the proposal it was merged into, the suggested unit): read only where they are set, which
# costs less than planning their joins on every page (11 joins took 15.6 ms to plan and 0.6 ms to run).
DETAIL_RELATED = ("lead_member", "lead_unit", "plenary_session__term")


def _roles(user) -> set[str]:
    return user.role_codes() if user and user.is_authenticated and user.is_active else set()


def _is_staff_reader(user) -> bool:
    return bool(_roles(user) & {"proposal_officer", "leader"})


# --- Scoped lists -------------------------------------------------------------------------------------------


def proposal_scope_q(user) -> Q | None:
    """The condition for every proposal this user may open outside the archive (None: nothing)."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    roles = _roles(user)
    parts = []
    if roles & {"proposal_officer", "leader"}:
        parts.append(access.staff_q())
    if "handler" in roles:
        parts.append(access.unit_q(user))
    # Members, and users filing collective proposals (who may hold no member role).
    parts.append(access.own_q(user))
    scope = parts[0]
    for part in parts[1:]:
        scope |= part
    return scope


def proposal_list_for(*, user) -> QuerySet[Proposal]:
    """Every proposal the user may open through their roles (not the archive)."""
    scope = proposal_scope_q(user)
    if scope is None:
        return Proposal.objects.none()
    return Proposal.objects.filter(scope).select_related(*LIST_RELATED)


def proposal_get_for(*, user, pk) -> Proposal:
    """One proposal the user may open (own scope or the public archive), else Http404.

    Read by its key alone, then checked with the object permission `proposals.view_proposal` (rules.py: the
    relations `proposal_scope_q` and the archive express in SQL, asked of one loaded proposal; the page's own
    permission checks ask the same relations, cached on the proposal). Reading it through the whole scope
    condition (six sub-selects for a member's own proposals) cost more to build and to plan than the read."""
    if not (user and user.is_authenticated and user.is_active):
        raise Http404
    try:
        proposal = Proposal.objects.select_related(*DETAIL_RELATED).get(pk=int(pk))
    except (Proposal.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if not rules.has_perm("proposals.view_proposal", user, proposal):
        raise Http404
    return proposal


def my_proposals_for(*, user) -> QuerySet[Proposal]:
    """The member's screen: own proposals, co-signings and invitations, and proposals followed by merge."""
    if not (user and user.is_authenticated):
        return Proposal.objects.none()
    return (Proposal.objects.filter(access.own_q(user)).select_related(*LIST_RELATED)
            .order_by("-created_at", "-pk"))


def invitations_waiting_for(*, user) -> QuerySet[CosignerInvitation]:
    """Invitations to co-sign that the user has not answered yet."""
    if not (user and user.is_authenticated):
        return CosignerInvitation.objects.none()
    return (CosignerInvitation.objects.filter(member__user=user, status=InvitationStatus.PENDING,
                                              proposal__status=Status.DRAFT)
            .select_related("proposal", "proposal__lead_member", "invited_by").order_by("invited_at"))


def unit_proposals_for(*, user, unit: HandlingUnit | None = None, today: date | None = None) -> QuerySet[Proposal]:
    """The handling unit's list, most urgent first: running deadlines by due date, then the rest.
    Annotated with `is_overdue` (running deadline passed) and `urgency` (0 running, 1 other)."""
    if "handler" not in _roles(user):
        return Proposal.objects.none()
    today = today or timezone.localdate()
    running = Q(status__in=RUNNING_STATUSES)
    # The ORDER BY is the expression of the index prop_urgency_idx, so a page is read off that index.
    return (Proposal.objects.filter(access.unit_q(user, unit.pk if unit else None))
            .select_related(*LIST_RELATED)
            .annotate(urgency=urgency_expression(),
                      is_overdue=Case(When(running & Q(reply_due_on__lt=today), then=Value(True)),
                                      default=Value(False)))
            .order_by("urgency", "reply_due_on", "pk"))


def unit_proposals_count(*, user, unit: HandlingUnit | None = None) -> int:
    """len(unit_proposals_for(user=user, unit=unit)), counted on the active assignments alone (every
    assignment's proposal exists, so its distinct proposal ids are exactly the listed proposals)."""
    if "handler" not in _roles(user):
        return 0
    return cached_count(access.unit_assignments(user, unit.pk if unit else None).values("proposal_id").distinct())


# The home counters' subsets of a list (?show=…): the counter and the list it opens apply the same condition.
UNIT_SHOW = ("running", "overdue", "pending")
MINE_SHOW = ("invitations", "to_rate")


def unit_show_q(*, user, show: str, today: date) -> Q:
    """Of the unit list: being handled (running deadline), overdue, or waiting for our answer to an assignment."""
    if show == "running":
        return Q(status__in=DEADLINE_STATUSES)
    if show == "overdue":
        return Q(status__in=DEADLINE_STATUSES, reply_due_on__lt=today)
    if show == "pending":
        return Q(pk__in=Assignment.objects.filter(unit__officers=user, superseded_at__isnull=True,
                                                  answer=AssignmentAnswer.PENDING).values("proposal_id"))
    return Q()


def mine_show_q(*, user, show: str) -> Q:
    """Of the member's list: proposals inviting me to co-sign, or replies waiting for my rating."""
    if show == "invitations":
        return Q(pk__in=invitations_waiting_for(user=user).values("proposal_id"))
    if show == "to_rate":
        return Q(pk__in=Rating.objects.filter(user=user, status=RatingStatus.OPEN, round=F("proposal__reply_round"),
                                              proposal__status=Status.REPLIED).values("proposal_id"))
    return Q()


def officer_proposals_for(*, user) -> QuerySet[Proposal]:
    """Officers' and leaders' list: everything submitted, newest number first (filtered by
    filters.ProposalFilterSet)."""
    if not _is_staff_reader(user):
        return Proposal.objects.none()
    qs = Proposal.objects.filter(access.staff_q()).select_related(*LIST_RELATED)
    return qs.order_by("-year", "-serial", "-submitted_at", "-pk")


def reply_approval_queue_for(*, user) -> QuerySet[Proposal]:
    """Replies waiting for the officer's approval, oldest first."""
    if "proposal_officer" not in _roles(user):
        return Proposal.objects.none()
    return (Proposal.objects.filter(status__in=[Status.REPLY_REVIEW, Status.REHANDLING_REVIEW])
            .select_related(*LIST_RELATED).order_by("reply_submitted_at", "pk"))


def key_proposals_for(*, user, year: int | None = None) -> QuerySet[Proposal]:
    """Key proposals (leaders: the ones they supervise first)."""
    if not _is_staff_reader(user):
        return Proposal.objects.none()
    qs = Proposal.objects.filter(is_key=True, status__in=REGISTERED_STATUSES).select_related(
        *LIST_RELATED, "supervising_leader")
    if year:
        qs = qs.filter(year=year)
    mine = Case(When(supervising_leader=user, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(mine_first=mine).order_by("mine_first", "reply_due_on", "pk")


# --- Archive and search -------------------------------------------------------------------------------------


def text_search(qs: QuerySet[Proposal], text: str) -> QuerySet[Proposal]:
    """Filter by Chinese text: every bigram of `text` in the title or frequent body words (PostgreSQL),
    or a title/body substring match elsewhere and for one-character searches."""
    text = (text or "").strip()[:100]
    if not text:
        return qs
    terms = similarity.search_terms(text)
    if not terms:
        return qs.filter(Q(title__icontains=text) | Q(situation__icontains=text) | Q(suggestions__icontains=text))
    if similarity.is_postgresql():
        from django.db.models.expressions import RawSQL

        literal = similarity.search_query_literal(text)
        return qs.annotate(_match=RawSQL("search_vector @@ %s::tsquery", [literal])).filter(_match=True)
    for term in terms:
        qs = qs.filter(Q(title__icontains=term) | Q(situation__icontains=term) | Q(analysis__icontains=term)
                       | Q(suggestions__icontains=term))
    return qs


def archive_for(*, user, text: str = "", year: int | None = None, category: str | None = None) -> QuerySet[Proposal]:
    """The searchable public archive of past proposals with approved replies (not withheld)."""
    if not rules.has_perm("proposals.view_archive", user):
        return Proposal.objects.none()
    qs = Proposal.objects.filter(access.archive_q()).select_related(*LIST_RELATED)
    if year:
        qs = qs.filter(year=year)
    if category:
        qs = qs.filter(category=category)
    return text_search(qs, text).order_by("-year", "-serial", "-pk")


@dataclass
class SimilarProposal:
    proposal: Proposal
    score: float
    replies: list[Reply] = field(default_factory=list)


def similar_proposals(*, user, title: str, body: str, exclude_pk: int | None = None,
                      limit: int | None = None) -> list[SimilarProposal]:
    """Earlier proposals most similar to this text (character bigrams of title and body), each with its
    approved replies — from the archive, plus registered ones still being handled. Shown before submitting."""
    limit = limit or get_parameter(p.SIMILAR_LIMIT)
    base = Proposal.objects.filter(status__in=REGISTERED_STATUSES, publication_withheld=False)
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    if similarity.is_postgresql():
        rows = _similar_postgresql(base, title, body, limit)
    else:
        rows = _similar_python(base, title, body, limit)
    if not rows:
        return []
    by_pk = {proposal.pk: proposal for proposal in Proposal.objects.filter(pk__in=[pk for pk, _s in rows])
             .select_related(*LIST_RELATED).prefetch_related(
                 Prefetch("replies", queryset=Reply.objects.filter(status=ReplyStatus.APPROVED).order_by("round"),
                          to_attr="approved_replies"))}
    result = []
    for pk, score in rows:
        proposal = by_pk[pk]
        replies = [_public_reply(r) for r in proposal.approved_replies]
        result.append(SimilarProposal(proposal=proposal, score=round(float(score), 4), replies=replies))
    return result


CANDIDATES = 200


def _similar_postgresql(base: QuerySet, title: str, body: str, limit: int) -> list[tuple[int, float]]:
    from django.db.models import FloatField
    from django.db.models.expressions import RawSQL

    literals = similarity.query_literals(title, body)
    if literals is None:
        return []
    candidate, title_ranking, ranking = literals
    # Step 1: the best CANDIDATES titles among those sharing our title's words (title vectors are tiny
    # and stored inline, so even a common word ranks fast). Step 2: re-rank those with the bodies.
    shortlist = (base.annotate(_match=RawSQL("title_vector @@ %s::tsquery", [candidate]))
                 .filter(_match=True)
                 .annotate(_title_rank=RawSQL("ts_rank(title_vector, %s::tsquery)", [title_ranking],
                                              output_field=FloatField()))
                 .order_by("-_title_rank", "-pk").values("pk")[:CANDIDATES])
    score = RawSQL("ts_rank(search_vector, %s::tsquery) + ts_rank(title_vector, %s::tsquery)",
                   [ranking, title_ranking], output_field=FloatField())
    qs = (Proposal.objects.filter(pk__in=shortlist).annotate(score=score)
          .order_by("-score", "-pk").values_list("pk", "score")[:limit])
    return list(qs)


def _similar_python(base: QuerySet, title: str, body: str, limit: int) -> list[tuple[int, float]]:
    seeds = similarity.title_tokens(title)[:6] or similarity.body_tokens(body, limit=6)
    if not seeds:
        return []
    condition = Q()
    for token in seeds:
        condition |= Q(title__contains=token)
    rows = base.filter(condition).values_list("pk", "title", "situation", "analysis", "suggestions")[:2000]
    scored = [(pk, similarity.python_score(title, body, t, "\n".join((s, a, g)))) for pk, t, s, a, g in rows]
    scored = [row for row in scored if row[1] > 0]
    scored.sort(key=lambda row: (-row[1], -row[0]))
    return scored[:limit]


def _public_reply(reply: Reply) -> Reply:
    """The reply as the archive shows it: no contact person, phone or signed document, numbers masked."""
    reply.contact_person = reply.contact_phone = ""
    reply.document_id = None
    reply.text = mask_text(reply.text)
    return reply


# --- One proposal's parts -----------------------------------------------------------------------------------


def replies_for(*, user, proposal: Proposal) -> list[Reply]:
    """Replies the viewer may read: proposers and the archive only approved ones (the archive without
    contact details); the lead unit also its own drafts; officers and leaders everything submitted."""
    qs = Reply.objects.filter(proposal=proposal).select_related("unit", "document").order_by("round")
    if _is_staff_reader(user) and proposal.submitted_at is not None:
        return list(qs.exclude(status=ReplyStatus.DRAFT))
    if access.is_lead_handler(user, proposal) and "handler" in _roles(user):
        return list(qs.filter(Q(status=ReplyStatus.APPROVED) | Q(unit_id=proposal.lead_unit_id)))
    approved = list(qs.filter(status=ReplyStatus.APPROVED))
    if access.is_proposer(user, proposal) or access.handler_roles(user, proposal):
        return approved
    return [_public_reply(r) for r in approved] if proposal.is_public else []


def ratings_for(*, user, proposal: Proposal) -> list[Rating]:
    """Individual ratings the viewer may see. Handling units: none before the proposal is closed.
    Proposers: their own. Officers and leaders: all."""
    qs = Rating.objects.filter(proposal=proposal, status=RatingStatus.RATED).select_related("user", "member")
    if rules.has_perm("proposals.view_ratings_proposal", user, proposal):
        return list(qs.order_by("round", "rated_at"))
    if user and user.is_authenticated and access.is_proposer(user, proposal):
        return list(qs.filter(user=user).order_by("round"))
    return []


def open_rating_for(*, user, proposal: Proposal) -> Rating | None:
    """The rating this user still owes for the current reply, if any."""
    if not (user and user.is_authenticated):
        return None
    return Rating.objects.filter(proposal=proposal, user=user, round=proposal.reply_round,
                                 status=RatingStatus.OPEN).first()


def assignments_for(*, user, proposal: Proposal, include_superseded: bool = False) -> list[Assignment]:
    """The proposal's assignment rows (units and their answers). Objection reasons and co-handling
    opinions are internal: proposers and archive readers get the units only."""
    qs = Assignment.objects.filter(proposal=proposal).select_related("unit", "opinion_attachment")
    if not include_superseded:
        qs = qs.filter(superseded_at__isnull=True)
    rows = list(qs.order_by("round", "role", "unit__order", "pk"))
    if not rules.has_perm("proposals.view_internal_proposal", user, proposal):
        for row in rows:
            row.objection_reason = row.opinion_text = ""
            row.opinion_attachment_id = None
    return rows


def my_assignments_for(*, user, proposal: Proposal) -> list[Assignment]:
    """The active assignment rows of the user's own units (what they may accept, object to, answer)."""
    return list(Assignment.objects.filter(proposal=proposal, superseded_at__isnull=True, unit__officers=user)
                .select_related("unit"))


def contacts_for(*, user, proposal: Proposal) -> list[ContactRecord]:
    if not (rules.has_perm("proposals.view_internal_proposal", user, proposal) or access.is_proposer(user, proposal)):
        return []
    return list(ContactRecord.objects.filter(proposal=proposal).select_related("unit").order_by("contacted_on", "pk"))


def invitations_for(*, user, proposal: Proposal) -> list[CosignerInvitation]:
    if not rules.has_perm("proposals.view_contact_details_proposal", user, proposal):
        return []
    return list(CosignerInvitation.objects.filter(proposal=proposal).select_related("member").order_by("invited_at"))


def actions_for(*, user, proposal: Proposal) -> list[str]:
    """The verbs this user may perform on the proposal now (for the detail page's buttons). Verbs on an
    invitation or an assignment row are included when the user holds one that can take them."""

    return [verb for verb in Verb.values if rules.has_perm(WORKFLOW.permission_name(verb), user, proposal)]


@dataclass
class TimelineEntry:
    at: datetime
    verb: str
    verb_label: str
    from_status: str
    to_status: str
    actor: str
    note: str


# Timeline steps proposers and archive readers do not see (work between the office and the units).
INTERNAL_VERBS = frozenset({Verb.ACCEPT_ASSIGNMENT, Verb.OBJECT_ASSIGNMENT, Verb.SUBMIT_CO_OPINION,
                            Verb.RATE_QUALITY, Verb.SUBMIT_REPLY, Verb.RETURN_REPLY, Verb.SAVE_REPLY})
PUBLIC_VERBS = frozenset({Verb.SUBMIT, Verb.REGISTER, Verb.ASSIGN, Verb.REASSIGN, Verb.APPROVE_REPLY,
                          Verb.REHANDLE, Verb.CLOSE, Verb.MERGE})


def timeline_for(*, user, proposal: Proposal, whole: bool = False) -> RecentHistory:
    """The proposal's history as the viewer may see it, oldest first, as TimelineEntry rows: the latest steps
    (workflow.history), or all of them when `whole`. One query, whatever its length. Never shows who rated:
    rating steps have no actor."""
    internal = rules.has_perm("proposals.view_internal_proposal", user, proposal)
    related = rules.has_perm("proposals.view_contact_details_proposal", user, proposal)
    qs = StatusChange.objects.filter(proposal=proposal).select_related("actor").order_by("at", "pk")
    if not internal:
        qs = qs.exclude(verb__in=INTERNAL_VERBS)
    if not related:
        qs = qs.filter(verb__in=PUBLIC_VERBS)
    history = recent_steps(qs, whole=whole)
    history.rows = [TimelineEntry(
        at=change.at, verb=change.verb, verb_label=str(Verb(change.verb).label) if change.verb in Verb.values
        else change.verb, from_status=change.from_status, to_status=change.to_status,
        actor=str(change.actor) if (change.actor and related) else "",
        note=change.note if related else "") for change in history.rows]
    return history


def attachments_for(*, user, proposal: Proposal) -> list[Attachment]:
    """Attachments the viewer may download (see attachment_visible_to)."""
    rows = list(Attachment.objects.filter(proposal=proposal).order_by("uploaded_at", "pk"))
    if not rows:
        return []
    # Two lookups for the whole list (not one per attachment): approved reply documents, the user's units.
    approved = frozenset(Reply.objects.filter(proposal=proposal, status=ReplyStatus.APPROVED,
                                              document__isnull=False).values_list("document_id", flat=True))
    units = (frozenset(HandlingUnit.objects.filter(officers=user).values_list("pk", flat=True))
             if "handler" in _roles(user) else frozenset())
    return [a for a in rows if attachment_visible_to(user, a, proposal=proposal, approved_documents=approved,
                                                     my_unit_ids=units)]


def attachment_visible_to(user, attachment: Attachment, *, proposal: Proposal | None = None,
                          approved_documents: frozenset[int] | None = None,
                          my_unit_ids: frozenset[int] | None = None) -> bool:
    """Material: anyone in the proposal's own circle (not archive readers). Signed reply documents: the
    office, the lead unit, and — once approved — proposers and co-handling units. Co-handling opinion
    documents: the office, the lead unit and the unit that wrote it."""
    proposal = proposal or attachment.proposal
    if not (user and user.is_authenticated and user.is_active):
        return False
    staff = _is_staff_reader(user) and proposal.submitted_at is not None
    handler = "handler" in _roles(user)
    unit_roles = access.handler_roles(user, proposal) if handler else frozenset()
    if attachment.kind == AttachmentKind.MATERIAL:
        return rules.has_perm("proposals.view_contact_details_proposal", user, proposal)
    if attachment.kind == AttachmentKind.REPLY_DOCUMENT:
        if staff or "lead" in unit_roles:
            return True
        if approved_documents is not None:
            approved = attachment.pk in approved_documents
        else:
            approved = Reply.objects.filter(document=attachment, status=ReplyStatus.APPROVED).exists()
        return approved and (bool(unit_roles) or access.is_proposer(user, proposal))
    if attachment.kind == AttachmentKind.CO_OPINION:
        if staff or "lead" in unit_roles:
            return True
        if not handler or attachment.unit_id is None:
            return False
        if my_unit_ids is not None:
            return attachment.unit_id in my_unit_ids
        return HandlingUnit.objects.filter(pk=attachment.unit_id, officers=user).exists()
    return False


def attachment_get_for(*, user, pk) -> Attachment:
    """An attachment the user may download, else Http404 (also for attachments of invisible proposals)."""
    try:
        attachment = Attachment.objects.select_related("proposal").get(pk=int(pk))
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not attachment_visible_to(user, attachment):
        raise Http404
    return attachment


# --- Statistics (one query each) ------------------------------------------------------------------------------


@dataclass
class Figures:
    registered: int = 0
    replied: int = 0
    closed: int = 0
    overdue: int = 0
    key: int = 0
    excellent: int = 0
    rated: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0

    @property
    def reply_rate(self) -> float | None:
        """办复率 = replied-or-closed ÷ registered (a proposal counts as replied once a reply is approved)."""
        return self.replied / self.registered if self.registered else None

    @property
    def satisfaction_rate(self) -> float | None:
        """(satisfied + basically satisfied) ÷ ratings given, over each proposal's final reply round."""
        return (self.satisfied + self.basically_satisfied) / self.rated if self.rated else None


def _registered() -> QuerySet[Proposal]:
    # Merged proposals follow their main proposal and are not counted twice.
    return Proposal.objects.filter(status__in=REGISTERED_STATUSES)


def _proposal_counts(today: date) -> dict:
    return dict(
        registered=Count("pk"),
        replied=Count("pk", filter=Q(replied_at__isnull=False)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        overdue=Count("pk", filter=Q(status__in=DEADLINE_STATUSES, reply_due_on__lt=today)),
        key=Count("pk", filter=Q(is_key=True)),
        excellent=Count("pk", filter=Q(is_excellent=True)),
    )


def _rating_counts() -> dict:
    return dict(
        rated=Count("pk"),
        satisfied=Count("pk", filter=Q(overall=Satisfaction.SATISFIED)),
        basically_satisfied=Count("pk", filter=Q(overall=Satisfaction.BASICALLY_SATISFIED)),
        dissatisfied=Count("pk", filter=Q(overall=Satisfaction.DISSATISFIED)),
    )


def _final_ratings() -> QuerySet[Rating]:
    from django.db.models import F

    return Rating.objects.filter(status=RatingStatus.RATED, round=F("proposal__reply_round"),
                                 proposal__status__in=ANSWERED_STATUSES)


def dashboard_q(*, street=None, unit=None, prefix: str = "") -> Q:
    """The dashboard's street / handling-unit filter on proposals (`prefix` for a related model's query): a
    proposal belongs to the street working committee of its lead proposer, and to its lead unit. The officer
    list's `street` and `unit` filters apply the same conditions."""
    q = Q()
    if street is not None:
        q &= Q(**{f"{prefix}lead_member__street": street})
    if unit is not None:
        q &= Q(**{f"{prefix}lead_unit": unit})
    return q


def proposer_party():
    """A proposal's party: the party organisation that filed it, else its lead proposer's party."""
    from django.db.models.functions import Coalesce

    return Coalesce("organisation_party", "lead_member__party")


def proposer_sector():
    """A proposal's sector: the sector group that filed it, else its lead proposer's sector."""
    from django.db.models.functions import Coalesce

    return Coalesce("organisation_sector", "lead_member__sector")


def proposal_figures_by_year(*, years: list[int], today: date | None = None, street=None,
                             unit=None) -> dict[int, Figures]:
    """Registered, replied, closed, overdue, key, excellent per proposal year (one query)."""
    today = today or timezone.localdate()
    result = {year: Figures() for year in years}
    for row in (_registered().filter(dashboard_q(street=street, unit=unit), year__in=years).values("year")
                .annotate(**_proposal_counts(today)).order_by()):
        figures = result[row.pop("year")]
        for name, value in row.items():
            setattr(figures, name, value)
    return result


def satisfaction_by_year(*, years: list[int], street=None, unit=None) -> dict[int, Figures]:
    """Final-round ratings per proposal year (one query); read .satisfaction_rate."""
    result = {year: Figures() for year in years}
    for row in (_final_ratings().filter(dashboard_q(street=street, unit=unit, prefix="proposal__"),
                                        proposal__year__in=years).values("proposal__year")
                .annotate(**_rating_counts()).order_by()):
        figures = result[row.pop("proposal__year")]
        for name, value in row.items():
            setattr(figures, name, value)
    return result


BREAKDOWNS = ("month", "street", "party", "sector")


def registered_breakdowns(*, year: int, by: tuple[str, ...] = BREAKDOWNS, street=None, unit=None) -> dict[str, dict]:
    """{breakdown: counts} of the year's registered proposals per month of submission (`"month"`, keys are the
    first day of the month, None for none), per lead proposer's street, per party or per sector (keys are primary
    keys, None for none). One GROUP BY over every asked key at once, summed here: one pass over the year's
    proposals instead of one per chart. Each breakdown's counts add up to the year's registered figure."""
    from django.db.models.functions import Coalesce, TruncMonth

    keys = {"month": TruncMonth(Coalesce("submitted_at", "registered_at")), "street": F("lead_member__street"),
            "party": proposer_party(), "sector": proposer_sector()}
    rows = (_registered().filter(dashboard_q(street=street, unit=unit), year=year).order_by()
            .annotate(**{f"by_{name}": keys[name] for name in by}).values(*(f"by_{name}" for name in by))
            .annotate(n=Count("pk")))
    result: dict[str, dict] = {name: {} for name in by}
    for row in rows:
        for name in by:
            key = row[f"by_{name}"]
            if name == "month" and key is not None:
                key = key.date()
            counts = result[name]
            counts[key] = counts.get(key, 0) + row["n"]
    return result


@dataclass
class UnitFigures(Figures):
    unit: HandlingUnit | None = None
    co_handled: int = 0


def unit_figures(*, year: int, today: date | None = None, street=None, unit=None) -> list[UnitFigures]:
    """The officer's per-unit table for a year: proposals led (assigned), replied, overdue, reply rate,
    satisfaction rate, co-handled. Four queries whatever the number of units."""
    today = today or timezone.localdate()
    units = {u.pk: UnitFigures(unit=u) for u in HandlingUnit.objects.all()}
    rows = (_registered().filter(dashboard_q(street=street, unit=unit), year=year, lead_unit__isnull=False)
            .values("lead_unit").annotate(**_proposal_counts(today)).order_by())
    for row in rows:
        figures = units.get(row.pop("lead_unit"))
        for name, value in row.items():
            setattr(figures, name, value)
    for row in (_final_ratings().filter(dashboard_q(street=street, unit=unit, prefix="proposal__"),
                                        proposal__year=year, proposal__lead_unit__isnull=False)
                .values("proposal__lead_unit").annotate(**_rating_counts()).order_by()):
        figures = units.get(row.pop("proposal__lead_unit"))
        for name, value in row.items():
            setattr(figures, name, value)
    co_rows = (Assignment.objects.filter(dashboard_q(street=street, unit=unit, prefix="proposal__"), role="co",
                                         superseded_at__isnull=True, proposal__year=year,
                                         proposal__status__in=REGISTERED_STATUSES)
               .values("unit").annotate(n=Count("proposal", distinct=True)).order_by())
    for row in co_rows:
        units[row["unit"]].co_handled = row["n"]
    return [f for f in units.values() if f.unit.is_active or f.registered or f.co_handled]
