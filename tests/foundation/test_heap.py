"""A web worker's start-up heap is set aside from the garbage collector (zhongyuan_cppcc/core/heap.py)."""

import gc
import os
import subprocess
import sys
from pathlib import Path

from zhongyuan_cppcc.core.heap import settle_heap

ROOT = Path(__file__).resolve().parents[2]


def test_settle_heap_freezes_what_is_alive_and_nothing_made_later():
    try:
        settle_heap()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000
        cycles = [[] for _ in range(1000)]
        for item in cycles:
            item.append(item)  # garbage only the collector can reclaim
        del cycles, item
        assert gc.collect() >= 1000  # objects made afterwards are collected as before
        # Nothing made afterwards joined the frozen set (a frozen object freed by its reference count leaves it).
        assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def test_a_worker_settles_its_heap_when_it_loads_the_application():
    """gunicorn's worker imports zhongyuan_cppcc.wsgi: by then the URLconf is loaded and the heap frozen."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhongyuan_cppcc.settings.test"}
    code = ("import gc, sys; import zhongyuan_cppcc.wsgi as w; "
            "print(gc.get_freeze_count(), callable(w.application), "
            "any(m.startswith('members.views') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    assert int(out[0]) > 10_000 and out[1:] == ["True", "True"]
