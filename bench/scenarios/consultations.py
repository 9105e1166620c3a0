"""Consultations: 50,000 sessions and 200,000 outcomes (DESIGN.md §11; 1,000 / 4,000 at small scale).

Seeded with COPY: a consultation room for every street (street rooms, community rooms, one district hall),
supervision projects in every street, sessions of every kind over the years up to the current one (past
years closed, the current year in every state, planned sessions ahead), their participants and timelines,
topics in every state, outcomes in every state with due dates (some overdue, some due soon) and follow-up
notes. Participation does not write ledger events here: the members scenario seeds its own ledger.

Measured: the officer's session list with filters and unfiltered (page and raw-SQL floor, query count at 10
and 100 rows per page), a street officer's scoped list and the street room's page, the outcome list with
filters, and the dashboard's consultation panel in-process (time, queries, raw-SQL floor).
"""

import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bench.harness import MeasureContext, SeedContext, raw_sql_median

SEED = 1414
OFFICER = "bench-consultation-officer"
STREET_OFFICER = "bench-street-officer"
LEADER = "bench-leader"
FIRST_YEAR = 2022
RECENT_DAYS = 150
# (kind, weight): grassroots and supervision visits dominate, as in the source document.
KIND_MIX = [("grassroots", 50), ("thematic", 4), ("standing", 3), ("committee", 8), ("supervision", 25),
            ("sector", 10)]
# Outcomes per session drawn with these weights by kind (standing-committee sessions make many suggestions).
OUTCOME_WEIGHT = {"grassroots": 3, "thematic": 12, "standing": 20, "committee": 4, "supervision": 2, "sector": 4}
PAST_OUTCOME_MIX = [("implemented", 70), ("kept", 12), ("implementing", 12), ("open", 6)]
CURRENT_OUTCOME_MIX = [("open", 40), ("implementing", 30), ("implemented", 22), ("kept", 8)]
TOPIC_MIX = [("scheduled", 50), ("accepted", 20), ("proposed", 20), ("declined", 10)]
TOPIC_SOURCES = ["resident", "member", "street", "community"]
# What residents bring to a consultation room. Titles name the street and the topic, and their pinyin is computed
# from the whole title as the app does on save, so that a search needle matches a realistic share of rows (one
# topic in forty, not one in fourteen identical pinyin strings) and the plan check means what it would in use.
TOPICS = ["小区消防安全", "楼道杂物堆积处理", "电动充电桩管理", "老旧小区电梯加装", "背街小巷环境整治",
          "社区养老服务", "小区停车难", "垃圾分类推进", "物业服务管理", "学校周边交通安全", "社区便民市场",
          "健身场地建设", "雨污分流改造", "口袋公园建设", "共享单车停放", "外卖骑手权益保障", "社区食堂运营",
          "二次供水设施更新", "夜市噪声扰民", "违章建筑拆除", "社区医院就诊", "幼儿园入园难", "菜市场摊位管理",
          "老年人助浴服务", "燃气管道改造", "屋顶防水维修", "小区绿化补种", "道路井盖修复", "公交站点调整",
          "流浪犬只管理", "楼顶光伏安装", "社区图书室开放", "残疾人无障碍通道", "高空抛物防范", "快递驿站设置",
          "暖气不热问题", "广场舞噪声协调", "学生放学托管", "沿街商铺油烟", "小区门禁改造"]
SUGGESTIONS = ["增设消防通道标识并定期巡查", "组织居民集中清理楼道杂物", "在小区内规划集中充电区域",
               "统筹推进老旧小区加装电梯", "完善背街小巷路灯和排水设施", "建设社区老年助餐点",
               "挖潜增设夜间共享停车位", "加强垃圾分类督导员配备", "建立物业服务评价机制"]
UNITS = ["区住建局", "区城管局", "区应急管理局", "区民政局", "区教育局", "区市场监管局", "区交警大队", "街道办事处",
         "社区居委会", "区发改委"]
PROJECTS = ["老旧小区综合改造", "背街小巷提质", "口袋公园建设", "社区养老服务中心", "农贸市场升级", "雨污分流改造",
            "学校扩建", "便民服务中心建设", "道路综合整治", "智慧社区建设"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


@dataclass
class Seeded:
    """What seed() wrote, by kind and state (the tests compare it with the rows)."""

    sessions: dict = field(default_factory=dict)  # (kind, status) -> count
    outcomes: dict = field(default_factory=dict)  # status -> count
    topics: dict = field(default_factory=dict)  # status -> count
    rooms: dict = field(default_factory=dict)  # level -> count
    years: set = field(default_factory=set)
    projects: int = 0
    participations: int = 0
    follow_ups: int = 0
    overdue: int = 0
    due_soon: int = 0


def _weighted(rng: random.Random, mix) -> str:
    return rng.choices([k for k, _w in mix], weights=[w for _k, w in mix])[0]


def seed(ctx: SeedContext) -> Seeded:
    from django.db import connection

    seeded = build(ctx, sessions=ctx.size(small=1_000, full=50_000), outcomes=ctx.size(small=4_000, full=200_000),
                   topics=ctx.size(small=400, full=20_000), projects=ctx.size(small=60, full=2_000))
    with connection.cursor() as cursor:
        # As autovacuum would later: the visibility map, for index-only counts.
        cursor.execute("VACUUM ANALYZE consultations_session")
        cursor.execute("VACUUM ANALYZE consultations_outcome")
    return seeded


def build(ctx: SeedContext, *, sessions: int, outcomes: int, topics: int, projects: int) -> Seeded:
    from django.db import connection
    from django.utils import timezone

    from consultations.models import OfficerStreet, Room, Session, SupervisionProject
    from members.models import Street
    from zhongyuan_cppcc.search.pinyin import text_pinyin

    rng = random.Random(SEED)
    today = timezone.localdate()
    now = timezone.now()
    seeded = Seeded()
    streets = list(Street.objects.order_by("order").values_list("pk", "name"))
    communities = _communities(streets)
    members = _members(ctx, rng, streets)
    officer = ctx.user(OFFICER, roles=["consultation_officer"], full_name="基准协商工作人员")
    street_officer = ctx.user(STREET_OFFICER, roles=["consultation_officer"], full_name="基准街道工作人员")
    OfficerStreet.objects.update_or_create(user=street_officer, defaults={"street_id": streets[0][0]})
    ctx.user(LEADER, roles=["leader"], full_name="基准领导")

    # Rooms: the district hall, one room per street, community rooms in every street.
    checks = ["has_site", "has_sign", "has_rules", "has_procedure", "has_activities", "has_results"]
    room_rows = [("中原区政协协商议事厅", "district", None, None, date(2021, 3, 1), None, *([True] * 6))]
    for i, (street_id, street_name) in enumerate(streets):
        room_rows.append((f"{street_name}协商议事室", "street", street_id, None, date(2021, 1 + i % 12, 1),
                          date(2023, 1 + i % 12, 10) if i % 5 == 0 else None,
                          True, True, *(rng.random() < 0.85 for _ in range(4))))
        for community_id, community_name in communities[street_id]:
            room_rows.append((f"{community_name}协商议事点", "community", street_id, community_id,
                              date(2022, 1 + i % 12, 1), None, True, True, *(rng.random() < 0.6 for _ in range(4))))
    ctx.copy_rows("consultations_room", ["name", "level", "street_id", "community_id", "opened_on", "renovated_on",
                                         *checks, "address", "contact_name", "contact_phone", "created_at",
                                         "updated_at"],
                  ((*row, "办事处二楼", "韩雪梅", "0371-67000000", now, now) for row in room_rows))
    for row in room_rows:
        seeded.rooms[row[1]] = seeded.rooms.get(row[1], 0) + 1
    rooms_by_street: dict[int, list[int]] = {}
    for pk, street_id in Room.objects.exclude(street=None).order_by("pk").values_list("pk", "street_id"):
        rooms_by_street.setdefault(street_id, []).append(pk)
    district_room = Room.objects.filter(level="district").order_by("pk").values_list("pk", flat=True).first()

    # Supervision projects in every street.
    ctx.copy_rows("consultations_supervisionproject", ["name", "street_id", "owner_unit", "description",
                                                       "created_at"],
                  ((f"{streets[n % len(streets)][1]}{PROJECTS[n % len(PROJECTS)]}项目（{n + 1}）",
                    streets[n % len(streets)][0], UNITS[n % len(UNITS)], "", now) for n in range(projects)))
    seeded.projects = projects
    project_rows = list(SupervisionProject.objects.order_by("pk").values_list("pk", "street_id"))

    # Sessions over the years, the current one in every state (planned ones also ahead of today).
    first = date(FIRST_YEAR, 1, 1)
    last = today + timedelta(days=45)
    span = (last - first).days
    street_names = dict(streets)
    session_meta = []  # (kind, status, date, street_id) in insertion (= pk) order

    def session_rows():
        for n in range(sessions):
            day = first + timedelta(days=rng.randint(0, span))
            kind = _weighted(rng, KIND_MIX)
            status = _session_status(rng, day, today)
            street_id = room_id = project_id = None
            venue = ""
            if kind == "supervision":
                project_id, street_id = project_rows[rng.randrange(len(project_rows))]
                venue = "项目现场"
            elif kind == "grassroots" or rng.random() < 0.3:
                street_id = streets[n % len(streets)][0]
                room_id = rng.choice(rooms_by_street[street_id])
            else:
                room_id = district_room if rng.random() < 0.5 else None
                venue = "" if room_id else "区政协机关会议室"
            title = f"{street_names.get(street_id, '')}{TOPICS[rng.randrange(len(TOPICS))]}协商（{n + 1}）"
            session_meta.append((kind, status, day, street_id))
            key = (kind, status)
            seeded.sessions[key] = seeded.sessions.get(key, 0) + 1
            seeded.years.add(day.year)
            held = status != "planned"
            yield (kind, title, street_id, room_id, venue, project_id, day, rng.randint(8, 40) if held else 0,
                   "区政协副主席、街道党工委书记", "、".join(rng.sample(UNITS, 2)),
                   "会议围绕议题充分协商，形成意见建议。" if held else "", text_pinyin(title), status, officer.pk,
                   now, now)

    ctx.copy_rows("consultations_session", [
        "kind", "title", "street_id", "room_id", "venue", "project_id", "date", "residents_count", "officials",
        "units", "minutes", "search_pinyin", "status", "created_by_id", "created_at", "updated_at"], session_rows())
    session_ids = list(Session.objects.order_by("pk").values_list("pk", flat=True))[-sessions:]
    sessions_meta = list(zip(session_ids, session_meta, strict=True))

    # Timelines: created, then one step per transition reached.
    steps = {"planned": [], "held": [("hold", "planned", "held")],
             "recorded": [("hold", "planned", "held"), ("record", "held", "recorded")],
             "closed": [("hold", "planned", "held"), ("record", "held", "recorded"), ("close", "recorded", "closed")]}

    def session_changes():
        for pk, (_kind, status, day, _street) in sessions_meta:
            at = _moment(day) - timedelta(days=14)
            yield (pk, "create", "planned", "planned", officer.pk, "", at)
            for i, (verb, src, dst) in enumerate(steps[status], start=1):
                yield (pk, verb, src, dst, officer.pk, "", _moment(day) + timedelta(days=2 * (i - 1)))

    ctx.copy_rows("consultations_sessionstatuschange",
                  ["session_id", "verb", "from_status", "to_status", "actor_id", "note", "at"], session_changes())

    # Participants: members of the session's street where there are some (attended once held).
    by_street: dict = {}
    for pk, street_id in members:
        by_street.setdefault(street_id, []).append(pk)
    all_members = [pk for pk, _s in members]

    def participations():
        for pk, (_kind, status, _day, street_id) in sessions_meta:
            pool = by_street.get(street_id) or all_members
            for member_id in rng.sample(pool, min(len(pool), rng.randint(2, 5))):
                attendance = "invited" if status == "planned" else ("attended" if rng.random() < 0.85
                                                                    else rng.choice(["excused", "absent"]))
                seeded.participations += 1
                yield (pk, member_id, attendance)

    ctx.copy_rows("consultations_participation", ["session_id", "member_id", "attendance"], participations())

    # Outcomes of sessions that were held, in every state; the current year's are due around today.
    held = [(pk, meta) for pk, meta in sessions_meta if meta[1] != "planned"]
    weights = [OUTCOME_WEIGHT[meta[0]] for _pk, meta in held]
    picks = sorted(rng.choices(range(len(held)), weights=weights, k=outcomes))
    outcome_meta = []

    def outcome_rows():
        for n, index in enumerate(picks):
            pk, (kind, _status, day, _street) = held[index]
            status = _weighted(rng, CURRENT_OUTCOME_MIX if _recent(day, today) else PAST_OUTCOME_MIX)
            due = day + timedelta(days=rng.randint(20, 120))
            seeded.outcomes[status] = seeded.outcomes.get(status, 0) + 1
            if status in ("open", "implementing"):
                seeded.overdue += due < today
                seeded.due_soon += today <= due <= today + timedelta(days=14)
            outcome_meta.append((status, day))
            yield (pk, f"{SUGGESTIONS[n % len(SUGGESTIONS)]}（{n + 1}）", UNITS[n % len(UNITS)], due, status,
                   rng.random() < 0.9, now, now)

    ctx.copy_rows("consultations_outcome", ["session_id", "text", "responsible", "due_on", "status", "is_public",
                                            "created_at", "updated_at"], outcome_rows())
    from consultations.models import Outcome

    outcome_ids = list(Outcome.objects.order_by("pk").values_list("pk", flat=True))[-outcomes:]
    moves = {"open": [], "implementing": [("start", "open", "implementing")],
             "implemented": [("start", "open", "implementing"), ("implement", "implementing", "implemented")],
             "kept": [("keep", "open", "kept")]}

    def outcome_changes():
        for pk, (status, day) in zip(outcome_ids, outcome_meta, strict=True):
            yield (pk, "create", "open", "open", officer.pk, "", _moment(day))
            for i, (verb, src, dst) in enumerate(moves[status], start=1):
                yield (pk, verb, src, dst, officer.pk, "", _moment(day) + timedelta(days=10 * i))

    ctx.copy_rows("consultations_outcomestatuschange",
                  ["outcome_id", "verb", "from_status", "to_status", "actor_id", "note", "at"], outcome_changes())

    def follow_ups():
        for pk, (status, day) in zip(outcome_ids, outcome_meta, strict=True):
            if status != "open" and pk % 3 == 0:
                seeded.follow_ups += 1
                yield (pk, min(day + timedelta(days=15), today), "责任单位已制定实施方案。", officer.pk, now)

    ctx.copy_rows("consultations_followup", ["outcome_id", "date", "text", "author_id", "created_at"], follow_ups())

    # Topics in every state; scheduled ones point at a session of their street.
    by_session_street: dict = {}
    for pk, (_kind, _status, _day, street_id) in sessions_meta:
        if street_id is not None:
            by_session_street.setdefault(street_id, []).append(pk)

    def topic_rows():
        for n in range(topics):
            street_id = streets[n % len(streets)][0]
            status = _weighted(rng, TOPIC_MIX)
            session_id = rng.choice(by_session_street[street_id]) if status == "scheduled" and \
                by_session_street.get(street_id) else None
            if status == "scheduled" and session_id is None:
                status = "accepted"
            source = TOPIC_SOURCES[n % len(TOPIC_SOURCES)]
            title = f"{street_names[street_id]}{TOPICS[rng.randrange(len(TOPICS))]}（议题{n + 1}）"
            seeded.topics[status] = seeded.topics.get(status, 0) + 1
            member_id = rng.choice(all_members) if source == "member" else None
            yield (title, "居民反映的问题。", text_pinyin(title), source, street_id,
                   "居民" if source == "resident" else "", "", member_id, status,
                   "不属于协商范围" if status == "declined" else "", session_id, now, now)

    ctx.copy_rows("consultations_topic", [
        "title", "description", "search_pinyin", "source", "street_id", "proposer_name", "proposer_contact",
        "member_id", "status", "decline_reason", "session_id", "created_at", "updated_at"], topic_rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consultations_session, consultations_outcome, consultations_participation, "
                       "consultations_topic, consultations_room, consultations_supervisionproject, "
                       "consultations_sessionstatuschange, consultations_outcomestatuschange")
    return seeded


def _moment(day: date) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=9)))


def _recent(day: date, today: date) -> bool:
    """The current year's work, and the last months' across New Year: still in every state."""
    return day.year == today.year or (today - day).days < RECENT_DAYS


def _session_status(rng: random.Random, day: date, today: date) -> str:
    if day > today:
        return "planned"
    if (today - day).days < 7:
        return rng.choice(["planned", "held"])
    if _recent(day, today):
        return rng.choices(["planned", "held", "recorded", "closed"], weights=[5, 15, 30, 50])[0]
    return "closed" if rng.random() < 0.95 else "recorded"


def _communities(streets) -> dict[int, list[tuple[int, str]]]:
    """Two communities per street (created when the street has none)."""
    from members.models import Community

    result = {}
    for street_id, street_name in streets:
        rows = list(Community.objects.filter(street_id=street_id).order_by("pk").values_list("pk", "name")[:2])
        if not rows:
            for n in (1, 2):
                community = Community.objects.create(street_id=street_id, name=f"{street_name[:-2]}第{n}社区")
                rows.append((community.pk, community.name))
        result[street_id] = rows
    return result


def _members(ctx: SeedContext, rng: random.Random, streets) -> list[tuple[int, int | None]]:
    """Serving members (pk, street) to take part: the members scenario's when seeded, else a few of our own."""
    from django.utils import timezone

    from members.models import Member, Party, Sector
    from members.pinyin import name_pinyin, search_text

    rows = list(Member.objects.filter(status="serving").order_by("pk").values_list("pk", "street_id"))
    if len(rows) >= 100:
        return rows
    parties = list(Party.objects.values_list("pk", flat=True))
    sectors = list(Sector.objects.values_list("pk", flat=True))
    now = timezone.now()

    def member_rows():
        for i in range(ctx.size(small=300, full=1_000)):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            pinyin, initials = name_pinyin(name)
            yield (name, pinyin, initials, "male" if i % 2 else "female", "汉族", rng.choice(parties),
                   rng.choice(sectors), "", "委员", False, streets[i % len(streets)][0], "serving", "",
                   search_text(name=name, pinyin=pinyin, initials=initials), "", "", "", "", "", now, now)

    ctx.copy_rows("members_member", [
        "name", "name_pinyin", "name_initials", "gender", "ethnic_group", "party_id", "sector_id", "employer",
        "job_title", "is_standing_committee", "street_id", "status", "photo", "search_text", "id_number_encrypted",
        "id_number_masked", "mobile_encrypted", "mobile_hash", "mobile_masked", "created_at", "updated_at"],
        member_rows())
    return list(Member.objects.filter(status="serving").order_by("pk").values_list("pk", "street_id"))


# --- Measure -------------------------------------------------------------------------------------------------


def queries_of(fn, marker: str = "consultations_") -> list[tuple[str, list]]:
    """The SQL (with parameters) a read runs, to replay it raw as the database floor."""
    from django.db import connection

    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        fn()
    return [(sql, params) for sql, params in captured if marker in sql]


def page_queries(username: str, path: str):
    """A callable rendering `path` in-process as `username` (for its SQL)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.harness import second_factor

    user = get_user_model().objects.get(username=username)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="zhongyuan_cppcc.accounts.backends.AccountBackend")
    session = client.session
    second_factor(session, user)
    session.save()

    def run():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    return run


def measure(ctx: MeasureContext) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from consultations.models import Outcome, Room, Session

    year = timezone.localdate().year
    n_sessions, n_outcomes = Session.objects.count(), Outcome.objects.count()
    print(f"consultations: {n_sessions:,} sessions, {n_outcomes:,} outcomes", flush=True)

    def page(label: str, path: str, user: str) -> None:
        ctx.page(f"consultations: {label}", path, user=user, raw_sql=queries_of(page_queries(user, path)))

    page(f"session list ?year={year - 1}&kind=grassroots&status=closed",
         f"/consultations/?year={year - 1}&kind=grassroots&status=closed", OFFICER)
    page("session list, page 1 unfiltered", "/consultations/", OFFICER)
    page("session list, search '消防'", "/consultations/?q=%E6%B6%88%E9%98%B2", OFFICER)
    paths = ["/consultations/?per_page=10", "/consultations/?per_page=100&page=3"]
    _warm(ctx, paths, OFFICER)
    ctx.query_count_stable("consultations: session list query count, 10 vs 100 per page", paths, user=OFFICER)

    page("street officer's session list (own street)", "/consultations/", STREET_OFFICER)
    page(f"street officer's list ?year={year}", f"/consultations/?year={year}", STREET_OFFICER)
    street_id = get_user_model().objects.get(username=STREET_OFFICER).consultation_street.street_id
    room = Room.objects.filter(street_id=street_id, level="street").order_by("pk").first()
    page("street room page (street officer)", f"/consultations/rooms/{room.pk}/", STREET_OFFICER)

    page(f"outcome list ?year={year}&status=open", f"/consultations/outcomes/?year={year}&status=open", OFFICER)
    page("outcome list ?overdue=yes", "/consultations/outcomes/?overdue=yes", OFFICER)
    page("outcome list, page 1 unfiltered", "/consultations/outcomes/", OFFICER)
    paths = ["/consultations/outcomes/?per_page=10", "/consultations/outcomes/?per_page=100&page=3"]
    _warm(ctx, paths, OFFICER)
    ctx.query_count_stable("consultations: outcome list query count, 10 vs 100 per page", paths, user=OFFICER)

    measure_panel(ctx, year)


def measure_panel(ctx: MeasureContext, year: int) -> None:
    """The dashboard's consultation panel, in-process as a leader: median time, queries, raw-SQL floor."""
    from django.contrib.auth import get_user_model

    from consultations.panels import dashboard_panels
    from zhongyuan_cppcc.dashboard.scope import DashboardScope

    leader = get_user_model().objects.get(username=LEADER)
    timings = []
    for i in range(12):
        user = get_user_model().objects.get(pk=leader.pk)  # a fresh user: no cached permissions or scope
        started = time.perf_counter()
        panels = dashboard_panels(user, year, DashboardScope())
        if i >= 2:
            timings.append((time.perf_counter() - started) * 1000)
    fresh = get_user_model().objects.get(pk=leader.pk)
    statements = queries_of(lambda: dashboard_panels(fresh, year, DashboardScope()), "")
    panel_sql = [s for s in statements if "consultations_" in s[0] or "members_street" in s[0]]
    floor = raw_sql_median(panel_sql)
    median = statistics.median(timings)
    ctx.record(f"consultations: dashboard panel {year} (in-process, leader, median ms)", median, "ms",
               queries=len(statements), raw_sql=f"{floor:.2f} ms", ratio_sql=f"x{median / floor:.1f}",
               figures=sum(len(p.figures) for p in panels))


def _warm(ctx: MeasureContext, paths: list[str], user: str) -> None:
    """See members._warm: the idle-timeout refresh must not fall on one of the compared pages."""
    for path in paths:
        ctx.get(path, user)
