"""Writes on opinion reports: one function per verb on the shared engine's perform(); every one is atomic,
row-locked, recorded in the report's timeline and audited; notifications go out after commit."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.services import audit_record
from zhongyuan_cppcc.notifications.services import notify
from zhongyuan_cppcc.workflow.errors import ActionNotAllowed
from zhongyuan_cppcc.workflow.services import check, lock, perform, pk_of, transition

from .counting import REPORT_MAX_CHARS, office_char_count
from .errors import OpinionError
from .models import (
    Bulletin,
    BulletinCounter,
    BulletinEntry,
    Category,
    CombinedReport,
    Instruction,
    LeaderTitle,
    Level,
    OpinionReport,
    Outcome,
    OutcomeKind,
    ReportAttachment,
    UpwardBatch,
)
from .workflow import WORKFLOW, Status, Verb

# Demo data replays past years without notifying anybody (see quiet()).
_QUIET = ContextVar("opinions_quiet", default=False)


@contextmanager
def quiet():
    """Inside this block the services schedule no notifications (demo data of past years)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def _later(callback):
    """`callback` for perform(on_commit=…), or None when notifications are switched off."""
    return None if _QUIET.get() else callback


def _on_commit(callback) -> None:
    if not _QUIET.get():
        transaction.on_commit(callback)


TEXT_FIELDS = ("title", "situation", "analysis", "suggestion", "category", "source_street", "source_sector")


def check_length(*, situation: str, analysis: str, suggestion: str) -> None:
    """Refuse a body over the office's limit (whitespace not counted)."""
    count = office_char_count(situation, analysis, suggestion)
    if count > REPORT_MAX_CHARS:
        raise ValidationError(
            _("The report has %(count)d characters; at most %(max)d are allowed (Chinese characters and "
              "punctuation count, spaces do not). Please shorten it.") % {"count": count, "max": REPORT_MAX_CHARS})


def _category(value: str) -> str:
    """A category code from a code or a label (proposals pass their own category's label)."""
    if value in Category.values:
        return value
    for choice in Category:
        if str(choice.label) == value:
            return choice.value
    return Category.OTHER if value else ""


def report_notify_author(report: OpinionReport, kind: str, title: str, body: str = "",
                         dedupe_key: str | None = None) -> None:
    """The author (and co-authors with an account) hear about what happened to their report."""
    recipients = [report.author, *[m.user for m in report.co_authors.select_related("user") if m.user_id]]
    seen = set()
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notify(recipient=user, kind=f"opinions.{kind}", title=title, body=body, url=report.get_absolute_url(),
               target=report, dedupe_key=f"{dedupe_key}:{user.pk}" if dedupe_key else None)


# --- Drafting -------------------------------------------------------------------------------------------


@transaction.atomic
def opinion_report_create_draft(
    *, author, title: str, body: str = "", category: str = "", origin: models.Model | None = None, actor=None,
    situation: str = "", analysis: str = "", suggestion: str = "",
) -> OpinionReport:
    """Create a draft report for `author` (e.g. converted from a proposal: its whole text becomes the
    situation part, which the author then divides). Audited; the length rule applies at submission."""
    report = OpinionReport.objects.create(
        author=author,
        title=title[:200],
        situation=situation or body,
        analysis=analysis,
        suggestion=suggestion,
        category=_category(category[:30]),
        status=Status.DRAFT,
        origin_type=ContentType.objects.get_for_model(origin) if origin is not None else None,
        origin_id=str(origin.pk) if origin is not None else "",
    )
    WORKFLOW.history_model.objects.create(report=report, verb="create", from_status="", to_status=Status.DRAFT,
                                          actor=actor or author, at=timezone.now(),
                                          note=_("Converted from a proposal.") if origin is not None else "")
    audit_record(action="opinions.report_draft_created", actor=actor or author, obj=report,
                 details={"origin": f"{origin._meta.label_lower}:{origin.pk}" if origin is not None else ""})
    return report


@transaction.atomic
def report_create(*, author, title: str, situation: str, analysis: str, suggestion: str, category: str = "",
                  source_street=None, source_sector=None, co_authors=()) -> OpinionReport:
    """A member or correspondent starts a report (a draft). Over-long text is refused; nothing is saved."""
    if not author.has_perm("opinions.add_report"):
        raise ActionNotAllowed()
    check_length(situation=situation, analysis=analysis, suggestion=suggestion)
    report = opinion_report_create_draft(author=author, title=title, category=category, situation=situation,
                                         analysis=analysis, suggestion=suggestion)
    fields = {"source_street": source_street, "source_sector": source_sector}
    for name, value in fields.items():
        setattr(report, name, value)
    report.save(update_fields=[*fields, "updated_at"])
    report.co_authors.set([m for m in co_authors if getattr(m, "user_id", None) != author.pk])
    return report


def report_update_draft(*, report: OpinionReport | int, actor, co_authors=None, autosave: bool = False,
                        **data) -> OpinionReport:
    """The author edits a draft or a returned report. Over-long text is refused; nothing is saved.
    Autosaves leave no timeline row (only the audit row)."""
    unknown = set(data) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")

    def apply(locked: OpinionReport):
        merged = {name: data.get(name, getattr(locked, name)) for name in ("situation", "analysis", "suggestion")}
        check_length(**merged)
        for name, value in data.items():
            setattr(locked, name, _category(value) if name == "category" else value)
        if co_authors is not None:
            locked.co_authors.set([m for m in co_authors if getattr(m, "user_id", None) != locked.author_id])
        return list(data)

    if not autosave:
        return perform(WORKFLOW, report, Verb.UPDATE_DRAFT, actor, model=OpinionReport, apply=apply)
    with transaction.atomic():  # an autosave is audited but leaves no row in the timeline
        locked = lock(OpinionReport, report)
        check(WORKFLOW, locked, Verb.UPDATE_DRAFT, actor)
        transition(WORKFLOW, locked, Verb.UPDATE_DRAFT, actor, fields=apply(locked), history=False,
                   details={"autosave": True})
    return locked


def report_submit(*, report: OpinionReport | int, actor, at: datetime | None = None) -> OpinionReport:
    """draft/returned → submitted; the text must be complete and within the limit."""
    def apply(locked: OpinionReport):
        missing = [str(OpinionReport._meta.get_field(name).verbose_name)
                   for name in ("title", "situation", "suggestion") if not getattr(locked, name).strip()]
        if missing:
            raise OpinionError(_("Please fill in before submitting: %(fields)s.") % {"fields": "、".join(missing)})
        check_length(situation=locked.situation, analysis=locked.analysis, suggestion=locked.suggestion)
        if locked.submitted_at is None:
            locked.submitted_at = at or timezone.now()
        locked.decision_reason = ""
        return ["submitted_at", "decision_reason"]

    return perform(WORKFLOW, report, Verb.SUBMIT, actor, model=OpinionReport, apply=apply, at=at)


# --- Screening ------------------------------------------------------------------------------------------


def report_start_screening(*, report: OpinionReport | int, actor, at: datetime | None = None) -> OpinionReport:
    """submitted → screening (the officer takes the report up)."""
    return perform(WORKFLOW, report, Verb.START_SCREENING, actor, model=OpinionReport, at=at)


def default_adopted_title(title: str) -> str:
    """The bulletin's title form 「关于……的建议」."""
    title = title.strip()
    if title.startswith("关于") and title.endswith("建议"):
        return title[:200]
    return f"关于{title}的建议"[:200]


def report_adopt(*, report: OpinionReport | int, actor, note: str = "", at: datetime | None = None) -> OpinionReport:
    """submitted/screening → adopted (录用); the edited text starts as the author's. Notifies the author."""
    def apply(locked: OpinionReport):
        locked.decided_at = at or timezone.now()
        locked.adopted_title = locked.adopted_title or default_adopted_title(locked.title)
        locked.adopted_analysis = locked.adopted_analysis or "\n\n".join(
            p for p in (locked.situation, locked.analysis) if p)
        locked.adopted_suggestion = locked.adopted_suggestion or locked.suggestion
        return ["decided_at", "adopted_title", "adopted_analysis", "adopted_suggestion"]

    return perform(WORKFLOW, report, Verb.ADOPT, actor, model=OpinionReport, apply=apply, note=note, at=at,
                   on_commit=_later(lambda r: report_notify_author(
                       r, "adopted", _("Your report 《%(title)s》 was adopted") % {"title": r.title})))


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason; the author will see it.")})
    return reason


def report_keep(*, report: OpinionReport | int, actor, reason: str, at: datetime | None = None) -> OpinionReport:
    """submitted/screening → kept (留存, not used) with a reason the author sees. Notifies the author."""
    reason = _reason_required(reason)

    def apply(locked: OpinionReport):
        locked.decided_at = at or timezone.now()
        locked.decision_reason = reason
        return ["decided_at", "decision_reason"]

    return perform(WORKFLOW, report, Verb.KEEP, actor, model=OpinionReport, apply=apply, note=reason, at=at,
                   on_commit=_later(lambda r: report_notify_author(
                       r, "kept", _("Your report 《%(title)s》 was kept on file") % {"title": r.title},
                       body=_("Reason: %(reason)s") % {"reason": reason})))


def report_return(*, report: OpinionReport | int, actor, reason: str, at: datetime | None = None) -> OpinionReport:
    """submitted/screening → returned for revision with a reason. Notifies the author."""
    reason = _reason_required(reason)

    def apply(locked: OpinionReport):
        locked.decision_reason = reason
        return ["decision_reason"]

    return perform(WORKFLOW, report, Verb.RETURN, actor, model=OpinionReport, apply=apply, note=reason, at=at,
                   on_commit=_later(lambda r: report_notify_author(
                       r, "returned", _("Please revise your report 《%(title)s》") % {"title": r.title},
                       body=_("Reason: %(reason)s") % {"reason": reason})))


def report_edit_adopted(*, report: OpinionReport | int, actor, adopted_title: str, adopted_analysis: str,
                        adopted_suggestion: str) -> OpinionReport:
    """The information officer edits the adopted text (核稿); the author's original stays unchanged."""
    adopted_title = adopted_title.strip()
    if not adopted_title:
        raise ValidationError({"adopted_title": _("Please give the edited report a title.")})
    check_length(situation="", analysis=adopted_analysis, suggestion=adopted_suggestion)

    def apply(locked: OpinionReport):
        locked.adopted_title = adopted_title[:200]
        locked.adopted_analysis = adopted_analysis
        locked.adopted_suggestion = adopted_suggestion
        locked.edited_by = actor
        locked.edited_at = timezone.now()
        return ["adopted_title", "adopted_analysis", "adopted_suggestion", "edited_by", "edited_at"]

    return perform(WORKFLOW, report, Verb.EDIT_ADOPTED, actor, model=OpinionReport, apply=apply)


def report_sign_off(*, report: OpinionReport | int, actor, signed_off_by: str, signed_off_on: date) -> OpinionReport:
    """Record who signed the edited report off (签发) and when."""
    signed_off_by = signed_off_by.strip()
    if not signed_off_by:
        raise ValidationError({"signed_off_by": _("Please name who signed the report off.")})
    if signed_off_on > timezone.localdate():
        raise ValidationError({"signed_off_on": _("The date lies in the future.")})

    def apply(locked: OpinionReport):
        locked.signed_off_by = signed_off_by[:60]
        locked.signed_off_on = signed_off_on
        return ["signed_off_by", "signed_off_on"]

    return perform(WORKFLOW, report, Verb.SIGN_OFF, actor, model=OpinionReport, apply=apply,
                   note=f"{signed_off_by} {signed_off_on:%Y-%m-%d}")


# --- Bulletins (信息专刊) ----------------------------------------------------------------------------------


def _require(actor, permission: str) -> None:
    if actor is None or not actor.has_perm(permission):
        raise ActionNotAllowed()


@transaction.atomic
def bulletin_create(*, actor, title: str = "信息专刊") -> Bulletin:
    """A new draft issue; it gets its number when it is published."""
    _require(actor, "opinions.manage_bulletins")
    bulletin = Bulletin.objects.create(year=timezone.localdate().year, title=(title or "信息专刊")[:100],
                                       created_by=actor)
    audit_record(action="opinions.bulletin_created", actor=actor, obj=bulletin)
    return bulletin


def _locked_draft(bulletin) -> Bulletin:
    locked = Bulletin.objects.select_for_update().get(pk=getattr(bulletin, "pk", bulletin))
    if locked.number is not None:
        raise OpinionError(_("This issue has been published and can no longer be changed."))
    return locked


@transaction.atomic
def bulletin_set_reports(*, bulletin, actor, report_ids: list[int]) -> Bulletin:
    """Compile a draft issue: adopted reports in the given order; a report is in at most one issue."""
    _require(actor, "opinions.manage_bulletins")
    locked = _locked_draft(bulletin)
    ids = list(dict.fromkeys(int(pk) for pk in report_ids))
    reports = {r.pk: r for r in OpinionReport.objects.select_for_update().filter(pk__in=ids)}
    for pk in ids:
        report = reports.get(pk)
        if report is None or report.status != Status.ADOPTED:
            raise OpinionError(_("Only adopted reports can be compiled into a bulletin."))
    taken = (BulletinEntry.objects.filter(report_id__in=ids).exclude(bulletin=locked)
             .select_related("bulletin", "report").first())
    if taken is not None:
        raise OpinionError(_("《%(title)s》 is already in %(bulletin)s; a report appears in one issue only.")
                           % {"title": taken.report.display_title, "bulletin": taken.bulletin})
    locked.entries.all().delete()
    BulletinEntry.objects.bulk_create([BulletinEntry(bulletin=locked, report_id=pk, position=n)
                                       for n, pk in enumerate(ids, start=1)])
    audit_record(action="opinions.bulletin_compiled", actor=actor, obj=locked, details={"reports": ids})
    return locked


def _next_bulletin_number(year: int) -> int:
    """Take the year's next number under a row lock (two officers publishing at once wait for each other)."""
    BulletinCounter.objects.bulk_create([BulletinCounter(year=year, last_number=0)], ignore_conflicts=True)
    counter = BulletinCounter.objects.select_for_update().get(year=year)
    used = Bulletin.objects.filter(year=year, number__isnull=False).aggregate(m=models.Max("number"))["m"] or 0
    counter.last_number = max(counter.last_number, used) + 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def bulletin_publish(*, bulletin, actor, published_on: date | None = None) -> Bulletin:
    """Give a compiled draft issue the next number of its year and a publication date; notifies the authors."""
    _require(actor, "opinions.manage_bulletins")
    published_on = published_on or timezone.localdate()
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": _("The date lies in the future.")})
    with transaction.atomic():
        locked = _locked_draft(bulletin)
        if not locked.entries.exists():
            raise OpinionError(_("Add at least one adopted report before publishing the issue."))
        locked.year = published_on.year
        locked.number = _next_bulletin_number(locked.year)
        locked.published_on = published_on
        locked.save(update_fields=["year", "number", "published_on"])
        audit_record(action="opinions.bulletin_published", actor=actor, obj=locked,
                     details={"year": locked.year, "number": locked.number})
        _on_commit(lambda: _notify_published(locked))
    return locked


def _notify_published(bulletin: Bulletin) -> None:
    for entry in bulletin.entries.select_related("report__author"):
        report_notify_author(entry.report, "published",
                             _("Your report 《%(title)s》 was published in %(bulletin)s")
                             % {"title": entry.report.title, "bulletin": bulletin},
                             dedupe_key=f"opinions.published:{entry.report_id}")


# --- Upward reporting, outcomes per level, instructions (批示), points --------------------------------------

LEVEL_SUBKIND = {Level.DISTRICT: "adopted_district", Level.CITY: "adopted_city", Level.PROVINCE: "adopted_province",
                 Level.NATIONAL: "adopted_national"}
INSTRUCTION_SUBKIND = "instruction"


def _not_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date lies in the future.")})


def report_members(report: OpinionReport) -> list:
    """The member records that earn points for a report: the author's (correspondents have none) and the
    co-authors'."""
    from members.models import Member

    members = list(Member.objects.filter(user_id=report.author_id))
    members += [m for m in report.co_authors.all() if m.pk not in {x.pk for x in members}]
    return members


def _record_points(report: OpinionReport, subkind: str, *, day: date, source, actor) -> int:
    from members.models import LedgerKind
    from members.services import ledger_record_event

    members = report_members(report)
    for member in members:
        ledger_record_event(member=member, kind=LedgerKind.OPINION, subkind=subkind, date=day, source=source,
                            note=report.display_title[:200], actor=actor)
    return len(members)


def _withdraw_points(source) -> int:
    from members.services import ledger_withdraw_events

    return ledger_withdraw_events(source=source)


@transaction.atomic
def batch_create(*, actor, sent_on: date, channel: str, document_number: str = "", note: str = "",
                 report_ids: list[int]) -> UpwardBatch:
    """Record reports sent together to the city CPPCC (上报); only adopted reports go upward."""
    _require(actor, "opinions.handle_reports")
    _not_future(sent_on, "sent_on")
    if not channel.strip():
        raise ValidationError({"channel": _("Please name the channel.")})
    ids = list(dict.fromkeys(int(pk) for pk in report_ids))
    if not ids:
        raise OpinionError(_("Choose at least one adopted report."))
    reports = list(OpinionReport.objects.filter(pk__in=ids, status=Status.ADOPTED))
    if len(reports) != len(ids):
        raise OpinionError(_("Only adopted reports can be reported upward."))
    batch = UpwardBatch.objects.create(sent_on=sent_on, channel=channel.strip()[:60],
                                       document_number=document_number.strip()[:60], note=note, created_by=actor)
    batch.reports.set(reports)
    audit_record(action="opinions.batch_created", actor=actor, obj=batch, details={"reports": ids})
    return batch


def outcome_record(*, report: OpinionReport | int, actor, level: str, kind: str, day: date, forwarded_to: str = "",
                   note: str = "", combined_title: str = "", combined_with: list[int] = ()) -> list[Outcome]:
    """Record what a level did with an adopted report. A combined adoption records one outcome for every source
    report (this one and `combined_with`); adoptions earn points for the authors' ledgers; authors are notified."""
    if level not in Level.values or kind not in OutcomeKind.values:
        raise ValidationError(_("Choose a level and a kind of outcome."))
    _not_future(day, "day")
    if kind == OutcomeKind.FORWARDED and not forwarded_to.strip():
        raise ValidationError({"forwarded_to": _("Please name where the report was forwarded to.")})
    if kind == OutcomeKind.COMBINED and not combined_title.strip():
        raise ValidationError({"combined_title": _("Please give the title of the combined report.")})
    others = [int(pk) for pk in combined_with if int(pk) != pk_of(report)] if kind == OutcomeKind.COMBINED else []
    outcomes = []
    with transaction.atomic():
        combined = CombinedReport.objects.create(title=combined_title.strip()[:200], level=level) \
            if kind == OutcomeKind.COMBINED else None
        for target in [pk_of(report), *dict.fromkeys(others)]:
            try:
                locked = lock(OpinionReport, target)
            except OpinionReport.DoesNotExist:
                raise OpinionError(_("Report %(pk)s does not exist.") % {"pk": target}) from None
            check(WORKFLOW, locked, Verb.RECORD_OUTCOME, actor)
            adoptions = locked.outcomes.filter(level=level, kind__in=[OutcomeKind.ALONE, OutcomeKind.COMBINED],
                                               withdrawn_at__isnull=True)
            if kind != OutcomeKind.FORWARDED and adoptions.exists():
                raise OpinionError(_("An adoption at this level is already recorded for 《%(title)s》.")
                                   % {"title": locked.display_title})
            outcome = Outcome.objects.create(report=locked, level=level, kind=kind, combined=combined,
                                             forwarded_to=forwarded_to.strip()[:200], date=day, note=note,
                                             recorded_by=actor)
            label = f"{outcome.get_level_display()}{outcome.get_kind_display()}"
            transition(WORKFLOW, locked, Verb.RECORD_OUTCOME, actor, note=f"{label} {day:%Y-%m-%d}",
                       details={"outcome": outcome.pk, "level": level, "kind": kind})
            if outcome.is_adoption:
                _record_points(locked, LEVEL_SUBKIND[level], day=day, source=outcome, actor=actor)
            outcomes.append(outcome)
            _on_commit(lambda r=locked, o=outcome, t=label: report_notify_author(
                r, "outcome", _("Your report 《%(title)s》: %(outcome)s") % {"title": r.title, "outcome": t},
                dedupe_key=f"opinions.outcome:{o.pk}"))
    return outcomes


def outcome_withdraw(*, outcome: Outcome | int, actor, reason: str) -> Outcome:
    """Withdraw an outcome recorded by mistake (audited with the reason); its points are withdrawn too."""
    reason = _reason_required(reason)
    with transaction.atomic():
        locked_outcome = Outcome.objects.select_for_update().get(pk=pk_of(outcome))
        if locked_outcome.withdrawn_at is not None:
            raise OpinionError(_("This entry has already been withdrawn."))
        report = lock(OpinionReport, locked_outcome.report_id)
        check(WORKFLOW, report, Verb.WITHDRAW_OUTCOME, actor)
        locked_outcome.withdrawn_at, locked_outcome.withdrawn_by = timezone.now(), actor
        locked_outcome.withdrawal_reason = reason
        locked_outcome.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        _withdraw_points(locked_outcome)
        transition(WORKFLOW, report, Verb.WITHDRAW_OUTCOME, actor, note=f"{locked_outcome}：{reason}",
                   details={"outcome": locked_outcome.pk})
    return locked_outcome


def instruction_record(*, report: OpinionReport | int, actor, leader_title: str, level: str, day: date,
                       text: str) -> Instruction:
    """Record a leader's instruction (批示) on an adopted report; points to the authors; authors notified."""
    if leader_title not in LeaderTitle.values or level not in Level.values:
        raise ValidationError(_("Choose the leader and the level."))
    _not_future(day, "day")
    if not text.strip():
        raise ValidationError({"text": _("Please enter the instruction's text.")})
    with transaction.atomic():
        locked = lock(OpinionReport, report)
        check(WORKFLOW, locked, Verb.RECORD_OUTCOME, actor)
        instruction = Instruction.objects.create(report=locked, leader_title=leader_title, level=level, date=day,
                                                 text=text.strip(), recorded_by=actor)
        transition(WORKFLOW, locked, Verb.RECORD_OUTCOME, actor,
                   note=f"{instruction.get_leader_title_display()}批示 {day:%Y-%m-%d}",
                   details={"instruction": instruction.pk})
        _record_points(locked, INSTRUCTION_SUBKIND, day=day, source=instruction, actor=actor)
        _on_commit(lambda: report_notify_author(
            locked, "instructed", _("Your report 《%(title)s》 received an instruction from the %(leader)s")
            % {"title": locked.title, "leader": instruction.get_leader_title_display()},
            dedupe_key=f"opinions.instruction:{instruction.pk}"))
    return instruction


def instruction_withdraw(*, instruction: Instruction | int, actor, reason: str) -> Instruction:
    reason = _reason_required(reason)
    with transaction.atomic():
        locked_instruction = Instruction.objects.select_for_update().get(pk=pk_of(instruction))
        if locked_instruction.withdrawn_at is not None:
            raise OpinionError(_("This entry has already been withdrawn."))
        report = lock(OpinionReport, locked_instruction.report_id)
        check(WORKFLOW, report, Verb.WITHDRAW_OUTCOME, actor)
        locked_instruction.withdrawn_at, locked_instruction.withdrawn_by = timezone.now(), actor
        locked_instruction.withdrawal_reason = reason
        locked_instruction.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        _withdraw_points(locked_instruction)
        transition(WORKFLOW, report, Verb.WITHDRAW_OUTCOME, actor, note=f"{locked_instruction}：{reason}",
                   details={"instruction": locked_instruction.pk})
    return locked_instruction


# --- Attachments ------------------------------------------------------------------------------------------

MAX_ATTACHMENTS = 5


def attachment_add(*, report: OpinionReport | int, actor, upload) -> ReportAttachment:
    """The author attaches material to a draft or returned report (type checked by content, size and count
    limited). A refused file stores nothing."""
    from zhongyuan_cppcc.attachments import validate_upload

    def apply(locked: OpinionReport):
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError({"file": _("A report can have at most %(max)d attachments.")
                                   % {"max": MAX_ATTACHMENTS}})
        checked = validate_upload(upload)
        attachment = ReportAttachment(report=locked, original_name=checked.original_name,
                                      content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                                      uploaded_by=actor)
        attachment._storage_extension = checked.extension
        upload.seek(0)
        attachment.file.save("upload", upload, save=False)
        attachment.save()
        added.append(attachment)
        return []

    added: list[ReportAttachment] = []
    perform(WORKFLOW, report, Verb.ADD_ATTACHMENT, actor, model=OpinionReport, apply=apply,
            note=getattr(upload, "name", "")[:100])
    return added[0]


def attachment_remove(*, attachment: ReportAttachment | int, actor) -> None:
    """The author removes an attachment of a draft or returned report; the file goes once committed."""
    attachment = ReportAttachment.objects.get(pk=pk_of(attachment))

    def apply(locked: OpinionReport):
        row = locked.attachments.filter(pk=attachment.pk).first()
        if row is None:
            raise OpinionError(_("This attachment no longer exists."))
        storage, name = row.file.storage, row.file.name
        row.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
        return []

    perform(WORKFLOW, attachment.report_id, Verb.REMOVE_ATTACHMENT, actor, model=OpinionReport, apply=apply,
            note=attachment.original_name[:100])


def attachment_record_download(*, user, attachment: ReportAttachment) -> None:
    audit_record(action="opinions.attachment_downloaded", actor=user, obj=attachment.report,
                 details={"attachment": attachment.pk})
