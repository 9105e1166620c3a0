"""Keeps the current request reachable from services (for the audit IP) without passing it."""

from contextvars import ContextVar

from django.core.exceptions import SuspiciousOperation

_request: ContextVar = ContextVar("current_request", default=None)


def current_request():
    return _request.get()


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
