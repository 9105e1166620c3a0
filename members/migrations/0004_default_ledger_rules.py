"""Default points rules of the duty-performance ledger. Member officers edit them afterwards; the
sub-kind codes of proposals, opinions, consultations and supervision are what those apps send."""

from decimal import Decimal

from django.db import migrations

# (kind, subkind, label, points, annual cap, unit)
RULES = [
    ("proposal", "lead", "提案第一提案人（立案）", 5, 25, "件"),
    ("proposal", "cosigner", "联名提案附议人（立案）", 2, 10, "件"),
    ("proposal", "key", "提案被列为重点提案", 5, 10, "件"),
    ("proposal", "excellent", "提案被评为优秀提案", 10, 20, "件"),
    ("opinion", "adopted_district", "社情民意信息被区政协采用", 1, 10, "篇"),
    ("opinion", "adopted_city", "社情民意信息被市政协采用", 3, 15, "篇"),
    ("opinion", "adopted_province", "社情民意信息被省政协采用", 5, 20, "篇"),
    ("opinion", "adopted_national", "社情民意信息被全国政协采用", 10, 20, "篇"),
    ("opinion", "instruction", "社情民意信息获领导批示", 5, 20, "篇"),
    ("consultation", "session", "参加协商活动", 3, 15, "次"),
    ("consultation", "topic", "提出协商议题被采纳", 2, 10, "个"),
    ("supervision", "visit", "参加协商式监督", 3, 15, "次"),
    ("meeting", "plenary_attended", "出席全体会议", 10, 20, "次"),
    ("meeting", "plenary_excused", "全体会议请假", 0, None, "次"),
    ("meeting", "plenary_absent", "全体会议无故缺席", -10, 20, "次"),
    ("meeting", "standing_attended", "出席常委会议", 3, 30, "次"),
    ("meeting", "standing_excused", "常委会议请假", 0, None, "次"),
    ("meeting", "standing_absent", "常委会议无故缺席", -3, 30, "次"),
    ("study", "session", "参加学习研讨", 2, 10, "次"),
    ("study", "lecture", "参加专题讲座、培训", 2, 10, "次"),
    ("research", "research", "参加调查研究", 3, 15, "次"),
    ("research", "inspection", "参加视察", 3, 15, "次"),
    ("research", "report", "撰写调研报告", 5, 15, "篇"),
    ("visit", "enterprise", "走访联系企业", 2, 10, "次"),
    ("visit", "constituents", "联系界别群众", 2, 10, "次"),
    ("contribution", "donation", "公益捐助", 5, 15, "次"),
    ("contribution", "volunteer", "志愿服务", 3, 15, "次"),
    ("contribution", "investment", "助力招商引资、企业落户", 10, 20, "项"),
]


def load(apps, schema_editor):
    LedgerRule = apps.get_model("members", "LedgerRule")
    for kind, subkind, label, points, cap, unit in RULES:
        LedgerRule.objects.get_or_create(
            kind=kind, subkind=subkind,
            defaults={"label": label, "points": Decimal(points),
                      "annual_cap": None if cap is None else Decimal(cap), "unit": unit},
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0003_ledger_meetings_imports_shortlist")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
