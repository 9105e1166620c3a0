from .registry import nav_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from zhongyuan_cppcc.notifications.unread import unread_count

    return {
        "nav_items": nav_for(user),
        "unread_count": unread_count(user),  # cached per user, forgotten on every change
    }
