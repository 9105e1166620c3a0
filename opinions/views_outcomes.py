"""Upward reporting (上报), outcomes per level, instructions (批示): POST views of the information officer."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongyuan_cppcc.workflow.errors import DomainError
from zhongyuan_cppcc.workflow.forms import form_error_text

from . import selectors, services
from .forms import BatchForm, InstructionForm, OutcomeForm, WithdrawForm
from .models import Instruction, OpinionReport, Outcome, ReportAttachment, UpwardBatch
from .workflow import WORKFLOW, Status, Verb


def _error_text(exc: Exception) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _run(request, form, call, success: str, back: str):
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect(back)
    try:
        call(form.cleaned_data)
    except (DomainError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, success)
    return redirect(back)


def _report_for_verb(request, pk, verb):
    report = selectors.report_get_for(user=request.user, pk=pk)
    if not WORKFLOW.actor_may(request.user, report, verb):
        raise PermissionDenied
    return report


@require_POST
def outcome_add(request, pk: int):
    report = _report_for_verb(request, pk, Verb.RECORD_OUTCOME)
    form = OutcomeForm(request.POST, prefix="outcome")
    return _run(request, form, lambda d: services.outcome_record(
        report=report, actor=request.user, level=d["level"], kind=d["kind"], day=d["day"],
        forwarded_to=d["forwarded_to"], note=d["note"], combined_title=d["combined_title"],
        combined_with=d["combined_with"]), _("The outcome was recorded."), report.get_absolute_url())


@require_POST
def instruction_add(request, pk: int):
    report = _report_for_verb(request, pk, Verb.RECORD_OUTCOME)
    form = InstructionForm(request.POST, prefix="instruction")
    return _run(request, form, lambda d: services.instruction_record(
        report=report, actor=request.user, leader_title=d["leader_title"], level=d["level"], day=d["day"],
        text=d["text"]), _("The instruction was recorded."), report.get_absolute_url())


def _entry_or_404(model, request, pk):
    try:
        entry = model.objects.select_related("report").get(pk=int(pk))
    except (model.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    selectors.report_get_for(user=request.user, pk=entry.report_id)  # 404 outside the user's scope
    if not WORKFLOW.actor_may(request.user, entry.report, Verb.WITHDRAW_OUTCOME):
        raise PermissionDenied
    return entry


@require_POST
def outcome_withdraw(request, pk: int):
    outcome = _entry_or_404(Outcome, request, pk)
    return _run(request, WithdrawForm(request.POST, prefix=f"wo{outcome.pk}"),
                lambda d: services.outcome_withdraw(outcome=outcome, actor=request.user, reason=d["reason"]),
                _("The outcome was withdrawn."), outcome.report.get_absolute_url())


@require_POST
def instruction_withdraw(request, pk: int):
    instruction = _entry_or_404(Instruction, request, pk)
    return _run(request, WithdrawForm(request.POST, prefix=f"wi{instruction.pk}"),
                lambda d: services.instruction_withdraw(instruction=instruction, actor=request.user,
                                                        reason=d["reason"]),
                _("The instruction was withdrawn."), instruction.report.get_absolute_url())


@permission_required("opinions.list_all_reports", raise_exception=True)
def batch_list(request):
    batches = UpwardBatch.objects.prefetch_related("reports").order_by("-sent_on", "-id")[:100]
    manage = request.user.has_perm("opinions.handle_reports")
    candidates = []
    if manage:
        candidates = list(OpinionReport.objects.filter(status=Status.ADOPTED, upward_batches__isnull=True)
                          .order_by("-decided_at", "-id")[:300])
    return render(request, "opinions/batch_list.html",
                  {"batches": batches, "manage": manage, "candidates": candidates, "form": BatchForm()})


@permission_required("opinions.handle_reports", raise_exception=True)
@require_POST
def batch_create(request):
    form = BatchForm(request.POST)
    report_ids = []
    for value in request.POST.getlist("report"):
        try:
            report_ids.append(int(value))
        except ValueError:
            messages.error(request, _("Choose reports from the list."))
            return redirect("opinions:batch-list")
    return _run(request, form, lambda d: services.batch_create(actor=request.user, report_ids=report_ids, **d),
                _("The batch was recorded."), "opinions:batch-list")


# --- Attachments (the author's material) -----------------------------------------------------------------


@require_POST
def attachment_add(request, pk: int):
    report = _report_for_verb(request, pk, Verb.ADD_ATTACHMENT)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Please choose a file."))
        return redirect(report.get_absolute_url())
    try:
        services.attachment_add(report=report, actor=request.user, upload=upload)
    except (DomainError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The attachment was added."))
    return redirect(report.get_absolute_url())


def _attachment_or_404(request, pk):
    try:
        attachment = ReportAttachment.objects.select_related("report").get(pk=int(pk))
    except (ReportAttachment.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    selectors.report_get_for(user=request.user, pk=attachment.report_id)  # 404 outside the user's scope
    return attachment


@require_POST
def attachment_remove(request, pk: int):
    attachment = _attachment_or_404(request, pk)
    if not WORKFLOW.actor_may(request.user, attachment.report, Verb.REMOVE_ATTACHMENT):
        raise PermissionDenied
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except (DomainError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The attachment was removed."))
    return redirect(attachment.report.get_absolute_url())


def attachment_download(request, pk: int):
    """Always a download with the detected type and nosniff; 404 for anybody who may not see the report."""
    attachment = _attachment_or_404(request, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    services.attachment_record_download(user=request.user, attachment=attachment)
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
