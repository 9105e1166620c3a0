"""Helpers shared by the members views (not a public API)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.urls import reverse

from zhongyuan_cppcc.core.params import page_number

from .. import selectors
from ..exporting import XLSX_CONTENT_TYPE
from ..models import Member


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)


def _year_choices() -> list[int]:
    return selectors.year_choices()


def _year_from(request, default: int | None = None) -> int:
    years = _year_choices()
    fallback = default if default in years else years[0]
    try:
        year = int(request.GET.get("year") or fallback)
    except (TypeError, ValueError):
        return fallback
    return year if year in years else fallback


class _CountOnly:
    """Lets Django's Paginator work out pages from a count the ranking query already returned."""

    def __init__(self, count: int):
        self._count = count

    def count(self) -> int:
        return self._count


def _requested_page(request) -> int:
    return page_number(request)


def _page(request, rows: list, count: int, per_page: int) -> Page:
    """A Page for includes/pagination.html around rows already fetched with LIMIT/OFFSET."""
    paginator = Paginator(_CountOnly(count), per_page)
    number = min(_requested_page(request), paginator.num_pages)
    return Page(rows, number, paginator)


class _FormPage:
    """Heading and the parent page for members/_simple_form.html."""

    heading = ""
    parent: tuple = ("", "")

    def get_heading(self):
        return self.heading

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("heading", self.get_heading())
        url_name, label = self.parent
        if url_name:
            context.update(parent_url=reverse(url_name), parent_label=label)
        return context


class _MemberObjectMixin:
    """Loads the member through the user's scope (404 outside it), then checks the object permission."""

    object_permission = "members.view_member"

    def get_member(self) -> Member:
        member = selectors.member_detail(user=self.request.user, pk=self.kwargs["pk"])
        if not self.request.user.has_perm(self.object_permission, member):
            raise PermissionDenied
        return member
