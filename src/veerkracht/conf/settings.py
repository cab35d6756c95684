"""Settings, read from the environment with per-environment defaults.

VEERKRACHT_ENV is one of ``dev`` (the default, also the demo), ``test`` and
``production``. Production refuses to start with an insecure default.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parents[2]
PROJECT_DIR = SRC_DIR.parent
PACKAGE_DIR = SRC_DIR / "veerkracht"

ENV = os.environ.get("VEERKRACHT_ENV", "dev").strip().lower()
if ENV not in {"dev", "test", "production"}:
    raise ImproperlyConfigured(f"VEERKRACHT_ENV must be dev, test or production, not {ENV!r}")
PRODUCTION = ENV == "production"

VAR_DIR = Path(os.environ.get("VEERKRACHT_VAR_DIR", PROJECT_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- secrets -------------------------------------------------------------------------
_INSECURE_SECRET = "django-insecure-veerkracht-dev-only-never-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _INSECURE_SECRET)

# Keys for encrypted fields (Fernet, urlsafe base64, 32 bytes). The first key
# encrypts, all keys decrypt: prepend a new key and run `veerkracht rotate_keys`.
_DEV_FIELD_KEY = "dmVlcmtyYWNodC1kZXYtb25seS1maWVsZC1rZXktMDE="  # base64 of a 32-byte dev-only key
FIELD_ENCRYPTION_KEYS = _env_list("VEERKRACHT_FIELD_KEYS", [] if PRODUCTION else [_DEV_FIELD_KEY])

# Key for the audit log's hash chain; it lives outside the database on purpose.
_DEV_AUDIT_KEY = "veerkracht-dev-only-audit-chain-key"  # noqa: S105
AUDIT_HMAC_KEY = os.environ.get("VEERKRACHT_AUDIT_KEY", "" if PRODUCTION else _DEV_AUDIT_KEY)

DEBUG = _env_bool("DEBUG", ENV == "dev")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])

# Demo mode: demo accounts may log in with a code printed by `veerkracht demo_code`.
DEMO_MODE = (not PRODUCTION) and _env_bool("VEERKRACHT_DEMO", True)

if PRODUCTION:
    problems = []
    if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY must be set to a long random value")
    if not FIELD_ENCRYPTION_KEYS or _DEV_FIELD_KEY in FIELD_ENCRYPTION_KEYS:
        problems.append("VEERKRACHT_FIELD_KEYS must be set (Fernet keys, comma separated)")
    if not AUDIT_HMAC_KEY or AUDIT_HMAC_KEY == _DEV_AUDIT_KEY:
        problems.append("VEERKRACHT_AUDIT_KEY must be set")
    if DEBUG:
        problems.append("DEBUG must be off")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must be set")
    if not os.environ.get("DATABASE_URL"):
        problems.append("DATABASE_URL must be set")
    if problems:
        raise ImproperlyConfigured("Production refuses to start: " + "; ".join(problems))

# --- applications --------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "rules",
    "django_tasks_db",
    "veerkracht.core",
    "veerkracht.audit",
    "veerkracht.accounts",
    "veerkracht.organisations",
    "veerkracht.clients",
    "veerkracht.pathway",
    "veerkracht.intake",
    "veerkracht.meldcode",
    "veerkracht.fathers",
    "veerkracht.family",
    "veerkracht.network",
    "veerkracht.consent",
    "veerkracht.safety",
    "veerkracht.plans",
    "veerkracht.referrals",
    "veerkracht.handover",
    "veerkracht.screening",
    "veerkracht.courses",
    "veerkracht.monitoring",
    "veerkracht.notifications",
    "veerkracht.privacy",
    "veerkracht.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "veerkracht.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "veerkracht.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "veerkracht.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "veerkracht.conf.urls"
WSGI_APPLICATION = "veerkracht.conf.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "veerkracht.core.context_processors.veerkracht",
                "veerkracht.notifications.context_processors.notifications",
            ],
        },
    }
]

# --- database --------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'veerkracht.sqlite3'}"),
        conn_max_age=0 if ENV == "test" else 60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers go on while one writer writes; IMMEDIATE takes the
            # write lock at BEGIN so the audit hash chain is appended in order.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    if ENV == "test":
        DATABASES["default"]["TEST"] = {"NAME": os.environ.get("VEERKRACHT_TEST_SQLITE_NAME", "")}

# --- authentication ----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "veerkracht.accounts.backends.VeerkrachtBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

OTP_TOTP_ISSUER = "Veerkracht"
AXES_FAILURE_LIMIT = int(os.environ.get("VEERKRACHT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("VEERKRACHT_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Failures are counted over both steps (password and code) and reset only after a
# complete login, so the password alone does not buy unlimited guesses at the code.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
AXES_ENABLED = _env_bool("VEERKRACHT_AXES_ENABLED", True)

# --- sessions and security headers -----------------------------------------------------------
# Absolute limit counted from login (enforced by SecondFactorRequiredMiddleware, since the
# idle check re-saves the session on every request and so keeps extending the cookie age).
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("VEERKRACHT_SESSION_ABSOLUTE_SECONDS", str(10 * 3600)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_IDLE_TIMEOUT = int(os.environ.get("VEERKRACHT_SESSION_IDLE_SECONDS", str(15 * 60)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = PRODUCTION and _env_bool("VEERKRACHT_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _env_bool("VEERKRACHT_BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Amsterdam"
FORMAT_MODULE_PATH = ["veerkracht.conf.formats"]

# --- static files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- caches and e-mail ----------------------------------------------------------------------
if os.environ.get("CACHE_URL", "").startswith("redis://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Production sends through SMTP (EMAIL_HOST etc.); dev and test print mail to the console.
_MAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND}}
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "use_tls": _env_bool("EMAIL_USE_TLS", PRODUCTION),
        **({"username": os.environ["EMAIL_HOST_USER"]} if os.environ.get("EMAIL_HOST_USER") else {}),
        **({"password": os.environ["EMAIL_HOST_PASSWORD"]} if os.environ.get("EMAIL_HOST_PASSWORD") else {}),
    }
# Background work (django.tasks): a database queue, worked off by `veerkracht db_worker`.
# Tests run tasks at once (settings_test).
TASKS = {"default": {"BACKEND": os.environ.get("VEERKRACHT_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "veerkracht@localhost")
# Reminders (`veerkracht send_reminders`): also e-mail each user the counts of new reminders
# (never client details), with a link to the first ALLOWED_HOSTS entry (or VEERKRACHT_SITE_URL).
VEERKRACHT_REMINDER_EMAIL = _env_bool("VEERKRACHT_REMINDER_EMAIL", False)

# --- Veerkracht ----------------------------------------------------------------------------
CASELOAD_PAGE_SIZE = 25
BREAK_GLASS_MINUTES = int(os.environ.get("VEERKRACHT_BREAK_GLASS_MINUTES", "60"))
AUDIT_TRUSTED_PROXY_COUNT = int(os.environ.get("VEERKRACHT_TRUSTED_PROXIES", "0"))
# Help plans are evaluated every this many weeks (project default 6, domain.md).
VEERKRACHT_EVALUATION_WEEKS = int(os.environ.get("VEERKRACHT_EVALUATION_WEEKS", "6"))
if not 1 <= VEERKRACHT_EVALUATION_WEEKS <= 52:
    raise ImproperlyConfigured("VEERKRACHT_EVALUATION_WEEKS must be a number of weeks from 1 to 52")

# Disclosure control of monitoring figures for everyone outside the organisation (issue 8):
# counts 1..MIN_COUNT-1 hidden, counts rounded to a multiple of ROUNDING (1 = no rounding),
# percentages only from MIN_DENOMINATOR on.
VEERKRACHT_DISCLOSURE_MIN_COUNT = int(os.environ.get("VEERKRACHT_DISCLOSURE_MIN_COUNT", "5"))
VEERKRACHT_DISCLOSURE_ROUNDING = int(os.environ.get("VEERKRACHT_DISCLOSURE_ROUNDING", "5"))
VEERKRACHT_DISCLOSURE_MIN_DENOMINATOR = int(os.environ.get("VEERKRACHT_DISCLOSURE_MIN_DENOMINATOR", "10"))
if VEERKRACHT_DISCLOSURE_MIN_COUNT < 1 or VEERKRACHT_DISCLOSURE_MIN_COUNT == 2:
    raise ImproperlyConfigured("VEERKRACHT_DISCLOSURE_MIN_COUNT must be 1 (nothing hidden) or 3 or more")
if not 1 <= VEERKRACHT_DISCLOSURE_ROUNDING <= 2 * VEERKRACHT_DISCLOSURE_MIN_COUNT:
    raise ImproperlyConfigured("VEERKRACHT_DISCLOSURE_ROUNDING must be from 1 to twice VEERKRACHT_DISCLOSURE_MIN_COUNT")
if VEERKRACHT_DISCLOSURE_MIN_DENOMINATOR < 1:
    raise ImproperlyConfigured("VEERKRACHT_DISCLOSURE_MIN_DENOMINATOR must be at least 1")

# The demo (seed_demo) adds this many synthetic children of earlier years, so that the monitoring
# dashboard shows figures that are not all suppressed (0 = none; the test suite uses 0).
VEERKRACHT_DEMO_HISTORY_CHILDREN = int(os.environ.get("VEERKRACHT_DEMO_HISTORY_CHILDREN", "2000"))
# Languages a child's safety plan can be printed in (language codes). Adding one needs only a
# translation file in locale/<code>/LC_MESSAGES (e.g. ar, tr, pl, ti).
VEERKRACHT_PLAN_LANGUAGES = _env_list("VEERKRACHT_PLAN_LANGUAGES", ["nl", "en"])

# --- logging: no personal data; only technical events ------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING" if ENV == "test" else "INFO")},
    "loggers": {
        # request logs carry URLs only; the axes logger would write usernames
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint reports every rendering step at INFO
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- retention (AVG, Jeugdwet: youth-care records 20 years after the end of care) ---------------
RETENTION_YEARS = int(os.environ.get("VEERKRACHT_RETENTION_YEARS", "20"))
