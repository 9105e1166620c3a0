"""Demo data of the consultations module (invented names, deterministic), replayed through the services.

- 2023 exactly as the work report: the 14 streets each with a room (3 renovated in 2023), 46 grassroots
  有事好商量 sessions on topics such as 小区消防安全, 楼道杂物堆积处理, 电动充电桩管理, 老旧小区电梯加装;
  2 专题协商 with 33 suggestions; 3 常委会协商 with 61; 6 专委会对口协商 with 21; 37 supervision visits to 27
  projects in the 14 streets with 20 suggestions. Everything closed.
- 2024 and 2025: a smaller, closed year each.
- The current year, relative to today: every session, topic and outcome state, outcomes due soon and overdue,
  one outcome converted into a proposal draft for demo-member, and a street officer (demo-street-officer).
"""

import random
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from members.models import Community, Member, MemberStatus, Street
from zhongyuan_cppcc.workflow.errors import DomainError

from . import services
from .models import Attendance, OfficerStreet, Room, RoomLevel, Session, SessionKind, Topic, TopicSource
from .workflow import OutcomeVerb

SEED = 20231231

# 2023 figures of the work report.
GRASSROOTS_2023 = 46
THEMATIC_2023 = [17, 16]  # 33 suggestions
STANDING_2023 = [21, 20, 20]  # 61 suggestions (more than 60)
COMMITTEE_2023 = [4, 4, 4, 3, 3, 3]  # 21 suggestions (more than 20)
PROJECTS_2023 = 27
VISITS_2023 = 37
VISIT_SUGGESTIONS_2023 = 20
RENOVATED_2023 = 3

TOPICS = ["小区消防安全", "楼道杂物堆积处理", "电动充电桩管理", "老旧小区电梯加装", "背街小巷环境整治",
          "社区养老服务", "小区停车难", "垃圾分类推进", "物业服务管理", "学校周边交通安全", "社区便民市场",
          "健身场地建设"]
SUGGESTIONS = ["增设消防通道标识并定期巡查", "组织居民集中清理楼道杂物", "在小区内规划集中充电区域",
               "统筹推进老旧小区加装电梯", "完善背街小巷路灯和排水设施", "建设社区老年助餐点",
               "挖潜增设夜间共享停车位", "加强垃圾分类督导员配备", "建立物业服务评价机制",
               "在学校门口设置护学岗", "规范便民市场经营秩序", "利用边角地建设口袋公园"]
UNITS = ["区住建局", "区城管局", "区应急管理局", "区民政局", "区教育局", "区市场监管局", "区交警大队", "街道办事处",
         "社区居委会", "区发改委"]
THEMES = ["推进老旧小区改造提质", "优化营商环境", "加快城市更新", "发展社区养老服务", "提升基层治理水平",
          "促进文旅融合发展", "推动数字经济发展", "加强生态环境保护", "办好民生实事", "提升教育质量",
          "完善公共卫生体系", "做好稳就业工作"]
PROJECTS = ["老旧小区综合改造", "背街小巷提质", "口袋公园建设", "社区养老服务中心", "农贸市场升级",
            "雨污分流改造", "学校扩建", "便民服务中心建设", "道路综合整治", "城中村改造安置", "智慧社区建设"]
CONTACTS = ["韩雪梅", "潘志刚", "曹丽娟", "邓海波", "许文静", "傅建平", "沈秋菊", "彭立新", "吕晓燕", "蒋国栋",
            "蔡玉兰", "丁文斌", "魏春霞", "薛宏伟"]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


class Demo:
    def __init__(self, rng: random.Random, actor, today: date) -> None:
        self.rng, self.actor, self.today = rng, actor, today
        self.streets = list(Street.objects.order_by("order"))
        serving = Member.objects.filter(status=MemberStatus.SERVING).order_by("pk")
        self.members = list(serving)
        self.by_street = {s.pk: [m for m in self.members if m.street_id == s.pk] for s in self.streets}
        self.standing = [m for m in self.members if m.is_standing_committee] or self.members
        self.rooms: dict[int, Room] = {}

    def pick(self, pool, k: int) -> list:
        pool = pool or self.members
        return self.rng.sample(pool, min(k, len(pool)))

    # --- Rooms, projects ---------------------------------------------------------------------------------

    def rooms_and_coverage(self) -> None:
        services.room_save(actor=self.actor, name="中原区政协协商议事厅", level=RoomLevel.DISTRICT, street=None,
                           address="中原区政协机关三楼", opened_on=date(2021, 3, 1), contact_name="孙丽华",
                           **{name: True for name in _checklist()})
        renovated = set(self.rng.sample(range(len(self.streets)), RENOVATED_2023))
        for i, street in enumerate(self.streets):
            checks = {name: (self.rng.random() < 0.85) for name in _checklist()}
            checks["has_site"] = checks["has_sign"] = True
            self.rooms[street.pk] = services.room_save(
                actor=self.actor, name=f"{street.name}协商议事室", level=RoomLevel.STREET, street=street,
                address=f"{street.name}办事处二楼", opened_on=date(2021 + i % 2, 3 + i % 9, 1 + i),
                renovated_on=date(2023, 4 + i % 8, 10) if i in renovated else None,
                contact_name=CONTACTS[i % len(CONTACTS)], contact_phone=f"0371-6{i:02d}8{i:04d}", **checks)
        for street in self.streets[:6]:
            community = Community.objects.filter(street=street).order_by("pk").first()
            if community is not None:
                services.room_save(actor=self.actor, name=f"{community.name}协商议事点", level=RoomLevel.COMMUNITY,
                                   street=street, community=community, address=f"{community.name}党群服务中心",
                                   opened_on=date(2023, 6, 1), has_site=True, has_sign=True, has_rules=True)

    def projects(self, count: int, year: int) -> list:
        projects = []
        for n in range(count):
            street = self.streets[n % len(self.streets)]
            projects.append(services.project_save(
                actor=self.actor, name=f"{street.name}{PROJECTS[(n + year) % len(PROJECTS)]}项目（{year}）",
                street=street, owner_unit=UNITS[n % len(UNITS)]))
        return projects

    # --- Sessions ----------------------------------------------------------------------------------------

    def session(self, *, kind: str, title: str, day: date, street=None, participants=(), project=None,
                suggestions: int = 0, stop: str = "closed", topic_title: str = "", due_days: int = 90,
                statuses=None) -> Session:
        room = self.rooms.get(street.pk) if street is not None and kind == SessionKind.GRASSROOTS else None
        fields = dict(kind=kind, title=title, date=day, street=street, room=room, project=project,
                      venue="" if room else ("区政协机关会议室" if project is None else "项目现场"),
                      officials=("区政协副主席、街道党工委书记" if kind == SessionKind.GRASSROOTS
                                 else "区政协主席、副主席"),
                      units="、".join(self.rng.sample(UNITS, 2)))
        session = services.session_create(actor=self.actor, **fields)
        if topic_title:
            topic = services.topic_propose(actor=self.actor, title=topic_title, street=street,
                                           source=self.rng.choice([TopicSource.RESIDENT, TopicSource.COMMUNITY,
                                                                   TopicSource.STREET]),
                                           proposer_name=self.rng.choice(["王", "李", "赵", "刘"]) + "女士")
            services.topic_accept(actor=self.actor, topic=topic)
            services.topic_schedule(actor=self.actor, topic=topic, session=session)
        if participants:
            attendance = {m.pk: Attendance.INVITED for m in participants}
            if len(participants) > 3:
                attendance[participants[0].pk] = Attendance.EXCUSED
            services.session_set_participants(actor=self.actor, session=session, attendance=attendance)
        if stop == "planned":
            return session
        services.session_hold(actor=self.actor, session=session, today=self.today,
                              residents_count=self.rng.randint(8, 40) if kind == SessionKind.GRASSROOTS else 0,
                              minutes=f"会议围绕“{topic_title or title}”开展协商，与会人员充分发表意见，形成协商意见。")
        if stop == "held":
            return session
        for n in range(suggestions):
            status = statuses[n % len(statuses)] if statuses else None
            outcome = services.outcome_add(
                actor=self.actor, session=session, text=self._suggestion(n, topic_title or title),
                responsible=UNITS[(n + day.toordinal()) % len(UNITS)], due_on=day + timedelta(days=due_days + n),
                is_public=n % 5 != 4)
            self._outcome_status(outcome, status, day)
        services.session_record(actor=self.actor, session=session, note="" if suggestions else "议题已当场协商解决")
        if stop == "recorded":
            return session
        services.session_close(actor=self.actor, session=session)
        return session

    def _suggestion(self, n: int, theme: str) -> str:
        return f"{SUGGESTIONS[n % len(SUGGESTIONS)]}（{theme}第{n + 1}条）"

    def _outcome_status(self, outcome, status, day: date) -> None:
        if status is None:  # a past year: mostly implemented, some kept for attention
            status = "kept" if self.rng.random() < 0.12 else "implemented"
        if status in ("implementing", "implemented", "kept"):
            services.outcome_note(actor=self.actor, outcome=outcome, date=min(day + timedelta(days=20), self.today),
                                  text="已与责任单位对接，制定落实方案。")
        if status == "implementing":
            services.outcome_move(actor=self.actor, outcome=outcome, verb=OutcomeVerb.START)
        elif status == "implemented":
            services.outcome_move(actor=self.actor, outcome=outcome, verb=OutcomeVerb.IMPLEMENT, note="已落实")
        elif status == "kept":
            services.outcome_move(actor=self.actor, outcome=outcome, verb=OutcomeVerb.KEEP, note="需长期推进")

    def year(self, year: int, *, grassroots: int, thematic: list[int], standing: list[int], committee: list[int],
             projects: int, visits: int, visit_suggestions: int) -> None:
        for n in range(grassroots):
            street = self.streets[n % len(self.streets)]
            topic = TOPICS[n % len(TOPICS)]
            day = date(year, 1 + n * 11 // grassroots, 5 + n % 20)
            self.session(kind=SessionKind.GRASSROOTS, title=f"{street.name}“有事好商量”：{topic}", day=day,
                         street=street, participants=self.pick(self.by_street.get(street.pk), 4),
                         suggestions=1 + n % 2, topic_title=topic)
        for kind, counts, prefix, pool in [
            (SessionKind.THEMATIC, thematic, "专题协商座谈会", None),
            (SessionKind.STANDING, standing, "常委会协商", self.standing),
            (SessionKind.COMMITTEE, committee, "专委会对口协商", None),
        ]:
            for n, suggestions in enumerate(counts):
                theme = THEMES[(n + len(prefix) + year) % len(THEMES)]
                self.session(kind=kind, title=f"{prefix}：{theme}", day=date(year, 3 + n * 8 // max(len(counts), 1),
                                                                              12 + n),
                             participants=self.pick(pool, 10 if kind == SessionKind.STANDING else 6),
                             suggestions=suggestions)
        project_rows = self.projects(projects, year)
        per_visit = _spread(visit_suggestions, visits)
        for n in range(visits):
            project = project_rows[n % len(project_rows)]
            self.session(kind=SessionKind.SUPERVISION, title=f"协商式监督：{project.name}",
                         day=date(year, 2 + n * 10 // visits, 3 + n % 24), project=project,
                         participants=self.pick(self.by_street.get(project.street_id), 3),
                         suggestions=per_visit[n])

    def current_year(self) -> None:
        """Every state, dates relative to today."""
        t = self.today
        streets = self.streets
        member_user = get_user_model().objects.filter(username="demo-member").first()
        demo_member = Member.objects.filter(user=member_user).first() if member_user else None
        first = streets[0]
        others = [m for m in self.by_street.get(first.pk) or self.members if m != demo_member]
        with_demo = [*self.pick(others, 3), *([demo_member] if demo_member else [])]
        recorded = self.session(kind=SessionKind.GRASSROOTS, title=f"{first.name}“有事好商量”：老旧小区电梯加装",
                                day=t - timedelta(days=40), street=first, participants=with_demo,
                                suggestions=4, stop="recorded", topic_title="老旧小区电梯加装", due_days=0,
                                statuses=["open", "implementing", "open", "implemented"])
        # Due dates: one overdue, one due within a week, one later.
        outcomes = list(recorded.outcomes.order_by("pk"))
        for outcome, due in zip(outcomes[:3], [t - timedelta(days=12), t + timedelta(days=5), t + timedelta(days=30)],
                                strict=True):
            services.outcome_edit(actor=self.actor, outcome=outcome, text=outcome.text,
                                  responsible=outcome.responsible, due_on=due, is_public=outcome.is_public)
        if demo_member is not None:
            try:
                services.outcome_convert(actor=self.actor, outcome=outcomes[0], member=demo_member,
                                         target=services.ConvertTarget.PROPOSAL)
            except DomainError:
                pass  # no plenary session set up: the demo simply has no converted outcome
        for n, (stop, offset) in enumerate([("planned", 10), ("planned", 25), ("held", -5), ("held", -15),
                                            ("recorded", -30), ("closed", -60), ("closed", -90)]):
            street = streets[(n + 1) % len(streets)]
            topic = TOPICS[(n + 3) % len(TOPICS)]
            self.session(kind=SessionKind.GRASSROOTS, title=f"{street.name}“有事好商量”：{topic}",
                         day=t + timedelta(days=offset), street=street,
                         participants=self.pick(self.by_street.get(street.pk), 4), suggestions=2, stop=stop,
                         topic_title=topic, due_days=20, statuses=["open", "implementing"] if stop != "closed"
                         else ["implemented", "kept"])
        self.session(kind=SessionKind.THEMATIC, title="专题协商座谈会：推进城市更新", day=t - timedelta(days=20),
                     participants=self.pick(None, 6), suggestions=5, stop="recorded", due_days=10,
                     statuses=["open", "implementing", "kept"])
        self.session(kind=SessionKind.STANDING, title="常委会协商：优化营商环境", day=t + timedelta(days=15),
                     participants=self.pick(self.standing, 10), stop="planned")
        project = self.projects(2, t.year)[0]
        self.session(kind=SessionKind.SUPERVISION, title=f"协商式监督：{project.name}", day=t - timedelta(days=8),
                     project=project, participants=self.pick(self.by_street.get(project.street_id), 3),
                     suggestions=2, stop="recorded", due_days=-2, statuses=["open"])
        # Topics waiting for a decision, declined, proposed by a member online.
        for n, title in enumerate(["社区食堂运营", "小区违建治理", "非机动车停放"]):
            services.topic_propose(actor=self.actor, title=title, street=streets[n], source=TopicSource.RESIDENT,
                                   proposer_name="居民" + "甲乙丙"[n], proposer_contact=f"1390371{n:04d}")
        declined = services.topic_propose(actor=self.actor, title="商铺租金调整", street=streets[1],
                                          source=TopicSource.COMMUNITY)
        services.topic_decline(actor=self.actor, topic=declined, reason="属于市场行为，不宜列入协商议题")
        accepted = services.topic_propose(actor=self.actor, title="社区托育服务", street=streets[2],
                                          source=TopicSource.STREET)
        services.topic_accept(actor=self.actor, topic=accepted)
        if member_user is not None and demo_member is not None:
            services.topic_propose(actor=member_user, title="老旧小区屋面防水维修",
                                   street=demo_member.street or streets[0], description="多个小区顶层漏水")


def _checklist() -> list[str]:
    from .models import CHECKLIST

    return [name for name, _label in CHECKLIST]


def _spread(total: int, slots: int) -> list[int]:
    """`total` suggestions over `slots` visits: the first ones get one each (20 of 37 visits)."""
    return [1 if n < total else 0 for n in range(slots)] if total <= slots else \
        [total // slots + (1 if n < total % slots else 0) for n in range(slots)]


def _street_officer(street: Street):
    User = get_user_model()
    user = User.objects.filter(username="demo-street-officer").first()
    if user is None:
        user = User(username="demo-street-officer", full_name="马晓峰", email="demo-street-officer@demo.zycppcc.local")
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name="consultation_officer"))
    OfficerStreet.objects.get_or_create(user=user, defaults={"street": street})
    return user


def load(*, stdout=None, recent: bool = False) -> None:
    """The work report's 2023, the smaller years after it and the running year; with `recent`
    (load_demo --recent), only the year before the running one and the running year."""
    actor = get_user_model().objects.filter(username="demo-consultation-officer").first()
    if actor is None or Session.objects.exists():
        _say(stdout, "  consultations: skipped (no demo consultation officer, or sessions exist)\n")
        return
    today = timezone.localdate()
    demo = Demo(random.Random(SEED), actor, today)
    demo.rooms_and_coverage()
    if not recent:
        demo.year(2023, grassroots=GRASSROOTS_2023, thematic=THEMATIC_2023, standing=STANDING_2023,
                  committee=COMMITTEE_2023, projects=PROJECTS_2023, visits=VISITS_2023,
                  visit_suggestions=VISIT_SUGGESTIONS_2023)
    for year in range(today.year - 1 if recent else 2024, today.year):
        demo.year(year, grassroots=20, thematic=[8], standing=[12, 10], committee=[3, 2, 2], projects=8,
                  visits=10, visit_suggestions=6)
    demo.current_year()
    _street_officer(demo.streets[0])
    _say(stdout, f"  consultations: {Session.objects.count()} sessions, {Topic.objects.count()} topics, "
                 f"{Room.objects.count()} rooms\n")
