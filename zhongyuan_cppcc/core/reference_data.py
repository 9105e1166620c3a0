"""Reference data that data migrations load (roles, parties, streets, calendar, points rules …).

Tests that flush the database (transactional tests, browser tests) call `ensure_reference_data()`
to put it back; each entry is the data migration module and its loader function, which must be
idempotent (get_or_create) and accept (apps, schema_editor).
"""

from importlib import import_module

from django.apps import apps as global_apps

LOADERS: list[tuple[str, str]] = [
    ("zhongyuan_cppcc.accounts.migrations.0002_create_roles", "create_roles"),
    ("zhongyuan_cppcc.calendar.migrations.0002_seed_calendar", "seed"),
    ("members.migrations.0002_reference_data", "load"),
]


def ensure_reference_data() -> None:
    for module_path, function in LOADERS:
        getattr(import_module(module_path), function)(global_apps, None)
