"""Business grants under 三员分立, enforced below every caller (admin, views, services, shell).

A business grant is a row that gives an account business powers on top of its roles: a personal-data
clearance, a collective-proposal authorisation, a seat among a handling unit's officers. Nobody grants
one to themselves, and administrator accounts never hold one. Role changes are held to the same rule:
an administrator role excludes every business role, whatever code adds the group.

The model guards (signals) are the last line: a caller that skips the checks gets an
AccountPolicyError before anything is written. The admin mixin runs the same checks while the form is
validated, so that the administrator sees the message on the form instead of an error page.
"""

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed, pre_save

from zhongyuan_cppcc.core.middleware import current_request

from .models import User
from .services import check_business_grant, validate_role_combination

# (model label, field naming the account that receives the grant, whether the field is many-to-many)
BUSINESS_GRANTS = (
    ("members.PersonalDataClearance", "user", False),
    ("proposals.CollectiveAuthorisation", "user", False),
    ("members.HandlingUnit", "officers", True),
)


def current_actor() -> User | None:
    request = current_request()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _what(model) -> str:
    return model._meta.label_lower


def _guard_row(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return  # fixtures and restores load what was already checked
    field = getattr(sender, "_grant_holder_field", "user")
    holder_id = getattr(instance, f"{field}_id", None)
    if holder_id is None:
        return
    if instance.pk is not None and not instance._state.adding:
        previous = sender._default_manager.filter(pk=instance.pk).values_list(f"{field}_id", flat=True).first()
        revoking = getattr(instance, "revoked_at", None) is not None
        if revoking and previous == holder_id:
            return  # ending a grant is always allowed
    holder = User.objects.filter(pk=holder_id).first()
    if holder is not None:
        check_business_grant(actor=current_actor(), holder=holder, what=_what(sender))


def _guard_m2m_holders(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action != "pre_add" or not pk_set:
        return
    actor = current_actor()
    holders = [instance] if reverse else list(User.objects.filter(pk__in=pk_set))
    what = _what(model if reverse else type(instance))
    for holder in holders:
        check_business_grant(actor=actor, holder=holder, what=what)


def _guard_roles(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """user.groups.add(...) / group.user_set.add(...): the resulting role set must be allowed."""
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(users)
        for user in User.objects.filter(pk__in=pk_set):
            validate_role_combination({*user.groups.values_list("name", flat=True), instance.name})
    else:
        added = Group.objects.filter(pk__in=pk_set).values_list("name", flat=True)
        current = instance.groups.values_list("name", flat=True) if instance.pk else []
        validate_role_combination({*current, *added})


def connect() -> None:
    m2m_changed.connect(_guard_roles, sender=User.groups.through, dispatch_uid="accounts.guard_roles")
    for label, field, many in BUSINESS_GRANTS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if many:
            m2m_changed.connect(_guard_m2m_holders, sender=getattr(model, field).through,
                                dispatch_uid=f"accounts.guard_grant.{label}")
        else:
            model._grant_holder_field = field
            pre_save.connect(_guard_row, sender=model, dispatch_uid=f"accounts.guard_grant.{label}")


class BusinessGrantAdminMixin:
    """For the admin of a business grant: the holder checks run while the form is validated.

    Set `grant_holder_fields` to the form fields that name the receiving accounts (a user or users).
    """

    grant_holder_fields: tuple[str, ...] = ("user",)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        holder_fields = self.grant_holder_fields
        what = _what(self.model)

        def clean(form):
            cleaned = form_class.clean(form)
            for field in holder_fields:
                if field not in form.fields or field not in cleaned:
                    continue
                value = cleaned.get(field)
                if value is None:
                    continue
                holders = list(value) if hasattr(value, "__iter__") else [value]
                if form.instance.pk and hasattr(value, "__iter__"):
                    before = set(getattr(form.instance, field).values_list("pk", flat=True))
                    holders = [h for h in holders if h.pk not in before]
                elif form.instance.pk and getattr(form.instance, f"{field}_id", None) == value.pk:
                    holders = []
                for holder in holders:
                    try:
                        check_business_grant(actor=request.user, holder=holder, what=what)
                    except ValidationError as exc:
                        form.add_error(field, exc)
            return cleaned

        return type(form_class.__name__, (form_class,), {"clean": clean})
