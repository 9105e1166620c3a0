"""Every dashboard figure links to the filtered list that produced it, and that list's count equals the figure;
the generated work report's 2023 paragraphs equal the source document's sentences.

The module reads its own copy of the whole demo (tests/demo_db.py), loaded with the clock pinned to
15 June 2026, so 2023 is a complete year with the work report's figures and 2026 is running."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from consultations.models import SessionKind
from zhongyuan_cppcc.core.demo import demo_user
from zhongyuan_cppcc.dashboard.work_report import work_report

from ..demo_db import FULL

pytestmark = [pytest.mark.xdist_group("demo-full"), pytest.mark.django_db]

NOW = FULL.at  # the tests look at the demo on the day it was loaded (the `demo` fixture, conftest.py)



def dashboard_figures(client, year: int) -> list[tuple[str, str, object, str]]:
    """(panel title, figure label, value, url) of every figure of the leader's dashboard for `year`."""
    response = client.get(reverse("dashboard"), {"year": year})
    assert response.status_code == 200
    return [(panel.title, f.label, f.value, f.url) for panel in response.context["panels"] for f in panel.figures]


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    paginator = response.context.get("paginator")
    if paginator is None and "bulletins" in response.context:  # the bulletin list: one short page
        return len(response.context["bulletins"])
    assert paginator is not None, f"{url} is not a paged list"
    return paginator.count


@pytest.mark.parametrize("year", [2023, 2026])
def test_every_figure_links_to_a_list_of_that_many_rows(leader, year):
    with time_machine.travel(NOW, tick=False):
        figures = dashboard_figures(leader, year)
        counted = [(title, label, value, url) for title, label, value, url in figures
                   if isinstance(value, int) and url]  # rates and scores are strings: not row counts
        assert len(counted) >= 20
        response = leader.get(reverse("dashboard"), {"year": year})
        counted += [(panel.title, f"{chart.title}: {row.label}", row.values[0], row.url)
                    for panel in response.context["panels"] for chart in panel.charts for row in chart.rows if row.url]
        wrong = []
        for title, label, value, url in counted:
            count = list_count(leader, url)
            if count != value:
                wrong.append((str(title), str(label), value, count, url))
        assert wrong == []
        for _title, label, _value, url in figures:
            if url:
                assert leader.get(url).status_code == 200, (label, url)


def _figure(figures, label: str):
    return next((value, url) for _title, name, value, url in figures if str(name) == label)


def test_standing_committee_meetings_link_to_the_years_standing_meetings(leader):
    with time_machine.travel(NOW, tick=False):
        value, url = _figure(dashboard_figures(leader, 2023), _("Standing-committee meetings"))
        assert value == 6
        assert parse_qs(urlsplit(url).query) == {"year": ["2023"], "kind": ["standing"]}
        assert list_count(leader, url) == 6


def test_serving_members_differ_by_year_and_match_the_list(leader):
    from members.selectors import eligible_members_for_year

    with time_machine.travel(NOW, tick=False):
        for year in (2021, 2023):
            value, url = _figure(dashboard_figures(leader, year), _("Serving members"))
            assert value == eligible_members_for_year(year).count()
            assert list_count(leader, url) == value
        assert _figure(dashboard_figures(leader, 2021), _("Serving members"))[0] == 0
        assert _figure(dashboard_figures(leader, 2023), _("Serving members"))[0] > 0


def test_opinion_and_consultation_blocks_show_the_2023_work_report(leader):
    with time_machine.travel(NOW, tick=False):
        response = leader.get(reverse("dashboard"), {"year": 2023})
    panels = {str(p.title): {str(f.label): f for f in p.figures} for p in response.context["panels"]}
    opinions = panels[_("Opinion reports %(year)s") % {"year": 2023}]
    labels = ("Collected", "Bulletin issues", "Reported upward", "Adopted by the city CPPCC",
              "Forwarded to province or above", "Adopted nationally", "Instructed by the district Party secretary",
              "Instructed by the district head")
    assert [opinions[_(label)].value for label in labels] == [294, 6, 205, 137, 103, 1, 4, 14]
    assert all(f.previous is not None for f in opinions.values())
    consultations = panels[_("Consultations %(year)s") % {"year": 2023}]
    kinds = {str(kind): str(kind.label) for kind in SessionKind}
    values = {label: f.value for label, f in consultations.items()}
    assert values[kinds["grassroots"]] == 46
    assert values[kinds["thematic"]] == 2
    assert values[_("Suggestions of: %(kind)s") % {"kind": kinds["thematic"]}] == 33
    assert values[kinds["standing"]] == 3
    assert values[kinds["committee"]] == 6
    assert values[kinds["supervision"]] == 37
    assert values[_("Supervised projects")] == 27
    assert values[_("Suggestions of: %(kind)s") % {"kind": kinds["supervision"]}] == 20
    assert values[_("Streets with a consultation room")] == "14/14"
    grassroots = consultations[kinds["grassroots"]]
    assert grassroots.change == grassroots.value - grassroots.previous
    assert "(+" in response.content.decode() or "(-" in response.content.decode()


def _page_count(response) -> int:
    paginator = response.context.get("paginator")
    if paginator is None and response.context.get("page_obj") is not None:
        paginator = response.context["page_obj"].paginator
    assert paginator is not None
    return paginator.count


@pytest.mark.parametrize(("username", "labels"), [
    ("demo-handler", ["Being handled", "Overdue", "Assignments waiting for our answer", "All proposals of my unit"]),
    ("demo-member", ["My proposals and co-signings", "Invitations to co-sign", "Replies waiting for my rating"]),
    ("demo-member", ["Drafts and reports returned for revision", "Adopted reports", "All my reports"]),
    ("demo-proposal-officer", ["Submitted, waiting for registration", "Registered, waiting for assignment",
                               "Overdue replies"]),
])
def test_home_counters_open_a_list_of_exactly_what_they_count(demo, username, labels):
    client = Client()
    client.force_login(demo_user(username))
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 200
        links = {str(link.label): link for section in response.context["sections"] for link in section.links}
        urls = set()
        for label in labels:
            link = links[_(label)]
            assert link.count is not None
            listed = client.get(link.url)
            assert _page_count(listed) == link.count, (label, link.url)
            if "show=" in link.url:  # a subset says so, with a way back to the whole list
                assert 'data-testid="show-subset"' in listed.content.decode()
            urls.add(link.url)
        assert len(urls) == len(labels)  # each counter opens its own subset


# --- Charts and the street / handling-unit filter -------------------------------------------------------------


def _dashboard(client, **params):
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response


def _panel(response, title: str):
    return next(p for p in response.context["panels"] if str(p.title) == title)


def _chart(panel, title: str):
    return next(c for c in panel.charts if str(c.title) == _(title))


def _value(panel, label: str):
    return next(f.value for f in panel.figures if str(f.label) == _(label))


def _busiest_street_and_unit(year: int) -> tuple[int, int]:
    """The street with the most registered proposals of the year (by lead proposer) and the busiest lead unit."""
    from proposals import selectors

    by_street = selectors.registered_breakdowns(year=year, by=("street",))["street"]
    street = max((k for k in by_street if k is not None), key=lambda k: (by_street[k], -k))
    unit = max((f for f in selectors.unit_figures(year=year)), key=lambda f: (f.registered, -f.unit.pk)).unit.pk
    return street, unit


def test_chart_data_equals_the_figures_and_the_selectors(leader):
    from consultations.selectors import sessions_for
    from opinions import statistics
    from proposals import selectors

    with time_machine.travel(NOW, tick=False):
        response = _dashboard(leader, year=2023)
        sessions = sessions_for(user=demo_user("demo-leader")).filter(date__year=2023).count()
    proposals = _panel(response, _("Proposals %(year)s") % {"year": 2023})
    registered = _value(proposals, "Registered")
    assert registered == 212
    by_month = _chart(proposals, "Registered proposals by month of submission")
    assert by_month.total() == registered
    assert [row.label for row in by_month.rows][:12] == [f"2023年{m}月" for m in range(1, 13)]
    assert by_month.rows[0].values[0] + by_month.rows[2].values[0] > 0  # demo proposals arrive in spring
    category = _panel(response, _("Registered proposals by category, %(year)s") % {"year": 2023})
    assert category.charts[0].total() == registered == sum(f.value for f in category.figures)
    origin = _panel(response, _("Registered proposals by origin, %(year)s") % {"year": 2023})
    for title in ("By street of the lead proposer", "By party", "By sector"):
        assert _chart(origin, title).total() == registered, title
    by_street = _chart(origin, "By street of the lead proposer")
    assert len([row for row in by_street.rows if row.url]) >= 10  # the demo's members sit in all 14 streets
    per_street = selectors.registered_breakdowns(year=2023, by=("street",))["street"]
    assert {row.label: row.values[0] for row in by_street.rows if row.url} == {
        str(street): n for street, n in ((s, per_street.get(s.pk)) for s in _streets()) if n}
    units = _panel(response, _("Proposals by lead unit, %(year)s") % {"year": 2023})
    assert [row.values[0] for row in units.charts[0].rows] == [f.value for f in units.figures]
    opinions = _panel(response, _("Opinion reports %(year)s") % {"year": 2023})
    collected = _value(opinions, "Collected")
    assert collected == 294 == statistics.collected(2023).count()
    assert _chart(opinions, "Reports collected by month").total() == collected
    assert _chart(opinions, "Reports collected by source street").total() == collected
    consultations = _panel(response, _("Consultations %(year)s") % {"year": 2023})
    assert _chart(consultations, "Consultation sessions by month").total() == sessions
    assert _chart(consultations, "Consultation sessions by street").total() == sessions
    # The fallback tables print the same numbers as the charts' options.
    page = response.content.decode()
    assert page.count("data-chart-table=") == sum(1 for p in response.context["panels"] for c in p.charts if c.rows)
    option = by_month.option()
    assert sum(option["series"][0]["data"]) == registered


def _streets():
    from members.models import Street

    return list(Street.objects.all())


@pytest.mark.parametrize("name", ["street", "unit"])
def test_a_filtered_dashboards_figures_and_chart_rows_link_to_lists_of_that_many_rows(leader, name):
    with time_machine.travel(NOW, tick=False):
        street, unit = _busiest_street_and_unit(2023)
        pk = street if name == "street" else unit
        response = _dashboard(leader, year=2023, **{name: pk})
        assert response.context["scope"].active == (name,)
        counted = [(str(p.title), str(f.label), f.value, f.url) for p in response.context["panels"]
                   for f in p.figures if isinstance(f.value, int) and f.url and name in p.filters]
        counted += [(str(p.title), f"{c.title}: {row.label}", row.values[0], row.url)
                    for p in response.context["panels"] if name in p.filters
                    for c in p.charts for row in c.rows if row.url]
        assert len(counted) >= 15
        wrong = []
        for title, label, value, url in counted:
            assert f"{name}={pk}" in url, (label, url)  # the link carries the filter
            count = list_count(leader, url)
            if count != value:
                wrong.append((title, label, value, count, url))
        assert wrong == []
        # The filtered figure is the unfiltered chart's row for that street / unit.
        whole = _dashboard(leader, year=2023)
    registered = _value(_panel(response, _("Proposals %(year)s") % {"year": 2023}), "Registered")
    if name == "street":
        origin = _panel(whole, _("Registered proposals by origin, %(year)s") % {"year": 2023})
        row = next(r for r in _chart(origin, "By street of the lead proposer").rows if f"street={pk}" in r.url)
        opinions = _chart(_panel(whole, _("Opinion reports %(year)s") % {"year": 2023}),
                          "Reports collected by source street")
        collected = _value(_panel(response, _("Opinion reports %(year)s") % {"year": 2023}), "Collected")
        assert collected == next((r.values[0] for r in opinions.rows if f"source_street={pk}" in r.url), 0)
    else:
        units = _panel(whole, _("Proposals by lead unit, %(year)s") % {"year": 2023})
        row = next(r for r in units.charts[0].rows if f"unit={pk}&" in r.url)
    assert registered == row.values[0] > 0
    assert registered < _value(_panel(whole, _("Proposals %(year)s") % {"year": 2023}), "Registered")
    # Blocks the filter does not apply to say so.
    page = response.content.decode()
    unfiltered = [p for p in response.context["panels"] if name not in p.filters]
    assert unfiltered and all(p.unfiltered == [name] for p in unfiltered)
    assert page.count('data-testid="panel-unfiltered"') == len(unfiltered)


@pytest.mark.parametrize("params", [{"street": "abc"}, {"street": "999999"}, {"unit": "-1"}, {"unit": "1e99"},
                                    {"street": "9" * 40}, {"unit": "<b>"}])
def test_a_bad_filter_is_ignored_with_a_chinese_message(leader, params):
    with time_machine.travel(NOW, tick=False):
        response = _dashboard(leader, year=2023, **params)
        whole = _dashboard(leader, year=2023)
    assert response.context["scope"].active == ()
    errors = response.context["scope"].errors
    assert len(errors) == 1 and ("街道" in errors[0] or "承办单位" in errors[0]) and "忽略" in errors[0]
    assert 'data-testid="filter-error"' in response.content.decode()
    assert "<b>" not in response.content.decode().split('data-testid="filter-error"')[1].split("</div>")[0]
    assert ([(str(f.label), f.value) for p in response.context["panels"] for f in p.figures]
            == [(str(f.label), f.value) for p in whole.context["panels"] for f in p.figures])


def test_the_dashboard_has_no_inline_script_and_loads_echarts_from_static(leader):
    import re

    with time_machine.travel(NOW, tick=False):
        street, _unit = _busiest_street_and_unit(2023)
        for params in ({"year": 2023}, {"year": 2023, "street": street}):
            page = _dashboard(leader, **params).content.decode()
            scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, flags=re.S)
            assert scripts
            for attributes, body in scripts:
                if 'type="application/json"' in attributes:
                    continue  # data for the charts (json_script), not code
                assert "src=" in attributes and not body.strip(), attributes
            assert "/static/vendor/echarts/echarts.min.js" in page or "vendor/echarts/echarts.min" in page
            assert "cdn" not in page.lower()
            assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers either
            assert 'class="echart' in page and "<details" in page


def test_the_dashboard_runs_a_bounded_number_of_queries(leader, django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        street, unit = _busiest_street_and_unit(2023)
        for params in ({}, {"street": street}, {"unit": unit}):
            # Measured on the demo data: 72-79 for the whole page (four modules' figures, the charts' GROUP BYs,
            # the session and permission reads); the charts add a query per breakdown, never one per row.
            with django_assert_max_num_queries(80):
                _dashboard(leader, year=2023, **params)


# --- The work report over the same demo data (one demo load for both) ---------------------------------------

# Sentences of the source work report (../shared/reference/, the 2023 report), verbatim.
SOURCE = {
    "opinions": "全年收集信息294条,编发信息专刊6期,上报信息205条,被市政协采用137条,转省以上政协103条",
    "proposals": "212件政协提案办复率达100%",
    "grassroots": "全年开展基层协商46次",
    "supervision": "对14个街道27个项目开展协商式监督37次,提出合理化建议20条",
    "meetings": "全年召开常委会议6次",
    "visits": "全年走访联络党外政协委员130人次",
    "excellent": "全年评选表彰优秀政协委员61名",
}


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def normalise(text: str) -> str:
    return text.replace("，", ",").rstrip("。")


@pytest.fixture
def report_2023(demo):
    with time_machine.travel(NOW, tick=False):
        return {p.key: p for p in work_report(2023)}


@pytest.mark.parametrize("key", list(SOURCE))
def test_2023_paragraph_equals_the_source_document(report_2023, key):
    paragraph = report_2023[key]
    assert numbers(paragraph.text) == numbers(SOURCE[key])
    assert normalise(paragraph.text) == SOURCE[key]


def test_every_figure_is_linked_to_its_list(report_2023):
    for paragraph in report_2023.values():
        values = [p for p in paragraph.parts if not isinstance(p, str)]
        assert values and all(v.url.startswith("/") for v in values)
