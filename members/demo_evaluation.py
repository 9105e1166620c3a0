"""Demo data: settle the 2023 evaluation after every other app has added its ledger events.

Whatever proposals, opinion reports and consultations contributed, the 61 members ranked highest in
2023 are topped up with study, research, visit and contribution activities until their grade is
excellent; the others get activities too but stay below the excellent threshold. Then the 2023
excellent-member shortlist is generated, checked against those 61 and made final. The result
reproduces the work report: "全年评选表彰优秀政协委员61名".
"""

import math
import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum

from .demo import analyze_tables
from .models import LedgerEvent, LedgerKind, LedgerRule
from .scoring import Grade, annual_ranking, capped, grade_thresholds
from .selectors import eligible_members_for_year
from .services import activity_create, shortlist_add, shortlist_exclude, shortlist_finalize, shortlist_generate

YEAR = 2023
EXCELLENT = 61
SEED = 20231231
SHORTLIST_PERCENT = Decimal("25")
TOP_UP = [
    (LedgerKind.STUDY, "session", "“书香政协”读书活动"),
    (LedgerKind.STUDY, "lecture", "委员履职能力专题培训"),
    (LedgerKind.RESEARCH, "research", "城市有机更新专题调研"),
    (LedgerKind.RESEARCH, "inspection", "金水河分洪工程视察"),
    (LedgerKind.RESEARCH, "report", "年度调研报告"),
    (LedgerKind.VISIT, "enterprise", "委员走访联系企业"),
    (LedgerKind.VISIT, "constituents", "委员联系界别群众"),
    (LedgerKind.CONTRIBUTION, "donation", "“情暖中原”公益捐助"),
    (LedgerKind.CONTRIBUTION, "volunteer", "文明城市创建志愿服务"),
    (LedgerKind.CONTRIBUTION, "investment", "助力企业落户中原区"),
]


def load(*, stdout=None) -> None:
    rng = random.Random(SEED)
    officer = get_user_model().objects.filter(username="demo-member-officer").first()
    eligible = eligible_members_for_year(YEAR)
    if eligible.count() < EXCELLENT:
        raise RuntimeError("members-evaluation needs the 'members' demo data first (python manage.py load_demo)")
    analyze_tables()
    threshold = grade_thresholds().excellent
    ranking = annual_ranking(year=YEAR, members=eligible)
    rows = sorted(ranking.rows, key=lambda r: (-r.score, r.name_pinyin, r.id))
    already = sum(1 for r in rows if r.score >= threshold)
    if already > EXCELLENT:
        raise RuntimeError(f"{already} members already score {threshold}+ in {YEAR}; lower the other demo data")
    targets = {r.id for r in rows[:EXCELLENT]}

    rules = {(r.kind, r.subkind): r for r in LedgerRule.objects.all()}
    raw: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
    for row in (LedgerEvent.objects.filter(withdrawn_at__isnull=True, date__year=YEAR, member__in=eligible)
                .values("member_id", "kind", "subkind")
                .annotate(override=Sum("points_override"), plain=Count("id", filter=Q(points_override__isnull=True)))):
        rule = rules.get((row["kind"], row["subkind"]))
        raw[(row["member_id"], row["kind"], row["subkind"])] += (
            (row["override"] or Decimal(0)) + (rule.points if rule else Decimal(0)) * row["plain"])

    pool = [(rules[(k, s)], title) for k, s, title in TOP_UP if (k, s) in rules and rules[(k, s)].points > 0]
    sessions = {rule.pk: _session_count(rule) for rule, _title in pool}
    participants: dict[tuple[int, int], list] = defaultdict(list)
    members = {m.pk: m for m in eligible}

    def gain(member_id: int, rule: LedgerRule) -> Decimal:
        key = (member_id, rule.kind, rule.subkind)
        before = capped(raw[key], rule.annual_cap)
        return capped(raw[key] + rule.points, rule.annual_cap) - before

    for row in rows:
        score, is_target = row.score, row.id in targets
        if is_target:
            goal = threshold + rng.randint(0, 8)
        else:
            goal = max(score, Decimal(rng.choice([rng.randint(80, 89), rng.randint(60, 79), rng.randint(60, 79),
                                                  rng.randint(40, 59)])))
        used: dict[int, int] = defaultdict(int)
        while score < goal:
            options = [
                rule for rule, _title in pool
                if used[rule.pk] < sessions[rule.pk] and gain(row.id, rule) > 0
                and (is_target or score + gain(row.id, rule) < threshold)
            ]
            if not options:
                break
            rule = rng.choice(options)
            step = gain(row.id, rule)
            participants[(rule.pk, used[rule.pk])].append(members[row.id])
            used[rule.pk] += 1
            raw[(row.id, rule.kind, rule.subkind)] += rule.points
            score += step
        if is_target and score < threshold:
            raise RuntimeError(f"not enough room under the caps to make member {row.id} excellent")

    for rule, title in pool:
        count = sessions[rule.pk]
        for number in range(count):
            people = participants.get((rule.pk, number))
            if people:
                activity_create(kind=rule.kind, subkind=rule.subkind, title=f"{YEAR}年{title}（第{number + 1}批）",
                                date=date(YEAR, 2 + (number * 10) // count, rng.randint(1, 28)),
                                participants=people, actor=officer)

    result = annual_ranking(year=YEAR, members=eligible)
    excellent = {r.id for r in result.rows if r.grade == Grade.EXCELLENT}
    if excellent != targets:
        raise RuntimeError(f"{len(excellent)} excellent members in {YEAR} after the top-up, expected {EXCELLENT}")

    shortlist = shortlist_generate(year=YEAR, percent=SHORTLIST_PERCENT, actor=officer)
    entries = {e.member_id: e for e in shortlist.entries.select_related("member")}
    for member_id in targets - {m for m, e in entries.items() if not e.excluded}:
        shortlist_add(shortlist=shortlist, member=members[member_id], reason="年度评议会议确定", actor=officer)
    for member_id, entry in entries.items():
        if member_id not in targets and not entry.excluded:
            shortlist_exclude(entry=entry, reason="年度评议会议确定", actor=officer)
    shortlist_finalize(shortlist=shortlist, actor=officer)
    if stdout is not None:
        stdout.write(f"  members-evaluation: {len(excellent)} excellent members in {YEAR}, shortlist final\n")


def _session_count(rule: LedgerRule) -> int:
    """Enough activities of one kind for any member to reach the rule's annual cap."""
    return 6 if rule.annual_cap is None else math.ceil(rule.annual_cap / rule.points) + 1
