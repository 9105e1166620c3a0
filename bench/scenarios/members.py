"""Members: 25,000 members and 2,000,000 ledger rows (DESIGN.md §11).

Measured: the member list with a filter and a pinyin search (median server time, queries, raw SQL
floor), the annual ranking of every member (page and in-process), a member's record page, and an
import of 10,000 rows (time and peak memory of a separate process, as a worker would run it).
"""

import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.harness import MeasureContext, SeedContext

SEED = 2023
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲梅鹏飞辉建国宁欣悦宇航晨曦瑞雪嘉怡思远志博浩"
REGIONS = ["410102", "410103", "410104", "410105", "410122", "410181", "410182", "410183", "410184", "410185"]
IMPORT_REGION = "411702"
EMPLOYERS = ["中原区实验中学", "中原区人民医院", "郑州智联信息技术有限公司", "中原区文化馆", "郑州锦华置业有限公司",
             "河南正衡律师事务所", "中原区农业技术推广站", "中原区融媒体中心"]
# (kind, subkind, weight) of the synthetic ledger
EVENT_MIX = [
    ("meeting", "plenary_attended", 5), ("meeting", "standing_attended", 3), ("meeting", "standing_excused", 1),
    ("proposal", "lead", 6), ("proposal", "cosigner", 10), ("opinion", "adopted_district", 8),
    ("opinion", "adopted_city", 4), ("consultation", "session", 10), ("supervision", "visit", 5),
    ("study", "session", 14), ("study", "lecture", 6), ("research", "research", 8), ("research", "inspection", 6),
    ("visit", "enterprise", 6), ("contribution", "volunteer", 6), ("contribution", "donation", 2),
]
YEARS = [2022, 2023, 2024, 2025, 2026]
IMPORT_ROWS = {"small": 2_000, "full": 10_000}  # the figure is the full one


def _id_number(i: int, region: str | None = None) -> str:
    from members.personal_data import id_check_char

    day = i if region else i // len(REGIONS)  # unique (region, birth date) per i
    region = region or REGIONS[i % len(REGIONS)]
    birth = date(1950, 1, 1) + timedelta(days=day % 14_000)
    first17 = f"{region}{birth:%Y%m%d}{100 + (i % 2):03d}"
    return first17 + id_check_char(first17)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def seed(ctx: SeedContext) -> None:
    from django.db import connection
    from django.utils import timezone

    from members.models import Member, Party, Sector, Street, Term
    from members.personal_data import protect_id_number, protect_mobile
    from members.pinyin import name_pinyin, search_text

    rng = random.Random(SEED)
    n_members = ctx.size(small=2_500, full=25_000)
    n_events = ctx.size(small=200_000, full=2_000_000)
    term, _ = Term.objects.get_or_create(number=10, defaults={"starts_on": date(2022, 1, 1),
                                                              "ends_on": date(2026, 12, 31)})
    parties = list(Party.objects.values_list("pk", flat=True))
    sectors = list(Sector.objects.values_list("pk", flat=True))
    streets = list(Street.objects.values_list("pk", flat=True))
    now = timezone.now()
    cache: dict[str, tuple[str, str]] = {}

    def member_rows():
        for i in range(n_members):
            name = _name(rng)
            pinyin, initials = cache.setdefault(name, name_pinyin(name))
            employer = rng.choice(EMPLOYERS)
            protected = protect_id_number(_id_number(i))
            yield (name, pinyin, initials, "male" if i % 2 else "female", "汉族",
                   date(1950, 1, 1) + timedelta(days=(i // len(REGIONS)) % 14_000),
                   protected["id_number_encrypted"], protected["id_number_hash"], protected["id_number_masked"],
                   *protect_mobile(f"139{i:08d}").values(), rng.choice(parties), rng.choice(sectors), employer, "委员",
                   rng.random() < 0.15, rng.choice(streets), "serving" if rng.random() < 0.97 else "resigned", "",
                   search_text(name=name, pinyin=pinyin, initials=initials, employer=employer), now, now)

    ctx.copy_rows("members_member", [
        "name", "name_pinyin", "name_initials", "gender", "ethnic_group", "birth_date", "id_number_encrypted",
        "id_number_hash", "id_number_masked", "mobile_encrypted",
        "mobile_hash", "mobile_masked", "party_id", "sector_id", "employer", "job_title",
        "is_standing_committee", "street_id", "status", "photo", "search_text", "created_at", "updated_at",
    ], member_rows())
    member_ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    ctx.copy_rows("members_termmembership", ["member_id", "term_id", "joined_on"],
                  ((pk, term.pk, term.starts_on) for pk in member_ids))

    kinds = [(k, s) for k, s, _w in EVENT_MIX]
    weights = [w for _k, _s, w in EVENT_MIX]
    first_day, span = date(2022, 1, 1), (date(2026, 11, 30) - date(2022, 1, 1)).days

    def event_rows():
        choices = rng.choices(kinds, weights=weights, k=n_events)
        for n, (kind, subkind) in enumerate(choices):
            yield (member_ids[n % len(member_ids)], first_day + timedelta(days=rng.randint(0, span)), kind, subkind,
                   "", "", now)

    ctx.copy_rows("members_ledgerevent",
                  ["member_id", "date", "kind", "subkind", "source_id", "note", "created_at"], event_rows())
    with connection.cursor() as cursor:
        # After a bulk load, as autovacuum would do later: statistics, and the visibility map that
        # lets the yearly score aggregation read the covering index only.
        cursor.execute("VACUUM ANALYZE members_ledgerevent")
        cursor.execute("ANALYZE members_member, members_termmembership")
    from members.scoring import store_all_scores

    store_all_scores()  # the stored year scores of the bulk-loaded ledger (the services keep them after)

    ctx.user("bench-member-officer", roles=["member_officer"], full_name="基准委员联络员")
    ctx.user("bench-leader", roles=["leader"], full_name="基准领导")
    member_user = ctx.user("bench-member", roles=["member"], full_name="基准委员")
    Member.objects.filter(pk=member_ids[0]).update(user=member_user)


def _queries_of(fn) -> list[tuple[str, list]]:
    """The SQL (with parameters) a read runs, to replay it raw as the database floor."""
    from django.db import connection

    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        fn()
    return [(sql, params) for sql, params in captured if "members_" in sql]


def measure(ctx: MeasureContext) -> None:
    from django.contrib.auth import get_user_model

    from members.models import Member, Party
    from members.scoring import annual_ranking
    from members.selectors import MemberFilters, eligible_members_for_year, member_list

    officer = get_user_model().objects.get(username="bench-member-officer")
    cpc = Party.objects.get(short_name="中共").pk
    n_members = Member.objects.count()

    filters = MemberFilters(party=cpc, q="zh")

    def list_page():
        qs = member_list(user=officer, filters=filters)
        qs.count()
        list(qs[:25])

    ctx.page("members: list, party filter + pinyin search 'zh'", f"/members/?party={cpc}&q=zh",
             user="bench-member-officer", raw_sql=_queries_of(list_page))
    initials = MemberFilters(q="wm")

    def initials_page():
        qs = member_list(user=officer, filters=initials)
        qs.count()
        list(qs[:25])

    ctx.page("members: list, initials search 'wm'", "/members/?q=wm", user="bench-member-officer",
             raw_sql=_queries_of(initials_page))
    ctx.page("members: list, page 1 unfiltered", "/members/", user="bench-member-officer")
    _warm(ctx, ["/members/?per_page=10", "/members/?per_page=100&page=3"], "bench-member-officer")
    ctx.query_count_stable("members: list query count, 10 vs 100 per page",
                           ["/members/?per_page=10", "/members/?per_page=100&page=3"], user="bench-member-officer")

    eligible = eligible_members_for_year(2023)
    ctx.page("members: annual ranking 2023, page 1 of all members", "/members/ranking/?year=2023",
             user="bench-leader",
             raw_sql=_queries_of(lambda: annual_ranking(year=2023, members=eligible, limit=50)))
    _warm(ctx, ["/members/ranking/?year=2023", "/members/ranking/?year=2023&page=20"], "bench-leader")
    ctx.query_count_stable("members: ranking query count, page 1 vs page 20",
                           ["/members/ranking/?year=2023", "/members/ranking/?year=2023&page=20"], user="bench-leader")
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        ranking = annual_ranking(year=2023, members=eligible)
        timings.append(time.perf_counter() - started)
    timings.sort()
    ctx.record(f"members: annual ranking of all {ranking.total:,} members (one query, in-process, median of 5)",
               timings[2], "s", rows=len(ranking.rows), excellent=ranking.grade_counts.get("excellent", 0))

    record_owner = Member.objects.get(user__username="bench-member")
    ctx.page("members: own performance record 2023", "/members/me/?year=2023", user="bench-member")
    ctx.page("members: officer opens a member's record", f"/members/{record_owner.pk}/record/?year=2023",
             user="bench-member-officer")

    _measure_import(ctx, n_members, IMPORT_ROWS[ctx.scale])


def _warm(ctx: MeasureContext, paths: list[str], user: str) -> None:
    """The session's idle-timeout refresh writes at most once a minute: request every path once so
    that the query-count check compares the pages, not whether that write fell on one of them."""
    for path in paths:
        ctx.get(path, user)


def _measure_import(ctx: MeasureContext, n_members: int, rows: int) -> None:
    """Import `rows` new members, then the same file again (as many updates), in a separate process
    so that its peak RSS is the import's; the rows are deleted afterwards (the data set stays as seeded)."""
    from django.conf import settings
    from django.utils import translation
    from openpyxl import Workbook

    from members.importing import COLUMNS
    from members.models import Member
    from members.personal_data import lookup_hash

    rng = random.Random(SEED + 1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("委员")
    # The headers in the office's language, whatever the measuring process last activated (the importer, in
    # its own process, recognises the template's Chinese headers).
    with translation.override(settings.LANGUAGE_CODE):
        ws.append([f"{c.label}*" if c.required else str(c.label) for c in COLUMNS])
    values = {c.key: None for c in COLUMNS}
    numbers = [_id_number(i, region=IMPORT_REGION) for i in range(rows)]
    for number in numbers:
        values.update(name=_name(rng), id_number=number, mobile=f"137{rng.randint(0, 99_999_999):08d}",
                      party=rng.choice(["中共", "民盟", "民建", "无党派"]), sector=rng.choice(["教育界", "经济界"]),
                      employer=rng.choice(EMPLOYERS), job_title="委员", term="第十届", is_standing_committee="否",
                      special_committees="提案委员会", street="林山寨街道", status="在任")
        ws.append([values[c.key] for c in COLUMNS])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.xlsx"
        wb.save(path)
        try:
            for label in ("new members", "re-import: updates"):
                result = _run_import_process(path)
                if result["status"] != "succeeded":
                    print(f"members: import {label} did not finish: {result['message']}", flush=True)
                ctx.record(f"members: import {rows:,} rows, {label}", result["seconds"], "s",
                           peak_rss=f"{result['peak_rss_mb']:.0f} MB", rss_before=f"{result['rss_before_mb']:.0f} MB",
                           status=result["status"], created=result["created"], updated=result["updated"])
        finally:
            Member.objects.filter(id_number_hash__in=[lookup_hash(n) for n in numbers]).delete()
    assert Member.objects.count() == n_members


def _run_import_process(path: Path) -> dict:
    code = (
        "import django, json, resource, time\n"
        "django.setup()\n"
        "from django.core.files import File\n"
        "from members.models import ImportJob\n"
        "from members.services import import_job_run\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        f"with open({str(path)!r}, 'rb') as fh:\n"
        "    job = ImportJob(original_name='bench.xlsx', run_async=True)\n"
        "    job.file.save('bench.xlsx', File(fh), save=True)\n"
        "started = time.perf_counter()\n"
        "import_job_run(job_id=job.pk)\n"
        "seconds = time.perf_counter() - started\n"
        "job.refresh_from_db()\n"
        "print(json.dumps({'seconds': seconds, 'status': job.status, 'message': job.message,\n"
        "                  'created': job.created_count,\n"
        "                  'updated': job.updated_count, 'rss_before_mb': before,\n"
        "                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])
