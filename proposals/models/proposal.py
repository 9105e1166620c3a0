"""The proposal itself, its co-signers, collective authorisations and registration numbers."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from members.models import HandlingUnit, Member, Party, PlenarySession, Sector, SpecialCommittee

from ..workflow import ANSWERED_STATUSES, DEADLINE_STATUSES, Status

TITLE_MAX_CHARS = 100
# Per part of the body (situation, analysis, suggestions). A proposal is one matter (一事一案):
# ten thousand characters per part is far beyond any real proposal and keeps pages and exports sane.
BODY_PART_MAX_CHARS = 10_000
COMMENT_MAX_CHARS = 2_000
REASON_MAX_CHARS = 1_000


# Statuses whose reply deadline runs, in a fixed order: the unit list's ORDER BY must spell the urgency
# expression exactly as its index does (a frozenset's order changes from process to process).
RUNNING_STATUSES = tuple(sorted(DEADLINE_STATUSES))


def urgency_expression() -> Case:
    """0 while the reply deadline runs, else 1: the first key of the handling-unit list (indexed)."""
    return Case(When(status__in=RUNNING_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField())


class Category(models.TextChoices):
    ECONOMY = "economy", _("Economic development")
    URBAN = "urban", _("Urban construction and management")
    EDUCATION = "education", _("Education, science and technology")
    HEALTH = "health", _("Health care")
    CULTURE = "culture", _("Culture and tourism")
    SOCIAL = "social", _("Social affairs and livelihood")
    ECOLOGY = "ecology", _("Ecology and environment")
    GOVERNANCE = "governance", _("Governance and rule of law")
    OTHER = "other", _("Other")


class ProposerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual proposal")
    JOINT = "joint", _("Joint proposal")
    COLLECTIVE = "collective", _("Collective proposal")


class Timing(models.TextChoices):
    SESSION = "session", _("Session proposal")
    INTERIM = "interim", _("Interim proposal")


class OrganisationKind(models.TextChoices):
    PARTY = "party", _("Party")
    SECTOR = "sector", _("Sector group")
    SPECIAL_COMMITTEE = "special_committee", _("Special committee")


class RejectionGround(models.TextChoices):
    """The fixed grounds for not registering a proposal (DESIGN.md §3); the proposer sees the ground."""

    STATE_SECRETS = "state_secrets", _("Involves state secrets")
    PROHIBITED = "prohibited", _("Involves matters that may not be publicised")
    PARTY_PERSONNEL = "party_personnel", _("Concerns Party personnel matters")
    PARTY_INTERNAL = "party_internal", _("Concerns the internal affairs of a party")
    LITIGATION = "litigation", _("Concerns a matter in litigation or arbitration")
    ACADEMIC = "academic", _("Academic discussion")
    PERSONAL = "personal", _("Personal or family matter")
    ADVERTISING = "advertising", _("Promotes a product or company")
    ACCUSATION = "accusation", _("Accuses a named person or organisation")
    NO_SUGGESTION = "no_suggestion", _("Has no concrete suggestion")


class DeadlineBasis(models.TextChoices):
    """How the current reply deadline was computed (messages explain deadlines with this)."""

    ASSIGNMENT = "assignment", _("months after assignment")
    CUSTOM = "custom", _("set by the proposal officer at assignment")
    EXTENSION = "extension", _("extended by the proposal officer")
    REHANDLING = "rehandling", _("months after the proposer's dissatisfied rating")


class ClosedReason(models.TextChoices):
    RATED = "rated", _("All proposers rated the reply")
    WINDOW_PASSED = "window_passed", _("The rating period ended")


class CollectiveAuthorisation(models.Model):
    """A user allowed to file collective proposals for one party, sector group or special committee."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="collective_authorisations")
    party = models.ForeignKey(Party, verbose_name=_("party"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    special_committee = models.ForeignKey(SpecialCommittee, verbose_name=_("special committee"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("granted at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("collective-proposal authorisation")
        verbose_name_plural = _("collective-proposal authorisations")
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(party__isnull=False, sector__isnull=True, special_committee__isnull=True)
                    | Q(party__isnull=True, sector__isnull=False, special_committee__isnull=True)
                    | Q(party__isnull=True, sector__isnull=True, special_committee__isnull=False)
                ),
                name="collective_auth_one_organisation",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="prop_collauth_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"

    @property
    def organisation(self):
        return self.party or self.sector or self.special_committee

    @property
    def organisation_kind(self) -> str:
        if self.party_id:
            return OrganisationKind.PARTY
        if self.sector_id:
            return OrganisationKind.SECTOR
        return OrganisationKind.SPECIAL_COMMITTEE

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Proposal(models.Model):
    """A 提案. Status changes only through proposals.services; every date reminders need is a column."""

    # --- Content -------------------------------------------------------------------------------
    title = models.CharField(_("title (案由)"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    situation = models.TextField(_("situation"), blank=True)
    analysis = models.TextField(_("analysis"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    # Compact pinyin and initials of the title ("xuewei|xw"), kept by zhongyuan_cppcc.search on save.
    search_pinyin = models.TextField(blank=True, default="", editable=False)
    suggested_lead_unit = models.ForeignKey(HandlingUnit, verbose_name=_("suggested lead unit"), null=True,
                                            blank=True, on_delete=models.SET_NULL, related_name="+")
    suggested_co_units = models.ManyToManyField(HandlingUnit, verbose_name=_("suggested co-handling units"),
                                                blank=True, related_name="+")

    # --- Proposers -----------------------------------------------------------------------------
    kind = models.CharField(_("proposer kind"), max_length=12, choices=ProposerKind.choices,
                            default=ProposerKind.INDIVIDUAL)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="authored_proposals")
    lead_member = models.ForeignKey(Member, verbose_name=_("lead proposer"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="led_proposals")
    organisation_party = models.ForeignKey(Party, verbose_name=_("party"), null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="proposals")
    organisation_sector = models.ForeignKey(Sector, verbose_name=_("sector group"), null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="proposals")
    organisation_committee = models.ForeignKey(SpecialCommittee, verbose_name=_("special committee"),
                                               null=True, blank=True, on_delete=models.PROTECT,
                                               related_name="proposals")

    # --- Session and number --------------------------------------------------------------------
    plenary_session = models.ForeignKey(PlenarySession, verbose_name=_("plenary session"),
                                        on_delete=models.PROTECT, related_name="proposals")
    year = models.PositiveSmallIntegerField(_("year"))
    timing = models.CharField(_("session or interim"), max_length=10, choices=Timing.choices)
    serial = models.PositiveIntegerField(_("serial number"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=60, blank=True)

    # --- Status and review ---------------------------------------------------------------------
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    revision_requested = models.BooleanField(_("returned for revision"), default=False)
    revision_reason = models.TextField(_("reason for revision"), blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    rejection_ground = models.CharField(_("ground for not registering"), max_length=20,
                                        choices=RejectionGround.choices, blank=True)
    rejection_note = models.TextField(_("note on not registering"), blank=True)
    rejected_at = models.DateTimeField(_("not registered at"), null=True, blank=True)
    opinion_report = models.ForeignKey("opinions.OpinionReport", verbose_name=_("converted opinion report"),
                                       null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_proposals")
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)

    # --- Assignment and deadline ---------------------------------------------------------------
    lead_unit = models.ForeignKey(HandlingUnit, verbose_name=_("lead unit"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="led_proposals")
    assignment_round = models.PositiveSmallIntegerField(_("assignment round"), default=0)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    reply_due_on = models.DateField(_("reply due on"), null=True, blank=True)
    # reply_due_on = reply_due_basis_on + reply_due_months (ASSIGNMENT, REHANDLING); a chosen date
    # (CUSTOM, EXTENSION) keeps the months empty. Reminders quote this to explain the deadline.
    reply_due_basis = models.CharField(_("deadline basis"), max_length=12, choices=DeadlineBasis.choices,
                                       blank=True)
    reply_due_basis_on = models.DateField(_("deadline counted from"), null=True, blank=True)
    reply_due_months = models.PositiveSmallIntegerField(_("deadline months"), null=True, blank=True)
    original_reply_due_on = models.DateField(_("reply due on before the extension"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions in this assignment"), default=0)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    contact_recorded_on = models.DateField(_("first contact with the proposer on"), null=True, blank=True)
    is_key = models.BooleanField(_("key proposal"), default=False)
    supervising_leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("supervising leader"),
                                           null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="supervised_proposals")

    # --- Replies and rating --------------------------------------------------------------------
    reply_round = models.PositiveSmallIntegerField(_("reply round"), default=0)
    reply_submitted_at = models.DateTimeField(_("reply submitted at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("first reply approved at"), null=True, blank=True)
    reply_approved_at = models.DateTimeField(_("latest reply approved at"), null=True, blank=True)
    # The local date of the latest approval: the basis of the rating period (working days).
    reply_approved_on = models.DateField(_("latest reply approved on"), null=True, blank=True)
    reply_class = models.CharField(_("reply class"), max_length=1, blank=True)
    rehandling_count = models.PositiveSmallIntegerField(_("times re-handled"), default=0)
    rehandling_started_on = models.DateField(_("re-handling started on"), null=True, blank=True)
    followup_due_on = models.DateField(_("follow-up review due on"), null=True, blank=True)
    followup_done_at = models.DateTimeField(_("follow-up review done at"), null=True, blank=True)
    followup_note = models.TextField(_("follow-up review"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_reason = models.CharField(_("closed because"), max_length=15, choices=ClosedReason.choices,
                                     blank=True)

    # --- Evaluation and publication ------------------------------------------------------------
    is_excellent = models.BooleanField(_("excellent proposal"), default=False)
    excellent_at = models.DateTimeField(_("marked excellent at"), null=True, blank=True)
    publication_withheld = models.BooleanField(_("publication withheld"), default=False)
    withheld_reason = models.TextField(_("reason for withholding"), blank=True)
    withheld_at = models.DateTimeField(_("withheld at"), null=True, blank=True)

    # Character bigrams (PostgreSQL only, GIN-indexed, see similarity.py): the title alone (finds the
    # candidates of a similarity lookup cheaply) and title (weight A) with frequent body bigrams (D).
    title_vector = SearchVectorField(null=True, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plenary_session", "serial"], condition=Q(serial__isnull=False),
                                    name="proposal_number_unique_in_session"),
            models.CheckConstraint(
                condition=(
                    Q(kind="collective", lead_member__isnull=True)
                    & (Q(organisation_party__isnull=False, organisation_sector__isnull=True,
                         organisation_committee__isnull=True)
                       | Q(organisation_party__isnull=True, organisation_sector__isnull=False,
                           organisation_committee__isnull=True)
                       | Q(organisation_party__isnull=True, organisation_sector__isnull=True,
                           organisation_committee__isnull=False))
                ) | (
                    ~Q(kind="collective") & Q(lead_member__isnull=False, organisation_party__isnull=True,
                                              organisation_sector__isnull=True,
                                              organisation_committee__isnull=True)
                ),
                name="proposal_proposer_kind_consistent",
            ),
            models.CheckConstraint(condition=Q(status="merged", merged_into__isnull=False)
                                   | (~Q(status="merged") & Q(merged_into__isnull=True)),
                                   name="proposal_merged_has_target"),
        ]
        indexes = [
            models.Index(fields=["status", "reply_due_on"], name="prop_status_due_idx"),
            models.Index(fields=["lead_unit", "status", "reply_due_on"], name="prop_unit_status_idx"),
            models.Index(fields=["status", "reply_approved_on"], name="prop_status_approved_idx"),
            models.Index(fields=["status", "assigned_on"], name="prop_status_assigned_idx"),
            models.Index(fields=["followup_due_on"], name="prop_followup_due_idx",
                         condition=Q(followup_done_at__isnull=True, followup_due_on__isnull=False)),
            models.Index(fields=["status", "reply_due_on"], name="prop_key_due_idx", condition=Q(is_key=True)),
            models.Index(fields=["-submitted_at"], name="prop_submitted_idx"),
            models.Index(fields=["year", "serial"], name="prop_year_serial_idx"),
            # The lists' orders, so a page is read off an index instead of sorting every row (DESIGN.md §11).
            models.Index(urgency_expression(), models.F("reply_due_on"), models.F("id"), name="prop_urgency_idx"),
            models.Index(fields=["-year", "-serial", "-submitted_at", "-id"], name="prop_officer_order_idx",
                         condition=Q(submitted_at__isnull=False)),
            # Filters by year, status and category: the officer list's count and page ids, and the statistics
            # per year, category and lead unit, read this index alone (index-only scans).
            models.Index(fields=["year", "status", "category"], name="prop_year_status_idx",
                         include=["lead_unit", "replied_at", "reply_due_on", "is_key", "is_excellent", "submitted_at",
                                  "serial", "id", "reply_round"]),
        ]

    def __str__(self) -> str:
        label = self.title or _("(untitled proposal)")
        return f"{self.number} {label}" if self.number else str(label)

    @property
    def body(self) -> str:
        """The three parts joined, for search, similarity and conversion."""
        return "\n\n".join(part for part in (self.situation, self.analysis, self.suggestions) if part)

    @property
    def organisation(self):
        return self.organisation_party or self.organisation_sector or self.organisation_committee

    @property
    def organisation_kind(self) -> str:
        if self.organisation_party_id:
            return OrganisationKind.PARTY
        if self.organisation_sector_id:
            return OrganisationKind.SECTOR
        if self.organisation_committee_id:
            return OrganisationKind.SPECIAL_COMMITTEE
        return ""

    @property
    def is_collective(self) -> bool:
        return self.kind == ProposerKind.COLLECTIVE

    @property
    def has_approved_reply(self) -> bool:
        return self.status in ANSWERED_STATUSES

    @property
    def is_public(self) -> bool:
        """In the archive of past proposals and replies (all logged-in members may read it)."""
        return self.has_approved_reply and not self.publication_withheld


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CosignerInvitation(models.Model):
    """A member invited to co-sign (联名) a proposal; only accepted invitations make a co-signer."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE,
                                 related_name="invitations")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT,
                               related_name="proposal_invitations")
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus.choices,
                              default=InvitationStatus.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField(_("invited at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("co-signer invitation")
        verbose_name_plural = _("co-signer invitations")
        ordering = ["invited_at", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="one_invitation_per_member")]
        indexes = [models.Index(fields=["member", "status"], name="prop_invite_member_idx")]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.member} · {self.get_status_display()}"


class ProposalNumberSequence(models.Model):
    """The last serial number given in a plenary session. Row-locked while registering, so numbers
    have no gaps and no duplicates; a rolled-back registration rolls the counter back too."""

    plenary_session = models.OneToOneField(PlenarySession, primary_key=True, on_delete=models.CASCADE,
                                           related_name="+")
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("proposal number sequence")
        verbose_name_plural = _("proposal number sequences")

    def __str__(self) -> str:
        return f"{self.plenary_session}: {self.last_serial}"
