"""Issue 15: no English a user can read, on every page the URL walker reaches, for every role.

The pages are the walker's GET rows a role may use (tests/*/url_expectations.py) plus the admin pages of
the two administrator roles, so a new page joins this check as soon as it has its walker row.
A failure names the page, the role and each English word with the text around it: translate the msgid
(`.venv/bin/python scripts/messages.py check`), give the model field a verbose_name, show a label instead of
a code, or — for data a user typed — wrap it in an element with `data-allow-latin`.
"""

import json

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import make_user
from tests.foundation.test_url_walker import EXPECTATIONS, MODEL_BACKEND, log_in_as
from tests.page_text import WORD, english_words
from tests.url_matrix import ALLOW, EVERYONE

# Pages another helper is rewriting right now; remove the row when the rewrite lands.
WALKER_PAGES = [(name, role) for name in sorted(EXPECTATIONS) for role in EVERYONE
                if EXPECTATIONS[name].method == "get" and EXPECTATIONS[name].outcome_for(role) == ALLOW]


def data_words() -> set[str]:
    """ASCII words that are data, not interface: account names, members' pinyin, a browser's own name."""
    from axes.models import AccessAttempt, AccessLog
    from django.contrib.auth import get_user_model

    from members.models import Member

    words = set()
    for value in [*get_user_model().objects.values_list("username", flat=True),
                  *Member.objects.values_list("name_pinyin", flat=True),
                  *(v for model in (AccessAttempt, AccessLog)
                    for v in model.objects.values_list("user_agent", "path_info").distinct()
                    for v in v if v)]:
        words |= {value, *WORD.findall(value)}
    return words


def _check(response, role: str, url: str) -> bool:
    """Assert the page reads in Chinese; False when the answer is not an HTML page (nothing to read)."""
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return False
    found = english_words(response.content.decode(), data_words())
    report = "\n".join(f"  {word!r} in “…{context}…”" for word, context in found)
    assert not found, f"{role} reads English on {url}:\n{report}"
    return True


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), WALKER_PAGES, ids=[f"{n}-{r}" for n, r in WALKER_PAGES])
def test_walker_page_reads_in_chinese(client, walker_sessions, name, role):
    expect = EXPECTATIONS[name]
    user = log_in_as(client, walker_sessions, role)
    kwargs = expect.kwargs(user) if expect.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    _check(client.get(url, data=expect.data or {}), role, url)


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
            checked += _check(client.get(url), role, url)
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
