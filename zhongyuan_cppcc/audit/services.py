"""The one helper every service calls to write an audit row."""

import logging
from typing import Any

from django.db import models

from zhongyuan_cppcc.core.masking import scrub_details
from zhongyuan_cppcc.core.middleware import current_request

from .models import AuditEvent, Outcome

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind the reverse proxy, the proxy sets REMOTE_ADDR via gunicorn's forwarded-allow-ips.
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = Outcome.SUCCESS,
    details: dict[str, Any] | None = None,
    request=None,
    actor_username: str = "",
) -> AuditEvent:
    """Append an audit row. Details are scrubbed of secrets and ID numbers before saving."""
    request = request or current_request()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = str(obj)[:200]
    else:
        object_repr = ""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_username=(actor.get_username() if actor is not None else actor_username)[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=scrub_details(object_repr),
        outcome=outcome,
        ip=client_ip(request),
        details=scrub_details(details or {}),
    )
