"""Foundation pages: the role home and the notification inbox of a user with many notifications."""

from bench.harness import MeasureContext, SeedContext


def seed(ctx: SeedContext) -> None:
    from django.utils import timezone

    user = ctx.user("bench-inbox", roles=["member"], full_name="基准用户")
    n = ctx.size(small=2_000, full=50_000)
    now = timezone.now()
    ctx.copy_rows(
        "notifications_notification",
        ["recipient_id", "kind", "title", "body", "url", "target_id", "created_at", "read_at"],
        ((user.pk, "bench", f"通知 {i}", "内容" * 20, "/", "", now, now if i % 3 else None) for i in range(n)),
    )


def measure(ctx: MeasureContext) -> None:
    from django.contrib.auth import get_user_model

    user_id = get_user_model().objects.get(username="bench-inbox").pk
    ctx.page("foundation: login page (anonymous)", "/accounts/login/", user=None)
    ctx.page("foundation: role home (member)", "/", user="bench-inbox")
    ctx.page(
        "foundation: notification inbox (page 1)",
        "/notifications/",
        user="bench-inbox",
        raw_sql=[
            ("SELECT COUNT(*) FROM notifications_notification WHERE recipient_id = %s", [user_id]),
            ("SELECT * FROM notifications_notification WHERE recipient_id = %s "
             "ORDER BY created_at DESC, id DESC LIMIT 20", [user_id]),
        ],
    )
    ctx.query_count_stable("foundation: inbox query count, page 1 vs page 5",
                           ["/notifications/", "/notifications/?page=5"], user="bench-inbox")
