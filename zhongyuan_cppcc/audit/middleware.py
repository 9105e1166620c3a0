"""403 and 404 answers to logged-in users on object URLs are audited (probing other units' records).

Cheap by design: one insert, no other query (the user is already loaded by the authentication
middleware, the URL already resolved). An "object URL" is one whose pattern captured arguments
(`/proposals/<pk>/…`); plain pages and unresolvable paths are left to the web server's log.
"""

from zhongyuan_cppcc.audit.models import AuditEvent, Outcome
from zhongyuan_cppcc.audit.services import client_ip
from zhongyuan_cppcc.core.masking import scrub_details

AUDITED_STATUSES = {403: "access.forbidden", 404: "access.not_found"}


class ObjectAccessAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        action = AUDITED_STATUSES.get(response.status_code)
        if action is None:
            return response
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if user is None or not user.is_authenticated or match is None or not (match.kwargs or match.args):
            return response
        values = [*match.args, *match.kwargs.values()]
        AuditEvent.objects.create(
            actor_id=user.pk,
            actor_username=user.get_username()[:150],
            action=action,
            object_type=(match.view_name or "")[:80],
            object_id=str(values[0])[:64],
            outcome=Outcome.DENIED,
            ip=client_ip(request),
            details=scrub_details({"method": request.method, "path": request.path[:300],
                                   "arguments": {str(k): str(v)[:64] for k, v in match.kwargs.items()}}),
        )
        return response
