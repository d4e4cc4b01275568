"""The one Django settings module. Every value comes from :func:`kundpuls.config.get_config`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from kundpuls.config import comment_vectors, get_config

CONFIG = get_config()
WEB_DIR = Path(__file__).resolve().parent

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
KUNDPULS_DEMO = CONFIG.demo
KUNDPULS_BASE_URL = CONFIG.base_url
KUNDPULS_ANONYMITY_THRESHOLD = CONFIG.anonymity_threshold
KUNDPULS_LAKE_DIR = CONFIG.lake_dir
KUNDPULS_LAKE_SETTLE_SECONDS = CONFIG.lake_settle_seconds
KUNDPULS_LAKE_REFRESH_SECONDS = CONFIG.lake_refresh_seconds
# the comment reader's vectors, shared by every process and kept across restarts (kundpuls.text.meaning)
KUNDPULS_COMMENT_VECTORS = comment_vectors()
# follow-up cases: days a closed case keeps the respondent's contact details (issue 10)
KUNDPULS_CASE_CONTACT_RETENTION_DAYS = CONFIG.case_contact_retention_days
# days the contact details of a consenting respondent whose answers opened no case are kept (issue 17)
KUNDPULS_UNUSED_CONTACT_RETENTION_DAYS = CONFIG.unused_contact_retention_days
KUNDPULS_RATE_LIMIT_POSTS = CONFIG.rate_limit_posts
KUNDPULS_RATE_LIMIT_GETS = CONFIG.rate_limit_gets
KUNDPULS_TRUSTED_PROXIES = CONFIG.trusted_proxies

INSTALLED_APPS = [
    "kundpuls.web.accounts",
    "kundpuls.web.org",
    "kundpuls.web.surveys",
    "kundpuls.web.responses",
    "kundpuls.web.collect",
    # follow-up cases and goals (issue 10)
    "kundpuls.web.cases",
    "kundpuls.web.goals",
    # dashboards and unit reports (issue 9): charts, PDF, XLSX/CSV exports read the lake
    "kundpuls.web.dashboards",
    # the comment-theme taxonomy: revisions, staff pages, discovery of new themes (issue 8)
    "kundpuls.web.themes",
    # webhooks (issue 20): signed POSTs of events to other systems, delivered by the worker
    "kundpuls.web.webhooks",
    # paper questionnaires typed in by staff, with double entry (issue 20)
    "kundpuls.web.paper",
    "kundpuls.web.api",
    # scheduled jobs, their status page and /metrics (issue 21)
    "kundpuls.web.operations",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # intcomma: 14 993 svar, grouped as the page's language groups
    "axes",
    # Invitations (issue 4): the app and its background tasks (worker: `kundpuls worker`).
    "kundpuls.web.invitations",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "kundpuls.web.request_metrics.RequestMetricsMiddleware",  # first: it times the whole request (issue 21)
    "kundpuls.web.request_log.RequestIdMiddleware",  # every log line of a request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kundpuls.web.ratelimit.RespondentRateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kundpuls.web.org.viewer.ViewerMiddleware",  # whose request: links tell apart only their organisations
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "kundpuls.web.refusals.ActionRefusalMiddleware",
]

ROOT_URLCONF = "kundpuls.web.urls"
WSGI_APPLICATION = "kundpuls.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "kundpuls.web.portal.navigation.navigation",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, Any]]:
    default: dict[str, Any] = dict(
        dj_database_url.parse(CONFIG.database_url, conn_max_age=600 if CONFIG.uses_sqlite else 60)
    )
    if CONFIG.uses_sqlite:
        Path(str(default["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        # WAL keeps readers and the writer apart; synchronous=FULL makes every commit durable on disk, so
        # a crashed process (or machine) never loses a transaction that was reported committed.
        default["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=20000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # Tests use a file too (not Django's in-memory default), so they see WAL, locking and restarts.
        default["TEST"] = {"NAME": str(CONFIG.data_dir / "test_kundpuls.sqlite3")}
    else:
        default.setdefault("OPTIONS", {})
        default["CONN_HEALTH_CHECKS"] = True
    default["ATOMIC_REQUESTS"] = False
    return {"default": default}


DATABASES = _databases()

# One cache for every server process when KUNDPULS_CACHE_URL names Redis (rate limits exact across
# processes and machines); else each process keeps its own in memory (issue 21).
if CONFIG.cache_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CONFIG.cache_url,
            "KEY_PREFIX": "kundpuls",
        }
    }
SCHEDULED_JOB_SECONDS = dict(CONFIG.job_intervals)
KUNDPULS_METRICS_TOKEN = CONFIG.metrics_token
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kundpuls.web.accounts.backends.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:overview"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): five failures for one e-mail from one address lock it for 15 minutes. The
# e-mail is case-folded and the address is the client's behind KUNDPULS_TRUSTED_PROXIES (accounts.throttling).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "kundpuls.web.accounts.throttling.lockout_username"
AXES_CLIENT_IP_CALLABLE = "kundpuls.web.accounts.throttling.lockout_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.data_dir / "static"
STATICFILES_DIRS = [WEB_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
_HTTPS = CONFIG.base_url.startswith("https://")
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
# With an https base URL every plain-http request is redirected (behind a proxy that sets
# X-Forwarded-Proto); the health check stays reachable over http for load balancers.
SECURE_SSL_REDIRECT = _HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [CONFIG.base_url] if CONFIG.base_url.startswith("http") else []

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Invitations (issue 4): outgoing mail (stderr without an SMTP host), background tasks, contact retention.
if CONFIG.smtp_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = CONFIG.smtp_host
    EMAIL_PORT = CONFIG.smtp_port
    EMAIL_HOST_USER = CONFIG.smtp_user or ""
    EMAIL_HOST_PASSWORD = CONFIG.smtp_password or ""
    EMAIL_USE_TLS = CONFIG.smtp_use_tls
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "kundpuls.web.console_mail.StderrEmailBackend"
DEFAULT_FROM_EMAIL = CONFIG.mail_from
KUNDPULS_MAIL_RATE = CONFIG.mail_rate
KUNDPULS_BOUNCE_MAILDIR = CONFIG.bounce_maildir
KUNDPULS_CONTACT_RETENTION_DAYS = CONFIG.contact_retention_days
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "kundpuls.web.request_log.JsonFormatter"},
    },
    "filters": {"request_id": {"()": "kundpuls.web.request_log.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": CONFIG.log_format,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    # django.template logs a whole template context at DEBUG (form values: an e-mail typed into a page):
    # kept at INFO even when someone lowers the root level to DEBUG (issue 21, no personal data in logs)
    "loggers": {
        "kundpuls": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "django.template": {"level": "INFO"},
    },
}
