"""Reply rate (办复率 = replied-or-closed ÷ registered) and satisfaction rate, per year and per unit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from proposals import selectors, services
from proposals.models import Proposal

from .factories import ProposalFactory


def rate_all(p, overall):
    for rating in p.ratings.filter(status="open"):
        services.rating_submit(actor=rating.user, proposal=p, overall=overall, contacted="yes", on_point=True)


@pytest.fixture
def year_of_proposals(w):
    """Registered in the world's year: 2 closed (one satisfied, one with a dissatisfied then re-handled
    reply), 1 replied (not yet rated), 1 assigned and overdue, 1 registered, plus a merged one, a draft
    and a not-registered one which must not count."""
    closed_a = ProposalFactory(closed=True)
    rehandled = ProposalFactory(replied=True, cosigners=1)
    cosigner = rehandled.invitations.get().member.user
    services.rating_submit(actor=cosigner, proposal=rehandled, overall="dissatisfied", contacted="no",
                           on_point=False)
    rehandled.refresh_from_db()
    from .test_evaluation import reply_again

    reply_again(rehandled, w)
    services.rating_submit(actor=rehandled.author, proposal=rehandled, overall="basically", contacted="yes",
                           on_point=True)
    services.rating_submit(actor=cosigner, proposal=rehandled, overall="dissatisfied", contacted="yes",
                           on_point=False)
    replied = ProposalFactory(replied=True)
    overdue = ProposalFactory(assigned=True)
    Proposal.objects.filter(pk=overdue.pk).update(reply_due_on=timezone.localdate() - timedelta(days=2))
    registered = ProposalFactory(registered=True)
    ProposalFactory(merged=True)  # its main proposal (submitted) is not registered either
    ProposalFactory()
    ProposalFactory(not_registered=True)
    return dict(closed=closed_a, rehandled=rehandled, replied=replied, overdue=overdue, registered=registered)


def test_reply_rate_per_year(w, year_of_proposals, django_assert_num_queries):
    year = w.session.year
    with django_assert_num_queries(1):
        figures = selectors.proposal_figures_by_year(years=[year, year - 1])
    this = figures[year]
    assert (this.registered, this.replied, this.closed, this.overdue) == (5, 3, 2, 1)
    assert this.reply_rate == pytest.approx(3 / 5)
    assert figures[year - 1].registered == 0 and figures[year - 1].reply_rate is None


def test_satisfaction_rate_counts_final_ratings(w, year_of_proposals, django_assert_num_queries):
    year = w.session.year
    with django_assert_num_queries(1):
        figures = selectors.satisfaction_by_year(years=[year])[year]
    # closed: 1 satisfied; rehandled, second reply: 1 basically + 1 dissatisfied. The first-round
    # dissatisfied rating was superseded by the re-handling and does not count.
    assert (figures.rated, figures.satisfied, figures.basically_satisfied, figures.dissatisfied) == (3, 1, 1, 1)
    assert figures.satisfaction_rate == pytest.approx(2 / 3)


def test_per_unit_table(w, year_of_proposals, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        rows = {f.unit.pk: f for f in selectors.unit_figures(year=w.session.year)}
    lead = rows[w.lead_unit.pk]
    # The lead unit holds the 4 assigned proposals (the registered one is not assigned yet).
    assert (lead.registered, lead.replied, lead.overdue) == (4, 3, 1)
    assert lead.reply_rate == pytest.approx(3 / 4)
    assert lead.satisfaction_rate == pytest.approx(2 / 3)
    assert rows[w.co_unit.pk].co_handled == 4 and rows[w.co_unit.pk].registered == 0
    assert rows[w.other_unit.pk].reply_rate is None


def test_the_breakdowns_come_from_one_query_and_each_adds_up_to_the_registered_figure(
        w, year_of_proposals, django_assert_num_queries):
    year = w.session.year
    with django_assert_num_queries(1):
        together = selectors.registered_breakdowns(year=year)
    assert set(together) == set(selectors.BREAKDOWNS)
    for by, counts in together.items():
        assert sum(counts.values()) == 5, by
        assert selectors.registered_breakdowns(year=year, by=(by,))[by] == counts
    lead_street = year_of_proposals["closed"].lead_member.street_id
    assert together["street"].get(lead_street, 0) >= 1
    assert all(key is None or key.day == 1 for key in together["month"])
    assert selectors.registered_breakdowns(year=year - 1) == {by: {} for by in selectors.BREAKDOWNS}
