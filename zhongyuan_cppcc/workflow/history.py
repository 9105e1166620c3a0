"""The latest steps of a long history, for a detail page.

A proposal that went through re-handling, reassignments and urges can hold hundreds of steps; a detail page
shows the latest `RECENT_STEPS`, oldest first like the whole history, says how many earlier steps it left out
and links to the whole history (`?history=all`). One query either way: the number of steps comes with the rows
(a window count), so the page's query count does not grow with the history."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Window

RECENT_STEPS = 30
SHOW_ALL_PARAMETER = "history"
SHOW_ALL_VALUE = "all"


@dataclass
class RecentHistory:
    rows: list = field(default_factory=list)  # oldest first
    hidden: int = 0  # earlier steps left out


def wants_whole_history(request) -> bool:
    return request.GET.get(SHOW_ALL_PARAMETER) == SHOW_ALL_VALUE


def recent_steps(changes: QuerySet, *, whole: bool = False, limit: int | None = None) -> RecentHistory:
    """`changes` (ordered oldest first, on a unique key) as RecentHistory: all of them when `whole`, else the
    latest `limit` (default RECENT_STEPS)."""
    if whole:
        return RecentHistory(rows=list(changes))
    limit = limit or RECENT_STEPS
    latest = list(changes.annotate(_steps=Window(Count("pk"))).reverse()[:limit])
    latest.reverse()
    return RecentHistory(rows=latest, hidden=latest[0]._steps - len(latest) if latest else 0)
