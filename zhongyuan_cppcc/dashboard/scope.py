"""The dashboard's optional street (街道) and handling-unit (承办单位) filters: `?street=<id>` / `?unit=<id>`.

A value that is not the id of a street or unit is ignored with a message, never an error page."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

# The dashboard's optional filters (DashboardScope's fields); a panel lists those it honours.
STREET = "street"
UNIT = "unit"


@dataclass(frozen=True)
class DashboardScope:
    street: object = None  # members.models.Street
    unit: object = None  # members.models.HandlingUnit
    errors: tuple[str, ...] = ()

    @property
    def active(self) -> tuple[str, ...]:
        """The filters in use (STREET, UNIT)."""
        return tuple(name for name, value in ((STREET, self.street), (UNIT, self.unit)) if value is not None)

    def params(self, *honoured: str) -> dict[str, int]:
        """The filters in use among `honoured`, as list-URL parameters (the lists name them alike)."""
        return {name: getattr(self, name).pk for name in self.active if name in honoured}


def dashboard_scope(query) -> DashboardScope:
    """The filters named by the request's query dict; unknown values are dropped with a message."""
    from members.models import HandlingUnit, Street

    found = {}
    errors = []
    for name, model, message in (
        (STREET, Street, _("The street filter “%(value)s” names no street; it is ignored.")),
        (UNIT, HandlingUnit, _("The handling-unit filter “%(value)s” names no handling unit; it is ignored.")),
    ):
        value = query.get(name)
        if value in (None, ""):
            continue
        try:
            pk = int(str(value).strip())
        except (TypeError, ValueError):
            pk = None
        row = model.objects.filter(pk=pk).first() if pk is not None and 0 < pk < 2**31 else None
        if row is None:
            errors.append(message % {"value": str(value)[:20]})
        found[name] = row
    return DashboardScope(street=found.get(STREET), unit=found.get(UNIT), errors=tuple(errors))
