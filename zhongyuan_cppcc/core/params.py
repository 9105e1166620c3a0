"""Reading untrusted request parameters without ever turning bad input into a 500.

Every list reads its page number with `page_number()`, and every view that sends the user back to a
`next` address uses `safe_next_url()`: a made-up, oversized or foreign value falls back to a sane
default instead of overflowing a database integer or failing to reverse a URL name.
"""

from django.utils.http import url_has_allowed_host_and_scheme

# Far beyond any real list (100 rows per page × 10,000 pages), and small enough that OFFSET stays well
# inside a PostgreSQL bigint whatever the page size.
MAX_PAGE = 10_000

# Plausible years for ?year= filters (the platform's data starts in 2000); the views narrow further.
MIN_YEAR, MAX_YEAR = 1900, 2999


def int_param(value, *, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    """`value` as an int within [minimum, maximum]; `default` for anything malformed or out of range."""
    if value is None:
        return default
    text = str(value).strip()
    # Python refuses to parse more than 4,300 digits; anything longer than 18 is out of range anyway.
    if not text or len(text) > 18:
        return default
    try:
        number = int(text)
    except ValueError:
        return default
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return default
    return number


def page_number(request, name: str = "page") -> int:
    """The requested page for lists that compute their own OFFSET: the list toolkit's parser (1 for
    anything malformed), clamped to MAX_PAGE so that the offset stays a sane integer."""
    from zhongyuan_cppcc.lists.paging import parse_page

    return min(parse_page(request.GET.get(name)), MAX_PAGE)


def year_param(value, *, default):
    """A four-digit-ish year from a parameter, `default` for anything else."""
    return int_param(value, default=default, minimum=MIN_YEAR, maximum=MAX_YEAR)


def safe_next_url(request, fallback: str, *, field: str = "next", prefix: str = "/") -> str:
    """The `next` address from POST (or GET) if it is a local path starting with `prefix`, else `fallback`.

    Only absolute paths on this site are followed: a URL name, a relative path, another host or a
    scheme-relative address never is (so `redirect()` is never asked to reverse user input).
    """
    target = request.POST.get(field) or request.GET.get(field) or ""
    if (
        not target
        or len(target) > 2000
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or "\x00" in target
        or not target.startswith(prefix)
        or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure())
    ):
        return fallback
    return target
