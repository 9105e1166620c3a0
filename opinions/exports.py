"""Excel exports of the opinion module, declared on the shared writer (formula-safe, chunked, audited)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.exports.excel import Column, ExcelExport, register


def _reports(user, query):
    from .filters import ReportFilterSet
    from .selectors import reports_visible_to

    base = reports_visible_to(user=user).select_related("author", "source_street", "source_sector")
    return ReportFilterSet(query, queryset=base.order_by("-id")).qs


def _year(query) -> int:
    try:
        year = int(query.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _statistics_rows(user, query) -> list[dict]:
    from . import statistics

    year = _year(query)
    counts, previous = statistics.year_figures(year), statistics.year_figures(year - 1)
    rows = [{"section": str(_("Figures")), "name": str(f.label), "a": counts[f.key], "b": previous[f.key]}
            for f in statistics.FIGURES]
    rows.insert(2, {"section": str(_("Figures")), "name": str(_("Bulletin issues")), "a": counts["bulletins"],
                    "b": previous["bulletins"]})
    for title, group in ((_("Per author"), statistics.per_author(year)),
                         (_("Per street"), statistics.per_group(year, "street")),
                         (_("Per sector"), statistics.per_group(year, "sector")),
                         (_("Per party"), statistics.per_group(year, "party"))):
        rows += [{"section": str(title), "name": r["name"], "a": r["collected"], "b": r["adopted"]} for r in group]
    return rows


REPORTS = register(ExcelExport(
    kind="opinions.reports", label=_("Opinion reports"), permission="opinions.list_all_reports",
    rows=_reports, filename=_("opinion-reports"), audit_action="opinions.exported",
    audit_object_type="opinions.opinionreport",
    columns=[
        Column(_("Number"), "pk", width=8),
        Column(_("Title"), "title", width=40),
        Column(_("Edited title"), "adopted_title", width=40),
        Column(_("Author"), lambda r, e: r.author.full_name or r.author.username, width=12),
        Column(_("Category"), "get_category_display", width=14),
        Column(_("Source street"), "source_street.name", width=14),
        Column(_("Source sector"), "source_sector.name", width=14),
        Column(_("Status"), "get_status_display", width=10),
        Column(_("Submitted on"), "submitted_at", width=12, date=True),
        Column(_("Signed off by"), "signed_off_by", width=12),
    ]))

STATISTICS = register(ExcelExport(
    kind="opinions.statistics", label=_("Opinion report statistics"), permission="opinions.view_statistics",
    rows=_statistics_rows, filename=_("opinion-statistics"), audit_action="opinions.statistics_exported",
    background=False,
    columns=lambda user, query: [
        Column(_("Section"), lambda r, e: r["section"], width=14),
        Column(_("Item"), lambda r, e: r["name"], width=36),
        Column(f"{_year(query)}", lambda r, e: r["a"], width=12),
        Column(_("Previous year / adopted"), lambda r, e: r["b"], width=14),
    ]))


def _my_reports(user, query):
    from .filters import MyReportFilterSet
    from .selectors import opinion_reports_of

    return MyReportFilterSet(query, queryset=opinion_reports_of(user=user).order_by("-id")).qs


MY_REPORTS = register(ExcelExport(
    kind="opinions.my_reports", label=_("My opinion reports"), permission="opinions.view_own_reports",
    rows=_my_reports, filename=_("my-opinion-reports"), audit_action="opinions.own_exported",
    audit_object_type="opinions.opinionreport",
    columns=[
        Column(_("Number"), "pk", width=8),
        Column(_("Title"), "title", width=40),
        Column(_("Category"), "get_category_display", width=14),
        Column(_("Status"), "get_status_display", width=10),
        Column(_("Submitted on"), "submitted_at", width=12, date=True),
        Column(_("Reason"), "decision_reason", width=30),
    ]))


def _bulletin_entries(user, query):
    from .models import BulletinEntry

    return (BulletinEntry.objects.filter(bulletin__number__isnull=False)
            .select_related("bulletin", "report__author").order_by("-bulletin__year", "-bulletin__number", "position"))


BULLETINS = register(ExcelExport(
    kind="opinions.bulletins", label=_("Bulletins"), permission="opinions.view_bulletins",
    rows=_bulletin_entries, filename=_("bulletins"), audit_action="opinions.bulletins_exported",
    audit_object_type="opinions.bulletin",
    columns=[
        Column(_("Issue"), lambda r, e: str(r.bulletin), width=24),
        Column(_("Published on"), "bulletin.published_on", width=12, date=True),
        Column(_("Order"), "position", width=6),
        Column(_("Title"), lambda r, e: r.report.display_title, width=40),
        Column(_("Author"), lambda r, e: r.report.author.full_name or r.report.author.username, width=12),
    ]))


def _batch_rows(user, query):
    from .models import UpwardBatch

    through = UpwardBatch.reports.through
    return (through.objects.select_related("upwardbatch", "opinionreport__author")
            .order_by("-upwardbatch__sent_on", "-upwardbatch_id", "opinionreport_id"))


BATCHES = register(ExcelExport(
    kind="opinions.batches", label=_("Reporting upward"), permission="opinions.list_all_reports",
    rows=_batch_rows, filename=_("reported-upward"), audit_action="opinions.batches_exported",
    audit_object_type="opinions.upwardbatch",
    columns=[
        Column(_("Sent on"), "upwardbatch.sent_on", width=12, date=True),
        Column(_("Channel"), "upwardbatch.channel", width=24),
        Column(_("Document number"), "upwardbatch.document_number", width=20),
        Column(_("Title"), lambda r, e: r.opinionreport.display_title, width=40),
        Column(_("Author"), lambda r, e: r.opinionreport.author.full_name or r.opinionreport.author.username,
               width=12),
    ]))
