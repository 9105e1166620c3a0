from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import EmptyResultSet, FullResultSet


class SafeChangeListMixin:
    """A changelist whose date hierarchy and filters answer "invalid filter" for impossible dates.

    Django turns most bad lookups into its "?e=1" page, but `?date__year=99999999999` overflows
    `datetime()` (OverflowError) and `?date__year=9999` overflows the hierarchy's end date, both
    outside Django's own guard — a 500. Both become IncorrectLookupParameters here.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        # A lookup like ?created__year=99999999999 only fails when the SQL is compiled (at the count,
        # while the page renders): compile it now, where a failure still means "invalid filter".
        try:
            queryset.query.get_compiler(queryset.db).as_sql()
        except (EmptyResultSet, FullResultSet):
            pass
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc
        return queryset


class SafeModelAdminMixin:
    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        # A table-style inline shows its column headings once, above the rows: each row's inputs carry their
        # field's name for screen readers (axe: "form elements must have labels").
        for formset, inline in zip(formsets, inline_instances, strict=False):
            if isinstance(inline, admin.TabularInline):
                for form in formset.forms:
                    for field in form.fields.values():
                        field.widget.attrs.setdefault("aria-label", str(field.label or ""))
        return super().get_inline_formsets(request, formsets, inline_instances, obj)

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)
        if issubclass(base, SafeChangeListMixin):
            return base
        return type(f"Safe{base.__name__}", (SafeChangeListMixin, base), {"__module__": __name__})


class PlatformAdminSite(admin.AdminSite):
    """The admin is for the system and security administrators, decided by role, not is_staff."""

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.has_perm("core.view_administration"))

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every model admin, ours or a library's, gets the guarded changelist.
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SafeModelAdminMixin):
            admin_class = type(admin_class.__name__, (SafeModelAdminMixin, admin_class),
                               {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__})
        return super().register(model_or_iterable, admin_class, **options)


def _boolean_icon(value):
    """Django's yes/no icon, with its text in Chinese: the original's alt text is Python's "True"/"False",
    which a screen reader reads out and the page-language check rejects."""
    from django.templatetags.static import static
    from django.utils.html import format_html
    from django.utils.translation import gettext

    name, text = {True: ("yes", gettext("Yes")), False: ("no", gettext("No")),
                  None: ("unknown", gettext("Unknown"))}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), text)


class PlatformAdminConfig(AdminConfig):
    default_site = "zhongyuan_cppcc.core.admin_site.PlatformAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib.admin.templatetags import admin_list

        # The change lists, read-only fields and filters all call this one helper (looked up at call time).
        admin_list._boolean_icon = _boolean_icon
