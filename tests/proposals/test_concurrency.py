"""Two officers at once: one wins, the other gets a clear domain error, nothing is half-done.
Number allocation under concurrent registrations: no gaps, no duplicates. Real PostgreSQL
connections in threads."""

import threading
import time

import pytest
from django.db import connection, transaction

from members.models import LedgerEvent
from opinions.models import OpinionReport
from proposals import services
from proposals.errors import InvalidTransition
from proposals.models import Proposal, StatusChange
from proposals.workflow import Status

from .factories import ProposalFactory, world

# Reference data (roles, parties, calendar) is put back by tests/conftest.py after the flush.
pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(fn, results, name, start=None):
    def run():
        try:
            if start is not None:
                start.wait(timeout=10)
            results[name] = fn()
        except Exception as exc:  # noqa: BLE001 - recorded for the assertions
            results[name] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_register_and_reject_at_once_one_wins_the_other_is_told(settings):
    w = world()
    p = ProposalFactory(submitted=True, cosigners=1)
    registered = threading.Event()
    results: dict = {}

    def register_and_hold():
        # Officer A registers and keeps the transaction (and the row lock) open a moment.
        with transaction.atomic():
            services.proposal_register(actor=w.officer, proposal=p.pk)
            registered.set()
            time.sleep(0.5)
        return "registered"

    def reject():
        started = time.monotonic()
        try:
            services.proposal_reject(actor=w.officer, proposal=p.pk, ground="personal", convert_to_opinion=True)
        finally:
            results["waited"] = time.monotonic() - started
        return "rejected"

    a = in_thread(register_and_hold, results, "a")
    registered.wait(timeout=10)
    b = in_thread(reject, results, "b")
    a.join(), b.join()

    assert results["a"] == "registered"
    assert isinstance(results["b"], InvalidTransition)
    assert "“已立案”" in str(results["b"])
    assert results["waited"] >= 0.3  # it waited for A's lock instead of acting on a stale read
    p.refresh_from_db()
    assert (p.status, p.serial, p.rejection_ground, p.opinion_report) == (Status.REGISTERED, 1, "", None)
    assert list(StatusChange.objects.filter(proposal=p, verb__in=["register", "reject"])
                .values_list("verb", flat=True)) == ["register"]
    assert not OpinionReport.objects.exists()
    assert LedgerEvent.objects.filter(source_id=str(p.pk), withdrawn_at__isnull=True).count() == 2


def test_concurrent_registrations_number_without_gaps_or_duplicates():
    w = world()
    proposals = [ProposalFactory(submitted=True) for _ in range(8)]
    start, results = threading.Barrier(len(proposals)), {}
    threads = [in_thread(lambda pk=p.pk: services.proposal_register(actor=w.officer, proposal=pk).serial,
                         results, p.pk, start) for p in proposals]
    for thread in threads:
        thread.join()
    assert not [r for r in results.values() if isinstance(r, Exception)], results
    serials = sorted(Proposal.objects.filter(pk__in=[p.pk for p in proposals]).values_list("serial", flat=True))
    assert serials == list(range(1, len(proposals) + 1))


def test_double_submit_at_once_is_harmless():
    p = ProposalFactory()
    start, results = threading.Barrier(2), {}
    threads = [in_thread(lambda: services.proposal_submit(actor=p.author, proposal=p.pk).status, results, i, start)
               for i in range(2)]
    for thread in threads:
        thread.join()
    assert results == {0: Status.SUBMITTED, 1: Status.SUBMITTED}
    assert StatusChange.objects.filter(proposal=p, verb="submit").count() == 1
