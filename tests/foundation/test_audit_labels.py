"""The audit log reads as sentences for the auditor: every action code written anywhere has a Chinese label, the
object is named, details are labelled text, the log filters by person, action, object and date, and exports."""

import io
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import make_user
from zhongyuan_cppcc.audit.labels import action_label, details_text
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.audit.services import audit_record

ROOT = Path(settings.BASE_DIR)
SOURCE_DIRS = ["zhongyuan_cppcc", "proposals", "members", "opinions", "consultations", "scripts"]
# A literal action code: audit_record(action="auth.login"), ExcelExport(audit_action="…"), _denied("…", …).
LITERAL = re.compile(r"""(?:\baction\s*=\s*|\baudit_action\s*=\s*|_denied\(\s*)["']([a-z_]+\.[a-z_.]+)["']""")
CJK = re.compile(r"[\u4e00-\u9fff]")


def written_codes() -> set[str]:
    codes = set()
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            codes |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    return codes


def verb_codes() -> set[str]:
    """Codes made from a verb: proposals' transitions (f"proposals.{verb}"), the workflow engine's
    (f"{app_label}.{verb}") and the admin's f"{app}.{model}_created|changed" (members/admin.py)."""
    from proposals.workflow import Verb
    from zhongyuan_cppcc.workflow.engine import workflows

    codes = {f"proposals.{verb}" for verb in Verb.values}
    for workflow in workflows():
        codes |= {f"{workflow.app_label}.{verb}" for verb in workflow.Verb.values}
    for model in admin.site._registry:
        if model._meta.app_label == "members":
            codes |= {f"members.{model._meta.model_name}_{suffix}" for suffix in ("created", "changed")}
    return codes


def test_the_scan_finds_the_codes_the_code_base_writes():
    codes = written_codes()
    assert {"auth.login", "members.import_finished", "proposals.exported", "accounts.grant_refused",
            "audit.exported"} <= codes


def test_every_action_code_written_anywhere_has_a_chinese_label():
    missing = sorted(code for code in written_codes() | verb_codes() if not action_label(code))
    assert not missing, f"audit actions without a label in zhongyuan_cppcc/audit/labels.py: {missing}"
    untranslated = sorted(code for code in written_codes() | verb_codes() if not CJK.search(action_label(code)))
    assert not untranslated, f"labels without a Chinese translation: {untranslated}"


def test_labels_read_as_chinese():
    assert action_label("auth.login") == "登录"
    assert action_label("members.import_finished") == "委员导入完成"
    assert action_label("proposals.register") == "提案：立案"
    assert action_label("nobody.wrote_this") is None


def test_details_are_labelled_text_not_a_python_dict():
    text = details_text({"rows": 3, "filters": {"category": "urban", "year": 2024}, "full_personal_data": False,
                         "fields": ["mobile", "employer"]})
    assert text == "行数：3；筛选条件：类别：urban；年度：2024；完整个人信息：否；字段：mobile、employer"
    assert "{" not in text and "'" not in text


@pytest.mark.django_db
def test_field_names_and_coded_filter_values_read_as_chinese_for_the_rows_object_type():
    from members.models import HandlingUnit

    unit = HandlingUnit.objects.create(name="区住建局（审计测试）")
    text = details_text({"rows": 3, "filters": {"category": "urban", "year": 2024, "suggested_lead_unit": unit.pk},
                         "fields": ["title", "category", "no_such_field"]}, "proposals.proposal")
    assert "类别：城市建设与管理" in text and "年度：2024" in text and "：区住建局（审计测试）" in text
    assert "字段：案由、类别、no_such_field" in text and "urban" not in text and "suggested_lead_unit" not in text
    assert "filters" not in text and "{" not in text
    # An unknown type or a value that is not a code stays as written, never an error.
    assert details_text({"fields": ["x"]}, "nobody.nothing") == "字段：x"
    assert "类别：<b>" in details_text({"filters": {"category": "<b>"}}, "proposals.proposal")


@pytest.mark.django_db
class TestAuditLogPage:
    def test_rows_read_as_sentences(self, client_for):
        auditor = make_user("auditor")
        person = make_user("member", username="zhangsan", full_name="张三")
        audit_record(action="auth.login", actor=person, obj=person)
        AuditEvent.objects.create(action="accounts.user_changed", actor_username="admin",
                                  object_type="accounts.user", object_id=str(person.pk),
                                  details={"fields": ["full_name"]})
        page = client_for(auditor).get(reverse("audit-list")).content.decode()
        table = page.split("<tbody>")[1].split("</tbody>")[0]  # the rows (the filter's options hold the codes)
        assert "登录" in table and "auth.login" not in table and "accounts.user_changed" not in table
        assert "修改账号" in table and "张三（zhangsan）" in table
        # The object by its type and name, even when the row was written without a name.
        assert f"#{person.pk}" not in table and "accounts.user" not in table
        assert "用户</span>：张三" in table
        assert "字段：</span>姓名" in table and "full_name" not in table and "{" not in table

    def test_filters_by_person_action_object_and_date(self, client_for):
        auditor = make_user("auditor")
        alice = make_user("member", username="alice", full_name="李四")
        with time_machine.travel(datetime(2024, 1, 10, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False):
            audit_record(action="auth.login", actor=alice, obj=alice)
        with time_machine.travel(datetime(2024, 2, 10, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False):
            audit_record(action="members.import_finished", actor_username="bob", object_type="members.member",
                         details={"rows": 5})
        client = client_for(auditor)

        def actions(**params) -> list[str]:
            page = client.get(reverse("audit-list"), params).content.decode()
            return re.findall(r'data-testid="action">([^<]*)<', page)

        assert actions(person="李四") == ["登录"]
        assert actions(person="bob") == ["委员导入完成"]
        assert actions(action="auth.login", person="李四") == ["登录"]
        assert actions(action="members") == ["委员导入完成"]
        assert actions(object_type="members.member") == ["委员导入完成"]
        assert actions(object="李四") == ["登录"]
        assert actions(date_from="2024-02-01", date_to="2024-03-01") == ["委员导入完成"]
        assert actions(date_to="2024-01-31") == ["登录"]
        # Bad input: the whole log and a Chinese notice.
        response = client.get(reverse("audit-list"), {"date_from": "2024-02-01", "date_to": "2024-01-01"})
        assert response.status_code == 200 and "开始日期晚于结束日期" in response.content.decode()
        assert len(actions(action="no.such_code", date_from="garbage")) >= 2

    def test_export_holds_the_filtered_log_and_is_audited(self, client_for):
        auditor = make_user("auditor")
        audit_record(action="auth.login", actor_username="alice", details={"rows": 2})
        audit_record(action="auth.logout", actor_username="alice")
        client = client_for(auditor)
        query = {"action": "auth.login", "person": "alice"}
        page = client.get(reverse("audit-list"), query).content.decode()
        assert reverse("audit-export") in page and 'name="action" value="auth.login"' in page
        response = client.post(reverse("audit-export"), query)
        assert response.status_code == 200
        assert "审计日志" in unquote(response["Content-Disposition"])
        content = b"".join(response.streaming_content)
        rows = [list(r) for r in load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
                .iter_rows(values_only=True)]
        assert rows[0][:3] == ["时间", "人员", "操作"]
        assert len(rows) == 2 and rows[1][2] == "登录" and rows[1][7] == "行数：2"
        assert AuditEvent.objects.filter(action="audit.exported", actor=auditor).exists()
        for role in ("member", "secadmin", "sysadmin", "proposal_officer"):
            assert client_for(make_user(role)).post(reverse("audit-export")).status_code == 403


@pytest.mark.django_db
def test_the_ledgers_codes_read_as_the_points_rules_words():
    """Activities and ledger rows are audited with their codes ("contribution" / "investment"): the auditor reads
    the kind's label and the points rule's description; another app's "kind" without a sub-kind is left alone."""
    from members.models import LedgerKind, LedgerRule
    from zhongyuan_cppcc.audit.labels import detail_label, details_lines

    rule = LedgerRule.objects.filter(kind=LedgerKind.CONTRIBUTION).first()
    assert rule is not None, "the points rules are reference data"
    lines = dict(details_lines({"kind": rule.kind, "subkind": rule.subkind, "participants": 3}, "members.activity"))
    assert lines[detail_label("kind")] == str(LedgerKind(rule.kind).label)
    assert lines[detail_label("subkind")] == rule.label
    assert dict(details_lines({"kind": "contribution"}, ""))[detail_label("kind")] == "contribution"


@pytest.mark.django_db
def test_a_generic_relation_in_the_details_reads_as_its_text():
    """A ledger row's `source` is a generic relation ("session:177"): it has no model to look a name up in, so
    the auditor reads the text (the audit list on the demo answered 500 on such a row)."""
    from zhongyuan_cppcc.audit.labels import detail_label, details_lines

    lines = dict(details_lines({"source": "session:177", "points": 2}, "members.ledgerevent"))
    assert lines[detail_label("source")] == "session:177"


@pytest.mark.django_db
def test_the_details_foreign_keys_are_named_with_one_query_per_model_whatever_the_number_of_rows():
    """The audit list names the rows its details point to (a unit id reads as the unit's name): one query per
    related model for the whole page, not one per value (the list ran one more query for each new unit)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.models import HandlingUnit
    from zhongyuan_cppcc.audit.labels import describe, detail_label

    units = [HandlingUnit.objects.create(name=f"区审计测试局{i}") for i in range(12)]

    def rows(n):
        events = [AuditEvent(action="proposals.assigned", object_type="proposals.proposal", object_id="1",
                             object_repr="提案", actor_username="someone",
                             details={"lead_unit": unit.pk, "suggested_co_units": [u.pk for u in units[:2]]})
                  for unit in units[:n]]
        events.append(AuditEvent(action="proposals.assigned", object_type="proposals.proposal", object_id="2",
                                 object_repr="提案", actor_username="someone",
                                 details={"lead_unit": "99999999999999999999999", "filters": {"lead_unit": "abc"}}))
        with CaptureQueriesContext(connection) as queries:
            describe(events)
        return events, len(queries)

    few, few_queries = rows(2)
    many, many_queries = rows(12)
    assert few_queries == many_queries == 1
    lead = detail_label("lead_unit")
    assert [dict(e.detail_lines)[lead] for e in many[:12]] == [u.name for u in units]
    assert units[1].name in dict(many[0].detail_lines)[detail_label("suggested_co_units")]
    assert dict(many[-1].detail_lines)[lead] == "99999999999999999999999"  # no such row: its key
