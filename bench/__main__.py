"""`make bench`: python -m bench [--scale small|full] [--only NAME ...] [--reseed]
[--load [--load-users N] [--load-seconds S]]"""

import argparse
import importlib
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from .harness import HELLO_PATH, HELLO_USER, MeasureContext, SeedContext, gunicorn_server, summary, write_report

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/zhongyuan_cppcc"


def bench_database_url() -> str:
    base = urlparse(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    return urlunparse(base._replace(path=base.path.rstrip("/") + "_bench"))


def recreate_or_create(url: str, recreate: bool) -> None:
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    conn = psycopg2.connect(host=parsed.hostname, port=parsed.port or 5432, user=parsed.username or "postgres",
                            password=parsed.password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        if recreate:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def seeded_scales() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_seeded (scenario text PRIMARY KEY, scale text NOT NULL)")
        cur.execute("SELECT scenario, scale FROM bench_seeded")
        return dict(cur.fetchall())


def mark_seeded(name: str, scale: str) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("INSERT INTO bench_seeded VALUES (%s, %s) ON CONFLICT (scenario) DO UPDATE SET scale = %s",
                    [name, scale, scale])


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", choices=["small", "full"], default=os.environ.get("BENCH_SCALE", "small"))
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--load", action="store_true", default=os.environ.get("BENCH_LOAD", "") not in ("", "0"),
                        help="the load run (bench/load.py) instead of the per-page measurements")
    parser.add_argument("--profile", action="store_true",
                        default=os.environ.get("BENCH_PROFILE", "") not in ("", "0"),
                        help="also profile every measured page once (pyinstrument; bench-results/profiles-*/)")
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=60.0)
    args = parser.parse_args()

    from .scenarios import SCENARIOS

    names = [n for n in SCENARIOS if not args.only or n in args.only]
    url = bench_database_url()
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhongyuan_cppcc.settings.bench"

    # A scale change or --reseed starts from an empty database; otherwise seeding resumes.
    recreate_or_create(url, recreate=args.reseed)
    import django

    django.setup()
    from django.core.management import call_command

    known = seeded_scales()
    if any(scale != args.scale for scale in known.values()):
        from django.db import connections

        connections.close_all()
        recreate_or_create(url, recreate=True)
        known = {}
    print(f"bench: scale {args.scale}, database {urlparse(url).path.lstrip('/')}", flush=True)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    known = seeded_scales()

    modules = {name: importlib.import_module(f"bench.scenarios.{name}") for name in names}
    seed_ctx = SeedContext(args.scale)
    for name, module in modules.items():
        if known.get(name) == args.scale:
            print(f"seed {name}: already seeded", flush=True)
            continue
        started = time.perf_counter()
        module.seed(seed_ctx)
        mark_seeded(name, args.scale)
        print(f"seed {name}: {time.perf_counter() - started:.1f} s", flush=True)

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    seed_ctx.user(HELLO_USER)

    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    profile_dir = None
    if args.profile:
        profile_dir = Path.cwd() / "bench-results" / f"profiles-{time.strftime('%Y%m%d-%H%M%S')}-{args.scale}"
        env["BENCH_PROFILE_DIR"] = str(profile_dir)
    if args.load:
        return load_mode(args, env)
    # The in-process figures (the ranking, dashboard panels, reminder scans) are taken as a web worker computes
    # them: with its start-up heap set aside from the garbage collector (zhongyuan_cppcc/wsgi.py).
    from zhongyuan_cppcc.core.heap import settle_heap

    settle_heap()
    from .load import private_redis, service_env

    # As deployed with more than one web process (docs/deploy.md): the cache every gunicorn worker shares is
    # Redis, here a private one, so a count cached by one worker serves the next request on the other.
    with private_redis() as redis, gunicorn_server(service_env(env, redis)) as port:
        probe = MeasureContext(args.scale, port, hello={})
        hello_stats = probe.sample(HELLO_PATH, HELLO_USER, 50)
        hello_load = probe.throughput(HELLO_PATH, HELLO_USER)
        hello = {**hello_stats, **hello_load}
        print(f"{'floor: hello-world view (same server, logged in)':<58} median {hello['median_ms']:.2f} ms, "
              f"{hello['rps']:.0f} req/s ({hello['tool']})", flush=True)
        ctx = MeasureContext(args.scale, port, hello=hello)
        ctx._cookies = probe._cookies
        ctx.profile_dir = profile_dir
        for module in modules.values():
            module.measure(ctx)
    report = write_report(ctx.results, args.scale, hello)
    print(summary(ctx.results, hello))
    print(f"report: {report}")
    if profile_dir:
        print(f"profiles: {profile_dir}")
    return 0


def load_mode(args, env: dict) -> int:
    from .load import bench_plan, run_load

    ctx = MeasureContext(args.scale, 0, hello={})
    plan = bench_plan(ctx.cookie_for, args.load_users)
    print(f"load: {args.load_users} clients ({', '.join(sorted({a['role'] for a in plan['accounts']}))}), "
          f"{args.load_seconds:.0f} s with Redis up, then {args.load_seconds:.0f} s with Redis stopped halfway",
          flush=True)
    outcome = run_load(env, plan, users=args.load_users, seconds=args.load_seconds, gunicorn=gunicorn_server)
    print(outcome.summary())
    out_dir = Path(__file__).resolve().parent.parent / "bench-results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{args.scale}-load.json"
    path.write_text(json.dumps({"scale": args.scale, "users": args.load_users, "seconds": args.load_seconds,
                                "rows": outcome.rows, "pending_at_restart": outcome.pending_at_restart,
                                "pending_after": outcome.pending_after, "published": outcome.published,
                                "posts": {"steady": outcome.post_ms(outcome.steady, None),
                                          "outage_up": outcome.post_ms(outcome.outage, "up"),
                                          "outage_down": outcome.post_ms(outcome.outage, "down")}},
                               ensure_ascii=False, indent=2, default=str))
    print(f"report: {path}")
    return 0 if outcome.five_xx == 0 and outcome.pending_after == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
