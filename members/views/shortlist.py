"""The annual ranking and the excellent-member shortlist."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from zhongyuan_cppcc.core.parameters import get_parameter
from zhongyuan_cppcc.exports.excel import ExcelExportView
from zhongyuan_cppcc.lists.views import FilteredListView
from zhongyuan_cppcc.workflow.forms import form_error_text
from zhongyuan_cppcc.workflow.views import EmptyForm, run_service

from .. import selectors, services
from ..filters import RankingFilterSet
from ..forms import ReasonForm, ShortlistAddForm, ShortlistGenerateForm
from ..models import ExcellentEntry
from ..scoring import Grade, annual_ranking, grade_label, grade_thresholds
from ..selectors import MemberFilters
from ._common import _page, _requested_page, _year_choices, _year_from


class RankingView(FilteredListView):
    """The year's ranking of the members matching the filters; one SQL query computes the page's rows (with
    LIMIT/OFFSET), the number matching and the count per grade."""

    permission_required = "members.view_ranking"
    filterset_class = RankingFilterSet
    template_name = "members/ranking.html"
    export_url_name = "members:ranking-export"
    export_permission = "members.export_member"
    per_page = 50
    per_page_choices = ()

    def get_base_queryset(self):
        self.year = _year_from(self.request, default=selectors.default_year())
        return selectors.ranking_members(user=self.request.user, filters=MemberFilters(), year=self.year)

    def get_paginate_by(self, queryset) -> int:
        return self.per_page

    def paginate_queryset(self, queryset, page_size):
        form = self.get_filterset().form
        grade = form.cleaned_data.get("grade") if form.is_valid() else ""
        offset = (_requested_page(self.request) - 1) * page_size
        self.result = annual_ranking(year=self.year, members=queryset, grade=grade or None, limit=page_size,
                                     offset=offset)
        page = _page(self.request, self.result.rows, self.result.matching, page_size)
        return page.paginator, page, self.result.rows, page.paginator.num_pages > 1

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.result
        context.update(
            title=_("Annual ranking %(year)s") % {"year": self.year}, year=self.year, years=_year_choices(),
            ranking=result,
            grade_counts=[(grade_label(g), result.grade_counts.get(g, 0), g) for g in Grade.ORDER],
        )
        return context


class RankingExportView(ExcelExportView):
    """POST: the ranking as filtered on the screen, all pages (members.exporting.RANKING)."""

    kind = "members.ranking"


class ShortlistIndexView(PermissionRequiredMixin, TemplateView):
    permission_required = "members.view_excellentshortlist"
    template_name = "members/shortlist_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shortlists"] = selectors.shortlists_visible_to(self.request.user).annotate(
            n=Count("entries", filter=~_excluded()))
        context["years"] = _year_choices()
        context["default_year"] = selectors.default_year()
        context["form"] = ShortlistGenerateForm(initial={"percent": get_parameter("members.excellent_top_percent")})
        return context


def _excluded():
    from django.db.models import Q

    return Q(entries__excluded=True)


class ShortlistGenerateView(PermissionRequiredMixin, View):
    permission_required = "members.change_excellentshortlist"
    http_method_names = ["post"]

    def post(self, request):
        form = ShortlistGenerateForm(request.POST)
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            year = 0
        if year not in _year_choices() or not form.is_valid():
            messages.error(request, _("Choose a year and a percentage between 0 and 100."))
            return redirect("members:shortlist-index")

        def refused(form):
            messages.error(request, form_error_text(form))
            return redirect("members:shortlist-index")

        return run_service(
            request, form=form,
            call=lambda data: services.shortlist_generate(year=year, percent=data["percent"], actor=request.user),
            success=lambda shortlist: _("The shortlist for %(year)s was generated.") % {"year": shortlist.year},
            redirect_to=reverse("members:shortlist-detail", args=[year]), on_invalid=refused)


class _ShortlistMixin:
    def get_shortlist(self):
        return get_object_or_404(selectors.shortlists_visible_to(self.request.user), year=self.kwargs["year"])


class ShortlistDetailView(PermissionRequiredMixin, _ShortlistMixin, TemplateView):
    permission_required = "members.view_excellentshortlist"
    template_name = "members/shortlist_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shortlist = self.get_shortlist()
        entries = list(shortlist.entries.select_related("member__party", "member__sector")
                       .order_by("excluded", "rank", "member__name_pinyin"))
        on_list = {e.member_id for e in entries if not e.excluded}
        candidates = selectors.eligible_members_for_year(shortlist.year).exclude(pk__in=on_list).order_by("name_pinyin")
        context.update(
            shortlist=shortlist, entries=[e for e in entries if not e.excluded],
            excluded=[e for e in entries if e.excluded],
            can_change=self.request.user.has_perm("members.change_excellentshortlist") and not shortlist.is_final,
            can_reopen=self.request.user.has_perm("members.change_excellentshortlist") and shortlist.is_final,
            add_form=ShortlistAddForm(candidates=candidates),
            thresholds=grade_thresholds(),
        )
        return context


class ShortlistAddView(PermissionRequiredMixin, _ShortlistMixin, View):
    permission_required = "members.change_excellentshortlist"
    http_method_names = ["post"]

    def post(self, request, year):
        shortlist = self.get_shortlist()
        form = ShortlistAddForm(request.POST, candidates=selectors.eligible_members_for_year(shortlist.year))
        return run_service(
            request, form=form,
            call=lambda data: services.shortlist_add(shortlist=shortlist, actor=request.user, **data),
            success=_("The member was added to the shortlist."),
            redirect_to=reverse("members:shortlist-detail", args=[shortlist.year]),
            invalid_message=_("Choose a member and give a reason."))


class ShortlistExcludeView(PermissionRequiredMixin, View):
    permission_required = "members.change_excellentshortlist"
    http_method_names = ["post"]

    def post(self, request, pk):
        entry = get_object_or_404(ExcellentEntry.objects.select_related("shortlist"),
                                  pk=pk, shortlist__in=selectors.shortlists_visible_to(request.user))
        return run_service(
            request, form=ReasonForm(request.POST),
            call=lambda data: services.shortlist_exclude(entry=entry, reason=data["reason"], actor=request.user),
            success=_("The member was taken off the shortlist."),
            redirect_to=reverse("members:shortlist-detail", args=[entry.shortlist.year]),
            invalid_message=_("Give a reason for the change."))


class ShortlistFinalizeView(PermissionRequiredMixin, _ShortlistMixin, View):
    permission_required = "members.change_excellentshortlist"
    http_method_names = ["post"]
    reopen = False

    def post(self, request, year):
        shortlist = self.get_shortlist()
        service, success = ((services.shortlist_reopen, _("The shortlist can be changed again.")) if self.reopen
                            else (services.shortlist_finalize, _("The shortlist is final.")))
        return run_service(request, form=EmptyForm(request.POST),
                           call=lambda data: service(shortlist=shortlist, actor=request.user), success=success,
                           redirect_to=reverse("members:shortlist-detail", args=[shortlist.year]))


class ShortlistExportView(ExcelExportView):
    """POST: the year's shortlist (members.exporting.SHORTLIST; 404 for a year without one)."""

    kind = "members.shortlist"

    def params(self, request, year):
        query = request.POST.copy()
        query["year"] = str(year)
        return query
