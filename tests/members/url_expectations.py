"""Role × URL table of the members module (see tests/url_matrix.py)."""

from tests.url_matrix import DENY, HIDDEN, Expect, only

OFFICER = "member_officer"
LEADER = "leader"


def _member(user=None) -> dict:
    from .factories import MemberFactory

    return {"pk": MemberFactory().pk}


def _own_record(user=None) -> dict:
    """No URL kwargs: gives the requesting account a member record of its own (a member role's "my record")."""
    from members.models import Member

    from .factories import MemberFactory

    if user is not None and user.groups.filter(name="member").exists() and \
            not Member.objects.filter(user=user).exists():
        MemberFactory(user=user)
    return {}


def _member_with_photo(user=None) -> dict:
    from django.core.files.base import ContentFile

    from .factories import MemberFactory

    photo = ContentFile(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, name="photo.png")
    return {"pk": MemberFactory(photo=photo).pk}


def _event(user=None) -> dict:
    from datetime import date

    from members.services import ledger_record_single

    from .factories import MemberFactory, staff_actor

    event = ledger_record_single(member=MemberFactory(), kind="study", subkind="session", date=date(2023, 3, 1),
                                 actor=staff_actor())
    return {"pk": event.pk}


def _import_job(user=None) -> dict:
    from members.models import ImportJob, ImportStatus

    return {"pk": ImportJob.objects.create(original_name="members.xlsx", status=ImportStatus.FAILED,
                                           message="x").pk}


def _visit(user=None) -> dict:
    from datetime import date

    from members.services import visit_record

    from .factories import MemberFactory, staff_actor

    return {"pk": visit_record(member=MemberFactory(), date=date(2023, 5, 1), visitors="甲", purpose="乙",
                               actor=staff_actor()).pk}


def _rule(user=None) -> dict:
    from members.models import LedgerRule

    return {"pk": LedgerRule.objects.get(kind="study", subkind="session").pk}


def _meeting(user=None) -> dict:
    from datetime import date

    from members.services import meeting_create

    from .factories import staff_actor, term10

    return {"pk": meeting_create(kind="standing", title="常委会议", date=date(2023, 4, 18), term=term10(),
                                 actor=staff_actor()).pk}


def _activity(user=None) -> dict:
    from datetime import date

    from members.services import activity_create

    from .factories import MemberFactory, staff_actor

    return {"pk": activity_create(kind="research", subkind="research", title="调研", date=date(2023, 6, 1),
                                  participants=[MemberFactory()], actor=staff_actor()).pk}


def _shortlist_year(user=None) -> dict:
    from members.models import ExcellentShortlist

    ExcellentShortlist.objects.get_or_create(year=2023, defaults={"percent": 10})
    return {"year": 2023}


def _shortlist_entry(user=None) -> dict:
    from members.models import EntryOrigin, ExcellentEntry, ExcellentShortlist

    from .factories import MemberFactory

    shortlist, _ = ExcellentShortlist.objects.get_or_create(year=2023, defaults={"percent": 10})
    return {"pk": ExcellentEntry.objects.create(shortlist=shortlist, member=MemberFactory(),
                                                origin=EntryOrigin.AUTO).pk}


def _unit(user=None) -> dict:
    from members.models import HandlingUnit

    return {"pk": HandlingUnit.objects.create(name="区测试局").pk}


READERS = (OFFICER, LEADER)

EXPECTATIONS = {
    "members:member-list": only(*READERS),
    "members:member-create": only(OFFICER),
    "members:member-export": only(*READERS, method="post"),
    "members:my-record": only("member"),
    "members:my-record-export": only("member", method="post", kwargs=_own_record),
    # Another member's record: 404 for whoever may not see it (a member sees only their own).
    "members:member-detail": Expect(allowed=list(READERS), others=HIDDEN, kwargs=_member),
    "members:member-update": only(OFFICER, kwargs=_member),
    # Full numbers need a permission no role carries: readers get 403 (and an audit row), others 404.
    "members:member-reveal": Expect(allowed=[], others=HIDDEN, overrides={OFFICER: DENY, LEADER: DENY},
                                    method="post", kwargs=_member),
    "members:member-photo": Expect(allowed=list(READERS), others=HIDDEN, kwargs=_member_with_photo),
    "members:member-record": Expect(allowed=list(READERS), others=HIDDEN, kwargs=_member),
    # The record's export needs the record permission itself (a member exports through "my record"): 403.
    "members:member-record-export": only(*READERS, method="post", kwargs=_member),
    "members:member-record-pdf": Expect(allowed=list(READERS), others=HIDDEN, kwargs=_member),
    "members:event-create": only(OFFICER, kwargs=_member),
    "members:event-withdraw": only(OFFICER, method="post", kwargs=_event),
    "members:import": only(OFFICER),
    "members:import-template": only(OFFICER),
    "members:import-detail": only(OFFICER, kwargs=_import_job),
    "members:import-progress": only(OFFICER, kwargs=_import_job),
    "members:visit-list": only(*READERS),
    "members:visit-export": only(*READERS, method="post"),
    "members:visit-create": only(OFFICER),
    "members:visit-update": only(OFFICER, kwargs=_visit),
    "members:rule-list": only(*READERS),
    "members:rule-export": only(*READERS, method="post"),
    "members:rule-create": only(OFFICER),
    "members:rule-update": only(OFFICER, kwargs=_rule),
    "members:meeting-list": only(*READERS),
    "members:meeting-export": only(*READERS, method="post"),
    "members:meeting-create": only(OFFICER),
    "members:meeting-detail": only(*READERS, kwargs=_meeting),
    "members:activity-list": only(*READERS),
    "members:activity-export": only(*READERS, method="post"),
    "members:activity-create": only(OFFICER),
    "members:activity-detail": only(*READERS, kwargs=_activity),
    "members:ranking": only(*READERS),
    "members:ranking-export": only(*READERS, method="post"),
    "members:shortlist-index": only(*READERS),
    "members:shortlist-generate": only(OFFICER, method="post"),
    "members:shortlist-detail": only(*READERS, kwargs=_shortlist_year),
    "members:shortlist-add": only(OFFICER, method="post", kwargs=_shortlist_year),
    "members:shortlist-finalize": only(OFFICER, method="post", kwargs=_shortlist_year),
    "members:shortlist-reopen": only(OFFICER, method="post", kwargs=_shortlist_year),
    "members:shortlist-export": only(*READERS, method="post", kwargs=_shortlist_year),
    "members:shortlist-exclude": only(OFFICER, method="post", kwargs=_shortlist_entry),
    "members:organisations": only(*READERS),
    "members:unit-list": only(*READERS, "sysadmin"),
    "members:unit-create": only(OFFICER, "sysadmin"),
    "members:unit-update": only(OFFICER, "sysadmin", kwargs=_unit),
}
