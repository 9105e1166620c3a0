"""Proposals: 300,000 proposals with their assignments, replies, ratings and timelines (DESIGN.md §11).

Seeded by bench/proposals_data.py (`build_proposals`, COPY; 3,000 proposals at small scale).

Measured: the officer list with filters (`proposals:officer-list`), the unit list as a unit officer
(`proposals:unit-list`), the detail page of a proposal with a 300-step timeline and of one with a short
timeline (the query count must not grow with the timeline), each with its raw-SQL floor; an export of
10,000 rows (`proposals:export`, time over HTTP, then in-process with peak Python memory); and the
similar-proposals lookup shown before submitting (`selectors.similar_proposals`, in-process). Pages whose
URL this build does not have yet are reported as a failed check instead of being measured.
"""

import random
import statistics
import sys
import time

from bench.harness import MeasureContext, SeedContext, raw_sql_median

SEED = 4242
EXPORT_ROWS = 10_000


def seed(ctx: SeedContext) -> None:
    from bench.proposals_data import build_proposals

    build_proposals(ctx.size(small=3_000, full=300_000), due_fraction=0.1, timeline_length=300, stdout=sys.stdout)


def _queries_of(fn) -> list[tuple[str, list]]:
    """The SQL (with parameters) a read runs, to replay it raw as the database floor."""
    from django.db import connection

    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        fn()
    return [(sql, params) for sql, params in captured if "proposals_" in sql]


def _url(ctx: MeasureContext, label: str, name: str, *args) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        ctx.results.append(_missing(label, name))
        print(ctx.results[-1].line(), flush=True)
        return None


def _missing(label: str, name: str):
    from bench.harness import Result

    return Result(label, "check", {"ok": False, "detail": f"URL {name} not in this build: not measured"})


def _page_queries(user, query: dict, rows: int = 25):
    from proposals.filters import officer_proposals

    def run():
        qs = officer_proposals(user, query)[1]
        qs.count()
        list(qs[:rows])

    return run


def measure(ctx: MeasureContext) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bench.proposals_data import timeline_pks
    from proposals import selectors
    from proposals.models import Proposal

    User = get_user_model()
    officer = User.objects.get(username="bench-proposal-officer")
    unit_officer = User.objects.get(username="bench-unit-officer")
    year = timezone.localdate().year
    total = Proposal.objects.count()

    # Officer list with filters.
    flt = {"year": str(year), "status": "assigned", "category": "urban"}
    base = _url(ctx, "proposals: officer list, year + status + category", "proposals:officer-list")
    if base:
        query = f"?year={year}&status=assigned&category=urban"
        ctx.page(f"proposals: officer list {query}", base + query, user=officer.username,
                 raw_sql=_queries_of(_page_queries(officer, flt)))
        ctx.page("proposals: officer list, page 1 unfiltered", base, user=officer.username,
                 raw_sql=_queries_of(_page_queries(officer, {})))
        paths = [base + f"?year={year - 1}", base + f"?year={year - 1}&page=3"]
        for path in paths:
            ctx.get(path, officer.username)
        ctx.query_count_stable("proposals: officer list query count, page 1 vs page 3", paths, user=officer.username)

    # Unit list as a unit officer.
    base = _url(ctx, "proposals: unit list (unit officer)", "proposals:unit-list")
    if base:
        def unit_page():
            qs = selectors.unit_proposals_for(user=unit_officer)
            qs.count()
            list(qs[:25])

        ctx.page("proposals: unit list (unit officer, 区教育局)", base, user=unit_officer.username,
                 raw_sql=_queries_of(unit_page))

    # Detail page: a long timeline, then a short one (same shape).
    long_pk, short_pk = timeline_pks()
    for pk, label in ((long_pk, "300-step timeline"), (short_pk, "short timeline")):
        proposal = Proposal.objects.get(pk=pk)

        def detail(proposal=proposal):
            p = selectors.proposal_get_for(user=officer, pk=proposal.pk)
            selectors.timeline_for(user=officer, proposal=p)
            selectors.replies_for(user=officer, proposal=p)
            selectors.attachments_for(user=officer, proposal=p)
            selectors.actions_for(user=officer, proposal=p)

        steps = proposal.status_changes.count()
        ctx.page(f"proposals: detail page, {label} ({steps} steps, officer)", f"/proposals/{pk}/",
                 user=officer.username, raw_sql=_queries_of(detail))
    # The two samples may differ in optional sections (a co-handling unit, a contact record), so the check
    # is that the long history costs no more queries than the short one.
    ctx.query_count_not_growing("proposals: detail query count, long vs short timeline",
                                f"/proposals/{short_pk}/", f"/proposals/{long_pk}/", user=officer.username)

    _measure_export(ctx, officer, year)
    _measure_similarity(ctx, total)


def _export_filter(officer, year: int) -> tuple[str, int]:
    """The officer-list filter whose row count is closest to EXPORT_ROWS (year, or year + category)."""
    from proposals.filters import officer_proposals
    from proposals.models import Category

    best = ("", -1)
    for y in range(year - 4, year + 1):
        options = [(f"year={y}", {"year": str(y)})]
        options += [(f"year={y}&category={c}", {"year": str(y), "category": c}) for c in Category.values]
        for query, flt in options:
            n = officer_proposals(officer, flt)[1].count()
            if best[1] < 0 or abs(n - EXPORT_ROWS) < abs(best[1] - EXPORT_ROWS):
                best = (query, n)
    return best


def _measure_export(ctx: MeasureContext, officer, year: int) -> None:
    from django.test import Client

    base = _url(ctx, "proposals: export", "proposals:export")
    if not base:
        return
    query, rows = _export_filter(officer, year)
    # Exports are POST only: the list's filters travel as the form the list page renders.
    walls, servers, sizes = [], [], []
    response, body, wall = ctx.post(base, query, officer.username)
    if response.status == 302:
        _measure_background_export(ctx, officer, rows, wall)
        return
    for _ in range(3):
        response, body, wall = ctx.post(base, query, officer.username)
        if response.status != 200:
            ctx.results.append(_missing(f"proposals: export {query}", f"answered {response.status}"))
            return
        walls.append(wall / 1000)
        servers.append(float(response.getheader("X-Bench-Time-Ms", "nan")) / 1000)
        sizes.append(len(body))
    ctx.record(f"proposals: export {rows:,} rows over HTTP ({query}), median of 3", statistics.median(walls), "s",
               server=f"{statistics.median(servers):.2f} s", size=f"{sizes[0] / 1e6:.1f} MB")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(officer, backend="zhongyuan_cppcc.accounts.backends.AccountBackend")
    with ctx.timed(f"proposals: export {rows:,} rows in-process (peak Python memory)") as timer:
        response = client.post(base, query, content_type="application/x-www-form-urlencoded")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        timer.note("status", response.status_code)
        timer.note("size", f"{len(content) / 1e6:.1f} MB")


def _measure_background_export(ctx: MeasureContext, officer, rows: int, request_ms: float) -> None:
    """A list longer than EXPORT_SYNC_MAX_ROWS is queued as an export job: the request only queues it; the
    job is then run here in-process, as the worker would (time, peak Python memory, file size)."""
    from zhongyuan_cppcc.exports.models import ExportJob
    from zhongyuan_cppcc.exports.services import export_run

    ctx.record(f"proposals: export {rows:,} rows, the request (queues a background job)", request_ms / 1000, "s")
    job = ExportJob.objects.filter(owner=officer).order_by("-created_at").first()
    with ctx.timed(f"proposals: export {rows:,} rows as a background job (in-process, peak Python memory)") as timer:
        export_run(job_id=job.pk)
        job.refresh_from_db()
        timer.note("status", job.status)
        timer.note("rows", job.done_rows)
        timer.note("size", f"{job.file.size / 1e6:.1f} MB" if job.file else "-")


def _measure_similarity(ctx: MeasureContext, total: int) -> None:
    from django.contrib.auth import get_user_model

    from proposals import selectors
    from proposals.demo_topics import TOPICS, compose

    member = get_user_model().objects.filter(username__startswith="bench-proposer-").order_by("pk").first()
    rng = random.Random(SEED)
    texts = [compose(TOPICS[i], rng) for i in (1, 3, 5, 10, 17)]
    timings, found = [], []
    for text in texts:
        body = "\n".join((text["situation"], text["analysis"], text["suggestions"]))
        started = time.perf_counter()
        result = selectors.similar_proposals(user=member, title=text["title"], body=body)
        timings.append(time.perf_counter() - started)
        found.append(len(result))
    text = texts[0]
    body = "\n".join((text["situation"], text["analysis"], text["suggestions"]))
    floor = raw_sql_median(_queries_of(lambda: selectors.similar_proposals(user=member, title=text["title"],
                                                                           body=body)))
    ctx.record(f"proposals: similar proposals on submit over {total:,} (in-process, median of 5 titles)",
               statistics.median(timings), "s", worst=f"{max(timings):.3f} s", found=found,
               raw_sql_first_title=f"{floor:.1f} ms")
