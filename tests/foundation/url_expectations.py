from tests.url_matrix import ADMIN_LOGIN, LOGIN, Covered, Expect, everyone_logged_in, only, public

EXPECTATIONS = {
    "home": everyone_logged_in(),
    "healthz": public(kwargs=lambda user: _fresh_heartbeat()),
    "login": public(),
    # Logging out ends on the login page, whoever asks.
    "logout": Expect(allowed=[], others=LOGIN, anonymous=LOGIN, method="post"),
    "password_change": everyone_logged_in(),
    "password_change_done": everyone_logged_in(),
    # One-time reset links: public (the token is the credential); a made-up token shows "not valid".
    "password_reset_confirm": public(kwargs=lambda user: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": public(),
    "preferences": everyone_logged_in(),
    "two_factor": everyone_logged_in(),
    # The code step of the login: without a password checked a moment ago it leads back to the login page.
    "two_factor_verify": Expect(allowed=[], others=LOGIN, anonymous=LOGIN),
    "notification-list": everyone_logged_in(),
    "notification-mark-read": everyone_logged_in(method="post"),
    # Another user's notification: 404 for everybody (the owner case is tested in test_notifications).
    "notification-open": Expect(allowed=[], others="404", kwargs=lambda user: {"pk": _foreign_notification()}),
    "audit-list": only("auditor"),
    "audit-export": only("auditor", method="post"),
    "dashboard": only("leader", "proposal_officer", "opinion_officer", "consultation_officer", "member_officer"),
    "dashboard-print": only("leader", "proposal_officer", "opinion_officer", "consultation_officer",
                            "member_officer"),
    "dashboard-pdf": only("leader", "proposal_officer", "opinion_officer", "consultation_officer",
                          "member_officer"),
    "dashboard-export": only("leader", "proposal_officer", "opinion_officer", "consultation_officer",
                             "member_officer", method="post"),
    "exports:job-list": everyone_logged_in(),
    # Another user's export job: 404 for everybody (the owner's cases are in test_exports.py).
    "exports:job-detail": Expect(allowed=[], others="404", kwargs=lambda user: {"pk": _foreign_export()}),
    "exports:job-progress": Expect(allowed=[], others="404", kwargs=lambda user: {"pk": _foreign_export()}),
    "exports:job-download": Expect(allowed=[], others="404", kwargs=lambda user: {"pk": _foreign_export()}),
    "admin:index": only("sysadmin", "secadmin", others=ADMIN_LOGIN, anonymous=ADMIN_LOGIN),
}

COVERED = [
    Covered("admin", "Django admin: PlatformAdminSite.has_permission + rules model permissions; "
                     "tested in tests/foundation/test_admin.py"),
]


def _foreign_notification() -> int:
    from tests.factories import make_user
    from zhongyuan_cppcc.notifications.models import Notification

    owner = make_user(username="notification-owner")
    return Notification.objects.create(recipient=owner, kind="test", title="x").pk


def _foreign_export():
    from tests.factories import make_user
    from zhongyuan_cppcc.exports.models import ExportJob, ExportStatus

    owner = make_user("member_officer", username="export-owner")
    return ExportJob.objects.create(owner=owner, kind="members.members", status=ExportStatus.DONE,
                                    filename="x.xlsx", file="exports/x.xlsx").pk


def _fresh_heartbeat() -> dict:
    from django.utils import timezone

    from zhongyuan_cppcc.core.models import Heartbeat

    Heartbeat.objects.update_or_create(name="beat", defaults={"last_run": timezone.now()})
    return {}
