"""Reminder settings (DESIGN.md §4), editable by staff in the administration without a deploy."""

from django.utils.translation import gettext_lazy as _

from zhongyuan_cppcc.core.parameters import declare

ACCEPT_WORKING_DAYS = "reminders.accept_working_days"
REPLY_DUE_DAYS = "reminders.reply_due_days"
CO_OPINION_DUE_DAYS = "reminders.co_opinion_due_days"
LONG_OVERDUE_DAYS = "reminders.long_overdue_days"
RATING_WORKING_DAYS = "reminders.rating_working_days"
DIGEST_TIME = "reminders.digest_time"
LONG_OVERDUE_WEEKDAY = "reminders.long_overdue_weekday"
CATCH_UP_DAYS = "reminders.catch_up_days"
STUCK_AFTER_MINUTES = "reminders.stuck_after_minutes"
MAX_ATTEMPTS = "reminders.max_attempts"

declare(ACCEPT_WORKING_DAYS, 3, _("Reminder: working days after assignment without acceptance"), minimum=1,
        maximum=30)
# Three notices before the reply deadline; the list is "days before", largest first.
declare(REPLY_DUE_DAYS, [30, 7, 1], _("Reminder: days before the reply deadline (comma-separated)"), kind=list)
declare(CO_OPINION_DUE_DAYS, [7, 1], _("Reminder: days before the co-handling opinion is due (comma-separated)"),
        kind=list)
declare(LONG_OVERDUE_DAYS, 15, _("Reminder: days overdue after which a reply counts as long overdue"),
        minimum=1, maximum=365)
declare(RATING_WORKING_DAYS, 10, _("Reminder: working days after the approved reply without a rating"),
        minimum=1, maximum=60)
# Local time (Asia/Shanghai) of the daily digests, as HHMM.
declare(DIGEST_TIME, 830, _("Reminder: time of the daily digests (HHMM, Beijing time)"), minimum=0, maximum=2359)
declare(LONG_OVERDUE_WEEKDAY, 1, _("Reminder: weekday of the long-overdue digest (1 = Monday … 7 = Sunday)"),
        minimum=1, maximum=7)
declare(CATCH_UP_DAYS, 60, _("Reminder: days a missed reminder is still sent late"), minimum=1, maximum=365)
declare(STUCK_AFTER_MINUTES, 10, _("Reminder: minutes after which an unsent reminder is queued again"),
        minimum=1, maximum=1440)
declare(MAX_ATTEMPTS, 3, _("Reminder: attempts before a reminder is marked failed"), minimum=1, maximum=10)
