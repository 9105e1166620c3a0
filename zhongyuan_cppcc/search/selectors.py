"""One search box across the modules. Every module is searched inside the queryset its own list uses for
this user (the app's scoped selector), so a result is shown only to somebody who may open it."""

import re
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.lists.filters import has_case

from .models_registry import SHORT, short_needle_condition

MAX_QUERY = 60
PER_GROUP = 20
# Hits are counted up to this many: a needle found in tens of thousands of rows ("zs") would otherwise count them
# all on every search, and nobody pages through more than the best twenty anyway.
COUNT_CAP = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PINYIN = re.compile(r"[a-z]+")


def clean_query(raw: str | None) -> str:
    """Strip control characters (PostgreSQL refuses NUL) and surrounding space; cut long input."""
    return _CONTROL.sub("", raw or "").strip()[:MAX_QUERY]


def pinyin_needle(query: str) -> str:
    """The query as a pinyin needle ('Xue Wei' -> 'xuewei'), or '' when it is not Latin letters."""
    compact = re.sub(r"\s+", "", query.lower())
    return compact if _PINYIN.fullmatch(compact) else ""


@dataclass
class Hit:
    title: str
    url: str
    detail: str = ""


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    more: bool = False  # more hits than COUNT_CAP: `total` is the cap

    def count(self, qs: QuerySet) -> None:
        """Count the hits of `qs`, stopping after COUNT_CAP + 1."""
        n = qs.order_by()[:COUNT_CAP + 1].count()
        self.total, self.more = min(n, COUNT_CAP), n > COUNT_CAP

    @property
    def total_label(self) -> str:
        return f"{self.total:,}+" if self.more else f"{self.total:,}"


def _titled(qs: QuerySet, query: str, extra: Q | None = None) -> QuerySet:
    """Rows whose title matches the text or whose pinyin column matches the pinyin, best first:
    title starting with the text, title containing it, pinyin starting with it, initials starting with it.

    A Latin query is looked for in the pinyin column only (it holds the title's own Latin letters and
    digits too, lower case); other text in the title. Either way one trigram index answers it, or for a
    needle of one or two characters the short-gram index ("学位", "xw"; a single letter is not narrowed)."""
    needle = pinyin_needle(query)
    if needle:
        qs, short = short_needle_condition(qs, needle, column="search_pinyin") if len(needle) == SHORT else (qs, None)
        condition = short if short is not None else Q(search_pinyin__contains=needle)
        ranks = [When(title__istartswith=query, then=Value(0)), When(title__icontains=query, then=Value(1)),
                 When(search_pinyin__startswith=needle, then=Value(2)),
                 When(search_pinyin__contains="|" + needle, then=Value(2))]
    else:
        # Without Latin letters case does not matter: a plain LIKE, which the trigram index answers
        # (PostgreSQL's ILIKE through UPPER() would not use it).
        caseless = not has_case(query)
        contains, startswith = ("title__contains", "title__startswith") if caseless else \
            ("title__icontains", "title__istartswith")
        qs, short = short_needle_condition(qs, query, column="title", lower=not caseless)
        condition = short if short is not None else Q(**{contains: query})
        ranks = [When(**{startswith: query}, then=Value(0))]
    if extra is not None:
        condition |= extra
    return qs.filter(condition).annotate(rank=Case(*ranks, default=Value(1), output_field=IntegerField()))


def _shown(qs: QuerySet, *related: str) -> QuerySet:
    """The hits' rows with only the relations a hit shows: the lists' scoped querysets join everything their
    tables show, and PostgreSQL joined those tables for every match before keeping the best twenty (all
    50,000 sessions read to show twenty topics)."""
    return qs.select_related(None).select_related(*related) if related else qs.select_related(None)


def _proposals(user, query: str) -> Group:
    from proposals.selectors import proposal_list_for

    group = Group("proposals", _("Proposals"))
    # Proposal numbers hold digits: only a query with a digit is looked for there.
    number = Q(number__icontains=query) if re.search(r"\d", query) else None
    qs = _titled(proposal_list_for(user=user), query, number)
    group.count(qs)
    for p in _shown(qs).order_by("rank", "-created_at", "-pk")[:PER_GROUP]:
        group.hits.append(Hit(p.title or str(p), reverse("proposals:proposal-detail", args=[p.pk]),
                              " · ".join(x for x in (p.number, p.get_status_display()) if x)))
    return group


def _reports(user, query: str) -> Group:
    from opinions.selectors import reports_visible_to

    group = Group("reports", _("Opinion reports"))
    qs = _titled(reports_visible_to(user=user), query)
    group.count(qs)
    for r in _shown(qs).order_by("rank", "-created_at", "-pk")[:PER_GROUP]:
        group.hits.append(Hit(r.title, r.get_absolute_url(), r.get_status_display()))
    return group


def _sessions(user, query: str) -> Group:
    from consultations.selectors import sessions_for

    group = Group("sessions", _("Consultation sessions"))
    qs = _titled(sessions_for(user=user), query)
    group.count(qs)
    for s in _shown(qs, "street").order_by("rank", "-date", "-pk")[:PER_GROUP]:
        group.hits.append(Hit(s.title, s.get_absolute_url(),
                              " · ".join(x for x in (str(s.date), str(s.street or "")) if x)))
    return group


def _topics(user, query: str) -> Group:
    from consultations.selectors import topics_for

    group = Group("topics", _("Consultation topics"))
    qs = _titled(topics_for(user=user), query)
    group.count(qs)
    for t in _shown(qs, "street").order_by("rank", "-created_at", "-pk")[:PER_GROUP]:
        group.hits.append(Hit(t.title, t.get_absolute_url(),
                              " · ".join(x for x in (str(t.street), t.get_status_display()) if x)))
    return group


def _members(user, query: str) -> Group:
    from members.selectors import member_search, members_visible_to

    group = Group("members", _("Members"))
    qs = member_search(members_visible_to(user), query)
    qs = qs.annotate(rank=Case(When(name=query, then=Value(0)), When(name__startswith=query, then=Value(1)),
                               default=Value(2), output_field=IntegerField()))
    group.count(qs)
    for m in qs.select_related("sector").order_by("rank", "name_pinyin", "pk")[:PER_GROUP]:
        group.hits.append(Hit(m.name, reverse("members:member-detail", args=[m.pk]), str(m.sector or "")))
    return group


SEARCHERS = (_proposals, _reports, _sessions, _topics, _members)


def search_for(*, user, query: str) -> list[Group]:
    """The groups with at least one hit, in a fixed module order; nothing for an empty query."""
    query = clean_query(query)
    if not query or not (user and user.is_authenticated):
        return []
    groups = [searcher(user, query) for searcher in SEARCHERS]
    return [g for g in groups if g.total]
