"""Keeps the current request reachable from services (for the audit IP) without passing it, with a memo of
what a request reads many times and no request changes (the parameters, the working-day calendar)."""

from contextvars import ContextVar

from django.core.exceptions import SuspiciousOperation

_request: ContextVar = ContextVar("current_request", default=None)


def current_request():
    return _request.get()


def request_memo() -> dict | None:
    """The current request's memo (a dict that lives as long as the request), or None outside a request: a
    service called from a task or a shell reads afresh every time. A write to what is kept here drops it
    (`forget`), so that the same request reads its own change."""
    request = _request.get()
    if request is None:
        return None
    return request.__dict__.setdefault("_memo", {})


def memoized(key: str, compute):
    """compute(), once per request under `key` (every time outside a request)."""
    memo = request_memo()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def forget(key: str) -> None:
    """Drop `key` from the current request's memo (after a write to what it holds)."""
    memo = request_memo()
    if memo is not None:
        memo.pop(key, None)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


class NullCharacterRejected(SuspiciousOperation):
    """A parameter held a NUL character, which no form accepts and PostgreSQL cannot store."""


class RejectNullCharactersMiddleware:
    """Answer 400 (the "request could not be understood" page) to a NUL character in a parameter.

    PostgreSQL refuses NUL in text, so such a value would otherwise reach the database as a 500 from
    any view that reads a raw parameter. Query strings and url-encoded bodies are checked here; a
    multipart body is left to the view (reading it here would fix its upload handlers before the view
    can set size limits), where Django's form fields refuse NUL characters already.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.META.get("QUERY_STRING", ""):
            raise NullCharacterRejected("NUL character in the query string")
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            body = request.body  # bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
            if b"%00" in body or b"\x00" in body:
                raise NullCharacterRejected("NUL character in the form data")
        return self.get_response(request)
