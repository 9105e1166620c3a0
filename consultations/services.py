"""Every write of the consultations module: one function per domain verb, atomic, row-locked through the
workflow engine's perform(), permission re-checked, audited."""

from datetime import date as date_type

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import LedgerKind, Member, MemberStatus, Street
from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.workflow.errors import ActionNotAllowed, DomainError, NotReady
from zhongyuan_cppcc.workflow.services import history_note, lock, perform

from . import scope
from .models import (
    TEXT_MAX,
    Attendance,
    FollowUp,
    Outcome,
    Participation,
    Photo,
    Room,
    RoomLevel,
    Session,
    SessionKind,
    SupervisionProject,
    Topic,
    TopicSource,
)
from .workflow import (
    OUTCOME_WORKFLOW,
    SESSION_WORKFLOW,
    TOPIC_WORKFLOW,
    OutcomeVerb,
    SessionStatus,
    SessionVerb,
    TopicVerb,
)

# Sessions whose attended participants count in the ledger (the session has taken place).
LEDGER_STATUSES = (SessionStatus.HELD, SessionStatus.RECORDED, SessionStatus.CLOSED)


class ConsultationError(DomainError):
    pass


def _clean_text(value: str, *, field: str, label: str, required: bool = True, max_chars: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("%(label)s cannot be empty.") % {"label": label}})
    if len(value) > max_chars:
        raise ValidationError({field: _("%(label)s is longer than %(max)d characters.")
                               % {"label": label, "max": max_chars}})
    return value


def _require_street_scope(actor, street_id: int | None) -> None:
    """A street officer may only file things under their own street."""
    own = scope.officer_street_id(actor)
    if own is not None and street_id != own:
        raise ActionNotAllowed(_("You can only record consultation work of your own street."))


def _require_perm(actor, perm: str, obj=None) -> None:
    if actor is None or not rules.has_perm(perm, actor, obj):
        raise ActionNotAllowed()


# --- Rooms and supervision projects --------------------------------------------------------------------

ROOM_FIELDS = ["name", "level", "street", "community", "address", "opened_on", "renovated_on", "has_site",
               "has_sign", "has_rules", "has_procedure", "has_activities", "has_results", "contact_name",
               "contact_phone"]


@transaction.atomic
def room_save(*, actor, room: Room | None = None, **fields) -> Room:
    """Create a room or update one (officer in scope). Validated by Room.clean(); audited."""
    if room is None:
        _require_perm(actor, "consultations.add_room")
        room = Room()
    else:
        room = lock(Room, room)
        _require_perm(actor, "consultations.change_room", room)
    for name in ROOM_FIELDS:
        if name in fields:
            setattr(room, name, fields[name])
    room.name = _clean_text(room.name, field="name", label=_("The name"), max_chars=80)
    if room.level == RoomLevel.DISTRICT and room.street_id is None:
        _require_street_scope(actor, None)
    else:
        _require_street_scope(actor, room.street_id)
    room.full_clean()
    created = room.pk is None
    room.save()
    audit_record(action="consultations.room_created" if created else "consultations.room_updated",
                 actor=actor, obj=room, details={"street": room.street_id})
    return room


@transaction.atomic
def project_save(*, actor, project: SupervisionProject | None = None, name: str, street: Street,
                 owner_unit: str = "", description: str = "") -> SupervisionProject:
    """Create or update a supervision project (officer in scope). Audited."""
    if project is None:
        _require_perm(actor, "consultations.add_project")
        project = SupervisionProject()
    else:
        project = lock(SupervisionProject, project)
        _require_perm(actor, "consultations.change_project", project)
    _require_street_scope(actor, street.pk if street else None)
    project.name = _clean_text(name, field="name", label=_("The name"), max_chars=120)
    project.street = street
    project.owner_unit = _clean_text(owner_unit, field="owner_unit", label=_("The owner unit"), required=False,
                                     max_chars=100)
    project.description = _clean_text(description, field="description", label=_("The description"),
                                      required=False)
    created = project.pk is None
    project.save()
    audit_record(action="consultations.project_created" if created else "consultations.project_updated",
                 actor=actor, obj=project)
    return project


# --- Topics ----------------------------------------------------------------------------------------------


@transaction.atomic
def topic_propose(*, actor, title: str, street: Street, description: str = "", source: str = TopicSource.MEMBER,
                  proposer_name: str = "", proposer_contact: str = "", member: Member | None = None) -> Topic:
    """A topic recorded by an officer (from a resident, member, street or community) or proposed online by
    a member (source member, the member's own record). Starts proposed; audited."""
    if source not in TopicSource.values:
        raise ValidationError({"source": _("Choose one of the listed sources.")})
    if street is None:
        raise ValidationError({"street": _("Choose the street the topic concerns.")})
    if rules.has_perm("consultations.add_topic", actor):
        _require_street_scope(actor, street.pk)
        if source == TopicSource.MEMBER and member is None:
            raise ValidationError({"member": _("Choose the member who proposed the topic.")})
    elif rules.has_perm("consultations.propose_topic", actor):
        member = scope.member_of(actor)
        if member is None or member.status != MemberStatus.SERVING:
            raise ActionNotAllowed(_("Only serving CPPCC members can propose topics online."))
        source, proposer_name, proposer_contact = TopicSource.MEMBER, "", ""
    else:
        raise ActionNotAllowed()
    topic = Topic.objects.create(
        title=_clean_text(title, field="title", label=_("The title"), max_chars=200),
        description=_clean_text(description, field="description", label=_("The description"), required=False),
        source=source, street=street,
        proposer_name=_clean_text(proposer_name, field="proposer_name", label=_("The name"), required=False,
                                  max_chars=30),
        proposer_contact=_clean_text(proposer_contact, field="proposer_contact", label=_("The contact"),
                                     required=False, max_chars=30),
        member=member if source == TopicSource.MEMBER else None, proposed_by=actor,
    )
    audit_record(action="consultations.topic_proposed", actor=actor, obj=topic, details={"source": source})
    return topic


def topic_edit(*, actor, topic: Topic | int, title: str, description: str = "") -> Topic:
    """Edit a proposed or accepted topic's text (officer in scope)."""
    def apply(locked: Topic):
        locked.title = _clean_text(title, field="title", label=_("The title"), max_chars=200)
        locked.description = _clean_text(description, field="description", label=_("The description"),
                                         required=False)
        return ["title", "description"]
    return perform(TOPIC_WORKFLOW, topic, TopicVerb.EDIT, actor, model=Topic, apply=apply)


def topic_accept(*, actor, topic: Topic | int, note: str = "") -> Topic:
    """proposed → accepted; a member's accepted topic counts in the member's ledger."""
    from members.services import ledger_record_event

    def apply(locked: Topic):
        if locked.member_id:
            ledger_record_event(member=locked.member, kind=LedgerKind.CONSULTATION, subkind="topic",
                                date=timezone.localdate(), source=locked, actor=actor)
        return []
    return perform(TOPIC_WORKFLOW, topic, TopicVerb.ACCEPT, actor, model=Topic, apply=apply, note=note)


def topic_decline(*, actor, topic: Topic | int, reason: str) -> Topic:
    """proposed → declined, with the reason (required)."""
    def apply(locked: Topic):
        locked.decline_reason = _clean_text(reason, field="reason", label=_("The reason"), max_chars=500)
        return ["decline_reason"]
    return perform(TOPIC_WORKFLOW, topic, TopicVerb.DECLINE, actor, model=Topic, apply=apply, note=reason)


def topic_schedule(*, actor, topic: Topic | int, session: Session) -> Topic:
    """accepted → scheduled into a planned or held session of the same street."""
    def apply(locked: Topic):
        target = Session.objects.get(pk=session.pk)
        if target.status not in (SessionStatus.PLANNED, SessionStatus.HELD):
            raise ConsultationError(_("Topics can only be scheduled into a session that is planned or held."))
        if target.street_id is not None and target.street_id != locked.street_id:
            raise ConsultationError(_("The session belongs to another street."))
        if not rules.has_perm("consultations.view_session", actor, target):
            raise ActionNotAllowed()
        locked.session = target
        return ["session"]
    return perform(TOPIC_WORKFLOW, topic, TopicVerb.SCHEDULE, actor, model=Topic, apply=apply)


# --- Sessions --------------------------------------------------------------------------------------------

SESSION_FIELDS = ["kind", "title", "street", "room", "venue", "project", "date", "residents_count", "officials",
                  "units", "minutes"]


def _apply_session_fields(session: Session, fields: dict) -> list[str]:
    changed = []
    for name in SESSION_FIELDS:
        if name in fields:
            setattr(session, name, fields[name])
            changed.append(name)
    if session.kind not in SessionKind.values:
        raise ValidationError({"kind": _("Choose one of the listed kinds.")})
    session.title = _clean_text(session.title, field="title", label=_("The title"), max_chars=200)
    session.venue = _clean_text(session.venue, field="venue", label=_("The venue"), required=False, max_chars=200)
    session.officials = _clean_text(session.officials, field="officials", label=_("The officials"),
                                    required=False, max_chars=500)
    session.units = _clean_text(session.units, field="units", label=_("The units"), required=False, max_chars=500)
    session.minutes = _clean_text(session.minutes, field="minutes", label=_("The minutes"), required=False,
                                  max_chars=20000)
    if session.date is None:
        raise ValidationError({"date": _("Enter the date.")})
    if session.room_id:
        room = session.room
        if session.street_id is None:
            session.street_id = room.street_id
            changed.append("street")
        elif room.street_id not in (None, session.street_id):
            raise ValidationError({"room": _("The room belongs to another street.")})
    elif not session.venue:
        raise ValidationError({"venue": _("Choose a room or enter a venue.")})
    if session.kind == SessionKind.SUPERVISION:
        if session.project_id is None:
            raise ValidationError({"project": _("A supervision visit names the project it looks at.")})
        if session.street_id is None:
            session.street_id = session.project.street_id
            changed.append("street")
    elif session.project_id is not None:
        raise ValidationError({"project": _("Only supervision visits name a project.")})
    if session.kind == SessionKind.GRASSROOTS and session.street_id is None:
        raise ValidationError({"street": _("A grassroots consultation belongs to a street.")})
    session.residents_count = session.residents_count or 0
    if session.residents_count < 0:
        raise ValidationError({"residents_count": _("Enter a number of zero or more.")})
    return changed


@transaction.atomic
def session_create(*, actor, **fields) -> Session:
    """Plan a session (officer; a street officer only in the own street). Audited."""
    _require_perm(actor, "consultations.add_session")
    session = Session(created_by=actor, status=SessionStatus.PLANNED)
    _apply_session_fields(session, fields)
    _require_street_scope(actor, session.street_id)
    session.save()
    history_note(SESSION_WORKFLOW, session, "create", actor, note=session.title)
    audit_record(action="consultations.session_created", actor=actor, obj=session,
                 details={"kind": session.kind, "street": session.street_id, "date": session.date.isoformat()})
    return session


def session_edit(*, actor, session: Session | int, **fields) -> Session:
    """Edit a session that is not closed. The kind is fixed once the session was held (the ledger counts it);
    a new date moves the participants' ledger events with it."""
    def apply(locked: Session):
        old_kind, old_date, old_street = locked.kind, locked.date, locked.street_id
        changed = _apply_session_fields(locked, fields)
        if locked.status != SessionStatus.PLANNED and locked.kind != old_kind:
            raise ValidationError({"kind": _("The kind cannot change after the session was held.")})
        if locked.street_id != old_street:
            _require_street_scope(actor, locked.street_id)
        if locked.date != old_date and locked.status in LEDGER_STATUSES:
            from members.services import ledger_withdraw_events

            ledger_withdraw_events(source=locked, actor=actor)
            _sync_ledger(locked, actor=actor)
        return changed
    return perform(SESSION_WORKFLOW, session, SessionVerb.EDIT, actor, model=Session, apply=apply)


def _ledger_kind(session: Session) -> tuple[str, str]:
    if session.kind == SessionKind.SUPERVISION:
        return LedgerKind.SUPERVISION, "visit"
    return LedgerKind.CONSULTATION, "session"


def _sync_ledger(session: Session, *, actor, counts: bool | None = None) -> None:
    """Attended participants of a held session have one live ledger event each (idempotent); everyone else
    has none (withdrawn)."""
    from members.services import ledger_record_event, ledger_withdraw_events

    kind, subkind = _ledger_kind(session)
    counts = session.status in LEDGER_STATUSES if counts is None else counts
    for participation in session.participations.select_related("member"):
        if counts and participation.attendance == Attendance.ATTENDED:
            ledger_record_event(member=participation.member, kind=kind, subkind=subkind, date=session.date,
                                source=session, note=session.title[:200], actor=actor)
        else:
            ledger_withdraw_events(source=session, member=participation.member, kind=kind, subkind=subkind,
                                   actor=actor)


def session_set_participants(*, actor, session: Session | int, attendance: dict[int, str]) -> Session:
    """Set the participants (member pk → attendance); members left out are removed. On a held session the
    ledger follows: attended → one event, anything else (or removed) → the event is withdrawn."""
    from members.services import ledger_withdraw_events

    def apply(locked: Session):
        for status in attendance.values():
            if status not in Attendance.values:
                raise ValidationError(_("Choose one of the listed attendance values."))
        members = {m.pk: m for m in Member.objects.filter(pk__in=list(attendance))}
        if len(members) != len(attendance):
            raise ValidationError(_("One of the members does not exist."))
        kind, subkind = _ledger_kind(locked)
        for gone in locked.participations.exclude(member_id__in=list(attendance)).select_related("member"):
            ledger_withdraw_events(source=locked, member=gone.member, kind=kind, subkind=subkind, actor=actor)
            gone.delete()
        for member_id, status in attendance.items():
            Participation.objects.update_or_create(session=locked, member=members[member_id],
                                                   defaults={"attendance": status})
        _sync_ledger(locked, actor=actor)
        return []
    return perform(SESSION_WORKFLOW, session, SessionVerb.ATTENDANCE, actor, model=Session, apply=apply,
                   details={"participants": len(attendance)})


def session_hold(*, actor, session: Session | int, residents_count: int | None = None, minutes: str | None = None,
                 today: date_type | None = None) -> Session:
    """planned → held (not before its date). Invited participants count as attended unless marked
    otherwise; attended participants get their ledger event."""
    today = today or timezone.localdate()

    def apply(locked: Session):
        if locked.date > today:
            raise NotReady(_("A session cannot be marked as held before its date."))
        fields = []
        if residents_count is not None:
            if residents_count < 0:
                raise ValidationError({"residents_count": _("Enter a number of zero or more.")})
            locked.residents_count = residents_count
            fields.append("residents_count")
        if minutes is not None:
            locked.minutes = _clean_text(minutes, field="minutes", label=_("The minutes"), required=False,
                                         max_chars=20000)
            fields.append("minutes")
        locked.participations.filter(attendance=Attendance.INVITED).update(attendance=Attendance.ATTENDED)
        _sync_ledger(locked, actor=actor, counts=True)
        return fields
    return perform(SESSION_WORKFLOW, session, SessionVerb.HOLD, actor, model=Session, apply=apply)


def outcome_add(*, actor, session: Session | int, text: str, responsible: str = "", due_on: date_type | None = None,
                is_public: bool = True) -> Outcome:
    """Add a suggestion to a held session (or one whose outcomes are being recorded)."""
    created: list[Outcome] = []

    def apply(locked: Session):
        outcome = Outcome(session=locked, is_public=is_public, due_on=due_on,
                          text=_clean_text(text, field="text", label=_("The suggestion")),
                          responsible=_clean_text(responsible, field="responsible", label=_("The responsible party"),
                                                  required=False, max_chars=100))
        outcome.save()
        created.append(outcome)
        return []
    perform(SESSION_WORKFLOW, session, SessionVerb.ADD_OUTCOME, actor, model=Session, apply=apply,
            note=(text or "")[:200])
    return created[0]


def session_record(*, actor, session: Session | int, note: str = "") -> Session:
    """held → outcomes recorded (at least one outcome, or a note saying why there is none)."""
    def apply(locked: Session):
        if not locked.outcomes.exists() and not note.strip():
            raise NotReady(_("Record at least one outcome, or say in the note why there is none."))
        return []
    return perform(SESSION_WORKFLOW, session, SessionVerb.RECORD, actor, model=Session, apply=apply, note=note)


def session_close(*, actor, session: Session | int, note: str = "") -> Session:
    """outcomes recorded → closed (the record is complete; outcomes are still followed up)."""
    return perform(SESSION_WORKFLOW, session, SessionVerb.CLOSE, actor, model=Session, note=note)


# --- Outcomes --------------------------------------------------------------------------------------------


def outcome_edit(*, actor, outcome: Outcome | int, text: str, responsible: str = "",
                 due_on: date_type | None = None, is_public: bool = True) -> Outcome:
    def apply(locked: Outcome):
        locked.text = _clean_text(text, field="text", label=_("The suggestion"))
        locked.responsible = _clean_text(responsible, field="responsible", label=_("The responsible party"),
                                         required=False, max_chars=100)
        locked.due_on, locked.is_public = due_on, is_public
        return ["text", "responsible", "due_on", "is_public"]
    return perform(OUTCOME_WORKFLOW, outcome, OutcomeVerb.EDIT, actor, model=Outcome, apply=apply)


def outcome_note(*, actor, outcome: Outcome | int, date: date_type, text: str) -> Outcome:
    """Add a dated follow-up note."""
    def apply(locked: Outcome):
        FollowUp.objects.create(outcome=locked, date=date, author=actor,
                                text=_clean_text(text, field="text", label=_("The note")))
        return []
    return perform(OUTCOME_WORKFLOW, outcome, OutcomeVerb.NOTE, actor, model=Outcome, apply=apply,
                   note=(text or "")[:200])


def outcome_move(*, actor, outcome: Outcome | int, verb: str, note: str = "") -> Outcome:
    """start / implement / keep: the status moves by the table; the note is kept in the timeline."""
    if verb not in (OutcomeVerb.START, OutcomeVerb.IMPLEMENT, OutcomeVerb.KEEP):
        raise ValueError(verb)
    return perform(OUTCOME_WORKFLOW, outcome, verb, actor, model=Outcome, note=note)


class ConvertTarget:
    PROPOSAL = "proposal"
    OPINION = "opinion"


def outcome_convert(*, actor, outcome: Outcome | int, member: Member, target: str) -> Outcome:
    """Turn an outcome into a proposal draft or an opinion-report draft for a member who attended the
    session. Once: the outcome row is locked, and a second request (a double click) returns the outcome
    with the draft already made; another target after that is refused."""
    from opinions.services import opinion_report_create_draft
    from proposals.services import proposal_create_draft

    if target not in (ConvertTarget.PROPOSAL, ConvertTarget.OPINION):
        raise ValidationError({"target": _("Choose a proposal or an opinion report.")})

    def apply(locked: Outcome):
        if locked.converted:
            same = (target == ConvertTarget.PROPOSAL and locked.proposal_id) or \
                   (target == ConvertTarget.OPINION and locked.opinion_report_id)
            if same and locked.converted_for_id == member.pk:
                return []
            raise ConsultationError(_("This outcome has already been converted into a draft."))
        session = locked.session
        if not session.participations.filter(member=member, attendance=Attendance.ATTENDED).exists():
            raise ValidationError({"member": _("Choose a member who took part in the session.")})
        if member.user_id is None or member.status != MemberStatus.SERVING:
            raise ValidationError({"member": _("This member has no account on the platform.")})
        origin = _("From the consultation “%(title)s” of %(date)s.") % {
            "title": session.title, "date": session.date.strftime("%Y-%m-%d")}
        title = f"关于{locked.text[:60].rstrip('。；;，,')}的建议"[:80]
        if target == ConvertTarget.PROPOSAL:
            draft = proposal_create_draft(author=member.user, title=title, situation=origin,
                                          suggestions=locked.text)
            locked.proposal = draft
        else:
            draft = opinion_report_create_draft(author=member.user, title=title, body=f"{origin}\n{locked.text}",
                                                origin=locked, actor=actor)
            locked.opinion_report = draft
        locked.converted_for, locked.converted_at = member, timezone.now()
        return ["proposal", "opinion_report", "converted_for", "converted_at"]
    return perform(OUTCOME_WORKFLOW, outcome, OutcomeVerb.CONVERT, actor, model=Outcome, apply=apply,
                   details={"target": target, "member": member.pk})


# --- Photos ----------------------------------------------------------------------------------------------

PHOTOS_MAX = 20


@transaction.atomic
def photo_add(*, actor, upload, room: Room | None = None, session: Session | None = None,
              caption: str = "") -> Photo:
    """Attach a JPEG or PNG photo (checked by content) to a room or a session (officer in scope). Audited."""
    from zhongyuan_cppcc.attachments import JPEG, PNG, validate_upload

    parent = lock(Room, room) if room is not None else lock(Session, session)
    _require_perm(actor, "consultations.add_photo", parent)
    if parent.photos.count() >= PHOTOS_MAX:
        raise ValidationError({"file": _("At most %(max)d photos can be kept.") % {"max": PHOTOS_MAX}})
    checked = validate_upload(upload, allowed=frozenset({PNG, JPEG}))
    photo = Photo(room=parent if room is not None else None, session=parent if session is not None else None,
                  content_type=checked.content_type, size=checked.size, uploaded_by=actor,
                  caption=_clean_text(caption, field="caption", label=_("The caption"), required=False,
                                      max_chars=100))
    photo._storage_extension = "png" if checked.file_type.code == PNG else "jpg"
    photo.file.save("photo", upload, save=False)
    photo.save()
    audit_record(action="consultations.photo_added", actor=actor, obj=photo,
                 details={"parent": f"{parent._meta.model_name}:{parent.pk}", "sha256": checked.sha256})
    return photo


@transaction.atomic
def photo_remove(*, actor, photo) -> None:
    """Remove a photo and its file (officer in scope). Audited."""
    parent = photo.parent
    _require_perm(actor, "consultations.add_photo", parent)
    name = photo.file.name
    audit_record(action="consultations.photo_removed", actor=actor, obj=photo,
                 details={"parent": f"{parent._meta.model_name}:{parent.pk}"})
    photo.delete()
    storage = photo.file.storage
    transaction.on_commit(lambda: storage.delete(name))
