"""A user's list page, kept as rendered until the data it shows changes (issue 14: list pages close to the
framework's floor).

Rendering a list page — the base template, navigation, filter form and 25 rows — takes several times what
the framework itself costs per request, and an officer or a leader opens the same list again and again
between changes. `cached_page()` keeps the rendered response in the dashboard's data-version cache
(dashboard/cache.py): the key holds the versions of every app the render read (watched while it ran, the
user's accounts and permissions always among them), and a value is stored only under *settled* versions, so
a page can never be kept without a write its key already counts.

What the page depends on besides the data is part of the key:

- the user, the full path (filters, page, page size) and the htmx headers the view may answer differently to;
- today's date and the language (the cache adds them);
- the unread-notification count in the navigation bar (read first, outside the watched render: any
  notification advances the notifications' version, which only the inbox needs in its key);
- the CSRF secret the page's forms carry a token for (it changes at login): a request without the CSRF
  cookie is rendered afresh and not kept, since its token would be for a secret made on the spot.

A request with messages to show (a "saved" notice after a redirect) is rendered afresh and not kept. A
render that reads a table no version watches (the audit log, sessions) is never kept; nor is an answer
other than a plain 200 page. Without versions (the embedded demo's SQLite) nothing is cached.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponse

# Headers an htmx request carries that a view may answer differently to (the current URL is in the path).
HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-Target", "HX-Trigger", "HX-Trigger-Name")
# Apps a page reads before its view runs (the user, their groups and permissions): always in the key.
USER_APPS = ("accounts", "auth")


def _request_digest(request, unread: int) -> str:
    parts = [request.get_full_path(), str(unread), request.META.get("CSRF_COOKIE", "")]
    parts += [request.headers.get(name, "") for name in HTMX_HEADERS]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _keepable(request) -> bool:
    user = getattr(request, "user", None)
    return (request.method in ("GET", "HEAD") and user is not None and user.is_authenticated
            and bool(request.COOKIES.get(settings.CSRF_COOKIE_NAME)) and bool(request.META.get("CSRF_COOKIE"))
            and not len(get_messages(request)))


def cached_page(request, render: Callable[[], HttpResponse], *, name: str) -> HttpResponse:
    """render()'s response, or the same page as rendered before for this user and request when nothing it
    read has changed since."""
    from zhongyuan_cppcc.dashboard.cache import cached_counts, data_versions
    from zhongyuan_cppcc.notifications.unread import unread_count

    if not _keepable(request):
        return render()
    versions = data_versions()
    if versions is None:
        return render()
    request.unread_count_now = unread_count(request.user)
    rendered: dict[str, HttpResponse] = {}

    def compute():
        response = render()
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        rendered["response"] = response
        if response.status_code != 200 or response.streaming or response.cookies:
            return None  # not a page to keep
        return response.content, list(response.headers.items())

    stored = cached_counts(f"page:{name}", compute, request.user.pk,
                           _request_digest(request, request.unread_count_now),
                           versions=versions, also_reads=USER_APPS)
    if "response" in rendered:
        return rendered["response"]
    content, headers = stored
    response = HttpResponse(content)
    for header, value in headers:
        response[header] = value
    return response


class KeptPageMixin:
    """For a view's GET: the rendered page kept per user until the data it read changes (`cached_page`)."""

    def get(self, request, *args, **kwargs):
        render = super().get
        return cached_page(request, lambda: render(request, *args, **kwargs),
                           name=f"{type(self).__module__}.{type(self).__qualname__}")


def kept_page(view):
    """The same for a function view (its permission check runs inside: a user who was refused has nothing kept,
    and a role withdrawn moves the accounts' version in the key)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        return cached_page(request, lambda: view(request, *args, **kwargs),
                           name=f"{view.__module__}.{view.__qualname__}")

    wrapper.kept_page = True  # a list page (tests/foundation/test_list_queries.py finds them by it)
    return wrapper
