"""The stored year scores (MemberYearScore) equal the scores recomputed from the ledger after every kind
of ledger write, and the ranking reads them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from members import services
from members.models import LedgerEvent, LedgerRule, Member, MemberYearScore, Visit
from members.scoring import annual_ranking, member_breakdown

from .factories import MemberFactory

D23, D24 = date(2023, 6, 1), date(2024, 3, 1)
YEARS = [2023, 2024]


def stored(year: int) -> dict[int, Decimal]:
    return {pk: Decimal(cents) / 100 for pk, cents in
            MemberYearScore.objects.filter(year=year).values_list("member_id", "cents")}


def assert_stored_equals_recomputed() -> None:
    """For every member and year: the stored score (no row = 0) equals the Python breakdown of the
    live events (an implementation independent of the SQL that stores it), and the ranking shows it."""
    members = list(Member.objects.all())
    for year in YEARS:
        kept = stored(year)
        ranking = {row.id: row.score for row in annual_ranking(year=year, members=Member.objects.all()).rows}
        for member in members:
            expected = member_breakdown(member=member, years=[year])[year].score
            assert kept.get(member.pk, Decimal(0)) == expected, (member.pk, year)
            assert ranking[member.pk] == expected
        # A row exists exactly for the members with live events that year.
        live = set(LedgerEvent.objects.filter(withdrawn_at__isnull=True, date__year=year)
                   .values_list("member_id", flat=True))
        assert set(kept) == live


def rule(kind, subkind) -> LedgerRule:
    return LedgerRule.objects.get(kind=kind, subkind=subkind)


@pytest.mark.django_db
def test_stored_scores_follow_every_ledger_write(officer, term):
    a, b, c = MemberFactory(), MemberFactory(), MemberFactory()
    source = Visit.objects.create(member=a, date=D23, visitors="甲", purpose="乙")

    # Recorded with a source (another module's verb), idempotently, and an override.
    services.ledger_record_event(member=a, kind="proposal", subkind="lead", date=D23, source=source, actor=None)
    services.ledger_record_event(member=a, kind="proposal", subkind="lead", date=D23, source=source, actor=None)
    services.ledger_record_event(member=b, kind="proposal", subkind="cosigner", date=D24, source=source,
                                 actor=None)
    services.ledger_record_event(member=c, kind="study", subkind="session", date=D23, actor=officer,
                                 points_override=Decimal("7.50"))
    assert_stored_equals_recomputed()
    assert stored(2023)[a.pk] == Decimal("5")

    # Staff record single events, up to and beyond the annual cap (study: 2 points, cap 10).
    events = [services.ledger_record_single(member=b, kind="study", subkind="session", date=date(2023, 1, 1 + i),
                                            actor=officer) for i in range(7)]
    assert_stored_equals_recomputed()
    assert stored(2023)[b.pk] == Decimal("10")

    # A staff withdrawal, and a withdrawal by source (one member, then all).
    services.ledger_event_withdraw(event=events[0], reason="录入错误", actor=officer)
    services.ledger_withdraw_events(source=source, member=b)
    assert_stored_equals_recomputed()
    services.ledger_withdraw_events(source=source)
    assert_stored_equals_recomputed()
    assert a.pk not in stored(2023)

    # Activities: created, then participants changed (one removed, one added).
    activity = services.activity_create(kind="research", subkind="inspection", title="视察", date=D24,
                                        participants=[a, b], actor=officer)
    assert_stored_equals_recomputed()
    services.activity_set_participants(activity=activity, participants=[b, c], actor=officer)
    assert_stored_equals_recomputed()

    # Meeting attendance: recorded, then a status changed (the old event withdrawn, a new one recorded).
    standing = MemberFactory(standing=True)
    meeting = services.meeting_create(kind="standing", title="常委会议", date=date(2023, 4, 18), term=term,
                                      actor=officer)
    services.meeting_record_attendance(meeting=meeting, statuses={standing.pk: "absent"}, actor=officer)
    assert_stored_equals_recomputed()
    assert stored(2023)[standing.pk] == Decimal("-3")
    services.meeting_record_attendance(meeting=meeting, statuses={standing.pk: "attended"}, actor=officer)
    assert_stored_equals_recomputed()

    # Rule changes: the points, then the cap, of a sub-kind with events in two years; a new rule for a
    # sub-kind that had events without one.
    services.ledger_rule_update(rule=rule("research", "inspection"), label="参加视察", points=Decimal("4.25"),
                                annual_cap=Decimal("15"), unit="次", actor=officer)
    assert_stored_equals_recomputed()
    services.ledger_rule_update(rule=rule("study", "session"), label="参加学习研讨", points=Decimal("2"),
                                annual_cap=Decimal("6"), unit="次", actor=officer)
    assert_stored_equals_recomputed()
    assert stored(2023)[b.pk] == Decimal("6")
    services.ledger_record_event(member=c, kind="contribution", subkind="award", date=D24, actor=officer)
    assert_stored_equals_recomputed()  # no rule yet: the event counts 0
    services.ledger_rule_create(kind="contribution", subkind="award", label="表彰", points=Decimal("8"),
                                annual_cap=None, unit="次", actor=officer)
    assert_stored_equals_recomputed()


@pytest.mark.django_db
def test_backfill_command_rebuilds_the_stored_scores(officer):
    a, b = MemberFactory(), MemberFactory()
    for i in range(3):
        services.ledger_record_single(member=a, kind="research", subkind="research", date=date(2023, 2, 1 + i),
                                      actor=officer)
    services.ledger_record_single(member=b, kind="visit", subkind="enterprise", date=D24, actor=officer)
    before = {year: stored(year) for year in YEARS}
    MemberYearScore.objects.all().delete()
    MemberYearScore.objects.create(member=b, year=2019, cents=500)  # a stale year without events
    call_command("members_rescore", stdout=None)
    assert {year: stored(year) for year in YEARS} == before == {2023: {a.pk: Decimal(9)}, 2024: {b.pk: Decimal(2)}}
    assert not MemberYearScore.objects.filter(year=2019).exists()
    assert_stored_equals_recomputed()


def eligible_member_ids(year: int) -> list[int]:
    from members.selectors import eligible_members_for_year

    return list(eligible_members_for_year(year).values_list("pk", flat=True))


def field_scores(year: int) -> dict[int, Decimal]:
    """The scores the year's field holds (scoring.year_field), of the eligible members who have one."""
    from members.scoring import year_field

    field = year_field(year)
    return {pk: Decimal(cents) / 100 for pk, cents in zip(field.ids, field.cents, strict=True) if cents}


def computed_standing(*, member_id: int, year: int, eligible_ids: list[int]) -> tuple:
    """(score, competition rank or None, how many are eligible), worked out in Python from the stored scores."""
    totals = {pk: Decimal(cents) / 100 for pk, cents in
              MemberYearScore.objects.filter(year=year).values_list("member_id", "cents")}
    score = totals.get(member_id, Decimal(0))
    if member_id not in eligible_ids:
        return score, None, len(eligible_ids)
    return score, 1 + sum(1 for pk in eligible_ids if totals.get(pk, Decimal(0)) > score), len(eligible_ids)


@pytest.mark.django_db
def test_the_standing_matches_the_computed_one(officer, term):
    from members.scoring import member_standing

    members = [MemberFactory() for _ in range(4)]
    for member, n in zip(members, (3, 1, 3, 0), strict=True):
        for i in range(n):
            services.ledger_record_single(member=member, kind="research", subkind="research",
                                          date=date(2023, 2, 1 + i), actor=officer)
    services.ledger_record_single(member=members[1], kind="study", subkind="session", date=D23, actor=officer)
    outsider = MemberFactory()
    outsider.terms.clear()
    for member in [*members, outsider]:
        expected = computed_standing(member_id=member.pk, year=2023, eligible_ids=eligible_member_ids(2023))
        got = member_standing(member_id=member.pk, year=2023)
        assert (got.score, got.rank, got.total) == expected


@pytest.mark.django_db
def test_the_years_field_is_read_once_until_the_members_data_changes(officer, term, django_assert_num_queries,
                                                                    django_capture_on_commit_callbacks):
    """One member's rank among every eligible member is read from the year's field, computed once per change to
    the members module's data: a page after the first runs no ranking query, and any ledger write is seen."""
    from members.scoring import member_standing

    first, second = MemberFactory(), MemberFactory()
    services.ledger_record_single(member=first, kind="research", subkind="research", date=D23, actor=officer)
    with django_capture_on_commit_callbacks(execute=True):  # kept once the test's own writes commit
        assert member_standing(member_id=first.pk, year=2023).rank == 1
    with django_assert_num_queries(1):  # the data versions; the field comes from the cache
        standing = member_standing(member_id=second.pk, year=2023)
    assert (standing.rank, standing.total) == (2, len(eligible_member_ids(2023)))
    services.ledger_record_single(member=second, kind="study", subkind="session", date=D23, actor=officer)
    services.ledger_record_single(member=second, kind="research", subkind="research", date=date(2023, 6, 2),
                                  actor=officer)
    assert member_standing(member_id=second.pk, year=2023).rank == 1
    assert member_standing(member_id=first.pk, year=2023).rank == 2
    assert computed_standing(member_id=first.pk, year=2023, eligible_ids=eligible_member_ids(2023))[1] == 2


@pytest.mark.django_db
def test_member_record_page_queries_are_few_and_constant(client_for, officer, term, django_assert_max_num_queries):
    from django.urls import reverse

    member = MemberFactory()
    client = client_for(officer)
    url = reverse("members:member-record", args=[member.pk]) + "?year=2023"
    client.get(url)  # warm per-process caches (content types, parameters)
    for count in (1, 40):
        for i in range(count):
            services.ledger_record_single(member=member, kind="visit", subkind="enterprise",
                                          date=date(2023, 1 + i % 12, 1 + i // 12), actor=officer)
        # Each write moves the members' data version: the year's field is read afresh (the versions, the field).
        with django_assert_max_num_queries(16):
            response = client.get(url)
        assert response.status_code == 200 and response.context["live_events"] >= count


@pytest.mark.django_db
def test_the_ranking_is_read_once_until_a_score_changes(officer, term, django_capture_on_commit_callbacks):
    """The ranking's rows come from the data-version cache (lists.paging.cached_by_sql): a second view runs no
    ranking query, and a ledger write (which moves the stored scores) ranks afresh."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a, b = MemberFactory(), MemberFactory()
    services.ledger_record_event(member=a, kind="proposal", subkind="lead", date=D23, actor=officer)

    def ranked():
        with CaptureQueriesContext(connection) as queries:
            rows = annual_ranking(year=2023, members=Member.objects.all()).rows
        return [(r.id, r.score, r.rank) for r in rows], sum("RANK() OVER" in q["sql"] for q in queries)

    with django_capture_on_commit_callbacks(execute=True):  # kept once the test's own writes commit
        first, ran = ranked()
    assert ran == 1 and first[0][0] == a.pk
    again, ran = ranked()
    assert ran == 0 and again == first
    for day in (1, 2, 3):
        services.ledger_record_single(member=b, kind="study", subkind="session", date=date(2023, 2, day),
                                      actor=officer)
    after, ran = ranked()
    assert ran == 1 and after[0] == (b.pk, Decimal("6"), 1) and after[1][0] == a.pk
