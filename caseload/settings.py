"""Settings, read from the environment.

Nothing set: SQLite file, tasks run in-process, DEBUG on. Set DATABASE_URL and REDIS_URL for
PostgreSQL, a Redis broker and real workers. With DEBUG off the app refuses to start without
SECRET_KEY. Bad values fail loudly at start-up rather than being guessed at.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn postgres://user:pass@host:port/name?sslmode=require into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "sqlite"):
        raise ImproperlyConfigured(f"DATABASE_URL scheme must be postgres or sqlite, not {parsed.scheme!r}")
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parsed.path[1:]) or ":memory:"}
    if not parsed.path[1:]:
        raise ImproperlyConfigured("DATABASE_URL must name a database")
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    # Server-side binding lets psycopg prepare a statement once a connection has run it
    # DB_PREPARE_THRESHOLD times (Django leaves preparing off), so PostgreSQL plans each page's queries
    # once per connection instead of on every request. Turn it off behind a pooler in transaction
    # mode (PgBouncer), where prepared statements do not survive.
    options.setdefault("server_side_binding", envbool("DB_SERVER_SIDE_BINDING", "true"))
    if options["server_side_binding"] in (True, "true", "1"):
        options["prepare_threshold"] = int(options.get("prepare_threshold") or envint("DB_PREPARE_THRESHOLD", "5"))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path[1:]),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "60"),
        "CONN_HEALTH_CHECKS": True,
    }


DEBUG = envbool("DEBUG", "true")

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "development-only-key-never-used-with-debug-off-" + "x" * 20

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

AGENCY_NAME = envstr("AGENCY_NAME", "Riverside Community Mental Health")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "caseload",
    "clients",
    "assessments",
    "careplans",
    "referrals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "caseload.language.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "caseload.middleware.SessionLimitsMiddleware",
    "caseload.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "caseload.middleware.AuditContextMiddleware",
    "careplans.handover.HandoverMiddleware",
    "caseload.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in of a locked-out account or address into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caseload.urls"

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
                "caseload.context_processors.agency",
            ],
            # {% url %} remembers what it reversed (caseload/templatetags/cached_url.py).
            "builtins": ["caseload.templatetags.cached_url"],
        },
    },
]

WSGI_APPLICATION = "caseload.wsgi.application"

DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "caseload.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "caseload:home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after SESSION_IDLE_MINUTES without a request: the cookie's age is renewed on
# every request, so the limit counts from the last activity, and logout deletes the row.
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", "15")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# However busy, a session ends this many hours after sign-in.
SESSION_ABSOLUTE_HOURS = envint("SESSION_ABSOLUTE_HOURS", "12")
# Changing a role or exporting a caseload asks for the password again when it was last typed longer ago.
REAUTHENTICATE_MINUTES = envint("REAUTHENTICATE_MINUTES", "5")

# Sign-in: django-axes counts failures, first in the authentication backends. Five failures for one
# username, or from one address, lock further attempts for 15 minutes, whether or not the account exists.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", "15") / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per account and per address
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_CLIENT_IP_CALLABLE = "caseload.middleware.client_address"
AXES_LOCKOUT_CALLABLE = "caseload.two_factor_views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "token"]

# Two-factor sign-in (django-otp): time-based codes from an authenticator app, and recovery codes.
# Supervisors and administrators always; everyone when the agency setting says so.
OTP_TOTP_ISSUER = envstr("OTP_TOTP_ISSUER", AGENCY_NAME)

# Break-the-glass: how long an emergency opening of a client outside one's caseload lasts.
EMERGENCY_ACCESS_MINUTES = envint("EMERGENCY_ACCESS_MINUTES", "60")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("da", "Dansk"), ("ca", "Català"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["caseload.formats"]
# Before sign-in the cookie chooses (the switcher on the sign-in page); after, the staff member's
# own setting (caseload.language), which the cookie then follows.
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = envstr("TIME_ZONE", "Europe/Copenhagen")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded and generated files (care-plan PDFs). Never served from a URL: only through scoped,
# audited views. In docker-compose this is a volume shared by web and worker.
MEDIA_ROOT = envstr("MEDIA_ROOT", str(BASE_DIR / "private-files"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: no inline script or style anywhere, no third-party origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Email: printed to the console in development; SMTP from the environment in production.
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "caseload@localhost")
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))

REDIS_URL = envstr("REDIS_URL")

# The cache holds only small shared settings and team lists (never client data): Redis when there
# is one, so a change made in one web process is seen by all; process memory otherwise.
# The cache lives in its own Redis database (the next one after the broker's), so that clearing
# it can never touch queued tasks.
CACHE_URL = envstr("CACHE_URL") or (
    urlparse(REDIS_URL)._replace(path=f"/{int(urlparse(REDIS_URL).path.strip('/') or 0) + 1}").geturl()
    if REDIS_URL
    else None
)
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "caseload"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a Redis broker and real workers when REDIS_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = envstr("CELERY_QUEUE", "caseload")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Reminders, in agency time (CELERY_TIMEZONE): the sweep at 05:30, the digests at 06:30, and until
# noon a retry of digests that failed or lost their worker. REMINDERS_EVERY_SECONDS runs all three
# every few seconds instead: for the worker test only.
REMINDERS_EVERY_SECONDS = envint("REMINDERS_EVERY_SECONDS", "0")
# A sent referral with no update for this many days becomes a follow-up task for the case manager.
REFERRAL_FOLLOW_UP_DAYS = envint("REFERRAL_FOLLOW_UP_DAYS", "7")
# How long a partner's one-time link to a referral works.
REFERRAL_PARTNER_LINK_DAYS = envint("REFERRAL_PARTNER_LINK_DAYS", "14")
# Jobs that must not be lost live in table rows; beat sends again what the broker lost or a killed
# worker dropped. A run not picked up within the minute expires: the next one does the same work.
CELERY_BEAT_SCHEDULE = {
    # Work written to the outbox while the broker was down goes out once it is back (caseload/outbox.py).
    "caseload-relay-outbox": {
        "task": "caseload.tasks.relay_outbox",
        "schedule": 10,
        "options": {"expires": 9},
    },
    "careplans-requeue-stale-documents": {
        "task": "careplans.tasks.requeue_stale_documents",
        "schedule": 60,
        "options": {"expires": 55},
    },
    "referrals-requeue-stale-work": {
        "task": "referrals.tasks.requeue_stale_referral_work",
        "schedule": 60,
        "options": {"expires": 55},
    },
    "caseload-reminder-sweep": {
        "task": "caseload.reminder_tasks.daily_sweep",
        "schedule": REMINDERS_EVERY_SECONDS or crontab(hour=5, minute=30),
        "options": {"expires": 6 * 3600},
    },
    "caseload-reminder-digests": {
        "task": "caseload.reminder_tasks.send_digests",
        "schedule": REMINDERS_EVERY_SECONDS or crontab(hour=6, minute=30),
        "options": {"expires": 5 * 3600},
    },
    "caseload-reminder-digest-retries": {
        "task": "caseload.reminder_tasks.retry_digests",
        "schedule": REMINDERS_EVERY_SECONDS or crontab(hour="6-11", minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    # Each team's load on the first of the month, for the supervisor's trend chart (one row per team and month).
    "caseload-team-snapshots": {
        "task": "caseload.supervision_tasks.take_team_snapshots",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
        "options": {"expires": 20 * 3600},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # Request lines can carry query strings; the app keeps private data out of URLs, and the
    # server log keeps only errors.
    # WeasyPrint logs every step of every render at INFO.
    "loggers": {"django.server": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

STATIC_URL_PATH = "/" + STATIC_URL.lstrip("/")
# Set when the app runs behind a proxy that sets X-Forwarded-For (docker-compose, a load balancer).
AUDIT_TRUST_FORWARDED_FOR = envbool("AUDIT_TRUST_FORWARDED_FOR", "false")
