"""PostgreSQL roles: an owner that migrates, and a least-privilege role the application connects as.

The owner role owns the database, the schema and every table (migrations, the audit retention job and
backups connect as it, `DATABASE_OWNER_URL`). The application role (`DATABASE_URL`) is neither a
superuser nor an owner: it reads and writes the business tables but may only INSERT and SELECT audit
rows, so it can neither TRUNCATE, DELETE nor UPDATE them, nor disable the append-only trigger (owner
only) nor set session_replication_role (superuser only).

`manage.py db_roles` creates both roles and the grants (idempotent); after every `migrate` run as the
owner, `apply_grants()` runs again (post_migrate) so that new tables are covered by the same code.
"""

from urllib.parse import quote, unquote, urlparse, urlunparse

from psycopg2 import sql

AUDIT_TABLE = "audit_auditevent"
OWNER_ROLE = "zycppcc_owner"
APP_ROLE = "zycppcc_app"


def url_role(url: str) -> tuple[str, str | None]:
    parts = urlparse(url)
    return unquote(parts.username or ""), unquote(parts.password) if parts.password else None


def with_role(url: str, role: str, password: str) -> str:
    """The same server and database as `url`, as another role."""
    parts = urlparse(url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(role)}:{quote(password)}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunparse(parts._replace(netloc=netloc))


def ensure_role(cursor, role: str, password: str | None) -> None:
    """Create a login role that is not a superuser and creates nothing, or reset its password."""
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    verb = "ALTER" if cursor.fetchone() else "CREATE"
    statement = sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS").format(
        sql.Identifier(role))
    if password:
        statement = statement + sql.SQL(" PASSWORD {}").format(sql.Literal(password))
    cursor.execute(statement)


def transfer_ownership(cursor, database: str, owner: str) -> None:
    """Make `owner` own the database, the public schema and every table, sequence, view and function in it."""
    ident = sql.Identifier(owner)
    cursor.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(database), ident))
    cursor.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(ident))
    cursor.execute("""
        SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')
                          AND c.relkind = 'S')
    """)
    for name, kind in cursor.fetchall():
        what = {"S": "SEQUENCE", "v": "VIEW", "m": "MATERIALIZED VIEW"}.get(kind, "TABLE")
        cursor.execute(sql.SQL(f"ALTER {what} {{}} OWNER TO {{}}").format(sql.Identifier(name), ident))
    cursor.execute("""
        SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.prokind = 'f'
    """)
    for (signature,) in cursor.fetchall():
        cursor.execute(sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(sql.SQL(signature), ident))


def apply_grants(cursor, *, app_role: str, owner_role: str | None = None) -> None:
    """The application role's rights: everything on the business tables, INSERT/SELECT on the audit table.

    Run as the owner (or a superuser). Idempotent; run after every migration.
    """
    app = sql.Identifier(app_role)
    cursor.execute("SELECT current_database()")
    (database,) = cursor.fetchone()
    cursor.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(sql.Identifier(database), app))
    cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app))
    cursor.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC, {}").format(app))
    cursor.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(app))
    cursor.execute(sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(app))
    cursor.execute(sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {}").format(app))
    if owner_role:
        owner = sql.Identifier(owner_role)
        cursor.execute(sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                               "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}").format(owner, app))
        cursor.execute(sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                               "GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}").format(owner, app))
    cursor.execute("SELECT to_regclass(%s)", [f"public.{AUDIT_TABLE}"])
    if cursor.fetchone()[0] is not None:
        audit = sql.Identifier(AUDIT_TABLE)
        cursor.execute(sql.SQL("REVOKE ALL ON {} FROM PUBLIC, {}").format(audit, app))
        cursor.execute(sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(audit, app))


def configured_roles(settings) -> tuple[str | None, str | None]:
    """(owner role, app role) named by DATABASE_OWNER_URL and DATABASE_APP_URL, when they differ."""
    owner_url = getattr(settings, "DATABASE_OWNER_URL", "") or ""
    app_url = getattr(settings, "DATABASE_APP_URL", "") or ""
    if not owner_url or not app_url:
        return None, None
    owner, _ = url_role(owner_url)
    app, _ = url_role(app_url)
    if not owner or not app or owner == app:
        return None, None
    return owner, app


def grant_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: when migrating as the owner with a separate app role configured, re-apply the grants."""
    from django.conf import settings
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    owner, app = configured_roles(settings)
    if not app:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app])
        if cursor.fetchone() is None:
            return
        apply_grants(cursor, app_role=app, owner_role=owner)
