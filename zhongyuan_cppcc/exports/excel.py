"""The one Excel writer every export uses, and the declarative registration of exports.

An app's export is a declaration::

    register(ExcelExport(
        kind="proposals.proposals", label=_("Proposal compilation"), permission="proposals.export_proposals",
        rows=lambda user, query: ...,          # scoped to `user`, filtered by the query dict, ordered
        columns=[Column(_("Number"), "number", width=12), Column(_("Submitted on"), "submitted_at", date=True)],
        filename=_("proposals"), audit_action="proposals.exported", audit_object_type="proposals.proposal"))

and its URL is `ExcelExportView.as_view(kind="proposals.proposals")` (POST only). What the writer guarantees:

- openpyxl write-only mode into a temporary file: memory stays flat however many rows;
- a bold header row and column widths; dates as real dates (datetimes as the local day) with a date format;
- rows read in chunks ids-first (the ordered ids in one query over the list's indexes, then each chunk's rows by
  primary key; `prepare(chunk)` fetches per-chunk extras in one query each);
- **formula injection**: every text cell is a string cell, never a formula — a text that begins with `=`,
  `+`, `-`, `@`, a tab or a carriage return is additionally marked quote-prefixed so that editing it in
  Excel keeps it text. Only `Formula` values (none today) could ever become formulas;
- lists longer than `EXPORT_SYNC_MAX_ROWS` become a background job (zhongyuan_cppcc.exports.services), the
  rest is answered at once; both are audited (the export itself, and the job's request and download).
"""

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from zhongyuan_cppcc.audit.services import audit_record

from .registry import ExportKind, register_export

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 1000
DATE_FORMAT = "yyyy-mm-dd"
# A text cell starting with one of these is what spreadsheet programs read as a formula (or a DDE command).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel's limit on a cell's text.
MAX_CELL_CHARS = 32767


@dataclass(frozen=True)
class Column:
    """One column: its header, how to get the value from a row, its width (characters).

    `value` is an attribute path ("lead_unit.name"; None along the way gives "") or a callable
    `value(row, extras)` where `extras` is what the export's `prepare(chunk)` returned for the row's chunk.
    `date=True` writes datetimes as the local day."""

    header: Any
    value: str | Callable[[Any, dict], Any]
    width: float = 16
    date: bool = False

    def get(self, row, extras: dict):
        if callable(self.value):
            return self.value(row, extras)
        value = row
        for part in self.value.split("."):
            value = getattr(value, part, None)
            if value is None:
                return ""
            if callable(value) and not isinstance(value, type):
                value = value()
        return value


def text_cell(ws, value: str) -> WriteOnlyCell:
    """A string cell that is never read as a formula."""
    cell = WriteOnlyCell(ws, value=value[:MAX_CELL_CHARS])
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def _cell(ws, value, *, as_day: bool):
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if as_day:
            value = value.date()
        else:
            value = value.replace(tzinfo=None)
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT if not isinstance(value, datetime) else "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    text = str(value)
    if text.startswith(FORMULA_START) or len(text) > MAX_CELL_CHARS:
        return text_cell(ws, text)
    return text  # openpyxl reads only a leading "=" as a formula, and those took the branch above


def chunks(rows, size: int | None = None) -> Iterable[list]:
    """`rows` in order, a chunk at a time. A queryset is read ids-first: its ordered ids in one query, then
    each chunk's rows by primary key (OFFSET slices would re-run the sorted, joined query once per chunk).
    Any other iterable is cut into chunks as it is."""
    size = size or CHUNK
    if isinstance(rows, QuerySet):
        ids = list(rows.values_list("pk", flat=True))
        for start in range(0, len(ids), size):
            part = ids[start:start + size]
            by_pk = {row.pk: row for row in rows.filter(pk__in=part).order_by()}
            yield [by_pk[pk] for pk in part if pk in by_pk]
        return
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_xlsx(target, *, columns: Sequence[Column], rows, sheet_title: str = "Sheet",
               prepare: Callable[[list], dict] | None = None, progress=None, chunk_size: int | None = None) -> int:
    """Write `rows` (a queryset, read ids-first in chunks, or any iterable) as one sheet to the binary file
    object `target`; returns the number of rows. `prepare(chunk)` returns per-chunk extras handed to the
    columns' callables; `progress(done, total)` is called after each chunk."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(sheet_title)[:31] or "Sheet")
    for number, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(number)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = text_cell(ws, str(column.header))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    total = (rows.count() if isinstance(rows, QuerySet) else len(rows) if hasattr(rows, "__len__") else None) \
        if progress else None
    count = 0
    for chunk in chunks(rows, chunk_size or CHUNK):
        extras = prepare(chunk) if prepare else {}
        for row in chunk:
            ws.append([_cell(ws, column.get(row, extras), as_day=column.date) for column in columns])
            count += 1
        if progress:
            progress(count, total)
    wb.save(target)
    return count


def xlsx_bytes(**kwargs) -> tuple[bytes, int]:
    """`write_xlsx` into memory: (content, row count). For small workbooks (a ranking, a shortlist)."""
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        count = write_xlsx(handle, **kwargs)
        handle.seek(0)
        return handle.read(), count


# --- Declarations -------------------------------------------------------------------------------------------


def as_query(params) -> QueryDict:
    """A QueryDict from a request's QueryDict or a stored {key: [values]} (an export job's params)."""
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for key, values in (params or {}).items():
        query.setlist(key, values if isinstance(values, list) else [values])
    return query


@dataclass(frozen=True)
class ExcelExport:
    """An export (see the module docstring). Callables get the exporting user and the list's query dict."""

    kind: str
    label: Any
    permission: str
    rows: Callable[[Any, QueryDict], Any]
    columns: Sequence[Column] | Callable[[Any, QueryDict], Sequence[Column]]
    filename: Any  # a prefix (the time is added) or a callable(query) -> the whole name
    audit_action: str
    audit_object_type: str = ""
    sheet_title: Any = None
    prepare: Callable[[list], dict] | None = None
    # Extra refusal beyond `permission` (e.g. full personal data): raises PermissionDenied, audits it itself.
    check: Callable[[Any, QueryDict], None] | None = None
    # Details for the audit row besides the row count (default: the filters).
    audit_details: Callable[[QueryDict], dict] | None = None
    # Long lists go to a background job; False for exports that are always short (a shortlist).
    background: bool = True
    chunk_size: int | None = None  # default CHUNK
    ignore_keys: tuple[str, ...] = field(default=("page", "per_page", "csrfmiddlewaretoken"))

    def params(self, query: QueryDict) -> dict[str, list[str]]:
        return {key: query.getlist(key) for key in query if key not in self.ignore_keys}

    def columns_for(self, user, query: QueryDict) -> Sequence[Column]:
        return self.columns(user, query) if callable(self.columns) else self.columns

    def file_name(self, query: QueryDict) -> str:
        if callable(self.filename):
            return self.filename(query)
        return f"{self.filename}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"

    def authorise(self, user, query: QueryDict) -> None:
        if not user.is_active or not user.has_perm(self.permission):
            raise PermissionDenied
        if self.check is not None:
            self.check(user, query)

    def write(self, user, query: QueryDict, target, *, rows=None, progress=None) -> int:
        """Write the workbook (no checks, no audit: `export` does both)."""
        return write_xlsx(target, columns=self.columns_for(user, query),
                          rows=self.rows(user, query) if rows is None else rows,
                          sheet_title=self.sheet_title or self.label, prepare=self.prepare, progress=progress,
                          chunk_size=self.chunk_size)

    def export(self, user, params, *, rows=None, progress=None):
        """Check, write into a temporary file (deleted when closed) and audit. Returns (open binary file at
        its start, file name, row count)."""
        query = as_query(params)
        self.authorise(user, query)
        handle = tempfile.TemporaryFile(suffix=".xlsx")
        count = self.write(user, query, handle, rows=rows, progress=progress)
        handle.seek(0)
        details = self.audit_details(query) if self.audit_details else {"filters": self.params(query)}
        audit_record(action=self.audit_action, actor=user, object_type=self.audit_object_type or self.kind,
                     details={"rows": count, **details})
        return handle, self.file_name(query), count

    def build_job(self, job, progress):
        """The background job's builder (zhongyuan_cppcc.exports.registry): the list as the owner sees it."""
        return self.export(job.owner, job.params, progress=progress)


_EXPORTS: dict[str, ExcelExport] = {}


def register(export: ExcelExport) -> ExcelExport:
    """Declare an export; one that may run long is also a background job kind."""
    _EXPORTS[export.kind] = export
    if export.background:
        register_export(ExportKind(name=export.kind, label=export.label, permission=export.permission,
                                   build=export.build_job))
    return export


def get_excel_export(kind: str) -> ExcelExport:
    try:
        return _EXPORTS[kind]
    except KeyError:
        raise LookupError(f"unknown Excel export {kind!r}") from None


def registered_exports() -> list[ExcelExport]:
    return list(_EXPORTS.values())


# --- Answering a request ------------------------------------------------------------------------------------


def xlsx_response(handle, filename: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_response(request, kind: str, params=None):
    """The file at once, or — for a list longer than EXPORT_SYNC_MAX_ROWS — a background job and its
    progress page. `params` defaults to the POSTed list filters."""
    from .services import export_start, sync_limit

    export = get_excel_export(kind)
    query = as_query(request.POST if params is None else params)
    export.authorise(request.user, query)
    rows = export.rows(request.user, query)
    if export.background:
        total = rows.count() if isinstance(rows, QuerySet) else len(rows)
        if total > sync_limit():
            job = export_start(actor=request.user, kind=kind, total_rows=total, params=export.params(query))
            return redirect("exports:job-detail", pk=job.pk)
    handle, filename, _count = export.export(request.user, query, rows=rows)
    return xlsx_response(handle, filename)


class ExcelExportView(View):
    """POST-only export of a registered kind, filtered by the POSTed list filters:
    `path("export/", ExcelExportView.as_view(kind="proposals.proposals"), name="export")`."""

    http_method_names = ["post"]
    kind = ""

    def params(self, request, **kwargs) -> QueryDict:
        """The export's query: the POSTed filters (subclasses add URL arguments, e.g. a year)."""
        return request.POST

    def post(self, request, **kwargs):
        return export_response(request, self.kind, self.params(request, **kwargs))
