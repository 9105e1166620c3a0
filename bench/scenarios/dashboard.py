"""The leaders' dashboard over every module's data (issue 12; run after the other scenarios, seeds nothing
of its own but the leader's account).

Measured: the whole `/dashboard/?year=…` page for the current and the previous year, and the work report
`/dashboard/report/?year=…`, as a leader. The page's panels come from a cache keyed on the counted tables'
data version (zhongyuan_cppcc/dashboard/cache.py), so its median is the cached page; the panels computed
with nothing cached (the first view after a write) are reported beside it, in-process. The raw-SQL floor is
the panels' (or the report's) own SQL, captured in-process and replayed through the driver. Each page is
checked against the targets: median server time ≤ 150 ms and within 2× of that floor.
"""

from bench.harness import MeasureContext, Result, SeedContext

LEADER = "bench-leader"
TARGET_MS = 150.0
TARGET_RATIO = 2.0


def seed(ctx: SeedContext) -> None:
    ctx.user(LEADER, roles=["leader"], full_name="基准领导")


def queries_of(fn) -> list[tuple[str, list]]:
    """Every statement `fn` runs (with its parameters), to replay raw as the floor."""
    from django.db import connection

    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        fn()
    return captured


def panel_statements(year: int) -> list[tuple[str, list]]:
    """The dashboard's SQL for `year` as a leader with nothing cached (a fresh user object)."""
    from django.contrib.auth import get_user_model

    from zhongyuan_cppcc.dashboard.registry import panels_for

    leader = get_user_model().objects.get(username=LEADER)
    return queries_of(lambda: panels_for(leader, year, cached=False))


def report_statements(year: int) -> list[tuple[str, list]]:
    from zhongyuan_cppcc.dashboard.work_report import work_report

    return queries_of(lambda: work_report(year))


def measure(ctx: MeasureContext) -> None:
    from django.utils import timezone

    year = timezone.localdate().year
    for y in (year, year - 1):
        cold_panels(ctx, y)
        statements = panel_statements(y)
        result = ctx.page(f"dashboard: /dashboard/?year={y} (leader, all panels)", f"/dashboard/?year={y}",
                          user=LEADER, raw_sql=statements)
        target_check(ctx, f"dashboard: {y} within targets", result, len(statements))
    statements = report_statements(year - 1)
    result = ctx.page(f"dashboard: work report /dashboard/report/?year={year - 1}",
                      f"/dashboard/report/?year={year - 1}", user=LEADER, raw_sql=statements)
    target_check(ctx, f"dashboard: work report {year - 1} within targets", result, len(statements))


def cold_panels(ctx: MeasureContext, year: int, runs: int = 3) -> Result:
    """The panels computed with nothing cached (the first view after a write), in-process: what the page's
    median (served from the panel cache while the data is unchanged) does not show."""
    import statistics
    import time

    from django.contrib.auth import get_user_model

    from zhongyuan_cppcc.dashboard.registry import panels_for

    leader = get_user_model().objects.get(username=LEADER)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        panels_for(leader, year, cached=False)
        times.append((time.perf_counter() - started) * 1000)
    result = Result(f"dashboard: {year} panels uncached (in-process)", "figure",
                    {"value": statistics.median(times), "unit": "ms",
                     "notes": {"runs": runs, "max": f"{max(times):.0f} ms"}})
    ctx.results.append(result)
    print(result.line(), flush=True)
    return result


def target_check(ctx: MeasureContext, name: str, page: Result, own_queries: int) -> Result:
    v = page.values
    ok = v["median_ms"] <= TARGET_MS and (v["ratio_sql"] or 0) <= TARGET_RATIO and not v["errors"]
    detail = (f"median {v['median_ms']:.1f} ms (target ≤ {TARGET_MS:.0f}), x{v['ratio_sql']:.1f} of its own SQL "
              f"(target ≤ x{TARGET_RATIO:.0f}), {v['queries']} queries on the page, {own_queries} of them the "
              f"panels'/report's own")
    result = Result(name, "check", {"ok": ok, "detail": detail})
    ctx.results.append(result)
    print(result.line(), flush=True)
    return result
