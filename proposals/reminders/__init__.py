"""Deadline reminders for proposals (DESIGN.md §4, issue 5).

- `milestones`: settings, due-date windows and the working-day arithmetic of every milestone;
- `scan`: the set-based scan writing one Reminder row per (proposal, milestone, recipient, due date)
  and publishing the send tasks after commit (also re-publishing rows whose task was lost);
- `sending`: the per-reminder send and the per-recipient digest, each claiming its rows so nothing
  is ever sent twice; the messages; the manual urge (催办);
- `tasks`: the Celery tasks (imported by proposals/tasks.py for autodiscovery).
"""
