"""Per-request server time and SQL query count, reported in response headers (bench settings only).

With `BENCH_PROFILE_DIR` set (`make bench BENCH_PROFILE=1`), a request carrying `X-Bench-Profile: <name>` is also
profiled with pyinstrument (a statistical profiler: every 1 ms it records the stack) and the call tree is written
to `<BENCH_PROFILE_DIR>/<name>.txt`, with the request's SQL time and query count at the top."""

import os
import re
import time
from contextlib import nullcontext
from pathlib import Path

from django.db import connection

PROFILE_HEADER = "X-Bench-Profile"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def profile_file_name(name: str) -> str:
    """A file name for a profile: the page's name with anything but letters, digits, '.', '_' and '-' as '-'."""
    return _UNSAFE.sub("-", name).strip("-.")[:120] or "page"


class BenchMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = {"queries": 0, "sql": 0.0}

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counter["queries"] += 1
                counter["sql"] += time.perf_counter() - started

        profile_dir = os.environ.get("BENCH_PROFILE_DIR")
        wanted = request.headers.get(PROFILE_HEADER) if profile_dir else None
        profiler = None
        if wanted:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)
        started = time.perf_counter()
        with connection.execute_wrapper(count), (profiler or nullcontext()):
            response = self.get_response(request)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response = response.render()
        elapsed = time.perf_counter() - started
        response["X-Bench-Time-Ms"] = f"{elapsed * 1000:.3f}"
        response["X-Bench-Queries"] = str(counter["queries"])
        response["X-Bench-SQL-Ms"] = f"{counter['sql'] * 1000:.3f}"
        if profiler is not None:
            path = Path(profile_dir) / f"{profile_file_name(wanted)}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            header = (f"{request.method} {request.get_full_path()}: {elapsed * 1000:.1f} ms, "
                      f"{counter['queries']} queries, {counter['sql'] * 1000:.1f} ms in SQL\n\n")
            path.write_text(header + profiler.output_text(unicode=True, color=False, show_all=False),
                            encoding="utf-8")
            response["X-Bench-Profile-File"] = str(path)
        return response
