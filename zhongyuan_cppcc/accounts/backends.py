"""Authentication by account and password; permissions come only from django-rules.

Django's ModelBackend would also answer has_perm() from the permission tables, costing two queries
per request and letting a stray table row grant what no rule allows. Here permission checks fall
through to nothing unless the user is an active superuser (kept for emergency bootstrap only).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import router

from . import facts


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        """The session's user with their roles and the facts other apps registered (accounts.facts), in one
        query."""
        model = get_user_model()
        using = router.db_for_read(model)
        user = (model._default_manager.using(using).annotate(**facts.annotations(using))
                .filter(pk=user_id).first())
        if user is None or not self.user_can_authenticate(user):
            return None
        facts.settle(user)
        return user

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if user_obj.is_active and user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return bool(user_obj.is_active and user_obj.is_superuser)

    def has_module_perms(self, user_obj, app_label):
        return bool(user_obj.is_active and user_obj.is_superuser)
