"""Django settings, read from the environment (docs/web.md lists every variable).

Safe defaults: DEBUG off, secure cookies, a secret key required. ``JIXIAO_DEMO=1`` (set by
``python -m jixiao.web demo``) is the one switch for a local demonstration: it turns DEBUG on,
allows plain-http cookies and keeps a generated secret key in the instance directory, never
in the repository.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from jixiao.ingest.limits import MiB
from jixiao.web.env import database_from_url, env_bool, env_int, env_list, env_str, public_url

PACKAGE_DIR = Path(__file__).resolve().parent

DEMO = env_bool("JIXIAO_DEMO", False)

#: Where the instance keeps its data: the SQLite database, evidence files, the demo secret key.
INSTANCE_DIR = Path(env_str("JIXIAO_INSTANCE_DIR") or Path.cwd() / "var").resolve()
try:
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    # Nothing in the instance directory belongs in version control (database, key, uploads).
    if not (INSTANCE_DIR / ".gitignore").exists():
        (INSTANCE_DIR / ".gitignore").write_text("*\n", "utf-8")
except OSError as error:
    raise ImproperlyConfigured(
        f"无法使用实例目录 {INSTANCE_DIR}（{error.strerror}）：请检查权限，或用 JIXIAO_INSTANCE_DIR 指定可写的目录"
    ) from None


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 32 and not DEMO:
            raise ImproperlyConfigured("环境变量 SECRET_KEY 太短：至少 32 个字符，建议 50 个以上的随机字符")
        return key
    if not DEMO:
        raise ImproperlyConfigured(
            "未设置环境变量 SECRET_KEY。生产环境请设置随机密钥"
            "（python -c 'import secrets; print(secrets.token_urlsafe(50))'）；本机演示请设置 JIXIAO_DEMO=1"
        )
    file = INSTANCE_DIR / "secret_key"
    if not file.exists():
        file.touch(mode=0o600)
        file.write_text(secrets.token_urlsafe(50), "utf-8")
    return file.read_text("utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", DEMO)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEMO or DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "js_lib_htmx",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "jixiao.web.accounts",
    "jixiao.web.evaluations",
    "jixiao.web.reviews",
    "jixiao.web.portal",
    "jixiao.web.surveys",
    "jixiao.web.results",
    "jixiao.web.jobs",
    "jixiao.web.targets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Error answers under /api/ as JSON, also when DEBUG is off (docs/web.md#api-errors).
    "jixiao.web.apierrors.ApiErrorsMiddleware",
    # Static files from the app itself, with far-future caching and gzip (docs/operations.md#deploy).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # No browser or proxy keeps an answer to a signed-in user or an API key (docs/web.md#headers).
    "jixiao.web.headers.PrivateAnswersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every page (docs/web.md#csp).
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout signalled by the backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jixiao.web.urls"
WSGI_APPLICATION = "jixiao.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jixiao.web.accounts.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'jixiao.sqlite3'}",
        INSTANCE_DIR.parent,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the overview read while a unit saves; IMMEDIATE avoids "database is locked"
    # when two saves race (the optimistic lock then decides who wins).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication and sessions -------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first, so a locked-out login never reaches the password check
    "django.contrib.auth.backends.ModelBackend",
]
# Django's four checks, with Chinese messages of our own (accounts/validators.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "jixiao.web.accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "jixiao.web.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "jixiao.web.accounts.validators.CommonPasswordValidator"},
    {"NAME": "jixiao.web.accounts.validators.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "evaluations:dashboard"
LOGOUT_REDIRECT_URL = "portal:index"

SESSION_COOKIE_AGE = env_int("JIXIAO_SESSION_HOURS", 8, minimum=1, maximum=24 * 30) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Cookies travel over HTTPS only, except for the local demo on http://127.0.0.1.
SECURE_COOKIES = env_bool("JIXIAO_SECURE_COOKIES", not DEMO)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "jixiao.web.accounts.views.csrf_failure"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp, docs/web.md#csp): scripts, styles, fonts and requests only
# from the site itself; no inline script or style anywhere (style attributes and on… handlers were
# moved to static files); images also as data: URLs (charts, QR codes); never framed.
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
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
SECURE_SSL_REDIRECT = env_bool("JIXIAO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("JIXIAO_HSTS_SECONDS", 0, minimum=0)
if env_bool("JIXIAO_BEHIND_PROXY", False):
    # Only behind a proxy that sets this header itself; otherwise clients could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# django-axes: lock an account out after repeated failed logins.
AXES_ENABLED = env_bool("JIXIAO_LOCKOUT", True)
AXES_FAILURE_LIMIT = env_int("JIXIAO_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("JIXIAO_LOCKOUT_MINUTES", 30, minimum=1))
# Per account, whatever the address: guessing one account's password from many addresses is
# stopped, and a whole office behind one NAT address is not locked out by a few typos. (The
# axes check below warns about rotating user agents/cookies, which only matters without a
# username parameter.) The price, documented in docs/web.md: someone who knows a user name
# can lock that account for the cool-off time.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# django-axes' own admin pages are English only: the lockouts are shown and lifted on the
# Chinese 账号 page instead (accounts/admin.py).
AXES_ENABLE_ADMIN = False

# --- the JSON API (docs/web.md#api-limits) ----------------------------------------------------
#: How long a new key works; the administrator may change a key's date on its admin page.
API_TOKEN_DAYS = env_int("JIXIAO_API_TOKEN_DAYS", 90, minimum=1, maximum=3660)
#: Calls per key and clock minute; one more is answered 429 (jixiao/web/apirate.py).
API_RATE_PER_MINUTE = env_int("JIXIAO_API_RATE_PER_MINUTE", 120, minimum=1)
#: Django's caches. ``default``: files in the instance directory, shared by the worker processes
#: of one server, for what must be counted once for all of them (the API rate limit).
#: ``pages``: each process's memory, for the portal's shared copies (docs/web.md#portal-cache):
#: a copy read from memory costs nothing.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(INSTANCE_DIR / "cache"),
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "jixiao-portal-pages",
        # At most about 20 MB a process (a year's list is some 20 KB, an evaluation's page 5 KB);
        # beyond that the least used copies go and are made again when asked for.
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

# --- uploads -----------------------------------------------------------------------------

#: A form body without files (the indicators table of a large unit stays well below).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * MiB
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000
#: Uploads above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * MiB
FILE_UPLOAD_PERMISSIONS = 0o640
#: One evidence file (佐证材料) at most, and one imported table at most.
EVIDENCE_MAX_BYTES = env_int("JIXIAO_EVIDENCE_MAX_MB", 20, minimum=1, maximum=500) * MiB
IMPORT_MAX_BYTES = env_int("JIXIAO_IMPORT_MAX_MB", 20, minimum=1, maximum=100) * MiB
EVIDENCE_DIR = INSTANCE_DIR / "evidence"

# --- background work (docs/operations.md#tasks) ------------------------------------------------
#: Django's task API on the database: `python -m jixiao.web worker` runs the queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: How often a job is tried before it is reported failed, and how long one run may take before
#: its worker is taken to be dead and the job is run again.
TASK_ATTEMPTS = env_int("JIXIAO_TASK_ATTEMPTS", 3, minimum=1, maximum=10)
TASK_LEASE_SECONDS = env_int("JIXIAO_TASK_LEASE_SECONDS", 900, minimum=10)
#: The first retry waits this long, later ones longer (×6, ×24).
TASK_RETRY_SECONDS = env_int("JIXIAO_TASK_RETRY_SECONDS", 5, minimum=0, maximum=3600)
#: Stored PDF reports (docs/operations.md#stored-pdf).
REPORTS_DIR = INSTANCE_DIR / "reports"

# --- satisfaction surveys (满意度调查) ------------------------------------------------------
# Throttling (docs/surveys.md#防止重复和刷票), counted from the stored questionnaires so that it
# holds across worker processes. One device answers a survey once (a database constraint).
#: One address, one survey: enough for a whole office behind one NAT address.
SURVEY_RESPONSES_PER_CLIENT_PER_SURVEY = env_int("JIXIAO_SURVEY_RESPONSES_PER_CLIENT_PER_SURVEY", 300, minimum=1)
SURVEY_PER_SURVEY_HOURS = env_int("JIXIAO_SURVEY_PER_SURVEY_HOURS", 24, minimum=1, maximum=24 * 90)
#: One address, all surveys of the site: a safety limit against floods, far above the one above.
SURVEY_RESPONSES_PER_CLIENT = env_int("JIXIAO_SURVEY_RESPONSES_PER_CLIENT", 1000, minimum=1)
SURVEY_THROTTLE_MINUTES = env_int("JIXIAO_SURVEY_THROTTLE_MINUTES", 10, minimum=1, maximum=24 * 60)
#: How long a shared copy of a public page lives at most (0: no copies). Publishing, withdrawing
#: or correcting makes new copies at once; this bounds what the workflow does not see, such as a
#: unit renamed in the admin (docs/web.md#portal-cache).
PORTAL_CACHE_SECONDS = env_int("JIXIAO_PORTAL_CACHE_SECONDS", 300, minimum=0, maximum=24 * 3600)
#: Where respondents reach the site (``https://jx.example.gov.cn``): the host in survey links,
#: QR codes and posters. Unset: the address the person printing used, with a warning.
PUBLIC_URL = public_url(env_str("JIXIAO_PUBLIC_URL"))

# --- language, time, static files ----------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = INSTANCE_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("JIXIAO_LOG_LEVEL", "WARNING")},
}
