"""Export kinds: each module registers how to build its workbook from the saved list filters.

A kind's `build(job, progress)` runs in the worker as the job's owner: it must scope its queryset to
the owner exactly as the list page does, audit the export itself (the module's service already does),
and call `progress(done_rows, total_rows)` now and then. It returns (content, filename, row count), the
content as bytes or as an open binary file positioned at its start (closed after saving).
"""

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class ExportKind:
    name: str
    label: str
    # The owner must hold it when asking, when the job runs and when downloading.
    permission: str
    build: Callable[..., tuple]


_KINDS: dict[str, ExportKind] = {}


def register_export(kind: ExportKind) -> None:
    _KINDS[kind.name] = kind


def get_kind(name: str) -> ExportKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"unknown export kind {name!r}") from None


def registered_kinds() -> list[str]:
    return list(_KINDS)
