"""What is due when: the reminder settings and the due-date windows of each milestone.

Every number is a parameter (reminders/parameters.py). Working-day milestones are derived from their
stored basis dates through the holiday calendar at scan time, so a calendar edit moves them."""

from dataclasses import dataclass
from datetime import date, time, timedelta

from zhongyuan_cppcc.calendar.services import WorkingCalendar
from zhongyuan_cppcc.core.parameters import get_parameters

from ..models import Milestone
from . import parameters as rp


@dataclass(frozen=True)
class ReminderSettings:
    accept_working_days: int
    reply_due_days: tuple[int, ...]
    co_opinion_due_days: tuple[int, ...]
    long_overdue_days: int
    rating_working_days: int
    digest_time: time
    long_overdue_weekday: int  # ISO: 1 = Monday
    catch_up_days: int
    stuck_after_minutes: int
    max_attempts: int


def _offsets(values) -> tuple[int, ...]:
    return tuple(sorted({int(v) for v in values if int(v) >= 0}, reverse=True))


def load_settings() -> ReminderSettings:
    """All reminder parameters in one query."""
    values = get_parameters("reminders.")
    hhmm = int(values[rp.DIGEST_TIME])
    hour, minute = min(hhmm // 100, 23), min(hhmm % 100, 59)
    return ReminderSettings(
        accept_working_days=values[rp.ACCEPT_WORKING_DAYS],
        reply_due_days=_offsets(values[rp.REPLY_DUE_DAYS]),
        co_opinion_due_days=_offsets(values[rp.CO_OPINION_DUE_DAYS]),
        long_overdue_days=values[rp.LONG_OVERDUE_DAYS],
        rating_working_days=values[rp.RATING_WORKING_DAYS],
        digest_time=time(hour, minute),
        long_overdue_weekday=values[rp.LONG_OVERDUE_WEEKDAY],
        catch_up_days=values[rp.CATCH_UP_DAYS],
        stuck_after_minutes=values[rp.STUCK_AFTER_MINUTES],
        max_attempts=values[rp.MAX_ATTEMPTS],
    )


REPLY_NOTICES = (Milestone.REPLY_DUE_30, Milestone.REPLY_DUE_7, Milestone.REPLY_DUE_1)
CO_OPINION_NOTICES = (Milestone.CO_OPINION_DUE_7, Milestone.CO_OPINION_DUE_1)


@dataclass(frozen=True)
class Window:
    """Deadlines in [low, high] get `milestone` today; `days` is the configured days-before."""

    milestone: str
    days: int
    low: date
    high: date


def notice_windows(offsets: tuple[int, ...], notices: tuple[str, ...], today: date) -> list[Window]:
    """Non-overlapping windows, one per notice: a deadline `d` is in the window of offset o_i when
    today + o_(i+1) < d <= today + o_i (the last notice runs until the deadline itself). So exactly one
    notice applies on any day, and a notice missed while the system was down is replaced by the next."""
    windows = []
    for i, days in enumerate(offsets):
        if i == len(offsets) - 1:
            milestone, low = notices[-1], today
        else:
            milestone = notices[min(i, len(notices) - 2)]
            low = today + timedelta(days=offsets[i + 1] + 1)
        windows.append(Window(milestone=milestone, days=days, low=low, high=today + timedelta(days=days)))
    return windows


def notice_days(offsets: tuple[int, ...], notices: tuple[str, ...], milestone: str) -> int | None:
    """The configured days-before of a notice milestone (for the message)."""
    for window in notice_windows(offsets, notices, date(2000, 1, 1)):
        if window.milestone == milestone:
            return window.days
    return None


def working_due_dates(first_basis: date, last_basis: date, days: int) -> dict[date, date]:
    """basis → basis + `days` working days, for every basis in the span, with one calendar query."""
    if last_basis < first_basis:
        return {}
    calendar = WorkingCalendar(first_basis, last_basis + timedelta(days=days * 2 + 31))
    span = (last_basis - first_basis).days
    bases = (first_basis + timedelta(days=i) for i in range(span + 1))
    return {basis: calendar.add(basis, days) for basis in bases}


def due_bases(today: date, days: int, catch_up_days: int) -> dict[date, date]:
    """The basis dates whose working-day milestone has come (due <= today) and is not older than the
    catch-up period, each with its due date. Due dates grow with the basis, so the bases form a range."""
    first = today - timedelta(days=catch_up_days + days * 2 + 31)
    return {basis: due for basis, due in working_due_dates(first, today, days).items()
            if today - timedelta(days=catch_up_days) <= due <= today}


def long_overdue_week_key(today: date, weekday: int) -> date:
    """The most recent `weekday` (ISO) on or before today: the key of this week's long-overdue digest."""
    return today - timedelta(days=(today.isoweekday() - weekday) % 7)
