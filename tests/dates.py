"""The dates the date-dependent tests run under (issue 16), in one place.

Tests marked ``@pytest.mark.dated`` run once per entry of SWEEP with the clock pinned (time-machine, ticking)
to that day at 01:00 Beijing time — 17:00 UTC the day before, so code that takes the date from UTC or from
the machine's local zone instead of ``timezone.localdate()`` fails too. The ``clock`` fixture gives the
pinned date to a test that needs it.

The whole suite can also be run with the clock set to one day: ``TEST_TODAY=2027-01-01 make test``
(``TEST_TODAY=2027-01-01T23:30`` for a time of day; Beijing time).

chinesecalendar 1.11 (the calendar table's seed) knows the holidays up to 2026; later years fall back to
Monday–Friday (zhongyuan_cppcc/calendar/services.py), which is why several entries lie in 2027 and 2028.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
EARLY = time(1, 0)


@dataclass(frozen=True)
class SweepDate:
    id: str
    day: date
    why: str

    @property
    def moment(self) -> datetime:
        return datetime.combine(self.day, EARLY, tzinfo=BEIJING)


SWEEP: list[SweepDate] = [
    SweepDate("saturday", date(2026, 12, 5), "a plain Saturday (issue 16's failing day)"),
    SweepDate("sunday", date(2026, 12, 6), "a plain Sunday"),
    SweepDate("makeup-saturday", date(2026, 10, 10), "a 调休 working Saturday after National Day"),
    SweepDate("spring-eve", date(2026, 2, 14), "the last working day (a 调休 Saturday) before Spring Festival"),
    SweepDate("after-spring", date(2026, 2, 24), "the first working day after the Spring Festival holiday"),
    SweepDate("new-year-eve", date(2026, 12, 31), "31 December, the last day of the table's last year"),
    SweepDate("new-year", date(2027, 1, 1), "1 January, a year the holiday table does not cover"),
    SweepDate("leap-day", date(2028, 2, 29), "29 February 2028"),
    SweepDate("uncovered", date(2027, 10, 8), "a Friday in the uncovered year 2027 (Mon–Fri fallback)"),
]


def parse_today(text: str) -> datetime:
    """TEST_TODAY: YYYY-MM-DD (01:00 Beijing time) or YYYY-MM-DDTHH:MM (Beijing time)."""
    text = text.strip()
    if "T" in text:
        return datetime.fromisoformat(text).replace(tzinfo=BEIJING)
    return datetime.combine(date.fromisoformat(text), EARLY, tzinfo=BEIJING)
