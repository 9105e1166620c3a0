"""Bulletin issues (信息专刊): list, compile, publish, printable page and PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongyuan_cppcc.lists.page_cache import kept_page
from zhongyuan_cppcc.pdf import pdf_response, render_pdf
from zhongyuan_cppcc.workflow.errors import DomainError

from . import selectors, services, statistics
from .models import Bulletin, OpinionReport
from .workflow import Status


def _error_text(exc: Exception) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


@permission_required("opinions.view_bulletins", raise_exception=True)
@kept_page
def bulletin_list(request):
    from django.db.models import Count, F

    bulletins = Bulletin.objects.annotate(n_entries=Count("entries")).order_by(
        "-year", F("number").desc(nulls_first=True), "-id")
    if not request.user.has_perm("opinions.manage_bulletins"):
        bulletins = bulletins.filter(number__isnull=False)
    year = request.GET.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:  # the dashboard's "bulletin issues" figure
        bulletins = bulletins.filter(pk__in=statistics.issued_bulletins(int(year)).values("pk"))
    return render(request, "opinions/bulletin_list.html", {"bulletins": bulletins[:200]})


@permission_required("opinions.manage_bulletins", raise_exception=True)
@require_POST
def bulletin_create(request):
    bulletin = services.bulletin_create(actor=request.user)
    messages.success(request, _("A new issue was started. Choose its reports and their order."))
    return redirect(bulletin.get_absolute_url())


def _entries(bulletin):
    return list(bulletin.entries.select_related("report__author").order_by("position", "id"))


def bulletin_detail(request, pk: int):
    bulletin = selectors.bulletin_get_for(user=request.user, pk=pk)
    manage = request.user.has_perm("opinions.manage_bulletins")
    entries = _entries(bulletin)
    candidates = []
    if manage and not bulletin.is_published:
        candidates = list(OpinionReport.objects.filter(status=Status.ADOPTED, bulletin_entry__isnull=True)
                          .select_related("author").order_by("-decided_at", "-id")[:300])
    return render(request, "opinions/bulletin_detail.html",
                  {"bulletin": bulletin, "entries": entries, "candidates": candidates, "manage": manage})


@permission_required("opinions.manage_bulletins", raise_exception=True)
@require_POST
def bulletin_compile(request, pk: int):
    """The chosen reports ordered by the numbers typed beside them (ties keep the page order)."""
    bulletin = selectors.bulletin_get_for(user=request.user, pk=pk)
    chosen = []
    for n, value in enumerate(request.POST.getlist("report")):
        try:
            report_id = int(value)
            position = int(request.POST.get(f"pos-{report_id}") or 999)
        except (TypeError, ValueError):
            messages.error(request, _("The order must be given as whole numbers."))
            return redirect(bulletin.get_absolute_url())
        chosen.append((position, n, report_id))
    try:
        services.bulletin_set_reports(bulletin=bulletin, actor=request.user,
                                      report_ids=[pk for _pos, _n, pk in sorted(chosen)])
    except (DomainError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The issue's contents were saved."))
    return redirect(bulletin.get_absolute_url())


@permission_required("opinions.manage_bulletins", raise_exception=True)
@require_POST
def bulletin_publish(request, pk: int):
    bulletin = selectors.bulletin_get_for(user=request.user, pk=pk)
    try:
        raw = (request.POST.get("published_on") or "").strip()
        published_on = parse_date(raw) if raw else None
        if raw and published_on is None:
            raise ValidationError(_("Please give the date as YYYY-MM-DD."))
        bulletin = services.bulletin_publish(bulletin=bulletin, actor=request.user, published_on=published_on)
    except (DomainError, ValidationError, ValueError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("%(bulletin)s was published.") % {"bulletin": bulletin})
    return redirect(bulletin.get_absolute_url())


def _print_context(bulletin) -> dict:
    return {"bulletin": bulletin, "entries": _entries(bulletin)}


def bulletin_print(request, pk: int):
    bulletin = selectors.bulletin_get_for(user=request.user, pk=pk)
    return render(request, "opinions/bulletin_print.html", {**_print_context(bulletin), "printable": True})


def bulletin_css() -> str:
    """The bulletin's stylesheet (one file for the printable page and the PDF)."""
    from django.contrib.staticfiles import finders

    path = finders.find("css/opinions-bulletin.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def bulletin_pdf_bytes(bulletin) -> bytes:
    return render_pdf("opinions/bulletin_pdf.html", {**_print_context(bulletin), "css": bulletin_css()})


def bulletin_pdf(request, pk: int):
    bulletin = selectors.bulletin_get_for(user=request.user, pk=pk)
    pdf = bulletin_pdf_bytes(bulletin)
    return pdf_response(pdf, filename=f"{bulletin}.pdf")
