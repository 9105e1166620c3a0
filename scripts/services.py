#!/usr/bin/env python3
"""Decide how `make run` reaches its services, and create the database if it is missing.

    services.py mode      prints "services" or "embedded" (with a notice on stderr)
    services.py createdb  creates the PostgreSQL database named in DATABASE_URL if missing
"""

import os
import socket
import sys
from urllib.parse import unquote, urlparse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/zhongyuan_cppcc"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def mode() -> str:
    db_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    if db_url or redis_url:
        return "services"  # explicit configuration is never second-guessed
    db_ok = reachable(DEFAULT_DATABASE_URL, 5432)
    redis_ok = reachable(DEFAULT_REDIS_URL, 6379)
    if db_ok and redis_ok:
        return "services"
    checks = (("PostgreSQL 127.0.0.1:5432", db_ok), ("Redis 127.0.0.1:6379", redis_ok))
    missing = [name for name, ok in checks if not ok]
    print(
        "\n*** NOTICE: " + " and ".join(missing) + " not reachable.\n"
        "*** Falling back to the EMBEDDED DEMO MODE: SQLite file var/demo.sqlite3 and a file-system\n"
        "*** Celery broker under var/broker/. Everything works, but this is for demonstration only.\n"
        "*** Set DATABASE_URL / REDIS_URL or start the services to use PostgreSQL and Redis.\n",
        file=sys.stderr,
    )
    return "embedded"


def createdb() -> None:
    import psycopg2
    from psycopg2 import sql

    url = urlparse(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    name = unquote(url.path.lstrip("/"))
    conn = psycopg2.connect(
        host=url.hostname or "127.0.0.1", port=url.port or 5432, user=unquote(url.username or "postgres"),
        password=unquote(url.password) if url.password else None, dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    conn.close()


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "mode"
    if command == "mode":
        print(mode())
    elif command == "createdb":
        createdb()
    else:
        sys.exit(f"unknown command {command}")
