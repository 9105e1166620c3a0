"""Side effects wait for the commit: notifications' e-mail/SMS deliveries are enqueued only after
commit, and a rolled-back transaction enqueues (and notifies) nothing."""

import pytest
from django.db import transaction

from proposals import services
from zhongyuan_cppcc.notifications.models import Delivery, Notification

from .factories import ProposalFactory


def test_deliveries_are_enqueued_on_commit_only(w, django_capture_on_commit_callbacks, monkeypatch):
    p = ProposalFactory(submitted=True)
    first_new = (Delivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    published = []
    from zhongyuan_cppcc.notifications import tasks

    # Record what would be published to the broker, and when.
    monkeypatch.setattr(tasks.deliver_task, "apply_async", lambda args=None, **kw: published.append(args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.proposal_register(actor=w.officer, proposal=p)
        assert published == []  # nothing left for the broker inside the transaction
    deliveries = list(Delivery.objects.filter(notification__recipient=p.author).values_list("pk", flat=True))
    assert deliveries and len(callbacks) >= len(deliveries)
    for callback in callbacks:
        callback()
    assert sorted(args[0] for args in published) == sorted(
        Delivery.objects.filter(pk__gte=first_new, status="pending").values_list("pk", flat=True))


def test_rolled_back_service_enqueues_and_notifies_nothing(w, django_capture_on_commit_callbacks):
    p = ProposalFactory(submitted=True)
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.proposal_register(actor=w.officer, proposal=p)
            raise RuntimeError("the view failed afterwards")
    assert callbacks == []
    assert Notification.objects.count() == before
    p.refresh_from_db()
    assert p.status == "submitted" and p.serial is None
