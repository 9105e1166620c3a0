"""The UI is Simplified Chinese: every extracted string has a translation, and pages render in Chinese."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_every_string_is_translated():
    """Extracts every gettext string of the project (scratch copy) and lists those without zh_Hans."""
    result = subprocess.run([sys.executable, "scripts/messages.py", "check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


# gettext inside an f-string's braces: xgettext does not look there, so the string never reaches a catalogue
# and shows in English ("信息专刊（draft）" was one).
GETTEXT_IN_FSTRING = re.compile(r"""\bf(["'])[^"'\n]*\{\s*(_|gettext|gettext_lazy|pgettext|ngettext)\(""")


def test_no_gettext_inside_an_f_string():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in ROOT.rglob("*.py") if not {".venv", "node_modules", "build", "tests"} & set(path.parts)
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if GETTEXT_IN_FSTRING.search(line)]
    assert not found, "translate outside the f-string (a %-format msgid):\n" + "\n".join(found)
    assert GETTEXT_IN_FSTRING.search("return f\"{self.title}（{_('draft')}）\"")


def test_the_check_catches_an_untranslated_string(tmp_path):
    import polib

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import messages
    finally:
        sys.path.pop(0)
    po_dir = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Translated", msgstr="已翻译"))
    po.append(polib.POEntry(msgid="Forgotten", msgstr=""))
    po.save(str(po_dir / "django.po"))
    assert messages.untranslated(tmp_path) == ["locale/zh_Hans/LC_MESSAGES/django.po: untranslated: 'Forgotten'"]


@pytest.mark.django_db
def test_pages_render_in_chinese(client_for):
    from tests.factories import make_user

    page = client_for(make_user("member")).get(reverse("home")).content.decode()
    assert "首页" in page and "退出登录" in page and "Log out" not in page
