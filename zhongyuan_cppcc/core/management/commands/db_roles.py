"""Create the owner and application roles and their grants (idempotent).

    DATABASE_ADMIN_URL=postgres://postgres@db1/zhongyuan_cppcc manage.py db_roles
        the owner role from DATABASE_OWNER_URL, the application role from DATABASE_URL
    manage.py db_roles --local
        `make run` on one machine: DATABASE_URL is a superuser; the roles zycppcc_owner and zycppcc_app
        are created on the same server and the two URLs printed as `export` lines for the shell
"""

import os
import secrets
import sys
from urllib.parse import unquote, urlparse

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhongyuan_cppcc.core.db_roles import (
    APP_ROLE,
    OWNER_ROLE,
    apply_grants,
    ensure_role,
    transfer_ownership,
    url_role,
    with_role,
)


class Command(BaseCommand):
    help = "Create the PostgreSQL owner and application roles and the application's grants (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--admin-url", default=os.environ.get("DATABASE_ADMIN_URL", ""),
                            help="a superuser URL on the application's database (default: DATABASE_ADMIN_URL)")
        parser.add_argument("--local", action="store_true",
                            help="derive both roles from DATABASE_URL (a superuser) and print their URLs")

    def handle(self, *args, admin_url, local, **options):
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("db_roles needs PostgreSQL (the embedded SQLite demo has no roles).")
        if local:
            admin_url = os.environ.get("DATABASE_URL") or settings.DEFAULT_DATABASE_URL
            password = os.environ.get("DATABASE_LOCAL_ROLE_PASSWORD") or secrets.token_urlsafe(18)
            owner_url, app_url = with_role(admin_url, OWNER_ROLE, password), with_role(admin_url, APP_ROLE, password)
        else:
            owner_url = os.environ.get("DATABASE_OWNER_URL", "")
            app_url = os.environ.get("DATABASE_URL", "")
            if not admin_url or not owner_url or not app_url:
                raise CommandError("Set DATABASE_ADMIN_URL (a superuser), DATABASE_OWNER_URL and DATABASE_URL.")
        owner, owner_password = url_role(owner_url)
        app, app_password = url_role(app_url)
        if not owner or not app or owner == app:
            raise CommandError("The owner and the application must be two different roles.")
        parts = urlparse(admin_url)
        connection = psycopg2.connect(
            host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=unquote(parts.username or "postgres"),
            password=unquote(parts.password) if parts.password else None,
            dbname=unquote(urlparse(app_url).path.lstrip("/")))  # the application's database, as the admin
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if not cursor.fetchone()[0]:
                    raise CommandError("The admin URL must connect as a superuser.")
                ensure_role(cursor, owner, owner_password)
                ensure_role(cursor, app, app_password)
                cursor.execute("SELECT current_database()")
                transfer_ownership(cursor, cursor.fetchone()[0], owner)
                apply_grants(cursor, app_role=app, owner_role=owner)
        finally:
            connection.close()
        print(f"roles ready: {owner} owns the database, {app} is the application's role", file=sys.stderr)
        if local:
            self.stdout.write(f"export DATABASE_OWNER_URL='{owner_url}'\nexport DATABASE_URL='{app_url}'\n")
