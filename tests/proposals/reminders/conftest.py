from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from proposals.reminders import tasks
from zhongyuan_cppcc.notifications import tasks as notification_tasks

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hour: int = 9, minute: int = 0) -> datetime:
    """An aware moment, Beijing time."""
    return datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def published(monkeypatch):
    """Record the tasks that would go to the broker instead of publishing them: [(task name, args)]."""
    sent = []

    def recorder(task):
        return lambda args=(), kwargs=None, **options: sent.append((task.name, tuple(args)))

    for task in (tasks.reminder_send_task, tasks.reminder_digest_task, notification_tasks.deliver_task):
        monkeypatch.setattr(task, "apply_async", recorder(task))
    return sent
