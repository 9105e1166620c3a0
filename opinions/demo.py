"""Demo data of the opinion-report module, replayed through the real services.

2023 reproduces the work report exactly: 294 reports collected, 6 bulletin issues, 205 reported upward, 137
adopted by the city CPPCC, 103 forwarded to the province or above, 1 adopted nationally, 4 instructed by the
district Party secretary and 14 by the district head. Every year from 2024 to last year is a smaller closed
year; the current year has reports in every state (including the demo member's and the demo correspondent's
own). Names are invented.
Past years notify nobody (services.quiet()).
"""

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from members.models import Member, Sector, Street

from . import services
from .models import OpinionReport

SEED = 20230294
CORRESPONDENTS = ["韩晓梅", "程立新", "宋雨桐", "郝建军", "蒋文静", "邵志刚", "曹佳怡", "袁博远", "谭思远", "范玉兰",
                  "邓俊杰", "覃晓光"]
TOPICS = ["老旧小区加装电梯", "背街小巷环境整治", "社区居家养老服务", "中小学课后服务", "农贸市场升级改造",
          "停车位供需矛盾", "电动自行车充电安全", "口袋公园建设", "社区卫生服务中心建设", "餐饮油烟扰民",
          "二次供水设施改造",
          "雨污分流改造", "小微企业融资难", "高校毕业生就业服务", "非遗保护传承", "垃圾分类长效管理", "物业服务质量",
          "独居老人安全守护", "婴幼儿托育服务", "夜间经济发展"]
CITY_BULLETIN_DATES = [(2, 20), (4, 20), (6, 20), (8, 21), (10, 20), (12, 15)]


class Plan:
    def __init__(self, rng: random.Random):
        self.rng = rng
        User = get_user_model()
        self.officer = User.objects.get(username="demo-opinion-officer")
        members = list(Member.objects.filter(user__isnull=False, status="serving").select_related("user")
                       .order_by("pk")[:40])
        self.correspondents = [self._correspondent(n, name) for n, name in enumerate(CORRESPONDENTS, start=1)]
        self.authors = [m.user for m in members] + self.correspondents
        self.streets = list(Street.objects.all()) or [None]
        self.sectors = list(Sector.objects.all()) or [None]

    def _correspondent(self, n: int, name: str):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=f"correspondent-{n:02d}", defaults={
            "full_name": name, "email": f"correspondent-{n:02d}@demo.zycppcc.local",
            "password": make_password(settings.DEMO_PASSWORD), "password_changed_at": timezone.now()})
        if created:
            user.groups.add(Group.objects.get(name="correspondent"))
        return user

    def report(self, i: int, *, author=None, when: datetime | None = None, submit: bool = True) -> OpinionReport:
        topic = TOPICS[i % len(TOPICS)]
        street = self.streets[i % len(self.streets)]
        author = author or self.authors[i % len(self.authors)]
        place = street.name if street else "辖区"
        report = services.report_create(
            author=author, title=f"{place}{topic}问题亟待解决", category=services.Category.values[i % 7],
            situation=f"近期走访发现，{place}{topic}方面群众反映较多，涉及居民约{200 + i % 50 * 10}户。",
            analysis=f"主要原因是相关部门统筹不够、资金保障不足，{topic}的长效机制尚未建立。",
            suggestion=f"一是加强统筹协调；二是加大资金投入；三是建立{topic}长效管理机制，定期评估成效。",
            source_street=street, source_sector=self.sectors[i % len(self.sectors)] if i % 4 == 0 else None)
        if submit:
            services.report_submit(report=report, actor=author, at=when)
        return report


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _year(plan: Plan, year: int, *, collected: int, adopted: int, bulletins: list[tuple[int, int]],
          per_bulletin: int, reported: int, city: int, forwarded: int, national: int, secretary: int,
          head: int) -> None:
    """One closed year, with exactly the given figures."""
    start, span = date(year, 1, 5), 300
    reports = []
    for i in range(collected):
        submitted = start + timedelta(days=i * span // collected)
        report = plan.report(i, when=_at(submitted))
        if i < adopted:
            services.report_adopt(report=report, actor=plan.officer, at=_at(submitted + timedelta(days=3)))
        else:
            services.report_keep(report=report, actor=plan.officer, reason="内容与已录用信息重复，留存备查",
                                 at=_at(submitted + timedelta(days=3)))
        reports.append((report, submitted))
    # Bulletins: each issue takes reports adopted well before its date.
    for k, (month, day) in enumerate(bulletins):
        published_on = date(year, month, day)
        chosen = [r for r, when in reports[k * 40:k * 40 + per_bulletin] if when < published_on - timedelta(days=5)]
        bulletin = services.bulletin_create(actor=plan.officer)
        services.bulletin_set_reports(bulletin=bulletin, actor=plan.officer, report_ids=[r.pk for r in chosen])
        services.bulletin_publish(bulletin=bulletin, actor=plan.officer, published_on=published_on)
    # Reported upward monthly: the first `reported` adopted reports.
    upward = reports[:reported]
    batch_day = {}
    for month in sorted({when.month for _r, when in upward}):
        ids = [r.pk for r, when in upward if when.month == month]
        sent_on = min(date(year, month, 28) + timedelta(days=5), date(year, 12, 31))
        services.batch_create(actor=plan.officer, sent_on=sent_on, channel="郑州市政协社情民意信息报送系统",
                              document_number=f"中政协信〔{year}〕{month}号", report_ids=ids)
        batch_day[month] = sent_on
    # City adoptions: two of every three reported reports; the first six in two combined reports.
    city_reports = [(r, when) for n, (r, when) in enumerate(upward) if n % 3 != 2][:city]
    adopted_city = []
    n = 0
    while n < len(city_reports):
        report, when = city_reports[n]
        day = min(batch_day[when.month] + timedelta(days=20), date(year, 12, 31))
        if n < 6 and len(city_reports) >= 6:
            sources = [r.pk for r, _w in city_reports[n + 1:n + 3]]
            services.outcome_record(report=report, actor=plan.officer, level="city", kind="combined", day=day,
                                    combined_title=f"关于{TOPICS[n % len(TOPICS)]}的综合建议", combined_with=sources)
            adopted_city += [(r, day) for r, _w in city_reports[n:n + 3]]
            n += 3
            continue
        services.outcome_record(report=report, actor=plan.officer, level="city", kind="alone", day=day)
        adopted_city.append((report, day))
        n += 1
    for report, day in adopted_city[:forwarded]:
        services.outcome_record(report=report, actor=plan.officer, level="province", kind="forwarded",
                                day=min(day + timedelta(days=10), date(year, 12, 31)), forwarded_to="河南省政协办公厅")
    for report, day in adopted_city[:national]:
        services.outcome_record(report=report, actor=plan.officer, level="national", kind="alone",
                                day=min(day + timedelta(days=30), date(year, 12, 31)))
    for n, (report, day) in enumerate(adopted_city[:secretary + head]):
        title = "district_secretary" if n < secretary else "district_head"
        services.instruction_record(report=report, actor=plan.officer, leader_title=title, level="district",
                                    day=min(day + timedelta(days=15), date(year, 12, 31)),
                                    text="请相关部门认真研究，提出解决措施，抓好落实。")


def _current_year(plan: Plan) -> None:
    """Reports of this year in every state; the demo accounts' own among them (notifications in the app)."""
    User = get_user_model()
    demo_member = User.objects.filter(username="demo-member").first()
    demo_correspondent = User.objects.filter(username="demo-correspondent").first()
    mine = [u for u in (demo_member, demo_correspondent) if u is not None]
    today = timezone.localdate()
    start = 1000
    for n, author in enumerate(mine):
        plan.report(start + n, author=author, submit=False)  # a draft each
    states = ["submitted", "submitted", "screening", "screening", "adopted", "adopted", "adopted", "kept", "returned",
              "returned"]
    adopted = []
    for n, state in enumerate(states):
        author = mine[n % len(mine)] if mine and n < 6 else None
        report = plan.report(start + 10 + n, author=author)
        if state == "screening":
            services.report_start_screening(report=report, actor=plan.officer)
        elif state == "adopted":
            services.report_adopt(report=report, actor=plan.officer)
            adopted.append(report)
        elif state == "kept":
            services.report_keep(report=report, actor=plan.officer, reason="情况已在其他信息中反映，留存备查")
        elif state == "returned":
            services.report_return(report=report, actor=plan.officer, reason="请补充具体数据和涉及范围")
    if adopted:
        services.outcome_record(report=adopted[0], actor=plan.officer, level="city", kind="alone", day=today)
        services.instruction_record(report=adopted[0], actor=plan.officer, leader_title="district_head",
                                    level="district", day=today, text="请区城管局牵头研究解决。")
        bulletin = services.bulletin_create(actor=plan.officer)
        services.bulletin_set_reports(bulletin=bulletin, actor=plan.officer, report_ids=[adopted[1].pk])


def load(*, stdout=None, recent: bool = False) -> None:
    """The work report's 2023, the smaller closed years after it and the running year; with `recent`
    (load_demo --recent), only the year before the running one and the running year."""
    today = timezone.localdate()
    plan = Plan(random.Random(SEED))
    with services.quiet():
        if not recent:
            _year(plan, 2023, collected=294, adopted=240, bulletins=CITY_BULLETIN_DATES, per_bulletin=5,
                  reported=205, city=137, forwarded=103, national=1, secretary=4, head=14)
        # Every year between 2023 and this one is a smaller closed year (on 1 January the previous year is
        # complete, whichever year the demo is loaded in).
        for year in range(today.year - 1 if recent else 2024, today.year):
            _year(plan, year, collected=60, adopted=45, bulletins=[(5, 20), (11, 20)], per_bulletin=4,
                  reported=30, city=18, forwarded=8, national=0, secretary=1, head=2)
    if today.year > 2023:
        _current_year(plan)
    if stdout is not None:
        stdout.write(f"  opinions: {OpinionReport.objects.count()} reports\n")
