"""Member records: create, change, reveal personal data."""

from collections.abc import Iterable
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhongyuan_cppcc.audit.models import Outcome
from zhongyuan_cppcc.audit.services import audit_record

from .. import personal_data
from ..models import Gender, Member, MemberStatus, Party, Sector, SpecialCommittee, Street, Term, TermMembership
from ..pinyin import name_pinyin, search_text
from ._common import DuplicateIdNumber, MembersError, MembersPermissionDenied, require_perm


def member_derive_names(member: Member) -> None:
    """Set name_pinyin, name_initials and search_text from the name and employer (no save)."""
    member.name_pinyin, member.name_initials = name_pinyin(member.name)
    member.search_text = search_text(name=member.name, pinyin=member.name_pinyin,
                                     initials=member.name_initials, employer=member.employer)


def _apply_id_number(member: Member, id_number: str) -> None:
    """Validate, check for a duplicate and store an ID number; fill birth date and gender from it."""
    try:
        number = personal_data.validate_id_number(id_number)
    except ValidationError as exc:
        raise MembersError(exc.messages[0]) from exc
    protected = personal_data.protect_id_number(number)
    duplicate = Member.objects.filter(id_number_hash=protected["id_number_hash"])
    if member.pk:
        duplicate = duplicate.exclude(pk=member.pk)
    if duplicate.exists():
        raise DuplicateIdNumber(_("Another member already has this ID number."))
    birth = personal_data.birth_date_from_id(number)
    gender = personal_data.gender_from_id(number)
    if member.birth_date and member.birth_date != birth:
        raise MembersError(_("The birth date does not match the ID number."))
    if member.gender and member.gender != gender:
        raise MembersError(_("The gender does not match the ID number."))
    member.birth_date = birth
    member.gender = gender
    for name, value in protected.items():
        setattr(member, name, value)


MEMBER_FIELDS = ("name", "gender", "ethnic_group", "birth_date", "mobile", "party", "sector", "employer",
                 "job_title", "is_standing_committee", "street", "status", "photo", "user")


def _save_member(member: Member, *, id_number: str | None) -> None:
    member.name = (member.name or "").strip()
    if not member.name:
        raise MembersError(_("The name is missing."))
    try:
        member.mobile = personal_data.validate_mobile(member.mobile)
    except ValidationError as exc:
        raise MembersError(exc.messages[0]) from exc
    if id_number:
        _apply_id_number(member, id_number)
    if member.gender not in Gender.values:
        raise MembersError(_("The gender is missing."))
    if member.user_id and Member.objects.filter(user_id=member.user_id).exclude(pk=member.pk).exists():
        raise MembersError(_("This user account already belongs to another member."))
    member_derive_names(member)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        # Two officers saving the same ID number at once: the unique hash decides.
        raise DuplicateIdNumber(_("Another member already has this ID number.")) from exc


@transaction.atomic
def member_create(
    *,
    name: str,
    party: Party,
    sector: Sector,
    gender: str = "",
    id_number: str = "",
    mobile: str = "",
    ethnic_group: str = "汉族",
    birth_date: date_type | None = None,
    employer: str = "",
    job_title: str = "",
    is_standing_committee: bool = False,
    street: Street | None = None,
    status: str = MemberStatus.SERVING,
    terms: Iterable[Term] = (),
    special_committees: Iterable[SpecialCommittee] = (),
    user=None,
    photo=None,
    actor,
) -> Member:
    """Create a member. Validates the ID number (refuses a duplicate), stores it encrypted, derives
    pinyin; raises MembersError. Audited without personal data."""
    require_perm(actor, "members.add_member")
    member = Member(name=name, party=party, sector=sector, gender=gender, mobile=mobile,
                    ethnic_group=ethnic_group or "汉族", birth_date=birth_date, employer=employer,
                    job_title=job_title, is_standing_committee=is_standing_committee, street=street,
                    status=status, user=user)
    if photo:
        member.photo = photo
    _save_member(member, id_number=id_number)
    for term in terms:
        TermMembership.objects.get_or_create(member=member, term=term, defaults={"joined_on": term.starts_on})
    if special_committees:
        member.special_committees.set(special_committees)
    audit_record(action="members.member_created", actor=actor, obj=member)
    return member


@transaction.atomic
def member_update(
    *,
    member: Member,
    actor,
    id_number: str = "",
    terms: Iterable[Term] | None = None,
    special_committees: Iterable[SpecialCommittee] | None = None,
    **changes,
) -> Member:
    """Change a member's fields (any of MEMBER_FIELDS); a non-empty id_number replaces the stored
    one. Raises MembersError. Audited with the names of the changed fields only."""
    require_perm(actor, "members.change_member", member)
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"member_update: unknown fields {sorted(unknown)}")
    member = Member.objects.select_for_update().get(pk=member.pk)
    changed = [f for f, v in changes.items() if getattr(member, f) != v]
    for field_name, value in changes.items():
        setattr(member, field_name, value)
    if id_number:
        changed.append("id_number")
        # A new ID number re-derives birth date and gender, unless they were changed explicitly.
        if "birth_date" not in changes:
            member.birth_date = None
        if "gender" not in changes:
            member.gender = ""
    _save_member(member, id_number=id_number)
    if terms is not None:
        terms = list(terms)
        member.term_memberships.exclude(term__in=terms).delete()
        for term in terms:
            TermMembership.objects.get_or_create(member=member, term=term,
                                                 defaults={"joined_on": term.starts_on})
        changed.append("terms")
    if special_committees is not None:
        member.special_committees.set(special_committees)
        changed.append("special_committees")
    audit_record(action="members.member_changed", actor=actor, obj=member, details={"fields": sorted(set(changed))})
    return member


def member_reveal_personal_data(*, member: Member, actor) -> dict[str, str]:
    """Return the full ID and mobile numbers. Precondition: the actor holds
    members.view_full_personal_data (else MembersPermissionDenied, a PermissionDenied). Every reveal and
    every refusal is audited."""
    try:
        require_perm(actor, "members.view_full_personal_data")
    except MembersPermissionDenied:
        audit_record(action="members.personal_data_revealed", actor=actor, obj=member, outcome=Outcome.DENIED)
        raise
    id_number = personal_data.decrypt(member.id_number_encrypted) if member.id_number_encrypted else ""
    audit_record(action="members.personal_data_revealed", actor=actor, obj=member,
                 details={"fields": ["id_number", "mobile"]})
    return {"id_number": id_number, "mobile": member.mobile}
