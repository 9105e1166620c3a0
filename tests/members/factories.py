"""Factories of the members tests. Members are made through members.services.member_create, so that
pinyin, encryption and the lookup hash are exactly what the product stores."""

from datetime import date

import factory

from members import services
from members.models import Member, MemberStatus, Party, Sector, Term
from members.personal_data import id_check_char
from tests.factories import make_user

_serial = iter(range(1, 10**6))


def make_id_number(n: int | None = None, *, birth: date = date(1980, 5, 17), male: bool = True,
                   region: str | None = None) -> str:
    """A valid 18-character ID number; `n` picks the sequence number (unique per n). Numbers drawn without `n`
    (MemberFactory's) carry another region code, so they never equal a number a test chose: the sequence
    repeats every 500, and a factory member made in the same test could otherwise take the test's number."""
    if n is None:
        n, region = next(_serial), region or "410103"
    region = region or "410102"
    sequence = (n % 500) * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def staff_actor():
    """The member-affairs officer account that factories and set-up code act as (the services check the
    actor's permission): one per test database, made on first use."""
    from zhongyuan_cppcc.accounts.models import User

    return (User.objects.filter(username="factory-officer").first()
            or make_user("member_officer", username="factory-officer", full_name="工厂专员"))


def party(short: str = "民盟") -> Party:
    return Party.objects.get(short_name=short)


def sector(name: str = "教育界") -> Sector:
    return Sector.objects.get(name=name)


def term10() -> Term:
    term, _ = Term.objects.get_or_create(number=10, defaults={"starts_on": date(2022, 1, 1),
                                                              "ends_on": date(2026, 12, 31)})
    return term


class MemberFactory(factory.Factory):
    """MemberFactory(name="张三", party__short="中共") → a saved member (through the service).

    Traits: resigned, deceased, standing, with_account (a user with the member role linked).
    """

    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"测试委员{n}")
    party_short = "民盟"
    sector_name = "教育界"
    id_number = factory.LazyFunction(make_id_number)
    mobile = factory.Sequence(lambda n: f"139{n % 100000000:08d}")
    employer = "中原区测试单位"
    job_title = ""
    status = MemberStatus.SERVING
    is_standing_committee = False
    street = None
    with_term = True
    user = None

    class Params:
        resigned = factory.Trait(status=MemberStatus.RESIGNED)
        deceased = factory.Trait(status=MemberStatus.DECEASED)
        standing = factory.Trait(is_standing_committee=True)
        with_account = factory.Trait(user=factory.LazyFunction(lambda: make_user("member")))

    @classmethod
    def _create(cls, model_class, *, party_short, sector_name, with_term, **kwargs):
        terms = [term10()] if with_term else []
        kwargs.setdefault("actor", staff_actor())
        return services.member_create(party=party(party_short), sector=sector(sector_name), terms=terms, **kwargs)

    _build = _create
