"""年度统计: the year's figures as the paragraphs of a work report, each figure taken from the app that
defines it (the same selectors and statistics the lists and the dashboard use) and linked to its list."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.urls import reverse


@dataclass
class Value:
    value: int | str
    url: str = ""


@dataclass
class Paragraph:
    key: str
    parts: list = field(default_factory=list)  # str or Value

    @property
    def text(self) -> str:
        return "".join(str(p.value) if isinstance(p, Value) else p for p in self.parts)


def _url(name: str, **params) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def _opinions(year: int) -> Paragraph:
    from opinions import statistics

    f = statistics.year_figures(year)

    def fig(key):
        return Value(f[key], _url("opinions:report-list", figure=key, year=year))

    return Paragraph("opinions", [
        "全年收集信息", fig("collected"), "条，编发信息专刊",
        Value(f["bulletins"], _url("opinions:bulletin-list", year=year)), "期，上报信息", fig("reported"),
        "条，被市政协采用", fig("adopted_city"), "条，转省以上政协", fig("forwarded_province"), "条。"])


def _proposals(year: int) -> Paragraph:
    from proposals.selectors import proposal_figures_by_year

    f = proposal_figures_by_year(years=[year])[year]
    rate = f.reply_rate
    percent = "—" if rate is None else str((Decimal(rate) * 100).quantize(Decimal("1"), ROUND_HALF_UP))
    registered = _url("proposals:officer-list", year=year, stage="registered")
    replied = _url("proposals:officer-list", year=year, stage="replied")
    return Paragraph("proposals", [Value(f.registered, registered), "件政协提案办复率达", Value(percent + "%", replied),
                                   "。"])


def _consultations(year: int) -> list[Paragraph]:
    from consultations.models import Outcome, Session, SessionKind

    sessions = Session.objects.filter(date__year=year)
    grassroots = sessions.filter(kind=SessionKind.GRASSROOTS).count()
    visits = sessions.filter(kind=SessionKind.SUPERVISION)
    visit_count = visits.count()
    projects = visits.values("project").distinct().count()
    streets = visits.values("project__street").distinct().count()
    suggestions = Outcome.objects.filter(session__date__year=year, session__kind=SessionKind.SUPERVISION).count()
    visit_url = _url("consultations:session-list", kind=SessionKind.SUPERVISION, year=year)
    return [
        Paragraph("grassroots", ["全年开展基层协商", Value(grassroots, _url(
            "consultations:session-list", kind=SessionKind.GRASSROOTS, year=year)), "次。"]),
        Paragraph("supervision", [
            "对", Value(streets, visit_url), "个街道", Value(projects, _url("consultations:project-list", year=year)),
            "个项目开展协商式监督", Value(visit_count, visit_url), "次，提出合理化建议",
            Value(suggestions, _url("consultations:outcome-list", kind=SessionKind.SUPERVISION, year=year)), "条。"]),
    ]


def _members(year: int) -> list[Paragraph]:
    from members.models import Meeting, MeetingKind, Visit
    from members.scoring import Grade, top_of_year

    meetings = Meeting.objects.filter(kind=MeetingKind.STANDING, date__year=year).count()
    visits = Visit.objects.filter(date__year=year).count()
    _top, counts = top_of_year(year=year, count=0)
    meetings_url = _url("members:meeting-list", kind=MeetingKind.STANDING, year=year)
    visits_url = _url("members:visit-list", year=year)
    excellent_url = _url("members:ranking", year=year, grade="excellent")
    return [
        Paragraph("meetings", ["全年召开常委会议", Value(meetings, meetings_url), "次。"]),
        Paragraph("visits", ["全年走访联络党外政协委员", Value(visits, visits_url), "人次。"]),
        Paragraph("excellent", ["全年评选表彰优秀政协委员", Value(counts[Grade.EXCELLENT], excellent_url), "名。"]),
    ]


def work_report(year: int) -> list[Paragraph]:
    """One paragraph per area, in the order of the source document."""
    return [_opinions(year), _proposals(year), *_consultations(year), *_members(year)]


def title_for(year: int) -> str:
    return f"中原区政协{year}年度工作统计"
