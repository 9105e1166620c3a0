"""Opinion reports: 300,000 reports over five years with bulletins, upward batches, outcomes per level and
leaders' instructions (issue 10; 6,000 reports at small scale).

Seeded by `build_reports` (COPY; no services, notifications, audit or ledger rows), which also returns the
figures it planned (`OpinionsDataSet.figures[year][key]`, the keys of `opinions.statistics`) so that a test
can compare them with what the statistics count.

Measured: the officer list with filters (`opinions:report-all`), a statistic's drill-down, page size 10 vs
100 (the query count must not grow), the statistics page (`opinions:statistics`) and the dashboard's
opinions panel (`opinions.panels.dashboard_panels`, in-process, and the whole `/dashboard/` page): median
server time, query count, the page's own opinion SQL replayed raw, ratio to the hello-world floor.
"""

from __future__ import annotations

import random
import statistics as stats
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bench.harness import MeasureContext, SeedContext, raw_sql_median, raw_sql_plan_split

SEED = 20230294
TOPICS = ["老旧小区加装电梯", "背街小巷环境整治", "社区居家养老服务", "中小学课后服务", "农贸市场升级改造",
          "停车位供需矛盾", "电动自行车充电安全", "口袋公园建设", "社区卫生服务中心建设", "餐饮油烟扰民",
          "二次供水设施改造", "雨污分流改造", "小微企业融资难", "高校毕业生就业服务", "非遗保护传承",
          "垃圾分类长效管理", "物业服务质量", "独居老人安全守护", "婴幼儿托育服务", "夜间经济发展",
          "学区学位供给紧张", "公交线路优化", "城中村改造安置", "菜市场食品安全", "社区文化活动场地"]
PHRASES = ["问题亟待解决", "存在的问题及建议", "需引起重视", "的调查与思考", "群众反映强烈"]
# Current-year statuses (weights); earlier years are decided (a few drafts were never sent).
LIVE_MIX = (("draft", 5), ("submitted", 8), ("screening", 7), ("adopted", 50), ("kept", 23), ("returned", 7))
PAST_MIX = (("draft", 2), ("adopted", 68), ("kept", 30))
COLLECTED = {"submitted", "screening", "adopted", "kept", "returned"}
# Shares of the reports reported upward (上报) that each level adopted / forwarded (2023: 137 and 103 of 205).
CITY_SHARE, FORWARD_SHARE, PROVINCE_SHARE, NATIONAL_SHARE = 0.67, 0.50, 0.03, 0.005
DISTRICT_SHARE = 0.25  # of adopted reports, reported or not
REPORTED_SHARE, PUBLISHED_SHARE = 0.70, 0.20  # of adopted reports
INSTRUCTIONS = (("district_secretary", "district", 0.02), ("district_head", "district", 0.07),
                ("city", "city", 0.02))
WITHDRAWN_SHARE = 0.01


@dataclass
class OpinionsDataSet:
    count: int
    today: date
    years: list[int]
    officer: str
    leader: str
    statuses: Counter = field(default_factory=Counter)
    # {year: {figure key: count}} as planned, with the keys of opinions.statistics.year_figures().
    figures: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)


def _aware(day: date, minute: int):
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=9, minutes=minute))


def _authors(ctx: SeedContext, count: int) -> list[int]:
    """Correspondents and members; the members linked to serving members without an account (party figures)."""
    from members.models import Member

    correspondents = [ctx.user(f"bench-correspondent-{n}", roles=["correspondent"], full_name=f"信息员{n:04d}").pk
                      for n in range(count // 2)]
    members = [ctx.user(f"bench-opinion-member-{n}", roles=["member"], full_name=f"委员{n:04d}")
               for n in range(count - count // 2)]
    free = list(Member.objects.filter(user__isnull=True, status="serving").order_by("pk")[:len(members)])
    for member, user in zip(free, members, strict=False):
        if not Member.objects.filter(user=user).exists():
            Member.objects.filter(pk=member.pk).update(user=user)
    return correspondents + [u.pk for u in members]


def build_reports(ctx: SeedContext, count: int, *, bulletins_per_year: int = 6, authors: int = 80,
                  today: date | None = None, seed: int = SEED, stdout=None) -> OpinionsDataSet:
    """Insert `count` reports spread over the five years up to `today`'s year, with their timelines, bulletins,
    upward batches, outcomes (combined ones included, 1 % withdrawn) and instructions (1 % withdrawn)."""
    from django.db import connection
    from django.utils import timezone

    from members.models import Sector, Street
    from opinions.models import Category
    from zhongyuan_cppcc.search.pinyin import text_pinyin

    rng = random.Random(seed)
    today = today or timezone.localdate()
    years = list(range(today.year - 4, today.year + 1))
    officer = ctx.user("bench-opinion-officer", roles=["opinion_officer"], full_name="基准信息员")
    leader = ctx.user("bench-leader", roles=["leader"], full_name="基准领导")
    author_ids = _authors(ctx, authors)
    streets = list(Street.objects.order_by("pk").values_list("pk", "name"))
    sectors = list(Sector.objects.order_by("pk").values_list("pk", flat=True))
    categories = list(Category.values)
    data = OpinionsDataSet(count=count, today=today, years=years, officer=officer.username, leader=leader.username)
    figures = {y: Counter() for y in years}
    now = timezone.now()
    pinyin: dict[str, str] = {}

    # -- plan every report ------------------------------------------------------------------------------
    plan = []  # (status, submitted day or None, decided day or None, created day, title)
    for i in range(count):
        year = years[i % len(years)]
        last = today if year == today.year else date(year, 12, 31)
        day = date(year, 1, 1) + timedelta(days=rng.randint(0, (last - date(year, 1, 1)).days))
        mix = LIVE_MIX if year == today.year else PAST_MIX
        status = rng.choices([s for s, _w in mix], weights=[w for _s, w in mix])[0]
        decided = min(day + timedelta(days=rng.randint(1, 6)), last) if status in {"adopted", "kept",
                                                                                    "returned"} else None
        street = streets[i % len(streets)] if streets else (None, "辖区")
        topic = TOPICS[rng.randrange(len(TOPICS))]
        title = f"{street[1]}{topic}{PHRASES[i % len(PHRASES)]}"
        plan.append((status, None if status == "draft" else day, decided, day, title, topic, street[0]))
        data.statuses[status] += 1
        if status in COLLECTED:
            figures[year]["collected"] += 1
        if status == "adopted":
            figures[year]["adopted_office"] += 1

    # Rows in the order they were written (ids ascend with time), as a live table holds them: a year's reports
    # lie together on disk, which is what a year filter's count reads.
    plan.sort(key=lambda row: row[3])

    def report_rows():
        for i, (status, submitted, decided, created, title, topic, street_id) in enumerate(plan):
            author = author_ids[i % len(author_ids)]
            if title not in pinyin:
                pinyin[title] = text_pinyin(title)
            adopted = status == "adopted"
            households = 200 + i % 50 * 10
            yield (title, f"近期走访发现，{title[:8]}方面群众反映较多，涉及居民约{households}户。",
                   f"主要原因是相关部门统筹不够、资金保障不足，{topic}的长效机制尚未建立。",
                   f"一是加强统筹协调；二是加大资金投入；三是建立{topic}长效管理机制。", pinyin[title],
                   categories[i % len(categories)], author, street_id,
                   sectors[i % len(sectors)] if sectors and i % 4 == 0 else None, status, "",
                   _aware(submitted, i % 480) if submitted else None,
                   _aware(decided, i % 480 + 1) if decided else None,
                   "内容与已录用信息重复，留存备查" if status == "kept" else
                   ("请补充具体数据后再报" if status == "returned" else ""),
                   f"关于{topic}的建议" if adopted else "",
                   f"经核实，{topic}问题在辖区较为普遍。" if adopted else "",
                   f"建议相关部门统筹推进{topic}工作。" if adopted else "",
                   officer.pk if adopted else None, _aware(decided, i % 480 + 2) if adopted else None,
                   "刘主任" if adopted else "", decided if adopted else None,
                   _aware(created, i % 480), _aware(decided or created, i % 480 + 3))

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM opinions_opinionreport")
        before = cursor.fetchone()[0]
    ctx.copy_rows("opinions_opinionreport", [
        "title", "situation", "analysis", "suggestion", "search_pinyin", "category", "author_id", "source_street_id",
        "source_sector_id", "status", "origin_id", "submitted_at", "decided_at", "decision_reason", "adopted_title",
        "adopted_analysis", "adopted_suggestion", "edited_by_id", "edited_at", "signed_off_by", "signed_off_on",
        "created_at", "updated_at"], report_rows())
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM opinions_opinionreport WHERE id > %s ORDER BY id", [before])
        ids = [r[0] for r in cursor.fetchall()]
    assert len(ids) == count

    # -- timelines --------------------------------------------------------------------------------------
    def change_rows():
        for i, (pk, (status, submitted, decided, *_rest)) in enumerate(zip(ids, plan, strict=True)):
            if status == "draft":
                continue
            yield ("submit", "draft", "submitted", author_ids[i % len(author_ids)], "", _aware(submitted, 0), pk)
            if status == "submitted":
                continue
            yield ("start_screening", "submitted", "screening", officer.pk, "", _aware(submitted, 60), pk)
            if status == "screening":
                continue
            verb = {"adopted": "adopt", "kept": "keep", "returned": "return"}[status]
            yield (verb, "screening", status, officer.pk, "", _aware(decided, 120), pk)
            if status == "adopted":
                yield ("sign_off", "adopted", "adopted", officer.pk, "签发：刘主任", _aware(decided, 180), pk)

    changes = ctx.copy_rows("opinions_reportstatuschange",
                            ["verb", "from_status", "to_status", "actor_id", "note", "at", "report_id"], change_rows())

    # -- bulletins: a share of each year's adopted reports, in decision order --------------------------------
    adopted = defaultdict(list)  # year -> [(decided, pk)]
    for pk, (status, _s, decided, *_rest) in zip(ids, plan, strict=True):
        if status == "adopted":
            adopted[decided.year].append((decided, pk))
    entries, bulletin_rows = [], []
    for year in years:
        rows = sorted(adopted[year])
        chosen = [r for r in rows if rng.random() < PUBLISHED_SHARE]
        issues = max(1, min(bulletins_per_year, len(chosen)))
        size = -(-len(chosen) // issues) if chosen else 0
        for k in range(issues):
            part = chosen[k * size:(k + 1) * size]
            if not part:
                continue
            published_on = min(part[-1][0] + timedelta(days=5), date(year, 12, 31), today)
            bulletin_rows.append((year, published_on, [pk for _d, pk in part]))
            figures[year]["published"] += len(part)
    with connection.cursor() as cursor:
        cursor.execute("SELECT year, COALESCE(MAX(number), 0) FROM opinions_bulletin GROUP BY year")
        numbers = dict(cursor.fetchall())
    bulletin_values = []
    for year, published_on, _pks in bulletin_rows:
        numbers[year] = numbers.get(year, 0) + 1
        figures[year]["bulletins"] += 1
        bulletin_values.append((year, numbers[year], "信息专刊", published_on, officer.pk, now))
    before_bulletin = _max_id("opinions_bulletin")
    ctx.copy_rows("opinions_bulletin", ["year", "number", "title", "published_on", "created_by_id", "created_at"],
                  bulletin_values)
    bulletin_ids = _ids_after("opinions_bulletin", before_bulletin)
    for bulletin_id, (_y, _p, pks) in zip(bulletin_ids, bulletin_rows, strict=True):
        entries += [(bulletin_id, pk, position) for position, pk in enumerate(pks, start=1)]
    ctx.copy_rows("opinions_bulletinentry", ["bulletin_id", "report_id", "position"], entries)
    with connection.cursor() as cursor:
        for year, number in numbers.items():
            cursor.execute("INSERT INTO opinions_bulletincounter (year, last_number) VALUES (%s, %s) "
                           "ON CONFLICT (year) DO UPDATE SET last_number = EXCLUDED.last_number", [year, number])

    # -- upward batches: monthly, a share of the month's adopted reports ----------------------------------
    batches = {}  # (year, month) -> (sent_on, [pk])
    for year in years:
        for decided, pk in sorted(adopted[year]):
            if rng.random() >= REPORTED_SHARE:
                continue
            month_end = date(year + (decided.month == 12), decided.month % 12 + 1, 1) - timedelta(days=1)
            sent_on = max(decided, min(month_end + timedelta(days=5), date(year, 12, 31), today))
            batches.setdefault((year, decided.month), (sent_on, []))[1].append((pk, decided))
    batch_keys = sorted(batches)
    before_batch = _max_id("opinions_upwardbatch")
    ctx.copy_rows("opinions_upwardbatch", ["sent_on", "channel", "document_number", "note", "created_by_id",
                                           "created_at"],
                  ((batches[k][0], "郑州市政协社情民意信息报送系统", f"中政协信〔{k[0]}〕{k[1]}号", "", officer.pk, now)
                   for k in batch_keys))
    batch_ids = _ids_after("opinions_upwardbatch", before_batch)
    reported = []  # (pk, sent_on)
    for batch_id, key in zip(batch_ids, batch_keys, strict=True):
        sent_on, members = batches[key]
        figures[sent_on.year]["reported"] += len(members)
        reported += [(pk, sent_on, batch_id) for pk, _d in members]
    ctx.copy_rows("opinions_upwardbatch_reports", ["upwardbatch_id", "opinionreport_id"],
                  ((batch_id, pk) for pk, _s, batch_id in reported))

    # -- outcomes and instructions --------------------------------------------------------------------------
    outcome_plan = []  # (pk, level, kind, combined index or None, forwarded_to, day, withdrawn)
    combined_titles = []
    counted = defaultdict(set)  # (year, figure key) -> {pk}

    def later(start: date, low: int, high: int) -> date:
        return min(start + timedelta(days=rng.randint(low, high)), date(start.year, 12, 31), today)

    def outcome(pk, level, kind, day, combined=None, forwarded_to=""):
        withdrawn = rng.random() < WITHDRAWN_SHARE
        outcome_plan.append((pk, level, kind, combined, forwarded_to, day, withdrawn))
        if withdrawn:
            return
        if kind == "forwarded":
            if level in ("province", "national"):
                counted[(day.year, "forwarded_province")].add(pk)
        else:
            counted[(day.year, f"adopted_{level}")].add(pk)

    city_queue = []
    for pk, sent_on, _b in reported:
        if rng.random() < CITY_SHARE:
            city_queue.append((pk, later(sent_on, 5, 40)))
        if rng.random() < FORWARD_SHARE:
            outcome(pk, "province", "forwarded", later(sent_on, 10, 60), forwarded_to="河南省政协")
        if rng.random() < PROVINCE_SHARE:
            outcome(pk, "province", "alone", later(sent_on, 20, 80))
        if rng.random() < NATIONAL_SHARE:
            outcome(pk, "national", "alone", later(sent_on, 30, 90))
    # A tenth of the city adoptions are combined reports, each written from three source reports.
    n = 0
    while n < len(city_queue):
        if n % 30 == 0 and n + 3 <= len(city_queue):
            combined_titles.append(f"关于{TOPICS[len(combined_titles) % len(TOPICS)]}的综合建议")
            day = max(d for _pk, d in city_queue[n:n + 3])
            for pk, _d in city_queue[n:n + 3]:
                outcome(pk, "city", "combined", day, combined=len(combined_titles) - 1)
            n += 3
            continue
        pk, day = city_queue[n]
        outcome(pk, "city", "alone", day)
        n += 1
    for year in years:
        for decided, pk in adopted[year]:
            if rng.random() < DISTRICT_SHARE:
                outcome(pk, "district", "alone", later(decided, 3, 30))

    before_combined = _max_id("opinions_combinedreport")
    ctx.copy_rows("opinions_combinedreport", ["title", "level", "created_at"],
                  ((title, "city", now) for title in combined_titles))
    combined_ids = _ids_after("opinions_combinedreport", before_combined)
    ctx.copy_rows("opinions_outcome", [
        "report_id", "level", "kind", "combined_id", "forwarded_to", "date", "note", "recorded_by_id", "recorded_at",
        "withdrawn_at", "withdrawn_by_id", "withdrawal_reason"],
        ((pk, level, kind, combined_ids[c] if c is not None else None, forwarded_to, day, "", officer.pk, now,
          now if withdrawn else None, officer.pk if withdrawn else None, "误录" if withdrawn else "")
         for pk, level, kind, c, forwarded_to, day, withdrawn in outcome_plan))

    instruction_plan = []
    for pk, sent_on, _b in reported:
        for title, level, share in INSTRUCTIONS:
            if rng.random() < share:
                day = later(sent_on, 10, 60)
                withdrawn = rng.random() < WITHDRAWN_SHARE
                instruction_plan.append((pk, title, level, day, withdrawn))
                if not withdrawn:
                    counted[(day.year, "instructed")].add(pk)
                    if title == "district_secretary":
                        counted[(day.year, "instructed_secretary")].add(pk)
                    if title == "district_head":
                        counted[(day.year, "instructed_head")].add(pk)
    ctx.copy_rows("opinions_instruction", [
        "report_id", "leader_title", "level", "date", "text", "recorded_by_id", "recorded_at", "withdrawn_at",
        "withdrawn_by_id", "withdrawal_reason"],
        ((pk, title, level, day, "请相关部门认真研究，抓好落实。", officer.pk, now, now if withdrawn else None,
          officer.pk if withdrawn else None, "误录" if withdrawn else "")
         for pk, title, level, day, withdrawn in instruction_plan))

    for (year, key), pks in counted.items():
        figures[year][key] = len(pks)
    data.figures = {y: dict(c) for y, c in figures.items()}
    data.rows = {"reports": count, "status_changes": changes, "bulletins": len(bulletin_values),
                 "bulletin_entries": len(entries), "batches": len(batch_keys), "reported": len(reported),
                 "combined_reports": len(combined_titles), "outcomes": len(outcome_plan),
                 "instructions": len(instruction_plan)}
    if stdout:
        print(f"opinions: {count:,} ({', '.join(f'{k} {v}' for k, v in sorted(data.statuses.items()))}); "
              f"rows {data.rows}", file=stdout)
    return data


def _max_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (a fixed table name)
        return cursor.fetchone()[0]


def _ids_after(table: str, before: int) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE id > %s ORDER BY id", [before])  # noqa: S608
        return [r[0] for r in cursor.fetchall()]


def seed(ctx: SeedContext) -> None:
    import sys

    from django.db import connection

    build_reports(ctx, ctx.size(small=6_000, full=300_000), bulletins_per_year=ctx.size(small=6, full=24),
                  authors=ctx.size(small=80, full=1_000), stdout=sys.stdout)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE opinions_opinionreport")
        cursor.execute("ANALYZE opinions_outcome, opinions_instruction, opinions_bulletinentry, "
                       "opinions_upwardbatch_reports, opinions_reportstatuschange")


# --- measuring --------------------------------------------------------------------------------------------


def _queries_of(fn) -> list[tuple[str, list]]:
    """The opinion SQL (with parameters) a read runs, to replay it raw as the database floor."""
    from django.db import connection

    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        fn()
    return [(sql, params) for sql, params in captured if "opinions_" in sql]


def _client(user):
    """A logged-in test client (with a verified second factor where the role requires one)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from bench.harness import second_factor_device

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="zhongyuan_cppcc.accounts.backends.AccountBackend")
    device = second_factor_device(user)
    if device:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device
        session.save()
    return client


def _page_sql(client, path: str):
    def run():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return _queries_of(run)


def measure(ctx: MeasureContext) -> None:
    from urllib.parse import quote

    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import timezone

    User = get_user_model()
    officer = User.objects.get(username="bench-opinion-officer")
    leader = User.objects.get(username="bench-leader")
    year = timezone.localdate().year - 1  # the last closed year: every figure is filled
    client = _client(officer)
    base = reverse("opinions:report-all")

    for label, query in (("year + status + category", f"?year={year}&status=adopted&category=urban"),
                         ("page 1 unfiltered", ""),
                         ("drill-down of 'adopted by the city'", f"?figure=adopted_city&year={year}"),
                         ("title search '电梯'", "?q=" + quote("电梯"))):
        path = base + query
        ctx.page(f"opinions: officer list, {label}", path, user=officer.username, raw_sql=_page_sql(client, path))
    paths = [base + f"?year={year}&per_page=10", base + f"?year={year}&per_page=100&page=3"]
    for path in paths:
        ctx.get(path, officer.username)  # the session refresh write falls outside the comparison
    ctx.query_count_stable("opinions: officer list query count, 10 vs 100 per page", paths, user=officer.username)

    path = reverse("opinions:statistics") + f"?year={year}"
    ctx.page(f"opinions: statistics page {year}", path, user=officer.username, raw_sql=_page_sql(client, path))

    _measure_panel(ctx, leader, year)
    path = reverse("dashboard") + f"?year={year}" if _has_url("dashboard") else None
    if path:
        ctx.page(f"opinions: whole dashboard page {year} (every module's panels, leader)", path,
                 user=leader.username, raw_sql=_page_sql(_client(leader), path))


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _measure_panel(ctx: MeasureContext, leader, year: int) -> None:
    """The dashboard's opinions panel in-process: median of 10 runs, its query count and raw SQL floor."""
    from django.db import connection

    from opinions.panels import dashboard_panels
    from zhongyuan_cppcc.dashboard.scope import DashboardScope

    count = {"n": 0}

    def counting(execute, sql, params, many, context):
        count["n"] += 1
        return execute(sql, params, many, context)

    timings = []
    for _ in range(12):
        count["n"] = 0
        started = time.perf_counter()
        with connection.execute_wrapper(counting):
            panels = dashboard_panels(leader, year, DashboardScope())
        timings.append((time.perf_counter() - started) * 1000)
    timings = timings[2:]
    sql = _queries_of(lambda: dashboard_panels(leader, year, DashboardScope()))
    raw_ms = raw_sql_median(sql)
    plan_ms, exec_ms = raw_sql_plan_split(sql)
    median = stats.median(timings)
    figures = {f.label: f.value for p in panels for f in p.figures}
    ctx.record(f"opinions: dashboard panel {year} (in-process, median of 10)", median / 1000, "s",
               queries=count["n"], raw_sql=f"{raw_ms:.2f} ms (x{median / raw_ms:.1f})",
               plan=f"{plan_ms:.2f} ms + exec {exec_ms:.2f} ms", figures=len(figures))
