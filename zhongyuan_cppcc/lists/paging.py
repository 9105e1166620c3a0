"""Pages of long lists read narrow first (DESIGN.md §11: 300,000 proposals), and forgiving page numbers.

A list page joins several related tables and carries dozens of columns. Sorted and paginated as one query,
PostgreSQL joins (and often reads) every matching row before it can sort and cut the page. `IdsFirst`
hands Paginator a list that instead

- counts over the filtered proposals alone (or a cheaper count the selector knows to be equal),
- picks the page's ids from the list's own table alone — filter, ORDER BY and LIMIT/OFFSET, which the
  lists' indexes answer without sorting (sort on an indexed key ending in the primary key) — and
- fetches just those rows with their joins, annotations and prefetches, in the same order, in ONE query
  (`WHERE id = ANY(ARRAY(SELECT id … LIMIT n))`).

The rows, their order and the number of queries are the same as paginating the queryset itself.

The count of a long list is most of its SQL (counting 300,000 rows takes longer than reading a page of 25),
and it is the same for every request until the data changes: `cached_count` keeps it in the dashboard's
data-version cache, keyed by the count's own SQL (which holds the user's scope and filters), when every table
that SQL reads carries the version trigger.
"""

import hashlib
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import WhereNode


def cached_by_sql(name: str, compute: Callable, *, db: str, sql: str, params, reads: set[str]):
    """compute() (the result of `sql`), from the data-version cache when every table in `reads` advances a
    version and none of those versions has moved since it was stored; computed afresh otherwise. The key is
    the statement with its parameters, so the user's scope and filters are part of it."""
    from zhongyuan_cppcc.dashboard.cache import cached_counts, counted_table_apps

    counted = counted_table_apps()
    if not reads or not reads <= counted.keys():
        return compute()
    digest = hashlib.sha256(repr((db, sql, list(params))).encode()).hexdigest()
    return cached_counts(name, compute, digest, reads={counted[table] for table in reads})


def cached_count(queryset: QuerySet) -> int:
    """`queryset.count()`, from the data-version cache when nothing it counts has changed since; counted afresh
    when it reads a table whose writes do not advance the version (the audit log, sessions). A `.values()`
    or `.distinct()` queryset counts what it selects (e.g. distinct proposal ids of assignments)."""
    from zhongyuan_cppcc.dashboard.cache import tables_in

    keyed = queryset.order_by()
    if not (keyed.query.distinct or keyed.query.values_select):  # its rows are its objects: name them by key
        keyed = keyed.values("pk")
    try:
        sql, params = keyed.query.sql_with_params()
    except EmptyResultSet:
        return 0
    return cached_by_sql("list-count", queryset.count, db=queryset.db, sql=sql, params=params,
                         reads=tables_in(sql))


class IdsFirst:
    """A sequence for `django.core.paginator.Paginator` over `queryset` (which must be ordered by a
    unique key, e.g. ending in "pk"); `count` replaces `queryset.count()` when given."""

    def __init__(self, queryset: QuerySet, *, count: Callable[[], int] | None = None) -> None:
        if not queryset.ordered:
            raise ValueError("IdsFirst needs an ordered queryset")
        self.queryset = queryset
        self._count_fn = count
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._count_fn() if self._count_fn is not None else cached_count(self.queryset)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def ids(self, key: slice) -> QuerySet:
        """The ids of the rows in `key`: the filters and the order on the list's own table alone."""
        return self.queryset.values("pk")[key]

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("IdsFirst supports slices only")
        # The outer query keeps the queryset's joins, annotations, prefetches and ORDER BY (a sort of one
        # page of rows) but not its filters: the ids met them already, and repeated outside they let the
        # planner join every matching row again before looking at the ids.
        rows = self.queryset.all()
        rows.query.where = WhereNode()
        # `id = ANY(ARRAY(…))`: the id query runs once, first (an InitPlan), then each row is found by its
        # primary key. With `id IN (…)` PostgreSQL joined every proposal to its related rows and then
        # matched the 25 ids (a hash semi join after the left joins).
        return pk_in_array(rows, self.ids(key))


def pk_in_array(queryset: QuerySet, ids: QuerySet) -> QuerySet:
    """`queryset` restricted to the keys `ids` selects, as `pk = ANY(ARRAY(ids))` on PostgreSQL: the ids are
    computed once, first, and the rows are looked up by their primary key (an index condition, in key order),
    whatever the LIMIT makes the planner expect of `pk IN (ids)` (a semi join it may walk the whole table for)."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(pk__in=ids)
    try:
        sql, params = ids.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a filter that matches nothing (e.g. `pk__in=[]`, `.none()`)
        return queryset.none()
    meta = queryset.model._meta
    column = f"{connection_quote(queryset.db, meta.db_table)}.{connection_quote(queryset.db, meta.pk.column)}"
    return queryset.filter(RawSQL(f"{column} = ANY(ARRAY({sql}))", params, output_field=BooleanField()))


def connection_quote(alias: str, name: str) -> str:
    return connections[alias].ops.quote_name(name)


# Page numbers come from links people edit and bookmark: anything that is not a sane number shows the
# nearest page. Longer digit strings than this are not page numbers (and int() of thousands of digits is slow).
MAX_PAGE_DIGITS = 9


def parse_page(value) -> int:
    """A page number from ?page=: garbage, zero and negative numbers give 1; numbers past the end are left to
    Paginator.get_page, which shows the last page."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > MAX_PAGE_DIGITS:
        return 10 ** MAX_PAGE_DIGITS  # past any list's end: the last page
    return max(int(text), 1)


def parse_per_page(value, *, choices: tuple[int, ...], default: int) -> int:
    """Rows per page from ?per_page=: one of `choices`, otherwise `default`."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_PAGE_DIGITS:
        return default
    number = int(text)
    return number if number in choices else default
