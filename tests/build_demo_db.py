"""Build one database for the tests (tests/demo_db.py): migrate the database DATABASE_URL names, then load
the demo with the clock pinned (unless no loaders are named). Run by the test process, never by hand."""

import argparse
import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moment")
    parser.add_argument("--loaders", default="", help="none: migrate only")
    parser.add_argument("--tick", action="store_true")
    parser.add_argument("--recent", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongyuan_cppcc.settings.test")
    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if not args.loaders:
        return
    settings.DEMO_ACCOUNTS_ALLOWED = True
    out = io.StringIO()
    with time_machine.travel(args.moment, tick=args.tick):
        call_command("load_demo", only=args.loaders.split(","), recent=args.recent, stdout=out)
    sys.stdout.write(out.getvalue())


if __name__ == "__main__":
    main()
