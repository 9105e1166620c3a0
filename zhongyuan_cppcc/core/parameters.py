"""Business parameters with defaults in code and overrides in the SystemParameter table.

Apps declare their parameters once (`declare(...)` in the app's parameters.py, imported from
AppConfig.ready) and read them with `get_parameter(key)`.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Parameter:
    key: str
    default: Any
    label: str | Promise
    kind: type = int
    minimum: int | None = 0
    maximum: int | None = None

    def coerce(self, value: Any) -> Any:
        try:
            if self.kind is int:
                value = int(value)
            elif self.kind is float:
                value = float(value)
            elif self.kind is bool:
                value = value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes"}
            elif self.kind is list:
                value = [int(v) for v in (value if isinstance(value, list) else str(value).split(","))]
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("“%(value)s” is not a valid value for %(label)s.")
                                  % {"value": value, "label": self.label}) from exc
        if self.kind in (int, float):
            if self.minimum is not None and value < self.minimum:
                raise ValidationError(_("%(label)s must be at least %(limit)s.")
                                      % {"label": self.label, "limit": self.minimum})
            if self.maximum is not None and value > self.maximum:
                raise ValidationError(_("%(label)s must be at most %(limit)s.")
                                      % {"label": self.label, "limit": self.maximum})
        return value


REGISTRY: dict[str, Parameter] = {}


def declare(key: str, default: Any, label, **options) -> Parameter:
    parameter = Parameter(key=key, default=default, label=label, **options)
    REGISTRY[key] = parameter
    return parameter


MEMO_KEY = "core.parameters"


def _stored() -> dict[str, Any]:
    """{key: stored value} of every overridden parameter: one query, once per request (core.middleware)."""
    from zhongyuan_cppcc.core.middleware import memoized

    from .models import SystemParameter

    return memoized(MEMO_KEY, lambda: dict(SystemParameter.objects.order_by().values_list("key", "value")))


def _value(parameter: Parameter, stored: dict[str, Any]) -> Any:
    if parameter.key not in stored:
        return parameter.default
    try:
        return parameter.coerce(stored[parameter.key])
    except ValidationError:
        return parameter.default


def get_parameter(key: str) -> Any:
    """The stored value of a declared parameter, or its default."""
    return _value(REGISTRY[key], _stored())


def get_parameters(prefix: str) -> dict[str, Any]:
    """All declared parameters under a prefix."""
    stored = _stored()
    return {p.key: _value(p, stored) for p in REGISTRY.values() if p.key.startswith(prefix)}


def forget_stored(**kwargs) -> None:
    """A parameter saved or deleted: the request that did it reads the new value (post_save, post_delete)."""
    from zhongyuan_cppcc.core.middleware import forget

    forget(MEMO_KEY)


def set_parameter(*, key: str, value: Any, actor=None) -> Any:
    from zhongyuan_cppcc.audit.services import audit_record

    from .models import SystemParameter

    parameter = REGISTRY[key]
    value = parameter.coerce(value)
    SystemParameter.objects.update_or_create(key=key, defaults={"value": value})
    audit_record(action="core.parameter_changed", actor=actor, object_type="core.systemparameter",
                 object_id=key, details={"value": value})
    return value
