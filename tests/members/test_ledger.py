"""The performance ledger: recording, withdrawal, derived scores with caps, grades, ranking, meetings,
activities, the excellent-member shortlist and the record pages."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from members import services
from members.models import (
    Activity,
    Attendance,
    EntryOrigin,
    ExcellentShortlist,
    LedgerEvent,
    LedgerRule,
    Member,
    Visit,
)
from members.scoring import Grade, annual_ranking, grade_thresholds, member_breakdown, rank_band
from members.selectors import eligible_members_for_year
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.core.parameters import set_parameter

from .factories import MemberFactory, staff_actor, term10

D23 = date(2023, 6, 1)


def score(member, year=2023) -> Decimal:
    return member_breakdown(member=member, years=[year])[year].score


def ranked_score(member, year=2023) -> Decimal:
    ranking = annual_ranking(year=year, members=Member.objects.all(), member_id=member.pk)
    return ranking.rows[0].score


def record(member, kind="study", subkind="session", day=D23, **kwargs):
    kwargs.setdefault("actor", staff_actor())
    return services.ledger_record_event(member=member, kind=kind, subkind=subkind, date=day, **kwargs)


def rule(kind, subkind) -> LedgerRule:
    return LedgerRule.objects.get(kind=kind, subkind=subkind)


# --- Recording and withdrawing ----------------------------------------------------------------------


@pytest.mark.django_db
def test_default_rules_cover_what_other_apps_send():
    codes = set(LedgerRule.objects.values_list("kind", "subkind"))
    expected = {("proposal", s) for s in ("lead", "cosigner", "key", "excellent")}
    expected |= {("opinion", s) for s in ("adopted_district", "adopted_city", "adopted_province",
                                          "adopted_national", "instruction")}
    expected |= {("consultation", "session"), ("consultation", "topic"), ("supervision", "visit")}
    expected |= {("meeting", f"{k}_{s}") for k in ("plenary", "standing") for s in ("attended", "excused", "absent")}
    assert expected <= codes
    assert {"study", "research", "visit", "contribution"} <= {k for k, _s in codes}


@pytest.mark.django_db
def test_recording_is_idempotent_per_source_and_withdrawal_stops_counting():
    member = MemberFactory()
    source = Visit.objects.create(member=member, date=D23, visitors="甲", purpose="乙")  # any model works
    first = record(member, "proposal", "lead", source=source)
    assert record(member, "proposal", "lead", source=source) == first
    assert LedgerEvent.objects.count() == 1 and score(member) == Decimal("5")
    assert services.ledger_withdraw_events(source=source) == 1
    assert score(member) == 0 == ranked_score(member)
    assert services.ledger_withdraw_events(source=source) == 0
    again = record(member, "proposal", "lead", source=source)  # the source came back (e.g. un-merged)
    assert again != first and score(member) == Decimal("5")
    assert AuditEvent.objects.filter(action="members.ledger_event_recorded").count() == 2
    assert AuditEvent.objects.filter(action="members.ledger_events_withdrawn").count() == 1


@pytest.mark.django_db
def test_withdraw_can_target_one_member_or_subkind():
    a, b = MemberFactory(), MemberFactory()
    source = Visit.objects.create(member=a, date=D23, visitors="甲", purpose="乙")
    record(a, "proposal", "lead", source=source)
    record(b, "proposal", "cosigner", source=source)
    assert services.ledger_withdraw_events(source=source, member=b) == 1
    assert score(a) == 5 and score(b) == 0
    assert services.ledger_withdraw_events(source=source, subkind="cosigner") == 0


@pytest.mark.django_db
def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        record(MemberFactory(), "banquet", "dinner")


# --- Derived points, caps, grades ---------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_a_rule_recomputes_scores():
    member = MemberFactory()
    for month in (3, 4, 5):
        record(member, "research", "research", day=date(2023, month, 1))
    record(member, "research", "research", day=date(2022, 3, 1))
    assert (score(member), score(member, 2022)) == (Decimal("9"), Decimal("3"))
    services.ledger_rule_update(rule=rule("research", "research"), label="参加调查研究", points=Decimal("4"),
                                annual_cap=Decimal("15"), unit="次", actor=staff_actor())
    assert (score(member), score(member, 2022)) == (Decimal("12"), Decimal("4"))
    assert ranked_score(member) == Decimal("12")
    change = AuditEvent.objects.get(action="members.ledger_rule_changed")
    assert change.details["before"]["points"] == "3.00" and change.details["after"]["points"] == "4"


@pytest.mark.django_db
def test_annual_cap_applies_per_year_and_per_rule():
    member = MemberFactory()
    for day in range(1, 8):  # 7 study sessions of 2 points, cap 10
        record(member, "study", "session", day=date(2023, 3, day))
    for day in range(1, 3):  # the cap is per year: 2022 counts separately
        record(member, "study", "session", day=date(2022, 3, day))
    record(member, "study", "lecture", day=date(2023, 4, 1))  # another rule, its own cap
    assert score(member) == Decimal("12") == ranked_score(member)
    assert score(member, 2022) == Decimal("4") == ranked_score(member, 2022)
    by_kind = member_breakdown(member=member, years=[2023])[2023].by_kind
    assert [(k.kind, k.count, k.points) for k in by_kind] == [("study", 8, Decimal("12.00"))]


@pytest.mark.django_db
def test_deductions_are_capped_too_and_overrides_count():
    member = MemberFactory(standing=True)
    services.ledger_rule_update(rule=rule("meeting", "standing_absent"), label="缺席", points=Decimal("-3"),
                                annual_cap=Decimal("5"), unit="次", actor=staff_actor())
    for month in (1, 2, 3):
        record(member, "meeting", "standing_absent", day=date(2023, month, 5))
    record(member, "contribution", "donation", points_override=Decimal("7.5"))
    record(member, "study", "unknown_subkind")  # no rule: no points
    assert score(member) == Decimal("2.50") == ranked_score(member)


@pytest.mark.django_db
def test_python_breakdown_and_sql_ranking_agree():
    members = [MemberFactory() for _ in range(4)]
    plan = [("study", "session", 7), ("research", "inspection", 2), ("proposal", "lead", 6),
            ("opinion", "adopted_city", 1), ("meeting", "plenary_absent", 3)]
    for i, member in enumerate(members):
        for kind, subkind, count in plan[i:]:
            for n in range(count):
                record(member, kind, subkind, day=date(2023, 1 + n % 12, 1 + i))
        record(member, "contribution", "volunteer", points_override=Decimal(i))
    ranking = annual_ranking(year=2023, members=Member.objects.all())
    assert {r.id: r.score for r in ranking.rows} == {m.pk: score(m) for m in members}


@pytest.mark.django_db
def test_grades_follow_the_parameters():
    member = MemberFactory()
    for month in range(1, 6):
        record(member, "contribution", "investment", day=date(2023, month, 1))  # 10 points, cap 20
    assert score(member) == 20
    thresholds = grade_thresholds()
    assert (thresholds.excellent, thresholds.good, thresholds.competent) == (90, 80, 60)
    assert thresholds.grade(Decimal("90")) == Grade.EXCELLENT and thresholds.grade(Decimal("89.99")) == Grade.GOOD
    assert thresholds.grade(Decimal("60")) == Grade.COMPETENT and thresholds.grade(Decimal("59")) == Grade.NOT_COMPETENT
    assert member_breakdown(member=member, years=[2023])[2023].grade == Grade.NOT_COMPETENT
    set_parameter(key="members.grade_excellent_min", value=20)
    set_parameter(key="members.grade_good_min", value=15)
    set_parameter(key="members.grade_competent_min", value=10)
    assert member_breakdown(member=member, years=[2023])[2023].grade == Grade.EXCELLENT
    ranking = annual_ranking(year=2023, members=Member.objects.all())
    assert ranking.rows[0].grade == Grade.EXCELLENT and ranking.grade_counts[Grade.EXCELLENT] == 1


# --- Ranking ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ranking_is_one_query_with_competition_ranks():
    a, b, c, d = (MemberFactory(name=n) for n in ("甲", "乙", "丙", "丁"))
    for member, n in ((a, 3), (b, 3), (c, 1)):
        for i in range(n):
            record(member, "research", "research", day=date(2023, 2, 1 + i))
    thresholds = grade_thresholds()
    with CaptureQueriesContext(connection) as queries:
        ranking = annual_ranking(year=2023, members=Member.objects.all())
    ledger_queries = [q for q in queries if "members_ledgerevent" in q["sql"]]
    score_queries = [q for q in queries if "members_memberyearscore" in q["sql"]]
    control = ("SAVEPOINT", "RELEASE SAVEPOINT")  # the ranking's statement carries its work_mem setting
    version = "data_versions_read("  # the data-version cache's key (lists.paging.cached_by_sql)
    work = [q for q in queries if not q["sql"].startswith(control) and version not in q["sql"]]
    # The ranking reads the stored year scores: no aggregation of the ledger per request.
    assert not ledger_queries and len(score_queries) == 1
    assert len(work) <= 2  # the ranking, plus the grade parameters
    assert [(r.name, r.rank) for r in ranking.rows] == [("甲", 1), ("乙", 1), ("丙", 3), ("丁", 4)]
    assert ranking.total == 4 and ranking.grade_counts[Grade.NOT_COMPETENT] == 4
    assert thresholds.excellent == 90
    page = annual_ranking(year=2023, members=Member.objects.all(), limit=2, offset=2)
    assert [r.name for r in page.rows] == ["丙", "丁"] and page.matching == 4 and page.total == 4
    filtered = annual_ranking(year=2023, members=Member.objects.exclude(pk=a.pk))
    assert [(r.name, r.rank) for r in filtered.rows][:2] == [("乙", 1), ("丙", 2)]


@pytest.mark.django_db(transaction=True)  # committed: the versions are settled, so the ranking is kept
def test_the_ranking_read_back_from_the_cache_is_the_ranking_computed():
    """The ranking's rows are kept in a compact form (sizes once, shared party names): read back, every row,
    score, grade, rank and count is what the query gave."""
    members = [MemberFactory(name=n) for n in ("甲", "乙", "丙", "丁", "戊")]
    for i, member in enumerate(members):
        record(member, "contribution", "volunteer", points_override=Decimal(f"{3 * i}.25"))  # under the cap of 15
    set_parameter(key="members.grade_excellent_min", value=12)
    set_parameter(key="members.grade_good_min", value=9)
    set_parameter(key="members.grade_competent_min", value=3)
    computed = annual_ranking(year=2023, members=Member.objects.all())
    with CaptureQueriesContext(connection) as queries:
        again = annual_ranking(year=2023, members=Member.objects.all())
    assert not [q for q in queries if "members_memberyearscore" in q["sql"]], "the second ranking ran its query"
    for ranking in (computed, again):
        assert [(r.name, r.score, r.rank, r.grade) for r in ranking.rows] == [
            ("戊", Decimal("12.25"), 1, Grade.EXCELLENT), ("丁", Decimal("9.25"), 2, Grade.GOOD),
            ("丙", Decimal("6.25"), 3, Grade.COMPETENT), ("乙", Decimal("3.25"), 4, Grade.COMPETENT),
            ("甲", Decimal("0.25"), 5, Grade.NOT_COMPETENT)]
        assert all(str(r.score).split(".")[1] == "25" for r in ranking.rows)  # two places, as stored
        assert ranking.total == ranking.matching == 5
        assert ranking.grade_counts == {Grade.EXCELLENT: 1, Grade.GOOD: 1, Grade.COMPETENT: 2,
                                        Grade.NOT_COMPETENT: 1}
    assert [(r.party, r.sector, r.street) for r in again.rows] == [(r.party, r.sector, r.street)
                                                                   for r in computed.rows]
    empty = annual_ranking(year=2023, members=Member.objects.none())
    assert empty.rows == [] and empty.total == 0 and empty.grade_counts[Grade.EXCELLENT] == 0


@pytest.mark.django_db
def test_rank_bands():
    assert rank_band(1, 100) == "前 10%"
    assert rank_band(25, 100) == "前 25%"
    assert rank_band(50, 100) == "前 50%"
    assert rank_band(51, 100) == "后 50%"
    assert rank_band(None, 100) == ""


@pytest.mark.django_db
def test_ranking_page_filters_and_query_count(client_for, leader, term, monkeypatch):
    from members.views import RankingView

    monkeypatch.setattr(RankingView, "per_page", 5)
    for i in range(12):
        member = MemberFactory(name=f"委员{i}", party_short="中共" if i % 2 else "民盟")
        for n in range(i):
            record(member, "study", "session", day=date(2023, 1, 1 + n))
    client = client_for(leader)
    url = reverse("members:ranking")
    response = client.get(url + "?year=2023")
    assert response.status_code == 200
    rows = response.context["ranking"].rows
    assert rows[0].score == 10 and len(rows) == 5 and response.context["page_obj"].paginator.num_pages == 3
    party_pk = Member.objects.filter(party__short_name="中共").first().party_id
    only_cpc = client.get(url + f"?year=2023&party={party_pk}").context["ranking"].rows
    assert len(only_cpc) == 5 and {r.party for r in only_cpc} == {"中共"}
    counts = []
    client.get(url + "?year=2023&page=3")  # both pages' rows in the data-version cache, like page 1's
    for extra in ("", "&page=3"):
        with CaptureQueriesContext(connection) as queries:
            client.get(url + "?year=2023" + extra)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    export = client.post(reverse("members:ranking-export"), {"year": "2023"})
    ws = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True).worksheets[0]
    assert len(list(ws.iter_rows(values_only=True))) == 13


# --- Meetings and activities ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_attendance_for_a_standing_committee_meeting(client_for, officer, term):
    standing = [MemberFactory(standing=True) for _ in range(3)]
    ordinary = MemberFactory()
    meeting = services.meeting_create(kind="standing", title="常委会议", date=date(2023, 4, 18), term=term,
                                      actor=officer)
    client = client_for(officer)
    page = client.get(reverse("members:meeting-detail", args=[meeting.pk]))
    assert [m.pk for m, _f in page.context["form"].rows()] == sorted(
        (m.pk for m in standing), key=lambda pk: Member.objects.get(pk=pk).name_pinyin)
    data = {f"m{standing[0].pk}": "attended", f"m{standing[1].pk}": "excused", f"m{standing[2].pk}": "absent"}
    assert client.post(reverse("members:meeting-detail", args=[meeting.pk]), data).status_code == 302
    assert [score(m) for m in standing] == [Decimal("3"), Decimal("0"), Decimal("-3")]
    # Changing one status replaces that member's event; the others stay.
    client.post(reverse("members:meeting-detail", args=[meeting.pk]), {**data, f"m{standing[2].pk}": "attended"})
    assert score(standing[2]) == Decimal("3")
    assert LedgerEvent.objects.filter(member=standing[2], withdrawn_at__isnull=False).count() == 1
    assert Attendance.objects.count() == 3
    with pytest.raises(services.MembersError):
        services.meeting_record_attendance(meeting=meeting, statuses={ordinary.pk: "attended"}, actor=officer)
    assert client_for(MemberFactory(with_account=True).user).post(
        reverse("members:meeting-detail", args=[meeting.pk]), data).status_code == 403


@pytest.mark.django_db
def test_meeting_create_view_and_rules(client_for, officer, term):
    client = client_for(officer)
    response = client.post(reverse("members:meeting-create"), {"kind": "plenary", "title": "第二次会议开幕大会",
                                                                "date": "2023-02-20", "term": term.pk})
    assert response.status_code == 302
    outside = client.post(reverse("members:meeting-create"), {"kind": "plenary", "title": "x", "date": "2030-01-01",
                                                               "term": term.pk})
    assert outside.status_code == 200 and "不在该届任期内" in outside.content.decode()


@pytest.mark.django_db
def test_activity_with_participants(client_for, officer, term):
    a, b, c = MemberFactory(), MemberFactory(), MemberFactory()
    client = client_for(officer)
    response = client.post(reverse("members:activity-create"), {
        "rule": rule("research", "inspection").pk, "title": "重点项目视察", "date": "2023-05-10",
        "participants": [a.pk, b.pk]})
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert score(a) == score(b) == Decimal("3") and score(c) == 0
    services.activity_set_participants(activity=activity, participants=[b, c], actor=officer)
    assert (score(a), score(b), score(c)) == (0, Decimal("3"), Decimal("3"))
    # Proposal points are not recorded by hand.
    with pytest.raises(services.MembersError):
        services.activity_create(kind="proposal", subkind="lead", title="x", date=D23, participants=[a],
                                 actor=officer)


@pytest.mark.django_db
def test_single_event_and_withdrawal_by_staff(client_for, officer, term):
    member = MemberFactory()
    client = client_for(officer)
    response = client.post(reverse("members:event-create", args=[member.pk]),
                           {"rule": rule("contribution", "volunteer").pk, "date": "2023-09-09", "note": "社区服务"})
    assert response.status_code == 302 and score(member) == Decimal("3")
    event = LedgerEvent.objects.get()
    assert client.post(reverse("members:event-withdraw", args=[event.pk]), {"reason": ""}).status_code == 302
    assert score(member) == Decimal("3")  # no reason, nothing withdrawn
    client.post(reverse("members:event-withdraw", args=[event.pk]), {"reason": "录入错误"})
    assert score(member) == 0
    assert AuditEvent.objects.get(action="members.ledger_event_withdrawn").details["reason"] == "录入错误"
    # An event from another module is withdrawn there, not here.
    other = record(member, "proposal", "lead", source=Visit.objects.create(member=member, date=D23,
                                                                             visitors="a", purpose="b"))
    with pytest.raises(services.MembersError):
        services.ledger_event_withdraw(event=other, reason="x", actor=officer)
    future = client.post(reverse("members:event-create", args=[member.pk]),
                         {"rule": rule("study", "session").pk, "date": "2099-01-01"})
    assert future.status_code == 200 and "不能晚于今天" in future.content.decode()


@pytest.mark.django_db
def test_rules_are_edited_by_member_officers_only(client_for, officer, leader):
    target = rule("study", "session")
    url = reverse("members:rule-update", args=[target.pk])
    assert client_for(leader).post(url, {"label": "x", "points": "9", "unit": "次"}).status_code == 403
    response = client_for(officer).post(url, {"label": "参加学习研讨", "points": "2.5", "annual_cap": "", "unit": "次"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.points == Decimal("2.5") and target.annual_cap is None
    created = client_for(officer).post(reverse("members:rule-create"), {
        "kind": "study", "subkind": "online", "label": "网络学习", "points": "1", "annual_cap": "5", "unit": "次"})
    assert created.status_code == 302 and LedgerRule.objects.filter(subkind="online").exists()
    duplicate = client_for(officer).post(reverse("members:rule-create"), {
        "kind": "study", "subkind": "online", "label": "x", "points": "1", "unit": "次"})
    assert "已存在" in duplicate.content.decode()


# --- Excellent-member shortlist -------------------------------------------------------------------------


@pytest.fixture
def scored_members(term):
    """Ten members with 2023 scores 95, 90, 85, … (two excellent ones)."""
    services.ledger_rule_create(kind="contribution", subkind="award", label="表彰", points=Decimal("0"),
                                annual_cap=None, unit="项", actor=staff_actor())
    members = []
    for i in range(10):
        member = MemberFactory(name=f"委员{i}")
        services.ledger_record_event(member=member, kind="contribution", subkind="award", date=D23,
                                     points_override=Decimal(95 - 5 * i), actor=staff_actor())
        members.append(member)
    return members


@pytest.mark.django_db
def test_shortlist_generate_adjust_finalize_export(client_for, officer, scored_members):
    shortlist = services.shortlist_generate(year=2023, percent=Decimal("30"), actor=officer)
    auto = {e.member_id for e in shortlist.entries.all()}
    # Top 30 % of 10 = 3 places, but only two members are excellent.
    assert shortlist.slots == 3 and auto == {scored_members[0].pk, scored_members[1].pk}
    entry = shortlist.entries.get(member=scored_members[1])
    services.shortlist_exclude(entry=entry, reason="年度考核未通过", actor=officer)
    services.shortlist_add(shortlist=shortlist, member=scored_members[5], reason="抗疫突出贡献", actor=officer)
    with pytest.raises(services.MembersError):
        services.shortlist_add(shortlist=shortlist, member=scored_members[5], reason="again", actor=officer)
    with pytest.raises(services.MembersError):
        services.shortlist_add(shortlist=shortlist, member=scored_members[6], reason=" ", actor=officer)
    # Regenerating keeps the hand-made decisions.
    shortlist = services.shortlist_generate(year=2023, percent=Decimal("30"), actor=officer)
    on_list = set(shortlist.entries.filter(excluded=False).values_list("member_id", flat=True))
    assert on_list == {scored_members[0].pk, scored_members[5].pk}
    manual = shortlist.entries.get(member=scored_members[5])
    assert manual.origin == EntryOrigin.MANUAL and manual.score == Decimal("70") and manual.rank == 6
    services.shortlist_finalize(shortlist=shortlist, actor=officer)
    with pytest.raises(services.MembersError):
        services.shortlist_generate(year=2023, percent=Decimal("50"), actor=officer)
    response = client_for(officer).post(reverse("members:shortlist-export", args=[2023]))
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["委员0", "委员5"]
    assert AuditEvent.objects.filter(action__startswith="members.shortlist_").count() >= 6


@pytest.mark.django_db
def test_shortlist_pages(client_for, officer, leader, scored_members):
    client = client_for(officer)
    response = client.post(reverse("members:shortlist-generate"), {"year": "2023", "percent": "20"})
    assert response.status_code == 302
    detail = client.get(reverse("members:shortlist-detail", args=[2023]))
    assert [e.member.name for e in detail.context["entries"]] == ["委员0", "委员1"]
    entry = ExcellentShortlist.objects.get().entries.get(member=scored_members[0])
    client.post(reverse("members:shortlist-exclude", args=[entry.pk]), {"reason": "调整"})
    client.post(reverse("members:shortlist-add", args=[2023]), {"member": scored_members[3].pk, "reason": "补充"})
    client.post(reverse("members:shortlist-finalize", args=[2023]))
    page = client_for(leader).get(reverse("members:shortlist-detail", args=[2023]))
    assert [e.member.name for e in page.context["entries"]] == ["委员1", "委员3"]
    assert not page.context["can_change"] and "人工增补" in page.content.decode()
    assert client_for(leader).post(reverse("members:shortlist-reopen", args=[2023])).status_code == 403
    bad = client.post(reverse("members:shortlist-generate"), {"year": "1999", "percent": "20"})
    assert bad.status_code == 302 and ExcellentShortlist.objects.count() == 1


# --- Record pages ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_own_record_page(client_for, term):
    member = MemberFactory(with_account=True)
    others = [MemberFactory() for _ in range(9)]
    for other in others:
        record(other, "study", "session", day=date(2023, 2, 1))
    for month in (1, 2, 3, 4, 5, 6, 7):
        record(member, "research", "research", day=date(2023, month, 3))  # 21 points, capped at 15
    record(member, "study", "lecture", day=date(2022, 5, 1))
    response = client_for(member.user).get(reverse("members:my-record") + "?year=2023")
    html = response.content.decode()
    assert response.context["current"].score == Decimal("15.00")
    assert response.context["rank"] == 1 and response.context["band"] == "前 10%"
    assert [h.year for h in response.context["history"]][:2] == [2023, 2022] or 2022 in [
        h.year for h in response.context["history"]]
    assert "调研" in html and "不称职" in html
    assert response.context["live_events"] == 7
    # The default year is the latest with events.
    assert client_for(member.user).get(reverse("members:my-record")).context["year"] == 2023


@pytest.mark.django_db
def test_eligibility_for_a_year(term):
    serving = MemberFactory()
    MemberFactory(resigned=True)
    MemberFactory(with_term=False)
    assert list(eligible_members_for_year(2023)) == [serving]
    assert list(eligible_members_for_year(2021)) == []
    assert term10() == term


@pytest.mark.django_db
def test_the_years_field_follows_every_change(term):
    from members.scoring import top_of_year

    from .test_stored_scores import computed_standing, field_scores

    a, b = MemberFactory(name="甲"), MemberFactory(name="乙")
    record(a, "research", "research")
    assert field_scores(2023) == {a.pk: Decimal("3.00")}
    event = record(b, "research", "report")  # a new event: new stored scores, the field read afresh
    assert field_scores(2023) == {a.pk: Decimal("3.00"), b.pk: Decimal("5.00")}
    ids = [a.pk, b.pk]
    assert computed_standing(member_id=a.pk, year=2023, eligible_ids=ids)[1] == 2
    services.ledger_rule_update(rule=rule("research", "research"), label="调研", points=Decimal("6"),
                                annual_cap=Decimal("15"), unit="次", actor=staff_actor())
    assert computed_standing(member_id=a.pk, year=2023, eligible_ids=ids)[1] == 1
    top, counts = top_of_year(year=2023, count=1)
    assert top == [(a.pk, Decimal("6.00"), 1)] and counts[Grade.NOT_COMPETENT] == 2
    # The field agrees with the single-query ranking.
    ranking = annual_ranking(year=2023, members=Member.objects.all())
    assert {r.id: r.score for r in ranking.rows} == field_scores(2023)
    services.ledger_event_withdraw(event=event, reason="录入错误", actor=staff_actor())  # read afresh again
    assert field_scores(2023) == {a.pk: Decimal("6.00")}
