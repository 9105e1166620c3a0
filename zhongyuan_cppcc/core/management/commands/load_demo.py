"""Load the demo data set (idempotent: each part is recorded and skipped the second time)."""

import inspect
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhongyuan_cppcc.core.models import DemoDataset

# Each module has load(*, stdout); order matters (members before proposals, …).
DEMO_LOADERS = [
    ("accounts", "zhongyuan_cppcc.core.demo"),
    ("members", "members.demo"),
    ("proposals", "proposals.demo"),
    ("opinions", "opinions.demo"),
    ("consultations", "consultations.demo"),
    # Runs last: settles the 2023 evaluation after every other app's ledger events.
    ("members-evaluation", "members.demo_evaluation"),
]


class Command(BaseCommand):
    help = "Load demo accounts and demo data. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", default=[], help="Load only these parts.")
        parser.add_argument(
            "--recent", action="store_true",
            help="Load only the running year and a smaller previous year: a quicker demo, without the 2023 "
                 "figures of the work report.")

    def handle(self, *args, only, recent=False, **options):
        if not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError("Demo data is disabled in these settings (DEMO_ACCOUNTS_ALLOWED=False).")
        for name, module_path in DEMO_LOADERS:
            if only and name not in only:
                continue
            if DemoDataset.objects.filter(name=name).exists():
                self.stdout.write(f"demo data '{name}': already loaded")
                continue
            module = import_module(module_path)
            # The parts whose years depend on it take `recent`; the others load the same either way.
            extra = {"recent": True} if recent and "recent" in inspect.signature(module.load).parameters else {}
            with transaction.atomic():
                module.load(stdout=self.stdout, **extra)
                DemoDataset.objects.create(name=name)
            self.stdout.write(self.style.SUCCESS(f"demo data '{name}': loaded"))
