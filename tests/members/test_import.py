"""Excel import: the template, row validation (all or nothing), re-import, bad files, the async path."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from members import importing, services
from members.importing import COLUMNS, ImportFileError, build_template, inspect_file, parse_workbook
from members.models import ImportJob, ImportStatus, Member
from members.personal_data import decrypt
from members.tasks import member_import_resume, member_import_task
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.core.parameters import set_parameter

from .factories import MemberFactory, make_id_number, term10

IMPORT = reverse("members:import")
HEADERS = [f"{c.label}*" if c.required else str(c.label) for c in COLUMNS]
KEYS = [c.key for c in COLUMNS]


def row(**values) -> list:
    """One data row in template column order; defaults make a valid member."""
    n = values.pop("n", 1)
    defaults = {
        "name": f"导入委员{n}", "id_number": make_id_number(1000 + n), "mobile": f"138{n:08d}",
        "party": "民盟", "sector": "教育界", "employer": "中原区实验中学", "job_title": "教师",
        "term": "第十届", "is_standing_committee": "否", "special_committees": "提案委员会",
        "street": "林山寨街道", "status": "在任",
    }
    defaults.update(values)
    return [defaults.get(key) for key in KEYS]


def xlsx(rows: list[list], headers: list | None = None, *, from_template: bool = False) -> bytes:
    if from_template:
        wb = build_template()
        ws = wb.worksheets[0]
    else:
        wb = Workbook()
        ws = wb.active
        ws.append(headers if headers is not None else HEADERS)
    for values in rows:
        ws.append(values)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def post_only(client, content: bytes, name: str = "members.xlsx"):
    """The request alone: it stores the file and queues the job (nothing runs in these tests' transaction)."""
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def upload(client, content: bytes, name: str = "members.xlsx"):
    """The request, then the queued job run as the worker runs it."""
    response = post_only(client, content, name)
    if response.status_code == 302:
        member_import_task(ImportJob.objects.latest("pk").pk)
    return response


@pytest.fixture
def client(client_for, officer, term):
    return client_for(officer)


# --- Template --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_template_download(client):
    response = client.get(reverse("members:import-template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == HEADERS
    assert "民盟" in [c.value for c in wb["选项"]["A"]]
    assert wb["填写说明"]["A1"].value == "列"
    # The untouched template is an empty file, said so in Chinese.
    _assert_refused(upload(client, response.content), "没有数据行")


@pytest.mark.django_db
def test_good_file_imports_every_row(client, officer):
    rows = [row(n=i) for i in range(1, 6)]
    rows[0] = row(n=1, name="张三", is_standing_committee="是", special_committees="提案委员会、经济委员会")
    response = upload(client, xlsx(rows, from_template=True))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("members:import-detail", args=[job.pk])
    assert job.status == ImportStatus.SUCCEEDED and (job.created_count, job.updated_count) == (5, 0)
    zs = Member.objects.get(name="张三")
    assert (zs.name_initials, zs.is_standing_committee, zs.street.name) == ("zs", True, "林山寨街道")
    assert sorted(zs.special_committees.values_list("name", flat=True)) == ["提案委员会", "经济委员会"]
    assert list(zs.terms.all()) == [term10()]
    assert decrypt(zs.id_number_encrypted) == make_id_number(1001)
    assert zs.birth_date == date(1980, 5, 17) and zs.gender == "male"
    assert not job.file, "the uploaded workbook (with ID numbers) is deleted after the import"
    page = client.get(reverse("members:import-detail", args=[job.pk])).content.decode()
    assert "导入完成" in page and "hx-trigger" not in page
    assert AuditEvent.objects.filter(action="members.imported", details__created=5).exists()


# --- Row errors: nothing is imported, every bad row is reported --------------------------------------

BAD_ROWS = [
    ("missing name", dict(name=""), "姓名", "缺少姓名"),
    ("bad ID checksum", dict(id_number=make_id_number(1003)[:17] + "0"), "身份证号", "校验位"),
    ("ID too short", dict(id_number="4101021980"), "身份证号", "18 位"),
    ("ID as a number", dict(id_number=410102198005170123), "身份证号", "文本格式"),
    ("unknown party", dict(party="民主党"), "党派", "无法识别的党派"),
    ("unknown sector", dict(sector="金融界"), "界别", "无法识别的界别"),
    ("unknown street", dict(street="长安街道"), "街道政协工委", "无法识别的街道"),
    ("bad date", dict(birth_date="1980-02-30"), "出生日期", "不是有效日期"),
    ("date not matching the ID", dict(birth_date="1981-05-17"), "出生日期", "不一致"),
    ("bad phone", dict(mobile="1234567"), "手机号", "11 位"),
    ("formula", dict(employer="=HYPERLINK(\"x\")"), "工作单位", "公式"),
    ("unknown term", dict(term="第九十届"), "届次", "无法识别的届次"),
    ("bad yes/no", dict(is_standing_committee="也许"), "常委", "是"),
    ("unknown committee", dict(special_committees="外事委员会"), "专委会", "无法识别的专委会"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "bad", "column", "text"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_one_bad_row_imports_nothing(client, case, bad, column, text):
    rows = [row(n=1), row(n=2), row(n=3, **bad), row(n=4)]
    response = upload(client, xlsx(rows))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REJECTED
    assert Member.objects.count() == 0
    assert job.error_count == 1
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, column)]
    assert text in job.errors[0]["message"]
    page = client.get(reverse("members:import-detail", args=[job.pk])).content.decode()
    assert "未导入任何数据" in page and text in page


@pytest.mark.django_db
def test_every_bad_row_is_listed_and_id_numbers_stay_masked(client):
    bad_id = make_id_number(1002)[:17] + ("1" if make_id_number(1002)[17] != "1" else "2")
    rows = [row(n=1), row(n=2, name="", party="民主党"), row(n=3, id_number=bad_id), row(n=4),
            row(n=5, id_number=make_id_number(1004))]  # same ID as row 5 (n=4) -> duplicate
    job_response = upload(client, xlsx(rows))
    assert job_response.status_code == 302
    job = ImportJob.objects.get()
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {(3, "姓名"), (3, "党派"), (4, "身份证号"), (6, "身份证号")}
    assert job.error_count == 3
    assert any("第 5 行" in e["message"] for e in job.errors)
    stored = str(job.errors) + job.message
    assert bad_id not in stored and make_id_number(1004) not in stored
    assert bad_id[:3] + "*" * 11 + bad_id[-4:] in stored
    assert Member.objects.count() == 0


@pytest.mark.django_db
def test_parse_reports_every_error_of_a_row(term):
    result = parse_workbook(io.BytesIO(xlsx([row(n=1, name="", sector="", mobile="12")])))
    assert {e.column for e in result.errors} == {"姓名", "界别", "手机号"}
    assert result.error_rows == 1 and result.rows == []


# --- Re-import: matched by ID number --------------------------------------------------------------------


@pytest.mark.django_db
def test_reimport_updates_instead_of_duplicating(client):
    existing = MemberFactory(name="张三", id_number=make_id_number(1001), employer="旧单位")
    rows = [row(n=1, name="张三", employer="新单位", special_committees=""), row(n=2)]
    upload(client, xlsx(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.SUCCEEDED and (job.created_count, job.updated_count) == (1, 1)
    existing.refresh_from_db()
    assert existing.employer == "新单位" and existing.search_text.endswith("新单位")
    assert Member.objects.count() == 2
    # The same file once more: two updates, still two members.
    upload(client, xlsx(rows))
    latest = ImportJob.objects.order_by("-pk").first()
    assert (latest.created_count, latest.updated_count) == (0, 2)
    assert Member.objects.count() == 2


@pytest.mark.django_db
def test_columns_absent_from_the_file_are_left_alone(client):
    member = MemberFactory(id_number=make_id_number(1001), employer="原单位", mobile="13700000000")
    headers = ["姓名", "身份证号", "党派", "界别"]
    upload(client, xlsx([["新名字", make_id_number(1001), "民盟", "教育界"]], headers=headers))
    member.refresh_from_db()
    assert (member.name, member.employer, member.mobile) == ("新名字", "原单位", "13700000000")


# --- Bad files -----------------------------------------------------------------------------------------


def _assert_refused(response, text: str):
    """Refused by the request (size, empty, not a zip: the form says why, no job) or by the job
    (everything that needs unpacking: the job page says why, the file is gone); nothing imported."""
    if response.status_code == 200:
        html = response.content.decode()
        assert text in html, html[:2000]
        assert ImportJob.objects.count() == 0
    else:
        assert response.status_code == 302
        job = ImportJob.objects.latest("pk")
        assert job.status == ImportStatus.FAILED and text in job.message, job.message
        assert not job.file
    assert Member.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "text"), [
    ("members.csv", "姓名,身份证号\n张三,1\n".encode(), ".xlsx"),
    ("members.xlsx", "姓名,身份证号\n张三,1\n".encode(), "不是 Excel .xlsx 文件"),
    ("members.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, "不是 Excel .xlsx 文件"),  # old .xls
    ("members.xlsx", b"", "空文件"),
])
def test_not_an_xlsx_file(client, name, content, text):
    _assert_refused(upload(client, content, name=name), text)


@pytest.mark.django_db
def test_zip_that_is_not_a_workbook(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    _assert_refused(upload(client, buffer.getvalue()), "不是 Excel .xlsx 文件")


@pytest.mark.django_db
def test_damaged_workbook(client):
    content = xlsx([row(n=1)])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = data[: len(data) // 2]  # cut in the middle of the XML
            target.writestr(info, data)
    _assert_refused(upload(client, buffer.getvalue()), "无法读取")


@pytest.mark.django_db
def test_empty_sheet_and_header_only(client):
    _assert_refused(upload(client, xlsx([], headers=[])), "第一行应为模板的列标题")
    _assert_refused(upload(client, xlsx([])), "没有数据行")
    # Blank rows under the header: the sheet declares rows, so a job is made; it fails, clearly.
    assert upload(client, xlsx([[None] * len(HEADERS)] * 3)).status_code == 302
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportStatus.FAILED and "没有数据行" in job.message and Member.objects.count() == 0


@pytest.mark.django_db
def test_wrong_columns(client):
    wrong = upload(client, xlsx([["a", "b"]], headers=["编号", "名称"]))
    _assert_refused(wrong, "缺少必填列：姓名、身份证号、党派、界别")
    _assert_refused(upload(client, xlsx([row(n=1)], headers=HEADERS[:-1] + ["姓名"])), "“姓名”列出现了两次")


@pytest.mark.django_db
def test_fifty_megabyte_upload_is_refused_while_arriving(client, settings, tmp_path):
    content = b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024)
    response = upload(client, content)
    _assert_refused(response, "文件过大")
    media = tmp_path / "media" / "member-imports"
    assert not media.exists() or not any(media.iterdir())


@pytest.mark.django_db
def test_unpacked_size_limit(client):
    set_parameter(key="members.import_max_uncompressed_bytes", value=2048)
    _assert_refused(upload(client, xlsx([row(n=i) for i in range(1, 30)])), "解压后的数据量超过上限")


def _huge_sheet(rows: int, *, dimension: bool, declare: int | None = None) -> bytes:
    """A real .xlsx with `rows` data rows, written as XML directly (openpyxl would take minutes)."""
    content = io.BytesIO()
    header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADERS)
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main">')
            if dimension:
                sheet.write(f'<dimension ref="A1:O{(declare or rows) + 1}"/>'.encode())
            sheet.write(f"<sheetData><row>{header}</row>".encode())
            line = '<row><c t="inlineStr"><is><t>某某</t></is></c><c><v>1</v></c></row>'.encode()
            for start in range(0, rows, 10_000):
                sheet.write(line * min(10_000, rows - start))
            sheet.write(b"</sheetData></worksheet>")
    return content.getvalue()


@pytest.fixture(scope="module")
def million_rows_with_dimension():
    return _huge_sheet(1_000_000, dimension=True)


@pytest.fixture(scope="module")
def million_rows_without_dimension():
    return _huge_sheet(1_000_000, dimension=False)


@pytest.mark.django_db
def test_million_row_sheet_is_refused_at_once(client, million_rows_with_dimension):
    assert len(million_rows_with_dimension) < 20 * 1024 * 1024  # it passes the size check
    _assert_refused(upload(client, million_rows_with_dimension), "一次最多导入 20000 行")


@pytest.mark.django_db
def test_million_row_sheet_without_dimension_is_refused_after_reading_past_the_limit_only(
        client, million_rows_without_dimension):
    _assert_refused(upload(client, million_rows_without_dimension), "超过 20000 行")
    with zipfile.ZipFile(io.BytesIO(million_rows_without_dimension)) as archive:
        assert importing.scan_sheet_rows(archive, "xl/worksheets/sheet1.xml", 100) == (None, 101)


@pytest.mark.django_db
def test_a_sheet_lying_about_its_size_stops_at_the_limit(client, monkeypatch):
    """A dimension record claiming 10 rows over 100,000: reading stops at the first row past the limit."""
    set_parameter(key="members.import_max_rows", value=500)
    content = _huge_sheet(100_000, dimension=True, declare=10)
    parsed = []
    original = importing._parse_row
    monkeypatch.setattr(importing, "_parse_row", lambda n, *a: (parsed.append(n), original(n, *a)))
    response = upload(client, content)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.run_async
    assert job.status == ImportStatus.FAILED and "超过 500 行" in job.message
    assert len(parsed) == 500 and Member.objects.count() == 0 and not job.file


# --- The background path (logic, in-process; a real worker runs in test_tasks.py) ------------------------


@pytest.mark.django_db
def test_large_file_is_queued_after_commit_and_shows_progress(client, django_capture_on_commit_callbacks):
    set_parameter(key="members.import_sync_max_rows", value=5)
    content = xlsx([row(n=i) for i in range(1, 21)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_only(client, content)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.run_async, job.total_rows) == (ImportStatus.PENDING, True, None)
    assert len(callbacks) == 1 and Member.objects.count() == 0
    progress_url = reverse("members:import-progress", args=[job.pk])
    waiting = client.get(progress_url).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "<progress" in waiting
    member_import_task(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED and job.created_count == 20 and job.percent == 100
    done = client.get(progress_url).content.decode()
    assert "hx-trigger" not in done and "导入完成" in done
    # A duplicate delivery of the task does nothing.
    member_import_task(job.pk)
    assert Member.objects.count() == 20


@pytest.mark.django_db
def test_enqueue_failure_leaves_the_job_for_the_scan(client, django_capture_on_commit_callbacks, monkeypatch):
    set_parameter(key="members.import_sync_max_rows", value=1)
    with django_capture_on_commit_callbacks(execute=True):
        post_only(client, xlsx([row(n=1), row(n=2)]))  # the broker may or may not be reachable: both are fine
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    sent = []
    monkeypatch.setattr("members.tasks.enqueue", lambda task, *args: sent.append(args))
    if ImportJob.objects.get(pk=job.pk).status == ImportStatus.PENDING:
        assert member_import_resume() == 1 and sent == [(job.pk,)]


@pytest.mark.django_db
def test_stalled_job_is_claimed_again(client):
    set_parameter(key="members.import_sync_max_rows", value=1)
    post_only(client, xlsx([row(n=1), row(n=2)]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING,
                                               heartbeat_at=timezone.now() - timedelta(hours=1))
    assert member_import_resume() >= 0
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED and Member.objects.count() == 2
    # A job that is running (fresh heartbeat) is not taken over.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, heartbeat_at=timezone.now())
    services.import_job_run(job_id=job.pk)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.IMPORTING


@pytest.mark.django_db
def test_inspect_counts_rows_when_the_sheet_has_no_dimension():
    small = _huge_sheet(7, dimension=False)
    assert inspect_file(io.BytesIO(small), len(small)).rows_estimate == 7
    large = _huge_sheet(50, dimension=False)
    assert inspect_file(io.BytesIO(large), len(large)).rows_estimate == 50
    with pytest.raises(ImportFileError):
        inspect_file(io.BytesIO(b"x" * 10), 10)


@pytest.mark.django_db
def test_other_roles_cannot_import(client_for, leader):
    assert client_for(leader).post(IMPORT, {"file": SimpleUploadedFile("m.xlsx", xlsx([row(n=1)]))}).status_code == 403
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_stale_dimension_record_does_not_drop_rows(client):
    content = xlsx([row(n=i) for i in range(1, 6)])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:O6"' in data
                data = data.replace(b'<dimension ref="A1:O6"', b'<dimension ref="A1:O2"')
            target.writestr(info, data)
    upload(client, buffer.getvalue())
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.SUCCEEDED and job.created_count == 5 and Member.objects.count() == 5


@pytest.mark.django_db
def test_unexpected_failure_imports_nothing_and_logs_no_id_number(client, monkeypatch, caplog):
    number = make_id_number(1001)

    def explode(parsed, **kwargs):
        Member.objects.create(name="半截", party_id=1, sector_id=1, gender="male")
        raise ValueError(f"cell {number} broke something")

    monkeypatch.setattr("members.services.imports._import_rows", explode)
    response = upload(client, xlsx([row(n=1)]))
    job = ImportJob.objects.get()
    assert response.status_code == 302  # the job page explains; never a 500
    assert job.status == ImportStatus.FAILED and "未导入任何数据" in job.message
    assert Member.objects.count() == 0 and not job.file
    assert "ValueError" in caplog.text and number not in caplog.text


# --- Issue 13: the request never unpacks the workbook; the job does, under limits ----------------------


@pytest.mark.django_db
def test_the_request_only_stores_and_queues_the_workbook(client, monkeypatch, django_capture_on_commit_callbacks):
    def forbidden(*args, **kwargs):
        raise AssertionError("the request unpacked the workbook")

    monkeypatch.setattr(importing, "inspect_file", forbidden)
    monkeypatch.setattr(importing, "parse_workbook", forbidden)
    monkeypatch.setattr(importing.zipfile, "ZipFile", forbidden)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_only(client, xlsx([row(n=1)]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportStatus.PENDING and job.file
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_a_zip_bomb_fails_in_the_job_before_anything_is_unpacked(client, monkeypatch):
    """A workbook whose entries declare more unpacked bytes than allowed: refused from the zip directory,
    without reading (inflating) any entry."""
    set_parameter(key="members.import_max_uncompressed_bytes", value=64 * 1024)
    content = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([row(n=1)]))) as source, \
            zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/media/bomb.bin", b"\0" * (5 * 1024 * 1024))  # 5 MB of zeros, a few KB packed
    reads = []
    original_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: (reads.append(name),
                                                                            original_open(self, name, *a, **k))[1])
    response = upload(client, content.getvalue())
    assert len(content.getvalue()) < 200 * 1024
    _assert_refused(response, "解压后的数据量超过上限")
    assert "xl/media/bomb.bin" not in [getattr(n, "filename", n) for n in reads]


def test_the_import_task_has_time_limits_and_a_memory_cap():
    import resource

    from members.tasks import IMPORT_MEMORY_LIMIT_BYTES, memory_cap

    assert member_import_task.soft_time_limit and member_import_task.time_limit > member_import_task.soft_time_limit
    before = resource.getrlimit(resource.RLIMIT_AS)
    with memory_cap(IMPORT_MEMORY_LIMIT_BYTES):
        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
        assert soft != resource.RLIM_INFINITY
        with pytest.raises(MemoryError):
            bytearray(IMPORT_MEMORY_LIMIT_BYTES + 64 * 1024 * 1024)
    assert resource.getrlimit(resource.RLIMIT_AS) == before
