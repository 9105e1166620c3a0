"""The list-and-export toolkit: page parsing, query strings, ListFilterSet, FilteredListView and the Excel writer."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import django_filters
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import make_user
from zhongyuan_cppcc.exports import excel
from zhongyuan_cppcc.exports.excel import Column, chunks, text_cell, write_xlsx, xlsx_bytes
from zhongyuan_cppcc.lists.filters import IntegerFilter, ListFilterSet, TextFilter, YesNoFilter, text_contains
from zhongyuan_cppcc.lists.paging import parse_page, parse_per_page
from zhongyuan_cppcc.lists.views import FilteredListView, filter_params, query_string

User = get_user_model()


# --- Paging and query strings -----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "page"), [
    (None, 1), ("", 1), ("3", 3), (" 7 ", 7), ("0", 1), ("-2", 1), ("abc", 1), ("2.5", 1), ("1e5", 1), ("²", 1),
    ("9" * 5000, 10 ** 9), ("12345678901", 10 ** 9)])
def test_page_numbers_tolerate_garbage_and_oversized_values(raw, page):
    assert parse_page(raw) == page


@pytest.mark.parametrize(("raw", "per_page"), [(None, 25), ("50", 50), ("7", 25), ("x", 25), ("9" * 400, 25)])
def test_per_page_is_one_of_the_choices(raw, per_page):
    assert parse_per_page(raw, choices=(10, 25, 50, 100), default=25) == per_page


def test_query_string_keeps_the_filters_and_drops_the_page():
    query = QueryDict("q=%E5%BC%A0&year=2024&page=3&per_page=50&unit=1&unit=2")
    assert query_string(query) == "q=%E5%BC%A0&year=2024&per_page=50&unit=1&unit=2"
    assert query_string(query, drop=("page", "per_page")) == "q=%E5%BC%A0&year=2024&unit=1&unit=2"
    request = RequestFactory().get("/x/", {"year": "2024", "page": "2"})
    assert query_string(request) == "year=2024"
    posted = QueryDict("csrfmiddlewaretoken=t&year=2024&page=2&unit=1&unit=2")
    assert filter_params(posted) == {"year": ["2024"], "unit": ["1", "2"]}


# --- ListFilterSet --------------------------------------------------------------------------------------


class UserFilterSet(ListFilterSet):
    username = django_filters.CharFilter(field_name="username", lookup_expr="icontains", label="Account")
    active = YesNoFilter(field_name="is_active", label="Active")
    staff = YesNoFilter(label="Staff", method="filter_staff")
    pk_at_least = IntegerFilter(field_name="pk", lookup_expr="gte", label="From", min_value=0)

    class Meta:
        model = User
        fields: list[str] = []

    def filter_staff(self, qs, name, value):
        assert value in (True, False)
        return qs.filter(is_staff=value)


@pytest.fixture
def people(db):
    return {
        "anna": make_user(username="anna"),
        "bert": make_user(username="bert", is_active=False),
        "carl": make_user(username="carl", is_staff=True),
    }


def names(qs) -> set[str]:
    return set(qs.values_list("username", flat=True)) & {"anna", "bert", "carl"}


@pytest.mark.django_db
def test_filters_apply_and_yes_no_means_true_false_or_all(people):
    assert names(UserFilterSet(QueryDict("username=AN")).qs) == {"anna"}
    assert names(UserFilterSet(QueryDict("active=0")).qs) == {"bert"}
    assert names(UserFilterSet(QueryDict("active=1&staff=1")).qs) == {"carl"}
    assert names(UserFilterSet(QueryDict("staff=0")).qs) == {"anna", "bert"}
    assert names(UserFilterSet(QueryDict("active=")).qs) == {"anna", "bert", "carl"}
    fs = UserFilterSet(QueryDict("active=1&pk_at_least=0"))
    assert fs.as_dict() == {"active": "1", "pk_at_least": 0} and fs.error_message == ""
    assert fs.form.fields["active"].choices[0] == ("", "全部")


class NameFilterSet(ListFilterSet):
    q = TextFilter(label="Name", fields=("username", "full_name"))

    class Meta:
        model = User
        fields: list[str] = []


@pytest.mark.django_db
def test_a_text_filter_matches_chinese_exactly_and_latin_letters_in_either_case(people):
    make_user(username="dora", full_name="王消防")
    assert names(NameFilterSet(QueryDict("q=AN")).qs) == {"anna"}
    assert set(NameFilterSet(QueryDict("q=消防")).qs.values_list("username", flat=True)) == {"dora"}
    assert names(NameFilterSet(QueryDict("q=%20%20")).qs) == {"anna", "bert", "carl"}  # blank: no filter
    # Chinese text is compared as it is: a plain LIKE that a trigram index answers, no UPPER() of every row.
    chinese = str(User.objects.filter(text_contains("消防", "username", "full_name")).query)
    assert "UPPER" not in chinese and chinese.count("LIKE") == 2
    assert "UPPER" in str(User.objects.filter(text_contains("An", "username")).query)


@pytest.mark.django_db
def test_bad_values_show_the_unfiltered_list_and_a_chinese_message(people):
    fs = UserFilterSet(QueryDict("username=an&active=maybe&pk_at_least=abc"))
    assert names(fs.qs) == {"anna", "bert", "carl"}  # nothing half-applied
    assert fs.invalid and fs.as_dict() == {}
    assert fs.error_message.startswith("以下筛选条件无法识别，已忽略")
    assert "Active：" in fs.error_message and "From：" in fs.error_message


class GroupFilterSet(ListFilterSet):
    group = django_filters.ModelChoiceFilter(field_name="groups", label="Group",
                                             queryset=lambda request: Group.objects.order_by("name"))

    class Meta:
        model = User
        fields: list[str] = []


@pytest.mark.django_db
def test_a_model_choice_filter_reads_its_choices_with_one_query_and_still_validates(people):
    fs = GroupFilterSet(QueryDict(""))
    field = fs.form["group"]
    with CaptureQueriesContext(connection) as queries:
        html = str(field)
        len(field.field.choices), bool(field.field.choices)
        str(field)
    assert len(queries) == 1 and "SELECT" in queries[0]["sql"] and "DECLARE" not in queries[0]["sql"]
    groups = list(Group.objects.order_by("name"))
    assert all(f'value="{g.pk}"' in html for g in groups) and ">全部<" in html
    assert fs.form.fields["group"].choices[0] == ("", "全部")
    member = groups[0]
    people["anna"].groups.add(member)
    assert names(GroupFilterSet(QueryDict(f"group={member.pk}")).qs) == {"anna"}
    assert GroupFilterSet(QueryDict("group=999999")).invalid


# --- FilteredListView ----------------------------------------------------------------------------------


class UserList(FilteredListView):
    permission_required = "accounts.view_user"
    filterset_class = UserFilterSet
    template_name = "lists/base_list.html"
    title = "Users"
    export_url_name = "proposals:export"
    export_permission = "accounts.view_user"

    def get_base_queryset(self):
        return User.objects.filter(username__in=["anna", "bert", "carl"]).order_by("username", "pk")

    def decorate(self, rows):
        for row in rows:
            row.decorated = row.username.upper()


def list_context(user, query: str) -> dict:
    request = RequestFactory().get("/users/?" + query)
    request.user = user
    view = UserList()
    view.setup(request)
    if not user.has_perm(view.permission_required):
        with pytest.raises(PermissionDenied):
            view.dispatch(request)
        return {}
    view.object_list = view.get_queryset()
    return view.get_context_data()


@pytest.mark.django_db
def test_the_list_view_filters_pages_ids_first_and_decorates(people):
    admin = make_user(username="list-admin", is_superuser=True)
    context = list_context(admin, "per_page=10&page=1&active=1")
    assert [r.username for r in context["rows"]] == ["anna", "carl"]
    assert [r.decorated for r in context["rows"]] == ["ANNA", "CARL"]
    assert context["page_obj"].paginator.count == 2 and context["per_page"] == 10
    assert context["query_string"] == "per_page=10&active=1"
    assert context["can_export"] and context["export_fields"] == [("active", "1")]
    # Garbage paging and a bad filter: page 1 of the whole list, with the notice.
    context = list_context(admin, "page=zz&per_page=100000&active=perhaps")
    assert [r.username for r in context["rows"]] == ["anna", "bert", "carl"]
    assert context["per_page"] == 25 and context["filter_error"]
    # A page past the end shows the last page.
    context = list_context(admin, "per_page=10&page=99999999999999")
    assert context["page_obj"].number == 1 and len(context["rows"]) == 3


def _counts(queries) -> int:
    return sum(1 for q in queries if "COUNT(" in q["sql"].upper())


@pytest.mark.django_db
def test_a_lists_count_is_kept_until_the_counted_data_changes(people, django_capture_on_commit_callbacks):
    admin = make_user(username="count-admin", is_superuser=True)
    # The test's own users are not committed: the count is kept once they are (dashboard/cache.py).
    with CaptureQueriesContext(connection) as first, django_capture_on_commit_callbacks(execute=True):
        assert list_context(admin, "active=1")["page_obj"].paginator.count == 2
    with CaptureQueriesContext(connection) as second:
        assert list_context(admin, "active=1")["page_obj"].paginator.count == 2
    assert _counts(first) == 1 and _counts(second) == 0
    # Another filter is another count.
    assert list_context(admin, "active=0")["page_obj"].paginator.count == 1
    # A bulk update (no model signal) advances the data version: counted afresh.
    User.objects.filter(username="bert").update(is_active=True)
    with CaptureQueriesContext(connection) as third:
        assert list_context(admin, "active=1")["page_obj"].paginator.count == 3
    assert _counts(third) == 1


@pytest.mark.django_db
def test_a_distinct_values_count_is_kept_as_what_it_selects(people, django_capture_on_commit_callbacks):
    """A `.values(…).distinct()` count (a unit's proposals counted on their assignments) is kept under its own
    statement: the distinct values, not the rows they come from."""
    from zhongyuan_cppcc.lists.paging import cached_count

    staff = User.objects.filter(username__in=["anna", "bert", "carl"]).values("is_staff").distinct()
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            assert cached_count(staff) == 2
        assert cached_count(staff) == 2
    assert _counts(queries) == 1
    three = User.objects.filter(username__in=["anna", "bert", "carl"])
    assert cached_count(three.values("username").distinct()) == 3 and cached_count(three) == 3
    User.objects.filter(username="carl").update(is_staff=False)
    assert cached_count(staff) == 1


@pytest.mark.django_db
def test_a_count_reading_a_table_without_the_version_trigger_is_never_kept(people):
    from zhongyuan_cppcc.audit.models import AuditEvent
    from zhongyuan_cppcc.lists.paging import cached_count

    anna = people["anna"]
    AuditEvent.objects.create(actor=anna, actor_username="anna", action="test.one")
    direct = AuditEvent.objects.filter(actor=anna, action__startswith="test.")
    through = User.objects.filter(pk__in=AuditEvent.objects.filter(action__startswith="test.").values("actor_id"))
    for qs in (direct, through):
        with CaptureQueriesContext(connection) as queries:
            assert cached_count(qs) == 1 and cached_count(qs) == 1
        assert _counts(queries) == 2
    AuditEvent.objects.create(actor=anna, actor_username="anna", action="test.two")
    assert cached_count(direct) == 2


@pytest.mark.django_db
def test_the_list_view_refuses_without_the_permission(people):
    assert list_context(make_user(username="nobody"), "") == {}


@pytest.mark.django_db
def test_the_base_template_renders_table_cards_filters_export_and_empty_state(client_for, db):
    """Through a real list built on it (the officer's proposal list)."""
    from tests.proposals.factories import ProposalFactory

    officer = make_user("proposal_officer", username="list-officer")
    ProposalFactory(submitted=True, title="关于<script>的建议")
    page = client_for(officer).get("/proposals/all/", {"year": "abc", "page": "-1"}).content.decode()
    assert 'class="table table-sm table-striped align-middle table-stack"' in page and "data-label=" in page
    assert 'data-testid="filter-error"' in page and "以下筛选条件无法识别" in page
    assert 'data-testid="export-form"' in page and 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert "<script>的建议" not in page and "&lt;script&gt;的建议" in page
    empty = client_for(officer).get("/proposals/all/", {"q": "没有这样的建议"}).content.decode()
    assert 'data-testid="empty"' in empty


# --- Excel writer ------------------------------------------------------------------------------------------


def sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_header_widths_dates_numbers_and_empty_cells():
    # 23:30 UTC on 31 May is 07:30 on 1 June in China: the local day is written.
    aware = timezone.make_aware(datetime(2024, 5, 31, 23, 30), timezone.get_fixed_timezone(0))
    rows = [{"name": "张三", "day": date(2024, 5, 6), "at": aware, "score": Decimal("9.5"), "n": 3, "none": None}]
    columns = [Column("Name", lambda r, e: r["name"], width=30), Column("Day", lambda r, e: r["day"]),
               Column("At", lambda r, e: r["at"], date=True), Column("Score", lambda r, e: r["score"]),
               Column("N", lambda r, e: r["n"]), Column("None", lambda r, e: r["none"])]
    content, count = xlsx_bytes(columns=columns, rows=rows, sheet_title="一个" + "很长" * 20 + "的标题")
    ws = sheet(content)
    assert count == 1 and ws.title.startswith("一个") and len(ws.title) <= 31
    header, data = list(ws.iter_rows())[:2]
    assert [c.value for c in header] == ["Name", "Day", "At", "Score", "N", "None"]
    assert all(c.font.b for c in header)
    assert ws.column_dimensions["A"].width == 30
    assert data[1].value == datetime(2024, 5, 6) and data[1].is_date and data[1].number_format == "yyyy-mm-dd"
    assert data[2].value == datetime(2024, 6, 1) and data[2].is_date
    assert data[3].value == 9.5 and data[4].value == 3 and data[5].value is None


def test_attribute_paths_and_long_text():
    class Unit:
        name = "区教育局"

    class Row:
        pk = 1
        unit = Unit()
        empty = None
        text = "长" * 40000

        def label(self):
            return "标签"

    columns = [Column("Unit", "unit.name"), Column("Missing", "empty.name"), Column("Label", "label"),
               Column("Text", "text")]
    ws = sheet(xlsx_bytes(columns=columns, rows=[Row()])[0])
    values = [c.value for c in list(ws.iter_rows())[1]]
    assert values[:3] == ["区教育局", None, "标签"] and len(values[3]) == excel.MAX_CELL_CHARS


def test_a_risky_text_cell_is_a_quote_prefixed_string():
    from openpyxl import Workbook

    ws = Workbook(write_only=True).create_sheet("x")
    cell = text_cell(ws, "=1+1")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    assert text_cell(ws, "张三").quotePrefix is False


@pytest.mark.django_db
def test_querysets_are_read_ids_first_in_chunks_with_progress(people):
    qs = User.objects.filter(username__in=["anna", "bert", "carl"]).order_by("-username", "pk")
    progress = []
    seen = []

    def prepare(chunk):
        seen.append([u.username for u in chunk])
        return {"suffix": "!"}

    with CaptureQueriesContext(connection) as queries:
        handle = io.BytesIO()
        count = write_xlsx(handle, columns=[Column("User", lambda u, e: u.username + e["suffix"])], rows=qs,
                           prepare=prepare, progress=lambda done, total: progress.append((done, total)),
                           chunk_size=2)
    assert count == 3 and seen == [["carl", "bert"], ["anna"]] and progress == [(2, 3), (3, 3)]
    assert not any("OFFSET" in q["sql"] for q in queries.captured_queries)
    assert [c.value for (c,) in sheet(handle.getvalue()).iter_rows()] == ["User", "carl!", "bert!", "anna!"]
    assert [len(part) for part in chunks(iter(range(5)), 2)] == [2, 2, 1]


@pytest.mark.django_db
def test_declared_exports_check_audit_and_go_to_the_background_above_the_limit(client_for, settings):
    from proposals.models import Proposal
    from tests.proposals.factories import ProposalFactory
    from zhongyuan_cppcc.audit.models import AuditEvent
    from zhongyuan_cppcc.exports.models import ExportJob

    export = excel.get_excel_export("proposals.proposals")
    member = make_user("member", username="list-member")
    with pytest.raises(PermissionDenied):
        export.export(member, {})
    officer = make_user("proposal_officer", username="list-export-officer")
    for _ in range(2):
        ProposalFactory(submitted=True)
    with time_machine.travel(timezone.make_aware(datetime(2024, 3, 1, 9, 5)), tick=False):
        handle, name, rows = export.export(officer, {"category": ["urban"]})
    assert rows == Proposal.objects.filter(category="urban").count() == 2 and name.endswith("-20240301-0905.xlsx")
    assert len(list(sheet(handle.read()).iter_rows())) == 3
    assert AuditEvent.objects.get(action="proposals.exported", actor=officer).details == {
        "rows": 2, "filters": {"category": "urban"}}
    settings.EXPORT_SYNC_MAX_ROWS = 1
    response = client_for(officer).post("/proposals/export/", {"category": "urban", "page": "2"})
    job = ExportJob.objects.get(owner=officer)
    assert response.status_code == 302 and job.params == {"category": ["urban"]} and job.total_rows == 2


def test_no_formula_element_is_ever_written_for_text():
    content, _count = xlsx_bytes(columns=[Column("x", lambda r, e: r)], rows=["=SUM(1)", "-1", "plain"])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


# --- The filter panel's controls (zhongyuan_cppcc/lists/templatetags.py) --------------------------------------


class PanelFilters(ListFilterSet):
    q = TextFilter(label="标题", fields=("username",))
    year = IntegerFilter(label="年度", method="by_year")
    role = django_filters.ChoiceFilter(label="角色 <b>", choices=(("a&b", "甲 & 乙"), ("c", "<丙>")),
                                       method="by_year")
    joined = django_filters.DateFilter(label="加入", method="by_year",
                                       widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = User
        fields = []

    def by_year(self, qs, name, value):
        return qs


def panel_html(query: str) -> dict[str, str]:
    from django.template import engines

    template = engines["django"].from_string("{% for field in f.form %}{% include 'lists/_filter_field.html' %}|"
                                             "{% endfor %}")
    filters = PanelFilters(QueryDict(query), queryset=User.objects.none())
    html = template.render({"f": filters})
    return dict(zip(["q", "year", "role", "joined"], html.split("|")[:4], strict=True))


def test_the_filter_controls_show_the_current_values_escaped():
    html = panel_html('q="><x>&year=2024&role=a%26b&joined=2024-03-01')
    assert '<label class="form-label" for="id_q">标题</label>' in html["q"]
    assert ('<input type="search" name="q" id="id_q" value="&quot;&gt;&lt;x&gt;" '
            'class="form-control form-control-sm" maxlength="100">') in html["q"]
    assert ('<input type="number" name="year" id="id_year" value="2024" class="form-control form-control-sm" '
            'inputmode="numeric">') in html["year"]
    assert "角色 &lt;b&gt;" in html["role"]
    assert '<select name="role" id="id_role" class="form-select form-select-sm">' in html["role"]
    assert '<option value="">全部</option>' in html["role"] or '<option value="">All</option>' in html["role"]
    assert '<option value="a&amp;b" selected>甲 &amp; 乙</option>' in html["role"]
    assert '<option value="c">&lt;丙&gt;</option>' in html["role"]
    assert html["role"].count(" selected") == 1
    assert '<input type="date" name="joined" id="id_joined" value="2024-03-01"' in html["joined"]


def test_a_filter_that_does_not_validate_is_marked_and_nothing_is_selected():
    html = panel_html("year=abc&role=zzz")
    assert 'value="abc" class="form-control form-control-sm is-invalid"' in html["year"]
    assert 'class="form-select form-select-sm is-invalid"' in html["role"]
    assert " selected" not in html["role"]
