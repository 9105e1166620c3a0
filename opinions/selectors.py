"""Reads that depend on who asks. Out-of-scope reports are 404, the same as missing ones."""

from django.db.models import QuerySet
from django.http import Http404

from zhongyuan_cppcc.accounts.predicates import is_leader, is_opinion_officer

from .models import Bulletin, OpinionReport


def opinion_reports_of(*, user) -> QuerySet[OpinionReport]:
    """The reports this user wrote or co-authored (drafts included)."""
    if not user.is_authenticated:
        return OpinionReport.objects.none()
    # One `pk IN (… UNION ALL …)` of two indexed look-ups: an OR across the co-author join needed DISTINCT over
    # every column and scanned every report (200 ms per count at 300,000 reports, three counts per home page).
    own = OpinionReport.objects.filter(author=user).order_by().values("pk").union(
        OpinionReport.co_authors.through.objects.filter(member__user=user).order_by().values("opinionreport_id"),
        all=True)
    return OpinionReport.objects.filter(pk__in=own).order_by("-created_at", "-id")


def reports_visible_to(*, user) -> QuerySet[OpinionReport]:
    """Every report for the information officer and leaders (drafts excluded); own ones for authors."""
    if is_opinion_officer(user) or is_leader(user):
        return OpinionReport.objects.exclude(status="draft")
    return opinion_reports_of(user=user)


def report_get_for(*, user, pk) -> OpinionReport:
    """One report the user may see, or 404 (drafts are the author's own business)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    report = (OpinionReport.objects.select_related("author", "source_street", "source_sector", "edited_by")
              .filter(pk=pk).first())
    if report is None or not user.has_perm("opinions.view_report", report):
        raise Http404
    if report.status == "draft" and report.author_id != user.pk and \
            not report.co_authors.filter(user_id=user.pk).exists():
        raise Http404
    return report


def bulletin_get_for(*, user, pk) -> Bulletin:
    if not user.has_perm("opinions.view_bulletins"):
        raise Http404
    try:
        bulletin = Bulletin.objects.get(pk=int(pk))
    except (Bulletin.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if not bulletin.is_published and not user.has_perm("opinions.manage_bulletins"):
        raise Http404  # a draft issue is the office's working material
    return bulletin
