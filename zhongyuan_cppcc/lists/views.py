"""The filtered-list base view every list page uses, and the query-string helper for its links.

A list is a declaration::

    class OfficerList(FilteredListView):
        permission_required = "proposals.list_all_proposals"
        filterset_class = ProposalFilterSet           # zhongyuan_cppcc.lists.filters.ListFilterSet
        template_name = "proposals/lists/officer.html"   # extends lists/base_list.html
        title = _("All proposals")
        export_url_name = "proposals:export"          # optional: the export button (a POST form)
        export_permission = "proposals.export_proposals"

        def get_base_queryset(self):                  # the scoped selector, ordered by an indexed unique key
            return selectors.officer_proposals_for(user=self.request.user)

        def decorate(self, rows):                     # per-page extras, fetched for the whole page at once
            ...

What the base does: checks the permission (403), filters the base queryset with the FilterSet (bad values:
the unfiltered list and a Chinese notice, never a 500), pages it ids-first (`paging.IdsFirst`: the page's
ids from the list's own table, then the narrow rows in one query) with page and per-page numbers that
tolerate garbage and oversized values, and gives the template `rows`, `page_obj`, `filter`,
`query_string` (for pagination links), the export form's target and fields. The rendered page is kept
per user until the data it read changes (`page_cache.cached_page`).
"""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.urls import reverse
from django.views.generic import ListView

from .page_cache import KeptPageMixin
from .paging import IdsFirst, parse_page, parse_per_page

PER_PAGE_CHOICES = (10, 25, 50, 100)
DEFAULT_PER_PAGE = 25
# Query parameters that choose the page, not the rows: left out of exports and of pagination links.
PAGING_KEYS = ("page", "per_page")


def query_string(query, drop=("page",)) -> str:
    """`query` (a request or a QueryDict) url-encoded without the keys in `drop`, for links that keep the
    list's filters: `?{{ query_string }}&page=2`."""
    query = getattr(query, "GET", query).copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


def filter_params(query, drop=PAGING_KEYS) -> dict[str, list[str]]:
    """The list's filters as {key: [values]} (what an export job stores), without paging keys or the CSRF token."""
    query = getattr(query, "GET", query)
    return {key: query.getlist(key) for key in query if key not in drop and key != "csrfmiddlewaretoken"}


def export_form_context(request, url_name: str | None, permission: str | None, *, args=(), label="") -> dict:
    """The export button's context for a page that is not a FilteredListView (lists/_export_form.html):
    `can_export`, `export_url`, `export_fields` (the page's GET filters, POSTed to the export) and `export_label`."""
    can_export = bool(url_name) and request.user.has_perm(permission or "")
    return {
        "can_export": can_export,
        "export_url": reverse(url_name, args=args) if can_export else "",
        "export_fields": [(key, value) for key, values in filter_params(request).items() for value in values]
        if can_export else [],
        "export_label": label,
    }


class FilteredListView(KeptPageMixin, ListView):
    """See the module docstring. Subclasses set `permission_required` and `template_name` and implement
    `get_base_queryset()`; everything else is optional."""

    http_method_names = ["get", "head", "options"]
    permission_required: str | None = None
    filterset_class = None
    title = ""
    per_page_choices = PER_PAGE_CHOICES
    default_per_page = DEFAULT_PER_PAGE
    # Page ids first (the base queryset must be ordered by a unique key); False pages the queryset itself.
    ids_first = True
    context_object_name = "rows"
    export_url_name: str | None = None
    export_permission: str | None = None
    export_label = ""  # the export button's text (default "Export to Excel")

    def dispatch(self, request, *args, **kwargs):
        if self.permission_required is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs permission_required")
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    # --- Rows ---------------------------------------------------------------------------------------------

    def get_base_queryset(self):
        """The rows this user may see, ordered (a scoped selector)."""
        raise NotImplementedError

    def get_filterset(self):
        if not hasattr(self, "_filterset"):
            base = self.get_base_queryset()
            self._filterset = (self.filterset_class(self.request.GET, queryset=base, request=self.request)
                               if self.filterset_class is not None else None)
            self._base = base
        return self._filterset

    def get_queryset(self):
        filterset = self.get_filterset()
        return filterset.qs if filterset is not None else self._base

    def get_count(self):
        """A callable giving the number of rows cheaper than `queryset.count()`, or None."""
        return None

    def decorate(self, rows: list) -> None:
        """Per-row extras for the page's rows (fetch them for the whole page at once)."""

    # --- Paging -------------------------------------------------------------------------------------------

    def get_paginate_by(self, queryset) -> int:
        return parse_per_page(self.request.GET.get("per_page"), choices=tuple(self.per_page_choices),
                              default=self.default_per_page)

    def paginate_queryset(self, queryset, page_size):
        source = IdsFirst(queryset, count=self.get_count()) if self.ids_first else queryset
        paginator = Paginator(source, page_size)
        page = paginator.get_page(parse_page(self.request.GET.get("page")))
        rows = list(page.object_list)
        page.object_list = rows
        return paginator, page, rows, page.has_other_pages()

    # --- Template -----------------------------------------------------------------------------------------

    def can_export(self) -> bool:
        return bool(self.export_url_name) and self.request.user.has_perm(self.export_permission or "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["object_list"]
        self.decorate(rows)
        filterset = self.get_filterset()
        context.update(
            title=self.title, filter=filterset, rows=rows,
            filter_error=filterset.error_message if filterset is not None else "",
            query_string=query_string(self.request),
            per_page=self.get_paginate_by(None), per_page_choices=self.per_page_choices,
        )
        context.update(export_form_context(self.request, self.export_url_name if self.can_export() else None,
                                           self.export_permission, label=self.export_label))
        return context
