"""Per-request server time and SQL query count, reported in response headers (bench settings only)."""

import time

from django.db import connection


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

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response = response.render()
        elapsed = time.perf_counter() - started
        response["X-Bench-Time-Ms"] = f"{elapsed * 1000:.3f}"
        response["X-Bench-Queries"] = str(counter["queries"])
        response["X-Bench-SQL-Ms"] = f"{counter['sql'] * 1000:.3f}"
        return response
