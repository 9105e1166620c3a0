"""Issue 15: no English a user can read on the admin pages of the two administrator roles.

Every page of the URL walker is checked for every role that may open it by the walker itself
(tests/foundation/test_url_walker.py, with tests/page_text.py), on the answer it already has, so a new page
joins the check as soon as it has its walker row.
"""

import json

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import make_user
from tests.foundation.test_url_walker import MODEL_BACKEND
from tests.page_text import assert_reads_in_chinese


def admin_pages() -> list[str]:
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
        pages.append(reverse(f"admin:{info[0]}_{info[1]}_add"))
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["sysadmin", "secadmin"])
def test_admin_pages_read_in_chinese(client, role):
    user = make_user(role, username=f"walker-{role}")
    client.force_login(user, backend=MODEL_BACKEND)
    failures, checked = [], 0
    for url in admin_pages():
        try:
            checked += assert_reads_in_chinese(client.get(url), role, url)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)
    assert checked >= 3, f"{role} reached only {checked} admin pages"


@pytest.mark.django_db
def test_admin_widgets_speak_chinese(client):
    """The role picker's JavaScript texts (“Choose 组 by selecting them…” before) and the roles by name."""
    client.force_login(make_user("sysadmin", username="walker-sysadmin"), backend=MODEL_BACKEND)
    catalog = client.get(reverse("admin:jsi18n")).content.decode()
    for text in ("在左侧选中%s，再点击“选择”箭头按钮。", "选择全部%s"):
        assert json.dumps(text)[1:-1] in catalog, text
    target = make_user("proposal_officer", username="someone")
    page = client.get(reverse("admin:accounts_user_change", args=[target.pk])).content.decode()
    assert "提案委工作人员" in page
    assert ">proposal_officer<" not in page
