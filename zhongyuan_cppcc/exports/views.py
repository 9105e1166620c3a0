"""The owner's export jobs: list, progress page (htmx-polled) and download."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import ExportStatus
from .registry import get_kind
from .selectors import export_job_get_for, export_jobs_of
from .services import export_record_download


@require_GET
def job_list(request):
    jobs = export_jobs_of(user=request.user)[:20]
    return render(request, "exports/job_list.html", {"jobs": jobs})


@require_GET
def job_detail(request, pk):
    job = export_job_get_for(user=request.user, pk=pk)
    return render(request, "exports/job_detail.html", {"job": job})


@require_GET
def job_progress(request, pk):
    job = export_job_get_for(user=request.user, pk=pk)
    return render(request, "exports/_progress.html", {"job": job})


@require_GET
def job_download(request, pk):
    job = export_job_get_for(user=request.user, pk=pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    try:
        kind = get_kind(job.kind)
    except LookupError as exc:
        raise Http404 from exc
    if not request.user.has_perm(kind.permission):
        raise PermissionDenied
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    export_record_download(user=request.user, job=job)
    # Workbooks, and the PDFs some kinds build (the 提案汇编 of a year).
    content_type = ("application/pdf" if job.filename.lower().endswith(".pdf")
                    else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = FileResponse(handle, as_attachment=True, filename=job.filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
