"""What a cached figure depends on (zhongyuan_cppcc/dashboard/cache.py): the apps whose tables its statements
read, watched while it is computed; a cached figure read inside another one counts for the outer one too; a
figure that reads a table no trigger watches is computed on every call."""

import pytest

from members.models import Party, Street
from opinions.models import OpinionReport
from zhongyuan_cppcc.audit.models import AuditEvent
from zhongyuan_cppcc.dashboard.cache import UNCACHEABLE, apps_read, cached_counts, data_versions

from ..factories import make_user

pytestmark = pytest.mark.django_db


class Counted:
    """A computation that counts its runs."""

    def __init__(self, compute) -> None:
        self.compute, self.runs = compute, 0

    def __call__(self):
        self.runs += 1
        return self.compute()


def test_the_apps_read_are_named_by_the_tables_quoted_or_not():
    assert apps_read('SELECT COUNT(*) FROM "members_street" INNER JOIN "proposals_proposal" ON true') == \
        {"members", "proposals"}
    assert apps_read("SELECT id FROM opinions_opinionreport WHERE x IN (SELECT 1 FROM accounts_user_groups)") == \
        {"opinions", "accounts"}
    assert apps_read("SELECT 1 FROM members_street_archive") == set()  # not a table: a longer name
    assert apps_read('SELECT 1 FROM "audit_auditevent"') == {UNCACHEABLE}
    assert apps_read('SELECT 1 FROM "notifications_notification"') == {"notifications"}
    assert apps_read("SELECT last_value FROM data_version_members") == set()


def test_a_figure_is_recomputed_only_when_an_app_it_read_changes():
    n = Street.objects.count()
    streets = Counted(lambda: Street.objects.count())
    assert cached_counts("test.streets", streets) == n
    assert cached_counts("test.streets", streets) == n and streets.runs == 1
    OpinionReport.objects.filter(pk=-1).update(title="")  # another app's version moves: still cached
    assert cached_counts("test.streets", streets) == n and streets.runs == 1
    Street.objects.create(name="测试乙街道")
    assert cached_counts("test.streets", streets) == n + 1 and streets.runs == 2


def test_a_cached_figure_read_inside_another_counts_for_the_outer_one():
    n = Street.objects.count()
    streets = Counted(lambda: Street.objects.count())
    cached_counts("test.streets", streets)  # cached on its own first: the outer computation runs no SQL for it
    outer = Counted(lambda: cached_counts("test.streets", streets) * 10)
    assert cached_counts("test.outer", outer) == n * 10
    assert cached_counts("test.outer", outer) == n * 10 and outer.runs == 1  # cached though it ran no statement
    OpinionReport.objects.filter(pk=-1).update(title="")
    assert cached_counts("test.outer", outer) == n * 10 and outer.runs == 1
    Party.objects.create(name="测试甲党派")  # the members app's version moves
    assert cached_counts("test.outer", outer) == n * 10 and outer.runs == 2
    Street.objects.create(name="测试乙街道")
    assert cached_counts("test.outer", outer) == (n + 1) * 10 and outer.runs == 3


def test_a_figure_that_reads_an_unwatched_table_is_computed_each_time():
    user = make_user()
    events = Counted(lambda: (AuditEvent.objects.filter(action="test.read").count(), Street.objects.count()))
    assert cached_counts("test.events", events)[0] == 0
    AuditEvent.objects.create(actor=user, actor_username=user.username, action="test.read")
    assert cached_counts("test.events", events)[0] == 1 and events.runs == 2
    outer = Counted(lambda: cached_counts("test.events", events))
    cached_counts("test.outer-events", outer)
    cached_counts("test.outer-events", outer)
    assert outer.runs == 2  # what it read inside could not be cached, so neither can it


def test_known_reads_key_the_figure_without_watching(django_capture_on_commit_callbacks):
    runs = Counted(lambda: Street.objects.count())
    cached_counts("test.known", runs, reads={"members"})
    # Computed after this transaction's own write to members: kept once it commits.
    with django_capture_on_commit_callbacks(execute=True):
        Party.objects.create(name="测试甲党派")
        cached_counts("test.known", runs, reads={"members"})
    OpinionReport.objects.filter(pk=-1).update(title="")
    cached_counts("test.known", runs, reads={"members"})
    assert runs.runs == 2


def test_nothing_is_cached_without_versions():
    runs = Counted(lambda: Street.objects.count())
    cached_counts("test.none", runs, versions=None)
    cached_counts("test.none", runs, versions=None)
    assert runs.runs == 2
    assert set(data_versions()) >= {"accounts", "auth", "members", "proposals", "opinions", "consultations", "core"}
