"""Settings for the AKAD casustafel, read from the environment.

Environment variables: SECRET_KEY, DEBUG, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, DATABASE_URL,
REDIS_URL (one cache for all app processes), SECURE (https-only cookies and HSTS behind a TLS
proxy), FORWARDED_PROXIES (how many reverse proxies in front of the app add to
X-Forwarded-For), IDLE_TIMEOUT_MINUTES, LOG_LEVEL, STATIC_ROOT (where `collectstatic` puts the
files; `staticfiles/` by default).
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

from akad.proxies import client_address_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    import os

    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if env_bool("SECURE"):
        raise ImproperlyConfigured("Set SECRET_KEY in the environment.")
    # Development and tests: a fresh key per process (sessions do not survive a restart).
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    # Django's admin on a site that asks for a verified second factor (akad.admin_site).
    "akad.admin_config.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "akad",
    "networks",
    "matrices",
    "sessions.apps.CaseworkConfig",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "akad.middleware.NoStoreMiddleware",
    "akad.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "akad.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "networks.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "akad.middleware.SessionTimeoutMiddleware",
    "akad.middleware.HtmxLoginRedirectMiddleware",
    "networks.middleware.GuestsNeedAnAccountMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "akad.urls"
WSGI_APPLICATION = "akad.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "akad.kept_post.kept_post",
            ],
            # `refill`: a form shown again with what a post kept across a login had in it.
            "builtins": ["akad.kept_post"],
        },
    },
]

# Database: a SQLite file in WAL mode by default, PostgreSQL (production) via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
    # Tests use a file as well (not Django's shared in-memory database), so that the browser
    # tests' concurrent requests wait for each other as they do in production.
    # Beside the database it stands in for: `test-db.sqlite3` for the default `db.sqlite3`.
    database_file = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {
        "NAME": str(database_file.with_name(f"test-{database_file.name}"))
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered PDF reports and beamer content, keyed by the meeting's version. Per process by
# default; with REDIS_URL (e.g. redis://127.0.0.1:6379/0) one cache for all app processes, so
# a changed beamer is rendered once in the whole installation instead of once per process.
REDIS_URL = env("REDIS_URL")
# "access-log": which looks the access log has a row for already (networks.access: one per
# screen, page and client within five minutes). Small entries, kept apart so that they never
# push a render or a throttle's count out of the default cache.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "akad",
        },
        "access-log": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "akad-access-log",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 500},
        },
        "access-log": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "access-log",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }

AUTH_USER_MODEL = "networks.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "casework:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: five failures lock a username/IP pair for an hour, and thirty failures on
# any accounts lock the IP address for an hour (password spraying; networks.throttling).
# Failed attempts expire after the hour (removed at the next login attempt); successful
# logins are logged by axes and removed by `axes_reset_logs --age 30` (README, Production).
AXES_HANDLER = "networks.throttling.ThrottlingHandler"
AXES_FAILURE_LIMIT = 5
LOGIN_FAILURES_PER_ADDRESS = 30
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "networks.accounts.throttling_username"
# Failed logins count per account *and client address*. Behind reverse proxies the client's
# address is in X-Forwarded-For (read with django-ipware); without FORWARDED_PROXIES only the
# connection's own address is trusted, so a client cannot pick an address by sending the header.
FORWARDED_PROXIES = int(env("FORWARDED_PROXIES", "0"))
globals().update(client_address_settings(proxies=FORWARDED_PROXIES))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Two-factor sign-in (django-otp): a code from an authenticator app (TOTP), or one of ten
# recovery codes. Who must use it is networks.access.must_use_two_factor; the login flow is
# networks.views. Wrong codes wait 1, 2, 4, 8 … seconds (django-otp's throttling) and count
# as failed logins for the lockout above.
OTP_TOTP_ISSUER = "AKAD casustafel"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows an app's secret key
# A first app is set up only through a one-time set-up link (networks.setup_links), valid this
# long; `manage.py setup_link` prints it under SITE_URL, the address people open the app at.
SETUP_LINK_HOURS = 72
SITE_URL = env("SITE_URL", "").rstrip("/") or (
    f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if env_bool("SECURE") else "http://127.0.0.1:8000"
)

# Which networks a staff account administers in Django's admin (akad.admin_site).
ADMIN_NETWORKS = "networks.access.administered_networks"

# Sessions end when the browser closes, after IDLE_TIMEOUT_MINUTES (30) without activity, and
# 12 hours after the login whatever the activity (akad.session_store, akad.middleware).
SESSION_ENGINE = "akad.session_store"
SESSION_IDLE_TIMEOUT = int(env("IDLE_TIMEOUT_MINUTES", "30")) * 60
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "akad.views.csrf_failure"
SECURE = env_bool("SECURE")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    # The app's host name and any name below it: https only (nothing of the app is served
    # over plain http, on any subdomain of its own).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# `manage.py check --deploy` (SECURE=1) is clean; two of its warnings are silenced on purpose:
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload commits the whole registrable domain (the municipality's or the care
    # organisation's, not only this app) to https in every browser, for months and hard to
    # undo: a decision for the domain's owner, who adds "preload" at their proxy.
    "security.W021",
    # A short SECRET_KEY is refused harder than with a warning: in production (SECURE=1)
    # the app does not start with one (akad/wsgi.py, refuse_a_weak_secret_key).
    "security.W009",
]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict Content Security Policy: only the app's own files, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Browser features the app never uses, all off (akad.middleware.PermissionsPolicyMiddleware).
# Only names Chromium and Firefox know: an unknown one is an error in the browser's console.
# The beamer goes full screen with the browser's own F11, which this does not govern.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT")) if env("STATIC_ROOT") else BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:  # runserver serves the files from the source folders, no collectstatic needed
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # Sign-in's security events (networks.access.log_sign_in_event): set-up links made, used
    # and refused, apps reset, logins refused for want of an app. Kept whatever LOG_LEVEL.
    "loggers": {"akad.security": {"level": "INFO"}},
}
