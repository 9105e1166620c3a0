"""Authentication by account and password; permissions come only from django-rules.

Django's ModelBackend would also answer has_perm() from the permission tables, costing two queries
per request and letting a stray table row grant what no rule allows. Here permission checks fall
through to nothing unless the user is an active superuser (kept for emergency bootstrap only).
"""

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
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
