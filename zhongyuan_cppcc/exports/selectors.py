from django.shortcuts import get_object_or_404

from .models import ExportJob


def export_jobs_of(*, user):
    return ExportJob.objects.filter(owner=user)


def export_job_get_for(*, user, pk) -> ExportJob:
    """A job of the user's own; anyone else's is 404."""
    return get_object_or_404(export_jobs_of(user=user), pk=pk)
