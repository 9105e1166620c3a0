"""ID numbers: validation, encryption at rest, keyed lookup hash, duplicates, masking, reveal audit."""

import logging
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from members import personal_data, services
from members.models import Member
from zhongyuan_cppcc.audit.models import AuditEvent

from .factories import MemberFactory, make_id_number, party, sector, staff_actor

VALID = make_id_number(7, birth=date(1990, 1, 1))


@pytest.mark.parametrize("value", [VALID, VALID.lower(), f" {VALID[:6]} {VALID[6:]} "])
def test_valid_id_numbers_are_normalised(value):
    assert personal_data.validate_id_number(value) == VALID


def test_x_check_character_accepted():
    # Find a sequence whose check character is X and accept it in lower case too.
    for n in range(1000):
        number = make_id_number(n)
        if number.endswith("X"):
            break
    assert number.endswith("X")
    assert personal_data.validate_id_number(number.lower()) == number


def _with_check(first17: str) -> str:
    return first17 + personal_data.id_check_char(first17)


@pytest.mark.parametrize(("value", "code"), [
    ("", "required"),
    ("41010219900101123", "length"),  # 17 characters
    ("4101021990010112345", "length"),  # 19 characters
    ("41010219900101123A", "format"),
    ("4101021990010X1234", "format"),
    (_with_check("99010219900101123"), "region"),  # no province 99
    (_with_check("41000019900101123"), "region"),  # province level only
    (_with_check("41010219900230123"), "birth_date"),  # 30 February
    (_with_check("41010218990101123"), "birth_date"),  # before 1900
    (_with_check("41010230000101123"), "birth_date"),  # in the future
])
def test_invalid_id_numbers_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as excinfo:
        personal_data.validate_id_number(value)
    assert excinfo.value.code == code


def test_wrong_check_digit_is_refused():
    wrong = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    with pytest.raises(ValidationError) as excinfo:
        personal_data.validate_id_number(wrong)
    assert excinfo.value.code == "checksum"


def test_birth_date_and_gender_come_from_the_id_number():
    number = make_id_number(3, birth=date(1975, 8, 9), male=False)
    assert personal_data.birth_date_from_id(number) == date(1975, 8, 9)
    assert personal_data.gender_from_id(number) == "female"


def test_encryption_round_trip_uses_a_fresh_nonce():
    first, second = personal_data.encrypt(VALID), personal_data.encrypt(VALID)
    assert first != second and VALID not in first
    assert personal_data.decrypt(first) == personal_data.decrypt(second) == VALID


def test_ciphertext_does_not_decrypt_under_another_key(settings):
    token = personal_data.encrypt(VALID)
    settings.PERSONAL_DATA_KEY = "YW5vdGhlci1rZXktZm9yLXRoZS10ZXN0LW9mLWRlY3J5cHRpb24="
    with pytest.raises(ValueError):
        personal_data.decrypt(token)


def test_lookup_hash_is_keyed(settings):
    before = personal_data.lookup_hash(VALID)
    assert before == personal_data.lookup_hash(VALID.lower())
    settings.PERSONAL_DATA_KEY = "YW5vdGhlci1rZXktZm9yLXRoZS10ZXN0LW9mLWRlY3J5cHRpb24="
    assert personal_data.lookup_hash(VALID) != before


@pytest.mark.django_db
def test_no_plain_id_number_in_the_database():
    number = make_id_number(11)
    member = MemberFactory(id_number=number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM members_member WHERE id = %s", [member.pk])
        row = [str(v) for v in cursor.fetchone()]
        cursor.execute("SELECT COUNT(*) FROM members_member WHERE CAST(members_member.* AS text) LIKE %s",
                       [f"%{number}%"])
        assert cursor.fetchone()[0] == 0
    assert not any(number in value for value in row)
    assert not any(number[6:14] + number[14:] in value for value in row)  # not even the tail after the region
    member.refresh_from_db()
    assert member.id_number_masked == number[:3] + "*" * 11 + number[-4:]
    assert personal_data.decrypt(member.id_number_encrypted) == number
    assert member.id_number_hash == personal_data.lookup_hash(number)


@pytest.mark.django_db
def test_duplicate_id_number_is_refused_on_create_and_update():
    number = make_id_number(12)
    first = MemberFactory(id_number=number)
    with pytest.raises(services.DuplicateIdNumber):
        services.member_create(name="李四", party=party(), sector=sector(), id_number=number.lower(),
                               actor=staff_actor())
    other = MemberFactory()
    with pytest.raises(services.DuplicateIdNumber):
        services.member_update(member=other, id_number=number, actor=staff_actor())
    assert Member.objects.filter(id_number_hash=first.id_number_hash).count() == 1


@pytest.mark.django_db
def test_gender_or_birth_date_contradicting_the_id_number_is_refused():
    number = make_id_number(13, male=True)
    with pytest.raises(services.MembersError):
        services.member_create(name="张三", party=party(), sector=sector(), id_number=number, gender="female",
                               actor=staff_actor())
    with pytest.raises(services.MembersError):
        services.member_create(name="张三", party=party(), sector=sector(), id_number=number,
                               birth_date=date(2000, 1, 1), actor=staff_actor())


@pytest.mark.django_db
def test_mobile_number_is_validated():
    with pytest.raises(services.MembersError):
        MemberFactory(mobile="12345")
    assert MemberFactory(mobile="+86 138-1234-5678").mobile == "13812345678"


@pytest.mark.django_db
def test_reveal_needs_the_permission_and_is_audited(officer, full_data_officer):
    number = make_id_number(14)
    member = MemberFactory(id_number=number, mobile="13812345678")
    with pytest.raises(PermissionDenied):
        services.member_reveal_personal_data(member=member, actor=officer)
    denied = AuditEvent.objects.get(action="members.personal_data_revealed", actor=officer)
    assert denied.outcome == "denied"
    values = services.member_reveal_personal_data(member=member, actor=full_data_officer)
    assert values == {"id_number": number, "mobile": "13812345678"}
    event = AuditEvent.objects.get(action="members.personal_data_revealed", actor=full_data_officer)
    assert event.outcome == "success" and event.object_id == str(member.pk)
    assert number not in str(event.details) and number not in event.object_repr


@pytest.mark.django_db
def test_services_never_log_or_audit_a_full_id_number(caplog, officer):
    number, replacement = make_id_number(15), make_id_number(16)
    with caplog.at_level(logging.DEBUG):
        member = MemberFactory(id_number=number, actor=officer)
        services.member_update(member=member, id_number=replacement, actor=officer)
        with pytest.raises(services.DuplicateIdNumber):
            services.member_create(name="重复", party=party(), sector=sector(), id_number=replacement,
                                   actor=officer)
    assert number not in caplog.text and replacement not in caplog.text
    audit_text = " ".join(f"{e.object_repr} {e.details}" for e in AuditEvent.objects.all())
    assert "members.member_changed" in {e.action for e in AuditEvent.objects.all()}
    assert number not in audit_text and replacement not in audit_text


@pytest.mark.django_db
def test_security_administrator_grants_a_clearance_in_the_admin(client_for, officer):
    from django.urls import reverse

    from members.models import PersonalDataClearance
    from tests.factories import make_user

    secadmin, sysadmin = make_user("secadmin"), make_user("sysadmin")
    assert reverse("admin:members_personaldataclearance_changelist") in client_for(secadmin).get(
        reverse("admin:index")).content.decode()
    assert reverse("admin:members_personaldataclearance_changelist") not in client_for(sysadmin).get(
        reverse("admin:index")).content.decode()
    response = client_for(secadmin).post(reverse("admin:members_personaldataclearance_add"),
                                         {"user": officer.pk, "reason": "年度换届资格审查", "expires_on": ""})
    assert response.status_code == 302
    clearance = PersonalDataClearance.objects.get(user=officer)
    assert clearance.granted_by == secadmin
    assert type(officer).objects.get(pk=officer.pk).has_perm("members.view_full_personal_data")
    assert AuditEvent.objects.filter(action="members.clearance_granted", actor=secadmin).exists()
    # The system administrator cannot grant one (三员分立).
    assert client_for(sysadmin).post(reverse("admin:members_personaldataclearance_add"),
                                     {"user": officer.pk, "reason": "x"}).status_code in (302, 403)
    assert PersonalDataClearance.objects.count() == 1
    client_for(secadmin).post(reverse("admin:members_personaldataclearance_delete", args=[clearance.pk]),
                              {"post": "yes"})
    assert not PersonalDataClearance.objects.exists()
    assert AuditEvent.objects.filter(action="members.clearance_revoked").exists()


# --- Mobile numbers encrypted like ID numbers (issue 13) -------------------------------------------------


@pytest.mark.django_db
def test_no_plain_mobile_number_in_the_database_and_the_masked_form_is_unchanged():
    member = MemberFactory(mobile="13912345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM members_member WHERE CAST(members_member.* AS text) LIKE %s",
                       ["%12345678%"])
        assert cursor.fetchone()[0] == 0
    member = Member.objects.get(pk=member.pk)
    assert member.mobile_masked == "139****5678"
    assert member.mobile == "13912345678"
    assert member.mobile_hash == personal_data.mobile_lookup_hash("13912345678")
    assert member.mobile_hash != personal_data.lookup_hash("13912345678")  # domain-separated
    # An ID number's ciphertext cannot pass for a mobile's (associated data binds it to its column).
    with pytest.raises(ValueError):
        personal_data.reveal_mobile(member.id_number_encrypted)


@pytest.mark.django_db
def test_search_by_a_whole_mobile_number_uses_the_lookup_hash():
    from members.selectors import member_search

    wanted = MemberFactory(mobile="13812345678")
    MemberFactory(mobile="13812345679")
    assert list(member_search(Member.objects.all(), "138 1234 5678")) == [wanted]
    assert list(member_search(Member.objects.all(), "+8613812345678")) == [wanted]


@pytest.mark.django_db
def test_reveal_returns_the_full_mobile_number(full_data_officer):
    member = MemberFactory(mobile="13712345678")
    assert services.member_reveal_personal_data(member=member, actor=full_data_officer)["mobile"] == "13712345678"


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_encrypts_existing_plain_mobile_numbers():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("members", "0009_personal_data_clearance")])
    old_apps = executor.loader.project_state([("members", "0009_personal_data_clearance")]).apps
    OldMember = old_apps.get_model("members", "Member")
    Party, Sector = old_apps.get_model("members", "Party"), old_apps.get_model("members", "Sector")
    old = OldMember.objects.create(name="旧委员", gender="male", mobile="13612345678",
                                   party=Party.objects.create(name="迁移党派"),
                                   sector=Sector.objects.create(name="迁移界别"))
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    member = Member.objects.get(pk=old.pk)
    assert member.mobile == "13612345678" and member.mobile_masked == "136****5678"
    assert member.mobile_hash == personal_data.mobile_lookup_hash("13612345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM members_member WHERE CAST(members_member.* AS text) LIKE %s",
                       ["%12345678%"])
        assert cursor.fetchone()[0] == 0
