from .registry import nav_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from zhongyuan_cppcc.notifications.unread import unread_count

    # Cached per user and forgotten on every change; a kept list page read it first (lists/page_cache.py).
    unread = getattr(request, "unread_count_now", None)
    return {
        "nav_items": nav_for(user),
        "unread_count": unread if unread is not None else unread_count(user),
    }
