"""What the members module adds to the shared UI: navigation, role home, dashboard panels, beat."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from members import services
from members.selectors import eligible_members_for_year
from zhongyuan_cppcc.core.registry import home_sections_for, nav_for

from .factories import MemberFactory, staff_actor


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected"), [
    ("member_officer", {"members:member-list"}),
    ("leader", {"members:member-list"}),
    ("member", {"members:my-record"}),
    ("handler", set()),
    ("sysadmin", set()),
])
def test_navigation(user_with_role, role, expected):
    names = {item.url_name for item in nav_for(user_with_role(role)) if item.url_name.startswith("members:")}
    assert names == expected


@pytest.mark.django_db
def test_home_sections(client_for, user_with_role, term):
    member = MemberFactory(with_account=True)
    services.ledger_record_event(member=member, kind="research", subkind="research", date=date(2023, 3, 1),
                                   actor=staff_actor())
    titles = {s.title: s for s in home_sections_for(member.user)}
    assert "2023年：3.00 分" in titles["我的履职档案"].note
    # The rank among the year's eligible members, read from the stored year scores as on the record page.
    better = MemberFactory()
    services.ledger_record_event(member=better, kind="research", subkind="report", date=date(2023, 3, 2),
                                 actor=staff_actor())
    note = {s.title: s for s in home_sections_for(member.user)}["我的履职档案"].note
    assert f"排名第 2 / {eligible_members_for_year(2023).count()}" in note, note
    officer_sections = {s.title: s for s in home_sections_for(user_with_role("member_officer"))}
    links = {link.url for link in officer_sections["委员工作"].links}
    assert {reverse("members:import"), reverse("members:ranking"), reverse("members:visit-list"),
            reverse("members:rule-list"), reverse("members:shortlist-index")} <= links
    leader_sections = {s.title for s in home_sections_for(user_with_role("leader"))}
    assert "委员" in leader_sections and "委员工作" not in leader_sections
    # Every link on the home pages answers (no dead links).
    for user in (member.user, user_with_role("member_officer"), user_with_role("leader")):
        client = client_for(user)
        for section in home_sections_for(user):
            for link in section.links:
                assert client.get(link.url).status_code == 200, link.url


@pytest.mark.django_db
def test_dashboard_panels(client_for, user_with_role, term):
    top = MemberFactory(name="张三", party_short="中共", sector_name="中国共产党")
    MemberFactory(name="李四")
    services.ledger_record_event(member=top, kind="research", subkind="report", date=date(2023, 3, 1),
                                   actor=staff_actor())
    response = client_for(user_with_role("leader")).get(reverse("dashboard") + "?year=2023")
    titles = [p.title for p in response.context["panels"]]
    assert {"2023年委员党派构成", "2023年委员界别构成", "2023年委员履职", "2023年履职积分前列"} <= set(titles)
    top_panel = next(p for p in response.context["panels"] if p.title == "2023年履职积分前列")
    assert [f.label for f in top_panel.figures] == ["1. 张三"]
    party_panel = next(p for p in response.context["panels"] if p.title == "2023年委员党派构成")
    assert party_panel.figures[0].value == 2 and party_panel.charts[0].option()["series"][0]["type"] == "pie"
    for panel in response.context["panels"]:
        for figure in panel.figures:
            if figure.url:
                assert client_for(user_with_role("leader")).get(figure.url).status_code == 200, figure.url
    # Office staff outside member affairs see the composition but not individual scores, and no links.
    other = client_for(user_with_role("proposal_officer")).get(reverse("dashboard") + "?year=2023")
    other_titles = [p.title for p in other.context["panels"]]
    assert "2023年委员党派构成" in other_titles and "2023年履职积分前列" not in other_titles
    assert all(not f.url for p in other.context["panels"] if p.title == "2023年委员党派构成" for f in p.figures)


def test_beat_picks_up_lost_imports():
    from zhongyuan_cppcc.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["members-import-resume"]
    assert entry["task"] == "members.tasks.member_import_resume"
    assert app.conf.beat_schedule["members-import-resume"]["task"] == entry["task"]
    from members.tasks import member_import_resume

    assert member_import_resume.name == entry["task"]
