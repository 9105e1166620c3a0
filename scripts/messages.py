#!/usr/bin/env python3
"""Translation catalogues (English msgids, Simplified Chinese msgstrs).

    messages.py update [--only DIR ...]
                          extract strings into the catalogues (needs GNU gettext's xgettext);
                          with --only, only the catalogues under those top-level dirs change
                          (DIR: locale for the project package and templates/, or an app name)
    messages.py compile   compile every .po into .mo with polib (no gettext needed)
    messages.py check     extract into a scratch copy and list strings without a translation

Catalogues: locale/ for the project package and templates/, <app>/locale/ for each business app.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE = [".venv", "node_modules", "build", "staticfiles", "var", "tests", "bench", "scripts", "media",
          "bench-results", "test-results"]
SOURCE_DIRS = ["zhongyuan_cppcc", "members", "proposals", "opinions", "consultations", "templates"]


def catalogues(root: Path) -> list[Path]:
    found = []
    for top in ["locale", *SOURCE_DIRS]:
        found += (root / top).glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if top != "locale" else \
            (root / top).glob("zh_Hans/LC_MESSAGES/django.po")
    return sorted(set(found))


def makemessages(root: Path) -> None:
    args = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete",
            "--no-location", "--no-wrap"]
    for pattern in IGNORE:
        args += ["--ignore", pattern]
    subprocess.run(args, cwd=root, check=True, stdout=subprocess.DEVNULL,
                   env={"DJANGO_SETTINGS_MODULE": "zhongyuan_cppcc.settings.test", "PATH": _path()})


def _path() -> str:
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")


def compile_all(root: Path = ROOT) -> int:
    import polib

    count = 0
    # djangojs.po: Chinese for the admin's JavaScript strings its own catalogue lacks (written by hand).
    for po_path in catalogues(root) + sorted((root / "locale").glob("zh_Hans/LC_MESSAGES/djangojs.po")):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
    return count


def untranslated(root: Path) -> list[str]:
    import polib

    problems = []
    for po_path in catalogues(root):
        po = polib.pofile(str(po_path))
        rel = po_path.relative_to(root)
        for entry in po:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{rel}: fuzzy: {entry.msgid!r}")
            elif entry.msgid_plural:
                if not all(entry.msgstr_plural.values()):
                    problems.append(f"{rel}: untranslated plural: {entry.msgid!r}")
            elif not entry.msgstr:
                problems.append(f"{rel}: untranslated: {entry.msgid!r}")
    return problems


def check() -> list[str]:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "src"
        copy.mkdir()
        shutil.copy2(ROOT / "manage.py", copy / "manage.py")
        for name in SOURCE_DIRS + ["locale"]:
            shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        makemessages(copy)
        return untranslated(copy)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "compile"
    if command == "update":
        only = [a for a in sys.argv[2:] if a != "--only"]
        if not only:
            makemessages(ROOT)
        else:
            with tempfile.TemporaryDirectory() as scratch:
                copy = Path(scratch) / "src"
                copy.mkdir()
                shutil.copy2(ROOT / "manage.py", copy / "manage.py")
                for name in SOURCE_DIRS + ["locale"]:
                    shutil.copytree(ROOT / name, copy / name,
                                    ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
                makemessages(copy)
                for po in catalogues(copy):
                    rel = po.relative_to(copy)
                    top = "locale" if rel.parts[0] == "locale" else rel.parts[0]
                    if top in only:
                        shutil.copy2(po, ROOT / rel)
        problems = untranslated(ROOT)
        print("\n".join(problems) or "every string is translated")
    elif command == "compile":
        print(f"compiled {compile_all()} catalogues")
    elif command == "check":
        problems = check()
        print("\n".join(problems) or "every string is translated")
        sys.exit(1 if problems else 0)
    else:
        sys.exit(__doc__)
