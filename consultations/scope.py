"""Who sees which street's consultation work: a consultation officer attached to a street (OfficerStreet) is
limited to it; other consultation officers and leaders see the whole district."""

from django.db.models import Q


def officer_street_id(user) -> int | None:
    """The street a consultation officer is attached to, or None for a district-wide officer (cached)."""
    if not hasattr(user, "_consultation_street_id"):
        from .models import OfficerStreet

        row = OfficerStreet.objects.filter(user_id=user.pk).values_list("street_id", flat=True).first() \
            if user.pk else None
        user._consultation_street_id = row
    return user._consultation_street_id


def is_district_wide(user) -> bool:
    return officer_street_id(user) is None


def street_filter(user, field: str = "street") -> Q:
    """A filter limiting a queryset to the officer's street (no limit for district-wide officers)."""
    street_id = officer_street_id(user)
    return Q() if street_id is None else Q(**{f"{field}_id": street_id})


def member_of(user):
    """The serving member record linked to the account, or None (cached)."""
    if not hasattr(user, "_consultation_member"):
        from members.models import Member

        user._consultation_member = Member.objects.filter(user_id=user.pk).first() if user.pk else None
    return user._consultation_member
