"""Settings shared by every environment. Values come from the environment (django-environ)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# Embedded demo mode: SQLite under var/ and a file-system Celery broker, for machines without
# PostgreSQL or Redis. `make run` switches it on (with a printed notice) only when neither
# DATABASE_URL nor REDIS_URL is set and a service is unreachable.
EMBEDDED_DEMO = env.bool("EMBEDDED_DEMO", default=False)

INSTALLED_APPS = [
    "zhongyuan_cppcc.accounts",
    "zhongyuan_cppcc.core.admin_site.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "zhongyuan_cppcc.core",
    "zhongyuan_cppcc.audit",
    "zhongyuan_cppcc.notifications",
    "zhongyuan_cppcc.calendar",
    "zhongyuan_cppcc.workflow",
    "zhongyuan_cppcc.dashboard",
    "zhongyuan_cppcc.exports",
    "members",
    "proposals",
    "opinions",
    "consultations",
    "zhongyuan_cppcc.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Bad requests end here, before any view reads them: a body over REQUEST_MAX_BYTES, NUL characters.
    "zhongyuan_cppcc.core.uploads.RequestSizeLimitMiddleware",
    "zhongyuan_cppcc.core.middleware.RejectNullCharactersMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "zhongyuan_cppcc.core.middleware.RequestContextMiddleware",
    "zhongyuan_cppcc.accounts.middleware.IdleTimeoutMiddleware",
    "zhongyuan_cppcc.accounts.middleware.NoStoreForAuthenticatedMiddleware",
    "zhongyuan_cppcc.audit.middleware.ObjectAccessAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zhongyuan_cppcc.accounts.middleware.PasswordExpiryMiddleware",
    "zhongyuan_cppcc.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhongyuan_cppcc.urls"
WSGI_APPLICATION = "zhongyuan_cppcc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "zhongyuan_cppcc.core.context_processors.navigation",
            ],
            "libraries": {"lists": "zhongyuan_cppcc.lists.templatetags"},
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/zhongyuan_cppcc"
if EMBEDDED_DEMO:
    _demo_db = Path(env("EMBEDDED_DEMO_DB", default=str(VAR_DIR / "demo.sqlite3")))
    DATABASES = {"default": env.db_url_config(f"sqlite:///{_demo_db}")}
    # Web, worker and beat share the file: WAL and immediate transactions avoid "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES = {"default": env.db("DATABASE_URL", default=DEFAULT_DATABASE_URL)}
# Two PostgreSQL roles (core/db_roles.py, docs/deploy.md): the application connects as DATABASE_URL (no
# UPDATE/DELETE/TRUNCATE on the audit table); migrations, the audit retention job and backups run with
# DATABASE_AS_OWNER=1, which connects as DATABASE_OWNER_URL. Without an owner URL both are the same role.
DATABASE_APP_URL = "" if EMBEDDED_DEMO else env("DATABASE_URL", default=DEFAULT_DATABASE_URL)
DATABASE_OWNER_URL = "" if EMBEDDED_DEMO else env("DATABASE_OWNER_URL", default="")
if DATABASE_OWNER_URL and env.bool("DATABASE_AS_OWNER", default=False):
    DATABASES = {"default": env.db_url_config(DATABASE_OWNER_URL)}
elif DATABASE_OWNER_URL:
    # The audit retention job deletes archived rows through this alias (audit/retention.py); nothing else.
    DATABASES["owner"] = env.db_url_config(DATABASE_OWNER_URL)
    DATABASES["owner"]["TEST"] = {"MIRROR": "default"}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Optional read replica for the dashboard and exports (zhongyuan_cppcc/core/db.py, docs/deploy.md).
if not EMBEDDED_DEMO and env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["zhongyuan_cppcc.core.db.ReplicaRouter"]

# --- Accounts and security ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "axes.backends.AxesStandaloneBackend",
    "zhongyuan_cppcc.accounts.backends.AccountBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email"), "max_similarity": 0.7},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "zhongyuan_cppcc.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "zhongyuan_cppcc.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
# One-time links of administrator-started password resets (sent to the account's own e-mail).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=24 * 3600)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)

# Idle timeout: the session expires 30 minutes after the last request (IdleTimeoutMiddleware
# refreshes the expiry at most once a minute).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "zhongyuan_cppcc.core.views.csrf_failure"

AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# Lock the account, not the address: the office intranet sits behind one NAT address, and locking
# it would lock out every colleague at once (hence axes.W006 is silenced below).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Per address, across all accounts: this many failed logins (wrong passwords or codes) within the window
# throttle the address (accounts/two_factor.py). High enough for an office behind one NAT address.
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
LOGIN_ADDRESS_WINDOW_MINUTES = env.int("LOGIN_ADDRESS_WINDOW_MINUTES", default=15)

# Second factor (TOTP, django-otp). Holders of these roles must use it (production lists the officers,
# leaders and administrators); everyone else may enrol at /accounts/2fa/. Empty: offered, never forced.
OTP_REQUIRED_ROLES = [role for role in env.list("OTP_REQUIRED_ROLES", default=[]) if role]
OTP_TOTP_ISSUER = "中原区政协履职服务平台"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Encryption key for personal data at rest (ID numbers). 32 url-safe base64 bytes (Fernet).
PERSONAL_DATA_KEY = env(
    "PERSONAL_DATA_KEY", default="ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE="
)

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "build" / "vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if EMBEDDED_DEMO:
    # The demo on one's own machine: pre-compressing every file (gzip and brotli, 15 s of CPU at each start)
    # saves nothing over localhost. Names are still hashed and whitenoise still serves them.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
# Uploaded files live outside static and are only served through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Nothing serves MEDIA_URL: files are downloaded only through permission-checked views.
MEDIA_URL = "/media/"
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request body larger than this is refused before it is read (nginx's client_max_body_size should
# match); each uploaded file is stopped at ATTACHMENT_MAX_BYTES while it arrives (core/uploads.py).
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=64 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "zhongyuan_cppcc.core.uploads.DefaultSizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# One process: a local-memory cache. Several web processes or machines: CACHE_URL=redis://… so that what one
# process caches (and invalidates) holds for all of them.
if env("CACHE_URL", default="").startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": env("CACHE_URL"), "KEY_PREFIX": "zc"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Per-user values shown on every page (the unread-notification count) are cached only in a cache every
# process shares: with a per-process cache, a write in one process could not invalidate the others.
SHARED_USER_CACHE = env.bool("SHARED_USER_CACHE", default=env("CACHE_URL", default="").startswith(("redis://",
                                                                                                   "rediss://")))

# --- Celery ----------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Seconds a publish waits for a TCP connection to the broker (Redis on the same LAN answers in milliseconds).
BROKER_CONNECT_TIMEOUT = env.float("BROKER_CONNECT_TIMEOUT", default=0.5)
if EMBEDDED_DEMO:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = Path(env("EMBEDDED_BROKER_DIR", default=str(VAR_DIR / "broker")))
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Long enough for any task to finish; reminders never use countdown/ETA, so nothing waits
        # in the broker long enough to be redelivered by the visibility timeout.
        "visibility_timeout": 3600,
        # A publish from a request fails fast while Redis is down: one connection attempt with a short
        # connect timeout and no retries (kombu's default sleeps 2 s before a retry). The stored row is the
        # guarantee that the work is done later (core/tasks_util.py); the worker's own reconnect loop is
        # governed by broker_connection_retry / broker_connection_max_retries, not by these options.
        "socket_connect_timeout": BROKER_CONNECT_TIMEOUT,
        "socket_timeout": 5,
        "max_retries": 0,
        "interval_start": 0,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT
# After a failed publish a process leaves the broker alone this long (core/tasks_util.py): requests during a
# Redis outage answer at once instead of waiting on connection retries; the scans publish the work later.
BROKER_BACKOFF_SECONDS = env.int("BROKER_BACKOFF_SECONDS", default=30)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

HEARTBEAT_INTERVAL_SECONDS = env.int("HEARTBEAT_INTERVAL_SECONDS", default=30)
# /healthz/ reports the beat as stale when its last run is older than this.
HEARTBEAT_STALE_SECONDS = env.int("HEARTBEAT_STALE_SECONDS", default=180)

CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "zhongyuan_cppcc.core.tasks.heartbeat",
        "schedule": timedelta(seconds=HEARTBEAT_INTERVAL_SECONDS),
    },
    "notifications-redeliver": {
        "task": "zhongyuan_cppcc.notifications.tasks.redeliver_stuck",
        "schedule": timedelta(minutes=2),
    },
    # Picks up member imports whose task was lost while Redis was down.
    "members-import-resume": {
        "task": "members.tasks.member_import_resume",
        "schedule": timedelta(minutes=3),
    },
    # Publishes export jobs whose task was lost and retries stalled ones; old files are deleted daily.
    "exports-resume": {
        "task": "zhongyuan_cppcc.exports.tasks.resume_exports",
        "schedule": timedelta(minutes=3),
    },
    "exports-purge": {
        "task": "zhongyuan_cppcc.exports.tasks.purge_exports",
        "schedule": crontab(hour=3, minute=30),
    },
    # Deadline reminders (proposals/reminders): the scan every 15 minutes; at 08:30 Beijing time
    # (CELERY_TIMEZONE) the same scan also writes the daily overdue digests.
    "proposals-reminders-scan": {
        "task": "proposals.reminders.scan",
        "schedule": timedelta(minutes=15),
    },
    "proposals-reminders-digest": {
        "task": "proposals.reminders.scan",
        "schedule": crontab(hour=8, minute=30),
    },
    # Overdue consultation outcomes (consultations/reminders.py): notifies each officer once per due date.
    "consultations-overdue-scan": {
        "task": "consultations.outcome_overdue_scan",
        "schedule": timedelta(minutes=30),
    },
    # Backup of the database and media files, then rotation (BACKUP_KEEP_DAILY / BACKUP_KEEP_MONTHLY).
    "backup-daily": {
        "task": "zhongyuan_cppcc.core.tasks.backup_daily",
        "schedule": crontab(hour=2, minute=30),
    },
    # Audit rows older than AUDIT_RETENTION_DAYS (≥ 180) go to a signed archive, then are deleted.
    "audit-retention": {
        "task": "zhongyuan_cppcc.audit.tasks.audit_retention",
        "schedule": crontab(hour=3, minute=0),
    },
    "notifications-daily-digest": {
        "task": "zhongyuan_cppcc.notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
}

# --- Backups (manage.py backup / restore; docs/deploy.md) ----------------------------------------------
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(VAR_DIR / "backups")))
# Url-safe base64 of 32 bytes (manage.py backup --generate-key); when set, daily backups are encrypted.
BACKUP_ENCRYPTION_KEY = env("BACKUP_ENCRYPTION_KEY", default="")
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
# Audit retention (audit/retention.py): rows older than this (never fewer than 180 days) are archived to
# AUDIT_ARCHIVE_DIR, signed with AUDIT_ARCHIVE_KEY (HMAC-SHA256), then deleted; no key = nothing deleted.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
AUDIT_ARCHIVE_DIR = Path(env("AUDIT_ARCHIVE_DIR", default=str(VAR_DIR / "audit-archive")))
AUDIT_ARCHIVE_KEY = env("AUDIT_ARCHIVE_KEY", default="")
BACKUP_KEEP_MONTHLY = env.int("BACKUP_KEEP_MONTHLY", default=12)

# --- Exports ---------------------------------------------------------------------------------------
# Lists longer than this are exported by a Celery job with a progress page; shorter ones at once.
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=2000)
# Finished export files may hold personal data: they are deleted after this many days.
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)

# --- Notifications ---------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="中原区政协履职服务平台 <noreply@zycppcc.local>")
EMAIL_SUBJECT_PREFIX = "[中原区政协] "
SMS_BACKEND = env("SMS_BACKEND", default="zhongyuan_cppcc.notifications.sms.LoggingSMSBackend")
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=3)
NOTIFICATION_RETRY_DELAY_SECONDS = env.int("NOTIFICATION_RETRY_DELAY_SECONDS", default=60)
# A delivery still pending after this long (its task was lost, e.g. Redis was down) is re-enqueued.
NOTIFICATION_STUCK_AFTER_SECONDS = env.int("NOTIFICATION_STUCK_AFTER_SECONDS", default=300)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Demo data -------------------------------------------------------------------------------------
DEMO_ACCOUNTS_ALLOWED = True
DEMO_PASSWORD = env("DEMO_PASSWORD", default="Zhongyuan@2024")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "zhongyuan_cppcc.core.logging.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
