"""A worker's start-up heap, set aside from the garbage collector (`settle_heap`).

After start-up a web worker holds a few hundred thousand objects that live as long as it does: modules,
classes, settings, URL patterns, compiled regular expressions. CPython's full collection walks every tracked
object each time it runs, and it runs whenever enough new objects have survived since the last one: a page
that builds a few thousand rows (the year's ranking of 25,000 members, an export) set off one on every
second call, 60-80 ms on the benchmark machine. `gc.freeze()` moves what exists now to a permanent generation
the collector never walks; objects made afterwards are collected as before. The cost is that a reference
cycle among the frozen objects, should one ever become garbage, is not reclaimed: none does, they live as
long as the process."""

import gc


def settle_heap() -> None:
    """Load what a first request would load lazily (the URLconf and the views it imports), collect once, then
    freeze the collector's view of everything alive (gc.freeze)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now rather than on the first request
    gc.collect()
    gc.freeze()
