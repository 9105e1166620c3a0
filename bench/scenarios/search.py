"""One search box (issue 12): `/search/?q=` over the other scenarios' data (proposals, opinion reports,
consultations, members) by Chinese text, full pinyin and pinyin initials.

Seeded: only what search adds — the maintained pinyin column of rows another scenario bulk-loaded without it
(proposals and opinion reports carry theirs already), and two accounts: a leader (every module) and a member
(own proposals and reports only).

Measured: median server time, query count and the page's own SQL replayed raw for each query, as the leader
and as a member; and an EXPLAIN check per searched table that the filter is answered by an index (which one is
reported: the trigram GIN indexes on title / search_pinyin / search_text, the short-gram GIN indexes that answer
one- and two-character needles, or a b-tree prefix index).
"""

from __future__ import annotations

import json

from bench.harness import MeasureContext, Result, SeedContext

QUERIES = (("Chinese", "电梯"), ("Chinese", "学位"), ("pinyin", "dianti"), ("pinyin", "xuewei"),
           ("initials", "xw"), ("initials", "zs"))
TABLES = ("proposals_proposal", "opinions_opinionreport", "consultations_session", "consultations_topic",
          "members_member")
# Index names of the search columns: trigram GIN indexes (…_trgm), short-gram GIN indexes (…_short_grams) and
# the members' b-tree prefix indexes.
SEARCH_INDEX_WORDS = ("trgm", "short_grams", "prefix", "search")
# Below this many rows a sequential scan can be the planner's right choice (see measure()).
SMALL_TABLE = 50_000


def fill_missing_pinyin() -> int:
    """Compute `search_pinyin` where a bulk load left it empty (one UPDATE per distinct title)."""
    from django.apps import apps
    from django.db import connection

    from zhongyuan_cppcc.search.models_registry import SOURCES
    from zhongyuan_cppcc.search.pinyin import text_pinyin

    filled = 0
    for label, source in SOURCES.items():
        model = apps.get_model(label)
        titles = (model.objects.filter(search_pinyin="").exclude(**{source: ""})
                  .values_list(source, flat=True).distinct())
        with connection.cursor() as cursor:
            for title in titles.iterator():
                cursor.execute(f"UPDATE {model._meta.db_table} SET search_pinyin = %s "  # noqa: S608 (model table)
                               f"WHERE {source} = %s AND search_pinyin = ''", [text_pinyin(title), title])
                filled += cursor.rowcount
    return filled


def seed(ctx: SeedContext) -> None:
    from django.db import connection

    filled = fill_missing_pinyin()
    ctx.user("bench-search-leader", roles=["leader"], full_name="基准检索领导")
    ctx.user("bench-search-member", roles=["member"], full_name="基准检索委员")
    print(f"search: pinyin filled for {filled:,} rows", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _queries_of(fn) -> list[tuple[str, list]]:
    """The SQL of the searched tables (with parameters) a search runs, to replay it raw."""
    from django.db import connection

    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        fn()
    return [(sql, params) for sql, params in captured if any(t in sql for t in TABLES)]


# Plan nodes that pass rows on as they come: a LIMIT above them still stops the scan below early.
STREAMING = frozenset({"Limit", "Subquery Scan", "Result"})


def plan_indexes(sql: str, params, *, seqscan: bool = True,
                 bounded: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(indexes of the searched tables the plan scans, searched tables it reads sequentially) of one
    statement, from EXPLAIN (FORMAT JSON). Indexes of joined tables (keys, foreign keys) are left out.
    `seqscan=False` asks for the plan with sequential scans priced out (`enable_seqscan = off`), which shows
    whether an index can answer the filter at all. With a `bounded` list, a sequential scan right under a
    LIMIT (through streaming nodes only: it stops once the limit is reached, as a capped count's does when
    the needle is common) goes there instead of into the second list."""
    from django.db import connection

    with connection.cursor() as cursor:
        if not seqscan:
            cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        finally:
            if not seqscan:
                cursor.execute("RESET enable_seqscan")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    indexes, seq = [], []

    def walk(node, limited: bool):
        name = node.get("Index Name", "")
        if any(name.startswith(table + "_") for table in TABLES) and not name.endswith("_pkey") and \
                any(word in name for word in SEARCH_INDEX_WORDS):
            indexes.append(name)
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in TABLES:
            (bounded if limited and bounded is not None else seq).append(node["Relation Name"])
        limited = node.get("Node Type") == "Limit" or (limited and node.get("Node Type") in STREAMING)
        for child in node.get("Plans", []):
            walk(child, limited)

    walk(plan[0]["Plan"], False)
    return indexes, seq


def _table_of(index_name: str) -> str:
    return next(t for t in TABLES if index_name.startswith(t + "_"))


def _table_counts() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (fixed table names)
            counts[table] = cursor.fetchone()[0]
    return counts


def measure(ctx: MeasureContext) -> None:
    from urllib.parse import quote

    from django.contrib.auth import get_user_model

    from zhongyuan_cppcc.search.selectors import COUNT_CAP, search_for

    # A scenario seeded after this one (the order of SCENARIOS) may have bulk-loaded titles without pinyin.
    fill_missing_pinyin()
    User = get_user_model()
    leader = User.objects.get(username="bench-search-leader")
    member = User.objects.get(username="bench-search-member")
    counts = _table_counts()
    size = ", ".join(f"{t.split('_', 1)[1]} {n:,}" for t, n in counts.items())
    print(f"search: over {size}", flush=True)

    for kind, query in QUERIES:
        groups = search_for(user=leader, query=query)
        # Each module counts its hits up to COUNT_CAP: "+" says that some module found more.
        found = f"{sum(g.total for g in groups):,}{'+' if any(g.more for g in groups) else ''}"
        ctx.page(f"search: {kind} '{query}' (leader; found {found})", f"/search/?q={quote(query)}",
                 user=leader.username, raw_sql=_queries_of(lambda q=query: search_for(user=leader, query=q)))
    ctx.page("search: pinyin 'xuewei' (member: own items only)", "/search/?q=xuewei", user=member.username,
             raw_sql=_queries_of(lambda: search_for(user=member, query="xuewei")))

    # The plans: which search index answers each table, and which tables are read sequentially. A needle of
    # fewer than three characters ("xw", "电梯": no whole trigram) is answered by the short-gram index. On a
    # table below SMALL_TABLE rows the planner may rightly prefer a sequential scan (reading 20,000 topics is
    # cheaper than a bitmap of a few thousand matches); such a table passes only if, with sequential scans priced
    # out, a search index answers its filter, and the detail says so. A large table read sequentially fails.
    for kind, query in QUERIES:
        used, seq, small, small_seen, stopped = {}, set(), {}, set(), set()
        for sql, params in _queries_of(lambda q=query: search_for(user=leader, query=q)):
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            bounded: list[str] = []
            indexes, scans = plan_indexes(sql, params, bounded=bounded)
            for name in indexes:
                used.setdefault(_table_of(name), set()).add(name)
            scans = [t for t in scans if counts.get(t)]
            bounded = [t for t in bounded if counts.get(t)]
            seq.update(t for t in scans if counts[t] >= SMALL_TABLE)
            stopped.update(t for t in bounded if counts[t] >= SMALL_TABLE)
            small_scans = [t for t in scans + bounded if counts[t] < SMALL_TABLE]
            if small_scans:
                small_seen.update(small_scans)
                forced, _still = plan_indexes(sql, params, seqscan=False)
                for table in small_scans:
                    names = {n for n in forced if _table_of(n) == table}
                    if names:
                        small[table] = sorted(set(small.get(table, [])) | names)
        # A small table passes when some statement of the search (the count, the hits) reached it through a
        # search index once sequential scans were priced out: the index answers the filter.
        seq.update(small_seen - set(small))
        parts = [f"{t}: {', '.join(sorted(used[t]))}" for t in TABLES if t in used]
        parts += [f"{t} ({counts[t]:,} rows): sequential scan preferred by the planner, "
                  f"{', '.join(small[t])} when priced out" for t in TABLES if t in small]
        if stopped:
            parts.append(f"sequential scan stopped by the count's LIMIT {COUNT_CAP + 1:,} (a needle this common) "
                         f"in {', '.join(t for t in TABLES if t in stopped)}")
        if seq:
            parts.append(f"sequential scan of {', '.join(t for t in TABLES if t in seq)}")
        result = Result(f"search: plan of '{query}' ({kind}) uses the search indexes", "check",
                        {"ok": not seq, "detail": "; ".join(parts)})
        ctx.results.append(result)
        print(result.line(), flush=True)
