"""Working-day arithmetic over the calendar table (holidays and 调休 make-up days).

The one place that steps through days: `WorkingCalendar.add` and `WorkingCalendar.count` (a snapshot of a
span, for pages and scans that need many answers from one query) and `add_working_days` /
`working_days_between` (one answer).

Inside a request the whole table (a few hundred rows) is read once and every snapshot shares it: a list page
works out deadlines for proposals submitted years apart without a query per span."""

from datetime import date, timedelta

from django.db.models import Max, Min

from zhongyuan_cppcc.core.middleware import forget, memoized, request_memo

from .models import CalendarYear, DayKind, SpecialDay

MEMO_KEY = "calendar.special_days"


def _days(rows) -> tuple[frozenset, frozenset]:
    """(holidays, make-up working days) among `rows` of (date, kind)."""
    rows = list(rows)
    return (frozenset(d for d, k in rows if k == DayKind.HOLIDAY),
            frozenset(d for d, k in rows if k == DayKind.WORKDAY))


def forget_days(**kwargs) -> None:
    """A special day saved or deleted: the request that did it reads the calendar afresh."""
    forget(MEMO_KEY)


class WorkingCalendar:
    """A snapshot of the calendar table for a span of dates: one query, then pure arithmetic."""

    def __init__(self, start: date, end: date) -> None:
        self.start, self.end = start, end
        if request_memo() is None:
            self.holidays, self.workdays = _days(
                SpecialDay.objects.filter(date__range=(start, end)).values_list("date", "kind"))
        else:
            # The whole table, once per request: it answers for any date of any span.
            self.holidays, self.workdays = memoized(
                MEMO_KEY, lambda: _days(SpecialDay.objects.order_by().values_list("date", "kind")))

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5

    def add(self, start: date, n: int) -> date:
        """The date n working days after `start` (start itself not counted; n < 0 goes back; n=0 returns
        start). Steps outside the snapshot read the calendar again."""
        if n == 0:
            return start
        step = timedelta(days=1 if n > 0 else -1)
        cal, remaining, day = self, abs(n), start
        while remaining:
            day += step
            if day > cal.end or day < cal.start:
                cal = _span_for(day, n)
            if cal.is_working_day(day):
                remaining -= 1
        return day

    def count(self, a: date, b: date) -> int:
        """Working days in (a, b]: how many working days pass going from a to b. Negative if b < a."""
        if a == b:
            return 0
        if b < a:
            return -self.count(b, a)
        cal = self if self.start <= a and b <= self.end else WorkingCalendar(a, b)
        count, day = 0, a
        while day < b:
            day += timedelta(days=1)
            if cal.is_working_day(day):
                count += 1
        return count


def _span_for(start: date, n: int) -> WorkingCalendar:
    # n working days never need more than about 2n + 30 calendar days, even around Spring Festival.
    reach = timedelta(days=abs(n) * 2 + 31)
    return WorkingCalendar(start - reach, start + reach) if n < 0 else WorkingCalendar(start, start + reach)


def is_working_day(day: date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(start: date, n: int) -> date:
    """The date n working days after `start` (start itself not counted). n=0 returns start."""
    if n == 0:
        return start
    return _span_for(start, n).add(start, n)


def working_days_between(a: date, b: date) -> int:
    """Working days in (a, b]: how many working days pass going from a to b. Negative if b < a."""
    if a == b:
        return 0
    return WorkingCalendar(min(a, b), max(a, b)).count(a, b)


def covered_years() -> set[int]:
    return set(CalendarYear.objects.values_list("year", flat=True))


def uncovered_years(years: list[int]) -> list[int]:
    """Years among `years` whose holidays are not in the table (Monday–Friday fallback)."""
    known = covered_years()
    return [y for y in years if y not in known]


def calendar_span() -> tuple[date | None, date | None]:
    agg = SpecialDay.objects.aggregate(first=Min("date"), last=Max("date"))
    return agg["first"], agg["last"]
