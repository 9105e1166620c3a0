"""Demo data of the members module (invented names, deterministic).

The 10th term (2022–2026) with its plenary sessions, the communities of the 14 streets, ~40 handling
units with officer accounts, 250 members with accounts, plenary and standing-committee meetings with
attendance, staff visits to members outside the CPC (130 in 2023) and some study, research and
contribution activities. `members.demo_evaluation` runs after every other app's demo data and
settles the 2023 evaluation.
"""

import random
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from .models import (
    AttendanceStatus,
    Community,
    HandlingUnit,
    LedgerKind,
    MeetingKind,
    Member,
    MemberStatus,
    Party,
    PersonalDataClearance,
    PlenarySession,
    Sector,
    SpecialCommittee,
    Street,
    Term,
    UnitKind,
    Visit,
)
from .personal_data import id_check_char
from .services import activity_create, meeting_create, meeting_record_attendance, member_create, visit_record

SEED = 20240226
DEMO_MEMBER_NAME = "王明远"

# (number, opens, closes, proposals accepted from); the proposal window ends when the session closes.
SESSIONS = [
    (1, date(2022, 1, 5), date(2022, 1, 8), date(2021, 12, 6)),
    (2, date(2023, 2, 20), date(2023, 2, 23), date(2023, 1, 9)),
    (3, date(2024, 2, 26), date(2024, 2, 29), date(2024, 1, 15)),
    (4, date(2025, 2, 24), date(2025, 2, 27), date(2025, 1, 13)),
    (5, date(2026, 2, 23), date(2026, 2, 26), date(2026, 1, 12)),
]
STANDING_MEETINGS = {
    2022: [date(2022, 3, 15), date(2022, 6, 21), date(2022, 9, 20), date(2022, 12, 13)],
    2023: [date(2023, 1, 10), date(2023, 4, 18), date(2023, 6, 20), date(2023, 8, 29), date(2023, 10, 24),
           date(2023, 12, 19)],
    2024: [date(2024, 1, 16), date(2024, 4, 23)],
}
COMMUNITIES = {
    "林山寨街道": ["百花社区", "嵩山社区", "伊河社区", "绿城社区", "友爱社区"],
    "建设路街道": ["工人新村社区", "锦华社区", "友谊社区", "伏牛社区"],
    "棉纺路街道": ["棉纺东社区", "棉纺西社区", "纺织新村社区", "秦岭社区"],
    "秦岭路街道": ["五棉社区", "电厂社区", "华山社区", "颍河社区"],
    "桐柏路街道": ["桐柏社区", "工学院社区", "汝河新区社区", "冉屯社区"],
    "三官庙街道": ["三官庙社区", "陇海社区", "兴华社区", "中州社区"],
    "绿东村街道": ["绿东社区", "华北社区", "互助路社区", "文化宫社区", "碧沙岗社区"],
    "汝河路街道": ["汝河社区", "冉屯北社区", "淮河社区", "大学城社区"],
    "中原西路街道": ["西站社区", "中原新城社区", "凯旋社区", "锦艺社区"],
    "须水街道": ["须水社区", "岗坡社区", "白寨社区", "西岗社区"],
    "西流湖街道": ["西流湖社区", "孙庄社区", "小岗刘社区", "陈伍寨社区"],
    "航海西路街道": ["航海社区", "郑上路社区", "二砂社区", "东方社区"],
    "莲湖街道": ["莲湖社区", "常庄社区", "柳湖社区", "西湖社区"],
    "月湖街道": ["月湖社区", "闫垌社区", "湖畔社区", "沟赵社区"],
}
DEPARTMENTS = [
    "区发展和改革委员会", "区教育局", "区科学技术局", "区工业和信息化局", "区民政局", "区司法局", "区财政局",
    "区人力资源和社会保障局", "区住房和城乡建设局", "区城市管理局", "区交通运输局", "区农业农村局", "区商务局",
    "区文化广电和旅游局", "区卫生健康委员会", "区退役军人事务局", "区应急管理局", "区审计局",
    "区市场监督管理局", "区统计局", "区医疗保障局", "区体育局", "区生态环境分局", "区自然资源和规划分局",
    "区公安分局", "区税务局",
]
EDUCATION_UNIT = "区教育局"

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
            "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万严武戴")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲梅鹏飞辉建国宁欣悦宇航晨曦瑞雪嘉怡"
         "思远志远文博浩然子涵雨萱俊杰晓东海燕立新振宇佳琪梦瑶雅婷锦程一鸣书瑶若溪泽宇景行清和安然")
AVOID_NAMES = {"刘守斌"}  # the real chair named in the source document
REGIONS = ["410102", "410103", "410104", "410105", "410122", "410181", "410182", "410183", "410184",
           "410185", "410302", "410402", "410502", "410702", "410802", "411102", "411302", "411402"]

# party short name -> count; then (sector, count) per group of parties
PARTY_COUNTS = {"中共": 95, "民革": 12, "民盟": 20, "民建": 18, "民进": 16, "农工党": 14, "致公党": 8,
                "九三学社": 14, "台盟": 3, "无党派": 50}
SECTORS_CPC = [("中国共产党", 30), ("共青团", 5), ("工会", 6), ("妇联", 6), ("经济界", 10), ("教育界", 8),
               ("医药卫生界", 6), ("科技界", 5), ("文化艺术界", 4), ("农业界", 3), ("社会福利和社会保障界", 4),
               ("体育界", 2), ("新闻出版界", 3), ("特邀人士", 3)]
SECTORS_DEMOCRATIC = [("民主党派", 40), ("教育界", 15), ("医药卫生界", 15), ("科技界", 12), ("经济界", 10),
                      ("文化艺术界", 7), ("新闻出版界", 3), ("特邀人士", 3)]
SECTORS_NONPARTY = [("无党派人士", 12), ("工商联", 14), ("新的社会阶层人士", 10), ("民族宗教界", 4), ("经济界", 6),
                    ("特邀人士", 4)]
EMPLOYERS = {
    "教育界": [("郑州市中原区实验中学", "教师"), ("中原区第二实验小学", "副校长"), ("郑州市第五十七中学", "教研组长"),
             ("中原区伏牛路幼儿园", "园长"), ("郑州职业技术学院", "副教授")],
    "医药卫生界": [("中原区人民医院", "主任医师"), ("中原区妇幼保健院", "副院长"), ("郑州市第九人民医院", "副主任医师"),
               ("中原区疾病预防控制中心", "科长"), ("棉纺路社区卫生服务中心", "主任")],
    "科技界": [("郑州智联信息技术有限公司", "总工程师"), ("中原区科技企业孵化器", "主任"),
             ("河南中纺新材料研究院", "研究员"), ("郑州数创软件有限公司", "技术总监")],
    "经济界": [("郑州锦华置业有限公司", "董事长"), ("中原区城市建设投资有限公司", "总经理"),
             ("郑州西站物流园有限公司", "总经理"), ("河南绿城商贸有限公司", "副总经理"),
             ("中原区农村信用合作联社", "行长")],
    "工商联": [("郑州华信建材有限公司", "董事长"), ("中原区餐饮行业协会", "会长"), ("郑州嵩岳食品有限公司", "总经理"),
            ("河南桐柏电子商务有限公司", "执行董事")],
    "新的社会阶层人士": [("河南正衡律师事务所", "合伙人"), ("郑州明远会计师事务所", "所长"),
                  ("中原区新媒体从业者联谊会", "会长"), ("郑州拾光文化传媒有限公司", "创始人")],
    "文化艺术界": [("中原区文化馆", "馆长"), ("郑州市豫剧院", "国家一级演员"), ("中原区书法家协会", "主席")],
    "新闻出版界": [("中原区融媒体中心", "主任"), ("郑州日报社中原分社", "记者")],
}
GENERIC_EMPLOYERS = [("中原区人民政府办公室", "副主任"), ("中原区总工会", "副主席"), ("中原区妇女联合会", "主席"),
                     ("共青团中原区委员会", "书记"), ("中原区残疾人联合会", "理事长"), ("中原区体育运动学校", "校长"),
                     ("中原区农业技术推广站", "站长"), ("中原区民族宗教事务中心", "主任"), ("须水街道办事处", "副主任"),
                     ("中原区政协机关", "副主席")]
VISIT_PURPOSES = ["了解委员企业生产经营情况", "听取委员对政协工作的意见建议", "走访慰问党外委员",
                  "征求年度协商计划意见", "了解委员履职困难和需求", "通报区政协重点工作"]
VISITORS = ["区政协委员联络室 周文博、孟佳", "区政协副主席 何立新 及委员联络室", "区政协秘书长 韩清和",
            "区政协委员联络室 孟佳、石安然"]
STAFF_ACTIVITIES = [
    (LedgerKind.STUDY, "session", "“书香政协”读书分享会"),
    (LedgerKind.STUDY, "lecture", "政协提案和社情民意信息撰写专题讲座"),
    (LedgerKind.RESEARCH, "research", "科技服务业发展专题调研"),
    (LedgerKind.RESEARCH, "inspection", "重点项目建设视察"),
    (LedgerKind.VISIT, "enterprise", "“万人助万企”走访委员企业"),
    (LedgerKind.CONTRIBUTION, "volunteer", "社区志愿服务"),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def load(*, stdout=None) -> None:
    rng = random.Random(SEED)
    officer = get_user_model().objects.filter(username="demo-member-officer").first()
    term = _term_and_sessions()
    _communities()
    _handling_units(rng)
    members = _members(rng, term, officer)
    _meetings(rng, term, members, officer)
    _visits(rng, members, officer)
    _activities(rng, members, officer)
    if officer is not None:
        # The demo member-affairs officer may reveal full ID numbers (a clearance for named accounts).
        PersonalDataClearance.objects.get_or_create(user=officer, defaults={"reason": "演示：委员信息核对"})
    analyze_tables()
    _say(stdout, f"  members: {len(members)} members, {HandlingUnit.objects.count()} handling units, "
                 f"{Visit.objects.filter(date__year=2023).count()} visits in 2023\n")


def analyze_tables() -> None:
    """Refresh planner statistics after a bulk load (PostgreSQL), so scores are computed with hash
    joins rather than nested loops chosen for tables the planner still thinks are empty."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE members_member, members_termmembership, members_ledgerevent, members_ledgerrule")
    from .scoring import store_all_scores

    store_all_scores()


def _term_and_sessions() -> Term:
    term, _created = Term.objects.get_or_create(number=10, defaults={"starts_on": date(2022, 1, 1),
                                                                     "ends_on": date(2026, 12, 31)})
    for number, opens, closes, window_opens in SESSIONS:
        PlenarySession.objects.get_or_create(term=term, number=number, defaults={
            "opens_on": opens, "closes_on": closes, "proposals_open_on": window_opens,
            "proposals_close_on": closes})
    return term


def _communities() -> None:
    for street in Street.objects.all():
        for name in COMMUNITIES.get(street.name, []):
            Community.objects.get_or_create(street=street, name=name)


def _password_hash() -> str:
    return make_password(settings.DEMO_PASSWORD)


def _account(username: str, full_name: str, role: str, password_hash: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={
        "full_name": full_name, "email": f"{username}@demo.zycppcc.local", "password": password_hash,
        "password_changed_at": timezone.now()})
    if created:
        user.groups.add(Group.objects.get(name=role))
    return user


def _handling_units(rng: random.Random) -> None:
    password_hash = _password_hash()
    names = _name_source(random.Random(SEED + 1))
    units = [(name, UnitKind.DEPARTMENT, None) for name in DEPARTMENTS]
    units += [(f"{street.name}办事处", UnitKind.STREET_OFFICE, street) for street in Street.objects.all()]
    for order, (name, kind, street) in enumerate(units, start=1):
        unit, _created = HandlingUnit.objects.get_or_create(name=name, defaults={
            "kind": kind, "street": street, "order": order,
            "contact_phone": f"0371-6{rng.randint(100, 999)}{rng.randint(1000, 9999)}"})
        officer = _account(f"unit-{order}-officer", next(names), "handler", password_hash)
        unit.officers.add(officer)
        if name == EDUCATION_UNIT:
            handler = get_user_model().objects.filter(username="demo-handler").first()
            if handler is not None:
                unit.officers.add(handler)


def _name_source(rng: random.Random):
    used = set(AVOID_NAMES) | {DEMO_MEMBER_NAME}
    used |= set(get_user_model().objects.exclude(full_name="").values_list("full_name", flat=True))
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in used:
            used.add(name)
            yield name


def _id_number(rng: random.Random, birth: date, male: bool, used: set[str]) -> str:
    while True:
        sequence = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
        first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{sequence:03d}"
        number = first17 + id_check_char(first17)
        if number not in used:
            used.add(number)
            return number


def _expand(pairs) -> list[str]:
    return [name for name, count in pairs for _ in range(count)]


def _members(rng: random.Random, term: Term, officer) -> list[Member]:
    if Member.objects.exists():
        return list(Member.objects.order_by("pk"))
    parties = {p.short_name or p.name: p for p in Party.objects.all()}
    sectors = {s.name: s for s in Sector.objects.all()}
    streets = list(Street.objects.all())
    committees = list(SpecialCommittee.objects.all())
    by_name = {c.name: c for c in committees}
    plan: list[tuple[str, str]] = []
    cpc_sectors = _expand(SECTORS_CPC)
    democratic_sectors = _expand(SECTORS_DEMOCRATIC)
    nonparty_sectors = _expand(SECTORS_NONPARTY)
    rng.shuffle(cpc_sectors)
    rng.shuffle(democratic_sectors)
    rng.shuffle(nonparty_sectors)
    for party, count in PARTY_COUNTS.items():
        for _ in range(count):
            pool = cpc_sectors if party == "中共" else nonparty_sectors if party == "无党派" else democratic_sectors
            plan.append((party, pool.pop()))
    rng.shuffle(plan)
    # The demo member's own record: 民盟, education, Linshanzhai street.
    demo_index = next(i for i, (party, sector) in enumerate(plan) if party == "民盟" and sector == "教育界")
    names = _name_source(rng)
    used_ids: set[str] = set()
    password_hash = _password_hash()
    demo_user = get_user_model().objects.filter(username="demo-member").first()
    standing = set(rng.sample(range(len(plan)), 40)) - {demo_index}
    members = []
    for index, (party, sector) in enumerate(plan):
        is_demo = index == demo_index
        male = rng.random() < 0.62
        name = DEMO_MEMBER_NAME if is_demo else next(names)
        if is_demo:
            male = True
        birth = date(rng.randint(1962, 1990), rng.randint(1, 12), rng.randint(1, 28))
        employer, title = rng.choice(EMPLOYERS.get(sector, GENERIC_EMPLOYERS))
        if is_demo:
            employer, title = "郑州市中原区实验中学", "副校长"
        if is_demo:
            user = demo_user
        else:
            user = _account(f"member-{index + 1:03d}", name, "member", password_hash)
        status = MemberStatus.SERVING
        if index in (17, 88, 160):
            status = MemberStatus.RESIGNED
        elif index == 211:
            status = MemberStatus.DECEASED
        chosen_committees = rng.sample(committees, k=rng.choice((0, 1, 1, 1, 2)))
        if is_demo:
            chosen_committees = [by_name["科教文卫体委员会"]]
        member = member_create(
            name=name, party=parties[party], sector=sectors[sector],
            id_number=_id_number(rng, birth, male, used_ids),
            mobile=f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
            ethnic_group=rng.choices(["汉族", "回族", "满族", "蒙古族"], weights=[92, 5, 2, 1])[0],
            employer=employer, job_title=title, is_standing_committee=index in standing,
            street=streets[0] if is_demo else rng.choice(streets), status=status, terms=[term],
            special_committees=chosen_committees, user=user, actor=officer,
        )
        members.append(member)
    return members


def _attendance(rng: random.Random, members, weights) -> dict[int, str]:
    statuses = [AttendanceStatus.ATTENDED, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT]
    return {m.pk: rng.choices(statuses, weights=weights)[0] for m in members}


def _meetings(rng: random.Random, term: Term, members, officer) -> None:
    from .models import Meeting
    from .services import meeting_eligible_members

    if Meeting.objects.exists():
        return
    today = timezone.localdate()
    for session in PlenarySession.objects.filter(term=term, opens_on__lte=min(today, date(2024, 12, 31))):
        meeting = meeting_create(kind=MeetingKind.PLENARY, title=f"{session}开幕大会", date=session.opens_on,
                                 term=term, plenary_session=session, location="中原区会议中心", actor=officer)
        expected = list(meeting_eligible_members(meeting))
        meeting_record_attendance(meeting=meeting, statuses=_attendance(rng, expected, (95, 4, 1)),
                                  actor=officer)
    for year, dates in STANDING_MEETINGS.items():
        for number, day in enumerate(dates, start=1):
            if day > today:
                continue
            meeting = meeting_create(kind=MeetingKind.STANDING, title=f"{year}年第{number}次常委会议", date=day,
                                     term=term, location="区政协常委会议室", actor=officer)
            expected = list(meeting_eligible_members(meeting))
            meeting_record_attendance(meeting=meeting, statuses=_attendance(rng, expected, (90, 8, 2)),
                                      actor=officer)


def _visits(rng: random.Random, members, officer) -> None:
    if Visit.objects.exists():
        return
    outside = [m for m in members if not m.party.is_cpc and m.status == MemberStatus.SERVING]
    for year, count in ((2022, 96), (2023, 130), (2024, 38)):
        for _ in range(count):
            day = date(year, 1, 1) + timedelta(days=rng.randint(0, 364 if year != 2024 else 150))
            visit_record(member=rng.choice(outside), date=day, visitors=rng.choice(VISITORS),
                         purpose=rng.choice(VISIT_PURPOSES), actor=officer)


def _activities(rng: random.Random, members, officer) -> None:
    from .models import Activity

    if Activity.objects.exists():
        return
    serving = [m for m in members if m.status == MemberStatus.SERVING]
    for year, per_kind in ((2022, 2), (2023, 1), (2024, 1)):
        for kind, subkind, title in STAFF_ACTIVITIES:
            for number in range(per_kind):
                day = date(year, rng.randint(3, 11 if year != 2024 else 5), rng.randint(1, 28))
                participants = rng.sample(serving, k=rng.randint(12, 40))
                activity_create(kind=kind, subkind=subkind, title=f"{year}年{title}（第{number + 1}期）", date=day,
                                participants=participants, actor=officer)
