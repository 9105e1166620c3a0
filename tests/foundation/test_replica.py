"""The read-replica alias: reads inside replica_reads() (the dashboard, export jobs) go to it, writes never do,
and without a replica nothing changes. The test adds a second alias over the same test database."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from zhongyuan_cppcc.core import db
from zhongyuan_cppcc.core.db import ReplicaRouter, replica_reads


@pytest.fixture
def replica(transactional_db, monkeypatch):
    """A second connection, alias "replica", to the same (committed) test database."""
    config = {**connections["default"].settings_dict}
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, "replica")
    connections._connections.replica = wrapper
    monkeypatch.setattr(db, "replica_configured", lambda: True)
    yield wrapper
    wrapper.close()
    delattr(connections._connections, "replica")


def test_reads_in_the_block_go_to_the_replica_and_writes_stay_on_default(replica, user_with_role):
    user = user_with_role("leader")
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_default:
        with replica_reads():
            assert get_user_model().objects.filter(pk=user.pk).exists()
            Group.objects.create(name="replica-test-write")
        assert get_user_model().objects.filter(pk=user.pk).exists()
    assert len(on_replica) == 1 and "accounts_user" in on_replica[0]["sql"]
    assert any("INSERT" in q["sql"] for q in on_default) and not any("INSERT" in q["sql"] for q in on_replica)
    assert Group.objects.using("default").filter(name="replica-test-write").exists()


def test_the_dashboard_reads_its_figures_from_the_replica(replica, user_with_role, client_for):
    client = client_for(user_with_role("leader"))
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    assert len(on_replica) > 0
    assert all(q["sql"].lstrip().upper().startswith(("SELECT", "WITH")) for q in on_replica)


def test_without_a_replica_the_block_changes_nothing(settings):
    assert "replica" not in settings.DATABASES
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Group) is None
    assert router.db_for_write(Group) is None


def test_the_replica_is_never_migrated_and_rows_relate_across_aliases():
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "proposals") is False
    assert router.allow_migrate("default", "proposals") is True
    assert router.allow_relation(object(), object()) is True
