"""Reading and validating member workbooks (.xlsx). Nothing here writes: services.py imports the rows.

Bad files never raise anything but ImportFileError (a message for the user), and nothing is read
beyond what the limits allow: openpyxl's read-only mode streams the sheet, the zip directory is
checked before parsing (zip bombs), and reading stops at the first row past the row limit.
"""

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zhongyuan_cppcc.core.masking import mask_id_number
from zhongyuan_cppcc.core.parameters import get_parameter

from . import personal_data
from .models import Gender, MemberStatus, Party, Sector, SpecialCommittee, Street, Term, chinese_numeral


class ImportFileError(Exception):
    """The file as a whole cannot be imported; str(error) is the message for the user."""


@dataclass(frozen=True, eq=False)
class Column:
    key: str
    label: Any  # lazy translation: the header text in the template and in uploaded files
    required: bool = False
    width: int = 14
    hint: Any = ""


COLUMNS = [
    Column("name", gettext_lazy("Name"), required=True, width=12),
    Column("gender", gettext_lazy("Gender"), width=8,
           hint=gettext_lazy("Male or female; taken from the ID number when empty")),
    Column("ethnic_group", gettext_lazy("Ethnic group"), width=10),
    Column("birth_date", gettext_lazy("Birth date"), width=12,
           hint=gettext_lazy("YYYY-MM-DD; taken from the ID number when empty")),
    Column("id_number", gettext_lazy("ID number"), required=True, width=22,
           hint=gettext_lazy("18 characters, as text")),
    Column("mobile", gettext_lazy("Mobile number"), width=14),
    Column("party", gettext_lazy("Party"), required=True, width=16),
    Column("sector", gettext_lazy("Sector"), required=True, width=16),
    Column("employer", gettext_lazy("Employer"), width=24),
    Column("job_title", gettext_lazy("Job title"), width=16),
    Column("term", gettext_lazy("Term"), width=10, hint=gettext_lazy("e.g. 10 or 第十届; the current term when empty")),
    Column("is_standing_committee", gettext_lazy("Standing committee"), width=10, hint=gettext_lazy("Yes or no")),
    Column("special_committees", gettext_lazy("Special committees"), width=24,
           hint=gettext_lazy("Several separated by 、")),
    Column("street", gettext_lazy("Street working committee"), width=16),
    Column("status", gettext_lazy("Status"), width=8, hint=gettext_lazy("Serving, resigned or deceased")),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
YES = {"是", "y", "yes", "true", "1", "√", "常委"}
NO = {"否", "n", "no", "false", "0", ""}
LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def _norm_header(value: Any) -> str:
    return re.sub(r"[\s*＊（）()]", "", str(value or "")).strip()


# --- Template ----------------------------------------------------------------------------------------


def build_template() -> Workbook:
    """The downloadable template: headers (required ones marked *), a sample-free data sheet with
    drop-down lists, and a sheet explaining each column and the accepted values."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Members")
    header_font = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE2E1")
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=f"{column.label}*" if column.required else str(column.label))
        cell.font = header_font
        if column.required:
            cell.fill = required_fill
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.key in ("id_number", "mobile", "birth_date"):
            # Text format for the whole column (no empty cells written, so the sheet's dimension stays
            # the header row): Excel would otherwise round an 18-digit ID number to 15 digits.
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"

    options = wb.create_sheet(_("Options"))
    lists = {
        "party": [p.short_name or p.name for p in Party.objects.all()],
        "sector": list(Sector.objects.values_list("name", flat=True)),
        "street": list(Street.objects.values_list("name", flat=True)),
        "gender": [str(label) for label in Gender.labels],
        "is_standing_committee": [_("Yes"), _("No")],
        "status": [str(label) for label in MemberStatus.labels],
    }
    for col_index, (key, values) in enumerate(lists.items(), start=1):
        options.cell(row=1, column=col_index, value=str(COLUMN_BY_KEY[key].label))
        for row_index, value in enumerate(values, start=2):
            options.cell(row=row_index, column=col_index, value=value)
        letter = get_column_letter(col_index)
        target = get_column_letter([c.key for c in COLUMNS].index(key) + 1)
        validation = DataValidation(type="list", allow_blank=True,
                                    formula1=f"'{options.title}'!${letter}$2:${letter}${len(values) + 1}")
        validation.add(f"{target}2:{target}5000")
        ws.add_data_validation(validation)
    options.sheet_state = "hidden"

    notes = wb.create_sheet(_("Instructions"))
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 70
    notes.append([_("Column"), _("How to fill it in")])
    for column in COLUMNS:
        text = str(column.hint) if column.hint else ""
        if column.required:
            text = (_("Required.") + " " + text).strip()
        notes.append([str(column.label), text])
    notes.append([])
    notes.append([_("Special committees"), "、".join(SpecialCommittee.objects.values_list("name", flat=True))])
    notes.append([_("Re-import"), _("Rows whose ID number is already registered update that member.")])
    for row in notes.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return wb


# --- File checks -------------------------------------------------------------------------------------


@dataclass
class FileInfo:
    rows_estimate: int | None  # from the sheet's dimension record; None when the file has none


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}"


def check_upload_envelope(fileobj: IO[bytes], size: int) -> None:
    """What the request may check without unpacking anything: size and the zip signature."""
    max_bytes = get_parameter("members.import_max_bytes")
    if size > max_bytes:
        raise ImportFileError(_("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                              % {"size": _megabytes(size), "limit": _megabytes(max_bytes)})
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    if head != b"PK\x03\x04":
        raise ImportFileError(_("This is not an Excel .xlsx file. Save it as “Excel workbook (.xlsx)” "
                                "and upload it again."))


def inspect_file(fileobj: IO[bytes], size: int) -> FileInfo:
    """Cheap checks before a job is created: size, zip structure, unpacked size, row count (streamed,
    stopping past the limit) and header row. Raises ImportFileError."""
    max_bytes = get_parameter("members.import_max_bytes")
    if size > max_bytes:
        raise ImportFileError(_("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                              % {"size": _megabytes(size), "limit": _megabytes(max_bytes)})
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    with _open_workbook(fileobj) as opened:
        _read_header(opened.sheet)
        rows = opened.data_rows
    if rows == 0:
        raise ImportFileError(_("The sheet has no data rows below the header."))
    return FileInfo(rows_estimate=rows)


def _too_many_rows(count: int | None) -> ImportFileError:
    limit = get_parameter("members.import_max_rows")
    if count is None:
        return ImportFileError(_("The sheet has more than %(limit)s data rows; split it into smaller files.")
                               % {"limit": limit})
    return ImportFileError(_("The sheet has %(count)s data rows; at most %(limit)s can be imported at once. "
                             "Split it into smaller files.") % {"count": count, "limit": limit})


SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """Path inside the archive of the workbook's first sheet (from workbook.xml and its rels)."""
    from xml.etree import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{SPREADSHEET_NS}sheets/{SPREADSHEET_NS}sheet")
    if sheet is None:
        return None
    rel_id = sheet.get(f"{RELATIONSHIP_NS}id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{PACKAGE_REL_NS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def scan_sheet_rows(archive: zipfile.ZipFile, sheet_path: str, limit: int) -> tuple[int | None, int]:
    """(rows declared by the dimension record or None, rows counted) of a sheet, header included.

    Streams the XML and stops at the first row past `limit`: without a dimension record, openpyxl
    reads the whole sheet just to open the workbook, however many rows it has.
    """
    from xml.etree.ElementTree import iterparse

    declared = None
    counted = 0
    with archive.open(sheet_path) as source:
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{SPREADSHEET_NS}dimension":
                    declared = _rows_of_ref(element.get("ref", ""))
                elif tag == f"{SPREADSHEET_NS}row":
                    counted += 1
                    if declared is not None or counted > limit:
                        break  # a dimension record is enough; or the limit is passed
            elif tag == f"{SPREADSHEET_NS}row":
                element.clear()
    return declared, counted


def _rows_of_ref(ref: str) -> int | None:
    match = re.search(r"(\d+)$", ref.split(":")[-1])
    return int(match.group(1)) if match else None


class _open_workbook:
    """Context manager: checks the archive and the row count, then opens the workbook read-only.
    `.sheet` is the first worksheet; `.data_rows` the rows below the header (declared or counted)."""

    def __init__(self, fileobj: IO[bytes]):
        self.fileobj = fileobj
        self.workbook = None
        self.sheet = None
        self.data_rows: int = 0

    def __enter__(self):
        self.fileobj.seek(0)
        not_xlsx = ImportFileError(_("This is not an Excel .xlsx file. Save it as “Excel workbook (.xlsx)” "
                                     "and upload it again."))
        if not zipfile.is_zipfile(self.fileobj):
            raise not_xlsx
        self.fileobj.seek(0)
        max_rows = get_parameter("members.import_max_rows")
        try:
            with zipfile.ZipFile(self.fileobj) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                    raise not_xlsx
                unpacked = sum(info.file_size for info in archive.infolist())
                if unpacked > get_parameter("members.import_max_uncompressed_bytes"):
                    raise ImportFileError(_("The workbook unpacks to more data than allowed; split it into "
                                            "smaller files."))
                sheet_path = _first_sheet_path(archive)
                if sheet_path is None or sheet_path not in names:
                    raise ImportFileError(_("The workbook has no worksheet."))
                declared, counted = scan_sheet_rows(archive, sheet_path, max_rows + 1)
        except ImportFileError:
            raise
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise not_xlsx from exc
        except Exception as exc:  # noqa: BLE001 - malformed XML and the like
            raise ImportFileError(_("The workbook cannot be read; it may be damaged.")) from exc
        self.data_rows = max(0, (declared if declared is not None else counted) - 1)
        if self.data_rows > max_rows:
            raise _too_many_rows(self.data_rows if declared is not None else None)
        self.fileobj.seek(0)
        try:
            self.workbook = load_workbook(self.fileobj, read_only=True, data_only=False)
            sheets = self.workbook.worksheets
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on damaged files
            raise ImportFileError(_("The workbook cannot be read; it may be damaged.")) from exc
        if not sheets:
            raise ImportFileError(_("The workbook has no worksheet."))
        self.sheet = sheets[0]
        # Read to the real end of the sheet, not to the end its dimension record claims: a stale record
        # would otherwise silently drop the rows below it (a partial import). The row limit still holds.
        if hasattr(self.sheet, "reset_dimensions"):
            self.sheet.reset_dimensions()
        return self

    def __exit__(self, *exc_info):
        if self.workbook is not None:
            self.workbook.close()
        return False


def _read_header(ws) -> dict[int, Column]:
    """Map column positions to template columns, or raise ImportFileError."""
    try:
        first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), None)
    except Exception as exc:  # noqa: BLE001
        raise ImportFileError(_("The workbook cannot be read; it may be damaged.")) from exc
    if not first or all(v is None or str(v).strip() == "" for v in first):
        raise ImportFileError(_("The first row must hold the column headers of the template; it is empty."))
    by_label = {_norm_header(c.label): c for c in COLUMNS}
    positions: dict[int, Column] = {}
    seen: set[str] = set()
    for index, value in enumerate(first):
        label = _norm_header(value)
        column = by_label.get(label)
        if column is None:
            continue
        if column.key in seen:
            raise ImportFileError(_("The column “%(column)s” appears twice.") % {"column": column.label})
        seen.add(column.key)
        positions[index] = column
    missing = [str(c.label) for c in COLUMNS if c.required and c.key not in seen]
    if missing:
        raise ImportFileError(_("Required columns are missing: %(columns)s. Download the template and use its "
                                "header row.") % {"columns": "、".join(missing)})
    return positions


# --- Rows --------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    id_number: str
    id_hash: str


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    data_rows: int = 0

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


class _Lookups:
    """Reference data loaded once per file."""

    def __init__(self):
        self.parties: dict[str, Party] = {}
        for party in Party.objects.all():
            for key in (party.name, party.short_name):
                if key:
                    self.parties[key] = party
        self.parties.setdefault("中国共产党", self.parties.get("中共"))
        self.parties.setdefault("无党派", self.parties.get("无党派人士"))
        self.sectors = {s.name: s for s in Sector.objects.all()}
        self.streets: dict[str, Street] = {}
        for street in Street.objects.all():
            self.streets[street.name] = street
            self.streets[street.name.removesuffix("街道")] = street
        self.committees: dict[str, SpecialCommittee] = {}
        for committee in SpecialCommittee.objects.all():
            self.committees[committee.name] = committee
            self.committees[committee.name.removesuffix("委员会") + "委"] = committee
        self.terms: dict[str, Term] = {}
        for term in Term.objects.all():
            for key in (str(term.number), f"第{term.number}届", f"第{chinese_numeral(term.number)}届",
                        chinese_numeral(term.number), f"{chinese_numeral(term.number)}届"):
                self.terms[key] = term
        today = timezone.localdate()
        self.default_term = (Term.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
                             or Term.objects.order_by("-number").first())
        self.genders = {str(label): value for value, label in Gender.choices}
        self.genders.update({"男性": Gender.MALE, "女性": Gender.FEMALE, "male": Gender.MALE,
                             "female": Gender.FEMALE})
        self.statuses = {str(label): value for value, label in MemberStatus.choices}
        self.statuses.update({"在职": MemberStatus.SERVING, "现任": MemberStatus.SERVING})


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_workbook(fileobj: IO[bytes], *, progress: Callable[[int], None] | None = None,
                   progress_every: int = 500) -> ParseResult:
    """Validate every row of a member workbook. File-level problems raise ImportFileError; row
    problems are collected (every bad cell of every row) so that one report lists them all."""
    max_rows = get_parameter("members.import_max_rows")
    lookups = _Lookups()
    result = ParseResult()
    seen_ids: dict[str, int] = {}
    with _open_workbook(fileobj) as opened:
        ws = opened.sheet
        positions = _read_header(ws)
        result.present = {c.key for c in positions.values()}
        try:
            rows = ws.iter_rows(min_row=2)
            for row_number, cells in enumerate(rows, start=2):
                # Keyed by column key: hashing a Column would hash its lazily translated label.
                cells = {positions[i]: cell for i, cell in enumerate(cells) if i in positions}
                if all(cell.value is None or _text(cell.value) == "" for cell in cells.values()):
                    continue
                result.data_rows += 1
                if result.data_rows > max_rows:
                    raise _too_many_rows(None)
                _parse_row(row_number, cells, lookups, result, seen_ids)
                if progress is not None and result.data_rows % progress_every == 0:
                    progress(result.data_rows)
        except ImportFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged sheet in the middle of the file
            raise ImportFileError(_("The workbook cannot be read; it may be damaged.")) from exc
    if result.data_rows == 0:
        raise ImportFileError(_("The sheet has no data rows below the header."))
    return result


def _parse_row(row_number: int, cells: dict, lookups: _Lookups, result: ParseResult,
               seen_ids: dict[str, int]) -> None:
    errors: list[RowError] = []

    def error(key: str, message: str) -> None:
        errors.append(RowError(row=row_number, column=str(COLUMN_BY_KEY[key].label), message=message))

    raw: dict[str, Any] = {}
    for column, cell in cells.items():
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
            error(column.key, _("Formulas are not accepted; paste the values instead."))
            continue
        raw[column.key] = cell.value
    formula_keys = {c.key for c, cell in cells.items()} - set(raw)
    values: dict[str, Any] = {}

    name = _text(raw.get("name"))
    if "name" not in formula_keys:
        if not name:
            error("name", _("The name is missing."))
        elif len(name) > 30:
            error("name", _("The name is longer than 30 characters."))
    values["name"] = name

    id_number = ""
    id_hash = ""
    raw_id = raw.get("id_number")
    if "id_number" not in formula_keys:
        if isinstance(raw_id, (int, float)):
            error("id_number", _("The ID number is stored as a number, which loses digits; format the column "
                                 "as text and type it again."))
        else:
            try:
                id_number = personal_data.validate_id_number(_text(raw_id))
            except ValidationError as exc:
                shown = mask_id_number(_text(raw_id))
                message = exc.messages[0]
                error("id_number", f"{message}（{shown}）" if shown else message)
            else:
                id_hash = personal_data.lookup_hash(id_number)
                first = seen_ids.get(id_hash)
                if first is not None:
                    error("id_number", _("The same ID number is already on row %(row)s.") % {"row": first})
                else:
                    seen_ids[id_hash] = row_number

    if "gender" in raw:
        text = _text(raw["gender"])
        gender = lookups.genders.get(text, "") if text else ""
        if text and not gender:
            error("gender", _("Unknown gender “%(value)s”.") % {"value": text})
        elif gender and id_number and gender != personal_data.gender_from_id(id_number):
            error("gender", _("The gender does not match the ID number."))
    if id_number:
        values["gender"] = personal_data.gender_from_id(id_number)

    if "birth_date" in raw:
        birth = _parse_date(raw["birth_date"])
        if birth is False:
            error("birth_date", _("“%(value)s” is not a valid date (use YYYY-MM-DD).")
                  % {"value": _text(raw["birth_date"])[:20]})
        elif birth and id_number and birth != personal_data.birth_date_from_id(id_number):
            error("birth_date", _("The birth date does not match the ID number."))
    if id_number:
        values["birth_date"] = personal_data.birth_date_from_id(id_number)

    if "mobile" in raw:
        try:
            values["mobile"] = personal_data.validate_mobile(_text(raw["mobile"]))
        except ValidationError as exc:
            error("mobile", exc.messages[0] + f"（{_text(raw['mobile'])[:3]}…）")

    for key, table, message in (
        ("party", lookups.parties, _("Unknown party “%(value)s”.")),
        ("sector", lookups.sectors, _("Unknown sector “%(value)s”.")),
    ):
        if key in formula_keys:
            continue
        text = _text(raw.get(key))
        if not text:
            error(key, _("This column is required."))
        elif table.get(text) is None:
            error(key, message % {"value": text[:30]})
        else:
            values[key] = table[text]

    if "street" in raw:
        text = _text(raw["street"])
        if text and text not in lookups.streets:
            error("street", _("Unknown street “%(value)s”.") % {"value": text[:30]})
        values["street"] = lookups.streets.get(text) if text else None

    if "special_committees" in raw:
        names = [n for n in LIST_SEPARATORS.split(_text(raw["special_committees"])) if n]
        unknown = [n for n in names if n not in lookups.committees]
        if unknown:
            error("special_committees",
                  _("Unknown special committee “%(value)s”.") % {"value": "、".join(unknown)[:60]})
        values["special_committees"] = list({lookups.committees[n].pk: lookups.committees[n]
                                             for n in names if n in lookups.committees}.values())

    if "term" in raw and _text(raw["term"]):
        text = _text(raw["term"])
        if text not in lookups.terms:
            error("term", _("Unknown term “%(value)s”.") % {"value": text[:20]})
        values["term"] = lookups.terms.get(text)
    else:
        values["term"] = lookups.default_term

    if "is_standing_committee" in raw:
        text = _text(raw["is_standing_committee"]).lower()
        if text in YES:
            values["is_standing_committee"] = True
        elif text in NO:
            values["is_standing_committee"] = False
        else:
            error("is_standing_committee", _("Write yes or no."))

    if "status" in raw:
        text = _text(raw["status"])
        if text and text not in lookups.statuses:
            error("status", _("Unknown status “%(value)s”.") % {"value": text[:20]})
        values["status"] = lookups.statuses.get(text, MemberStatus.SERVING)

    for key, limit in (("ethnic_group", 20), ("employer", 100), ("job_title", 100)):
        if key in raw:
            text = _text(raw[key])
            if len(text) > limit:
                error(key, _("Longer than %(limit)s characters.") % {"limit": limit})
            values[key] = text or ("汉族" if key == "ethnic_group" else "")

    if errors:
        result.errors.extend(errors)
    else:
        result.rows.append(ParsedRow(row=row_number, values=values, id_number=id_number, id_hash=id_hash))


def _parse_date(value: Any) -> date | None | bool:
    """A date, None for an empty cell, or False for something that is not a date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = str(value).strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return False
