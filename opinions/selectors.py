from django.db.models import QuerySet

from .models import OpinionReport


def opinion_reports_of(*, user) -> QuerySet[OpinionReport]:
    """The reports this user wrote (drafts included)."""
    return OpinionReport.objects.filter(author=user).order_by("-created_at")
