"""The members demo data: what the work report says, whatever other apps add before the evaluation."""

import io
import random
from datetime import date

import pytest
from django.core.management import call_command

from members import demo, demo_evaluation, services
from members.models import (
    Community,
    ExcellentShortlist,
    HandlingUnit,
    Meeting,
    Member,
    PlenarySession,
    Street,
    Term,
    Visit,
)
from members.scoring import Grade, annual_ranking
from members.selectors import eligible_members_for_year
from zhongyuan_cppcc.core.demo import demo_user
from zhongyuan_cppcc.core.models import DemoDataset

LOADERS = ["accounts", "members", "members-evaluation"]


@pytest.mark.django_db
def test_demo_data_reproduces_the_report(monkeypatch):
    # Another app's loader would run between "members" and "members-evaluation": simulate one that
    # records 2023 proposal points for many members (212 registered proposals in 2023).
    def proposals_like_loader(*, stdout=None):
        rng = random.Random(7)
        members = list(Member.objects.filter(status="serving").order_by("pk"))
        officer = demo_user("demo-member-officer")
        for n in range(212):
            lead = members[(n * 7) % len(members)]
            services.ledger_record_event(member=lead, kind="proposal", subkind="lead", date=date(2023, 2, 10),
                                         note=f"提案{n}", actor=officer)
            for cosigner in rng.sample(members, 2):
                services.ledger_record_event(member=cosigner, kind="proposal", subkind="cosigner",
                                             date=date(2023, 2, 10), actor=officer)

    from zhongyuan_cppcc.core.management.commands import load_demo

    names = [name for name, _module in load_demo.DEMO_LOADERS]
    assert names[:2] == ["accounts", "members"] and names[-1] == "members-evaluation"
    fake = type("M", (), {"load": staticmethod(proposals_like_loader)})
    monkeypatch.setattr(load_demo, "DEMO_LOADERS", [*load_demo.DEMO_LOADERS[:2], ("proposals-like", "x"),
                                                    *load_demo.DEMO_LOADERS[2:]])
    real_import = load_demo.import_module
    monkeypatch.setattr(load_demo, "import_module", lambda path: fake if path == "x" else real_import(path))
    call_command("load_demo", only=[*LOADERS, "proposals-like"], stdout=io.StringIO())

    term = Term.objects.get(number=10)
    assert (term.starts_on, term.ends_on) == (date(2022, 1, 1), date(2026, 12, 31))
    sessions = {s.number: s for s in PlenarySession.objects.filter(term=term)}
    assert sorted(sessions) == [1, 2, 3, 4, 5]
    assert sessions[3].opens_on == date(2024, 2, 26) and sessions[2].opens_on.strftime("%Y-%m") == "2023-02"
    assert all(s.proposals_close_on == s.closes_on for s in sessions.values())

    assert Member.objects.count() == 250
    assert Member.objects.filter(party__short_name="中共").count() == 95
    assert Member.objects.values("party").distinct().count() == 10
    assert Member.objects.values("sector").distinct().count() >= 15
    assert Member.objects.values("street").distinct().count() == 14
    assert len(set(Member.objects.values_list("name", flat=True))) == 250
    assert Member.objects.exclude(id_number_hash=None).count() == 250
    assert not Member.objects.filter(name="刘守斌").exists()
    assert Member.objects.get(user=demo_user("demo-member")).name == "王明远"

    assert set(Community.objects.values_list("street", flat=True)) == set(Street.objects.values_list("pk", flat=True))
    units = HandlingUnit.objects.all()
    assert 38 <= units.count() <= 42 and units.filter(kind="street_office").count() == 14
    assert all(unit.officers.filter(groups__name="handler").exists() for unit in units)
    assert HandlingUnit.objects.get(name="区教育局").officers.filter(username="demo-handler").exists()
    assert HandlingUnit.objects.get(name="区教育局").officers.filter(username__regex=r"^unit-\d+-officer$").exists()

    standing_2023 = Meeting.objects.filter(kind="standing", date__year=2023)
    assert standing_2023.count() == 6
    assert all(m.attendances.count() == Member.objects.filter(is_standing_committee=True, status="serving")
               .count() for m in standing_2023)
    assert Visit.objects.filter(date__year=2023).count() == 130
    assert not Visit.objects.filter(member__party__short_name="中共").exists()

    ranking = annual_ranking(year=2023, members=eligible_members_for_year(2023))
    excellent = {r.id for r in ranking.rows if r.grade == Grade.EXCELLENT}
    assert len(excellent) == 61
    assert ranking.grade_counts[Grade.GOOD] > 0 and ranking.grade_counts[Grade.COMPETENT] > 0
    shortlist = ExcellentShortlist.objects.get(year=2023)
    assert shortlist.is_final
    assert set(shortlist.entries.filter(excluded=False).values_list("member_id", flat=True)) == excellent

    # Running the command again changes nothing.
    before = (Member.objects.count(), Visit.objects.count(), DemoDataset.objects.count())
    out = io.StringIO()
    call_command("load_demo", only=LOADERS, stdout=out)
    assert "already loaded" in out.getvalue()
    assert (Member.objects.count(), Visit.objects.count(), DemoDataset.objects.count()) == before


@pytest.mark.django_db
def test_evaluation_needs_the_members_first():
    with pytest.raises(RuntimeError):
        demo_evaluation.load()
    assert demo.SESSIONS[2][1] == date(2024, 2, 26)
