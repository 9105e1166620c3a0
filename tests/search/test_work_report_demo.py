"""For 2023 on the demo data, every figure of the generated work report equals the source document's."""

import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from zhongyuan_cppcc.dashboard.work_report import work_report

pytestmark = [pytest.mark.xdist_group("full-demo"), pytest.mark.django_db]

# Sentences of the source work report (../shared/reference/, the 2023 report), verbatim.
SOURCE = {
    "opinions": "全年收集信息294条,编发信息专刊6期,上报信息205条,被市政协采用137条,转省以上政协103条",
    "proposals": "212件政协提案办复率达100%",
    "grassroots": "全年开展基层协商46次",
    "supervision": "对14个街道27个项目开展协商式监督37次,提出合理化建议20条",
    "meetings": "全年召开常委会议6次",
    "visits": "全年走访联络党外政协委员130人次",
    "excellent": "全年评选表彰优秀政协委员61名",
}


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def normalise(text: str) -> str:
    return text.replace("，", ",").rstrip("。")


@pytest.fixture(scope="module")
def report_2023(django_db_setup, django_db_blocker):
    """The whole demo loaded once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), override_settings(DEMO_ACCOUNTS_ALLOWED=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with time_machine.travel("2026-06-15 10:00 +0800", tick=False):
                call_command("load_demo", stdout=io.StringIO())
                yield {p.key: p for p in work_report(2023)}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.parametrize("key", list(SOURCE))
def test_2023_paragraph_equals_the_source_document(report_2023, key):
    paragraph = report_2023[key]
    assert numbers(paragraph.text) == numbers(SOURCE[key])
    assert normalise(paragraph.text) == SOURCE[key]


def test_every_figure_is_linked_to_its_list(report_2023):
    for paragraph in report_2023.values():
        values = [p for p in paragraph.parts if not isinstance(p, str)]
        assert values and all(v.url.startswith("/") for v in values)
