"""Deadline arithmetic and the sentences that explain it. Calendar-month deadlines are stored on the
proposal; working-day deadlines are derived from their stored basis date, so a change of the holiday
calendar moves them (reminders rely on that)."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from zhongyuan_cppcc.calendar.services import WorkingCalendar, add_working_days, working_days_between
from zhongyuan_cppcc.core.parameters import get_parameter

from . import parameters as p
from .models import DeadlineBasis


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    return day + relativedelta(months=months)


def default_reply_due(assigned_on: date) -> date:
    return add_months(assigned_on, get_parameter(p.REPLY_MONTHS))


def latest_reply_due(assigned_on: date) -> date:
    """The latest deadline an extension may set (proposals.reply_max_months after assignment)."""
    return add_months(assigned_on, get_parameter(p.REPLY_MAX_MONTHS))


def co_opinion_due(assigned_on: date) -> date:
    return add_months(assigned_on, get_parameter(p.CO_OPINION_MONTHS))


def rehandling_due(started_on: date) -> date:
    return add_months(started_on, get_parameter(p.REHANDLING_MONTHS))


def followup_due(approved_on: date) -> date:
    return add_months(approved_on, get_parameter(p.FOLLOWUP_MONTHS))


def objection_deadline(assigned_on: date) -> date:
    """Last day a unit may object: proposals.objection_working_days working days after assignment."""
    return add_working_days(assigned_on, get_parameter(p.OBJECTION_WORKING_DAYS))


def objection_deadlines(assigned_ons) -> dict[date, date]:
    """objection_deadline for many basis dates with one calendar query (for list pages)."""
    days = get_parameter(p.OBJECTION_WORKING_DAYS)
    dates = sorted(set(assigned_ons))
    if not dates:
        return {}
    calendar = WorkingCalendar(dates[0], dates[-1] + timedelta(days=days * 2 + 31))
    return {basis: calendar.add(basis, days) for basis in dates}


def contact_deadline(assigned_on: date) -> date:
    return add_working_days(assigned_on, get_parameter(p.CONTACT_WORKING_DAYS))


def rating_deadline(approved_on: date) -> date:
    """Last day proposers may rate: proposals.rating_window_working_days after the approval."""
    return add_working_days(approved_on, get_parameter(p.RATING_WINDOW_WORKING_DAYS))


def working_days_left(today: date, due: date) -> int:
    """Working days from today until `due` (0 on the day itself, negative when overdue)."""
    return working_days_between(today, due)


def explain_reply_deadline(proposal) -> str:
    """One sentence saying when the reply is due and how that date was computed."""
    if proposal.reply_due_on is None:
        return ""
    values = {
        "due": proposal.reply_due_on.isoformat(),
        "basis": proposal.reply_due_basis_on.isoformat() if proposal.reply_due_basis_on else "",
        "months": proposal.reply_due_months or 0,
    }
    basis = proposal.reply_due_basis
    if basis == DeadlineBasis.ASSIGNMENT:
        return _("Reply due on %(due)s: %(months)d months after the assignment on %(basis)s.") % values
    if basis == DeadlineBasis.CUSTOM:
        return _("Reply due on %(due)s: set by the proposal officer at the assignment on %(basis)s.") % values
    if basis == DeadlineBasis.EXTENSION:
        values.update(original=proposal.original_reply_due_on.isoformat() if proposal.original_reply_due_on
                      else "", reason=proposal.extension_reason, max=get_parameter(p.REPLY_MAX_MONTHS))
        return _("Reply due on %(due)s: extended from %(original)s (at most %(max)d months after the assignment "
                 "on %(basis)s). Reason: %(reason)s") % values
    if basis == DeadlineBasis.REHANDLING:
        return _("Reply due on %(due)s: re-handling, %(months)d months after the dissatisfied rating on "
                 "%(basis)s.") % values
    return _("Reply due on %(due)s.") % values


def explain_objection_deadline(assigned_on: date) -> str:
    return _("Objections are possible until %(due)s: %(days)d working days after the assignment on %(basis)s "
             "(public holidays and make-up working days counted).") % {
        "due": objection_deadline(assigned_on).isoformat(), "days": get_parameter(p.OBJECTION_WORKING_DAYS),
        "basis": assigned_on.isoformat()}


def explain_rating_deadline(approved_on: date) -> str:
    return _("Please rate by %(due)s: %(days)d working days after the reply was approved on %(basis)s.") % {
        "due": rating_deadline(approved_on).isoformat(), "days": get_parameter(p.RATING_WINDOW_WORKING_DAYS),
        "basis": approved_on.isoformat()}


def explain_co_opinion_deadline(assignment) -> str:
    if assignment.opinion_due_on is None:
        return ""
    return _("Opinion to the lead unit due on %(due)s (assigned on %(basis)s).") % {
        "due": assignment.opinion_due_on.isoformat(), "basis": assignment.assigned_on.isoformat()}
