"""The reference data (roles, parties, points rules …) survives a transactional test's flush: the tests after it
on the same worker find it, whatever order xdist runs them in."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from members.models import LedgerRule, Party


@pytest.mark.django_db(transaction=True)
def test_a_flush_puts_the_reference_data_back():
    call_command("flush", interactive=False, verbosity=0)  # what TransactionTestCase does after each test
    assert Group.objects.filter(name="member").exists()
    assert Party.objects.exists() and LedgerRule.objects.exists()
