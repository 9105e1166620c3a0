from .registry import nav_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from zhongyuan_cppcc.notifications.models import Notification

    return {
        "nav_items": nav_for(user),
        "unread_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
